// @20minutes/s3rver ships no types; the tests use this much of it.
declare module '@20minutes/s3rver' {
  import type { Server } from 'node:http'

  interface S3rverOptions {
    directory: string
    address?: string
    port?: number
    silent?: boolean
    vhostBuckets?: boolean
    serviceEndpoint?: string
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>
  }

  export default class S3rver {
    constructor(options: S3rverOptions)
    run(): Promise<{ address: string; family: string; port: number }>
    close(): Promise<void>
    httpServer: Server | undefined
  }
}
