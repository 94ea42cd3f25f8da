/**
 * uploadMultipart against a fake S3 that checks every presigned request with verifyPresigned, in two forms: an
 * in-memory transport (byte progress within a part, exact timing) and a real HTTP server on 127.0.0.1 with the fetch
 * transport. The backend presigns with the library's own server-side multipart functions.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import { fetchTransport, type Transport, UploadError, type UploadProgress, type UploadState, uploadMultipart } from '../../src/upload/index.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'
import { type BackendTweaks, errorXml, FakeS3, type HttpFake, KEY, MiB, makeFile, memoryTransport, sha256, startHttpFake, testBackend } from './fake-s3.js'

type Mode = 'memory' | 'http'
const servers: HttpFake[] = []

afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A fake S3 (in memory or over HTTP), a backend presigning for it, and the transport to use. */
async function setup(mode: Mode, tweaks: BackendTweaks = {}) {
  const s3 = new FakeS3()
  let endpoint = 'http://s3.test:9000'
  let transport: Transport = memoryTransport(s3)
  let http: HttpFake | undefined
  if (mode === 'http') {
    http = await startHttpFake(s3, { putDelayMs: 15 })
    servers.push(http)
    endpoint = http.endpoint
    transport = fetchTransport
  }
  return { s3, transport, http, ...testBackend(endpoint, tweaks) }
}

const PART = 5 * MiB
const noDelay = (): number => 0

/** The rejection of `done`, which must be an UploadError without any secret in any of its renderings. */
async function failure(done: Promise<unknown>, secrets: () => string[] = () => []): Promise<UploadError> {
  const e = await done.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(UploadError)
  const err = e as UploadError
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '', JSON.stringify(Object.entries(err))]) {
    for (const s of [DOC_SECRET, DOC_CREDENTIALS.accessKeyId, 'X-Amz-Signature', 'X-Amz-Credential', ...secrets()]) expect(text).not.toContain(s)
  }
  return err
}

/** Wait (at most 5 s) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}

describe.each(['memory', 'http'] as const)('uploadMultipart (%s)', (mode) => {
  test('uploads in parallel within the concurrency, reading the file lazily, one signParts batch per 2 × concurrency parts', async () => {
    const { s3, transport, backend, calls } = await setup(mode)
    const { file, bytes } = makeFile(5 * PART + 12345)
    const slices: number[] = []
    const slice = file.slice.bind(file)
    file.slice = (start?: number, end?: number) => {
      slices.push((end ?? 0) - (start ?? 0))
      return slice(start, end)
    }
    file.arrayBuffer = file.text = file.stream = () => {
      throw new Error('the uploader must never read the whole file')
    }
    const upload = uploadMultipart(file, backend, { transport, concurrency: 3, partSize: PART })
    const result = await upload.done
    const stored = s3.objects.get(KEY)!
    expect(sha256(stored.data)).toBe(sha256(bytes))
    expect(result).toMatchObject({ uploadId: upload.uploadId, etag: stored.etag, key: KEY, bucket: 'bucket' })
    expect(stored.etag).toMatch(/-6"$/)
    expect(s3.maxInFlightPuts).toBeLessThanOrEqual(3)
    expect(s3.maxInFlightPuts).toBeGreaterThanOrEqual(2)
    expect(Math.max(...slices)).toBeLessThanOrEqual(PART)
    expect(slices).toHaveLength(6)
    expect(calls.signParts.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6])
    expect(calls.signParts.every((batch) => batch.length <= 6)).toBe(true)
    expect(calls.signParts.length).toBeLessThanOrEqual(2)
    expect(s3.uploads.size).toBe(0)
  })

  test('progress: bytes never go back and reach the total; parts reach partsTotal; onStart comes before any part', async () => {
    const { s3, transport, backend } = await setup(mode)
    const { file } = makeFile(3 * PART + 7)
    const events: UploadProgress[] = []
    const starts: UploadState[] = []
    let putsAtStart = -1
    const upload = uploadMultipart(file, backend, {
      transport,
      partSize: PART,
      concurrency: 2,
      onProgress: (p) => events.push(p),
      onStart: (s) => {
        starts.push(s)
        putsAtStart = s3.count('UploadPart')
      },
    })
    await upload.done
    expect(starts).toEqual([{ uploadId: upload.uploadId, partSize: PART, partsTotal: 4 }])
    expect(putsAtStart).toBe(0)
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.bytesUploaded).toBeGreaterThanOrEqual(events[i - 1]!.bytesUploaded)
      expect(events[i]!.partsUploaded).toBeGreaterThanOrEqual(events[i - 1]!.partsUploaded)
    }
    expect(events.at(-1)).toEqual({ bytesUploaded: file.size, bytesTotal: file.size, partsUploaded: 4, partsTotal: 4 })
    expect(events.every((e) => e.bytesUploaded <= file.size && e.bytesTotal === file.size)).toBe(true)
    // The in-memory transport reports byte progress within a part (as XHR does); fetch only per part.
    if (mode === 'memory') expect(events.some((e) => e.bytesUploaded % PART !== 0 && e.bytesUploaded < file.size)).toBe(true)
  })

  test('retries a part after an injected 500 and after a dropped connection (the refused-PUT case)', async () => {
    const { s3, transport, backend } = await setup(mode)
    s3.fault = ({ op, partNumber, n }) =>
      op === 'UploadPart' && n === 1 && partNumber === 2 ? { status: 500, body: errorXml('InternalError', 'We encountered an internal error. Please try again.') }
      : op === 'UploadPart' && n === 1 && partNumber === 3 ? 'drop'
      : undefined
    const retryDelay = vi.fn(noDelay)
    const { file, bytes } = makeFile(3 * PART + 1)
    await uploadMultipart(file, backend, { transport, partSize: PART, retryDelay }).done
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
    expect([s3.count('UploadPart', 1), s3.count('UploadPart', 2), s3.count('UploadPart', 3), s3.count('UploadPart', 4)]).toEqual([1, 2, 2, 1])
    expect(retryDelay.mock.calls).toEqual([[1], [1]])
  })

  test('retries 503 SlowDown, 400 RequestTimeout and 429 on every kind of request', async () => {
    const { s3, transport, backend, calls } = await setup(mode)
    s3.fault = ({ op, n }) =>
      n > 1 ? undefined
      : op === 'CreateMultipartUpload' ? { status: 503, body: errorXml('SlowDown', 'Please reduce your request rate.') }
      : op === 'UploadPart' ? { status: 400, body: errorXml('RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.') }
      : op === 'CompleteMultipartUpload' ? { status: 429, body: 'Too Many Requests' }
      : undefined
    const { file } = makeFile(PART + 1)
    await uploadMultipart(file, backend, { transport, partSize: PART, retryDelay: noDelay }).done
    expect([s3.count('CreateMultipartUpload'), s3.count('UploadPart', 1), s3.count('UploadPart', 2), s3.count('CompleteMultipartUpload')]).toEqual([2, 2, 2, 2])
    expect(calls.create).toBe(2) // each attempt gets a fresh presigned request
  })

  test('does not retry a 403 SignatureDoesNotMatch; the error names the part and carries no signature or key', async () => {
    let signature = ''
    const { s3, transport, backend } = await setup(mode, {
      mangle: (url, n) => {
        if (n !== 2) return url
        signature = /X-Amz-Signature=([0-9a-f]+)/.exec(url)![1]!
        return url.replace(/X-Amz-Signature=([0-9a-f]+)/, (_, hex: string) => `X-Amz-Signature=${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`)
      },
    })
    const { file } = makeFile(2 * PART)
    const upload = uploadMultipart(file, backend, { transport, partSize: PART, retryDelay: noDelay })
    const err = await failure(upload.done, () => [signature, signature.slice(0, -1)])
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403, partNumber: 2, operation: 'UploadPart', retryable: false })
    expect(s3.count('UploadPart', 2)).toBe(1)
    // A failed upload stays on S3 (to resume it); abort() deletes it.
    expect(s3.uploads.size).toBe(1)
    await upload.abort()
    expect(s3.uploads.size).toBe(0)
  })

  test('gives up after `retries` retries, with the last error', async () => {
    const { s3, transport, backend } = await setup(mode)
    s3.fault = ({ op, partNumber }) => (op === 'UploadPart' && partNumber === 1 ? { status: 500, body: errorXml('InternalError', 'We encountered an internal error.') } : undefined)
    const { file } = makeFile(PART)
    const err = await failure(uploadMultipart(file, backend, { transport, partSize: PART, retries: 2, retryDelay: noDelay }).done)
    expect(err).toMatchObject({ code: 'InternalError', status: 500, partNumber: 1, retryable: true })
    expect(s3.count('UploadPart', 1)).toBe(3)
  })

  test('a part URL that S3 refuses as expired is asked again, without spending a retry', async () => {
    // The first batch is signed two hours ago for 15 minutes: S3 answers 403 AccessDenied "Request has expired".
    const { s3, transport, backend, calls } = await setup(mode, { partSigningDate: (call) => (call === 0 ? Date.now() - 7_200_000 : undefined) })
    const { file, bytes } = makeFile(3 * PART)
    await uploadMultipart(file, backend, { transport, partSize: PART, concurrency: 2, retries: 0 }).done
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
    const expired = s3.log.filter((e) => e.op === 'UploadPart' && e.status === 403)
    expect(expired.map((e) => e.partNumber).sort()).toEqual(calls.signParts[0]!.slice().sort())
    expect(calls.signParts.length).toBeGreaterThanOrEqual(2)
  })

  test('a cached part URL past its expiry is asked again before it is sent (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const { s3, transport, backend, calls } = await setup(mode, { expiresIn: 900 })
    const { file } = makeFile(3 * PART)
    let jumped = false
    const onProgress = (p: UploadProgress): void => {
      if (p.partsUploaded === 1 && !jumped) vi.setSystemTime(Date.now() + 20 * 60_000) // 20 minutes later
      jumped ||= p.partsUploaded === 1
    }
    await uploadMultipart(file, backend, { transport, partSize: PART, concurrency: 1, onProgress }).done
    expect(calls.signParts).toEqual([
      [1, 2],
      [2, 3],
    ])
    expect(s3.log.filter((e) => e.status === 403)).toEqual([])
  })

  test('re-signing an expired URL is bounded: a backend that only gives expired URLs fails with AccessDenied', async () => {
    const { s3, transport, backend } = await setup(mode, { partSigningDate: () => Date.now() - 7_200_000 })
    const { file } = makeFile(PART)
    const err = await failure(uploadMultipart(file, backend, { transport, partSize: PART }).done)
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403, urlExpired: true, partNumber: 1 })
    expect(err.message).toMatch(/Request has expired/)
    expect(s3.count('UploadPart', 1)).toBe(4)
  })

  test('pause lets the parts in flight finish and starts none; resume continues', async () => {
    const { s3, transport, backend } = await setup(mode)
    const { file, bytes } = makeFile(5 * PART)
    let paused = false
    const upload = uploadMultipart(file, backend, {
      transport,
      partSize: PART,
      concurrency: 2,
      onProgress: (p) => {
        if (p.bytesUploaded === 0 || paused) return
        paused = true
        upload.pause()
      },
    })
    await until(() => paused && s3.inFlightPuts === 0)
    const sent = s3.count('UploadPart')
    await new Promise((r) => setTimeout(r, 150))
    expect(s3.count('UploadPart')).toBe(sent)
    expect(sent).toBeLessThan(5)
    upload.resume()
    await upload.done
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
    expect(s3.count('UploadPart')).toBe(5)
  })

  test('abort cancels the parts in flight, deletes the upload and rejects done with Aborted', async () => {
    const { s3, transport, backend, calls } = await setup(mode)
    const { file } = makeFile(6 * PART)
    let aborting: Promise<void> | undefined
    const upload = uploadMultipart(file, backend, {
      transport,
      partSize: PART,
      concurrency: 2,
      onProgress: (p) => {
        if (p.bytesUploaded > 0) aborting ??= upload.abort()
      },
    })
    const err = await failure(upload.done)
    expect(err.code).toBe('Aborted')
    await aborting
    expect(upload.abort()).toBe(aborting)
    expect(calls.abort).toBe(1)
    const del = s3.log.findIndex((e) => e.op === 'AbortMultipartUpload')
    expect(s3.log[del]!.status).toBe(204)
    expect(s3.log.slice(del + 1).filter((e) => e.op === 'UploadPart')).toEqual([])
    await new Promise((r) => setTimeout(r, 50))
    expect(s3.uploads.size).toBe(0)
    expect(s3.objects.size).toBe(0)
  })

  test('options.signal aborts: before the start nothing is sent; mid-way the upload is deleted', async () => {
    const { s3, transport, backend, calls } = await setup(mode)
    const { file } = makeFile(4 * PART)
    const early = new AbortController()
    early.abort(new Error('user left the page'))
    const err = await failure(uploadMultipart(file, backend, { transport, partSize: PART, signal: early.signal }).done)
    expect(err.code).toBe('Aborted')
    expect((err.cause as Error).message).toBe('user left the page')
    expect(s3.log).toEqual([])
    expect(calls.create).toBe(0)

    const late = new AbortController()
    const upload = uploadMultipart(file, backend, { transport, partSize: PART, signal: late.signal, onProgress: (p) => p.bytesUploaded > 0 && late.abort() })
    expect((await failure(upload.done)).code).toBe('Aborted')
    await until(() => s3.count('AbortMultipartUpload') === 1 && s3.uploads.size === 0)
  })

  test('resumes from ListParts (every page) without re-sending stored parts; a part of the wrong size is sent again', async () => {
    const { s3, transport, backend, calls } = await setup(mode, { maxParts: 1 })
    const { file, bytes } = makeFile(4 * PART + 99)
    s3.fault = ({ op, partNumber }) => (op === 'UploadPart' && partNumber === 4 ? { status: 403, body: errorXml('AccessDenied', 'Access Denied') } : undefined)
    let state: UploadState | undefined
    const first = uploadMultipart(file, backend, { transport, partSize: PART, concurrency: 1, onStart: (s) => (state = s) })
    expect((await failure(first.done)).code).toBe('AccessDenied')
    expect(state).toEqual({ uploadId: first.uploadId, partSize: PART, partsTotal: 5 })
    // The page reloads. S3 has parts 1..3; part 2 is shorter than planned (say, another client's), so it goes again.
    s3.fault = undefined
    const stored = s3.uploads.get(state!.uploadId)!
    expect([...stored.keys()]).toEqual([1, 2, 3])
    stored.get(2)!.size = 17
    const before = s3.log.length
    const events: UploadProgress[] = []
    const second = uploadMultipart(file, backend, { transport, resume: state, onProgress: (p) => events.push(p) })
    expect(second.uploadId).toBe(state!.uploadId)
    await second.done
    expect(calls.listParts).toEqual([undefined, 1, 2])
    expect(calls.create).toBe(1)
    expect(s3.log.slice(before).filter((e) => e.op === 'UploadPart').map((e) => e.partNumber).sort()).toEqual([2, 4, 5])
    expect(events[0]).toMatchObject({ bytesUploaded: 2 * PART, partsUploaded: 2, partsTotal: 5 })
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
  })

  test('CompleteMultipartUpload: a 200 with an <Error> body is a failure, retried when S3 says so', async () => {
    const { s3, transport, backend } = await setup(mode)
    const { file } = makeFile(PART)
    s3.fault = ({ op, n }) => (op === 'CompleteMultipartUpload' && n === 1 ? { status: 200, body: errorXml('InternalError', 'We encountered an internal error. Please try again.') } : undefined)
    await uploadMultipart(file, backend, { transport, partSize: PART, retryDelay: noDelay }).done
    expect(s3.count('CompleteMultipartUpload')).toBe(2)
    expect(s3.objects.size).toBe(1)

    const other = await setup(mode)
    other.s3.fault = ({ op }) => (op === 'CompleteMultipartUpload' ? { status: 200, body: `   \n${errorXml('AccessDenied', 'Access Denied')}` } : undefined)
    const err = await failure(uploadMultipart(file, other.backend, { transport: other.transport, partSize: PART, retryDelay: noDelay }).done)
    expect(err).toMatchObject({ code: 'AccessDenied', status: 200, operation: 'CompleteMultipartUpload', retryable: false })
    expect(other.s3.count('CompleteMultipartUpload')).toBe(1)
  })

  // The fetch transport reports no upload progress, so over HTTP a whole 5 MiB part must go within the timeout: there
  // it is long enough for a loaded machine (one run of the full suite took a part past 300 ms).
  const stall = mode === 'memory' ? 300 : 2500
  test('stallTimeout: a request that shows no sign of life is cancelled and retried as Timeout; one that always hangs fails', async () => {
    const { s3, transport, backend } = await setup(mode)
    const { file, bytes } = makeFile(3 * PART)
    s3.fault = ({ op, partNumber, n }) => (op === 'UploadPart' && partNumber === 2 && n === 1 ? 'hang' : undefined)
    const started = Date.now()
    await uploadMultipart(file, backend, { transport, partSize: PART, retryDelay: noDelay, stallTimeout: stall }).done
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(s3.count('UploadPart', 2)).toBe(2)
    expect(s3.count('UploadPart', 1)).toBe(1)
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))

    const ops = mode === 'memory' ? (['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload'] as const) : (['UploadPart', 'CompleteMultipartUpload'] as const)
    for (const op of ops) {
      const other = await setup(mode)
      other.s3.fault = (c) => (c.op === op ? 'hang' : undefined)
      const err = await failure(uploadMultipart(file, other.backend, { transport: other.transport, partSize: PART, retries: 1, retryDelay: noDelay, stallTimeout: stall }).done)
      expect(err).toMatchObject({ code: 'Timeout', operation: op, status: 0, retryable: true })
      expect(err.message).toContain(`${stall} ms (options.stallTimeout)`)
      expect(other.s3.count(op, err.partNumber)).toBe(2) // the request and its one retry
    }
  }, 40_000)

  test('stallTimeout: the answer arriving byte by byte is a sign of life (a slow CompleteMultipartUpload kept open with whitespace)', async () => {
    const { s3, transport, backend } = await setup(mode)
    const { file, bytes } = makeFile(PART)
    s3.fault = ({ op }) => (op === 'CompleteMultipartUpload' ? { trickle: Math.round(1.6 * stall) } : undefined)
    await uploadMultipart(file, backend, { transport, partSize: PART, retryDelay: noDelay, stallTimeout: stall }).done
    expect(s3.count('CompleteMultipartUpload')).toBe(1)
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
  }, 20_000)

  test('a part answered without an ETag fails at once with MissingETag, which names the CORS rule', async () => {
    const { s3, transport, backend } = await setup(mode)
    s3.fault = ({ op, partNumber }) => (op === 'UploadPart' && partNumber === 1 ? 'no-etag' : undefined)
    const { file } = makeFile(PART)
    const err = await failure(uploadMultipart(file, backend, { transport, partSize: PART }).done)
    expect(err).toMatchObject({ code: 'MissingETag', partNumber: 1, status: 200, retryable: false })
    expect(err.message).toMatch(/CORS.*ExposeHeaders.*ETag/)
    expect(s3.count('UploadPart', 1)).toBe(1)
  })

  test('hostile answers: garbage or DOCTYPE XML, a non-advancing ListParts page, a huge body, an HTML 502', async () => {
    const { file } = makeFile(PART)
    const cases: Array<[string, (s3: FakeS3) => void, string]> = [
      ['garbage create', (s3) => (s3.fault = ({ op }) => (op === 'CreateMultipartUpload' ? { status: 200, body: '<html><body>hello</body></html>' } : undefined)), 'InvalidResponse'],
      [
        'DOCTYPE create',
        (s3) =>
          (s3.fault = ({ op }) =>
            op === 'CreateMultipartUpload' ? { status: 200, body: '<!DOCTYPE x [<!ENTITY a "b">]><InitiateMultipartUploadResult><UploadId>&a;</UploadId></InitiateMultipartUploadResult>' } : undefined),
        'InvalidResponse',
      ],
      ['empty upload id', (s3) => (s3.fault = ({ op }) => (op === 'CreateMultipartUpload' ? { status: 200, body: '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId></UploadId></InitiateMultipartUploadResult>' } : undefined)), 'InvalidResponse'],
      ['huge complete', (s3) => (s3.fault = ({ op }) => (op === 'CompleteMultipartUpload' ? { huge: 24 * MiB } : undefined)), 'InvalidResponse'],
      ['garbage complete', (s3) => (s3.fault = ({ op }) => (op === 'CompleteMultipartUpload' ? { status: 200, body: '<CompleteMultipartUploadResult><ETag>' } : undefined)), 'InvalidResponse'],
      ['HTML 502 on every part', (s3) => (s3.fault = ({ op }) => (op === 'UploadPart' ? { status: 502, body: '<html>Bad Gateway</html>' } : undefined)), 'HttpError'],
    ]
    for (const [label, inject, code] of cases) {
      const { s3, transport, backend, http } = await setup(mode)
      inject(s3)
      const err = await failure(uploadMultipart(file, backend, { transport, partSize: PART, retries: 1, retryDelay: noDelay }).done)
      expect(err.code, label).toBe(code)
      if (label === 'garbage create' || label === 'DOCTYPE create') expect(s3.count('CreateMultipartUpload'), label).toBe(1)
      if (label === 'garbage complete') expect(s3.count('CompleteMultipartUpload'), label).toBe(2) // a cut-off 200 is retried, as botocore does
      if (label === 'HTML 502 on every part') expect(err.status).toBe(502)
      if (label === 'huge complete' && http) expect(Math.max(...http.hugeWritten)).toBeLessThan(16 * MiB) // the client stopped reading
    }
  })

  test('hostile ListParts when resuming: a server that ignores the marker, a huge page, an unknown upload', async () => {
    const { file } = makeFile(3 * PART)
    const samePage = `<ListPartsResult><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>1</NextPartNumberMarker><IsTruncated>true</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"x"</ETag><Size>1</Size></Part></ListPartsResult>`
    const cases: Array<[string, ((s3: FakeS3) => void) | undefined, string, number]> = [
      ['marker ignored', (s3) => (s3.fault = ({ op }) => (op === 'ListParts' ? { status: 200, body: samePage } : undefined)), 'InvalidResponse', 2],
      ['huge page', (s3) => (s3.fault = ({ op }) => (op === 'ListParts' ? { huge: 24 * MiB } : undefined)), 'InvalidResponse', 1],
      ['upload gone', (s3) => s3.uploads.clear(), 'NoSuchUpload', 1],
    ]
    for (const [label, inject, code, lists] of cases) {
      const { s3, transport, backend, calls, http } = await setup(mode)
      s3.uploads.set('resumed-upload', new Map())
      inject?.(s3)
      const err = await failure(uploadMultipart(file, backend, { transport, resume: { uploadId: 'resumed-upload', partSize: PART } }).done)
      expect(err, label).toMatchObject({ code, operation: 'ListParts' })
      expect(calls.listParts.length, label).toBe(lists)
      expect(s3.count('UploadPart'), label).toBe(0)
      if (label === 'huge page' && http) expect(Math.max(...http.hugeWritten)).toBeLessThan(16 * MiB)
    }
  })

  test('a hostile server echoing the signature and the access key into its error message: both are redacted', async () => {
    const { s3, transport, backend } = await setup(mode)
    let signature = ''
    s3.fault = ({ op, url }) => {
      if (op !== 'UploadPart') return undefined
      const q = new URL(url).searchParams
      signature = q.get('X-Amz-Signature')!
      return { status: 403, body: errorXml('AccessDenied', `denied ${signature} for ${q.get('X-Amz-Credential')}`) }
    }
    const { file } = makeFile(PART)
    const err = await failure(uploadMultipart(file, backend, { transport, partSize: PART }).done, () => [signature])
    expect(err.message).toMatch(/AccessDenied.*denied … for …/)
  })

  // Found in review: the Message was redacted, the Code was not.
  test('a hostile server echoing the signature or the access key as its error Code: HttpError, nothing echoed', async () => {
    const { s3, transport, backend } = await setup(mode)
    for (const pick of ['X-Amz-Signature', 'X-Amz-Credential', 'junk'] as const) {
      let echoed = ''
      s3.fault = ({ op, url }) => {
        if (op !== 'UploadPart') return undefined
        const q = new URL(url).searchParams
        echoed = pick === 'junk' ? 'not a <code> at all' : pick === 'X-Amz-Credential' ? q.get(pick)!.split('/')[0]! : q.get(pick)!
        return { status: 403, body: errorXml(pick === 'junk' ? 'not a code' : echoed, 'x') }
      }
      const { file } = makeFile(PART)
      const err = await failure(uploadMultipart(file, backend, { transport, partSize: PART, retries: 0 }).done, () => [echoed].filter((s) => s.length >= 4 && pick !== 'junk'))
      expect(err.code, pick).toBe('HttpError')
    }
  })

  // Found in review: S3 finishes a CompleteMultipartUpload whose client hung up, so after an abort then the DELETE
  // finds no upload (NoSuchUpload) while the object exists; abort() resolved as if the parts had been deleted.
  test('abort() while CompleteMultipartUpload is under way, and S3 has completed it: MaybeCompleted, never "deleted"', async () => {
    const { s3, transport, backend } = await setup(mode)
    let upload: ReturnType<typeof uploadMultipart> | undefined
    let aborting: Promise<void> | undefined
    // The fake completes the object, then the answer is lost: the client only sees its own abort.
    const slow: Transport = async (request) => {
      const response = transport(request)
      if (!/[?&]uploadId=/.test(request.url) || request.method !== 'POST') return response
      await response
      aborting ??= upload!.abort()
      const { signal } = request
      return new Promise((_, reject) => (signal.aborted ? reject(signal.reason) : signal.addEventListener('abort', () => reject(signal.reason))))
    }
    const { file } = makeFile(2 * PART)
    upload = uploadMultipart(file, backend, { transport: slow, partSize: PART })
    expect((await failure(upload.done)).code).toBe('Aborted')
    await until(() => aborting !== undefined)
    const outcome = await aborting!.then(() => 'resolved', (e: unknown) => e)
    expect(outcome).toBeInstanceOf(UploadError)
    expect((outcome as UploadError).code).toBe('MaybeCompleted')
    expect(s3.objects.has(KEY)).toBe(true)
  })

  test('signParts may answer with presignUploadParts\'s array; a backend that leaves out a part is a PresignError', async () => {
    const { s3, transport, backend } = await setup(mode, { asArray: true })
    const { file } = makeFile(2 * PART)
    await uploadMultipart(file, backend, { transport, partSize: PART }).done
    expect(s3.objects.size).toBe(1)
    const missing = { ...backend, signParts: async () => ({}) }
    const e = await uploadMultipart(file, missing, { transport, partSize: PART }).done.catch((x: unknown) => x)
    expect(e).toBeInstanceOf(PresignError)
    expect(e).toMatchObject({ code: 'InvalidOption', field: 'backend.signParts' })
  })
})

describe('uploadMultipart stallTimeout (memory transport)', () => {
  test('upload progress is a sign of life: parts slower than the timeout, each reporting progress in time, are not cancelled', async () => {
    const { s3, backend } = await setup('memory')
    const { file, bytes } = makeFile(2 * PART)
    // Each request takes 4 × 120 ms and reports its progress every 120 ms.
    const transport = memoryTransport(s3, { delayMs: 120 })
    await uploadMultipart(file, backend, { transport, partSize: PART, retries: 0, stallTimeout: 600 }).done
    expect(s3.count('UploadPart')).toBe(2)
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
    // The same parts without their progress events: each one is past the timeout, so the upload fails.
    const other = await setup('memory')
    const slow: Transport = (request) => memoryTransport(other.s3, { delayMs: request.method === 'PUT' ? 120 : 2 })({ ...request, onUploadProgress: undefined })
    const err = await failure(uploadMultipart(file, other.backend, { transport: slow, partSize: PART, retries: 0, stallTimeout: 300 }).done)
    expect(err).toMatchObject({ code: 'Timeout', operation: 'UploadPart' })
  })

  test('a transport that ignores its signal and never settles still times out', async () => {
    const { s3, backend } = await setup('memory')
    const real = memoryTransport(s3)
    const never: Transport = (request) => (request.method === 'PUT' ? new Promise(() => {}) : real(request))
    const { file } = makeFile(PART)
    const err = await failure(uploadMultipart(file, backend, { transport: never, partSize: PART, retries: 2, retryDelay: noDelay, stallTimeout: 100 }).done)
    expect(err).toMatchObject({ code: 'Timeout', operation: 'UploadPart', partNumber: 1, retryable: true })
  })
})

describe('uploadMultipart (http, default transport)', () => {
  test('without XMLHttpRequest (Node) the default transport is fetch, and the object arrives intact', async () => {
    const { s3, backend } = await setup('http')
    const { file, bytes } = makeFile(2 * PART + 3)
    await uploadMultipart(file, backend, { partSize: PART }).done
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
  })
})
