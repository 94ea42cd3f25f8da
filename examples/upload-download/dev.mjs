// Local playground, all on 127.0.0.1; Ctrl-C stops everything and removes the data:
// - s3rver on :4569, bucket "example-bucket" (CORS for the page's GET, PUT, POST and DELETE, exposing ETag, which the
//   multipart uploader reads), data in a temp dir;
// - post-gateway.mjs on :4568, in front of it: the storage endpoint the example uses. It enforces POST policies, which
//   s3rver does not (real S3 does; against S3 you need no gateway), and passes everything else to s3rver;
// - server.mjs on :8080. Its multipart mode signs for s3rver itself (S3_MULTIPART_ENDPOINT): the gateway takes only
//   form POSTs, not CreateMultipartUpload's. s3rver 5.0.0 has no ListParts and no AbortMultipartUpload (405
//   MethodNotAllowed), so here a reload starts the upload over and Abort fails; on S3 (or Swift) both work.
//   npm run example    (= npm run build && node examples/upload-download/dev.mjs), then open http://127.0.0.1:8080/
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from '@20minutes/s3rver'
import { startPostGateway } from './post-gateway.mjs'

const port = process.env.PORT ?? '8080'
const origin = `http://127.0.0.1:${port}`
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } // s3rver's built-in account
const directory = mkdtempSync(join(tmpdir(), 'upload-download-'))
const cors =
  `<CORSConfiguration><CORSRule><AllowedOrigin>${origin}</AllowedOrigin>` +
  '<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>' +
  '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>' +
  '</CORSRule></CORSConfiguration>'
const s3 = new S3rver({ directory, address: '127.0.0.1', port: 4569, silent: true, vhostBuckets: false, configureBuckets: [{ name: 'example-bucket', configs: [cors] }] })
await s3.run()
const gateway = await startPostGateway({ upstream: 'http://127.0.0.1:4569', credentials, region: 'us-east-1', corsOrigin: origin, port: 4568 })
console.log(`s3rver on http://127.0.0.1:4569 (bucket "example-bucket", keys S3RVER/S3RVER, data in ${directory})`)
console.log(`POST policy gateway on ${gateway.url}, in front of s3rver`)

const stop = () => {
  rmSync(directory, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

Object.assign(process.env, { PORT: port, HOST: '127.0.0.1', S3_ENDPOINT: gateway.url, S3_MULTIPART_ENDPOINT: 'http://127.0.0.1:4569', S3_BUCKET: 'example-bucket' })
await import('./server.mjs')
