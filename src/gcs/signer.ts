/**
 * @internal Who signs for Cloud Storage: a service account (GOOG4-RSA-SHA256, its RSA key on Web Crypto) or an HMAC
 * key (GOOG4-HMAC-SHA256: SigV4's key derivation with `GOOG4` and `goog4_request`, from src/core/signing-key.ts).
 */
import { checkKeyPair } from '../core/credentials.js'
import { hmac, toHex } from '../core/crypto.js'
import { fail } from '../core/errors.js'
import { signingKey } from '../core/signing-key.js'
import { credentialScope } from '../core/string-to-sign.js'
import { checkName } from '../core/validate.js'
import { checkKeyFile, type GcsServiceAccountKey, rsaSignHex } from './key-file.js'

/** @internal Cloud Storage's names in SigV4's places. */
export const GOOG4_RSA = 'GOOG4-RSA-SHA256'
/** @internal The algorithm of HMAC keys. */
export const GOOG4_HMAC = 'GOOG4-HMAC-SHA256'
/** @internal The service of every Cloud Storage credential scope. */
export const SERVICE = 'storage'
/** @internal The last element of a Cloud Storage credential scope. */
export const TERMINATOR = 'goog4_request'
/** @internal The prefix of an HMAC secret in the key derivation (SigV4's `AWS4`; the terminator is then `goog4_request`). */
const KEY_PREFIX = 'GOOG4'

/** A Cloud Storage HMAC key (Cloud Storage settings, Interoperability): its access ID and secret. */
export interface GcsHmacKey {
  /** The access ID, e.g. `GOOG1E…`: it appears in `X-Goog-Credential`. */
  readonly accessId: string
  /** The secret. Never included in URLs, errors or results. */
  readonly secret: string
}

/**
 * Who signs: a service-account key file (the parsed JSON object, or its text) for `GOOG4-RSA-SHA256`, or an HMAC
 * key `{ accessId, secret }` for `GOOG4-HMAC-SHA256`.
 */
export type GcsCredentials = GcsServiceAccountKey | GcsHmacKey | string

/** @internal A validated signer: its algorithm, the id in the credential, and how it signs a string under a scope. */
export interface GcsSigner {
  readonly algorithm: typeof GOOG4_RSA | typeof GOOG4_HMAC
  /** The service account's email or the HMAC access ID. */
  readonly id: string
  /** The hex signature of `text` (a string to sign, or a base64 policy) for the day and region of the scope. */
  readonly sign: (text: string, day: string, region: string) => Promise<string>
}

const FIELD = 'options.credentials'

/** @internal Validate `options.credentials` into a signer (an HMAC key has `accessId`; anything else is a key file). */
export function gcsSigner(credentials: unknown): GcsSigner {
  if (credentials !== null && typeof credentials === 'object' && 'accessId' in credentials) {
    const { accessId, secret } = credentials as Partial<GcsHmacKey>
    checkKeyPair(accessId, secret, FIELD + '.accessId', FIELD + '.secret')
    const s = secret as string
    return {
      algorithm: GOOG4_HMAC,
      id: accessId,
      sign: async (text, day, region) => toHex(await hmac(await signingKey(accessId, s, day, region, SERVICE, KEY_PREFIX), text)),
    }
  }
  if (credentials == null) fail('InvalidCredentials', FIELD, 'must be a service-account key file (object or JSON text) or an HMAC key { accessId, secret }', credentials)
  const file = checkKeyFile(credentials, FIELD, false)
  const field = FIELD + '.private_key'
  return { algorithm: GOOG4_RSA, id: file.clientEmail, sign: (text) => rsaSignHex(file.privateKey, field, text) }
}

/** @internal The region of the credential scope: `auto` by default, as Cloud Storage documents it. */
export function gcsRegion(region: unknown): string {
  return region === undefined ? 'auto' : checkName(region, 'options.region', 'InvalidRegion', 'auto')
}

/** @internal `DAY/REGION/storage/goog4_request`. */
export function gcsScope(day: string, region: string): string {
  return credentialScope(day, region, SERVICE, TERMINATOR)
}
