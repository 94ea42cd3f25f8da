/**
 * A pass-through HTTP proxy on 127.0.0.1 that records every request it forwards: put in front of a storage server, it
 * tells what really reached the server (e.g. that a browser answered a GET from its cache and sent nothing). It
 * forwards method, path, headers (Host included, so presigned URLs verify as if sent to the proxy's address) and body
 * unchanged, and the answer back unchanged.
 */
import { createServer, request } from 'node:http'

export interface RecordingProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** `METHOD /path?query` of every request forwarded so far, in order. */
  readonly requests: string[]
  close(): Promise<void>
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream)
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const forwarded = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    forwarded.on('error', (e) => (res.headersSent ? res.destroy() : res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream: ${e.message}\n`)))
    req.pipe(forwarded)
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed())
        server.closeAllConnections()
      }),
  }
}
