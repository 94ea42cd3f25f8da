/** One S3 request of the uploader: send it, turn every failure into an `UploadError`, retry what may be retried. */
import { PresignError } from '../core/errors.js'
import { parseS3Error } from '../s3/multipart-xml.js'
import { clean, secretsOf, UploadError, type UploadOperation } from './errors.js'
import { raceAbort, sleep, stallGuard } from './retry.js'
import { ResponseTooLarge, type Transport, type TransportResponse } from './transport.js'
import type { PresignedRequest } from './types.js'

/** @internal The most of a response body the uploader reads: 1 MiB (a full `ListParts` page is about 300 KB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024

/** S3 error codes worth a retry whatever the status (`RequestTimeout` is a 400; the others come as 5xx or in a 200). */
const RETRY_CODES: ReadonlySet<string> = /* @__PURE__ */ new Set(['RequestTimeout', 'SlowDown', 'InternalError', 'ServiceUnavailable'])

/** How many times in a row one request may be re-signed because its URL expired (not counted as retries). */
const MAX_REFRESHES = 3

/** @internal A backend answer, checked: a URL string or `{ url, method?, headers? }`. */
export function normalizeRequest(value: unknown, field: string, method: string): { url: string; method: string; headers: Record<string, string> } {
  const r = (typeof value === 'string' ? { url: value } : value) as PresignedRequest | null
  if (r === null || typeof r !== 'object' || typeof r.url !== 'string' || r.url === '') {
    throw new PresignError('InvalidOption', field, 'must resolve to a presigned URL or { url, method?, headers? }')
  }
  if (r.method !== undefined && (typeof r.method !== 'string' || !/^[A-Z]{1,16}$/.test(r.method))) {
    throw new PresignError('InvalidOption', field + '.method', 'must be an HTTP method such as "PUT"')
  }
  const headers: Record<string, string> = {}
  if (r.headers !== undefined && (r.headers === null || typeof r.headers !== 'object')) {
    throw new PresignError('InvalidOption', field + '.headers', 'must be an object { name: value }')
  }
  for (const [name, v] of Object.entries(r.headers ?? {})) {
    if (typeof v !== 'string') throw new PresignError('InvalidOption', field + '.headers', `must have string values (header "${name.slice(0, 64)}")`)
    headers[name] = v
  }
  return { url: r.url, method: r.method ?? method, headers }
}

/** @internal One request to send. */
export interface Exchange {
  readonly operation: UploadOperation
  readonly partNumber?: number | undefined
  readonly request: { readonly url: string; readonly method: string; readonly headers: Readonly<Record<string, string>> }
  readonly body?: Blob | string | undefined
  readonly onUploadProgress?: ((loaded: number) => void) | undefined
}

/**
 * @internal Send one request: resolve with its 2xx response, reject with an `UploadError` for anything else. With
 * `stallMs`, a request that shows no sign of life (its start, upload or download progress) for that long is
 * cancelled as a retryable `Timeout`, even from a transport that ignores its signal.
 */
export async function exchange(transport: Transport, ex: Exchange, signal: AbortSignal, stallMs = 0): Promise<TransportResponse> {
  const { operation, partNumber, request } = ex
  const guard = stallMs > 0 ? stallGuard(signal, stallMs) : undefined
  const up = ex.onUploadProgress
  const live = guard?.touch
  let response: TransportResponse
  try {
    const sent = transport({
      ...request,
      body: ex.body,
      signal: guard?.signal ?? signal,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      onUploadProgress: live
        ? (loaded) => {
            live()
            up?.(loaded)
          }
        : up,
      onDownloadProgress: live,
    })
    response = await (guard ? raceAbort(sent, guard.signal) : sent)
  } catch (e) {
    if (signal.aborted) throw aborted(signal, operation, partNumber)
    if (guard?.signal.aborted) {
      throw new UploadError('Timeout', `no sign of life from the server for ${stallMs} ms (options.stallTimeout)`, { operation, partNumber, retryable: true })
    }
    if (e instanceof ResponseTooLarge) throw invalidResponse(ex, `the response body is over ${MAX_RESPONSE_BYTES} bytes`)
    const detail = clean(String((e as { cause?: { code?: unknown } })?.cause?.code ?? (e as Error)?.message ?? e), secretsOf(request.url))
    throw new UploadError('NetworkError', `no response (${detail || 'network error'})`, { operation, partNumber, retryable: true })
  } finally {
    guard?.stop()
  }
  if (typeof response?.status !== 'number' || typeof response.body !== 'string' || typeof response.headers?.get !== 'function') {
    throw invalidResponse(ex, 'the transport resolved with something other than { status, headers, body }')
  }
  if (response.status === 0) throw new UploadError('NetworkError', 'no response (status 0)', { operation, partNumber, retryable: true })
  if (response.body.length > MAX_RESPONSE_BYTES) throw invalidResponse(ex, `the response body is over ${MAX_RESPONSE_BYTES} bytes`)
  if (response.status < 200 || response.status > 299) throw s3Failure(ex, response.status, response.body)
  return response
}

/** @internal The `Aborted` error. */
export function aborted(signal: AbortSignal, operation?: UploadOperation, partNumber?: number): UploadError {
  return new UploadError('Aborted', 'the upload was aborted', { operation, partNumber, cause: signal.reason })
}

/** @internal An `InvalidResponse` error. */
export function invalidResponse(ex: Pick<Exchange, 'operation' | 'partNumber'>, message: string, status = 0, retryable = false): UploadError {
  return new UploadError('InvalidResponse', message, { operation: ex.operation, partNumber: ex.partNumber, status, retryable })
}

/** @internal The error of a response with an error status, or of a 200 that carries an S3 `<Error>` body. */
export function s3Failure(ex: Exchange, status: number, body: string): UploadError {
  const parsed = parseS3Error(body)
  const secrets = secretsOf(ex.request.url)
  // S3's codes are words (`SlowDown`, `AccessDenied`): anything else, or one that echoes the URL's credential or
  // signature, is no code to show.
  const shown = parsed?.code ? clean(parsed.code, secrets) : ''
  const code = /^[A-Za-z][A-Za-z0-9.]{0,63}$/.test(shown) ? shown : 'HttpError'
  const message = parsed ? clean(parsed.message, secrets) : `HTTP ${status} without an S3 error body`
  const urlExpired = code === 'ExpiredToken' || (code === 'AccessDenied' && /request has expired/i.test(message))
  const retryable = status >= 500 || status === 429 || RETRY_CODES.has(code)
  return new UploadError(code, message || code, { status, operation: ex.operation, partNumber: ex.partNumber, retryable, urlExpired })
}

/** @internal How to retry. */
export interface RetryPolicy {
  readonly retries: number
  readonly retryDelay: (attempt: number) => number
  readonly signal: AbortSignal
  /** Awaited before each attempt (the pause gate). */
  readonly gate?: (() => Promise<void>) | undefined
}

/**
 * @internal Run `attempt` until it succeeds: a retryable `UploadError` is retried after `retryDelay` up to `retries`
 * times; one whose URL expired is retried at once (`attempt` asks for a new URL) up to 3 times in a row, without
 * spending a retry. Any other error is thrown.
 */
export async function withRetries<T>(policy: RetryPolicy, attempt: (expired: boolean) => Promise<T>): Promise<T> {
  let failures = 0
  let refreshes = 0
  let expired = false
  for (;;) {
    await policy.gate?.()
    try {
      return await attempt(expired)
    } catch (e) {
      if (!(e instanceof UploadError) || policy.signal.aborted) throw e
      expired = e.urlExpired && refreshes < MAX_REFRESHES
      if (expired) {
        refreshes++
        continue
      }
      if (!e.retryable || failures >= policy.retries) throw e
      const delay = policy.retryDelay(++failures)
      if (!(delay >= 0 && delay <= 3_600_000)) throw new PresignError('InvalidOption', 'options.retryDelay', 'must return a number of milliseconds in 0..3600000')
      await sleep(delay, policy.signal)
    }
  }
}
