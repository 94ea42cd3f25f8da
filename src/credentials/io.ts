import { spawn as nodeSpawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { homedir } from 'node:os'
import { type Credentials, checkKeyPair } from '../core/credentials.js'
import { PresignError } from '../index.js'
import type { Context, SpawnFunction, SpawnResult } from './types.js'

/** Largest HTTP response body read from a credentials endpoint (an STS answer is about 2 KB). */
export const MAX_RESPONSE_BYTES = 65536

/** @internal Throw the module's typed error: code `InvalidCredentials`, `field` naming the source or setting. */
export function credentialsError(field: string, message: string): never {
  throw new PresignError('InvalidCredentials', field, message)
}

/** @internal A file is absent (botocore's `ConfigNotFound`, or a missing token file). */
export function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/** @internal The reason a file read failed, without its path or content: `EISDIR`, `EACCES`… */
export function readFailure(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  if (code === 'EFBIG') return `EFBIG: larger than ${MAX_FILE_BYTES} bytes`
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : 'an I/O error'
}

/** @internal Read a file named by a setting; a typed error naming the setting (never the content) if it fails. */
export async function readSettingFile(ctx: Context, path: string, field: string): Promise<string> {
  try {
    return await ctx.readFile(expandPath(ctx, path))
  } catch (e) {
    return credentialsError(field, `cannot read the file it names (${readFailure(e)})`)
  }
}

/**
 * @internal `~` and `$VAR` / `${VAR}` in a path, as botocore's `expanduser(expandvars(path))`. Linear time: a
 * `${VAR}` ends at the first `}` after it, so none starts after the last `}`; past it only `$VAR` is looked for (one
 * pattern over the whole path retried `${…` to the end at every `${`: quadratic on `${${${…`).
 */
export function expandPath(ctx: Pick<Context, 'env' | 'homeDir'>, path: string): string {
  const lookUp = (all: string, a?: string, b?: string): string => {
    const value = ctx.env[(a ?? b)!]
    return typeof value === 'string' ? value : all
  }
  const last = path.lastIndexOf('}') + 1
  const vars = path.slice(0, last).replace(/\$(\w+)|\$\{([^}]*)\}/g, lookUp) + path.slice(last).replace(/\$(\w+)/g, lookUp)
  return vars === '~' || vars.startsWith('~/') ? ctx.homeDir + vars.slice(1) : vars
}

/** @internal The home folder as Python's `expanduser` finds it. */
export function defaultHome(env: Readonly<Record<string, string | undefined>>): string {
  return env['HOME'] || env['USERPROFILE'] || homedir()
}

/** Largest file the default `readFile` reads (the shared files, token files): 16 MiB, far above a real one. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024

/**
 * @internal Read a UTF-8 file of at most `max` bytes (default {@link MAX_FILE_BYTES}); a larger one (or an endless
 * one, like `/dev/zero`) is refused with code `EFBIG` after `max + 1` bytes.
 */
export async function readFileAtMost(path: string, max: number = MAX_FILE_BYTES): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of createReadStream(path, { end: max })) {
    chunks.push(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  if (size > max) throw Object.assign(new Error(`larger than ${max} bytes`), { code: 'EFBIG' })
  return Buffer.concat(chunks).toString('utf8')
}

/** @internal The credentials' default file reader: {@link readFileAtMost} with {@link MAX_FILE_BYTES}. */
export const defaultReadFile = (path: string): Promise<string> => readFileAtMost(path)

/**
 * @internal Spawn without a shell, collect at most `maxBytes` of stdout, discard stderr. The timeout and the output
 * cap settle at once (they do not wait for the stdout pipe to close, which a background child could hold open): the
 * process is killed, the pipe destroyed and the child unreferenced, so nothing of it keeps the event loop alive. What
 * the process started in the background is its own, as in botocore and the AWS SDK for JavaScript (a process group of
 * its own would take away its terminal, which tools that prompt for an MFA code on /dev/tty need).
 */
export const defaultSpawn: SpawnFunction = (file, args, { timeoutMs, maxBytes, env }) =>
  new Promise<SpawnResult>((resolve, reject) => {
    const child = nodeSpawn(file, [...args], { shell: false, stdio: ['ignore', 'pipe', 'ignore'], env: env as NodeJS.ProcessEnv, windowsHide: true })
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (result: SpawnResult | undefined, error?: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (result) resolve(result)
      else reject(error)
    }
    const stop = (why: 'timedOut' | 'truncated'): void => {
      child.kill('SIGKILL')
      child.stdout.destroy()
      child.unref()
      settle({ code: null, stdout: '', [why]: true })
    }
    const timer = setTimeout(() => stop('timedOut'), timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return
      size += chunk.length
      if (size > maxBytes) stop('truncated')
      else chunks.push(chunk)
    })
    child.stdout.on('error', () => undefined)
    child.on('error', (e) => settle(undefined, e))
    child.on('close', (code) => settle({ code, stdout: Buffer.concat(chunks).toString('utf8') }))
  })

/** @internal An HTTP answer: status and body text (at most {@link MAX_RESPONSE_BYTES}). */
export interface HttpAnswer {
  readonly status: number
  readonly text: string
}

/**
 * @internal One HTTP request through `ctx.fetch`, with a timeout on the whole exchange (body included), redirects
 * refused (a credentials endpoint never redirects, and a redirect would carry its token elsewhere) and the body
 * capped. A failure is a typed error naming `field`; it never includes the URL's query or a header.
 */
export async function httpRequest(ctx: Context, field: string, url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  const abort = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort()
      reject(new PresignError('InvalidCredentials', field, `no answer within ${timeoutMs} ms`))
    }, timeoutMs)
  })
  try {
    return await Promise.race([exchange(ctx, field, url, { ...init, redirect: 'manual', signal: abort.signal }), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function exchange(ctx: Context, field: string, url: string, init: RequestInit): Promise<HttpAnswer> {
  let response: Response
  try {
    response = await ctx.fetch(url, init)
  } catch (e) {
    if (e instanceof PresignError) throw e
    return credentialsError(field, `the request failed (${(e as { cause?: { code?: string } })?.cause?.code ?? (e as Error)?.name ?? 'network error'})`)
  }
  const text = await readCapped(response, field)
  return { status: response.status, text }
}

async function readCapped(response: Response, field: string): Promise<string> {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read().catch(() => credentialsError(field, 'the answer was cut off'))
    if (done) break
    size += value.length
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined)
      return credentialsError(field, `the answer is larger than ${MAX_RESPONSE_BYTES} bytes`)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.length
  }
  return new TextDecoder().decode(all)
}

/** @internal Parse JSON; a typed error naming `field` (the text is never echoed: it may hold a secret). */
export function parseJson(text: string, field: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return credentialsError(field, 'the answer is not JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) credentialsError(field, 'the answer is not a JSON object')
  return value as Record<string, unknown>
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|UTC|[+-]\d{2}:?\d{2})?$/i

/** The calendar fields of an {@link ISO_DATE} match name a real time (`Date.parse` rolls 02-31 and 24:00 over). */
function realDateTime(m: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
  const zone = m[8] && /^[+-]/.test(m[8]) ? [Number(m[8].slice(1, 3)), Number(m[8].slice(-2))] : [0, 0]
  return y >= 1 && days !== undefined && d >= 1 && d <= days && h <= 23 && mi <= 59 && s <= 59 && zone[0]! <= 23 && zone[1]! <= 59
}

/**
 * @internal An ISO 8601 date-time (no zone means UTC, as botocore's `tzutc` default for these values), or a typed
 * error. Its fields must name a real time, as Python's `datetime` requires: years 0001-9999, no 02-31, no 24:00:00.
 */
export function parseDate(value: unknown, field: string): Date {
  const m = typeof value === 'string' ? ISO_DATE.exec(value.trim()) : null
  if (!m) return credentialsError(field, 'must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z')
  if (!realDateTime(m)) return credentialsError(field, 'is not a valid date-time (a year 0001-9999, a day of that month, hours 00-23, minutes and seconds 00-59)')
  const zone = !m[8] || /^(z|utc)$/i.test(m[8]) ? 'Z' : m[8].length === 5 ? m[8].slice(0, 3) + ':' + m[8].slice(3) : m[8]
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}${zone}`)
  if (Number.isNaN(ms)) return credentialsError(field, 'is not a valid date-time')
  return new Date(ms)
}

/** @internal How a source names its key id, secret and expiry, for the fields of {@link vetCredentials}' errors. */
export type CredentialNames = readonly [accessKeyId: string, secretAccessKey: string, expiration: string]

const ANSWER_NAMES: CredentialNames = ['AccessKeyId', 'SecretAccessKey', 'Expiration']

/**
 * @internal presign's own key-pair rule (`checkKeyPair`: the id non-empty ASCII without spaces or `/`, the secret a
 * non-empty well-formed string), its error rethrown as the package's `PresignError`: this entry imports the library
 * through `../index.js`, and in dist a class reached through `../core/` would be a copy that `instanceof` misses.
 */
export function checkKeys(id: unknown, secret: unknown, idField: string, secretField: string): void {
  try {
    checkKeyPair(id, secret, idField, secretField)
  } catch (e) {
    const { field, message } = e as PresignError
    throw new PresignError('InvalidCredentials', field, message.slice(field.length + 2))
  }
}

/**
 * @internal What a source resolved, held to what presign accepts: the key pair checked by presign's own
 * `checkKeyPair` (the id non-empty ASCII without spaces or `/`), and temporary credentials not already expired
 * (as botocore refuses them: "Credentials were refreshed, but the refreshed credentials are still expired"). Fields are `field`
 * followed by the source's name of the value (`names`).
 */
export function vetCredentials(ctx: Pick<Context, 'now'>, c: Credentials, field: string, names: CredentialNames = ANSWER_NAMES): Credentials {
  checkKeys(c.accessKeyId, c.secretAccessKey, `${field}.${names[0]}`, `${field}.${names[1]}`)
  const exp = c.expiration?.getTime()
  if (exp !== undefined && !(exp > ctx.now())) {
    const at = Number.isNaN(exp) ? 'an invalid date' : new Date(exp).toISOString()
    credentialsError(`${field}.${names[2]}`, `the credentials have expired (expiration ${at}); renew them at their source`)
  }
  return c
}

/** @internal A required non-empty string field of a parsed answer. */
export function requiredString(obj: Record<string, unknown>, key: string, field: string): string {
  const v = obj[key]
  if (typeof v !== 'string' || v === '') credentialsError(field, `the answer has no ${key} string`)
  return v
}

/** @internal The HTTP error statuses of a credentials endpoint, as a message that never includes the body. */
export function statusError(field: string, status: number): never {
  return credentialsError(field, `answered HTTP ${status}`)
}
