/** The uploader's inputs, checked: a bad one is a programming error, thrown at once as a `PresignError`. */
import { fail, PresignError } from '../core/errors.js'
import { planParts } from '../s3/part-plan.js'
import { defaultRetryDelay } from './retry.js'
import { defaultTransport, type Transport } from './transport.js'
import type { UploadBackend, UploadOptions, UploadProgress, UploadState } from './types.js'

/** @internal The checked options, with their defaults. */
export interface Settings {
  readonly partSize: number
  readonly partsTotal: number
  readonly concurrency: number
  readonly retries: number
  readonly retryDelay: (attempt: number) => number
  readonly signal: AbortSignal | undefined
  readonly stallTimeout: number
  readonly resume: Pick<UploadState, 'uploadId' | 'partSize'> | undefined
  readonly onProgress: ((progress: UploadProgress) => void) | undefined
  readonly onStart: ((state: UploadState) => void) | undefined
  readonly transport: Transport
}

function integer(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) fail('InvalidOption', field, `must be an integer in ${min}..${max}`, value)
  return value as number
}

function optionalFunction<T>(value: T | undefined, field: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail('InvalidOption', field, 'must be a function', value)
  return value
}

/** The file and the backend: a `Blob` (or `File`), and an object of callbacks. */
function checkFileAndBackend(file: Blob, backend: UploadBackend, resuming: boolean): void {
  const f = file as Partial<Blob> | null
  if (f === null || typeof f !== 'object' || typeof f.slice !== 'function' || !(Number.isSafeInteger(f.size) && (f.size as number) >= 0)) {
    fail('InvalidOption', 'file', 'must be a Blob or a File', file)
  }
  if (backend === null || typeof backend !== 'object') fail('InvalidOption', 'backend', 'must be an object { create, signParts, complete, abort, listParts? }', backend)
  for (const name of ['create', 'signParts', 'complete', 'abort', 'listParts'] as const) {
    const needed = name === 'listParts' ? resuming : name !== 'create' || !resuming
    const fn: unknown = backend[name]
    if (fn === undefined ? needed : typeof fn !== 'function') {
      throw new PresignError('InvalidOption', `backend.${name}`, 'must be a function returning a presigned request' + (name === 'listParts' ? ' (needed to resume)' : ''))
    }
  }
}

/** `options.resume`: `{ uploadId, partSize }` as `onStart` gave them. */
function checkResume(resume: UploadOptions['resume'], partSize: unknown): Settings['resume'] {
  if (resume === undefined) return undefined
  if (resume === null || typeof resume !== 'object') fail('InvalidOption', 'options.resume', 'must be an object { uploadId, partSize } (what onStart gave)', resume)
  const { uploadId } = resume
  if (typeof uploadId !== 'string' || uploadId === '' || uploadId.length > 1024 || /[\0-\x1f\x7f]/.test(uploadId)) {
    fail('InvalidOption', 'options.resume.uploadId', 'must be the UploadId that onStart gave: a non-empty string of at most 1024 characters', uploadId)
  }
  // Required: parts already stored are recognized by number and size, so another plan would complete another object.
  if (resume.partSize === undefined) fail('InvalidOption', 'options.resume.partSize', 'must be the partSize that onStart gave (parts are matched by number and size)')
  integer(resume.partSize, 'options.resume.partSize', 1, Number.MAX_SAFE_INTEGER, 0)
  if (partSize !== undefined && partSize !== resume.partSize) fail('InvalidOption', 'options.partSize', 'must be omitted or equal options.resume.partSize when resuming')
  return { uploadId, partSize: resume.partSize }
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  const s = signal as Partial<AbortSignal> | null | undefined
  if (s !== undefined && (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function')) {
    fail('InvalidOption', 'options.signal', 'must be an AbortSignal', signal)
  }
  return s as AbortSignal | undefined
}

/**
 * @internal Check the inputs of `uploadMultipart` and plan the parts.
 *
 * @throws {PresignError} `InvalidOption` (not a Blob, a backend without a callback, a bad option), `InvalidPartPlan`
 *   (a file or part size outside S3's limits)
 */
export function checkInputs(file: Blob, backend: UploadBackend, options: UploadOptions | undefined): Settings {
  if (options !== undefined && (options === null || typeof options !== 'object')) fail('InvalidOption', 'options', 'must be an object', options)
  const o = options ?? {}
  const resume = checkResume(o.resume, o.partSize)
  checkFileAndBackend(file, backend, resume !== undefined)
  const plan = planParts(file.size, { partSize: resume ? resume.partSize : o.partSize })
  return {
    partSize: plan.partSize,
    partsTotal: plan.partCount,
    concurrency: integer(o.concurrency, 'options.concurrency', 1, 64, 4),
    retries: integer(o.retries, 'options.retries', 0, 100, 4),
    retryDelay: optionalFunction(o.retryDelay, 'options.retryDelay') ?? defaultRetryDelay,
    signal: checkSignal(o.signal),
    stallTimeout: integer(o.stallTimeout, 'options.stallTimeout', 0, 3_600_000, 0),
    resume,
    onProgress: optionalFunction(o.onProgress, 'options.onProgress'),
    onStart: optionalFunction(o.onStart, 'options.onStart'),
    transport: optionalFunction(o.transport, 'options.transport') ?? defaultTransport(),
  }
}
