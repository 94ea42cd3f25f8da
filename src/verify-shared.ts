/**
 * @internal Rules shared by the verifiers (`verifyPresigned`, `verifyPost`): option checks, the credentials
 * lookup and its result, dates, constant-time comparison. Everything here treats its input as hostile.
 */
import { PresignError, fail } from './errors.js'
import { type Credentials, checkCredentials } from './presign.js'

/** Looks up the credentials of an access key id: `undefined` (or `null`) for an unknown key. */
export type CredentialsLookup = (accessKeyId: string) => Credentials | undefined | null | Promise<Credentials | undefined | null>

/** @internal The lookup option, or a `PresignError`. */
export function checkLookup(lookup: unknown): CredentialsLookup {
  if (typeof lookup !== 'function') fail('InvalidOption', 'options.credentials', 'must be a function (accessKeyId) => credentials | undefined', lookup)
  return lookup as CredentialsLookup
}

/**
 * @internal Call the lookup and validate its result exactly as `presign` validates credentials: an object with
 * `accessKeyId` equal to the one asked for and a non-empty, well-formed string `secretAccessKey`. Anything else
 * (`undefined`, `null`, a number, a function, an inherited property of a plain object...) is an unknown key, so
 * no malformed result can ever become a signing key that anyone could reproduce.
 */
export async function lookUp(lookup: CredentialsLookup, accessKeyId: string): Promise<Credentials | undefined> {
  // The lookup's own failure (a throw, a rejected promise) propagates: that is a server error, not a bad request.
  const result: unknown = lookup(accessKeyId)
  const promise = isPromise(result)
  if (promise === undefined) return undefined // a result that throws when read (a Proxy) is no credential
  const found: unknown = promise ? await result : result
  if (found === null || typeof found !== 'object') return undefined
  try {
    const creds = checkCredentials(found as Credentials)
    return creds.accessKeyId === accessKeyId ? creds : undefined
  } catch {
    return undefined
  }
}

/** Is `value` a promise (or another thenable)? `undefined` when merely looking throws. */
function isPromise(value: unknown): boolean | undefined {
  try {
    return value instanceof Promise || (value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function')
  } catch {
    return undefined
  }
}

/** @internal Epoch ms of the `now` option (default: the clock), or a `PresignError`. */
export function checkNow(now: unknown): number {
  const ms = now === undefined ? Date.now() : typeof now === 'number' ? now : now instanceof Date ? now.getTime() : NaN
  if (!Number.isFinite(ms)) fail('InvalidOption', 'options.now', 'must be a valid Date or epoch milliseconds', now)
  return ms
}

/** @internal An accepted-values option (`'us-east-1'` or `['us-east-1', 'eu-west-1']`) as a list; `undefined` accepts any. */
export function checkAccepted(value: unknown, field: string): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return [value]
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.slice()
  return fail('InvalidOption', field, 'must be a string or an array of strings', value)
}

/** @internal Compare two hex strings without an early exit. */
export function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** @internal Epoch ms of a UTC date and time given as digit strings; `undefined` for an impossible one (Feb 31, 24:00). */
export function utcMs(y: string, mo: string, d: string, h: string, mi: string, s: string): number | undefined {
  const [Y, M, D, H, I, S] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number]
  const ms = Date.UTC(Y, M - 1, D, H, I, S)
  const back = new Date(ms)
  if (back.getUTCFullYear() !== Y || back.getUTCMonth() !== M - 1 || back.getUTCDate() !== D || H > 23 || I > 59 || S > 59) return undefined
  return ms
}

/** @internal Epoch ms of an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`), or `undefined`. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value)
  return m ? utcMs(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!) : undefined
}

/** @internal UTF-8 length of a well-formed string, counted without encoding it (a lone surrogate counts 2). */
export function utf8Length(text: string): number {
  let n = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1
  }
  return n
}

/**
 * @internal Does `text` match `pattern`, where `*` stands for any run of characters? A greedy two-pointer
 * match with one backtrack point: O(pattern × text) at worst, and both are bounded by the caller. No RegExp
 * is ever built from input.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  let star = -1
  let resume = 0
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++
      t++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      resume = t
    } else if (star >= 0) {
      p = star + 1
      t = ++resume
    } else {
      return false
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

/** @internal Throw for a request that is not an object (a caller's mistake, not a bad request from the network). */
export function checkObject(value: unknown, field: string, shape: string): void {
  if (value === null || typeof value !== 'object') throw new PresignError('InvalidOption', field, `must be an object ${shape}`)
}
