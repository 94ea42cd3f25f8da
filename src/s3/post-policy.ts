import { checkKeySegments } from './keys.js'
import { MAX_EXPIRES } from '../core/constants.js'
import { equalHex, hmac, toHex, utf8 } from '../core/crypto.js'
import { describe, fail, PresignError } from '../core/errors.js'
import { checkCredentials, type Credentials } from '../core/credentials.js'
import { s3ObjectUrl } from './object-url.js'
import { signingKey } from '../core/signing-key.js'
import { ALGORITHM } from '../core/constants.js'
import { type DateInput, parseAmzDate, toAmzDate, toEpochMs, utcMs } from '../core/time.js'
import { credentialScope } from '../core/string-to-sign.js'
import { checkAccepted, checkLookup, checkNow, type CredentialsLookup, lookUp, parseCredential } from '../verify/shared.js'
import { checkObject } from '../core/validate.js'
import { LONE_SURROGATE, utf8Length } from '../core/utf8.js'


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

/**
 * One condition as it appears in a POST policy: `{ "field": "value" }` (exact match),
 * `["eq", "$field", "value"]`, `["starts-with", "$field", "prefix"]` or
 * `["content-length-range", min, max]`.
 */
export type PostPolicyCondition =
  | Readonly<Record<string, string>>
  | readonly ['eq' | 'starts-with', string, string]
  | readonly ['content-length-range', number, number]

/** What the uploaded form must satisfy. Every exact condition also becomes a form field. */
export interface PostConditions {
  /** `[min, max]` bytes, inclusive: integers, `0 <= min <= max`. */
  readonly contentLengthRange?: readonly [min: number, max: number] | undefined
  /** Exact `Content-Type`, or `{ startsWith: 'image/' }` (the browser then adds a `Content-Type` field). */
  readonly contentType?: string | { readonly startsWith: string } | undefined
  /** Canned ACL, e.g. `private`, `public-read`. */
  readonly acl?: string | undefined
  /** `success_action_status`: 200, 201 (XML body) or 204 (S3's default). */
  readonly successActionStatus?: 200 | 201 | 204 | '200' | '201' | '204' | undefined
  /** `success_action_redirect`: where S3 redirects (303) the browser after the upload. */
  readonly successActionRedirect?: string | undefined
  /** User metadata: `{ 'user-id': '42' }` becomes the field and condition `x-amz-meta-user-id`. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Exact `Cache-Control`. */
  readonly cacheControl?: string | undefined
  /** Exact `Content-Disposition`. */
  readonly contentDisposition?: string | undefined
  /**
   * Further conditions, spelled as in the policy, for fields not listed above (e.g.
   * `{ 'x-amz-server-side-encryption': 'AES256' }`, `['starts-with', '$x-amz-meta-tag', '']`).
   * Not for `$key` (use `key`/`keyPrefix`), `bucket` or the `x-amz-*` signing fields, which are added.
   */
  readonly other?: readonly PostPolicyCondition[] | undefined
}

/** Options of {@link presignPost}. */
export interface PresignPostOptions {
  /** Who signs. */
  readonly credentials: Credentials
  /** Lifetime of the policy in seconds, an integer in 1..604800 (7 days). Default 3600. */
  readonly expiresIn?: number | undefined
  /** When the policy is signed: `Date`, epoch ms or ISO 8601 string. Default: now. Sub-second parts are dropped. */
  readonly signingDate?: DateInput | undefined
  /** What the upload must satisfy. */
  readonly conditions?: PostConditions | undefined
  /**
   * Extra form fields (e.g. a default `Content-Type` under a `startsWith` rule). Each must be
   * covered by a condition and satisfy it, except `x-ignore-*` fields, which S3 ignores.
   */
  readonly fields?: Readonly<Record<string, string>> | undefined
}

/** A signed POST policy: send `fields`, then the file as the last field named `file`, to `url`. */
export interface PresignedPost {
  /** The bucket's root URL; the form is POSTed here (`multipart/form-data`). */
  readonly url: string
  /** Form fields, in the order to append them; the file goes last, as `file`. */
  readonly fields: Readonly<Record<string, string>>
  /** The policy that `fields.policy` encodes (base64 of its UTF-8 JSON). */
  readonly policy: { readonly expiration: string; readonly conditions: readonly PostPolicyCondition[] }
  /** `x-amz-date` as a `Date`. */
  readonly signedAt: Date
  /** The policy's `expiration`. */
  readonly expiresAt: Date
}

/** S3 refuses a form whose fields before the file exceed 20 KiB (`MaxPostPreDataLengthExceeded`, `MaxPostPreDataLengthBytes` 20480). */
const MAX_FIELD_BYTES = 20480
/** S3 accepts at most 5 GB in one POST upload. */
const MAX_POST_SIZE = 5368709120 // 5 GiB, written out: esbuild keeps `**` expressions in bundles that never use them
/** Fields this library writes itself, and the key, bucket and file; a caller may neither set them nor put conditions on them. */
const RESERVED = /* @__PURE__ */ new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'x-amz-signature', 'policy', 'key', 'bucket', 'file'])
/** Form fields S3 does not require a condition for. */
const isExempt = (lower: string): boolean => lower === 'file' || lower === 'policy' || lower === 'x-amz-signature' || lower.startsWith('x-ignore-')
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const FILENAME = '${filename}'

function checkString(value: unknown, field: string, options: { nonEmpty?: boolean } = {}): string {
  if (typeof value !== 'string' || (options.nonEmpty && value === '')) {
    fail('InvalidOption', field, `must be a ${options.nonEmpty ? 'non-empty ' : ''}string`, value)
  }
  if (LONE_SURROGATE.test(value)) throw new PresignError('InvalidString', field, 'has a lone UTF-16 surrogate, which has no UTF-8 encoding')
  return value
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

/** Short, JSON-quoted rendering of a (non-secret) condition value for messages. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value)
}

/** base64 of the UTF-8 bytes of `text`, with `btoa` (no Node-only Buffer needed). */
function base64Utf8(text: string): string {
  const bytes = utf8(text)
  let binary = ''
  // 4 KiB chunks with apply: a spread or larger chunks are 10-40x slower on a long policy.
  for (let i = 0; i < bytes.length; i += 0x1000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x1000) as unknown as number[])
  return btoa(binary)
}

/** A condition in a normalized form: field name lower-cased (no `$`). */
type Rule =
  | { readonly op: 'eq' | 'starts-with'; readonly name: string; readonly lower: string; readonly value: string; readonly source: string }
  | { readonly op: 'range'; readonly min: number; readonly max: number; readonly source: string }

/**
 * `starts-with` as S3 applies it: a `Content-Type` holding a comma-separated list must match in
 * every element (spaces after a comma are skipped). So a `Content-Type` prefix with a comma
 * matches nothing.
 */
function startsWith(lower: string, value: string, prefix: string): boolean {
  if (lower !== 'content-type') return value.startsWith(prefix)
  return value.split(/,[ \t]*/).every((part) => part.startsWith(prefix))
}

function satisfies(rule: Rule & { op: 'eq' | 'starts-with' }, value: string): boolean {
  return rule.op === 'eq' ? value === rule.value : startsWith(rule.lower, value, rule.value)
}

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

/** Validate one caller condition (from `other`) into rules. */
function parseCallerCondition(c: unknown, field: string): Rule[] {
  if (Array.isArray(c)) {
    const [op, a, b] = c as unknown[]
    if (c.length === 3 && op === 'content-length-range') {
      if (!isInt(a) || !isInt(b)) throw new PresignError('InvalidOption', field, 'content-length-range bounds must be integers >= 0')
      if (a > b) throw new PresignError('InvalidOption', field, `content-length-range min ${a} is greater than max ${b}`)
      return [{ op: 'range', min: a, max: b, source: field }]
    }
    if (c.length === 3 && (op === 'eq' || op === 'starts-with') && typeof a === 'string' && a.startsWith('$') && a.length > 1) {
      return [{ op, name: a.slice(1), lower: a.slice(1).toLowerCase(), value: checkString(b, field), source: field }]
    }
    throw new PresignError(
      'InvalidOption',
      field,
      'must be { "field": "value" }, ["eq", "$field", "value"], ["starts-with", "$field", "prefix"] or ["content-length-range", min, max]',
    )
  }
  if (c === null || typeof c !== 'object') fail('InvalidOption', field, 'must be a condition object or array', c)
  const entries = Object.entries(c as Record<string, unknown>)
  if (entries.length === 0) throw new PresignError('InvalidOption', field, 'is an empty object; an exact-match condition is { "field": "value" }')
  return entries.map(([name, value]) => ({ op: 'eq' as const, name, lower: name.toLowerCase(), value: checkString(value, `${field}["${name}"]`), source: field }))
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
  const expiresIn = options.expiresIn ?? 3600
  if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES) {
    fail('InvalidExpiresIn', 'options.expiresIn', `must be an integer number of seconds in 1..${MAX_EXPIRES} (7 days)`, expiresIn)
  }
  const signedAtMs = toEpochMs(options.signingDate, 'options.signingDate')
  const url = postUrl(location)
  const { bucket, region } = location

  // ---- the key ----------------------------------------------------------------------------
  let keyField: string
  let keyCondition: PostPolicyCondition
  if ((location.key === undefined) === (location.keyPrefix === undefined)) {
    throw new PresignError('InvalidKey', 'location.key', 'give exactly one of location.key (an exact key, or one ending in ${filename}) and location.keyPrefix')
  }
  if (location.key !== undefined) {
    const key = location.key
    if (typeof key !== 'string' || key === '') fail('InvalidKey', 'location.key', 'must be a non-empty string', key)
    if (LONE_SURROGATE.test(key)) throw new PresignError('InvalidString', 'location.key', 'has a lone UTF-16 surrogate, which has no UTF-8 encoding')
    if (utf8(key).length > 1024) throw new PresignError('InvalidKey', 'location.key', 'is longer than 1024 bytes of UTF-8, the S3 limit')
    checkKeySegments(key, 'location.key') // as for presignS3: such an object could be uploaded, never fetched
    keyField = key
    keyCondition = key.endsWith(FILENAME) ? ['starts-with', '$key', key.slice(0, -FILENAME.length)] : { key }
  } else {
    const prefix = location.keyPrefix
    if (typeof prefix !== 'string') fail('InvalidKey', 'location.keyPrefix', 'must be a string (\'\' allows any key)', prefix)
    if (LONE_SURROGATE.test(prefix)) throw new PresignError('InvalidString', 'location.keyPrefix', 'has a lone UTF-16 surrogate, which has no UTF-8 encoding')
    if (prefix.includes(FILENAME)) throw new PresignError('InvalidKey', 'location.keyPrefix', 'must not contain ${filename}; it is appended to form the key field')
    if (utf8(prefix).length > 1024 - FILENAME.length) throw new PresignError('InvalidKey', 'location.keyPrefix', 'is too long for an S3 key (1024 bytes of UTF-8)')
    // Complete segments only: a prefix ending in "." may begin a file name such as ".env".
    checkKeySegments(prefix, 'location.keyPrefix', true)
    keyField = prefix + FILENAME
    keyCondition = ['starts-with', '$key', prefix]
  }

  // ---- conditions, in a fixed order ---------------------------------------------------------
  const conditions: PostPolicyCondition[] = []
  const rules: Rule[] = []
  /** Form fields implied by exact conditions, by lower-cased name. */
  const implied = new Map<string, { name: string; value: string; source: string }>()
  const exact = (name: string, value: unknown, field: string): void => {
    const v = checkString(value, field)
    conditions.push({ [name]: v })
    rules.push({ op: 'eq', name, lower: name.toLowerCase(), value: v, source: field })
  }
  const c = options.conditions ?? {}
  if (c === null || typeof c !== 'object') fail('InvalidOption', 'options.conditions', 'must be an object', c)
  const knownKeys = ['contentLengthRange', 'contentType', 'acl', 'successActionStatus', 'successActionRedirect', 'metadata', 'cacheControl', 'contentDisposition', 'other']
  for (const k of Object.keys(c)) {
    if (!knownKeys.includes(k)) throw new PresignError('InvalidOption', `options.conditions.${k}`, `is not a known condition; use one of ${knownKeys.join(', ')}`)
  }
  if (c.contentLengthRange !== undefined) {
    const field = 'options.conditions.contentLengthRange'
    const r = c.contentLengthRange
    if (!Array.isArray(r) || r.length !== 2) fail('InvalidOption', field, 'must be [min, max]', r)
    const [min, max] = r as readonly unknown[]
    if (!isInt(min) || !isInt(max)) {
      throw new PresignError('InvalidOption', field, `bounds must be integers >= 0 (bytes), got [${describe(min)}, ${describe(max)}]`)
    }
    if (min > max) throw new PresignError('InvalidOption', field, `min ${min} is greater than max ${max}; no upload could satisfy it`)
    conditions.push(['content-length-range', min, max])
    rules.push({ op: 'range', min, max, source: field })
  }
  if (c.contentType !== undefined) {
    const field = 'options.conditions.contentType'
    const ct = c.contentType
    if (typeof ct === 'string') exact('Content-Type', ct, field)
    else if (ct !== null && typeof ct === 'object' && Object.keys(ct).length === 1 && 'startsWith' in ct) {
      const p = checkString(ct.startsWith, `${field}.startsWith`)
      conditions.push(['starts-with', '$Content-Type', p])
      rules.push({ op: 'starts-with', name: 'Content-Type', lower: 'content-type', value: p, source: `${field}.startsWith` })
    } else fail('InvalidOption', field, 'must be a string or { startsWith: string }', ct)
  }
  if (c.acl !== undefined) exact('acl', checkString(c.acl, 'options.conditions.acl', { nonEmpty: true }), 'options.conditions.acl')
  if (c.successActionStatus !== undefined) {
    const s = String(c.successActionStatus)
    if (s !== '200' && s !== '201' && s !== '204') {
      fail('InvalidOption', 'options.conditions.successActionStatus', 'must be 200, 201 or 204', c.successActionStatus)
    }
    exact('success_action_status', s, 'options.conditions.successActionStatus')
  }
  if (c.successActionRedirect !== undefined) {
    exact('success_action_redirect', checkString(c.successActionRedirect, 'options.conditions.successActionRedirect', { nonEmpty: true }), 'options.conditions.successActionRedirect')
  }
  if (c.cacheControl !== undefined) exact('Cache-Control', c.cacheControl, 'options.conditions.cacheControl')
  if (c.contentDisposition !== undefined) exact('Content-Disposition', c.contentDisposition, 'options.conditions.contentDisposition')
  if (c.metadata !== undefined) {
    const m = c.metadata
    if (m === null || typeof m !== 'object' || Array.isArray(m)) fail('InvalidOption', 'options.conditions.metadata', 'must be an object { name: value }', m)
    for (const name of Object.keys(m)) {
      const field = `options.conditions.metadata["${name}"]`
      if (!TOKEN.test(name)) throw new PresignError('InvalidOption', field, 'the metadata name must be a non-empty HTTP token (letters, digits, and !#$%&\'*+.^_`|~-)')
      exact('x-amz-meta-' + name, m[name], field)
    }
  }
  if (c.other !== undefined) {
    if (!Array.isArray(c.other)) fail('InvalidOption', 'options.conditions.other', 'must be an array of conditions', c.other)
    c.other.forEach((cond, i) => {
      const field = `options.conditions.other[${i}]`
      const parsed = parseCallerCondition(cond, field)
      for (const r of parsed) {
        if (r.op !== 'range' && (RESERVED.has(r.lower) || r.lower === '')) {
          throw new PresignError(
            'InvalidOption',
            field,
            r.lower === 'key'
              ? 'must not constrain $key; use location.key or location.keyPrefix'
              : `must not constrain "${r.name}": ${r.lower === 'bucket' ? 'location.bucket' : 'this field'} is set by presignPost`,
          )
        }
      }
      for (const r of parsed) rules.push(r) // a loop: a spread of 200,000 rules overflows the stack
      conditions.push(Array.isArray(cond) ? ([...cond] as unknown as PostPolicyCondition) : { ...(cond as Record<string, string>) })
    })
  }

  // ---- consistency: no two rules that no value can satisfy -------------------------------------
  const ranges = rules.filter((r): r is Rule & { op: 'range' } => r.op === 'range')
  if (ranges.length > 1) {
    let lo = 0
    let hi = Infinity
    for (const r of ranges) {
      lo = Math.max(lo, r.min)
      hi = Math.min(hi, r.max)
    }
    if (lo > hi) throw new PresignError('InvalidOption', ranges[ranges.length - 1]!.source, `content-length ranges do not overlap (min ${lo} > max ${hi}); no upload could satisfy them`)
  }
  const fieldRules = rules.filter((r): r is Rule & { op: 'eq' | 'starts-with' } => r.op !== 'range')
  /** The rules of each field, by lower-cased name: every check below is one pass, not one pass per rule. */
  const byField = new Map<string, (Rule & { op: 'eq' | 'starts-with' })[]>()
  for (const r of fieldRules) {
    const list = byField.get(r.lower)
    if (list) list.push(r)
    else byField.set(r.lower, [r])
  }
  for (const r of fieldRules) {
    if (r.op !== 'eq') continue
    const prev = implied.get(r.lower)
    if (prev && prev.value !== r.value) {
      throw new PresignError('InvalidOption', r.source, `requires ${r.name} = ${quote(r.value)}, but ${prev.source} requires ${quote(prev.value)}; no upload could satisfy both`)
    }
    if (!prev) implied.set(r.lower, { name: r.name, value: r.value, source: r.source })
  }
  for (const list of byField.values()) {
    // Prefixes of one field can all hold at once exactly when each is a prefix of the longest one.
    let longest: (typeof list)[number] | undefined
    for (const r of list) if (r.op === 'starts-with' && (!longest || r.value.length > longest.value.length)) longest = r
    for (const r of list) {
      if (r.op !== 'starts-with') continue
      if (r.lower === 'content-type' && r.value.includes(',')) {
        throw new PresignError('InvalidOption', r.source, 'a Content-Type prefix must not contain ","; S3 reads a Content-Type with commas as a list and matches each element, so no upload could satisfy it')
      }
      const eq = implied.get(r.lower)
      if (eq && !startsWith(r.lower, eq.value, r.value)) {
        throw new PresignError('InvalidOption', r.source, `requires ${r.name} to start with ${quote(r.value)}, but ${eq.source} requires exactly ${quote(eq.value)}; no upload could satisfy both`)
      }
      if (!longest!.value.startsWith(r.value)) {
        // Name the earlier rule of the pair first, as it was written.
        const [a, b] = list.indexOf(longest!) < list.indexOf(r) ? [longest!, r] : [r, longest!]
        throw new PresignError('InvalidOption', a.source, `requires ${a.name} to start with ${quote(a.value)}, but ${b.source} requires ${quote(b.value)}; no value can start with both`)
      }
    }
  }

  // ---- form fields: key, implied by exact conditions, the caller's -----------------------------
  // A Map, turned into an object at the end: a field named `__proto__` is a field like any other.
  const fields = new Map<string, string>([['key', keyField]])
  const fieldLower = new Map<string, string>([['key', 'key']])
  for (const { name, value } of implied.values()) {
    fields.set(name, value)
    fieldLower.set(name.toLowerCase(), name)
  }
  if (options.fields !== undefined) {
    const extra = options.fields
    if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
      fail('InvalidOption', 'options.fields', 'must be an object { name: value }', extra)
    }
    const seen = new Set<string>()
    for (const name of Object.keys(extra)) {
      const field = `options.fields["${name}"]`
      const lower = name.toLowerCase()
      const value = checkString(extra[name], field)
      if (name === '' || /[\x00-\x1f\x7f"]/.test(name)) throw new PresignError('InvalidOption', field, 'a form field name must be non-empty, without control characters or double quotes')
      if (RESERVED.has(lower)) {
        throw new PresignError('InvalidOption', field, lower === 'key' ? 'is set from location.key / location.keyPrefix' : lower === 'file' ? 'is the upload itself; append it last to the form' : 'is set by presignPost')
      }
      if (seen.has(lower)) throw new PresignError('InvalidOption', field, 'is given twice (form field names are case-insensitive)')
      seen.add(lower)
      if (!isExempt(lower)) {
        const covering = byField.get(lower)
        if (!covering) {
          throw new PresignError(
            'InvalidOption',
            field,
            `no policy condition covers this field, so S3 would reject the upload ("Extra input fields"); add a condition for it (e.g. conditions.other: [{ "${name}": ... }] or ["starts-with", "$${name}", ...]) or name it x-ignore-*`,
          )
        }
        const failed = covering.find((r) => !satisfies(r, value))
        if (failed) {
          throw new PresignError('InvalidOption', field, `does not satisfy ${failed.source} (${failed.op === 'eq' ? 'exactly ' : 'starts with '}${quote(failed.value)}); no upload could satisfy both`)
        }
      }
      const existing = fieldLower.get(lower)
      if (existing !== undefined) fields.delete(existing)
      fields.set(name, value)
      fieldLower.set(lower, name)
    }
  }

  // ---- sign -----------------------------------------------------------------------------------
  const amzDate = toAmzDate(signedAtMs)
  const day = amzDate.slice(0, 8)
  const credential = creds.accessKeyId + '/' + credentialScope(day, region, 's3')
  conditions.push({ bucket }, keyCondition, { 'x-amz-algorithm': ALGORITHM }, { 'x-amz-credential': credential }, { 'x-amz-date': amzDate })
  if (creds.sessionToken !== undefined) conditions.push({ 'x-amz-security-token': creds.sessionToken })
  const expiresAtMs = signedAtMs + expiresIn * 1000
  const policy = { expiration: new Date(expiresAtMs).toISOString(), conditions }
  const policyBase64 = base64Utf8(JSON.stringify(policy))
  const key = await signingKey(creds.accessKeyId, creds.secretAccessKey, day, region, 's3')
  fields.set('x-amz-algorithm', ALGORITHM).set('x-amz-credential', credential).set('x-amz-date', amzDate)
  if (creds.sessionToken !== undefined) fields.set('x-amz-security-token', creds.sessionToken)
  fields.set('policy', policyBase64).set('x-amz-signature', toHex(await hmac(key, policyBase64)))
  let bytes = 0
  for (const [name, value] of fields) bytes += utf8Length(name) + utf8Length(value)
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
  const loc = { bucket: location.bucket, region: location.region, endpoint: location.endpoint, forcePathStyle: location.forcePathStyle, key: '' }
  const url = s3ObjectUrl(loc)
  const slash = url.indexOf('/', url.indexOf('//') + 2)
  return slash === url.length - 1 ? url : url.slice(0, -1)
}

// =================================================================================================
// Verification
// =================================================================================================

/** A submitted POST form, as a gateway sees it. */
export interface VerifyPostRequest {
  /**
   * The form fields: a plain object, `[name, value]` pairs in form order, or a `FormData`
   * (e.g. from `await request.formData()`). A `file` entry and anything after it is not a
   * field (S3 ignores fields after the file).
   */
  readonly fields: Readonly<Record<string, string>> | Iterable<readonly [string, unknown]>
  /** Size of the uploaded file in bytes. Default: the size of the `file` entry when it is a `Blob`/`File`. */
  readonly fileSize?: number | undefined
  /** The bucket the form was posted to (from the URL's host or path). */
  readonly bucket: string
  /** The uploaded file's name, substituted for `${filename}` in the key. Default: the `file` entry's `name`. */
  readonly filename?: string | undefined
}

/** How to verify a POST form. */
export interface VerifyPostOptions {
  /** Look up the credentials of an access key id from the form; validated as `verifyPresigned` validates it: anything but `{ accessKeyId, secretAccessKey, sessionToken? }` for this id is an unknown key. */
  readonly credentials: CredentialsLookup
  /** Accepted region(s) of the credential scope. Default: any. */
  readonly region?: string | readonly string[] | undefined
  /** Accepted service(s) of the credential scope. Default: `s3`. */
  readonly service?: string | readonly string[] | undefined
  /** The current time (for tests). Default: now. */
  readonly now?: Date | number | undefined
}

/** Why a POST form was refused. Stable; match on it. */
export type VerifyPostFailureCode =
  | 'MalformedForm'
  | 'UnsupportedAlgorithm'
  | 'ScopeMismatch'
  | 'UnknownAccessKey'
  | 'InvalidToken'
  | 'SignatureDoesNotMatch'
  | 'InvalidPolicyDocument'
  | 'Expired'
  | 'ConditionFailed'
  | 'ExtraField'
  | 'EntityTooSmall'
  | 'EntityTooLarge'
  | 'FieldsTooLarge'
  | 'KeyTooLong'

/** The form entry that holds the upload: the first field named `file` (in any case). Store exactly this entry. */
export interface PostFileEntry {
  /** The field name as sent (`file`, `File`, …). */
  readonly name: string
  /** Its position in the form, counting from 0. */
  readonly index: number
  /** The entry itself: a `Blob`/`File`, or text (S3 takes text content as the file too). */
  readonly value: Blob | string
  /** Its size in bytes (a text entry: its UTF-8 length). */
  readonly size: number
}

/** A POST form that verified. */
export interface VerifyPostSuccess {
  readonly ok: true
  readonly accessKeyId: string
  readonly bucket: string
  /** The object key, with `${filename}` replaced by the file name when one is known. */
  readonly key: string
  readonly region: string
  /** `x-amz-date`. */
  readonly signedAt: Date
  /** The policy's expiration. */
  readonly expiresAt: Date
  /**
   * The allowed file size in bytes (every `content-length-range`, and S3's 5 GB POST limit).
   * Enforce it while streaming when `fileSize` was not known.
   */
  readonly contentLength: { readonly min: number; readonly max: number }
  /** `true` when the size was checked: `fileSize` was given, or the form has its `file` entry. */
  readonly sizeChecked: boolean
  /**
   * The entry that was checked as the file, when the form has one (the fields after it are ignored, as S3 does).
   * A gateway must store exactly `file.value`, never look the file up again by name.
   */
  readonly file?: PostFileEntry | undefined
  /** The form fields as submitted (without `file`). */
  readonly fields: Readonly<Record<string, string>>
  /** The decoded policy. */
  readonly policy: { readonly expiration: string; readonly conditions: readonly unknown[] }
  /** The session token the form carried, if any. */
  readonly sessionToken?: string | undefined
}

/** A POST form that did not verify, in S3's words. Never contains a secret. */
export interface VerifyPostFailure {
  readonly ok: false
  /** Our stable code. */
  readonly code: VerifyPostFailureCode
  /** The error code S3 answers with in this case (`AccessDenied`, `EntityTooLarge`, …). */
  readonly s3Code: string
  /** S3's wording, e.g. `Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "private"]`. */
  readonly message: string
  /** HTTP status S3 answers with. */
  readonly status: number
}

/** The outcome of {@link verifyPost}. */
export type VerifyPostResult = VerifyPostSuccess | VerifyPostFailure

const failPost = (code: VerifyPostFailureCode, s3Code: string, status: number, message: string): VerifyPostFailure => ({ ok: false, code, s3Code, message, status })
const malformedForm = (message: string) => failPost('MalformedForm', 'InvalidArgument', 400, message)
const invalidPolicy = (message: string) => failPost('InvalidPolicyDocument', 'InvalidPolicyDocument', 400, 'Invalid Policy: ' + message)
const accessDenied = (code: VerifyPostFailureCode, message: string) => failPost(code, 'AccessDenied', 403, message)

const EXPIRATION = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** S3's limit on an object key: 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024

interface BlobLike {
  readonly size: number
  readonly name?: unknown
}
/** A condition for an error message: one level deep and at most 200 characters, whatever its nesting. */
function showCondition(cond: unknown): string {
  const shallow = (v: unknown): unknown => (v !== null && typeof v === 'object' ? (Array.isArray(v) ? '[...]' : '{...}') : v)
  const flat =
    Array.isArray(cond) ? cond.map(shallow)
    : cond !== null && typeof cond === 'object' ? Object.fromEntries(Object.entries(cond).map(([k, v]) => [k, shallow(v)]))
    : cond
  return String(JSON.stringify(flat)).slice(0, 200)
}
/** The file name S3 puts in `${filename}`: the text after the last `/` or `\\` of what the browser sent. */
const baseName = (name: string): string => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
const isBlob = (v: unknown): v is BlobLike =>
  v !== null && typeof v === 'object' && typeof (v as BlobLike).size === 'number' && typeof (v as { arrayBuffer?: unknown }).arrayBuffer === 'function'

/** `["op", "$name", "value"]` as S3 prints a condition. */
const show = (op: string, name: string, value: string): string => `[${JSON.stringify(op)}, ${JSON.stringify('$' + name)}, ${JSON.stringify(value)}]`

/** The fields of a form, by lower-cased name, and its file entry: everything up to the first `file`, as S3 reads it. */
interface ReadForm {
  readonly form: Map<string, { name: string; value: string }>
  readonly file: PostFileEntry | undefined
}

/** Read the form's entries (a `FormData`, `[name, value]` pairs or a plain object); any oddity is `MalformedForm`. */
function readForm(raw: unknown): ReadForm | VerifyPostFailure {
  if (raw === null || typeof raw !== 'object') return malformedForm('The form has no fields')
  const form = new Map<string, { name: string; value: string }>()
  let fieldBytes = 0
  let index = 0
  try {
    const entries = Symbol.iterator in raw ? (raw as Iterable<unknown>) : Object.entries(raw as Record<string, unknown>)
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length < 2 || typeof entry[0] !== 'string') return malformedForm('The form fields must be [name, value] pairs')
      const [name, value] = entry as [string, unknown]
      const lower = name.toLowerCase()
      const shown = JSON.stringify(name.slice(0, 64))
      // S3 takes the first `file` as the upload, text or binary, and ignores every field after it.
      if (lower === 'file') {
        if (typeof value === 'string') return { form, file: { name, index, value, size: utf8Length(value) } }
        if (isBlob(value) && isInt(value.size)) return { form, file: { name, index, value: value as unknown as Blob, size: value.size } }
        return malformedForm(`The form field ${shown} is neither text nor a file of a whole number of bytes`)
      }
      if (typeof value !== 'string') return malformedForm(`The form field ${shown} is not text`)
      if (form.has(lower)) return malformedForm(`The form field ${shown} appears more than once`)
      fieldBytes += utf8Length(name) + utf8Length(value)
      if (fieldBytes > MAX_FIELD_BYTES) {
        return failPost('FieldsTooLarge', 'MaxPostPreDataLengthExceeded', 400, 'Your POST request fields preceeding the upload file was too large.')
      }
      form.set(lower, { name, value })
      index++
    }
  } catch {
    // A broken iterator or an entry that throws when read: not a form any HTTP stack produces.
    return malformedForm('The form fields must be [name, value] pairs')
  }
  return { form, file: undefined }
}

/**
 * Verify a browser POST upload the way S3 does, for gateways and S3-compatible servers:
 * the `x-amz-*` fields and credential scope, the signature (HMAC-SHA256 of the base64
 * `policy` under the SigV4 signing key, compared in constant time), the policy's
 * `expiration`, every condition (`eq`, `starts-with`, `content-length-range`, exact
 * `{ "field": "value" }`), and that every form field except `file`, `policy`,
 * `x-amz-signature` and `x-ignore-*` is covered by a condition.
 *
 * Field names are matched case-insensitively (`$Content-Type` covers `content-type`), values
 * exactly; a field the form lacks counts as empty (so `["starts-with", "$x", ""]` allows it
 * to be absent), and a `Content-Type` that is a comma-separated list must match a
 * `starts-with` in every element.
 *
 * Never throws for a bad form: it resolves to `{ ok: false, code, s3Code, status, message }`.
 * Throws `PresignError` only for invalid `options`.
 *
 * @example
 * const form = await request.formData()
 * const r = await verifyPost({ fields: form, bucket: 'uploads' }, { credentials: lookup, region: 'us-east-1' })
 * if (!r.ok) return new Response(r.message, { status: r.status })
 */
export async function verifyPost(request: VerifyPostRequest, options: VerifyPostOptions): Promise<VerifyPostResult> {
  checkObject(options, 'options', '{ credentials, region?, service?, now? }')
  const lookup = checkLookup(options.credentials)
  const nowMs = checkNow(options.now)
  const regions = checkAccepted(options.region, 'options.region')
  const services = checkAccepted(options.service === undefined ? 's3' : options.service, 'options.service')
  if (request === null || typeof request !== 'object') return malformedForm('The request is not a form')

  const read = readForm(request.fields)
  if ('ok' in read) return read
  const { form, file } = read
  const get = (lower: string): string | undefined => form.get(lower)?.value

  let fileSize = request.fileSize
  if (fileSize !== undefined && !isInt(fileSize)) return malformedForm('The file size must be an integer number of bytes >= 0')
  if (file && fileSize !== undefined && fileSize !== file.size) return malformedForm(`The file size ${fileSize} differs from the size of the form's file entry (${file.size})`)
  fileSize ??= file?.size
  if (typeof request.bucket !== 'string' || request.bucket === '') return malformedForm('The target bucket is missing')

  const policyText = get('policy')
  const signature = get('x-amz-signature')
  const algorithm = get('x-amz-algorithm')
  const credentialText = get('x-amz-credential')
  const amzDate = get('x-amz-date')
  if (policyText === undefined || signature === undefined || algorithm === undefined || credentialText === undefined || amzDate === undefined) {
    const missing = ['policy', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature'].filter((n) => get(n) === undefined)
    return malformedForm(`Bucket POST must contain the fields policy, x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature; missing: ${missing.join(', ')}`)
  }
  const keyValue = get('key')
  if (keyValue === undefined) return malformedForm("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
  if (algorithm !== ALGORITHM) return failPost('UnsupportedAlgorithm', 'InvalidArgument', 400, `x-amz-algorithm only supports "${ALGORITHM}"`)
  const credential = parseCredential(credentialText, false)
  if (!credential) {
    return malformedForm('Error parsing the x-amz-credential field; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
  }
  const { accessKeyId, day: scopeDay, service } = credential
  const region = credential.region!
  const signedAtMs = parseAmzDate(amzDate)
  if (signedAtMs === undefined) return malformedForm('x-amz-date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"')
  if (scopeDay !== amzDate.slice(0, 8)) {
    return failPost('ScopeMismatch', 'InvalidArgument', 400, `Invalid credential date "${scopeDay}". This date is not the same as x-amz-date: "${amzDate.slice(0, 8)}".`)
  }
  if (regions !== undefined && !regions.includes(region)) {
    return failPost('ScopeMismatch', 'AuthorizationHeaderMalformed', 400, `Error parsing the x-amz-credential field; the region '${region}' is wrong`)
  }
  if (services !== undefined && !services.includes(service)) {
    return failPost('ScopeMismatch', 'InvalidArgument', 400, `Error parsing the x-amz-credential field; incorrect service "${service}"`)
  }

  // ---- who signed, and the signature ---------------------------------------------------------
  const creds = await lookUp(lookup, accessKeyId)
  if (!creds) return failPost('UnknownAccessKey', 'InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.')
  const token = get('x-amz-security-token')
  if (creds.sessionToken && creds.sessionToken !== token) return failPost('InvalidToken', 'InvalidToken', 400, 'The provided token is malformed or otherwise invalid.')
  const signingKeyFor = await signingKey(accessKeyId, creds.secretAccessKey, scopeDay, region, service)
  const expected = toHex(await hmac(signingKeyFor, policyText))
  if (!equalHex(expected, signature.toLowerCase())) {
    return failPost(
      'SignatureDoesNotMatch',
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    )
  }

  // ---- the policy document ---------------------------------------------------------------------
  if (!BASE64.test(policyText)) return invalidPolicy('Policy is not valid base64.')
  let doc: unknown
  try {
    const binary = atob(policyText)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return invalidPolicy('Invalid JSON.')
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return invalidPolicy('Invalid JSON.')
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown }
  if (expiration === undefined) return invalidPolicy('Policy missing expiration.')
  const em = typeof expiration === 'string' ? EXPIRATION.exec(expiration) : null
  const wholeSeconds = em ? utcMs(em[1]!, em[2]!, em[3]!, em[4]!, em[5]!, em[6]!) : undefined
  if (wholeSeconds === undefined) return invalidPolicy(`Invalid 'expiration' value: ${showCondition(expiration).slice(0, 80)}`)
  const expiresAtMs = wholeSeconds + Math.floor(Number('0' + (em![7] ?? '')) * 1000)
  if (!Array.isArray(conditions)) return invalidPolicy('Policy missing conditions.')

  const rules: Rule[] = []
  for (const cond of conditions as unknown[]) {
    if (Array.isArray(cond)) {
      const [op, a, b] = cond as unknown[]
      if (cond.length === 3 && op === 'content-length-range') {
        const min = typeof a === 'string' && /^\d{1,15}$/.test(a) ? Number(a) : a
        const max = typeof b === 'string' && /^\d{1,15}$/.test(b) ? Number(b) : b
        if (!isInt(min) || !isInt(max)) return invalidPolicy('Invalid content-length-range: the bounds must be integers >= 0.')
        rules.push({ op: 'range', min, max, source: '' })
      } else if (cond.length === 3 && (op === 'eq' || op === 'starts-with') && typeof a === 'string' && a.startsWith('$') && a.length > 1 && typeof b === 'string') {
        rules.push({ op, name: a.slice(1), lower: a.slice(1).toLowerCase(), value: b, source: '' })
      } else {
        return invalidPolicy(`Invalid Condition: ${showCondition(cond)}`)
      }
    } else if (cond !== null && typeof cond === 'object') {
      const list = Object.entries(cond as Record<string, unknown>)
      if (list.length === 0) return invalidPolicy('Invalid Simple-Condition: the condition is empty.')
      for (const [name, value] of list) {
        if (typeof value !== 'string') return invalidPolicy('Invalid Simple-Condition: value must be a string.')
        rules.push({ op: 'eq', name, lower: name.toLowerCase(), value, source: '' })
      }
    } else {
      return invalidPolicy(`Invalid Condition: ${showCondition(cond)}`)
    }
  }

  if (nowMs > expiresAtMs) return accessDenied('Expired', 'Invalid according to Policy: Policy expired.')

  for (const r of rules) {
    if (r.op === 'range') continue
    const value = r.lower === 'bucket' ? request.bucket : (get(r.lower) ?? '')
    if (!satisfies(r, value)) return accessDenied('ConditionFailed', `Invalid according to Policy: Policy Condition failed: ${show(r.op, r.name, r.value)}`)
  }
  const covered = new Set(rules.map((r) => (r.op === 'range' ? '' : r.lower)))
  const extra = [...form.entries()].filter(([lower]) => !isExempt(lower) && !covered.has(lower)).map(([, f]) => f.name)
  if (extra.length) return accessDenied('ExtraField', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`)

  let min = 0
  let max = MAX_POST_SIZE
  for (const r of rules) {
    if (r.op !== 'range') continue
    min = Math.max(min, r.min)
    max = Math.min(max, r.max)
  }
  if (fileSize !== undefined) {
    if (fileSize > max) return failPost('EntityTooLarge', 'EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size')
    if (fileSize < min) return failPost('EntityTooSmall', 'EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size')
  }

  if (request.filename !== undefined && typeof request.filename !== 'string') return malformedForm('The file name must be a string')
  const fileName = request.filename ?? (file && typeof (file.value as BlobLike).name === 'string' ? ((file.value as BlobLike).name as string) : undefined)
  const filename = fileName === undefined ? undefined : baseName(fileName)
  const parts = keyValue.split(FILENAME)
  // The key's length is known before it is built, so a key of many ${filename}s cannot make a huge string.
  const keyBytes = utf8Length(keyValue) + (parts.length - 1) * (filename === undefined ? 0 : utf8Length(filename) - FILENAME.length)
  if (keyBytes > MAX_KEY_BYTES) return failPost('KeyTooLong', 'KeyTooLongError', 400, 'Your key is too long')
  const key = filename !== undefined ? parts.join(filename) : keyValue
  return {
    ok: true,
    accessKeyId,
    bucket: request.bucket,
    key,
    region,
    signedAt: new Date(signedAtMs),
    expiresAt: new Date(expiresAtMs),
    contentLength: { min, max },
    sizeChecked: fileSize !== undefined,
    file,
    fields: Object.fromEntries([...form.values()].map((f) => [f.name, f.value])),
    policy: { expiration: expiration as string, conditions: conditions as unknown[] },
    sessionToken: token,
  }
}
