/**
 * Reading a checksum's input: bytes in memory, a `Blob` in slices (the next slice is read while one is hashed), a
 * `ReadableStream` or an async iterable chunk by chunk; with abort, progress, and typed errors for bad input.
 */
import { fail } from '../core/errors.js'
import { bytesOf, isArrayBuffer, toBase64 } from './base.js'
import type { ChecksumInput, ChecksumOptions, HashData, Hasher } from './types.js'

/** @internal The default `chunkSize`: 4 MiB. */
export const DEFAULT_CHUNK_SIZE = 4 << 20
const MAX_CHUNK_SIZE = 1 << 30

/** @internal A digest of bytes whole in memory by other means (Web Crypto), or `undefined` to hash in JavaScript. */
export type WholeDigest = (bytes: Uint8Array) => Promise<Uint8Array> | undefined

/** The options, checked, and the running count of bytes hashed. */
interface Run {
  readonly signal: AbortSignal | undefined
  readonly onProgress: ((bytes: number) => void) | undefined
  readonly chunkSize: number
  done: number
  reported: boolean
}

function checkOptions(options: ChecksumOptions | undefined): Run {
  if (options === undefined) return { signal: undefined, onProgress: undefined, chunkSize: DEFAULT_CHUNK_SIZE, done: 0, reported: false }
  if (options === null || typeof options !== 'object') fail('InvalidOption', 'options', 'must be an object { signal?, onProgress?, chunkSize? }', options)
  const { signal, onProgress, chunkSize = DEFAULT_CHUNK_SIZE } = options
  const s = signal as Partial<AbortSignal> | null | undefined
  if (s !== undefined && (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function')) {
    fail('InvalidOption', 'options.signal', 'must be an AbortSignal', signal)
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') fail('InvalidOption', 'options.onProgress', 'must be a function', onProgress)
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    fail('InvalidOption', 'options.chunkSize', `must be an integer in 1..${MAX_CHUNK_SIZE}`, chunkSize)
  }
  return { signal, onProgress, chunkSize, done: 0, reported: false }
}

function checkAborted(run: Run): void {
  if (run.signal?.aborted) throw run.signal.reason
}

function progress(run: Run, bytes: number): void {
  run.done += bytes
  run.reported = true
  run.onProgress?.(run.done)
}

/** `promise`, or the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Hash bytes at most one chunk at a time, checking the signal and reporting progress after each. */
function absorb(hasher: Hasher, bytes: Uint8Array, run: Run): void {
  const step = run.chunkSize
  for (let i = 0; i < bytes.length; i += step) {
    checkAborted(run)
    const chunk = bytes.subarray(i, i + step)
    hasher.update(chunk)
    progress(run, chunk.length)
  }
}

/**
 * Bytes whole in memory: by `whole` (Web Crypto) when it takes them, else in JavaScript. Returns the digest when
 * `whole` gave it, `undefined` when the hasher holds the data.
 */
async function absorbWhole(hasher: Hasher, bytes: Uint8Array, run: Run, whole: WholeDigest | undefined): Promise<Uint8Array | undefined> {
  const pending = whole?.(bytes)
  if (pending !== undefined) {
    try {
      const digest = await abortable(pending, run.signal)
      progress(run, bytes.length)
      return digest
    } catch {
      // Aborted: stop. Otherwise (a shared buffer, say) the JavaScript hasher takes over, with the same result.
      checkAborted(run)
    }
  }
  absorb(hasher, bytes, run)
  return undefined
}

function isBlob(data: object): data is Blob {
  const b = data as Partial<Blob>
  return typeof b.slice === 'function' && typeof b.arrayBuffer === 'function' && Number.isSafeInteger(b.size)
}

/** What a Blob, a stream or an iterator that gives anything but bytes is told. */
const UNREADABLE = 'must read as bytes (an unlocked stream, Blob slices that are Blobs)'

/** The bytes `start..end` of a Blob, which must be `end - start` of them (else it changed while it was read). */
function readSlice(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  const read = (async () => {
    const buffer: unknown = await (blob.slice(start, end) as Partial<Blob> | null)?.arrayBuffer?.()
    if (!isArrayBuffer(buffer)) return fail('InvalidOption', 'data', UNREADABLE)
    // A File changed on disk while it was read: refuse to give a checksum of bytes that were never the file.
    if (buffer.byteLength !== end - start) fail('InvalidOption', 'data', `the Blob changed while it was read: a slice of ${end - start} bytes gave ${buffer.byteLength}`)
    return new Uint8Array(buffer)
  })()
  // A slice read ahead may fail after the run has already stopped: that failure is not an unhandled rejection.
  read.catch(() => {})
  return read
}

/** A `Blob` in slices of `chunkSize`, the next one read while one is hashed (so about two chunks in memory). */
async function absorbBlob(hasher: Hasher, blob: Blob, run: Run, whole: WholeDigest | undefined): Promise<Uint8Array | undefined> {
  const size = blob.size
  const step = run.chunkSize
  if (whole !== undefined && size <= step) return absorbWhole(hasher, await abortable(readSlice(blob, 0, size), run.signal), run, whole)
  let next = size > 0 ? readSlice(blob, 0, Math.min(step, size)) : undefined
  for (let start = 0; next !== undefined; start += step) {
    const bytes = await abortable(next, run.signal)
    next = start + step < size ? readSlice(blob, start + step, Math.min(start + 2 * step, size)) : undefined
    absorb(hasher, bytes, run)
  }
  return undefined
}

/** Chunks pulled from a stream's reader or an async iterator; on any failure the source is stopped. */
async function absorbSource(hasher: Hasher, next: () => Promise<IteratorResult<unknown>>, stop: (reason: unknown) => unknown, run: Run): Promise<undefined> {
  try {
    for (;;) {
      const result: Partial<IteratorResult<unknown>> | null = await abortable(next(), run.signal)
      if (result === null || typeof result !== 'object') return fail('InvalidOption', 'data', UNREADABLE)
      const { done, value } = result
      if (done) return undefined
      absorb(hasher, bytesOf(value as HashData, 'data (a chunk of the stream)'), run)
    }
  } catch (error) {
    try {
      Promise.resolve(stop(error)).catch(() => {})
    } catch {
      // The source's own cancel threw: the run's error is the one to report.
    }
    throw error
  }
}

/** A stream's reader; a stream another reader holds (locked) or one that gives none is a `PresignError`. */
function readerOf(stream: ReadableStream<unknown>): ReadableStreamDefaultReader<unknown> {
  let reader: Partial<ReadableStreamDefaultReader<unknown>> | null | undefined
  try {
    reader = stream.getReader()
  } catch {
    // getReader throws a TypeError for a locked stream.
  }
  if (typeof reader?.read !== 'function') fail('InvalidOption', 'data', UNREADABLE)
  return reader as ReadableStreamDefaultReader<unknown>
}

const DATA_TYPES = 'must be a Uint8Array (or another ArrayBufferView), an ArrayBuffer, a string, a Blob, a ReadableStream or an async iterable of bytes'

/** Feed `data` to `hasher`; returns a digest only when `whole` computed it instead. */
function feed(hasher: Hasher, data: ChecksumInput, run: Run, whole: WholeDigest | undefined): Promise<Uint8Array | undefined> {
  if (typeof data === 'string' || ArrayBuffer.isView(data) || isArrayBuffer(data)) return absorbWhole(hasher, bytesOf(data, 'data'), run, whole)
  if (typeof data === 'object' && data !== null) {
    if (isBlob(data)) return absorbBlob(hasher, data, run, whole)
    const source = data as Partial<ReadableStream<unknown>> & Partial<AsyncIterable<unknown>>
    if (typeof source.getReader === 'function') {
      const reader = readerOf(source as ReadableStream<unknown>)
      return absorbSource(hasher, () => reader.read(), (reason) => reader.cancel(reason), run)
    }
    const iterate = source[Symbol.asyncIterator]
    if (typeof iterate === 'function') {
      const iterator: Partial<AsyncIterator<unknown>> | null = iterate.call(source)
      if (typeof iterator?.next !== 'function') return fail('InvalidOption', 'data', UNREADABLE)
      return absorbSource(hasher, () => iterator.next!(), (reason) => iterator.return?.(reason), run)
    }
  }
  return fail('InvalidOption', 'data', DATA_TYPES, data)
}

/**
 * @internal Hash `data` with a new hasher from `create` (or with `whole`, when the input is whole in memory and
 * `whole` takes it); the digest in base64.
 */
export async function hashInput(create: () => Hasher, data: ChecksumInput, options: ChecksumOptions | undefined, whole?: WholeDigest): Promise<string> {
  const run = checkOptions(options)
  checkAborted(run)
  const hasher = create()
  const digest = await feed(hasher, data, run, whole)
  if (!run.reported) progress(run, 0)
  return digest === undefined ? hasher.digestBase64() : toBase64(digest)
}
