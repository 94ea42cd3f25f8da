import { ALGORITHM, MAX_EXPIRES } from '../core/constants.js'
import { checkCredentials, type Credentials } from '../core/credentials.js'
import { hmac, toHex } from '../core/crypto.js'
import { fail, PresignError } from '../core/errors.js'
import { signingKey } from '../core/signing-key.js'
import { credentialScope } from '../core/string-to-sign.js'
import { policyExpiryMs, toAmzDate, toEpochMs } from '../core/time.js'
import { LONE_SURROGATE } from '../core/utf8.js'
import { checkSeconds } from '../core/validate.js'
import { bucketBase } from './object-url.js'
import { fieldBytes, MAX_FIELD_BYTES } from './post-conditions.js'
import { base64Utf8, type PostDialect, type PostPolicyOptions, postForm, type SignedPostPolicy } from './post-form.js'

export type { PostConditions, PostPolicyCondition } from './post-form.js'

/** Where a browser form uploads to: a bucket, and the key (exact or a prefix). */
export interface PostLocation {
  /** Bucket name. */
  readonly bucket: string
  /**
   * The object key, unencoded. A key ending in `${filename}` (e.g. `uploads/${filename}`) allows
   * any key that starts with what precedes it, as botocore does; S3 replaces `${filename}` with
   * the uploaded file's name. Give exactly one of `key` and `keyPrefix`.
   */
  readonly key?: string | undefined
  /**
   * Allow any key that starts with this prefix (`''`: any key). The `key` field is then
   * `keyPrefix + '${filename}'`; the browser may overwrite it with any key under the prefix.
   */
  readonly keyPrefix?: string | undefined
  /** Region, e.g. `us-east-1` (R2: `auto`). */
  readonly region: string
  /** Custom endpoint, as in `S3Location` (see `s3ObjectUrl`), e.g. `http://127.0.0.1:9000`. */
  readonly endpoint?: string | undefined
  /** As in `S3Location`: `true` posts to `endpoint/bucket`, `false` to `bucket.endpoint/`. */
  readonly forcePathStyle?: boolean | undefined
}


/** Options of {@link presignPost}. */
export interface PresignPostOptions extends PostPolicyOptions {
  /** Who signs. */
  readonly credentials: Credentials
}

/** A signed S3 POST policy (its `policy.expiration` with milliseconds, as botocore writes it). */
export interface PresignedPost extends SignedPostPolicy {}

/** S3's dialect of POST policies: `x-amz-meta-*` metadata, and the fields `presignPost` writes itself. */
const S3_POST: PostDialect = {
  signer: 'presignPost',
  service: 'S3',
  keyName: 'an S3 key',
  metaPrefix: 'x-amz-meta-',
  reserved: /* @__PURE__ */ new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'x-amz-signature', 'policy', 'key', 'bucket', 'file']),
}

/** The credentials as `presign` checks them; a session token also goes into a JSON policy, so no line breaks. */
function checkPostCredentials(credentials: unknown): Credentials {
  const creds = checkCredentials(credentials as Credentials)
  const token = creds.sessionToken
  if (token !== undefined && (LONE_SURROGATE.test(token) || /[\r\n]/.test(token))) {
    throw new PresignError('InvalidCredentials', 'options.credentials.sessionToken', 'must be a well-formed string without line breaks')
  }
  return creds
}

/**
 * Sign a POST policy for a browser upload (HTML `<form>` or `FormData`) straight to S3, with the
 * limits a presigned PUT URL cannot express: a size range, content-type rules, a key prefix.
 *
 * The policy lists `expiration` (ISO 8601 with milliseconds) and every condition, then
 * `{"bucket": …}`, the key rule, `x-amz-algorithm`, `x-amz-credential`, `x-amz-date` and
 * `x-amz-security-token` (with temporary credentials). `x-amz-signature` is the hex
 * HMAC-SHA256 of the base64 policy under the SigV4 signing key of the scope
 * `day/region/s3/aws4_request`.
 *
 * @throws {PresignError} `InvalidCredentials`, `InvalidExpiresIn`, `InvalidDate`, `InvalidBucket`,
 *   `InvalidKey`, `InvalidRegion`, `InvalidUrl` (endpoint), `InvalidString`, and `InvalidOption`
 *   for bad or contradictory conditions and for fields no condition covers.
 *
 * @example
 * const { url, fields } = await presignPost(
 *   { bucket: 'examplebucket', keyPrefix: 'uploads/user-42/', region: 'us-east-1' },
 *   { credentials, expiresIn: 600, conditions: { contentLengthRange: [1, 10 * 1024 * 1024], contentType: { startsWith: 'image/' } } },
 * )
 * const form = new FormData()
 * for (const [name, value] of Object.entries(fields)) form.append(name, value)
 * form.append('Content-Type', file.type)
 * form.append('file', file) // last
 * await fetch(url, { method: 'POST', body: form })
 */
export async function presignPost(location: PostLocation, options: PresignPostOptions): Promise<PresignedPost> {
  if (location === null || typeof location !== 'object') {
    fail('InvalidOption', 'location', 'must be an object { bucket, key | keyPrefix, region, ... }', location)
  }
  if (options === null || typeof options !== 'object') {
    fail('InvalidOption', 'options', 'must be an object { credentials, conditions?, ... }', options)
  }
  const creds = checkPostCredentials(options.credentials)
  const expiresIn = checkSeconds(options.expiresIn ?? 3600, 'options.expiresIn', 'InvalidExpiresIn', MAX_EXPIRES, `be an integer number of seconds in 1..${MAX_EXPIRES} (7 days)`)
  const signedAtMs = toEpochMs(options.signingDate, 'options.signingDate')
  const url = postUrl(location)
  const [conditions, fields] = postForm(location, options.conditions, options.fields, S3_POST)

  // ---- sign -----------------------------------------------------------------------------------
  const { region } = location
  const amzDate = toAmzDate(signedAtMs)
  const day = amzDate.slice(0, 8)
  const credential = creds.accessKeyId + '/' + credentialScope(day, region, 's3')
  // The signing fields, each also a condition of the policy, in this order.
  const signed: [string, string][] = [['x-amz-algorithm', ALGORITHM], ['x-amz-credential', credential], ['x-amz-date', amzDate]]
  if (creds.sessionToken !== undefined) signed.push(['x-amz-security-token', creds.sessionToken])
  for (const [name, value] of signed) {
    conditions.push({ [name]: value })
    fields.set(name, value)
  }
  const expiresAtMs = policyExpiryMs(signedAtMs, expiresIn)
  const policy = { expiration: new Date(expiresAtMs).toISOString(), conditions }
  const policyBase64 = base64Utf8(JSON.stringify(policy))
  const signing = await signingKey(creds.accessKeyId, creds.secretAccessKey, day, region, 's3')
  fields.set('policy', policyBase64).set('x-amz-signature', toHex(await hmac(signing, policyBase64)))
  let bytes = 0
  for (const [name, value] of fields) bytes += fieldBytes(name, value)
  if (bytes > MAX_FIELD_BYTES) {
    throw new PresignError('InvalidOption', 'options.conditions', `make form fields of ${bytes} bytes, over S3's limit of ${MAX_FIELD_BYTES} bytes for the fields before the file (MaxPostPreDataLengthExceeded); use fewer or shorter conditions`)
  }
  return { url, fields: Object.fromEntries(fields), policy, signedAt: new Date(signedAtMs), expiresAt: new Date(expiresAtMs) }
}

/**
 * The bucket's root URL, by the rules of {@link s3ObjectUrl}: `https://bucket.s3.region.amazonaws.com/`
 * (virtual-hosted), `https://s3.region.amazonaws.com/bucket` (path style),
 * `http://127.0.0.1:9000/bucket` (custom endpoint). No trailing slash after a path, as botocore.
 */
function postUrl(location: PostLocation): string {
  // A bucket name only: S3 takes browser POST uploads on buckets, not on access points (an ARN is InvalidBucket).
  const base = bucketBase({ bucket: location.bucket, region: location.region, endpoint: location.endpoint, forcePathStyle: location.forcePathStyle })
  // The bucket's own URL: `https://bucket.host/` (a bare origin keeps its `/`), `http://host/prefix/bucket`.
  return base.includes('/', base.indexOf('//') + 2) ? base : base + '/'
}
