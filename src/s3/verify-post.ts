import { base64ToBytes } from '../core/base64.js'
import { ALGORITHM } from '../core/constants.js'
import { equalHex, hmac, toHex } from '../core/crypto.js'
import { signingKey } from '../core/signing-key.js'
import { parseAmzDate, utcMs } from '../core/time.js'
import { utf8Length } from '../core/utf8.js'
import { checkObject } from '../core/validate.js'
import { checkAccepted, checkLookup, checkNow, type CredentialsLookup, lookUp, parseCredential, TOKEN_MESSAGES, tokenProblem } from '../verify/shared.js'
import { fieldBytes, FILENAME, isExempt, isInt, MAX_FIELD_BYTES, MAX_KEY_BYTES, parseCondition, type Rule, satisfies, showCondition, sizeRange } from './post-conditions.js'

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
  /**
   * Look up the credentials of an access key id from the form; validated as `verifyPresigned` validates it: anything
   * but `{ accessKeyId, secretAccessKey, sessionToken?, expiration? }` for this id is an unknown key. For temporary
   * credentials return their `sessionToken` and `expiration`, as for `verifyPresigned`.
   */
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
  | 'ExpiredToken'
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
  /** It verified. */
  readonly ok: true
  /** Who signed the policy. */
  readonly accessKeyId: string
  /** The bucket the form was posted to. */
  readonly bucket: string
  /** The object key, with `${filename}` replaced by the file name when one is known. */
  readonly key: string
  /** The credential scope's region. */
  readonly region: string
  /** `x-amz-date`. */
  readonly signedAt: Date
  /** The policy's expiration. */
  readonly expiresAt: Date
  /**
   * The allowed file size in bytes (every `content-length-range`, and S3's 5 GB POST limit).
   * Enforce it while streaming when `fileSize` was not known.
   */
  readonly contentLength: {
    /** The smallest allowed size in bytes. */
    readonly min: number
    /** The largest allowed size in bytes. */
    readonly max: number
  }
  /** `true` when the size was checked: `fileSize` was given, or the form has its `file` entry. */
  readonly sizeChecked: boolean
  /**
   * The entry that was checked as the file, when the form has one (the fields after it are ignored, as S3 does).
   * A gateway must store exactly `file.value`, never look the file up again by name.
   */
  readonly file?: PostFileEntry | undefined
  /** The form fields (without `file`), as S3 reads them: `${filename}` replaced by the file's name when it is known. */
  readonly fields: Readonly<Record<string, string>>
  /** The decoded policy. */
  readonly policy: {
    /** The policy's `expiration`, as written. */
    readonly expiration: string
    /** Its conditions, as written. */
    readonly conditions: readonly unknown[]
  }
  /** The session token the form carried, if any. */
  readonly sessionToken?: string | undefined
}

/** A POST form that did not verify, in S3's words. Never contains a secret. */
export interface VerifyPostFailure {
  /** It did not verify. */
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
const isFailure = (value: object): value is VerifyPostFailure => 'ok' in value

const EXPIRATION = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

interface BlobLike {
  readonly size: number
  readonly name?: unknown
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
  /** The file entry's `name`, when it is a string (read once, with its size, where a throwing getter is caught). */
  readonly fileName?: string | undefined
}

/** Read the form's entries (a `FormData`, `[name, value]` pairs or a plain object); any oddity is `MalformedForm`. */
function readForm(raw: unknown): ReadForm | VerifyPostFailure {
  if (raw === null || typeof raw !== 'object') return malformedForm('The form has no fields')
  const form = new Map<string, { name: string; value: string }>()
  let bytes = 0
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
        // `size` and `name` are read once, here: a getter that throws is caught, one that changes is checked as used.
        const size = isBlob(value) ? value.size : undefined
        if (isInt(size)) {
          const fileName = (value as BlobLike).name
          return { form, file: { name, index, value: value as unknown as Blob, size }, fileName: typeof fileName === 'string' ? fileName : undefined }
        }
        return malformedForm(`The form field ${shown} is neither text nor a file of a whole number of bytes`)
      }
      if (typeof value !== 'string') return malformedForm(`The form field ${shown} is not text`)
      if (form.has(lower)) return malformedForm(`The form field ${shown} appears more than once`)
      bytes += fieldBytes(name, value)
      if (bytes > MAX_FIELD_BYTES) {
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

/** The form's signing fields, checked: who signed, for which scope, when. */
interface FormAuth {
  readonly policyText: string
  readonly signature: string
  readonly accessKeyId: string
  readonly day: string
  readonly region: string
  readonly service: string
  readonly signedAtMs: number
}

/** The signing fields a form must have, in the order S3's message names them. */
const AUTH_FIELDS = ['policy', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature']

function formAuth(get: (lower: string) => string | undefined, regions: readonly string[] | undefined, services: readonly string[] | undefined): FormAuth | VerifyPostFailure {
  const missing = AUTH_FIELDS.filter((n) => get(n) === undefined)
  if (missing.length) {
    return malformedForm(`Bucket POST must contain the fields policy, x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature; missing: ${missing.join(', ')}`)
  }
  const [policyText, algorithm, credentialText, amzDate, signature] = AUTH_FIELDS.map((n) => get(n)!) as [string, string, string, string, string]
  if (get('key') === undefined) return malformedForm("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
  if (algorithm !== ALGORITHM) return failPost('UnsupportedAlgorithm', 'InvalidArgument', 400, `x-amz-algorithm only supports "${ALGORITHM}"`)
  const credential = parseCredential(credentialText, false)
  if (!credential) {
    return malformedForm('Error parsing the x-amz-credential field; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
  }
  const { accessKeyId, day, service } = credential
  const region = credential.region!
  const signedAtMs = parseAmzDate(amzDate)
  if (signedAtMs === undefined) return malformedForm('x-amz-date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"')
  if (day !== amzDate.slice(0, 8)) {
    return failPost('ScopeMismatch', 'InvalidArgument', 400, `Invalid credential date "${day}". This date is not the same as x-amz-date: "${amzDate.slice(0, 8)}".`)
  }
  if (regions !== undefined && !regions.includes(region)) {
    return failPost('ScopeMismatch', 'AuthorizationHeaderMalformed', 400, `Error parsing the x-amz-credential field; the region '${region}' is wrong`)
  }
  if (services !== undefined && !services.includes(service)) {
    return failPost('ScopeMismatch', 'InvalidArgument', 400, `Error parsing the x-amz-credential field; incorrect service "${service}"`)
  }
  return { policyText, signature, accessKeyId, day, region, service, signedAtMs }
}

/** The signature over the base64 policy, under the key of the form's credential; `undefined` when it holds. */
async function checkSignature(auth: FormAuth, lookup: CredentialsLookup, token: string | undefined, nowMs: number): Promise<VerifyPostFailure | undefined> {
  const creds = await lookUp(lookup, auth.accessKeyId)
  if (!creds) return failPost('UnknownAccessKey', 'InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.')
  const problem = tokenProblem(creds, token, nowMs)
  if (problem) return failPost(problem, problem, 400, TOKEN_MESSAGES[problem])
  const key = await signingKey(auth.accessKeyId, creds.secretAccessKey, auth.day, auth.region, auth.service)
  if (equalHex(toHex(await hmac(key, auth.policyText)), auth.signature.toLowerCase())) return undefined
  return failPost('SignatureDoesNotMatch', 'SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.')
}

/** The decoded policy: its expiration and its rules. */
interface Policy {
  readonly expiration: string
  readonly expiresAtMs: number
  readonly conditions: unknown[]
  readonly rules: Rule[]
}

function parsePolicy(policyText: string): Policy | VerifyPostFailure {
  if (!BASE64.test(policyText)) return invalidPolicy('Policy is not valid base64.')
  let doc: unknown
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(policyText)))
  } catch {
    return invalidPolicy('Invalid JSON.')
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return invalidPolicy('Invalid JSON.')
  const unexpected = Object.keys(doc).find((k) => k !== 'expiration' && k !== 'conditions')
  if (unexpected !== undefined) return invalidPolicy(`Unexpected: ${JSON.stringify(unexpected.slice(0, 64))}`)
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown }
  if (expiration === undefined) return invalidPolicy('Policy missing expiration.')
  const em = typeof expiration === 'string' ? EXPIRATION.exec(expiration) : null
  const wholeSeconds = em ? utcMs(em[1]!, em[2]!, em[3]!, em[4]!, em[5]!, em[6]!) : undefined
  if (wholeSeconds === undefined) return invalidPolicy(`Invalid 'expiration' value: ${showCondition(expiration).slice(0, 80)}`)
  const expiresAtMs = wholeSeconds + Math.floor(Number('0' + (em![7] ?? '')) * 1000)
  if (!Array.isArray(conditions)) return invalidPolicy('Policy missing conditions.')
  const rules: Rule[] = []
  for (const cond of conditions as unknown[]) {
    const parsed = parseCondition(cond, '', true)
    if (Array.isArray(parsed)) {
      for (const r of parsed) rules.push(r)
      continue
    }
    if (parsed.problem === 'bounds') return invalidPolicy('Invalid content-length-range: the bounds must be integers >= 0.')
    if (parsed.problem === 'empty') return invalidPolicy('Invalid Simple-Condition: the condition is empty.')
    if (parsed.problem === 'many') return invalidPolicy('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.')
    if (parsed.problem === 'value' && parsed.name !== undefined) return invalidPolicy('Invalid Simple-Condition: value must be a string.')
    return invalidPolicy(`Invalid Condition: ${showCondition(cond)}`)
  }
  return { expiration: expiration as string, expiresAtMs, conditions: conditions as unknown[], rules }
}

/** Every condition holds, and every field is covered by one; `undefined` when so. */
function checkConditions(rules: readonly Rule[], form: ReadForm['form'], bucket: string): VerifyPostFailure | undefined {
  for (const r of rules) {
    if (r.op === 'range') continue
    const value = r.lower === 'bucket' ? bucket : (form.get(r.lower)?.value ?? '')
    if (!satisfies(r, value)) return accessDenied('ConditionFailed', `Invalid according to Policy: Policy Condition failed: ${show(r.op, r.name, r.value)}`)
  }
  // A content-length-range covers no field (not even one named "").
  const covered = new Set(rules.flatMap((r) => (r.op === 'range' ? [] : [r.lower])))
  const extra = [...form.entries()].filter(([lower]) => !isExempt(lower) && !covered.has(lower)).map(([, f]) => f.name)
  return extra.length ? accessDenied('ExtraField', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`) : undefined
}

/** The name `${filename}` stands for: the last segment of `filename`, else of the file entry's name; none without either. */
function fileNameOf(requested: unknown, entryName: string | undefined): string | undefined | VerifyPostFailure {
  if (requested !== undefined && typeof requested !== 'string') return malformedForm('The file name must be a string')
  const fileName = (requested as string | undefined) ?? entryName
  return fileName === undefined ? undefined : baseName(fileName)
}

/** A bound on the fields with `${filename}` expanded (S3's 20 KiB counts the fields as sent), so that none is huge. */
const MAX_EXPANDED_BYTES = 1 << 20

/**
 * The form as S3 checks it: `${filename}` in every field replaced by the file's name ("All variables within the form
 * are expanded prior to validating the POST policy", AWS), kept as written when no name is known. Sizes are known
 * before a value is built: the key within S3's 1024 bytes, all fields within 1 MiB.
 */
function expandForm(form: ReadForm['form'], filename: string | undefined): ReadForm['form'] | VerifyPostFailure {
  const grow = filename === undefined ? 0 : utf8Length(filename) - FILENAME.length
  const expandedBytes = (value: string): number => utf8Length(value) + (value.split(FILENAME).length - 1) * grow
  if (expandedBytes(form.get('key')!.value) > MAX_KEY_BYTES) return failPost('KeyTooLong', 'KeyTooLongError', 400, 'Your key is too long')
  if (filename === undefined) return form
  const out: ReadForm['form'] = new Map()
  let bytes = 0
  for (const [lower, field] of form) {
    const parts = field.value.split(FILENAME)
    bytes += utf8Length(field.value) + (parts.length - 1) * grow
    if (bytes > MAX_EXPANDED_BYTES) return malformedForm('The form fields, with ${filename} replaced by the file name, are over 1 MiB')
    out.set(lower, parts.length === 1 ? field : { name: field.name, value: parts.join(filename) })
  }
  return out
}

/** The file's size: `fileSize`, or the file entry's; they must agree. */
function fileSizeOf(given: unknown, file: PostFileEntry | undefined): number | undefined | VerifyPostFailure {
  if (given !== undefined && !isInt(given)) return malformedForm('The file size must be an integer number of bytes >= 0')
  if (file && given !== undefined && given !== file.size) return malformedForm(`The file size ${given} differs from the size of the form's file entry (${file.size})`)
  return (given as number | undefined) ?? file?.size
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
  if (isFailure(read)) return read
  const { form, file } = read
  const get = (lower: string): string | undefined => form.get(lower)?.value
  const fileSize = fileSizeOf(request.fileSize, file)
  if (typeof fileSize === 'object') return fileSize
  if (typeof request.bucket !== 'string' || request.bucket === '') return malformedForm('The target bucket is missing')
  const auth = formAuth(get, regions, services)
  if (isFailure(auth)) return auth
  const token = get('x-amz-security-token')
  const unsigned = await checkSignature(auth, lookup, token, nowMs)
  if (unsigned) return unsigned
  const policy = parsePolicy(auth.policyText)
  if (isFailure(policy)) return policy
  if (nowMs > policy.expiresAtMs) return accessDenied('Expired', 'Invalid according to Policy: Policy expired.')
  const filename = fileNameOf(request.filename, read.fileName)
  if (typeof filename === 'object') return filename
  const expanded = expandForm(form, filename)
  if (isFailure(expanded)) return expanded
  const unmet = checkConditions(policy.rules, expanded, request.bucket)
  if (unmet) return unmet
  const { min, max } = sizeRange(policy.rules)
  if (fileSize !== undefined) {
    if (fileSize > max) return failPost('EntityTooLarge', 'EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size')
    if (fileSize < min) return failPost('EntityTooSmall', 'EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size')
  }
  const key = expanded.get('key')!.value
  // No object has an empty key (an empty key field, or "${filename}" and a file whose name is empty).
  if (key === '') return malformedForm('User key must have a length greater than 0.')
  return {
    ok: true,
    accessKeyId: auth.accessKeyId,
    bucket: request.bucket,
    key,
    region: auth.region,
    signedAt: new Date(auth.signedAtMs),
    expiresAt: new Date(policy.expiresAtMs),
    contentLength: { min, max },
    sizeChecked: fileSize !== undefined,
    file,
    fields: Object.fromEntries([...expanded.values()].map((f) => [f.name, f.value])),
    policy: { expiration: policy.expiration, conditions: policy.conditions },
    sessionToken: token,
  }
}
