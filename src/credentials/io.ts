import { spawn as nodeSpawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { homedir } from 'node:os'
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

/** @internal Spawn without a shell, collect at most `maxBytes` of stdout, discard stderr, kill on timeout. */
export const defaultSpawn: SpawnFunction = (file, args, { timeoutMs, maxBytes, env }) =>
  new Promise<SpawnResult>((resolve, reject) => {
    const child = nodeSpawn(file, [...args], { shell: false, stdio: ['ignore', 'pipe', 'ignore'], env: env as NodeJS.ProcessEnv, windowsHide: true })
    const chunks: Buffer[] = []
    let size = 0
    let truncated = false
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return
      size += chunk.length
      if (size > maxBytes) {
        truncated = true
        child.kill('SIGKILL')
      } else chunks.push(chunk)
    })
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(chunks).toString('utf8'), truncated, timedOut })
    })
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

/** @internal An ISO 8601 date-time (no zone means UTC, as botocore's `tzutc` default for these values), or a typed error. */
export function parseDate(value: unknown, field: string): Date {
  const m = typeof value === 'string' ? ISO_DATE.exec(value.trim()) : null
  if (!m) return credentialsError(field, 'must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z')
  const zone = !m[8] || /^(z|utc)$/i.test(m[8]) ? 'Z' : m[8].length === 5 ? m[8].slice(0, 3) + ':' + m[8].slice(3) : m[8]
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}${zone}`)
  if (Number.isNaN(ms)) return credentialsError(field, 'is not a valid date-time')
  return new Date(ms)
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
