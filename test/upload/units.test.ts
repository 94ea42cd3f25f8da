/** The uploader's small parts: URL expiry, backoff, error messages, input checks, and lifecycle edge cases. */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import { presignS3 } from '../../src/s3/object-url.js'
import { clean, secretsOf } from '../../src/upload/errors.js'
import { defaultRetryDelay, UploadError, type UploadBackend, type UploadOptions, uploadMultipart } from '../../src/upload/index.js'
import { withRetries } from '../../src/upload/request.js'
import { stallGuard } from '../../src/upload/retry.js'
import { urlDeadline, urlLifetime } from '../../src/upload/url-expiry.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'
import { FakeS3, MiB, makeFile, memoryTransport, testBackend } from './fake-s3.js'

const PART = 5 * MiB

describe('URL expiry', () => {
  const at = Date.UTC(2026, 11, 1, 10, 0, 0)
  const url = (expiresIn: number, signingDate = at) => presignS3({ bucket: 'b', key: 'k', region: 'us-east-1' }, { credentials: DOC_CREDENTIALS, method: 'PUT', expiresIn, signingDate })

  test('lifetime from X-Amz-Date and X-Amz-Expires; none without them', async () => {
    expect(urlLifetime(await url(900))).toEqual({ signedAt: at, lifetime: 900_000 })
    expect(urlLifetime('https://b.s3.amazonaws.com/k')).toBeUndefined()
    expect(urlLifetime('https://b.s3.amazonaws.com/k?X-Amz-Date=2026&X-Amz-Expires=60')).toBeUndefined()
    expect(urlLifetime('https://b.s3.amazonaws.com/k?X-Amz-Date=20261201T100000Z&X-Amz-Expires=sixty')).toBeUndefined()
    expect(urlDeadline('https://proxy.example/upload/3', at)).toBe(Number.POSITIVE_INFINITY)
  })

  test('deadline: expiry minus 30 s, or a quarter of a short lifetime; a URL expired on arrival is tried once', async () => {
    expect(urlDeadline(await url(900), at + 1000)).toBe(at + 900_000 - 30_000)
    expect(urlDeadline(await url(60), at)).toBe(at + 60_000 - 15_000)
    // Signed two hours before it arrived (a skewed clock, or signed in the past): trusted for its lifetime from arrival.
    const arrival = at + 7_200_000
    expect(urlDeadline(await url(900), arrival)).toBe(arrival + 900_000 - 30_000)
  })
})

describe('defaultRetryDelay', () => {
  test('doubles from 0.5 s to a 20 s cap, with jitter between half and all of it', () => {
    for (let i = 0; i < 200; i++) {
      const d1 = defaultRetryDelay(1)
      const d3 = defaultRetryDelay(3)
      const d20 = defaultRetryDelay(20)
      expect(d1).toBeGreaterThanOrEqual(250)
      expect(d1).toBeLessThanOrEqual(500)
      expect(d3).toBeGreaterThanOrEqual(1000)
      expect(d3).toBeLessThanOrEqual(2000)
      expect(d20).toBeGreaterThanOrEqual(10_000)
      expect(d20).toBeLessThanOrEqual(20_000)
    }
  })

  test('withRetries refuses a retryDelay that returns no usable number', async () => {
    const retryable = new UploadError('NetworkError', 'no response', { retryable: true })
    const run = withRetries({ retries: 3, retryDelay: () => Number.NaN, signal: new AbortController().signal }, async () => {
      throw retryable
    })
    await expect(run).rejects.toMatchObject({ code: 'InvalidOption', field: 'options.retryDelay' })
  })
})

describe('UploadError messages', () => {
  test('name the operation, part, code and status', () => {
    const e = new UploadError('NoSuchUpload', 'The specified upload does not exist.', { operation: 'UploadPart', partNumber: 7, status: 404 })
    expect(e.message).toBe('UploadPart (part 7): NoSuchUpload (HTTP 404): The specified upload does not exist.')
    expect(e).toMatchObject({ name: 'UploadError', code: 'NoSuchUpload', status: 404, partNumber: 7, retryable: false, urlExpired: false })
  })

  test('server text is cleaned: signature, credential, token and key id redacted, control characters gone, 300 characters at most', async () => {
    const signed = await presignS3(
      { bucket: 'b', key: 'k', region: 'us-east-1' },
      { credentials: { ...DOC_CREDENTIALS, sessionToken: 'TOKEN/with+slash==' }, method: 'PUT', signingDate: '2026-12-01T10:00:00Z' },
    )
    const q = new URL(signed).searchParams
    const text = `sig ${q.get('X-Amz-Signature')} cred ${q.get('X-Amz-Credential')} token ${q.get('X-Amz-Security-Token')} key ${DOC_CREDENTIALS.accessKeyId}\n\u0000end`
    const out = clean(text, secretsOf(signed))
    expect(out).toBe('sig … cred … token … key … end')
    expect(clean('x'.repeat(1000), [])).toHaveLength(301)
  })
})

describe('uploadMultipart input checks: a PresignError at once', () => {
  const { file } = makeFile(10)
  const { backend } = testBackend('http://s3.test:9000')
  const cases: Array<[string, unknown, unknown, UploadOptions | unknown, string, string]> = [
    ['not a Blob', 'hello', backend, undefined, 'InvalidOption', 'file'],
    ['null file', null, backend, undefined, 'InvalidOption', 'file'],
    ['no backend', file, undefined, undefined, 'InvalidOption', 'backend'],
    ['no signParts', file, { ...backend, signParts: undefined }, undefined, 'InvalidOption', 'backend.signParts'],
    ['create not a function', file, { ...backend, create: 'POST /uploads' }, undefined, 'InvalidOption', 'backend.create'],
    ['resume without listParts', file, { ...backend, listParts: undefined }, { resume: { uploadId: 'u', partSize: PART } }, 'InvalidOption', 'backend.listParts'],
    ['options not an object', file, backend, 'fast', 'InvalidOption', 'options'],
    ['concurrency 0', file, backend, { concurrency: 0 }, 'InvalidOption', 'options.concurrency'],
    ['concurrency 65', file, backend, { concurrency: 65 }, 'InvalidOption', 'options.concurrency'],
    ['concurrency 1.5', file, backend, { concurrency: 1.5 }, 'InvalidOption', 'options.concurrency'],
    ['retries -1', file, backend, { retries: -1 }, 'InvalidOption', 'options.retries'],
    ['retryDelay not a function', file, backend, { retryDelay: 100 }, 'InvalidOption', 'options.retryDelay'],
    ['stallTimeout -1', file, backend, { stallTimeout: -1 }, 'InvalidOption', 'options.stallTimeout'],
    ['stallTimeout 1.5', file, backend, { stallTimeout: 1.5 }, 'InvalidOption', 'options.stallTimeout'],
    ['stallTimeout over an hour', file, backend, { stallTimeout: 3_600_001 }, 'InvalidOption', 'options.stallTimeout'],
    ['stallTimeout a string', file, backend, { stallTimeout: '60s' }, 'InvalidOption', 'options.stallTimeout'],
    ['signal not a signal', file, backend, { signal: {} }, 'InvalidOption', 'options.signal'],
    ['onProgress not a function', file, backend, { onProgress: true }, 'InvalidOption', 'options.onProgress'],
    ['transport not a function', file, backend, { transport: 'xhr' }, 'InvalidOption', 'options.transport'],
    ['part size under 5 MiB', file, backend, { partSize: MiB }, 'InvalidPartPlan', 'options.partSize'],
    ['resume with an empty upload id', file, backend, { resume: { uploadId: '', partSize: PART } }, 'InvalidOption', 'options.resume.uploadId'],
    ['resume with another part size', file, backend, { partSize: 6 * MiB, resume: { uploadId: 'u', partSize: PART } }, 'InvalidOption', 'options.partSize'],
    // Found in review: without it the default plan was used, and parts of the earlier plan that happened to have the
    // new plan's sizes were completed into an object with the wrong bytes.
    ['resume without the part size', file, backend, { resume: { uploadId: 'u' } as UploadOptions['resume'] }, 'InvalidOption', 'options.resume.partSize'],
  ]
  test.each(cases)('%s', (_, f, b, o, code, field) => {
    let caught: unknown
    try {
      uploadMultipart(f as Blob, b as UploadBackend, o as UploadOptions)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(PresignError)
    expect(caught).toMatchObject({ code, field })
  })
})

describe('uploadMultipart lifecycle', () => {
  test('paused before it starts, nothing is sent; abort while paused ends it without a DELETE (no upload yet)', async () => {
    const s3 = new FakeS3()
    const { backend, calls } = testBackend('http://s3.test:9000')
    const { file } = makeFile(PART)
    const upload = uploadMultipart(file, backend, { transport: memoryTransport(s3) })
    upload.pause()
    await new Promise((r) => setTimeout(r, 50))
    expect(s3.log).toEqual([])
    expect(upload.uploadId).toBeUndefined()
    await upload.abort()
    await expect(upload.done).rejects.toMatchObject({ code: 'Aborted' })
    expect(calls.abort).toBe(0)
  })

  test('abort after the upload completed does nothing', async () => {
    const s3 = new FakeS3()
    const { backend, calls } = testBackend('http://s3.test:9000')
    const { file } = makeFile(PART)
    const upload = uploadMultipart(file, backend, { transport: memoryTransport(s3) })
    await upload.done
    await upload.abort()
    expect(calls.abort).toBe(0)
    expect(s3.objects.size).toBe(1)
  })

  test('an onProgress that throws fails the upload with its error; the upload stays on S3', async () => {
    const s3 = new FakeS3()
    const { backend } = testBackend('http://s3.test:9000')
    const { file } = makeFile(2 * PART)
    const boom = new Error('render failed')
    const upload = uploadMultipart(file, backend, {
      transport: memoryTransport(s3),
      partSize: PART,
      onProgress: (p) => {
        if (p.bytesUploaded > 0) throw boom
      },
    })
    await expect(upload.done).rejects.toBe(boom)
    expect(s3.uploads.size).toBe(1)
  })

  test('an empty file is one empty part', async () => {
    const s3 = new FakeS3()
    const { backend } = testBackend('http://s3.test:9000')
    const result = await uploadMultipart(new Blob([]), backend, { transport: memoryTransport(s3) }).done
    expect(result.etag).toMatch(/-1"$/)
    expect(s3.objects.get('videos/big file.mp4')!.data.length).toBe(0)
  })

  test('a backend callback that rejects fails the upload with its own error', async () => {
    const s3 = new FakeS3()
    const { backend } = testBackend('http://s3.test:9000')
    const denied = new Error('401 from /uploads/parts')
    const { file } = makeFile(PART)
    const upload = uploadMultipart(file, { ...backend, signParts: async () => Promise.reject(denied) }, { transport: memoryTransport(s3) })
    await expect(upload.done).rejects.toBe(denied)
  })
})

describe('stallGuard', () => {
  afterEach(() => vi.useRealTimers())

  test('aborts after ms without a touch, each touch starting the wait again; stop frees its timer and listener', () => {
    vi.useFakeTimers()
    const parent = new AbortController()
    const guard = stallGuard(parent.signal, 1000)
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900)
      guard.touch()
    }
    expect(guard.signal.aborted).toBe(false)
    vi.advanceTimersByTime(999)
    expect(guard.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(guard.signal.aborted).toBe(true)
    expect(String(guard.signal.reason)).toContain('1000 ms')
    guard.stop()
    expect(vi.getTimerCount()).toBe(0)

    const other = stallGuard(parent.signal, 1000)
    other.stop()
    expect(vi.getTimerCount()).toBe(0)
    parent.abort(new Error('user'))
    expect(other.signal.aborted).toBe(false) // stopped: the listener is gone
  })

  test("follows the upload's signal (already aborted or later), which is not a stall", () => {
    vi.useFakeTimers()
    const parent = new AbortController()
    const guard = stallGuard(parent.signal, 1000)
    parent.abort(new Error('user'))
    expect(guard.signal.aborted).toBe(true)
    expect(String(guard.signal.reason)).toContain('user')
    guard.stop()
    const late = stallGuard(parent.signal, 1000)
    expect(late.signal.aborted).toBe(true)
    late.stop()
    expect(vi.getTimerCount()).toBe(0)
  })
})
