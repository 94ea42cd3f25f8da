/**
 * A fault-injecting HTTP proxy on 127.0.0.1, between a browser and a storage server. It forwards method, path,
 * headers (Host included, so a URL presigned for the proxy's `host:port` verifies upstream) and body unchanged, and
 * the answer back unchanged, and logs every exchange: what the storage server answered, or what the proxy did to it.
 *
 * Faults, each armed by the test and used up by the requests it matches:
 * - `drop`: once `afterBytes` of the request body have passed through, destroy the client's socket (and the upstream
 *   request, so the storage server sees a cut body and stores nothing). The client sees a network error mid-upload.
 * - `delay`: hold the storage server's answer for `ms` before passing it on (the server has already acted on it).
 *
 * Two behaviours make what the log shows exact:
 * - Every answer carries `Connection: close`. A browser may re-send a request by itself when a reused keep-alive
 *   connection fails before the answer (Chromium does, for an idle socket the server closed); on a fresh connection
 *   per request it does not, so a request the log shows twice was sent twice by the page's code.
 * - A server may answer (a 403, say) before it has read the whole body, and close (Swift does: see
 *   ../../../../shared/docs/s3-compatible-servers.md; s3rver answers early too). The proxy then reads the rest of the
 *   client's body before it passes the answer on, as a server that reads the body before refusing would, and marks
 *   the exchange `earlyAnswer`. (Measured without the proxy: Chromium's XHR also reads Swift's and s3rver's early 403
 *   to a 5 MiB part; the proxy makes it independent of socket timing.)
 */
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http'

/** One request through the proxy. */
export interface ProxyExchange {
  /** Position in the log (0, 1, …). */
  readonly seq: number
  readonly method: string
  /** Path and query, as sent. */
  readonly url: string
  /** `CreateMultipartUpload`, `UploadPart`, `CompleteMultipartUpload`, `ListParts`, `AbortMultipartUpload`, `Preflight` or `Other`. */
  readonly operation: string
  /** `partNumber` of the query, if any. */
  readonly partNumber: number | undefined
  /** `uploadId` of the query, if any. */
  readonly uploadId: string | undefined
  /** The storage server's status; 0 until it answered (or when it never did). */
  status: number
  /** `dropped` (a drop fault), `upstream-error` (no answer from the storage server), `client-gone`, or undefined. */
  outcome: 'dropped' | 'upstream-error' | 'client-gone' | undefined
  /** Body bytes received from the client. */
  bytesIn: number
  /** The server answered before the whole body had come (the proxy read the rest for the client). */
  earlyAnswer: boolean
  /** The answer has been passed on in full (or the exchange failed). */
  finished: boolean
  /** `Date.now()` when the request came, and when the exchange finished. */
  readonly startedAt: number
  endedAt: number | undefined
}

export interface FaultRule {
  readonly match: (e: ProxyExchange) => boolean
  /** How many matching requests the fault applies to (default 1). */
  readonly times?: number
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: the endpoint the backend signs for. */
  readonly url: string
  /** Every exchange so far, in arrival order. */
  readonly log: ProxyExchange[]
  /** Cut the body of the next `times` matching requests after `afterBytes` bytes (default 1 MiB; 0 = at the head). */
  drop(rule: FaultRule & { readonly afterBytes?: number }): void
  /** Hold the answers of the next `times` matching requests for `ms`. */
  delay(rule: FaultRule & { readonly ms: number }): void
  /** Forget the armed faults (the log stays). */
  clearFaults(): void
  /** Resolves once every exchange logged so far has finished (bounded by `timeoutMs`, default 15 s). */
  idle(timeoutMs?: number): Promise<void>
  /** One line per exchange, for failure messages. */
  describe(from?: number): string
  close(): Promise<void>
}

/** The S3 multipart operation of a request, from its method and query. */
export function operationOf(method: string, query: URLSearchParams): string {
  if (method === 'OPTIONS') return 'Preflight'
  if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload'
  if (!query.has('uploadId')) return 'Other'
  if (method === 'PUT' && query.has('partNumber')) return 'UploadPart'
  if (method === 'POST') return 'CompleteMultipartUpload'
  if (method === 'GET') return 'ListParts'
  if (method === 'DELETE') return 'AbortMultipartUpload'
  return 'Other'
}

interface Armed {
  rule: FaultRule
  left: number
  afterBytes?: number
  ms?: number
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream)
  const log: ProxyExchange[] = []
  const drops: Armed[] = []
  const delays: Armed[] = []
  const take = (list: Armed[], e: ProxyExchange): Armed | undefined => {
    const armed = list.find((a) => a.left > 0 && a.rule.match(e))
    if (armed) armed.left--
    return armed
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const query = new URL(`http://proxy${req.url ?? '/'}`).searchParams
    const part = query.get('partNumber')
    const e: ProxyExchange = {
      seq: log.length,
      method: req.method ?? '',
      url: req.url ?? '',
      operation: operationOf(req.method ?? '', query),
      partNumber: part !== null && /^\d{1,5}$/.test(part) ? Number(part) : undefined,
      uploadId: query.get('uploadId') ?? undefined,
      status: 0,
      outcome: undefined,
      bytesIn: 0,
      earlyAnswer: false,
      finished: false,
      startedAt: Date.now(),
      endedAt: undefined,
    }
    const end = (): void => {
      e.finished = true
      e.endedAt ??= Date.now()
    }
    log.push(e)
    const drop = take(drops, e)
    const delay = take(delays, e)
    let bodyDone = false
    let answered = false

    const forwarded = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      answered = true
      e.status = up.statusCode ?? 0
      e.earlyAnswer = !bodyDone
      const pass = (): void => {
        if (res.destroyed) return void up.destroy()
        res.writeHead(e.status || 502, { ...up.headers, connection: 'close' })
        up.pipe(res)
      }
      const later = (): void => void (delay?.ms ? setTimeout(pass, delay.ms) : pass())
      if (bodyDone) return later()
      // The server answered before the whole body came: read the rest of it for the client, then answer (see the
      // header), as a server that reads the body before refusing would.
      req.unpipe(forwarded)
      req.resume()
      req.once('end', later)
    })
    forwarded.setTimeout(30_000, () => forwarded.destroy(new Error('upstream timeout')))
    forwarded.on('error', () => {
      if (answered) return // the server closed after answering; the answer is on its way
      if (e.outcome === undefined) e.outcome = 'upstream-error'
      end()
      if (!res.headersSent && !res.destroyed) res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' }).end('upstream failed\n')
      else res.destroy()
    })
    res.on('close', () => {
      end()
      if (!res.writableFinished && e.outcome === undefined) e.outcome = 'client-gone'
      forwarded.destroy()
    })

    const cut = (): void => {
      e.outcome = 'dropped'
      end()
      req.unpipe(forwarded)
      forwarded.destroy()
      req.socket.destroy()
    }
    req.on('data', (chunk: Buffer) => {
      e.bytesIn += chunk.length
      if (drop && e.outcome === undefined && e.bytesIn >= (drop.afterBytes ?? 1024 * 1024)) cut()
    })
    req.on('end', () => {
      bodyDone = true
      if (drop && e.outcome === undefined) cut() // a body shorter than afterBytes: cut at its end
    })
    if (drop && drop.afterBytes === 0) cut()
    else req.pipe(forwarded)
  }

  const describe = (from = 0): string =>
    log
      .slice(from)
      .map((e) => `#${e.seq} ${e.method} ${e.operation}${e.partNumber ? ` part ${e.partNumber}` : ''} -> ${e.status}${e.outcome ? ` ${e.outcome}` : ''}${e.earlyAnswer ? ' (early answer)' : ''} in ${e.bytesIn} B`)
      .join('\n')

  const server = createServer(handle)
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    drop: (rule) => drops.push({ rule, left: rule.times ?? 1, afterBytes: rule.afterBytes ?? 1024 * 1024 }),
    delay: (rule) => delays.push({ rule, left: rule.times ?? 1, ms: rule.ms }),
    clearFaults: () => {
      drops.length = 0
      delays.length = 0
    },
    async idle(timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs
      while (log.some((e) => !e.finished)) {
        if (Date.now() > until) throw new Error(`proxy not idle after ${timeoutMs} ms:\n${describe()}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    describe,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed())
        server.closeAllConnections()
      }),
  }
}
