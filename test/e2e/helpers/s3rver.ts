/**
 * @20minutes/s3rver 5.0.0, in-process: a fast SigV4-verifying S3 server that `npm test` can always run.
 * See ../../../../shared/docs/s3-compatible-servers.md (measured) and the gaps listed in s3rver.test.ts.
 */
import S3rver from '@20minutes/s3rver'
import type { S3Target } from './target.js'
import { corsXml } from './target.js'
import { tempDir, withTimeout } from './env.js'

export interface S3rverOptions {
  bucket?: string
  /** Page origin allowed by the bucket's CORS configuration. */
  corsOrigin?: string
}

export async function startS3rver(options: S3rverOptions = {}): Promise<S3Target> {
  const bucket = options.bucket ?? 'e2e-bucket'
  const tmp = tempDir('s3rver')
  const server = new S3rver({
    directory: tmp.dir,
    address: '127.0.0.1',
    port: 0,
    silent: true,
    // `bucket.s3.localhost` is virtual-hosted; requests to 127.0.0.1 (an IP) stay path style.
    vhostBuckets: true,
    serviceEndpoint: 'localhost',
    configureBuckets: [{ name: bucket, configs: options.corsOrigin ? [corsXml(options.corsOrigin)] : [] }],
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
    vhostEndpoint: `http://s3.localhost:${address.port}`,
    region: 'us-east-1',
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    logs: () => '(s3rver runs in-process with silent: true)',
    async stop() {
      if (stopped) return
      stopped = true
      // fetch keeps connections alive; without this close() waits for them to time out.
      server.httpServer?.closeAllConnections()
      await withTimeout(server.close(), 10_000, 'stopping s3rver').finally(tmp.remove)
    },
  }
}
