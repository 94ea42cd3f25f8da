/**
 * Cloud Storage V4 POST policies (browser form uploads), with `presignPost`'s condition vocabulary and checks
 * (src/s3/post-form.ts) in Cloud Storage's dialect, signed as Google's conformance suite expects.
 */
import { MAX_EXPIRES } from '../core/constants.js'
import { fail } from '../core/errors.js'
import { policyExpiryMs, toAmzDate, toEpochMs } from '../core/time.js'
import { checkSeconds } from '../core/validate.js'
import { base64Utf8, type PostDialect, type PostPolicyCondition, type PostPolicyOptions, postForm, type SignedPostPolicy } from '../s3/post-form.js'
import { checkNoLineBreaks, type GcsBucketAddress, gcsAddress } from './address.js'
import { type GcsCredentials, gcsRegion, gcsScope, gcsSigner } from './signer.js'

/** Where a browser form uploads to: a bucket (addressed as in `GcsLocation`), and the key (exact or a prefix). */
export interface GcsPostLocation extends GcsBucketAddress {
  /**
   * The object name, unencoded. One ending in `${filename}` (e.g. `uploads/${filename}`) allows any name that starts
   * with what precedes it; Cloud Storage replaces `${filename}` with the uploaded file's name. Give exactly one of
   * `key` and `keyPrefix`.
   */
  readonly key?: string | undefined
  /** Allow any object name that starts with this prefix (`''`: any); the `key` field is then `keyPrefix + '${filename}'`. */
  readonly keyPrefix?: string | undefined
}

/** Options of {@link presignGcsPost}: `presignPost`'s (its conditions' `metadata` becomes `x-goog-meta-*`), with Cloud Storage's signer. */
export interface PresignGcsPostOptions extends PostPolicyOptions {
  /** Who signs: a service-account key file (object or JSON text) or an HMAC key `{ accessId, secret }`. */
  readonly credentials: GcsCredentials
  /** Region of the credential scope. Default `auto`. */
  readonly region?: string | undefined
}

/**
 * A signed Cloud Storage POST policy. Its fields come in the order to append them (`key`, the condition fields,
 * `x-goog-*`, `policy`, `x-goog-signature`); the policy's JSON has non-ASCII escaped as `\uXXXX`.
 */
export interface GcsPresignedPost extends SignedPostPolicy {}

/** Cloud Storage's dialect of POST policies: `x-goog-meta-*` metadata, and the fields `presignGcsPost` writes itself. */
const GCS_POST: PostDialect = {
  signer: 'presignGcsPost',
  service: 'Cloud Storage',
  keyName: 'a Cloud Storage object name',
  metaPrefix: 'x-goog-meta-',
  reserved: /* @__PURE__ */ new Set(['x-goog-algorithm', 'x-goog-credential', 'x-goog-date', 'x-goog-signature', 'policy', 'key', 'bucket', 'file']),
}

/**
 * @internal The policy's JSON as Google's signers write it (and its conformance suite checks byte for byte): `JSON.stringify`,
 * then every UTF-16 code unit from U+0080 up as a lower-case `\uXXXX` escape.
 */
export function policyJson(policy: { readonly conditions: readonly PostPolicyCondition[]; readonly expiration: string }): string {
  return JSON.stringify(policy).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}

/**
 * Sign a Cloud Storage V4 POST policy for a browser upload (HTML `<form>` or `FormData`), with the limits a signed
 * PUT URL cannot express: a size range, content-type rules, a key prefix.
 *
 * The policy lists every condition, then `{"bucket": …}`, the key rule, `x-goog-date`, `x-goog-credential` and
 * `x-goog-algorithm`, and its `expiration`. `x-goog-signature` is the hex signature of the base64 policy: RSA-SHA256
 * under the service account's key, or HMAC-SHA256 under the HMAC key's `GOOG4` signing key of the day.
 *
 * @throws {PresignError} `InvalidCredentials`, `InvalidKeyFile`, `InvalidExpiresIn`, `InvalidDate`, `InvalidBucket`,
 *   `InvalidKey`, `InvalidRegion`, `InvalidUrl` (endpoint), `InvalidString`, and `InvalidOption` for bad or
 *   contradictory conditions and for fields no condition covers.
 *
 * @example
 * const { url, fields } = await presignGcsPost(
 *   { bucket: 'my-bucket', keyPrefix: 'uploads/user-42/' },
 *   { credentials: keyFile, expiresIn: 600, conditions: { contentLengthRange: [1, 10 * 1024 * 1024], contentType: { startsWith: 'image/' } } },
 * )
 * const form = new FormData()
 * for (const [name, value] of Object.entries(fields)) form.append(name, value)
 * form.append('Content-Type', file.type)
 * form.append('file', file) // last
 * await fetch(url, { method: 'POST', body: form })
 */
export async function presignGcsPost(location: GcsPostLocation, options: PresignGcsPostOptions): Promise<GcsPresignedPost> {
  if (location === null || typeof location !== 'object') fail('InvalidOption', 'location', 'must be an object { bucket, key | keyPrefix, ... }', location)
  if (options === null || typeof options !== 'object') fail('InvalidOption', 'options', 'must be an object { credentials, conditions?, ... }', options)
  const signer = gcsSigner(options.credentials)
  const region = gcsRegion(options.region)
  const expiresIn = checkSeconds(options.expiresIn ?? 3600, 'options.expiresIn', 'InvalidExpiresIn', MAX_EXPIRES, `be an integer number of seconds in 1..${MAX_EXPIRES} (7 days)`)
  const signedAtMs = toEpochMs(options.signingDate, 'options.signingDate')
  const address = gcsAddress(location, '')
  for (const name of ['key', 'keyPrefix'] as const) {
    const value: unknown = location[name]
    if (typeof value === 'string') checkNoLineBreaks(value, `location.${name}`)
  }
  const url = address.origin + address.path + (address.path.endsWith('/') ? '' : '/')
  const [conditions, fields] = postForm(location, options.conditions, options.fields, GCS_POST)

  const googDate = toAmzDate(signedAtMs)
  const day = googDate.slice(0, 8)
  const credential = signer.id + '/' + gcsScope(day, region)
  conditions.push({ 'x-goog-date': googDate }, { 'x-goog-credential': credential }, { 'x-goog-algorithm': signer.algorithm })
  const expiresAtMs = policyExpiryMs(signedAtMs, expiresIn)
  const policy = { conditions, expiration: new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z') }
  const policyBase64 = base64Utf8(policyJson(policy))
  fields.set('x-goog-algorithm', signer.algorithm).set('x-goog-credential', credential).set('x-goog-date', googDate)
  fields.set('policy', policyBase64).set('x-goog-signature', await signer.sign(policyBase64, day, region))
  return { url, fields: Object.fromEntries(fields), policy, signedAt: new Date(signedAtMs), expiresAt: new Date(expiresAtMs) }
}
