/**
 * Shared by the credentials tests: loopback fakes (node:http on 127.0.0.1, port 0, each closes itself), a temporary
 * HOME, botocore as the oracle (scripts/credentials-oracle.py) and our resolver on the same inputs.
 */
import { spawn } from 'node:child_process'
import { createHash, createHmac } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll } from 'vitest'
import { resolveCredentials } from '../../src/credentials/index.js'
import type { CredentialsOptions } from '../../src/credentials/index.js'
import { verifyPresigned } from '../../src/index.js'
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

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest()

/**
 * Check botocore's header signature (Authorization: AWS4-HMAC-SHA256 …) independently of this library, with
 * node:crypto: the canonical request of a POST / with a form body. Returns the access key id, or a reason.
 */
export function verifyHeaderSignature(req: SeenRequest, secrets: ReadonlyMap<string, string>): { ok: true; accessKeyId: string; region: string } | { ok: false; reason: string } {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(req.headers['authorization'] ?? ''))
  if (!m) return { ok: false, reason: 'no SigV4 Authorization header' }
  const [, id, date, region, signed, signature] = m as unknown as [string, string, string, string, string, string]
  const secret = secrets.get(id)
  if (!secret) return { ok: false, reason: `unknown key ${id}` }
  const names = signed.split(';')
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('')
  const url = new URL(req.url, 'http://x')
  const query = [...url.searchParams].map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]).sort().map(([k, v]) => `${k}=${v}`).join('&')
  const canonical = [req.method, url.pathname, query, canonicalHeaders, signed, sha256(req.body)].join('\n')
  const amzDate = String(req.headers['x-amz-date'])
  const sts = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/sts/aws4_request`, sha256(canonical)].join('\n')
  const key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), 'sts'), 'aws4_request')
  const expected = createHmac('sha256', key).update(sts, 'utf8').digest('hex')
  return expected === signature ? { ok: true, accessKeyId: id, region } : { ok: false, reason: 'signature mismatch' }
}

/** Check our presigned GET with the library's verifier. */
export async function verifyOurs(req: SeenRequest, origin: string, secrets: ReadonlyMap<string, string>, region: string): Promise<{ ok: boolean; accessKeyId?: string }> {
  const r = await verifyPresigned(
    { method: req.method, url: origin + req.url, headers: { host: String(req.headers['host']) } },
    { credentials: (id) => (secrets.has(id) ? { accessKeyId: id, secretAccessKey: secrets.get(id)! } : undefined), region, service: 'sts' },
  )
  return r.ok ? { ok: true, accessKeyId: new URL(origin + req.url).searchParams.get('X-Amz-Credential')!.split('/')[0]! } : { ok: false }
}

export interface StsRole {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly expiration: string
}

/**
 * A fake STS: AssumeRole needs a valid signature (botocore's header form, checked with node:crypto, or our presigned
 * form, checked with verifyPresigned) by a key of `secrets`; AssumeRoleWithWebIdentity needs no signature. It answers
 * `roles[RoleArn]`'s credentials, and adds them to `secrets` (so chained roles can sign with them).
 */
export async function fakeSts(secrets: Map<string, string>, roles: Record<string, StsRole>, region = 'us-east-1') {
  const calls: Array<{ params: Record<string, string>; signer: string | undefined; form: 'header' | 'presigned' | 'unsigned' }> = []
  for (const r of Object.values(roles)) secrets.set(r.accessKeyId, r.secretAccessKey)
  const f = await fake(async (req, res) => {
    const params = stsParams(req)
    let signer: string | undefined
    let form: 'header' | 'presigned' | 'unsigned' = 'unsigned'
    if (params['Action'] === 'AssumeRole') {
      const v = req.headers['authorization'] ? verifyHeaderSignature(req, secrets) : await verifyOurs(req, f.origin, secrets, region)
      form = req.headers['authorization'] ? 'header' : 'presigned'
      if (!v.ok) {
        res.statusCode = 403
        return void res.end('<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error></ErrorResponse>')
      }
      signer = v.accessKeyId
    }
    calls.push({ params, signer, form })
    const role = roles[params['RoleArn'] ?? '']
    if (!role) {
      res.statusCode = 403
      return void res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized</Message></Error></ErrorResponse>')
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
  return { ...f, calls }
}

/** A time `minutes` from now, as STS writes it (ISO 8601, no milliseconds). */
export const inMinutes = (minutes: number): string => new Date(Math.floor(Date.now() / 1000) * 1000 + minutes * 60_000).toISOString().replace('.000Z', 'Z')
