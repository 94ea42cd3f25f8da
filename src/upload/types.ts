/** The uploader's public types: the backend callbacks, the options, and the handle of a running upload. */
import type { Transport } from './transport.js'

/**
 * A request presigned by the backend: the URL, and the headers that were signed with it (the uploader sends them as
 * given). A plain URL string means no headers. `method` defaults to the operation's (`POST`, `PUT`, `GET`, `DELETE`).
 * `presignCreateMultipartUpload` and the other server-side functions return exactly this shape, so a backend can
 * send their result as JSON.
 *
 * @example
 * const create: PresignedRequest = { url: 'https://bucket.s3.us-east-1.amazonaws.com/a.mp4?uploads=&X-Amz-…', method: 'POST', headers: { 'content-type': 'video/mp4' } }
 */
export interface PresignedRequest {
  /** The presigned URL. */
  readonly url: string
  /** The HTTP method it was signed for. */
  readonly method?: string | undefined
  /** Headers to send with it (the signed ones, e.g. `content-type` on `CreateMultipartUpload`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * What `signParts` resolves with: `{ [partNumber]: url or request }`, or `[{ partNumber, url, headers? }]`.
 *
 * @example
 * const parts: SignedParts = { 1: 'https://…?partNumber=1&uploadId=…', 2: 'https://…?partNumber=2&uploadId=…' }
 * const same: SignedParts = [{ partNumber: 1, url: 'https://…' }, { partNumber: 2, url: 'https://…' }]
 */
export type SignedParts = Readonly<Record<number, PresignedRequest | string>> | ReadonlyArray<SignedPart>

/**
 * One entry of the array form of {@link SignedParts}: what `presignUploadParts` returns for a part.
 *
 * @example
 * const part: SignedPart = { partNumber: 1, url: 'https://bucket.s3.us-east-1.amazonaws.com/a.mp4?partNumber=1&uploadId=…' }
 */
export interface SignedPart extends PresignedRequest {
  /** The part number the URL uploads. */
  readonly partNumber: number
}

/**
 * What every backend callback receives: `signal` aborts when the upload stops (pass it on to your own `fetch`).
 *
 * @example
 * const create = ({ file, signal }: BackendContext & { file: Blob }) => fetch('/uploads', { method: 'POST', body: file.type, signal }).then((r) => r.json())
 */
export interface BackendContext {
  /** Aborted when the upload is aborted or fails. */
  readonly signal: AbortSignal
}

/**
 * A backend call about an existing upload.
 *
 * @example
 * const complete = ({ uploadId, signal }: UploadContext) => fetch(`/uploads/${encodeURIComponent(uploadId)}/complete`, { signal }).then((r) => r.json())
 */
export interface UploadContext extends BackendContext {
  /** The `UploadId`. */
  readonly uploadId: string
}

/**
 * How the uploader gets presigned requests: plain async callbacks, usually each a `fetch` to your own server, which
 * presigns with this library (`presignCreateMultipartUpload`, `presignUploadParts`…) and never sees the bytes.
 * Your server decides the bucket, the key and who may upload; the callbacks carry only what it needs. An error a
 * callback throws fails the upload as it is (it is not retried: retry inside the callback if you want to).
 *
 * @example
 * // The server (Node, Deno, Bun, a worker), for one user's upload; `location` = { bucket, key, region }:
 * //   POST /uploads           -> presignCreateMultipartUpload(location, { credentials, headers: { 'content-type': type } })
 * //   POST /uploads/parts     -> presignUploadParts(location, { uploadId, partNumbers }, { credentials, expiresIn: 900 })
 * //   POST /uploads/complete  -> presignCompleteMultipartUpload(location, { uploadId }, { credentials })
 * //   POST /uploads/list      -> presignListParts(location, { uploadId, partNumberMarker }, { credentials })
 * //   POST /uploads/abort     -> presignAbortMultipartUpload(location, { uploadId }, { credentials })
 * // The browser:
 * const call = (path: string, body: object, signal: AbortSignal) =>
 *   fetch(path, { method: 'POST', body: JSON.stringify(body), signal }).then((r) => r.json())
 * const backend: UploadBackend = {
 *   create: ({ file, signal }) => call('/uploads', { name: file.name, type: file.type }, signal),
 *   signParts: ({ uploadId, partNumbers, signal }) => call('/uploads/parts', { uploadId, partNumbers }, signal),
 *   complete: ({ uploadId, signal }) => call('/uploads/complete', { uploadId }, signal),
 *   listParts: ({ uploadId, partNumberMarker, signal }) => call('/uploads/list', { uploadId, partNumberMarker }, signal),
 *   abort: ({ uploadId, signal }) => call('/uploads/abort', { uploadId }, signal),
 * }
 */
export interface UploadBackend {
  /** A presigned `CreateMultipartUpload` (`POST key?uploads`). Not called when resuming. */
  create(context: BackendContext & { readonly file: Blob }): Promise<PresignedRequest | string>
  /**
   * Presigned `UploadPart` URLs (`PUT key?partNumber=N&uploadId=…`) for these part numbers (a batch of up to twice
   * the concurrency): keyed by part number, or an array of `{ partNumber, url }` as `presignUploadParts` returns.
   * Called again for a part whose URL has expired.
   */
  signParts(context: UploadContext & { readonly partNumbers: readonly number[] }): Promise<SignedParts>
  /** A presigned `CompleteMultipartUpload` (`POST key?uploadId=…`). */
  complete(context: UploadContext): Promise<PresignedRequest | string>
  /** A presigned `ListParts` (`GET key?uploadId=…&part-number-marker=N`): needed only to resume (`options.resume`). */
  listParts?(context: UploadContext & { readonly partNumberMarker?: number | undefined }): Promise<PresignedRequest | string>
  /** A presigned `AbortMultipartUpload` (`DELETE key?uploadId=…`), for `abort()`. */
  abort(context: UploadContext): Promise<PresignedRequest | string>
}

/**
 * Progress of an upload.
 *
 * @example
 * const onProgress = (p: UploadProgress) => (bar.value = p.bytesUploaded / p.bytesTotal)
 */
export interface UploadProgress {
  /** Bytes stored so far, with the bytes sent of the parts in flight. Never decreases (a retried part counts once). */
  readonly bytesUploaded: number
  /** The file's size. */
  readonly bytesTotal: number
  /** Parts stored. */
  readonly partsUploaded: number
  /** Parts in all. */
  readonly partsTotal: number
}

/**
 * What to keep to resume an upload after a page reload (`options.resume`).
 *
 * @example
 * const onStart = (state: UploadState) => localStorage.setItem(`upload:${file.name}:${file.size}`, JSON.stringify(state))
 */
export interface UploadState {
  /** The `UploadId`. */
  readonly uploadId: string
  /** The part size in bytes. */
  readonly partSize: number
  /** The number of parts. */
  readonly partsTotal: number
}

/**
 * A finished upload.
 *
 * @example
 * const { etag, location }: UploadResult = await uploadMultipart(file, backend).done
 */
export interface UploadResult {
  /** The `UploadId`. */
  readonly uploadId: string
  /** The object's ETag, as S3 returns it (with its quotes, and `-N` for N parts). */
  readonly etag: string
  /** The object's URL, from S3's answer. */
  readonly location?: string | undefined
  /** The bucket, from S3's answer. */
  readonly bucket?: string | undefined
  /** The key, from S3's answer. */
  readonly key?: string | undefined
}

/**
 * Options of `uploadMultipart`.
 *
 * @example
 * const saved = localStorage.getItem(`upload:${file.name}:${file.size}`)
 * const options: UploadOptions = {
 *   concurrency: 4,
 *   resume: saved ? JSON.parse(saved) : undefined,
 *   onStart: (state) => localStorage.setItem(`upload:${file.name}:${file.size}`, JSON.stringify(state)),
 *   onProgress: (p) => (bar.value = p.bytesUploaded / p.bytesTotal),
 * }
 */
export interface UploadOptions {
  /** Part size in bytes (S3: at least 5 MiB except the last, at most 5 GiB). Default: planned from the file size. */
  readonly partSize?: number | undefined
  /** Parts in flight at once, 1..64. Default 4. */
  readonly concurrency?: number | undefined
  /** Retries of each request after a network error, 5xx, 429, `RequestTimeout` or `SlowDown`, 0..100. Default 4. */
  readonly retries?: number | undefined
  /** Milliseconds to wait before retry `attempt` (1, 2…). Default: `defaultRetryDelay` (0.5 s doubling to 20 s, with jitter). */
  readonly retryDelay?: ((attempt: number) => number) | undefined
  /** Aborts the upload, as `abort()` does. */
  readonly signal?: AbortSignal | undefined
  /**
   * Milliseconds a request may go without a sign of life before it is cancelled and retried as a `Timeout` failure,
   * 0..3600000; 0 (the default) waits as long as the connection lasts. Signs of life are the request's start, each
   * upload-progress event and each chunk of the response (S3 keeps a slow `CompleteMultipartUpload` alive with
   * whitespace). The XHR transport reports upload progress as bytes go out, so 30000–60000 suits browsers; the
   * `fetch` transport cannot, so there a whole part must go within the time: set it above the slowest part.
   */
  readonly stallTimeout?: number | undefined
  /**
   * Resume an upload started earlier (after a page reload): what `onStart` gave. The file must be the same. Every
   * page of `ListParts` is read; the parts S3 has with the planned size are not sent again. An upload that no longer
   * exists (completed, aborted, or removed by a lifecycle rule) fails with `NoSuchUpload`: start a new one.
   */
  readonly resume?: Pick<UploadState, 'uploadId' | 'partSize'> | undefined
  /** Called as bytes go out (per progress event of a part with XHR, per part with fetch) and when a part is stored. */
  readonly onProgress?: ((progress: UploadProgress) => void) | undefined
  /** Called once the upload id and the plan are known, before any part is sent: persist it to resume later. */
  readonly onStart?: ((state: UploadState) => void) | undefined
  /** How to send requests. Default: `xhrTransport` where `XMLHttpRequest` exists, else `fetchTransport`. */
  readonly transport?: Transport | undefined
}

/**
 * A running upload.
 *
 * @example
 * const upload = uploadMultipart(file, backend)
 * pauseButton.onclick = () => upload.pause()
 * resumeButton.onclick = () => upload.resume()
 * cancelButton.onclick = () => upload.abort()
 * await upload.done
 */
export interface MultipartUpload {
  /** Resolves when S3 has assembled the object; rejects with an `UploadError` (or the error a callback threw). */
  readonly done: Promise<UploadResult>
  /** Start no new request; the parts in flight finish (their bytes are kept). Resume with `resume()`. */
  pause(): void
  /** Continue after `pause()`. */
  resume(): void
  /**
   * Cancel every request in flight, then delete the upload on S3 (`backend.abort`, then `DELETE`), so its parts stop
   * being billed. `done` rejects with an `UploadError` whose code is `Aborted`. Resolves when the `DELETE` has been
   * answered; rejects if it failed. After a failure, it deletes what the failed upload left; after success, it does
   * nothing. If the abort lands while `CompleteMultipartUpload` is under way and S3 then no longer has the upload, it
   * rejects with `MaybeCompleted`: S3 may have stored the object (it finishes a completion the client hung up on).
   */
  abort(): Promise<void>
  /** The `UploadId`, once `CreateMultipartUpload` has answered (at once when resuming). */
  readonly uploadId: string | undefined
}
