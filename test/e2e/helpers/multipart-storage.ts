/**
 * The two storage servers, set up for browser multipart uploads from one page origin: the bucket's CORS must let
 * the page send POST (CreateMultipartUpload, CompleteMultipartUpload), PUT (UploadPart), GET (ListParts, the
 * download) and DELETE (AbortMultipartUpload), and must expose ETag (the uploader reads each part's ETag).
 *
 * - s3rver: a bucket CORS configuration with those methods and `<ExposeHeader>ETag</ExposeHeader>` (S3's format).
 *   (helpers/target.ts's corsXml allows only GET, PUT and HEAD: s3rver then refuses the POST's preflight with 403, and
 *   sends no CORS header on the POST's answer.)
 * - Swift: the measured CORS options (s3api answers every preflight for all methods; the proxy's answers carry an
 *   Access-Control-Expose-Headers list that includes etag), plus `corsEveryS3Answer` for the answers s3api writes
 *   itself (helpers/swift_s3_cors.py says why).
 */
import S3rver from '@20minutes/s3rver'
import { tempDir, withTimeout } from './env.js'
import { startSwift } from './swift.js'
import type { S3Target } from './target.js'

/** `<CORSConfiguration>` for a multipart uploader on `origins` (comma-separated). */
export function multipartCorsXml(origins: string): string {
  const methods = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join('')
  const allowed = origins
    .split(',')
    .map((o) => `<AllowedOrigin>${o.trim()}</AllowedOrigin>`)
    .join('')
  return (
    '<CORSConfiguration><CORSRule>' +
    `${allowed}${methods}` +
    '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds>' +
    '</CORSRule></CORSConfiguration>'
  )
}

export interface MultipartStorageOptions {
  readonly bucket: string
  /** The page origins, comma-separated (Swift's cors_* options take the same list). */
  readonly corsOrigin: string
}

/** @20minutes/s3rver 5.0.0 in process, path style, with the multipart CORS rule. */
export async function startMultipartS3rver({ bucket, corsOrigin }: MultipartStorageOptions): Promise<S3Target> {
  const tmp = tempDir('s3rver-multipart')
  const server = new S3rver({
    directory: tmp.dir,
    address: '127.0.0.1',
    port: 0,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [multipartCorsXml(corsOrigin)] }],
  })
  let address: { port: number }
  try {
    address = await withTimeout(server.run(), 15_000, 'starting s3rver')
  } catch (e) {
    tmp.remove()
    throw e
  }
  let stopped = false
  return {
    name: 's3rver',
    endpoint: `http://127.0.0.1:${address.port}`,
    vhostEndpoint: `http://127.0.0.1:${address.port}`,
    region: 'us-east-1',
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    logs: () => '(s3rver runs in-process with silent: true)',
    async stop() {
      if (stopped) return
      stopped = true
      server.httpServer?.closeAllConnections()
      await withTimeout(server.close(), 10_000, 'stopping s3rver').finally(tmp.remove)
    },
  }
}

/** OpenStack Swift (s3api) with CORS on every S3 answer for `corsOrigin`. */
export function startMultipartSwift({ bucket, corsOrigin }: MultipartStorageOptions): Promise<S3Target> {
  return startSwift({ bucket, corsOrigin, corsEveryS3Answer: true })
}
