import { type HeadersInput, type QueryParam, canonicalRequest, canonicalUri, formatCanonicalHeaders, joinCanonicalQuery, parseQuery } from './canonical-request.js'
import { EMPTY_SHA256, hmac, sha256Hex, subtle, toHex, utf8 } from './crypto.js'
import { PresignError } from './errors.js'
import { ALGORITHM_V4A, type Credentials, HOST_PORT, URL_PARTS } from './presign.js'
import { derToP1363, v4aKeys } from './sigv4a.js'
import { signingKey } from './signing-key.js'
import { ALGORITHM, credentialScope, stringToSign } from './string-to-sign.js'

/** The request a server received. */
export interface VerifyRequest {
  /** HTTP method of the request. */
  readonly method: string
  /**
   * The URL as received: absolute (`https://host/path?query`, e.g. `request.url` in workers) or
   * origin-form (`/path?query`, e.g. Node's `req.url`; the host then comes from the `host` header).
   */
  readonly url: string
  /** Request headers (plain object such as Node's `req.headers`, `[name, value]` pairs or `Headers`). */
  readonly headers?: HeadersInput | Readonly<Record<string, string | readonly string[] | undefined>> | undefined
  /** Body, hashed into the payload hash for services other than S3. */
  readonly body?: string | Uint8Array | undefined
}

/** How to verify. */
export interface VerifyOptions {
  /** Look up the credentials of an access key id; return `undefined` for an unknown key. */
  readonly credentials: (accessKeyId: string) => Credentials | undefined | Promise<Credentials | undefined>
  /** Accepted region(s) of the credential scope; for SigV4a, the server's region(s), one of which the URL's region set must cover. Default: any. */
  readonly region?: string | readonly string[] | undefined
  /** Accepted service(s) of the credential scope. Default: `s3`. */
  readonly service?: string | readonly string[] | undefined
  /** The current time (for tests). Default: now. */
  readonly now?: Date | number | undefined
  /** Seconds a URL may be dated in the future (clock skew). Default 900 (S3's 15 minutes). */
  readonly clockSkew?: number | undefined
  /** Payload hash for services other than S3 (default: SHA-256 of `request.body`, empty when absent). */
  readonly payloadHash?: string | undefined
  /** `false` when the session token is appended after signing (AWS IoT). Default `true`. */
  readonly signSessionToken?: boolean | undefined
  /** As in `presign`: default `false` for `s3`, `true` for other services. */
  readonly normalizePath?: boolean | undefined
  /** As in `presign`: default `false` for `s3`, `true` for other services. */
  readonly doubleEncodePath?: boolean | undefined
}

/** Why verification failed. Stable; match on it. */
export type VerifyFailureCode =
  | 'MalformedQuery'
  | 'UnsupportedAlgorithm'
  | 'ExpiresOutOfRange'
  | 'ScopeMismatch'
  | 'Expired'
  | 'NotYetValid'
  | 'MissingSignedHeader'
  | 'UnknownAccessKey'
  | 'InvalidToken'
  | 'SignatureDoesNotMatch'

/** A presigned request that verified. */
export interface VerifySuccess {
  readonly ok: true
  readonly accessKeyId: string
  readonly signedAt: Date
  readonly expiresAt: Date
  readonly signedHeaders: readonly string[]
  readonly region: string
  readonly service: string
  /** The session token the URL carried, if any. */
  readonly sessionToken?: string | undefined
}

/** A presigned request that did not verify, explained in S3's own terms. Never contains a secret. */
export interface VerifyFailure {
  readonly ok: false
  /** Our stable code. */
  readonly code: VerifyFailureCode
  /** The error code S3 answers with in this case (`AccessDenied`, `SignatureDoesNotMatch`, …). */
  readonly s3Code: string
  /** Human-readable reason, as S3 words it where S3 has a wording. */
  readonly message: string
  /** For `SignatureDoesNotMatch`: the canonical request the server computed. */
  readonly canonicalRequest?: string | undefined
  /** For `SignatureDoesNotMatch`: the string to sign the server computed. */
  readonly stringToSign?: string | undefined
}

/** The outcome of {@link verifyPresigned}. */
export type VerifyResult = VerifySuccess | VerifyFailure

const fail = (code: VerifyFailureCode, s3Code: string, message: string, extra?: { canonicalRequest: string; stringToSign: string }): VerifyFailure => ({
  ok: false,
  code,
  s3Code,
  message,
  ...extra,
})
const malformed = (message: string) => fail('MalformedQuery', 'AuthorizationQueryParametersError', message)

const REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(ms)
  // Reject impossible dates such as 20230231 (Date.UTC would roll them over).
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined
  return ms
}

/** SigV4a: one of the server's regions (if configured) must be in the URL's region set (`*` and `us-*` wildcards allowed). */
function coversRegions(regionSet: string, allowed: string | readonly string[] | undefined): boolean {
  if (allowed === undefined) return true
  const patterns = regionSet.split(',').map((r) => new RegExp('^' + r.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$'))
  const regions = typeof allowed === 'string' ? [allowed] : allowed
  // The server's own region must be one the signature allows.
  return regions.some((r) => patterns.some((p) => p.test(r)))
}

const accepts = (allowed: string | readonly string[] | undefined, value: string): boolean =>
  allowed === undefined || (typeof allowed === 'string' ? allowed === value : allowed.includes(value))

/**
 * The headers as received, by lower-case name, values trimmed as SigV4 canonicalizes them. Unlike
 * presign's strict input checks, anything a client sent is accepted here: only signed headers matter,
 * and a header that is not signed (a cookie with odd bytes, say) must not fail the request.
 */
function receivedHeaders(input: VerifyRequest['headers']): Map<string, string[]> {
  const map = new Map<string, string[]>()
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string' || value === undefined || value === null) return
    const values = Array.isArray(value) ? value : [value]
    const lower = name.toLowerCase()
    const list = map.get(lower) ?? []
    for (const v of values) list.push(String(v).replace(/[\t ]+/g, ' ').trim())
    map.set(lower, list)
  }
  if (input && typeof input === 'object') {
    if (Symbol.iterator in input) for (const entry of input as Iterable<readonly [string, string]>) add(entry[0], entry[1])
    else for (const name of Object.keys(input)) add(name, (input as Record<string, unknown>)[name])
  }
  return map
}

/** Compare two hex strings without an early exit. */
function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Verify a presigned (SigV4 query-string) request the way an S3-compatible
 * server does: parse and check every `X-Amz-*` parameter, the credential
 * scope, the validity window (with clock skew) and the signed headers, then
 * recompute the signature and compare it in constant time.
 *
 * Never throws for a bad request: it resolves to `{ ok: false, code, s3Code, message }`
 * (with the canonical request and string to sign for `SignatureDoesNotMatch`,
 * as S3 returns them). Throws `PresignError` only for invalid `options`.
 *
 * @example
 * const r = await verifyPresigned({ method: req.method, url: req.url, headers: req.headers },
 *   { credentials: async (id) => (id === 'AKID' ? { accessKeyId: id, secretAccessKey } : undefined), region: 'us-east-1' })
 * if (!r.ok) return new Response(r.message, { status: 403 })
 */
export async function verifyPresigned(request: VerifyRequest, options: VerifyOptions): Promise<VerifyResult> {
  if (typeof options?.credentials !== 'function') {
    throw new PresignError('InvalidOption', 'options.credentials', 'must be a function (accessKeyId) => credentials | undefined')
  }
  const skew = options.clockSkew ?? 900
  if (typeof skew !== 'number' || !(skew >= 0)) throw new PresignError('InvalidOption', 'options.clockSkew', 'must be a number of seconds >= 0')
  const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime()
  if (!Number.isFinite(nowMs)) throw new PresignError('InvalidOption', 'options.now', 'must be a valid Date or epoch milliseconds')

  const headers = receivedHeaders(request.headers)

  // URL: absolute, or origin-form with the host from the Host header.
  const url = String(request.url)
  let authority: string | undefined
  let path: string
  let query: string
  if (url.startsWith('/')) {
    const q = url.indexOf('?')
    path = q < 0 ? url : url.slice(0, q)
    query = q < 0 ? '' : url.slice(q + 1)
  } else {
    const m = URL_PARTS.exec(url)
    if (!m || m[5] !== undefined || !/^https?$/i.test(m[1]!)) return malformed('The request URL could not be parsed as an http(s) URL')
    authority = m[2]!.toLowerCase()
    path = m[3] || '/'
    query = m[4] ?? ''
  }
  const hostHeader = headers.get('host')
  const host = hostHeader?.[0] ?? (authority && HOST_PORT.test(authority) ? authority : undefined)
  if (host === undefined) return malformed('The request has no Host header')
  headers.set('host', [host])

  let params: QueryParam[]
  try {
    params = parseQuery(query, 'request.url')
  } catch {
    return malformed('The query string is not valid percent-encoding')
  }
  const auth = new Map<string, string>()
  for (const p of params) {
    if (!p.key.startsWith('X-Amz-')) continue
    if (auth.has(p.key)) return malformed(`Query-string authentication requires exactly one ${p.key} parameter`)
    const v = decode(p.value)
    if (v === undefined) return malformed(`${p.key} is not valid UTF-8 percent-encoding`)
    auth.set(p.key, v)
  }
  for (const name of REQUIRED) {
    if (!auth.has(name)) {
      return malformed(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      )
    }
  }
  const algorithm = auth.get('X-Amz-Algorithm')!
  const v4a = algorithm === ALGORITHM_V4A
  if (algorithm !== ALGORITHM && !v4a) {
    return fail('UnsupportedAlgorithm', 'AuthorizationQueryParametersError', `X-Amz-Algorithm only supports "${ALGORITHM}" and "${ALGORITHM_V4A}"`)
  }
  // SigV4: AKID/day/region/service/aws4_request; SigV4a: AKID/day/service/aws4_request plus X-Amz-Region-Set.
  const credential = auth.get('X-Amz-Credential')!.split('/')
  if (credential.length !== (v4a ? 4 : 5) || credential.at(-1) !== 'aws4_request' || credential.some((c) => c === '')) {
    return malformed(
      `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/${v4a ? '' : 'REGION/'}SERVICE/aws4_request".`,
    )
  }
  const accessKeyId = credential[0]!
  const scopeDay = credential[1]!
  const service = credential.at(-2)!
  const regionSet = auth.get('X-Amz-Region-Set')
  if (v4a && !regionSet) return malformed('SigV4a requires the X-Amz-Region-Set parameter')
  const region = v4a ? regionSet! : credential[2]!
  const amzDate = auth.get('X-Amz-Date')!
  const signedAtMs = parseAmzDate(amzDate)
  if (signedAtMs === undefined) return malformed('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"')
  const expiresText = auth.get('X-Amz-Expires')!
  if (!/^\d{1,15}$/.test(expiresText)) return malformed('X-Amz-Expires should be a number')
  const expires = Number(expiresText)
  if (expires < 1) return fail('ExpiresOutOfRange', 'AuthorizationQueryParametersError', 'X-Amz-Expires must be non-negative')
  if (expires > 604800) {
    return fail('ExpiresOutOfRange', 'AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800')
  }
  if (scopeDay !== amzDate.slice(0, 8)) {
    return fail('ScopeMismatch', 'AuthorizationQueryParametersError', `Invalid credential date "${scopeDay}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`)
  }
  if (v4a ? !coversRegions(regionSet!, options.region) : !accepts(options.region, region)) {
    return fail('ScopeMismatch', 'AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong`)
  }
  if (!accepts(options.service ?? 's3', service)) {
    return fail('ScopeMismatch', 'AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; incorrect service "${service}"`)
  }
  const expiresAtMs = signedAtMs + expires * 1000
  if (signedAtMs - nowMs > skew * 1000) {
    return fail('NotYetValid', 'AccessDenied', `Request is not valid yet (X-Amz-Date ${amzDate} is more than ${skew} s in the future)`)
  }
  if (nowMs > expiresAtMs) {
    return fail('Expired', 'AccessDenied', `Request has expired (X-Amz-Expires ${expires}, expired at ${new Date(expiresAtMs).toISOString()})`)
  }
  const signedHeaders = auth.get('X-Amz-SignedHeaders')!.split(';')
  if (!signedHeaders.includes('host')) return fail('MissingSignedHeader', 'AccessDenied', 'X-Amz-SignedHeaders must include host')
  const signedMap = new Map<string, string[]>()
  for (const name of signedHeaders) {
    const values = headers.get(name)
    if (!values || name !== name.toLowerCase()) {
      return fail('MissingSignedHeader', 'AccessDenied', `The signed header "${name}" is missing from the request`)
    }
    signedMap.set(name, values)
  }

  const creds = await options.credentials(accessKeyId)
  if (!creds) return fail('UnknownAccessKey', 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
  const token = auth.get('X-Amz-Security-Token')
  if (creds.sessionToken && creds.sessionToken !== token) {
    return fail('InvalidToken', 'InvalidToken', 'The provided token is malformed or otherwise invalid.')
  }

  const isS3 = service === 's3'
  let payloadHash = options.payloadHash
  if (payloadHash === undefined) {
    if (isS3) payloadHash = 'UNSIGNED-PAYLOAD'
    else if (request.body === undefined || request.body.length === 0) payloadHash = EMPTY_SHA256
    else payloadHash = await sha256Hex(typeof request.body === 'string' ? utf8(request.body) : new Uint8Array(request.body))
  }
  const signSessionToken = options.signSessionToken ?? true
  const signedParams = params.filter((p) => p.key !== 'X-Amz-Signature' && (signSessionToken || p.key !== 'X-Amz-Security-Token'))
  const formatted = formatCanonicalHeaders(signedMap)
  let uri: string
  try {
    uri = canonicalUri(path, { normalize: options.normalizePath ?? !isS3, doubleEncode: options.doubleEncodePath ?? !isS3 })
  } catch {
    return malformed('The request path is not valid')
  }
  const creq = canonicalRequest({
    method: String(request.method).toUpperCase(),
    canonicalUri: uri,
    canonicalQuery: joinCanonicalQuery(signedParams),
    canonicalHeaders: formatted.canonicalHeaders,
    signedHeaders: formatted.signedHeaders,
    payloadHash,
  })
  let sts: string
  let valid: boolean
  if (v4a) {
    sts = ALGORITHM_V4A + '\n' + amzDate + '\n' + scopeDay + '/' + service + '/aws4_request\n' + (await sha256Hex(creq))
    const sig = derToP1363(auth.get('X-Amz-Signature')!)
    const { publicKey } = await v4aKeys(accessKeyId, creds.secretAccessKey)
    valid = sig !== undefined && (await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, sig, utf8(sts)))
  } else {
    sts = stringToSign(amzDate, credentialScope(scopeDay, region, service), await sha256Hex(creq))
    const key = await signingKey(accessKeyId, creds.secretAccessKey, scopeDay, region, service)
    valid = equalHex(toHex(await hmac(key, sts)), auth.get('X-Amz-Signature')!.toLowerCase())
  }
  if (formatted.signedHeaders !== auth.get('X-Amz-SignedHeaders') || !valid) {
    return fail(
      'SignatureDoesNotMatch',
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { canonicalRequest: creq, stringToSign: sts },
    )
  }
  return {
    ok: true,
    accessKeyId,
    signedAt: new Date(signedAtMs),
    expiresAt: new Date(expiresAtMs),
    signedHeaders,
    region,
    service,
    sessionToken: token,
  }
}
