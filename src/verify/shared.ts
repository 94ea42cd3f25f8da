/**
 * @internal Rules shared by the verifiers (`verifyPresigned`, `verifyPresignedSync`, `verifyPost`): the credentials lookup and the
 * validation of its result, `X-Amz-Credential` parsing, and the options both take. Everything here treats its
 * input as hostile.
 */
import { TERMINATOR } from '../core/constants.js'
import { type CheckedCredentials, checkCredentials, type Credentials } from '../core/credentials.js'
import { fail } from '../core/errors.js'
import { timeOf } from '../core/time.js'

/** Looks up the credentials of an access key id: `undefined` (or `null`) for an unknown key. */
export type CredentialsLookup = (accessKeyId: string) => Credentials | undefined | null | Promise<Credentials | undefined | null>

/** Looks up the credentials of an access key id synchronously (for `verifyPresignedSync`): `undefined` (or `null`) for an unknown key. */
export type SyncCredentialsLookup = (accessKeyId: string) => Credentials | undefined | null

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
export async function lookUp(lookup: CredentialsLookup, accessKeyId: string): Promise<CheckedCredentials | undefined> {
  // The lookup's own failure (a throw, a rejected promise) propagates: that is a server error, not a bad request.
  const result: unknown = lookup(accessKeyId)
  const promise = isPromise(result)
  if (promise === undefined) return undefined // a result that throws when read (a Proxy) is no credential
  return credentialsOf(promise ? await result : result, accessKeyId)
}

/**
 * @internal {@link lookUp} for `verifyPresignedSync`: the same validation of the same result, without awaiting. A
 * promise (or another thenable) is the caller's mistake, a `PresignError`: that verifier needs a synchronous lookup.
 */
export function lookUpSync(lookup: SyncCredentialsLookup, accessKeyId: string): CheckedCredentials | undefined {
  const result: unknown = lookup(accessKeyId)
  const promise = isPromise(result)
  if (promise) {
    // Never awaited here: keep its rejection, if any, from being an unhandled one.
    Promise.resolve(result).catch(() => {})
    fail('InvalidOption', 'options.credentials', 'returned a promise: verifyPresignedSync needs a synchronous lookup (use verifyPresigned for an async one)')
  }
  return promise === undefined ? undefined : credentialsOf(result, accessKeyId)
}

/** The credentials in a lookup's result, when it is a valid credential for `accessKeyId`. */
function credentialsOf(found: unknown, accessKeyId: string): CheckedCredentials | undefined {
  if (found === null || typeof found !== 'object') return undefined
  try {
    const creds = checkCredentials(found as Credentials)
    return creds.accessKeyId === accessKeyId ? creds : undefined
  } catch {
    return undefined
  }
}

/** @internal S3's words for credentials that cannot sign this request (its error code is the key). */
export const TOKEN_MESSAGES = {
  InvalidToken: 'The provided token is malformed or otherwise invalid.',
  ExpiredToken: 'The provided token has expired.',
} as const

/**
 * @internal Why the looked-up credentials cannot have signed a request carrying `token` at `nowMs`, or `undefined`:
 * the request's token and theirs must be the same, or both absent (S3 refuses a token with long-term keys, and an
 * unsigned token that the credentials do not have would be anyone's to pick), and temporary credentials past their
 * `expiration` sign nothing more, as STS's expire (the URL's own `X-Amz-Expires` notwithstanding).
 */
export function tokenProblem(creds: CheckedCredentials, token: string | undefined, nowMs: number): keyof typeof TOKEN_MESSAGES | undefined {
  if (creds.sessionToken !== token) return 'InvalidToken'
  return creds.expiresAtMs !== undefined && nowMs > creds.expiresAtMs ? 'ExpiredToken' : undefined
}

/** Is `value` a promise (or another thenable)? `undefined` when merely looking throws. */
function isPromise(value: unknown): boolean | undefined {
  try {
    return value instanceof Promise || (value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function')
  } catch {
    return undefined
  }
}

/** @internal The parts of an `X-Amz-Credential`: `AKID/day/region/service/aws4_request` (SigV4a: no region). */
export interface CredentialParts {
  readonly accessKeyId: string
  readonly day: string
  /** `undefined` for SigV4a. */
  readonly region: string | undefined
  readonly service: string
}

/** @internal Split an `X-Amz-Credential` (decoded) into its parts; `undefined` when it is malformed. */
export function parseCredential(text: string, v4a: boolean): CredentialParts | undefined {
  const parts = text.split('/')
  if (parts.length !== (v4a ? 4 : 5) || parts.at(-1) !== TERMINATOR || parts.some((p) => p === '')) return undefined
  return { accessKeyId: parts[0]!, day: parts[1]!, region: v4a ? undefined : parts[2], service: parts.at(-2)! }
}

/** @internal Epoch ms of the `now` option (default: the clock), or a `PresignError`. */
export function checkNow(now: unknown): number {
  const ms = now === undefined ? Date.now() : typeof now === 'number' ? now : now instanceof Date ? timeOf(now) : NaN
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
