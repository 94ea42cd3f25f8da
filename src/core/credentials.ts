import { describeSecret, fail } from './errors.js'
import { timeOf, wholeSeconds } from './time.js'
import { LONE_SURROGATE } from './utf8.js'

/** AWS credentials. Only `accessKeyId` ever appears in a URL; the secret never leaves the signer. */
export interface Credentials {
  /** Access key id, e.g. `AKIAIOSFODNN7EXAMPLE`. */
  readonly accessKeyId: string
  /** Secret access key. Never included in URLs, errors or results. */
  readonly secretAccessKey: string
  /** Session token of temporary credentials (STS, SSO, roles). Empty or absent means none. */
  readonly sessionToken?: string | undefined
  /**
   * When temporary credentials expire, as credential providers return it (the AWS SDKs' `AwsCredentialIdentity`). A
   * URL signed with them stops working then, whatever its `X-Amz-Expires`: signers clamp the lifetime to it (or
   * refuse, with `credentialExpiry: 'error'`).
   */
  readonly expiration?: Date | undefined
}

/** @internal Credentials validated, with their expiry in epoch ms (`undefined`: none given). */
export interface CheckedCredentials extends Credentials {
  readonly expiresAtMs: number | undefined
}

/**
 * @internal An HMAC key pair, or a `PresignError` naming `idField` or `secretField`: the id goes into a credential
 * scope (non-empty ASCII, no space or `/`), the secret is a non-empty string with a UTF-8 form (SigV4's access key
 * id and secret, Cloud Storage's HMAC access id and secret).
 */
export function checkKeyPair(id: unknown, secret: unknown, idField: string, secretField: string): asserts id is string {
  if (typeof id !== 'string' || !/^[\x21-\x2e\x30-\x7e]+$/.test(id)) fail('InvalidCredentials', idField, 'must be a non-empty ASCII string without spaces or "/"', id)
  // The secret is described by its type only, never by its length. One with a lone surrogate has no UTF-8 form.
  if (typeof secret !== 'string' || secret === '') fail('InvalidCredentials', secretField, 'must be a non-empty string, got ' + describeSecret(secret))
  if (LONE_SURROGATE.test(secret)) fail('InvalidCredentials', secretField, 'must be well-formed UTF-16 (it has a lone surrogate, which has no UTF-8 form)')
}

/** @internal Validate credentials; an empty session token means none. */
export function checkCredentials(c: Partial<Credentials> | null): CheckedCredentials {
  const field = 'options.credentials'
  if (c === null || typeof c !== 'object') fail('InvalidCredentials', field, 'must be { accessKeyId, secretAccessKey, sessionToken? }', c)
  const { accessKeyId: id, secretAccessKey: secret, sessionToken: token } = c
  checkKeyPair(id, secret, field + '.accessKeyId', field + '.secretAccessKey')
  if (token != null && typeof token !== 'string') fail('InvalidCredentials', field + '.sessionToken', 'must be a string or undefined, got ' + describeSecret(token))
  const exp = c.expiration
  if (exp != null && !(exp instanceof Date)) fail('InvalidCredentials', field + '.expiration', 'must be a Date or undefined', exp)
  const expiresAtMs = exp == null ? undefined : wholeSeconds(timeOf(exp), field + '.expiration', exp)
  return { accessKeyId: id, secretAccessKey: secret as string, sessionToken: token || undefined, expiresAtMs }
}
