/**
 * Shared plumbing for the end-to-end tests: finding system tools, free ports,
 * temp dirs, SHA-256, S3 error bodies, and a node:http client that can send a
 * virtual-hosted Host name (`bucket.localhost`) to 127.0.0.1.
 */
import { createHash } from 'node:crypto'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const inCI = Boolean(process.env['CI'])

/** Absolute path of `name` on PATH (or `name` itself when it is an executable path), or undefined. */
export function which(name: string): string | undefined {
  if (name.includes('/')) {
    try {
      accessSync(name, constants.X_OK)
      return name
    } catch {
      return undefined
    }
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return undefined
}

/**
 * True when every binary is on PATH (or, for a path, there). Otherwise: outside CI, print a loud warning with the install
 * command and return false (the caller skips); with CI=true, throw (CI must run these tests).
 */
export function requireBinaries(what: string, binaries: readonly string[], install: string): boolean {
  const missing = binaries.filter((b) => which(b) === undefined)
  if (missing.length === 0) return true
  const msg =
    `\n!!! ${what}: ${missing.join(', ')} not found on PATH.\n` +
    `!!! Install it (as root) with:\n!!!   ${install}\n`
  if (inCI) throw new Error(msg + '!!! CI=true: these end-to-end tests must run in CI (.ci/run installs them): failing.')
  console.warn(msg + `!!! Skipping the ${what} end-to-end tests.`)
  return false
}

/** Ports this process already handed out (one may still be unbound when the next is asked for). */
const handedOut = new Set<number>()

/** A TCP port that was free on 127.0.0.1 a moment ago, never the same twice in one process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort()
    if (handedOut.has(port)) continue
    handedOut.add(port)
    return port
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolvePort(port))
    })
  })
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort())
  return [...ports]
}

/** A fresh temp dir and its remover (idempotent). */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sigv4-e2e-${prefix}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** `<Code>` and `<Message>` of an S3 XML error body (undefined when the body is not one). */
export function s3Error(body: string): { code: string | undefined; message: string | undefined } {
  return {
    code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1],
  }
}

/** The canonical-request hash in the StringToSign an S3 server echoes in a SignatureDoesNotMatch body. */
export function serverCanonicalRequestHash(body: string): string | undefined {
  return /<StringToSign>AWS4-HMAC-SHA256\s+\S+\s+\S+\s+([0-9a-f]{64})<\/StringToSign>/.exec(body)?.[1]
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  text: string
}

/**
 * One HTTP request with node:http. The URL's host name is sent as-is in `Host`, but the TCP
 * connection always goes to 127.0.0.1: this is how a test reaches `http://bucket.localhost:PORT/`
 * (virtual-hosted style) although Node's resolver knows no `*.localhost` names.
 */
export function requestVia127(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<RawResponse> {
  return new Promise((resolveResponse, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        timeout: 15_000,
        // Node 20 calls lookup with { all: true } (happy eyeballs) or without it.
        lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (opts?.all) cb(null, [{ address: '127.0.0.1', family: 4 }])
          else cb(null, '127.0.0.1', 4)
        }) as never,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') })
        })
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)))
    req.on('error', reject)
    req.end(init.body)
  })
}

/** Resolve `promise`, or reject after `ms` with `what` in the message. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
