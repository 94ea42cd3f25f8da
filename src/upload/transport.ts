/** How the uploader sends an HTTP request: XMLHttpRequest (byte progress) where there is one, else `fetch`. */

/**
 * One HTTP request of the uploader.
 *
 * @example
 * const request: TransportRequest = { method: 'PUT', url, headers: {}, body: file.slice(0, 5242880), signal, maxResponseBytes: 1048576 }
 */
export interface TransportRequest {
  /** `POST`, `PUT`, `GET` or `DELETE`. */
  readonly method: string
  /** The presigned URL, as the backend gave it. */
  readonly url: string
  /** Headers to send, as the backend gave them (the signed ones). */
  readonly headers: Readonly<Record<string, string>>
  /** A part (a `Blob.slice` of the file), the `CompleteMultipartUpload` XML, or nothing. */
  readonly body?: Blob | string | undefined
  /** Aborts the request: the transport must then reject. */
  readonly signal: AbortSignal
  /** The most response-body bytes to read; past it, stop reading and reject. */
  readonly maxResponseBytes: number
  /** Called with the number of body bytes sent so far, when the transport can tell. */
  readonly onUploadProgress?: ((loaded: number) => void) | undefined
  /**
   * Called with the number of response bytes received so far, when the transport can tell (`fetchTransport` also
   * with 0 when the headers arrive): a sign of life while S3 keeps a slow `CompleteMultipartUpload` open with whitespace.
   */
  readonly onDownloadProgress?: ((loaded: number) => void) | undefined
}

/**
 * The response a transport resolves with, whatever its status.
 *
 * @example
 * const response: TransportResponse = { status: 200, headers: new Headers({ etag: '"a54357aff0632cce46d942af68356b38"' }), body: '' }
 */
export interface TransportResponse {
  /** HTTP status. */
  readonly status: number
  /** Response headers (a `Headers` does). In a browser, `ETag` is readable only if the bucket's CORS rule exposes it. */
  readonly headers: ResponseHeaders
  /** The response body as text (at most `maxResponseBytes`). */
  readonly body: string
}

/**
 * Response headers, read by name (case-insensitive): a `Headers` object is one.
 *
 * @example
 * const headers: ResponseHeaders = { get: (name) => xhr.getResponseHeader(name) }
 */
export interface ResponseHeaders {
  /** The header's value, or `null` when it is absent (or, in a browser, not exposed by CORS). */
  get(name: string): string | null
}

/**
 * Sends one request. It resolves with any HTTP response (an error status included) and rejects when there is none
 * (a network error) or when `signal` aborts. Inject one for tests, or to add your own headers or logging.
 *
 * @example
 * const logging: Transport = async (request) => {
 *   const response = await fetchTransport(request)
 *   console.log(request.method, response.status)
 *   return response
 * }
 * uploadMultipart(file, backend, { transport: logging })
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>

/** @internal A response body larger than the request's `maxResponseBytes`. */
export class ResponseTooLarge extends Error {
  constructor(max: number) {
    super(`the response body is larger than ${max} bytes`)
    this.name = 'ResponseTooLarge'
  }
}

/** The error a transport rejects with when its signal aborts. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted')
}

/**
 * The response headers a browser lets the page read (`getAllResponseHeaders()` lists only those CORS exposes, where
 * `getResponseHeader` of any other name logs "Refused to get unsafe header"), by lower-case name; repeated ones joined
 * with `, ` as `Headers` does.
 */
function exposedHeaders(all: string): ResponseHeaders {
  const map = new Map<string, string>()
  for (const line of all.split('\r\n')) {
    const i = line.indexOf(':')
    if (i <= 0) continue
    const name = line.slice(0, i).trim().toLowerCase()
    const value = line.slice(i + 1).trim()
    map.set(name, map.has(name) ? `${map.get(name)}, ${value}` : value)
  }
  return { get: (name) => map.get(name.toLowerCase()) ?? null }
}

/**
 * The XMLHttpRequest transport (browsers): reports upload progress through `xhr.upload.onprogress`, aborts with
 * `xhr.abort()`, and reads `responseText` and `getAllResponseHeaders()` (once: only the headers CORS exposes). It stops a download larger than
 * `maxResponseBytes`.
 *
 * @example
 * uploadMultipart(file, backend, { transport: xhrTransport })
 */
export const xhrTransport: Transport = (request) =>
  new Promise<TransportResponse>((resolve, reject) => {
    const { signal } = request
    if (signal.aborted) return reject(abortError(signal))
    const xhr = new XMLHttpRequest()
    let tooLarge = false
    const onAbort = (): void => xhr.abort()
    const settle = (fn: () => void): void => {
      signal.removeEventListener('abort', onAbort)
      fn()
    }
    xhr.open(request.method, request.url)
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value)
    const progress = request.onUploadProgress
    if (progress) xhr.upload.onprogress = (e) => progress(e.loaded)
    xhr.onprogress = (e) => {
      if (e.loaded <= request.maxResponseBytes) return request.onDownloadProgress?.(e.loaded)
      tooLarge = true
      xhr.abort()
    }
    xhr.onload = () => settle(() => resolve({ status: xhr.status, headers: exposedHeaders(xhr.getAllResponseHeaders()), body: xhr.responseText }))
    xhr.onerror = () => settle(() => reject(new TypeError('network error')))
    xhr.ontimeout = xhr.onerror
    xhr.onabort = () => settle(() => reject(tooLarge ? new ResponseTooLarge(request.maxResponseBytes) : abortError(signal)))
    signal.addEventListener('abort', onAbort, { once: true })
    xhr.send(request.body ?? null)
  })

/** A response body as text, reading at most `max` bytes, reporting each chunk to `onProgress`. */
async function readCapped(response: Response, max: number, onProgress?: (loaded: number) => void): Promise<string> {
  const length = Number(response.headers.get('content-length'))
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    if (length > max) throw new ResponseTooLarge(max)
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if ((size += r.value.byteLength) > max) throw new ResponseTooLarge(max)
      chunks.push(r.value)
      onProgress?.(size)
    }
  } catch (e) {
    await reader.cancel().catch(() => {})
    throw e
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength)
  return new TextDecoder().decode(all)
}

/**
 * The `fetch` transport (Node, Deno, Bun, workers, browsers without XHR). `fetch` cannot report upload progress, so
 * progress moves once per part (and a request's body is no sign of life for `stallTimeout`). It reads at most
 * `maxResponseBytes` of a response, reporting download progress as it reads.
 *
 * @example
 * uploadMultipart(file, backend, { transport: fetchTransport })
 */
export const fetchTransport: Transport = async (request) => {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? null, signal: request.signal })
  request.onDownloadProgress?.(0)
  const body = await readCapped(response, request.maxResponseBytes, request.onDownloadProgress)
  return { status: response.status, headers: response.headers, body }
}

/** @internal XMLHttpRequest where there is one (byte progress), else `fetch`. */
export function defaultTransport(): Transport {
  return typeof XMLHttpRequest === 'function' ? xhrTransport : fetchTransport
}
