/** A running S3-compatible server the end-to-end tests talk to. */
export interface S3Target {
  /** Display name, e.g. `swift` or `s3rver`. */
  readonly name: string
  /** Path-style endpoint, `http://127.0.0.1:PORT`. */
  readonly endpoint: string
  /**
   * Endpoint whose host takes a bucket sub-domain, for virtual-hosted URLs
   * (`http://localhost:PORT` → `http://bucket.localhost:PORT/key`). Reached with requestVia127().
   */
  readonly vhostEndpoint: string
  readonly region: string
  readonly bucket: string
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
  /** Stop every process the server runs and remove its files. Idempotent. */
  stop(): Promise<void>
  /** Recent server log lines, for failure messages. */
  logs(): string
}

/** `<CORSConfiguration>` letting `origin` GET and PUT with any header (S3's XML format). */
export function corsXml(origin: string): string {
  return (
    '<CORSConfiguration><CORSRule>' +
    `<AllowedOrigin>${origin}</AllowedOrigin>` +
    '<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>' +
    '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds>' +
    '</CORSRule></CORSConfiguration>'
  )
}
