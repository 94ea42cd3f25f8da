/**
 * A fake S3 for the uploader's tests, in two forms over one model: an in-memory `Transport`, and a real HTTP server on
 * 127.0.0.1 (node:http, port 0). Every request is checked with this library's `verifyPresigned`, so the URLs the
 * test backend presigns with the real server-side functions (`presignUploadParts`…) must be right. Faults are
 * injected per request: an error status and body, a connection dropped before the body is read, a missing ETag, a
 * huge body.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  presignAbortMultipartUpload,
  presignCompleteMultipartUpload,
  presignCreateMultipartUpload,
  presignListParts,
  presignUploadParts,
} from '../../src/s3/multipart.js'
import type { S3Location } from '../../src/s3/object-url.js'
import type { DateInput } from '../../src/core/time.js'
import type { Transport, UploadBackend } from '../../src/upload/index.js'
import { verifyPresigned } from '../../src/verify/verify-presigned.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

export const MiB = 1024 * 1024
export const BUCKET = 'bucket'
export const KEY = 'videos/big file.mp4'
const NS = 'http://s3.amazonaws.com/doc/2006-03-01/'

export type Op = 'CreateMultipartUpload' | 'UploadPart' | 'ListParts' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'Other'

/** What the fake was asked, for a fault decision. `n` counts the requests of this op (and part) so far, from 1. */
export interface FaultContext {
  readonly url: string
  readonly op: Op
  readonly partNumber: number | undefined
  readonly n: number
}

/**
 * A fault: answer this instead, drop the connection, leave out the ETag, stream a huge body, never answer (`hang`:
 * the body is read, then nothing until the client goes away), or answer only after `trickle` ms of a 200 whose body
 * starts with a whitespace byte every 20 ms (as S3 keeps a slow CompleteMultipartUpload alive).
 */
export type Fault =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | 'drop'
  | 'no-etag'
  | 'hang'
  | { readonly huge: number }
  | { readonly trickle: number }

interface StoredPart {
  readonly data: Buffer
  size: number
  readonly etag: string
}

/** One logged request. */
export interface Logged {
  readonly op: Op
  readonly partNumber: number | undefined
  status: number
}

export interface FakeResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

const md5 = (data: Uint8Array): Buffer => createHash('md5').update(data).digest()
export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')
const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function errorXml(code: string, message: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${extra}<RequestId>4442587FB7D0A2F9</RequestId></Error>`
}

/** The S3 model: uploads, parts, objects, the request log, and the fault hook. */
export class FakeS3 {
  readonly uploads = new Map<string, Map<number, StoredPart>>()
  readonly objects = new Map<string, { data: Buffer; etag: string }>()
  readonly log: Logged[] = []
  fault: ((c: FaultContext) => Fault | undefined) | undefined
  private counts = new Map<string, number>()
  private nextId = 1
  inFlightPuts = 0
  maxInFlightPuts = 0

  /** The op and part number of a request, from its method and query. */
  classify(method: string, url: string): { op: Op; partNumber: number | undefined; uploadId: string | undefined; query: URLSearchParams } {
    const query = new URL(url).searchParams
    const uploadId = query.get('uploadId') ?? undefined
    const partNumber = query.has('partNumber') ? Number(query.get('partNumber')) : undefined
    const op: Op =
      method === 'POST' && query.has('uploads') ? 'CreateMultipartUpload'
      : method === 'PUT' && uploadId && partNumber !== undefined ? 'UploadPart'
      : method === 'GET' && uploadId ? 'ListParts'
      : method === 'POST' && uploadId ? 'CompleteMultipartUpload'
      : method === 'DELETE' && uploadId ? 'AbortMultipartUpload'
      : 'Other'
    return { op, partNumber, uploadId, query }
  }

  /** Count the request, log it, and ask the fault hook. */
  begin(method: string, url: string): { entry: Logged; fault: Fault | undefined } {
    const { op, partNumber } = this.classify(method, url)
    const id = op + ':' + (partNumber ?? '')
    const n = (this.counts.get(id) ?? 0) + 1
    this.counts.set(id, n)
    const entry: Logged = { op, partNumber, status: 0 }
    this.log.push(entry)
    return { entry, fault: this.fault?.({ url, op, partNumber, n }) }
  }

  /** Requests of an op (and part). */
  count(op: Op, partNumber?: number): number {
    return this.log.filter((e) => e.op === op && (partNumber === undefined || e.partNumber === partNumber)).length
  }

  /** Answer a request (its signature checked first). */
  async handle(method: string, url: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<FakeResponse> {
    const verified = await verifyPresigned({ method, url, headers }, { credentials: (id) => (id === DOC_CREDENTIALS.accessKeyId ? DOC_CREDENTIALS : undefined), region: 'us-east-1' })
    if (!verified.ok) {
      // S3's error body carries the signer's details; the uploader must keep none of them.
      const sig = new URL(url).searchParams.get('X-Amz-Signature') ?? ''
      return xml(403, errorXml(verified.s3Code, verified.message, `<AWSAccessKeyId>${DOC_CREDENTIALS.accessKeyId}</AWSAccessKeyId><SignatureProvided>${sig}</SignatureProvided>`))
    }
    const { op, partNumber, uploadId, query } = this.classify(method, url)
    if (op === 'CreateMultipartUpload') {
      const id = `upload-${this.nextId++}-${'x'.repeat(40)}`
      this.uploads.set(id, new Map())
      return xml(200, `<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult xmlns="${NS}"><Bucket>${BUCKET}</Bucket><Key>${xmlEscape(KEY)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`)
    }
    const upload = uploadId === undefined ? undefined : this.uploads.get(uploadId)
    if (op === 'Other') return xml(400, errorXml('InvalidRequest', 'not a multipart request'))
    if (!upload) return xml(404, errorXml('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'))
    if (op === 'UploadPart') {
      const etag = `"${md5(body).toString('hex')}"`
      upload.set(partNumber!, { data: body, size: body.length, etag })
      return { status: 200, headers: { etag, 'content-length': '0' }, body: '' }
    }
    if (op === 'ListParts') return xml(200, this.listParts(uploadId!, upload, query))
    if (op === 'AbortMultipartUpload') {
      this.uploads.delete(uploadId!)
      return { status: 204, headers: {}, body: '' }
    }
    return this.complete(uploadId!, upload, body.toString('utf8'))
  }

  private listParts(uploadId: string, upload: Map<number, StoredPart>, query: URLSearchParams): string {
    const marker = Number(query.get('part-number-marker') ?? 0)
    const max = Number(query.get('max-parts') ?? 1000)
    const all = [...upload.keys()].sort((a, b) => a - b).filter((n) => n > marker)
    const page = all.slice(0, max)
    const truncated = all.length > page.length
    const parts = page.map((n) => {
      const p = upload.get(n)!
      return `<Part><PartNumber>${n}</PartNumber><LastModified>2026-12-01T10:00:00.000Z</LastModified><ETag>${xmlEscape(p.etag)}</ETag><Size>${p.size}</Size></Part>`
    })
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="${NS}"><Bucket>${BUCKET}</Bucket><Key>${xmlEscape(KEY)}</Key><UploadId>${uploadId}</UploadId>` +
      `<PartNumberMarker>${marker}</PartNumberMarker>${truncated ? `<NextPartNumberMarker>${page[page.length - 1]}</NextPartNumberMarker>` : ''}` +
      `<MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts.join('')}</ListPartsResult>`
    )
  }

  private complete(uploadId: string, upload: Map<number, StoredPart>, body: string): FakeResponse {
    const listed = [...body.matchAll(/<Part><PartNumber>(\d+)<\/PartNumber><ETag>([^<]*)<\/ETag>/g)].map((m) => ({ n: Number(m[1]), etag: m[2]!.replace(/&quot;/g, '"') }))
    if (!listed.length) return xml(400, errorXml('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.'))
    const chunks: Buffer[] = []
    const md5s: Buffer[] = []
    for (const [i, { n, etag }] of listed.entries()) {
      const part = upload.get(n)
      if (!part || part.etag !== etag) return xml(400, errorXml('InvalidPart', 'One or more of the specified parts could not be found.'))
      if (i > 0 && listed[i - 1]!.n >= n) return xml(400, errorXml('InvalidPartOrder', 'The list of parts was not in ascending order.'))
      if (i < listed.length - 1 && part.size < 5 * MiB) return xml(400, errorXml('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size'))
      chunks.push(part.data)
      md5s.push(Buffer.from(etag.slice(1, -1), 'hex'))
    }
    const etag = `"${md5(Buffer.concat(md5s)).toString('hex')}-${listed.length}"`
    this.objects.set(KEY, { data: Buffer.concat(chunks), etag })
    this.uploads.delete(uploadId)
    return xml(200, `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult xmlns="${NS}"><Location>http://s3.test/${BUCKET}/${KEY}</Location><Bucket>${BUCKET}</Bucket><Key>${xmlEscape(KEY)}</Key><ETag>${xmlEscape(etag)}</ETag></CompleteMultipartUploadResult>`)
  }
}

function xml(status: number, body: string): FakeResponse {
  return { status, headers: { 'content-type': 'application/xml' }, body }
}

/** A fault's answer, when it is an answer. */
function faultResponse(fault: Fault | undefined): FakeResponse | undefined {
  if (fault && typeof fault === 'object' && 'status' in fault) return { status: fault.status, headers: fault.headers ?? {}, body: fault.body ?? '' }
  return undefined
}

function tick(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(t)
      reject(signal!.reason)
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * The in-memory transport: each request takes a few ms, and a part reports its upload progress in 4 steps (so byte
 * progress is seen within a part). `drop` rejects as a network error; `huge` answers with a body of that many bytes;
 * `hang` waits for the signal; `trickle` reports download progress every 20 ms before answering.
 */
export function memoryTransport(s3: FakeS3, options: { delayMs?: number } = {}): Transport {
  const delay = options.delayMs ?? 2
  return async (request) => {
    const { entry, fault } = s3.begin(request.method, request.url)
    const put = entry.op === 'UploadPart'
    if (put) s3.maxInFlightPuts = Math.max(s3.maxInFlightPuts, ++s3.inFlightPuts)
    try {
      if (fault === 'drop') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
      const body = request.body === undefined ? Buffer.alloc(0) : typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from(await request.body.arrayBuffer())
      for (let i = 1; i <= 4; i++) {
        await tick(delay, request.signal)
        request.onUploadProgress?.(Math.floor((body.length * i) / 4))
      }
      if (fault === 'hang') await tick(24 * 3600_000, request.signal)
      if (fault && typeof fault === 'object' && 'trickle' in fault) {
        for (let t = 0; t < fault.trickle; t += 20) {
          await tick(20, request.signal)
          request.onDownloadProgress?.(t / 20 + 1)
        }
      }
      const host = new URL(request.url).host
      const r = faultResponse(fault) ?? (await s3.handle(request.method, request.url, { ...request.headers, host }, body))
      entry.status = r.status
      const headers = new Headers(r.headers)
      if (fault === 'no-etag') headers.delete('etag')
      if (fault && typeof fault === 'object' && 'huge' in fault) return { status: 200, headers, body: 'x'.repeat(fault.huge) }
      return { status: r.status, headers, body: r.body }
    } finally {
      if (put) s3.inFlightPuts--
    }
  }
}

/** Read a request body, at most `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      if ((size += c.length) > max) req.destroy(new Error('too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Stream `total` bytes of junk, stopping as soon as the client goes away; resolves with the bytes written. */
async function streamHuge(res: ServerResponse, total: number): Promise<number> {
  res.writeHead(200, { 'content-type': 'application/xml' })
  const chunk = Buffer.alloc(64 * 1024, 'x')
  let written = 0
  while (written < total && !res.destroyed) {
    written += chunk.length
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }
        res.on('drain', done)
        res.on('close', done)
      })
    }
  }
  res.end()
  return written
}

export interface HttpFake {
  readonly endpoint: string
  /** Bytes written by `huge` faults. */
  readonly hugeWritten: number[]
  close(): Promise<void>
}

/**
 * The same model behind a real HTTP server on 127.0.0.1. `drop` destroys the socket before reading the body (as a
 * server refusing a PUT does). PUTs are answered after `putDelayMs`, so that parts overlap. It closes itself after
 * 60 s if a test forgets to.
 */
export async function startHttpFake(s3: FakeS3, options: { putDelayMs?: number } = {}): Promise<HttpFake> {
  const hugeWritten: number[] = []
  const server = createServer(async (req, res) => {
    const url = `http://${req.headers.host}${req.url}`
    const { entry, fault } = s3.begin(req.method ?? 'GET', url)
    const put = entry.op === 'UploadPart'
    if (fault === 'drop') return void req.socket.destroy()
    let counted = put
    const release = (): void => {
      if (counted) s3.inFlightPuts--
      counted = false
    }
    if (put) s3.maxInFlightPuts = Math.max(s3.maxInFlightPuts, ++s3.inFlightPuts)
    try {
      const body = await readBody(req, 64 * MiB)
      if (put && options.putDelayMs) await tick(options.putDelayMs)
      if (fault && typeof fault === 'object' && 'huge' in fault) {
        release()
        return void hugeWritten.push(await streamHuge(res, fault.huge))
      }
      if (fault === 'hang') return release()
      const r = faultResponse(fault) ?? (await s3.handle(req.method ?? 'GET', url, req.headers, body))
      if (fault && typeof fault === 'object' && 'trickle' in fault) {
        entry.status = r.status
        release()
        const { 'content-length': _, ...headers } = r.headers
        res.writeHead(r.status, headers)
        for (let t = 0; t < fault.trickle && !res.destroyed; t += 20) {
          await tick(20)
          res.write(' ')
        }
        return void res.end(r.body)
      }
      entry.status = r.status
      const headers = { ...r.headers }
      if (fault === 'no-etag') delete headers['etag']
      // Counted out before the answer leaves, so that the next request the client sends never overlaps this one.
      release()
      res.writeHead(r.status, headers).end(r.body)
    } catch {
      release()
      res.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const timer = setTimeout(() => server.close(), 60_000)
  timer.unref()
  const port = (server.address() as AddressInfo).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    hugeWritten,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** How the test backend signs; each hook gets the call's index (from 0). */
export interface BackendTweaks {
  readonly expiresIn?: number
  /** signingDate of the n-th signParts call (default: now). */
  readonly partSigningDate?: (call: number) => DateInput | undefined
  /** Mangle a part URL (e.g. tamper with its signature). */
  readonly mangle?: (url: string, partNumber: number) => string
  /** ListParts page size. */
  readonly maxParts?: number
  /** Return the parts as presignUploadParts's array (true) or as a { [n]: url } record (false). */
  readonly asArray?: boolean
}

/** A backend that presigns with the library's server-side functions (as an app's server would) for `endpoint`. */
export function testBackend(endpoint: string, tweaks: BackendTweaks = {}) {
  const location: S3Location = { bucket: BUCKET, key: KEY, region: 'us-east-1', endpoint }
  const signing = { credentials: DOC_CREDENTIALS, expiresIn: tweaks.expiresIn ?? 900 }
  const calls = { create: 0, signParts: [] as number[][], complete: 0, listParts: [] as (number | undefined)[], abort: 0 }
  const backend: UploadBackend = {
    create: async () => {
      calls.create++
      return presignCreateMultipartUpload(location, { ...signing, headers: { 'content-type': 'video/mp4' } })
    },
    signParts: async ({ uploadId, partNumbers }) => {
      const signingDate = tweaks.partSigningDate?.(calls.signParts.length)
      calls.signParts.push([...partNumbers])
      const parts = await presignUploadParts(location, { uploadId, partNumbers }, { ...signing, signingDate })
      const mangled = parts.map((p) => ({ partNumber: p.partNumber, url: tweaks.mangle ? tweaks.mangle(p.url, p.partNumber) : p.url }))
      return tweaks.asArray ? mangled : Object.fromEntries(mangled.map((p) => [p.partNumber, p.url]))
    },
    complete: async ({ uploadId }) => {
      calls.complete++
      return presignCompleteMultipartUpload(location, { uploadId }, signing)
    },
    listParts: async ({ uploadId, partNumberMarker }) => {
      calls.listParts.push(partNumberMarker)
      return presignListParts(location, { uploadId, partNumberMarker, maxParts: tweaks.maxParts }, signing)
    },
    abort: async ({ uploadId }) => {
      calls.abort++
      return presignAbortMultipartUpload(location, { uploadId }, signing)
    },
  }
  return { backend, calls }
}

/** A file of `size` pseudo-random bytes (deterministic), as a Blob. */
export function makeFile(size: number, seed = 1): { file: Blob; bytes: Uint8Array } {
  const bytes = new Uint8Array(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    bytes[i] = x & 255
    bytes[i + 1] = (x >>> 8) & 255
    bytes[i + 2] = (x >>> 16) & 255
    bytes[i + 3] = (x >>> 24) & 255
  }
  return { file: new Blob([bytes], { type: 'video/mp4' }), bytes }
}
