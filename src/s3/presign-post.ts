import { ALGORITHM, MAX_EXPIRES } from '../core/constants.js'
import { checkCredentials, type Credentials } from '../core/credentials.js'
import { hmac, toHex, utf8 } from '../core/crypto.js'
import { describe, fail, PresignError } from '../core/errors.js'
import { signingKey } from '../core/signing-key.js'
import { credentialScope } from '../core/string-to-sign.js'
import { type DateInput, toAmzDate, toEpochMs } from '../core/time.js'
import { LONE_SURROGATE } from '../core/utf8.js'
import { checkSeconds } from '../core/validate.js'
import { checkKeySegments } from './keys.js'
import { bucketUrl } from './object-url.js'
import { fieldBytes, type FieldRule, FILENAME, isExempt, isInt, MAX_FIELD_BYTES, parseCondition, type Rule, satisfies, startsWith } from './post-conditions.js'

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
  readonly contentType?:
    | string
    | {
        /** The prefix every element of the `Content-Type` must start with. */
        readonly startsWith: string
      }
    | undefined
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
  readonly policy: {
    /** ISO 8601 with milliseconds, in UTC. */
    readonly expiration: string
    /** Every condition, in the order of the policy. */
    readonly conditions: readonly PostPolicyCondition[]
  }
  /** `x-amz-date` as a `Date`. */
  readonly signedAt: Date
  /** The policy's `expiration`. */
  readonly expiresAt: Date
}

/** Fields this library writes itself, and the key, bucket and file; a caller may neither set them nor put conditions on them. */
const RESERVED = /* @__PURE__ */ new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'x-amz-signature', 'policy', 'key', 'bucket', 'file'])
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const KNOWN_CONDITIONS = ['contentLengthRange', 'contentType', 'acl', 'successActionStatus', 'successActionRedirect', 'metadata', 'cacheControl', 'contentDisposition', 'other']

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

/** Validate one caller condition (from `other`) into rules, with the grammar `verifyPost` reads policies with. */
function parseCallerCondition(c: unknown, field: string): Rule[] {
  const parsed = parseCondition(c, field, false)
  if (!Array.isArray(parsed)) {
    const { problem, name, value } = parsed
    if (problem === 'bounds') throw new PresignError('InvalidOption', field, 'content-length-range bounds must be integers >= 0')
    if (problem === 'empty') throw new PresignError('InvalidOption', field, 'is an empty object; an exact-match condition is { "field": "value" }')
    if (problem === 'value') checkString(value, name === undefined ? field : `${field}["${name}"]`)
    if (!Array.isArray(c)) fail('InvalidOption', field, 'must be a condition object or array', c)
    throw new PresignError(
      'InvalidOption',
      field,
      'must be { "field": "value" }, ["eq", "$field", "value"], ["starts-with", "$field", "prefix"] or ["content-length-range", min, max]',
    )
  }
  for (const r of parsed) {
    if (r.op === 'range' && r.min > r.max) throw new PresignError('InvalidOption', field, `content-length-range min ${r.min} is greater than max ${r.max}`)
    if (r.op !== 'range') checkString(r.value, Array.isArray(c) ? field : `${field}["${r.name}"]`)
  }
  return parsed
}

/** The `key` form field and its policy condition: an exact key, a key ending in `${filename}`, or a prefix. */
function postKey(location: PostLocation): { field: string; condition: PostPolicyCondition } {
  if ((location.key === undefined) === (location.keyPrefix === undefined)) {
    throw new PresignError('InvalidKey', 'location.key', 'give exactly one of location.key (an exact key, or one ending in ${filename}) and location.keyPrefix')
  }
  if (location.key !== undefined) {
    const key = location.key
    if (typeof key !== 'string' || key === '') fail('InvalidKey', 'location.key', 'must be a non-empty string', key)
    if (LONE_SURROGATE.test(key)) throw new PresignError('InvalidString', 'location.key', 'has a lone UTF-16 surrogate, which has no UTF-8 encoding')
    if (utf8(key).length > 1024) throw new PresignError('InvalidKey', 'location.key', 'is longer than 1024 bytes of UTF-8, the S3 limit')
    checkKeySegments(key, 'location.key') // as for presignS3: such an object could be uploaded, never fetched
    return { field: key, condition: key.endsWith(FILENAME) ? ['starts-with', '$key', key.slice(0, -FILENAME.length)] : { key } }
  }
  const prefix = location.keyPrefix
  if (typeof prefix !== 'string') fail('InvalidKey', 'location.keyPrefix', 'must be a string (\'\' allows any key)', prefix)
  if (LONE_SURROGATE.test(prefix)) throw new PresignError('InvalidString', 'location.keyPrefix', 'has a lone UTF-16 surrogate, which has no UTF-8 encoding')
  if (prefix.includes(FILENAME)) throw new PresignError('InvalidKey', 'location.keyPrefix', 'must not contain ${filename}; it is appended to form the key field')
  if (utf8(prefix).length > 1024 - FILENAME.length) throw new PresignError('InvalidKey', 'location.keyPrefix', 'is too long for an S3 key (1024 bytes of UTF-8)')
  // Complete segments only: a prefix ending in "." may begin a file name such as ".env".
  checkKeySegments(prefix, 'location.keyPrefix', true)
  return { field: prefix + FILENAME, condition: ['starts-with', '$key', prefix] }
}

/** The policy's conditions, in a fixed order, and the rules they make. */
interface Collected {
  readonly conditions: PostPolicyCondition[]
  readonly rules: Rule[]
}

/** Add an exact-match condition (which is also a form field). */
function exact(out: Collected, name: string, value: unknown, field: string): void {
  const v = checkString(value, field)
  out.conditions.push({ [name]: v })
  out.rules.push({ op: 'eq', name, lower: name.toLowerCase(), value: v, source: field })
}

function rangeCondition(out: Collected, r: unknown): void {
  const field = 'options.conditions.contentLengthRange'
  if (!Array.isArray(r) || r.length !== 2) fail('InvalidOption', field, 'must be [min, max]', r)
  const [min, max] = r as readonly unknown[]
  if (!isInt(min) || !isInt(max)) {
    throw new PresignError('InvalidOption', field, `bounds must be integers >= 0 (bytes), got [${describe(min)}, ${describe(max)}]`)
  }
  if (min > max) throw new PresignError('InvalidOption', field, `min ${min} is greater than max ${max}; no upload could satisfy it`)
  out.conditions.push(['content-length-range', min, max])
  out.rules.push({ op: 'range', min, max, source: field })
}

function contentTypeCondition(out: Collected, ct: unknown): void {
  const field = 'options.conditions.contentType'
  if (typeof ct === 'string') {
    exact(out, 'Content-Type', ct, field)
    return
  }
  if (ct === null || typeof ct !== 'object' || Object.keys(ct).length !== 1 || !('startsWith' in ct)) {
    fail('InvalidOption', field, 'must be a string or { startsWith: string }', ct)
  }
  const p = checkString(ct.startsWith, `${field}.startsWith`)
  out.conditions.push(['starts-with', '$Content-Type', p])
  out.rules.push({ op: 'starts-with', name: 'Content-Type', lower: 'content-type', value: p, source: `${field}.startsWith` })
}

function metadataConditions(out: Collected, m: unknown): void {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) fail('InvalidOption', 'options.conditions.metadata', 'must be an object { name: value }', m)
  for (const name of Object.keys(m)) {
    const field = `options.conditions.metadata["${name}"]`
    if (!TOKEN.test(name)) throw new PresignError('InvalidOption', field, 'the metadata name must be a non-empty HTTP token (letters, digits, and !#$%&\'*+.^_`|~-)')
    exact(out, 'x-amz-meta-' + name, (m as Record<string, unknown>)[name], field)
  }
}

function otherConditions(out: Collected, other: unknown): void {
  if (!Array.isArray(other)) fail('InvalidOption', 'options.conditions.other', 'must be an array of conditions', other)
  other.forEach((cond, i) => {
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
    for (const r of parsed) out.rules.push(r) // a loop: a spread of 200,000 rules overflows the stack
    out.conditions.push(Array.isArray(cond) ? ([...cond] as unknown as PostPolicyCondition) : { ...(cond as Record<string, string>) })
  })
}

/** Every condition of `options.conditions`, validated, in a fixed order. */
function collectConditions(conditions: PostConditions | undefined): Collected {
  const c = conditions ?? {}
  if (c === null || typeof c !== 'object') fail('InvalidOption', 'options.conditions', 'must be an object', c)
  for (const k of Object.keys(c)) {
    if (!KNOWN_CONDITIONS.includes(k)) throw new PresignError('InvalidOption', `options.conditions.${k}`, `is not a known condition; use one of ${KNOWN_CONDITIONS.join(', ')}`)
  }
  const out: Collected = { conditions: [], rules: [] }
  if (c.contentLengthRange !== undefined) rangeCondition(out, c.contentLengthRange)
  if (c.contentType !== undefined) contentTypeCondition(out, c.contentType)
  if (c.acl !== undefined) exact(out, 'acl', checkString(c.acl, 'options.conditions.acl', { nonEmpty: true }), 'options.conditions.acl')
  if (c.successActionStatus !== undefined) {
    const s = String(c.successActionStatus)
    if (s !== '200' && s !== '201' && s !== '204') fail('InvalidOption', 'options.conditions.successActionStatus', 'must be 200, 201 or 204', c.successActionStatus)
    exact(out, 'success_action_status', s, 'options.conditions.successActionStatus')
  }
  if (c.successActionRedirect !== undefined) {
    const field = 'options.conditions.successActionRedirect'
    exact(out, 'success_action_redirect', checkString(c.successActionRedirect, field, { nonEmpty: true }), field)
  }
  if (c.cacheControl !== undefined) exact(out, 'Cache-Control', c.cacheControl, 'options.conditions.cacheControl')
  if (c.contentDisposition !== undefined) exact(out, 'Content-Disposition', c.contentDisposition, 'options.conditions.contentDisposition')
  if (c.metadata !== undefined) metadataConditions(out, c.metadata)
  if (c.other !== undefined) otherConditions(out, c.other)
  return out
}

/** The fields implied by exact conditions, by lower-cased name. */
type Implied = Map<string, { name: string; value: string; source: string }>

/** Refuse rules that no upload could satisfy together; return the implied fields and the rules of each field. */
function checkConsistency(rules: readonly Rule[]): { implied: Implied; byField: Map<string, FieldRule[]> } {
  let lo = 0
  let hi = Infinity
  let ranges = 0
  let lastRange = ''
  const implied: Implied = new Map()
  /** The rules of each field, by lower-cased name: every check below is one pass, not one pass per rule. */
  const byField = new Map<string, FieldRule[]>()
  for (const r of rules) {
    if (r.op === 'range') {
      lo = Math.max(lo, r.min)
      hi = Math.min(hi, r.max)
      ranges++
      lastRange = r.source
      continue
    }
    const list = byField.get(r.lower)
    if (list) list.push(r)
    else byField.set(r.lower, [r])
    if (r.op !== 'eq') continue
    const prev = implied.get(r.lower)
    if (prev && prev.value !== r.value) {
      throw new PresignError('InvalidOption', r.source, `requires ${r.name} = ${quote(r.value)}, but ${prev.source} requires ${quote(prev.value)}; no upload could satisfy both`)
    }
    if (!prev) implied.set(r.lower, { name: r.name, value: r.value, source: r.source })
  }
  if (ranges > 1 && lo > hi) throw new PresignError('InvalidOption', lastRange, `content-length ranges do not overlap (min ${lo} > max ${hi}); no upload could satisfy them`)
  for (const list of byField.values()) checkPrefixes(list, implied)
  return { implied, byField }
}

/** The `starts-with` rules of one field must fit its exact value, and each other. */
function checkPrefixes(list: readonly FieldRule[], implied: Implied): void {
  // Prefixes of one field can all hold at once exactly when each is a prefix of the longest one.
  let longest: FieldRule | undefined
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

/** Check one of the caller's extra form fields against the policy. */
function checkExtraField(name: string, value: unknown, byField: ReadonlyMap<string, FieldRule[]>): string {
  const field = `options.fields["${name}"]`
  const lower = name.toLowerCase()
  const v = checkString(value, field)
  if (name === '' || /[\x00-\x1f\x7f"]/.test(name)) throw new PresignError('InvalidOption', field, 'a form field name must be non-empty, without control characters or double quotes')
  if (RESERVED.has(lower)) {
    throw new PresignError('InvalidOption', field, lower === 'key' ? 'is set from location.key / location.keyPrefix' : lower === 'file' ? 'is the upload itself; append it last to the form' : 'is set by presignPost')
  }
  if (isExempt(lower)) return v
  const covering = byField.get(lower)
  if (!covering) {
    throw new PresignError(
      'InvalidOption',
      field,
      `no policy condition covers this field, so S3 would reject the upload ("Extra input fields"); add a condition for it (e.g. conditions.other: [{ "${name}": ... }] or ["starts-with", "$${name}", ...]) or name it x-ignore-*`,
    )
  }
  const failed = covering.find((r) => !satisfies(r, v))
  if (failed) {
    throw new PresignError('InvalidOption', field, `does not satisfy ${failed.source} (${failed.op === 'eq' ? 'exactly ' : 'starts with '}${quote(failed.value)}); no upload could satisfy both`)
  }
  return v
}

/**
 * The form fields: the key, those implied by exact conditions, then the caller's. A Map, turned into an object at
 * the end: a field named `__proto__` is a field like any other.
 */
function formFields(keyField: string, implied: Implied, byField: ReadonlyMap<string, FieldRule[]>, extra: unknown): Map<string, string> {
  const fields = new Map<string, string>([['key', keyField]])
  const fieldLower = new Map<string, string>([['key', 'key']])
  for (const { name, value } of implied.values()) {
    fields.set(name, value)
    fieldLower.set(name.toLowerCase(), name)
  }
  if (extra === undefined) return fields
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) fail('InvalidOption', 'options.fields', 'must be an object { name: value }', extra)
  const seen = new Set<string>()
  for (const name of Object.keys(extra)) {
    const value = checkExtraField(name, (extra as Record<string, unknown>)[name], byField)
    const lower = name.toLowerCase()
    if (seen.has(lower)) throw new PresignError('InvalidOption', `options.fields["${name}"]`, 'is given twice (form field names are case-insensitive)')
    seen.add(lower)
    const existing = fieldLower.get(lower)
    if (existing !== undefined) fields.delete(existing)
    fields.set(name, value)
    fieldLower.set(lower, name)
  }
  return fields
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
  const key = postKey(location)
  const { conditions, rules } = collectConditions(options.conditions)
  const { implied, byField } = checkConsistency(rules)
  const fields = formFields(key.field, implied, byField, options.fields)

  // ---- sign -----------------------------------------------------------------------------------
  const { bucket, region } = location
  const amzDate = toAmzDate(signedAtMs)
  const day = amzDate.slice(0, 8)
  const credential = creds.accessKeyId + '/' + credentialScope(day, region, 's3')
  conditions.push({ bucket }, key.condition, { 'x-amz-algorithm': ALGORITHM }, { 'x-amz-credential': credential }, { 'x-amz-date': amzDate })
  if (creds.sessionToken !== undefined) conditions.push({ 'x-amz-security-token': creds.sessionToken })
  const expiresAtMs = signedAtMs + expiresIn * 1000
  const policy = { expiration: new Date(expiresAtMs).toISOString(), conditions }
  const policyBase64 = base64Utf8(JSON.stringify(policy))
  const signing = await signingKey(creds.accessKeyId, creds.secretAccessKey, day, region, 's3')
  fields.set('x-amz-algorithm', ALGORITHM).set('x-amz-credential', credential).set('x-amz-date', amzDate)
  if (creds.sessionToken !== undefined) fields.set('x-amz-security-token', creds.sessionToken)
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
  const loc = { bucket: location.bucket, region: location.region, endpoint: location.endpoint, forcePathStyle: location.forcePathStyle, key: '' }
  // A bucket name only: S3 takes browser POST uploads on buckets, not on access points (an ARN is InvalidBucket).
  const url = bucketUrl(loc)
  const slash = url.indexOf('/', url.indexOf('//') + 2)
  return slash === url.length - 1 ? url : url.slice(0, -1)
}
