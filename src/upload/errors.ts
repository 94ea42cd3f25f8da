/** The uploader's error: what went wrong on the wire, in S3's terms. */

/**
 * The S3 request an {@link UploadError} comes from.
 *
 * @example
 * if (error.operation === 'CompleteMultipartUpload') console.warn('every part is stored; completing failed')
 */
export type UploadOperation = 'CreateMultipartUpload' | 'UploadPart' | 'ListParts' | 'CompleteMultipartUpload' | 'AbortMultipartUpload'

/**
 * Why an upload failed. S3's own error code when the server sent one (`NoSuchUpload`, `AccessDenied`,
 * `SignatureDoesNotMatch`, `EntityTooSmall`, `InvalidPart`…), or one of:
 *
 * - `NetworkError`: no HTTP response (connection refused, reset or closed, DNS, CORS refusal in a browser). A server
 *   that refuses a PUT often closes the socket before reading the body, which also looks like this;
 * - `Timeout`: no sign of life from the server for `options.stallTimeout` ms (retried like a network error);
 * - `Aborted`: `abort()` or `options.signal`;
 * - `MissingETag`: a part was stored but its response had no readable `ETag` header. In a browser the bucket's CORS
 *   rule must expose it (`ExposeHeaders: ["ETag"]`);
 * - `InvalidResponse`: a response that is not what S3 sends (garbage XML, no upload id, a body over 1 MiB, a
 *   `ListParts` page that does not advance);
 * - `HttpError`: an error status without an S3 error body (a proxy's HTML page, say), or with a code that is not a
 *   word (one that echoes the URL's signature, say);
 * - `MaybeCompleted` (from `abort()`): aborted while `CompleteMultipartUpload` was under way, and S3 no longer has the
 *   upload, so the object may exist.
 *
 * @example
 * if (error.code === 'NoSuchUpload') localStorage.removeItem('upload') // start over
 */
export type UploadErrorCode = 'NetworkError' | 'Timeout' | 'Aborted' | 'MissingETag' | 'InvalidResponse' | 'HttpError' | 'MaybeCompleted' | (string & {})

/**
 * Where an {@link UploadError} comes from (the fields of its constructor).
 *
 * @example
 * const details: UploadErrorDetails = { operation: 'UploadPart', partNumber: 3, status: 503, retryable: true }
 */
export interface UploadErrorDetails {
  /** HTTP status; 0 when there was no response. */
  readonly status?: number | undefined
  /** The S3 request. */
  readonly operation?: UploadOperation | undefined
  /** The part, for `UploadPart`. */
  readonly partNumber?: number | undefined
  /** Whether the uploader retries this failure (network errors, `Timeout`, 5xx, 429, `RequestTimeout`, `SlowDown`). */
  readonly retryable?: boolean | undefined
  /** The presigned URL had expired (S3's `AccessDenied` "Request has expired", or `ExpiredToken`). */
  readonly urlExpired?: boolean | undefined
  /** The underlying reason, e.g. `signal.reason` for `Aborted`. Never a request or its URL. */
  readonly cause?: unknown
}

/**
 * A failed upload request. Its message names the operation, the part and S3's code and message; it never contains a
 * presigned URL, a signature, an access key id or a session token.
 *
 * @example
 * try {
 *   await uploadMultipart(file, backend).done
 * } catch (e) {
 *   if (e instanceof UploadError && e.code === 'Aborted') return
 *   if (e instanceof UploadError && e.code === 'MissingETag') console.error('the bucket CORS rule must expose ETag')
 *   throw e
 * }
 */
export class UploadError extends Error {
  /** S3's error code, or `NetworkError`, `Timeout`, `Aborted`, `MissingETag`, `InvalidResponse`, `HttpError`, `MaybeCompleted`. */
  readonly code: UploadErrorCode
  /** HTTP status; 0 when there was no response. */
  readonly status: number
  /** The S3 request that failed, if any. */
  readonly operation: UploadOperation | undefined
  /** The part that failed, for `UploadPart`. */
  readonly partNumber: number | undefined
  /** Whether this kind of failure is retried (the retries were spent when it reaches `done`). */
  readonly retryable: boolean
  /** The presigned URL had expired. */
  readonly urlExpired: boolean

  /** @internal */
  constructor(code: UploadErrorCode, message: string, details: UploadErrorDetails = {}) {
    const where = (details.operation ?? 'upload') + (details.partNumber === undefined ? '' : ` (part ${details.partNumber})`)
    super(`${where}: ${code}${details.status ? ` (HTTP ${details.status})` : ''}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'UploadError'
    this.code = code
    this.status = details.status ?? 0
    this.operation = details.operation
    this.partNumber = details.partNumber
    this.retryable = details.retryable ?? false
    this.urlExpired = details.urlExpired ?? false
  }
}

/** The query parameters of a presigned URL whose values must never reach a message. */
const SECRET_PARAMS = /^x-amz-(?:signature|credential|security-token)$/i

/** @internal The secret-bearing values of a URL's query (raw and decoded), to redact from server text. */
export function secretsOf(url: string): string[] {
  const query = url.indexOf('?')
  if (query < 0) return []
  const found: string[] = []
  for (const pair of url.slice(query + 1).split('&')) {
    const eq = pair.indexOf('=')
    if (eq < 0 || !SECRET_PARAMS.test(pair.slice(0, eq))) continue
    const raw = pair.slice(eq + 1)
    found.push(raw)
    try {
      found.push(decodeURIComponent(raw))
    } catch {
      // a malformed escape: the raw value is redacted
    }
  }
  return found.filter((s) => s.length >= 4)
}

/** @internal Server-supplied text made safe for a message: no control characters, at most 300 characters, no secret. */
export function clean(text: string, secrets: readonly string[]): string {
  let out = text.replace(/[\0-\x1f\x7f]+/g, ' ').trim()
  // The credential's access key id is its first segment; it is redacted on its own too.
  const all = secrets.flatMap((v) => [v, v.split(/%2F|\//i)[0]!]).sort((a, b) => b.length - a.length)
  for (const s of all) if (s.length >= 4) out = out.split(s).join('…')
  return out.length > 300 ? out.slice(0, 300) + '…' : out
}
