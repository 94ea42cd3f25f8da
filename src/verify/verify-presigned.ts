import { canonicalRequest, canonicalUri, formatCanonicalHeaders, type HeadersInput, joinCanonicalQuery, parseQuery, type QueryParam } from '../core/canonical-request.js'
import { ALGORITHM, ALGORITHM_V4A, MAX_EXPIRES, REQUIRED_AUTH_PARAMS } from '../core/constants.js'
import { EMPTY_SHA256, equalHex, hmac, sha256Hex, subtle, toHex, utf8 } from '../core/crypto.js'
import { fail as failOption } from '../core/errors.js'
import { globMatch, parseRegionSet } from '../core/region-set.js'
import { serviceRules } from '../core/service-rules.js'
import { signingKey } from '../core/signing-key.js'
import { credentialScope, credentialScopeV4a, stringToSign, stringToSignV4a } from '../core/string-to-sign.js'
import { parseAmzDate } from '../core/time.js'
import { HOST_PORT, URL_PARTS } from '../core/url.js'
import { checkBoolean, checkObject, checkPayloadHash } from '../core/validate.js'
import { derToP1363, v4aKeys } from '../sign/sigv4a.js'
import { checkAccepted, checkLookup, checkNow, type CredentialsLookup, lookUp, parseCredential } from './shared.js'

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
  /**
   * Look up the credentials of an access key id, which comes from the request (any string: never index a plain
   * object with it; use a `Map` or `Object.hasOwn`). Return `undefined` or `null` for an unknown key. A result that
   * is not `{ accessKeyId, secretAccessKey, sessionToken? }` with this very `accessKeyId` and a non-empty string
   * secret counts as an unknown key.
   */
  readonly credentials: CredentialsLookup
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
  /** As in `presign`: default `false` for S3's signing names (`s3`, `s3-object-lambda`, `s3-outposts`), `true` for other services. */
  readonly normalizePath?: boolean | undefined
  /** As in `presign`: default `false` for S3's signing names (`s3`, `s3-object-lambda`, `s3-outposts`), `true` for other services. */
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
  | 'UnsignedHeader'
  | 'HeadersTooLarge'
  | 'UnknownAccessKey'
  | 'InvalidToken'
  | 'SignatureDoesNotMatch'

/** A presigned request that verified. */
export interface VerifySuccess {
  /** It verified. */
  readonly ok: true
  /** Who signed (the lookup returned valid credentials for it). */
  readonly accessKeyId: string
  /** `X-Amz-Date`. */
  readonly signedAt: Date
  /** `X-Amz-Date` + `X-Amz-Expires`. */
  readonly expiresAt: Date
  /** `X-Amz-SignedHeaders`, in order. */
  readonly signedHeaders: readonly string[]
  /** The scope's region (SigV4a: the region set as the URL writes it). */
  readonly region: string
  /** The scope's service. */
  readonly service: string
  /** The session token the URL carried, if any. */
  readonly sessionToken?: string | undefined
}

/** A presigned request that did not verify, explained in S3's own terms. Never contains a secret. */
export interface VerifyFailure {
  /** It did not verify. */
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

/** S3's limit on the request header section (names, values and line framing): 8 KiB. */
const MAX_HEADER_BYTES = 8192

/**
 * The one `x-amz-*` header a query-signed request may carry unsigned: S3 tolerates `x-amz-content-sha256`
 * (Swift's s3api too; the payload of a presigned request is `UNSIGNED-PAYLOAD` whatever it says). Every other
 * `x-amz-*` header must be signed, as S3 documents and enforces; Swift's s3api enforces it for `x-amz-meta-*`,
 * `x-amz-acl`, `x-amz-grant-*` and `x-amz-copy-*` (test/e2e/unsigned-headers.test.ts compares the two).
 */
const UNSIGNED_ALLOWED = 'x-amz-content-sha256'

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

/** SigV4a: one of the server's regions (if configured) must be matched by an entry of the URL's region set (`*`, `us-*`). */
function coversRegions(regionSet: readonly string[], allowed: readonly string[] | undefined): boolean {
  return allowed === undefined || allowed.some((region) => regionSet.some((pattern) => globMatch(pattern, region)))
}

const accepts = (allowed: readonly string[] | undefined, value: string): boolean => allowed === undefined || allowed.includes(value)

/**
 * The headers as received, by lower-case name, values trimmed as SigV4 canonicalizes them, and the size of the
 * header section. Unlike presign's strict input checks, anything a client sent is accepted here: only signed
 * headers matter, and a header that is not signed (a cookie with odd bytes, say) must not fail the request.
 * Values that are neither strings nor numbers (no HTTP stack produces them) are ignored.
 */
function receivedHeaders(input: VerifyRequest['headers']): { map: Map<string, string[]>; bytes: number } {
  const map = new Map<string, string[]>()
  let bytes = 0
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string') return
    const lower = name.toLowerCase()
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string' && typeof v !== 'number') continue
      const text = String(v)
      bytes += name.length + text.length + 4 // "name: value\r\n"
      let list = map.get(lower)
      if (!list) map.set(lower, (list = []))
      list.push(text.replace(/[\t ]+/g, ' ').trim())
    }
  }
  if (input && typeof input === 'object') {
    try {
      if (Symbol.iterator in input) {
        for (const entry of input as Iterable<unknown>) if (Array.isArray(entry)) add(entry[0], entry[1])
      } else for (const name of Object.keys(input)) add(name, (input as Record<string, unknown>)[name])
    } catch {
      // A broken iterator or a getter that throws: the caller passed something no HTTP stack produces.
      failOption('InvalidOption', 'request.headers', 'must be a plain object, [name, value] pairs or a Headers object')
    }
  }
  return { map, bytes }
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
  const settings = checkOptions(options)
  const { method, url, body } = checkRequest(request)
  const received = receivedHeaders(request.headers)
  if (received.bytes > MAX_HEADER_BYTES) {
    return fail('HeadersTooLarge', 'RequestHeaderSectionTooLarge', 'Your request header section exceeds the maximum allowed size.')
  }
  const target = parseTarget(url, received.map)
  if (isFailure(target)) return target
  const auth = authParams(target.params)
  if (isFailure(auth)) return auth
  const scope = checkScope(auth, settings)
  if (isFailure(scope)) return scope
  const signed = signedHeaderValues(auth.get('X-Amz-SignedHeaders')!, received.map)
  if (isFailure(signed)) return signed

  const creds = await lookUp(settings.lookup, scope.accessKeyId)
  if (!creds) return fail('UnknownAccessKey', 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
  const token = auth.get(serviceRules(scope.service).tokenParam)
  if (creds.sessionToken && creds.sessionToken !== token) {
    return fail('InvalidToken', 'InvalidToken', 'The provided token is malformed or otherwise invalid.')
  }
  const creq = await serverCanonicalRequest(method, body, target, signed.values, scope.service, settings)
  if (creq === undefined) return malformed('The request path is not valid')
  const { sts, valid } = await checkSignature(creq, scope, auth.get('X-Amz-Signature')!, creds.secretAccessKey)
  if (signed.text !== auth.get('X-Amz-SignedHeaders') || !valid) {
    return fail(
      'SignatureDoesNotMatch',
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { canonicalRequest: creq, stringToSign: sts },
    )
  }
  return {
    ok: true,
    accessKeyId: scope.accessKeyId,
    signedAt: new Date(scope.signedAtMs),
    expiresAt: new Date(scope.expiresAtMs),
    signedHeaders: signed.names,
    region: scope.region,
    service: scope.service,
    sessionToken: token,
  }
}

const isFailure = (value: object): value is VerifyFailure => 'ok' in value

/** The request's own fields: a caller's mistake here is a `PresignError`, never a 403. */
function checkRequest(request: VerifyRequest): { method: string; url: string; body: string | Uint8Array | undefined } {
  checkObject(request, 'request', '{ method, url, headers?, body? }')
  const { method, url, body } = request
  if (typeof method !== 'string') failOption('InvalidOption', 'request.method', 'must be a string', method)
  if (typeof url !== 'string') failOption('InvalidOption', 'request.url', 'must be a string', url)
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    failOption('InvalidOption', 'request.body', 'must be a string or a Uint8Array', body)
  }
  return { method, url, body }
}

/** Where the request went: path, query parameters and host. */
interface Target {
  readonly path: string
  readonly params: QueryParam[]
}

/** The URL (absolute, or origin-form with the host from the Host header), whose host becomes the `host` header. */
function parseTarget(url: string, headers: Map<string, string[]>): Target | VerifyFailure {
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
  try {
    return { path, params: parseQuery(query, 'request.url') }
  } catch {
    return malformed('The query string is not valid percent-encoding')
  }
}

/** The `X-Amz-*` parameters, decoded: each at most once, the required ones present. */
function authParams(params: readonly QueryParam[]): Map<string, string> | VerifyFailure {
  const auth = new Map<string, string>()
  for (const p of params) {
    if (!p.key.startsWith('X-Amz-')) continue
    if (auth.has(p.key)) return malformed(`Query-string authentication requires exactly one ${p.key} parameter`)
    const v = decode(p.value)
    if (v === undefined) return malformed(`${p.key} is not valid UTF-8 percent-encoding`)
    auth.set(p.key, v)
  }
  for (const name of REQUIRED_AUTH_PARAMS) {
    if (!auth.has(name)) {
      return malformed(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      )
    }
  }
  return auth
}

/** Who signed, for which scope and window: checked against the settings and the clock. */
interface Scope {
  readonly v4a: boolean
  readonly accessKeyId: string
  readonly day: string
  /** SigV4: the scope's region; SigV4a: the region set as written. */
  readonly region: string
  readonly service: string
  readonly amzDate: string
  readonly signedAtMs: number
  readonly expiresAtMs: number
}

function checkScope(auth: ReadonlyMap<string, string>, settings: Settings): Scope | VerifyFailure {
  const algorithm = auth.get('X-Amz-Algorithm')!
  const v4a = algorithm === ALGORITHM_V4A
  if (algorithm !== ALGORITHM && !v4a) {
    return fail('UnsupportedAlgorithm', 'AuthorizationQueryParametersError', `X-Amz-Algorithm only supports "${ALGORITHM}" and "${ALGORITHM_V4A}"`)
  }
  // SigV4: AKID/day/region/service/aws4_request; SigV4a: AKID/day/service/aws4_request plus X-Amz-Region-Set.
  const credential = parseCredential(auth.get('X-Amz-Credential')!, v4a)
  if (!credential) {
    return malformed(
      `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/${v4a ? '' : 'REGION/'}SERVICE/aws4_request".`,
    )
  }
  const { accessKeyId, day, service } = credential
  const regionSetText = auth.get('X-Amz-Region-Set')
  let regionSet: string[] | undefined
  if (v4a) {
    if (!regionSetText) return malformed('SigV4a requires the X-Amz-Region-Set parameter')
    regionSet = parseRegionSet(regionSetText)
    if (!regionSet) return malformed('X-Amz-Region-Set must be a comma-separated list of at most 64 regions such as "us-east-1" or "us-*"')
  }
  const region = v4a ? regionSetText! : credential.region!
  const amzDate = auth.get('X-Amz-Date')!
  const window = checkWindow(amzDate, auth.get('X-Amz-Expires')!, day)
  if (isFailure(window)) return window
  if (regionSet ? !coversRegions(regionSet, settings.regions) : !accepts(settings.regions, region)) {
    return fail('ScopeMismatch', 'AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong`)
  }
  if (!accepts(settings.services, service)) {
    return fail('ScopeMismatch', 'AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; incorrect service "${service}"`)
  }
  const { signedAtMs, expires } = window
  const expiresAtMs = signedAtMs + expires * 1000
  if (signedAtMs - settings.nowMs > settings.skew * 1000) {
    return fail('NotYetValid', 'AccessDenied', `Request is not valid yet (X-Amz-Date ${amzDate} is more than ${settings.skew} s in the future)`)
  }
  if (settings.nowMs > expiresAtMs) {
    return fail('Expired', 'AccessDenied', `Request has expired (X-Amz-Expires ${expires}, expired at ${new Date(expiresAtMs).toISOString()})`)
  }
  return { v4a, accessKeyId, day, region, service, amzDate, signedAtMs, expiresAtMs }
}

/** `X-Amz-Date` and `X-Amz-Expires`: well-formed, in range, and the date on the scope's day. */
function checkWindow(amzDate: string, expiresText: string, day: string): { signedAtMs: number; expires: number } | VerifyFailure {
  const signedAtMs = parseAmzDate(amzDate)
  if (signedAtMs === undefined) return malformed('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"')
  if (!/^\d{1,15}$/.test(expiresText)) return malformed('X-Amz-Expires should be a number')
  const expires = Number(expiresText)
  if (expires < 1) return fail('ExpiresOutOfRange', 'AuthorizationQueryParametersError', 'X-Amz-Expires must be non-negative')
  if (expires > MAX_EXPIRES) {
    return fail('ExpiresOutOfRange', 'AuthorizationQueryParametersError', `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES}`)
  }
  if (day !== amzDate.slice(0, 8)) {
    return fail('ScopeMismatch', 'AuthorizationQueryParametersError', `Invalid credential date "${day}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`)
  }
  return { signedAtMs, expires }
}

/**
 * The signed headers' values. As S3 and Swift do, an unsigned `x-amz-*` header is refused first, before the
 * missing-header check, the lookup and the signature.
 */
function signedHeaderValues(list: string, headers: ReadonlyMap<string, string[]>) {
  const names = list.split(';')
  if (!names.includes('host')) return fail('MissingSignedHeader', 'AccessDenied', 'X-Amz-SignedHeaders must include host')
  const signedSet = new Set(names)
  for (const name of headers.keys()) {
    if (name.startsWith('x-amz-') && !signedSet.has(name) && name !== UNSIGNED_ALLOWED) {
      return fail('UnsignedHeader', 'AccessDenied', 'There were headers present in the request which were not signed')
    }
  }
  const values = new Map<string, string[]>()
  for (const name of names) {
    const v = headers.get(name)
    if (!v || name !== name.toLowerCase()) return fail('MissingSignedHeader', 'AccessDenied', `The signed header "${name}" is missing from the request`)
    values.set(name, v)
  }
  return { names, values, text: formatCanonicalHeaders(values).signedHeaders }
}

/** The canonical request as the server computes it; `undefined` when the path is not valid percent-encoding. */
async function serverCanonicalRequest(
  method: string,
  body: string | Uint8Array | undefined,
  target: Target,
  signed: ReadonlyMap<string, readonly string[]>,
  service: string,
  settings: Settings,
): Promise<string | undefined> {
  const rules = serviceRules(service)
  let payloadHash = settings.payloadHash ?? rules.payloadHash
  if (payloadHash === undefined) {
    if (body === undefined || body.length === 0) payloadHash = EMPTY_SHA256
    else payloadHash = await sha256Hex(typeof body === 'string' ? utf8(body) : new Uint8Array(body))
  }
  const signedParams = target.params.filter((p) => p.key !== 'X-Amz-Signature' && (settings.signSessionToken || p.key !== rules.tokenParam))
  const formatted = formatCanonicalHeaders(signed)
  let uri: string
  try {
    uri = canonicalUri(target.path, { normalize: settings.normalizePath ?? rules.normalizePath, doubleEncode: settings.doubleEncodePath ?? rules.doubleEncodePath })
  } catch {
    return undefined
  }
  return canonicalRequest({
    // ASCII letters only are upper-cased: 'poſt'.toUpperCase() is 'POST', and no such method was ever signed.
    method: /^[A-Za-z]+$/.test(method) ? method.toUpperCase() : method,
    canonicalUri: uri,
    canonicalQuery: joinCanonicalQuery(signedParams),
    canonicalHeaders: formatted.canonicalHeaders,
    signedHeaders: formatted.signedHeaders,
    payloadHash,
  })
}

/** The string to sign, and whether the URL's signature is right for it (SigV4: HMAC in constant time; SigV4a: ECDSA). */
async function checkSignature(creq: string, scope: Scope, signature: string, secret: string): Promise<{ sts: string; valid: boolean }> {
  if (scope.v4a) {
    const sts = stringToSignV4a(scope.amzDate, credentialScopeV4a(scope.day, scope.service), await sha256Hex(creq))
    const sig = derToP1363(signature)
    const { publicKey } = await v4aKeys(scope.accessKeyId, secret)
    return { sts, valid: sig !== undefined && (await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, sig, utf8(sts))) }
  }
  const sts = stringToSign(scope.amzDate, credentialScope(scope.day, scope.region, scope.service), await sha256Hex(creq))
  const key = await signingKey(scope.accessKeyId, secret, scope.day, scope.region, scope.service)
  return { sts, valid: equalHex(toHex(await hmac(key, sts)), signature.toLowerCase()) }
}

/** The options, validated: a bad option is a `PresignError`, never a raw `TypeError` or a silently wrong check. */
type Settings = ReturnType<typeof checkOptions>
function checkOptions(options: VerifyOptions) {
  checkObject(options, 'options', '{ credentials, region?, service?, ... }')
  const skew = options.clockSkew === undefined ? 900 : options.clockSkew
  if (typeof skew !== 'number' || !(skew >= 0) || skew === Infinity) failOption('InvalidOption', 'options.clockSkew', 'must be a finite number of seconds >= 0', skew)
  return {
    lookup: checkLookup(options.credentials),
    skew,
    nowMs: checkNow(options.now),
    regions: checkAccepted(options.region, 'options.region'),
    services: checkAccepted(options.service === undefined ? 's3' : options.service, 'options.service'),
    payloadHash: checkPayloadHash(options.payloadHash),
    signSessionToken: checkBoolean(options.signSessionToken, 'options.signSessionToken', true),
    // Their defaults depend on the URL's service; checked here, applied there.
    normalizePath: options.normalizePath === undefined ? undefined : checkBoolean(options.normalizePath, 'options.normalizePath', false),
    doubleEncodePath: options.doubleEncodePath === undefined ? undefined : checkBoolean(options.doubleEncodePath, 'options.doubleEncodePath', false),
  }
}
