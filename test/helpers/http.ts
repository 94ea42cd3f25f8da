/**
 * Raw HTTP for hostile-request tests: what fetch cannot send (absolute-form targets, a GET with a body, a
 * Content-Length larger than the body, bytes cut mid-request), and a minimal SigV4 query signer that signs any wire
 * path (the library's presign refuses paths such as `/%2e%2e/x`, which is the point of sending them).
 */
import { createHmac, createHash } from 'node:crypto'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'

export interface RawReply {
  /** Everything the server sent. */
  readonly text: string
  /** Status code of the first response, or 0 when there was none. */
  readonly status: number
  /** The body of the first response (after the blank line), as sent (not de-chunked). */
  readonly body: string
  /** True when the server closed (or reset) the connection; false when the client gave up after `timeoutMs`. */
  readonly closed: boolean
  /** A socket error (e.g. ECONNRESET), if any. */
  readonly error?: string | undefined
}

export interface RawOptions {
  /** Give up (and destroy the socket) after this long. Default 5 s. */
  readonly timeoutMs?: number
  /** Half-close (FIN) after writing. Default false: Node's http server drops a half-closed connection's pending answer. */
  readonly end?: boolean
  /** Destroy the socket right after writing (a client that goes away mid-request). */
  readonly destroyAfterWrite?: boolean
  /** Resolve as soon as a whole first response (head and its Content-Length or chunked body) has arrived. Default true. */
  readonly resolveOnResponse?: boolean
}

/** A raw reply's status (0 when there is no status line) and body. */
function parseReply(text: string): { status: number; body: string } {
  const head = /^HTTP\/1\.[01] (\d{3})/.exec(text)
  const split = text.indexOf('\r\n\r\n')
  return { status: head ? Number(head[1]) : 0, body: split < 0 ? '' : text.slice(split + 4) }
}

/** Has a whole first response arrived: its head, then its Content-Length of body or a chunked body's last chunk? */
function responseComplete(text: string, bytes: number): boolean {
  const split = text.indexOf('\r\n\r\n')
  if (split < 0) return false
  const head = text.slice(0, split)
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
  return length !== undefined ? bytes >= split + 4 + Number(length) : /\r\ntransfer-encoding: *chunked/i.test(head) && text.endsWith('0\r\n\r\n')
}

/**
 * Send `chunks` (written in order; a number is a pause of that many ms) to 127.0.0.1:`port` on a fresh TCP
 * connection. Resolves, never rejects.
 */
export function rawRequest(port: number, chunks: string | Buffer | ReadonlyArray<string | Buffer | number>, options: RawOptions = {}): Promise<RawReply> {
  const { timeoutMs = 5_000, end = false, destroyAfterWrite = false, resolveOnResponse = true } = options
  return new Promise((resolve) => {
    let data = Buffer.alloc(0)
    let error: string | undefined
    let done = false
    const socket = connect(port, '127.0.0.1')
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const text = data.toString('latin1')
      resolve({ text, ...parseReply(text), closed, error })
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    socket.on('connect', async () => {
      for (const c of typeof chunks === 'string' || Buffer.isBuffer(chunks) ? [chunks] : chunks) {
        if (typeof c === 'number') await new Promise((r) => setTimeout(r, c))
        // A server that already answered and closed makes later writes fail (EPIPE): that is an answer, not a failure.
        else if (!socket.destroyed) socket.write(c)
      }
      if (destroyAfterWrite) socket.end(() => socket.destroy())
      else if (end) socket.end()
    })
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      if (resolveOnResponse && responseComplete(data.toString('latin1'), data.length)) finish(true)
    })
    socket.on('error', (e) => (error = (e as NodeJS.ErrnoException).code ?? e.message))
    socket.on('close', () => finish(true))
  })
}

/**
 * Send `head` (which must say `Transfer-Encoding: chunked`), then 1 MiB chunks of "a" until the server answers or
 * closes, or `maxBytes` have been sent (then wait for an answer until `timeoutMs`). `sent`: body bytes written by then.
 */
export function streamUntilAnswered(port: number, head: Buffer | string, { maxBytes, timeoutMs = 15_000 }: { maxBytes: number; timeoutMs?: number }): Promise<RawReply & { sent: number }> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    const frame = Buffer.concat([Buffer.from(chunk.length.toString(16) + '\r\n'), chunk, Buffer.from('\r\n')])
    let data = ''
    let sent = 0
    let error: string | undefined
    let done = false
    const socket = connect(port, '127.0.0.1')
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ text: data, ...parseReply(data), closed, error, sent })
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    const pump = (): void => {
      while (!done && data === '' && !socket.destroyed && sent < maxBytes) {
        sent += chunk.length
        if (!socket.write(frame)) return void socket.once('drain', pump)
      }
    }
    socket.on('connect', () => {
      socket.write(head)
      pump()
    })
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1')
      if (responseComplete(data, data.length)) finish(true)
    })
    socket.on('error', (e) => (error = (e as NodeJS.ErrnoException).code ?? e.message))
    socket.on('close', () => finish(true))
  })
}

/** `METHOD target HTTP/1.1` with `headers` (Host first) and an optional body; Content-Length is the caller's. */
export function rawHttp(method: string, target: string, headers: Record<string, string | number>, body: string | Buffer = ''): Buffer {
  const head = `${method} ${target} HTTP/1.1\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n'
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)])
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest()

/** S3's canonical form of a wire path: escapes of unreserved characters and "/" decoded, others upper-cased, the rest encoded. */
function canonicalS3Path(wire: string): string {
  return wire
    .split(/(%[\dA-Fa-f]{2})/)
    .map((part, i) => {
      if (i & 1) {
        const c = String.fromCharCode(parseInt(part.slice(1), 16))
        return /[\w.~/-]/.test(c) ? c : part.toUpperCase()
      }
      return encodeURIComponent(part)
        .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
        .replace(/%2F/g, '/')
    })
    .join('')
}

/**
 * The query string (with its leading `?`) of a SigV4 presigned S3 `method` of the wire path `wirePath` on `host`,
 * signed with any access key id and secret (even ones presign refuses, such as an empty id).
 */
export function presignRawQuery(
  { method, host, wirePath, accessKeyId, secretAccessKey, region = 'us-east-1', expiresIn = 300, now = Date.now() }: {
    method: string
    host: string
    wirePath: string
    accessKeyId: string
    secretAccessKey: string
    region?: string
    expiresIn?: number
    now?: number
  },
): string {
  const amzDate = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const scope = `${day}/${region}/s3/aws4_request`
  const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  const query = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expiresIn)],
    ['X-Amz-SignedHeaders', 'host'],
  ]
    .map(([k, v]) => `${k}=${enc(v!)}`)
    .sort()
    .join('&')
  const creq = [method, canonicalS3Path(wirePath), query, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n')
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(creq).digest('hex')].join('\n')
  const key = hmac(hmac(hmac(hmac('AWS4' + secretAccessKey, day), region), 's3'), 'aws4_request')
  return `?${query}&X-Amz-Signature=${hmac(key, sts).toString('hex')}`
}

/** A stand-in storage server on 127.0.0.1 that records every request (method, URL, headers, body) and answers 200. */
export interface RecordingUpstream {
  readonly url: string
  readonly requests: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined>; body: Buffer }>
  /** How to answer a PUT (default: 200 with an ETag). */
  answerPut?: ((url: string) => { status: number; body: string }) | undefined
  close(): Promise<void>
}

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const requests: RecordingUpstream['requests'] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, body: Buffer.concat(chunks) })
      const answer = req.method === 'PUT' ? upstream.answerPut?.(req.url ?? '') : undefined
      if (answer) return void res.writeHead(answer.status, { 'content-type': 'application/xml' }).end(answer.body)
      res.writeHead(200, { etag: '"recorded"', 'content-type': 'text/plain' }).end(req.method === 'PUT' ? '' : 'upstream says hi')
    })
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const upstream: RecordingUpstream = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answerPut: undefined,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed())
        server.closeAllConnections()
      }),
  }
  return upstream
}
