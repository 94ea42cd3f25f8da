/**
 * Shared by the credentials tests: loopback fakes (node:http on 127.0.0.1, port 0, each closes itself), a temporary
 * HOME, botocore as the oracle (scripts/credentials-oracle.py) and our resolver on the same inputs, and a fake STS
 * whose every signature check is botocore's (botocore_sigv4_check.py).
 */
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll } from 'vitest'
import { resolveCredentials } from '../../src/credentials/index.js'
import type { CredentialsOptions } from '../../src/credentials/index.js'
import { projectRoot } from '../helpers/suite.js'

export interface SeenRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

export interface Fake {
  readonly origin: string
  readonly requests: SeenRequest[]
  close(): Promise<void>
}

const cleanups: Array<() => unknown> = []
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c()
})

/** A loopback HTTP server; it closes after the test file, or after 60 s on its own, whichever comes first. */
export async function fake(handler: (req: SeenRequest, res: ServerResponse) => void | Promise<void>): Promise<Fake> {
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(seen)
      Promise.resolve(handler(seen, res)).catch((e) => {
        res.statusCode = 500
        res.end(String(e))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  const stop = setTimeout(() => server.close(), 60_000)
  stop.unref()
  const close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(stop)
      server.closeAllConnections()
      server.close(() => resolve())
    })
  cleanups.push(close)
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close }
}

/** A temporary HOME with `files` (paths relative to it); removed after the test file. */
export function tempHome(files: Record<string, string> = {}): string {
  const home = mkdtempSync(join(tmpdir(), 'sigv4-creds-'))
  cleanups.push(() => rmSync(home, { recursive: true, force: true }))
  writeFiles(home, files)
  return home
}

/** Write `files` (paths relative to `home`; the text's `HOME` replaced by `home`). */
export function writeFiles(home: string, files: Record<string, string>): void {
  for (const [path, raw] of Object.entries(files)) {
    const text = raw.replaceAll('HOME', home)
    mkdirSync(dirname(join(home, path)), { recursive: true })
    writeFileSync(join(home, path), text)
    if (path.startsWith('bin/')) chmodSync(join(home, path), 0o755)
  }
}

/** What either resolver gave: credentials (expiration as epoch ms) or an error. */
export type Outcome =
  | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken: string | null; readonly expiration: number | null; readonly method: string }
  | { readonly error: string; readonly message: string }
  | { readonly none: true }

/** botocore's answer in `env` (HOME included), or undefined (with a loud warning) when python3/botocore is missing. */
export function botocore(env: Record<string, string>, profile?: string): Promise<Outcome | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(projectRoot, 'scripts', 'credentials-oracle.py')], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c))
    child.stderr.on('data', (c: Buffer) => (err += c))
    child.on('error', reject)
    child.on('close', () => {
      if (!out.trim()) {
        if (process.env['CI']) return reject(new Error(`python3/botocore failed: ${err}`))
        console.warn(`!!! python3 with botocore unavailable, skipping the botocore comparison: ${err.split('\n').at(-2)}`)
        return resolve(undefined)
      }
      const r = JSON.parse(out) as Record<string, unknown>
      if (r['accessKeyId'] !== undefined) {
        return resolve({ ...(r as { accessKeyId: string; secretAccessKey: string; sessionToken: string | null; method: string }), expiration: r['expiration'] ? Date.parse(r['expiration'] as string) : null })
      }
      resolve(r as Outcome)
    })
    child.stdin.end(JSON.stringify({ env, profile: profile ?? null }))
  })
}

/** Our resolver on the same inputs. */
export async function ours(env: Record<string, string>, profile?: string, extra: CredentialsOptions = {}): Promise<Outcome> {
  try {
    const { credentials: c, source } = await resolveCredentials({ env, homeDir: env['HOME'], profile, ...extra })
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? null, expiration: c.expiration?.getTime() ?? null, method: source }
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message }
  }
}

/** The base environment of a comparison: HOME, no IMDS (so nothing leaves the machine). */
export const baseEnv = (home: string, env: Record<string, string> = {}): Record<string, string> => ({ HOME: home, PATH: process.env['PATH'] ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...env })

/** The parameters of an STS call: the query of a GET (ours) or the form body of a POST (botocore). */
export function stsParams(req: SeenRequest): Record<string, string> {
  const query = new URL(req.url, 'http://x').searchParams
  const source = req.method === 'POST' ? new URLSearchParams(req.body) : query
  const out: Record<string, string> = {}
  for (const [k, v] of source) if (!k.startsWith('X-Amz-')) out[k] = v
  return out
}

/** What botocore said of a request's SigV4 signature (test/credentials/botocore_sigv4_check.py). */
export type SigV4Check = { readonly ok: true; readonly form: 'header' | 'presigned'; readonly accessKeyId: string } | { readonly ok: false; readonly reason: string }

/** A request for botocore to check: as received (absolute URL), with the key that claims to have signed it. */
export interface SigV4CheckInput {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** The key's session token (the request must carry it, signed), or null for a long-term key (it must carry none). */
  readonly sessionToken: string | null
  readonly region: string
  readonly service: string
  /** Epoch seconds to check X-Amz-Date (and X-Amz-Expires) against, or null for no clock check. */
  readonly now: number | null
}

interface Checker {
  check(input: SigV4CheckInput): Promise<SigV4Check>
  close(): void
}
let checker: Checker | undefined

/**
 * The botocore checker: one python3 process per test file, started on first use, fed one JSON line per request. Its
 * pipes are unreferenced while no check is pending, and it exits when its stdin closes: at the end of the test file
 * (afterAll), or when the test process ends in any way. If it cannot run, every check is a refusal.
 */
function startChecker(): Checker {
  const child = spawn('python3', [join(projectRoot, 'test', 'credentials', 'botocore_sigv4_check.py')], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] })
  const pending = new Map<number, (r: SigV4Check) => void>()
  const pipes = [child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref(): void; unref(): void }>
  const idle = () => {
    child.unref()
    for (const p of pipes) p.unref()
  }
  let nextId = 1
  let stderr = ''
  let dead: string | undefined
  let closing = false
  const fail = (why: string) => {
    dead ??= why
    if (!closing && (process.env['CI'] || pending.size)) console.warn(`!!! the botocore SigV4 checker is unavailable (${dead}): the fake STS refuses every signed request`)
    for (const resolve of pending.values()) resolve({ ok: false, reason: `botocore checker unavailable: ${dead}` })
    pending.clear()
  }
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c).slice(-2000)))
  child.stdin.on('error', () => undefined) // EPIPE after an early exit: reported by 'exit'
  child.on('error', (e) => fail(e.message))
  child.on('exit', (code) => fail(`python3 exited with ${code}${stderr.trim() ? ': ' + stderr.trim().split('\n').at(-1) : ''}`))
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as SigV4Check & { id?: number; ready?: boolean }
    if (answer.ready) return
    const resolve = pending.get(answer.id!)
    pending.delete(answer.id!)
    if (pending.size === 0) idle()
    resolve?.(answer)
  })
  idle()
  return {
    check(input) {
      if (dead) return Promise.resolve({ ok: false, reason: `botocore checker unavailable: ${dead}` })
      const id = nextId++
      child.ref()
      for (const p of pipes) p.ref()
      return new Promise((resolve) => {
        pending.set(id, resolve)
        child.stdin.write(JSON.stringify({ id, ...input }) + '\n')
      })
    },
    close: () => {
      closing = true
      child.stdin.end()
    },
  }
}

/** Ask botocore whether `input`'s SigV4 signature (header or presigned form) is what botocore computes for it. */
export function botocoreSigV4Check(input: SigV4CheckInput): Promise<SigV4Check> {
  if (!checker) {
    const started = startChecker()
    checker = started
    cleanups.push(() => {
      started.close()
      if (checker === started) checker = undefined
    })
  }
  return checker.check(input)
}

/** The access key id a request says signed it (the header form's or the presigned form's Credential), if any. */
function claimedSigner(req: SeenRequest): { form: 'header' | 'presigned'; accessKeyId: string } | undefined {
  const authorization = req.headers['authorization']
  if (authorization !== undefined) return { form: 'header', accessKeyId: /Credential=([^/,\s]*)/.exec(String(authorization))?.[1] ?? '' }
  const query = new URL(req.url, 'http://x').searchParams
  if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) return { form: 'presigned', accessKeyId: (query.get('X-Amz-Credential') ?? '').split('/')[0]! }
  return undefined
}

export interface StsRole {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly expiration: string
}

const stsError = (code: string, message: string) => `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error></ErrorResponse>`

/**
 * A fake STS. Every request that carries a SigV4 signature (botocore's header form or our presigned form) is checked
 * by botocore (botocoreSigV4Check: the key's secret and session token, region `region`, service `sts`, the clock
 * `clock`, null for none) and refused with 403 SignatureDoesNotMatch unless botocore computes the same signature;
 * a signature by a key not in `secrets` is refused too, and so is an AssumeRole without a signature.
 * AssumeRoleWithWebIdentity needs none. It answers `roles[RoleArn]`'s credentials, and adds them to `secrets` (so
 * chained roles can sign with them, with their session token). `calls` lists what it accepted, `refused` the rest.
 */
export async function fakeSts(secrets: Map<string, string>, roles: Record<string, StsRole>, region = 'us-east-1', clock: (() => number) | null = Date.now) {
  const calls: Array<{ params: Record<string, string>; signer: string | undefined; form: 'header' | 'presigned' | 'unsigned' }> = []
  const refused: Array<{ form: 'header' | 'presigned' | 'unsigned'; accessKeyId: string | undefined; reason: string }> = []
  const tokens = new Map<string, string>()
  for (const r of Object.values(roles)) {
    secrets.set(r.accessKeyId, r.secretAccessKey)
    tokens.set(r.accessKeyId, r.sessionToken)
  }
  const f = await fake(async (req, res) => {
    const params = stsParams(req)
    const claim = claimedSigner(req)
    const refuse = (status: number, code: string, reason: string) => {
      refused.push({ form: claim?.form ?? 'unsigned', accessKeyId: claim?.accessKeyId, reason })
      res.statusCode = status
      res.end(stsError(code, code === 'SignatureDoesNotMatch' ? 'bad signature' : reason))
    }
    if (claim) {
      const secret = secrets.get(claim.accessKeyId)
      if (secret === undefined) return refuse(403, 'InvalidClientTokenId', 'unknown access key id')
      const verdict = await botocoreSigV4Check({
        method: req.method,
        url: `http://${req.headers['host'] ?? f.origin.slice('http://'.length)}${req.url}`,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)])),
        body: req.body,
        accessKeyId: claim.accessKeyId,
        secretAccessKey: secret,
        sessionToken: tokens.get(claim.accessKeyId) ?? null,
        region,
        service: 'sts',
        now: clock ? clock() / 1000 : null,
      })
      if (!verdict.ok) return verdict.reason.startsWith('botocore checker unavailable') ? refuse(500, 'InternalFailure', verdict.reason) : refuse(403, 'SignatureDoesNotMatch', verdict.reason)
    } else if (params['Action'] !== 'AssumeRoleWithWebIdentity') return refuse(403, 'MissingAuthenticationToken', 'the request is not signed')
    calls.push({ params, signer: claim?.accessKeyId, form: claim?.form ?? 'unsigned' })
    const role = roles[params['RoleArn'] ?? '']
    if (!role) {
      res.statusCode = 403
      return void res.end(stsError('AccessDenied', 'not authorized'))
    }
    const action = params['Action']
    res.setHeader('content-type', 'text/xml')
    res.end(
      `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result><Credentials><AccessKeyId>${role.accessKeyId}</AccessKeyId>` +
        `<SecretAccessKey>${role.secretAccessKey}</SecretAccessKey><SessionToken>${role.sessionToken}</SessionToken><Expiration>${role.expiration}</Expiration>` +
        `</Credentials><AssumedRoleUser><Arn>${params['RoleArn']}</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser></${action}Result>` +
        `<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></${action}Response>`,
    )
  })
  return { ...f, calls, refused }
}

/** A time `minutes` from now, as STS writes it (ISO 8601, no milliseconds). */
export const inMinutes = (minutes: number): string => new Date(Math.floor(Date.now() / 1000) * 1000 + minutes * 60_000).toISOString().replace('.000Z', 'Z')
