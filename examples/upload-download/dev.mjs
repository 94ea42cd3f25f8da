// Local playground: an in-process s3rver (127.0.0.1:4568, bucket "example-bucket", CORS for the page, data in
// a temp dir removed on exit) and server.mjs on 127.0.0.1:8080. Ctrl-C stops both.
//   npm run build && node examples/upload-download/dev.mjs    then open http://127.0.0.1:8080/
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from '@20minutes/s3rver'

const port = process.env.PORT ?? '8080'
const origin = `http://127.0.0.1:${port}`
const directory = mkdtempSync(join(tmpdir(), 'upload-download-'))
const cors =
  `<CORSConfiguration><CORSRule><AllowedOrigin>${origin}</AllowedOrigin>` +
  '<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader>' +
  '</CORSRule></CORSConfiguration>'
const s3 = new S3rver({ directory, address: '127.0.0.1', port: 4568, silent: true, vhostBuckets: false, configureBuckets: [{ name: 'example-bucket', configs: [cors] }] })
await s3.run()
console.log(`s3rver on http://127.0.0.1:4568 (bucket "example-bucket", keys S3RVER/S3RVER, data in ${directory})`)

const stop = () => {
  rmSync(directory, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

Object.assign(process.env, { PORT: port, HOST: '127.0.0.1', S3_ENDPOINT: 'http://127.0.0.1:4568', S3_BUCKET: 'example-bucket' })
await import('./server.mjs')
