/** `uploadMultipart`: a file to S3 in parts, through presigned URLs only. */
import { S3_CHECKSUM_ALGORITHMS } from '../s3/checksum-algorithms.js'
import {
  type CompletedPart,
  completeMultipartUploadXml,
  parseCompleteMultipartUpload,
  parseInitiateMultipartUpload,
  parseListParts,
  type S3Checksums,
} from '../s3/multipart-xml.js'
import { UploadError, type UploadOperation } from './errors.js'
import { checkInputs, type Settings } from './options.js'
import { PartUrls } from './part-urls.js'
import { aborted, type Exchange, exchange, invalidResponse, normalizeRequest, type RetryPolicy, s3Failure, withRetries } from './request.js'
import { raceAbort } from './retry.js'
import type { MultipartUpload, UploadBackend, UploadOptions, UploadResult } from './types.js'

/** One part of the file: bytes `start..end`, and where it stands. */
interface Part {
  readonly number: number
  readonly start: number
  readonly end: number
  state: 'pending' | 'active' | 'done'
  /** What `CompleteMultipartUpload` lists for it: its ETag (and checksums, when S3 sent any). */
  done?: CompletedPart
  /** Bytes of it sent so far, while it is in flight. */
  loaded: number
}

const noop = (): void => {}

/** An ETag or a checksum as S3 sends it (and as `CompleteMultipartUpload` takes it): 1 to 1024 visible ASCII characters. */
const TOKEN = /^[!-~]{1,1024}$/

/** The checksums of a stored part, from its response headers or its `ListParts` entry (what is readable of them). */
function checksumsOf(read: (algorithm: string) => string | null | undefined): S3Checksums {
  const out: Record<string, string> = {}
  // S3's algorithms: `x-amz-checksum-<name>` headers of an `UploadPart` answer, `checksum<NAME>` fields.
  for (const c of S3_CHECKSUM_ALGORITHMS) {
    const value = read(c)
    if (value && TOKEN.test(value)) out['checksum' + c] = value
  }
  return out
}

/** A parser of the S3 XML module, whose `PresignError` (`InvalidXml`) becomes an `InvalidResponse`. */
function parse<T>(parser: (xml: string) => T, body: string, ex: Pick<Exchange, 'operation'>, status: number, retryable = false): T {
  try {
    return parser(body)
  } catch (e) {
    throw invalidResponse(ex, `the response is not S3's XML (${(e as Error)?.message ?? 'unreadable'})`.slice(0, 300), status, retryable)
  }
}

/** The running upload behind a {@link MultipartUpload} handle. */
class Upload {
  private readonly controller = new AbortController()
  private readonly signal = this.controller.signal
  private readonly parts: Part[] = []
  private readonly active = new Set<Part>()
  private id: string | undefined
  private urls: PartUrls | undefined
  private cursor = 0
  /** The first part not stored yet (parts finish about in order, so this stays near `cursor`). */
  private firstUndone = 0
  private bytesDone = 0
  private partsDone = 0
  private lastBytes = -1
  private paused = false
  private wake: () => void = noop
  private woken: Promise<void> = Promise.resolve()
  private failure: { error: unknown } | undefined
  private userAborted = false
  private completed = false
  /** `CompleteMultipartUpload` was sent: S3 may assemble the object even if the answer never arrives. */
  private completeSent = false
  private abortion: Promise<void> | undefined
  readonly done: Promise<UploadResult>
  private readonly settled: Promise<void>

  constructor(
    private readonly file: Blob,
    private readonly backend: UploadBackend,
    private readonly s: Settings,
  ) {
    for (let n = 1, start = 0; n <= s.partsTotal; n++, start += s.partSize) {
      this.parts.push({ number: n, start, end: Math.min(file.size, start + s.partSize), state: 'pending', loaded: 0 })
    }
    const external = s.signal
    const onExternalAbort = (): void => void this.abort().catch(noop)
    external?.addEventListener('abort', onExternalAbort, { once: true })
    const run = this.run()
    this.settled = run.then(noop, noop).finally(() => external?.removeEventListener('abort', onExternalAbort))
    this.done = run.catch((e: unknown) => {
      throw this.userAborted ? aborted(this.signal) : this.failure ? this.failure.error : e
    })
    if (external?.aborted) onExternalAbort()
  }

  get uploadId(): string | undefined {
    return this.id
  }

  private async run(): Promise<UploadResult> {
    const s = this.s
    this.id = s.resume ? s.resume.uploadId : await this.create()
    this.urls = new PartUrls(this.backend, this.id, s.concurrency * 2, () => this.upcoming(), this.signal)
    if (s.resume) await this.listUploaded(this.id)
    s.onStart?.({ uploadId: this.id, partSize: s.partSize, partsTotal: s.partsTotal })
    this.progress()
    await this.uploadParts()
    const result = await this.complete(this.id)
    this.completed = true
    return result
  }

  /** The retry policy of the requests of the upload (paused by `pause()`). */
  private policy(): RetryPolicy {
    return { retries: this.s.retries, retryDelay: this.s.retryDelay, signal: this.signal, gate: () => this.gate() }
  }

  /** Call a backend callback, giving up at once if the upload stops. */
  private ask<T>(call: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(aborted(this.signal))
    return raceAbort(Promise.resolve().then(call), this.signal)
  }

  /** A presigned request of the backend, then its 2xx response. */
  private async send(operation: UploadOperation, method: string, call: () => Promise<unknown>, body?: string): Promise<{ ex: Exchange; status: number; body: string }> {
    const request = normalizeRequest(await this.ask(call), 'backend.' + BACKEND_NAMES[operation], method)
    const ex: Exchange = { operation, request, body }
    const response = await exchange(this.s.transport, ex, this.signal, this.s.stallTimeout)
    return { ex, status: response.status, body: response.body }
  }

  private create(): Promise<string> {
    return withRetries(this.policy(), async () => {
      const r = await this.send('CreateMultipartUpload', 'POST', () => this.backend.create({ file: this.file, signal: this.signal }))
      return parse(parseInitiateMultipartUpload, r.body, r.ex, r.status).uploadId
    })
  }

  /** Resuming: mark the parts S3 already has, with the right size, as done (every page of `ListParts`). */
  private async listUploaded(uploadId: string): Promise<void> {
    let marker: number | undefined
    for (let page = 0; page <= 10_000; page++) {
      const partNumberMarker = marker
      const r = await withRetries(this.policy(), () => this.send('ListParts', 'GET', () => this.backend.listParts!({ uploadId, partNumberMarker, signal: this.signal })))
      const list = parse(parseListParts, r.body, r.ex, r.status)
      for (const p of list.parts) {
        const part = this.parts[p.partNumber - 1]
        if (part?.state === 'pending' && p.size === part.end - part.start && TOKEN.test(p.etag)) {
          part.state = 'done'
          part.done = { partNumber: p.partNumber, etag: p.etag, ...checksumsOf((c) => (p as unknown as Record<string, string | undefined>)['checksum' + c]) }
          this.bytesDone += p.size
          this.partsDone++
        }
      }
      if (!list.isTruncated) return
      const next = list.nextPartNumberMarker
      if (next === undefined || !Number.isInteger(next) || next <= (marker ?? 0) || next > 10_000) {
        throw invalidResponse(r.ex, 'a truncated ListParts page without a NextPartNumberMarker after the previous one', r.status)
      }
      marker = next
    }
  }

  /** The parts not stored yet, in order (in flight first): the candidates for a batch of URLs. */
  private *upcoming(): Generator<number> {
    while (this.firstUndone < this.parts.length && this.parts[this.firstUndone]!.state === 'done') this.firstUndone++
    for (let i = this.firstUndone; i < this.parts.length; i++) if (this.parts[i]!.state !== 'done') yield i + 1
  }

  /** The next part to send, or `undefined`. */
  private take(): Part | undefined {
    while (this.cursor < this.parts.length && this.parts[this.cursor]!.state !== 'pending') this.cursor++
    const part = this.parts[this.cursor]
    if (part) part.state = 'active'
    return part
  }

  private async uploadParts(): Promise<void> {
    const pending = this.parts.length - this.partsDone
    const workers: Promise<void>[] = []
    for (let i = 0; i < Math.min(this.s.concurrency, pending); i++) workers.push(this.worker())
    const results = await Promise.allSettled(workers)
    for (const r of results) if (r.status === 'rejected') throw r.reason
  }

  /** Send parts one after another until none is left; the first failure stops every worker. */
  private async worker(): Promise<void> {
    try {
      for (;;) {
        await this.gate()
        const part = this.take()
        if (!part) return
        await this.sendPart(part)
      }
    } catch (e) {
      this.fail(e)
      throw e
    }
  }

  /** Stop the upload for good with `error` (the first one wins). */
  private fail(error: unknown): void {
    this.failure ??= { error }
    this.controller.abort(error)
    this.wake()
  }

  private async sendPart(part: Part): Promise<void> {
    const urls = this.urls!
    this.active.add(part)
    const response = await withRetries(this.policy(), async (expired) => {
      const signed = await urls.get(part.number, expired)
      part.loaded = 0
      const onUploadProgress = (loaded: number): void => {
        part.loaded = Math.min(Math.max(0, loaded), part.end - part.start)
        this.progress()
      }
      const ex: Exchange = { operation: 'UploadPart', partNumber: part.number, request: signed.request, body: this.file.slice(part.start, part.end), onUploadProgress }
      return { ex, response: await exchange(this.s.transport, ex, this.signal, this.s.stallTimeout) }
    })
    const etag = response.response.headers.get('etag')
    if (!etag) {
      const why = 'S3 stored the part, but the response has no readable ETag header. A browser reads it only if the bucket CORS rule exposes it: ExposeHeaders ["ETag"]'
      throw new UploadError('MissingETag', why, { operation: 'UploadPart', partNumber: part.number, status: response.response.status })
    }
    const { headers, status } = response.response
    if (!TOKEN.test(etag)) throw invalidResponse(response.ex, 'the ETag header is not 1 to 1024 visible ASCII characters', status)
    this.active.delete(part)
    part.state = 'done'
    part.done = { partNumber: part.number, etag, ...checksumsOf((c) => headers.get('x-amz-checksum-' + c.toLowerCase())) }
    part.loaded = 0
    this.bytesDone += part.end - part.start
    this.partsDone++
    urls.drop(part.number)
    this.progress()
  }

  /** Report progress (bytes never go backwards: a retried part's bytes are counted once). */
  private progress(): void {
    const onProgress = this.s.onProgress
    if (!onProgress || this.signal.aborted) return
    let bytes = this.bytesDone
    for (const p of this.active) bytes += p.loaded
    if (bytes < this.lastBytes) bytes = this.lastBytes
    this.lastBytes = bytes
    try {
      onProgress({ bytesUploaded: bytes, bytesTotal: this.file.size, partsUploaded: this.partsDone, partsTotal: this.parts.length })
    } catch (e) {
      this.fail(e)
    }
  }

  private complete(uploadId: string): Promise<UploadResult> {
    const xml = completeMultipartUploadXml(this.parts.map((p) => p.done!))
    return withRetries(this.policy(), async () => {
      this.completeSent = true
      const r = await this.send('CompleteMultipartUpload', 'POST', () => this.backend.complete({ uploadId, signal: this.signal }), xml)
      // An empty or cut-off 200 is retried, as botocore does; S3 may also answer 200 and report an error in the body.
      const outcome = parse(parseCompleteMultipartUpload, r.body, r.ex, r.status, true)
      if (!outcome.ok) throw s3Failure(r.ex, r.status, r.body)
      return { uploadId, etag: outcome.etag, location: outcome.location, bucket: outcome.bucket, key: outcome.key }
    })
  }

  /** Resolves when no pause holds the upload; rejects once it stops. (A `pause()` right after the start holds too.) */
  private async gate(): Promise<void> {
    await undefined
    while (this.paused && !this.signal.aborted) await this.woken
    if (this.signal.aborted) throw aborted(this.signal)
  }

  pause(): void {
    if (this.paused || this.signal.aborted) return
    this.paused = true
    this.woken = new Promise((resolve) => (this.wake = resolve))
  }

  resume(): void {
    this.paused = false
    this.wake()
  }

  abort(): Promise<void> {
    this.abortion ??= this.stopAndDelete()
    return this.abortion
  }

  private async stopAndDelete(): Promise<void> {
    if (this.completed) return
    this.userAborted = true
    this.done.catch(noop)
    this.controller.abort(this.s.signal?.aborted ? this.s.signal.reason : undefined)
    this.wake()
    await this.settled
    const uploadId = this.id
    if (this.completed || uploadId === undefined) return
    const signal = new AbortController().signal
    let gone = false
    await withRetries({ retries: this.s.retries, retryDelay: this.s.retryDelay, signal }, async () => {
      const request = normalizeRequest(await this.backend.abort({ uploadId, signal }), 'backend.abort', 'DELETE')
      try {
        await exchange(this.s.transport, { operation: 'AbortMultipartUpload', request }, signal, this.s.stallTimeout)
      } catch (e) {
        if (!(e instanceof UploadError && e.code === 'NoSuchUpload')) throw e
        gone = true
      }
    })
    // S3 keeps assembling an object after the client hangs up on CompleteMultipartUpload: an upload it no longer has
    // may have become the object. Never say "deleted" then.
    if (gone && this.completeSent) {
      throw new UploadError('MaybeCompleted', 'aborted during CompleteMultipartUpload, and S3 no longer has the upload: the object may exist (check with a HEAD)', { operation: 'AbortMultipartUpload' })
    }
  }
}

const BACKEND_NAMES: Readonly<Record<UploadOperation, string>> = {
  CreateMultipartUpload: 'create',
  UploadPart: 'signParts',
  ListParts: 'listParts',
  CompleteMultipartUpload: 'complete',
  AbortMultipartUpload: 'abort',
}

/**
 * Upload a `File` or `Blob` to S3 as a multipart upload, through presigned requests that your backend makes (with
 * this library, no AWS SDK); every byte goes from here straight to S3.
 *
 * - parts are read lazily with `Blob.slice`, `concurrency` at a time (default 4), their URLs asked in batches;
 * - each request is retried (`retries`, default 4, with backoff) after a network error, a 5xx, a 429,
 *   `RequestTimeout` or `SlowDown`, and never after another 4xx; with `stallTimeout`, a request that shows no sign
 *   of life for that long is cancelled and retried too (`Timeout`);
 * - a part URL about to expire, or that S3 refuses as expired, is asked again from `backend.signParts`, without
 *   spending a retry;
 * - `pause()` lets the parts in flight finish and starts nothing new; `abort()` (or `options.signal`) cancels the
 *   requests in flight and deletes the upload on S3;
 * - `onStart` gives `{ uploadId, partSize }`: keep them (e.g. in `localStorage`) and pass them as `options.resume`
 *   after a reload to send only the parts S3 does not have (`ListParts`).
 *
 * The bucket's CORS rule must allow `PUT` (and `POST`, `GET`, `DELETE` for the other requests) from the page's origin
 * and expose the `ETag` header, or every part fails with `MissingETag`. Failures reject `done` with an
 * {@link UploadError}; an upload that failed stays on S3 (resume it, or `abort()` it; a lifecycle rule
 * `AbortIncompleteMultipartUpload` removes forgotten ones).
 *
 * @throws {PresignError} at once: `InvalidOption` (not a `Blob`, a backend callback missing, a bad option),
 *   `InvalidPartPlan` (sizes outside S3's limits)
 * @example
 * const post = (path: string, body: object) => fetch(path, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json())
 * const upload = uploadMultipart(file, {
 *   create: ({ file }) => post('/uploads', { name: file.name, type: file.type }),          // { url, headers }
 *   signParts: ({ uploadId, partNumbers }) => post('/uploads/parts', { uploadId, partNumbers }), // { [n]: url }
 *   complete: ({ uploadId }) => post('/uploads/complete', { uploadId }),
 *   listParts: ({ uploadId, partNumberMarker }) => post('/uploads/list', { uploadId, partNumberMarker }),
 *   abort: ({ uploadId }) => post('/uploads/abort', { uploadId }),
 * }, {
 *   onStart: (state) => localStorage.setItem('upload', JSON.stringify(state)),
 *   onProgress: (p) => (bar.value = p.bytesUploaded / p.bytesTotal),
 * })
 * cancelButton.onclick = () => upload.abort()
 * const { etag } = await upload.done
 */
export function uploadMultipart(file: Blob, backend: UploadBackend, options?: UploadOptions): MultipartUpload {
  const upload = new Upload(file, backend, checkInputs(file, backend, options))
  return {
    done: upload.done,
    pause: () => upload.pause(),
    resume: () => upload.resume(),
    abort: () => upload.abort(),
    get uploadId() {
      return upload.uploadId
    },
  }
}
