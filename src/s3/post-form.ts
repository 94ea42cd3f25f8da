/**
 * @internal The form and policy rules of browser POST uploads that S3's `presignPost` and Cloud Storage's
 * `presignGcsPost` share: the condition vocabulary ({@link PostConditions}), the key field, the consistency checks and
 * the form fields. What differs between the two services (the metadata prefix, the fields the signer writes, the
 * names in messages) is a {@link PostDialect}.
 */
import { bytesToBase64 } from '../core/base64.js'
import { describe, fail, PresignError } from '../core/errors.js'
import type { DateInput } from '../core/time.js'
import { utf8 } from '../core/crypto.js'
import { LONE_SURROGATE } from '../core/utf8.js'
import { checkRecord } from '../core/validate.js'
import { checkKeySegments } from './keys.js'
import { type FieldRule, FILENAME, fieldRule, isExempt, isInt, parseCondition, type Rule, satisfies, startsWith } from './post-conditions.js'

/** @internal What tells one service's POST policies from another's. */
export interface PostDialect {
  /** The signing function, named in messages (`presignPost`). */
  readonly signer: string
  /** The service, named in messages (`S3`). */
  readonly service: string
  /** A key of the service, named in messages (`an S3 key`). */
  readonly keyName: string
  /** The prefix of user metadata fields (`x-amz-meta-`). */
  readonly metaPrefix: string
  /** Fields the signer writes itself, and the key, bucket and file (lower case): a caller may neither set them nor put conditions on them. */
  readonly reserved: ReadonlySet<string>
}

/** @internal The bucket and key of a POST upload: exactly one of `key` and `keyPrefix` (see `PostLocation`). */
export interface PostKeyLocation {
  /** The bucket, already validated. */
  readonly bucket: string
  /** The object key, unencoded; one ending in `${filename}` allows any key with what precedes it. */
  readonly key?: string | undefined
  /** Any key that starts with this prefix. */
  readonly keyPrefix?: string | undefined
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
  /** `success_action_status`: 200, 201 (XML body) or 204 (the default). */
  readonly successActionStatus?: 200 | 201 | 204 | '200' | '201' | '204' | undefined
  /** `success_action_redirect`: where the service redirects (303) the browser after the upload. */
  readonly successActionRedirect?: string | undefined
  /** User metadata: `{ 'user-id': '42' }` becomes the field and condition `x-amz-meta-user-id` (Cloud Storage: `x-goog-meta-user-id`). */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Exact `Cache-Control`. */
  readonly cacheControl?: string | undefined
  /** Exact `Content-Disposition`. */
  readonly contentDisposition?: string | undefined
  /**
   * Further conditions, spelled as in the policy, for fields not listed above (e.g.
   * `{ 'x-amz-server-side-encryption': 'AES256' }`, `['starts-with', '$x-amz-meta-tag', '']`).
   * Not for `$key` (use `key`/`keyPrefix`), `bucket` or the signing fields (`x-amz-*`, Cloud Storage's `x-goog-*`), which are added.
   */
  readonly other?: readonly PostPolicyCondition[] | undefined
}

/** The options every POST policy signer takes (`presignPost`, `presignGcsPost`), besides who signs. */
export interface PostPolicyOptions {
  /** Lifetime of the policy in seconds, an integer in 1..604800 (7 days). Default 3600. */
  readonly expiresIn?: number | undefined
  /** When the policy is signed: `Date`, epoch ms or ISO 8601 string. Default: now. Sub-second parts are dropped. */
  readonly signingDate?: DateInput | undefined
  /** What the upload must satisfy. Every exact condition is also a form field. */
  readonly conditions?: PostConditions | undefined
  /**
   * Extra form fields (e.g. a default `Content-Type` under a `startsWith` rule). Each must be covered by a condition
   * and satisfy it, except `x-ignore-*` fields, which the service ignores.
   */
  readonly fields?: Readonly<Record<string, string>> | undefined
}

/** A signed POST policy: send `fields`, then the file as the last field named `file`, to `url`. */
export interface SignedPostPolicy {
  /** Where the form is POSTed (`multipart/form-data`): the bucket's URL, ending in `/`. */
  readonly url: string
  /** Form fields, in the order to append them; the file goes last, as `file`. */
  readonly fields: Readonly<Record<string, string>>
  /** The policy that `fields.policy` encodes (base64 of its JSON). */
  readonly policy: {
    /** The policy's expiration in UTC: S3's with milliseconds (`…T04:35:40.000Z`), Cloud Storage's without. */
    readonly expiration: string
    /** Every condition, in the order of the policy. */
    readonly conditions: readonly PostPolicyCondition[]
  }
  /** The signing date as a `Date`. */
  readonly signedAt: Date
  /** The policy's `expiration`. */
  readonly expiresAt: Date
}

/** A metadata name: an HTTP token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** The exact-match options after `contentType`, in policy order: the option, its field, whether it must be non-empty. */
const EXACT: readonly (readonly [keyof PostConditions, string, boolean?])[] = [
  ['acl', 'acl', true],
  ['successActionStatus', 'success_action_status'],
  ['successActionRedirect', 'success_action_redirect', true],
  ['cacheControl', 'Cache-Control'],
  ['contentDisposition', 'Content-Disposition'],
]
/** The keys of {@link PostConditions}. */
const KNOWN_CONDITIONS = ['contentLengthRange', 'contentType', 'acl', 'successActionStatus', 'successActionRedirect', 'metadata', 'cacheControl', 'contentDisposition', 'other']

/** A string with a UTF-8 form (no lone surrogate), or an `InvalidString` error. */
function wellFormed(value: string, field: string): string {
  if (LONE_SURROGATE.test(value)) throw new PresignError('InvalidString', field, 'has a lone UTF-16 surrogate, which has no UTF-8 encoding')
  return value
}

/** A string option (non-empty if `nonEmpty`) with a UTF-8 form, or a `PresignError`. */
function checkString(value: unknown, field: string, nonEmpty?: boolean): string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) fail('InvalidOption', field, `must be a ${nonEmpty ? 'non-empty ' : ''}string`, value)
  return wellFormed(value, field)
}

/** Short, JSON-quoted rendering of a (non-secret) condition value for messages. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value)
}

/** @internal base64 of the UTF-8 bytes of `text`, with `btoa` (no Node-only Buffer needed). */
export function base64Utf8(text: string): string {
  return bytesToBase64(utf8(text))
}

/** Validate one caller condition (from `other`) into rules, with the grammar `verifyPost` reads policies with. */
function parseCallerCondition(c: unknown, field: string): Rule[] {
  const parsed = parseCondition(c, field, false)
  if (!Array.isArray(parsed)) {
    const { problem, name, value } = parsed
    if (problem === 'bounds') throw new PresignError('InvalidOption', field, 'content-length-range bounds must be integers >= 0')
    if (problem === 'empty' || problem === 'many') {
      throw new PresignError('InvalidOption', field, `has ${problem === 'many' ? 'more than one property' : 'no property'}; an exact-match condition is { "field": "value" }, one field each`)
    }
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
function postKey(location: PostKeyLocation, d: PostDialect): [field: string, condition: PostPolicyCondition] {
  if ((location.key === undefined) === (location.keyPrefix === undefined)) {
    throw new PresignError('InvalidKey', 'location.key', 'give exactly one of location.key (an exact key, or one ending in ${filename}) and location.keyPrefix')
  }
  if (location.key !== undefined) {
    const key = location.key
    if (typeof key !== 'string' || key === '') fail('InvalidKey', 'location.key', 'must be a non-empty string', key)
    wellFormed(key, 'location.key')
    if (utf8(key).length > 1024) throw new PresignError('InvalidKey', 'location.key', `is longer than 1024 bytes of UTF-8, the ${d.service} limit`)
    checkKeySegments(key, 'location.key') // as for presignS3: such an object could be uploaded, never fetched
    return [key, key.endsWith(FILENAME) ? ['starts-with', '$key', key.slice(0, -FILENAME.length)] : { key }]
  }
  const prefix = location.keyPrefix
  if (typeof prefix !== 'string') fail('InvalidKey', 'location.keyPrefix', 'must be a string (\'\' allows any key)', prefix)
  wellFormed(prefix, 'location.keyPrefix')
  if (prefix.includes(FILENAME)) throw new PresignError('InvalidKey', 'location.keyPrefix', 'must not contain ${filename}; it is appended to form the key field')
  if (utf8(prefix).length > 1024 - FILENAME.length) throw new PresignError('InvalidKey', 'location.keyPrefix', `is too long for ${d.keyName} (1024 bytes of UTF-8)`)
  // Complete segments only: a prefix ending in "." may begin a file name such as ".env".
  checkKeySegments(prefix, 'location.keyPrefix', true)
  return [prefix + FILENAME, ['starts-with', '$key', prefix]]
}

/** The policy's conditions, in a fixed order, and the rules they make. */
interface Collected {
  readonly conditions: PostPolicyCondition[]
  readonly rules: Rule[]
}

/** Add an exact-match condition (which is also a form field). */
function exact(out: Collected, name: string, value: unknown, field: string, nonEmpty?: boolean): void {
  const v = checkString(value, field, nonEmpty)
  out.conditions.push({ [name]: v })
  out.rules.push(fieldRule('eq', name, v, field))
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
  out.rules.push(fieldRule('starts-with', 'Content-Type', p, `${field}.startsWith`))
}

function metadataConditions(out: Collected, metadata: unknown, d: PostDialect): void {
  const m = checkRecord(metadata, 'options.conditions.metadata')
  for (const name of Object.keys(m)) {
    const field = `options.conditions.metadata["${name}"]`
    if (!TOKEN.test(name)) throw new PresignError('InvalidOption', field, 'the metadata name must be a non-empty HTTP token (letters, digits, and !#$%&\'*+.^_`|~-)')
    exact(out, d.metaPrefix + name, m[name], field)
  }
}

function otherConditions(out: Collected, other: unknown, d: PostDialect): void {
  if (!Array.isArray(other)) fail('InvalidOption', 'options.conditions.other', 'must be an array of conditions', other)
  other.forEach((cond, i) => {
    const field = `options.conditions.other[${i}]`
    const parsed = parseCallerCondition(cond, field)
    for (const r of parsed) {
      if (r.op !== 'range' && (d.reserved.has(r.lower) || r.lower === '')) {
        throw new PresignError(
          'InvalidOption',
          field,
          r.lower === 'key'
            ? 'must not constrain $key; use location.key or location.keyPrefix'
            : `must not constrain "${r.name}": ${r.lower === 'bucket' ? 'location.bucket' : 'this field'} is set by ${d.signer}`,
        )
      }
    }
    for (const r of parsed) out.rules.push(r) // a loop: a spread of 200,000 rules overflows the stack
    out.conditions.push(Array.isArray(cond) ? ([...cond] as unknown as PostPolicyCondition) : { ...(cond as Record<string, string>) })
  })
}

/** Every condition of `options.conditions`, validated, in a fixed order. */
function collectConditions(conditions: PostConditions | undefined, d: PostDialect): Collected {
  const c = conditions ?? {}
  if (c === null || typeof c !== 'object') fail('InvalidOption', 'options.conditions', 'must be an object', c)
  for (const k of Object.keys(c)) {
    if (!KNOWN_CONDITIONS.includes(k)) throw new PresignError('InvalidOption', `options.conditions.${k}`, `is not a known condition; use one of ${KNOWN_CONDITIONS.join(', ')}`)
  }
  const out: Collected = { conditions: [], rules: [] }
  if (c.contentLengthRange !== undefined) rangeCondition(out, c.contentLengthRange)
  if (c.contentType !== undefined) contentTypeCondition(out, c.contentType)
  for (const [option, name, nonEmpty] of EXACT) {
    let v = c[option]
    if (v === undefined) continue
    const field = 'options.conditions.' + option
    if (option === 'successActionStatus') {
      v = String(v)
      if (v !== '200' && v !== '201' && v !== '204') fail('InvalidOption', field, 'must be 200, 201 or 204', c[option])
    }
    exact(out, name, v, field, nonEmpty)
  }
  if (c.metadata !== undefined) metadataConditions(out, c.metadata, d)
  if (c.other !== undefined) otherConditions(out, c.other, d)
  return out
}

/** The fields implied by exact conditions, by lower-cased name. */
type Implied = Map<string, FieldRule>

/** Refuse rules that no upload could satisfy together; return the implied fields and the rules of each field. */
function checkConsistency(rules: readonly Rule[], service: string): [implied: Implied, byField: Map<string, FieldRule[]>] {
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
    if (!prev) implied.set(r.lower, r)
  }
  if (ranges > 1 && lo > hi) throw new PresignError('InvalidOption', lastRange, `content-length ranges do not overlap (min ${lo} > max ${hi}); no upload could satisfy them`)
  for (const list of byField.values()) checkPrefixes(list, implied, service)
  return [implied, byField]
}

/** The `starts-with` rules of one field must fit its exact value, and each other. */
function checkPrefixes(list: readonly FieldRule[], implied: Implied, service: string): void {
  // Prefixes of one field can all hold at once exactly when each is a prefix of the longest one.
  let longest: FieldRule | undefined
  for (const r of list) if (r.op === 'starts-with' && (!longest || r.value.length > longest.value.length)) longest = r
  for (const r of list) {
    if (r.op !== 'starts-with') continue
    if (r.lower === 'content-type' && r.value.includes(',')) {
      throw new PresignError('InvalidOption', r.source, `a Content-Type prefix must not contain ","; ${service} reads a Content-Type with commas as a list and matches each element, so no upload could satisfy it`)
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
function checkExtraField(name: string, value: unknown, byField: ReadonlyMap<string, FieldRule[]>, d: PostDialect): string {
  const field = `options.fields["${name}"]`
  const lower = name.toLowerCase()
  const v = checkString(value, field)
  if (name === '' || /[\x00-\x1f\x7f"]/.test(name)) throw new PresignError('InvalidOption', field, 'a form field name must be non-empty, without control characters or double quotes')
  if (d.reserved.has(lower)) {
    throw new PresignError('InvalidOption', field, lower === 'key' ? 'is set from location.key / location.keyPrefix' : lower === 'file' ? 'is the upload itself; append it last to the form' : `is set by ${d.signer}`)
  }
  if (isExempt(lower)) return v
  const covering = byField.get(lower)
  if (!covering) {
    throw new PresignError(
      'InvalidOption',
      field,
      `no policy condition covers this field, so ${d.service} would reject the upload ("Extra input fields"); add a condition for it (e.g. conditions.other: [{ "${name}": ... }] or ["starts-with", "$${name}", ...]) or name it x-ignore-*`,
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
function formFields(keyField: string, implied: Implied, byField: ReadonlyMap<string, FieldRule[]>, extra: unknown, d: PostDialect): Map<string, string> {
  const fields = new Map<string, string>([['key', keyField]])
  const fieldLower = new Map<string, string>([['key', 'key']])
  for (const { name, value } of implied.values()) {
    fields.set(name, value)
    fieldLower.set(name.toLowerCase(), name)
  }
  const given = checkRecord(extra, 'options.fields')
  const seen = new Set<string>()
  for (const name of Object.keys(given)) {
    const value = checkExtraField(name, given[name], byField, d)
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
 * @internal A POST form before signing: the policy's conditions so far (the caller's, validated, in a fixed order, then
 * `{ bucket }` and the key's; the signer appends its own), and the form fields (the key, the fields implied by exact
 * conditions, then the caller's; `__proto__` is a field like any other).
 */
export type PostForm = [conditions: PostPolicyCondition[], fields: Map<string, string>]

/**
 * @internal Validate a POST upload's key, conditions and extra fields, with the service's dialect: every condition
 * parsed, contradictions refused, every extra field covered by a condition.
 */
export function postForm(location: PostKeyLocation, conditions: PostConditions | undefined, extra: unknown, d: PostDialect): PostForm {
  const [keyField, keyCondition] = postKey(location, d)
  const collected = collectConditions(conditions, d)
  const [implied, byField] = checkConsistency(collected.rules, d.service)
  const fields = formFields(keyField, implied, byField, extra, d)
  collected.conditions.push({ bucket: location.bucket }, keyCondition)
  return [collected.conditions, fields]
}
