/**
 * @internal The verification of a presigned URL, shared by both verifiers: `verifyPresigned` (Web Crypto) and
 * `verifyPresignedSync` (the synchronous hash engine). Every rule and the order of the checks live here once, in
 * {@link verification}, which is pure: a front end only answers its needs (the credentials lookup, the SHA-256s,
 * and the HMAC, or on Web Crypto the ECDSA check of SigV4a).
 */
import { type CanonicalHeaders, canonicalPath, formatCanonicalHeaders, joinCanonicalQuery, joinCanonicalRequest, parseQuery, type QueryParam } from '../core/canonical-request.js'
import { ALGORITHM, ALGORITHM_V4A, MAX_EXPIRES, REQUIRED_AUTH_PARAMS, UNSIGNED_PAYLOAD } from '../core/constants.js'
import type { CheckedCredentials } from '../core/credentials.js'
import { EMPTY_SHA256, equalHex, utf8 } from '../core/crypto.js'
import { fail as failOption } from '../core/errors.js'
import { globMatch, parseRegionSet } from '../core/region-set.js'
import { type ServiceRules, serviceRules } from '../core/service-rules.js'
import { stringToSign } from '../core/string-to-sign.js'
import { parseAmzDate } from '../core/time.js'
import { HOST_PORT, URL_PARTS } from '../core/url.js'
import { checkBoolean, checkObject, checkPayloadHash, declaredPayloadHash } from '../core/validate.js'
import { checkAccepted, checkLookup, checkNow, type CredentialsLookup, parseCredential, TOKEN_MESSAGES, tokenProblem } from './shared.js'
import type { VerifiedBody, VerifyFailure, VerifyFailureCode, VerifyOptions, VerifyRequest, VerifyResult } from './verify-presigned.js'

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
 * The one `x-amz-*` header a query-signed request may carry unsigned: S3 tolerates `x-amz-content-sha256` (Swift's
 * s3api too; unsigned, it leaves the payload hash `UNSIGNED-PAYLOAD`). Every other `x-amz-*` header must be signed, as
 * S3 documents and enforces; Swift's s3api enforces it for `x-amz-meta-*`, `x-amz-acl`, `x-amz-grant-*` and
 * `x-amz-copy-*` (test/e2e/unsigned-headers.test.ts compares the two). Signed, its value is the payload hash.
 */
const CONTENT_SHA256 = 'x-amz-content-sha256'

/** A parameter's value, percent-decoded (`undefined` for invalid UTF-8); one without a `%` is its own decoding. */
function decode(value: string): string | undefined {
  if (!value.includes('%')) return value
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

const isFailure = (value: object): value is VerifyFailure => 'ok' in value

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
 * @internal What the verification asks its front end for, one at a time (see {@link verification}): the credentials of
 * an access key id (looked up and validated), a hex SHA-256, or whether the URL's signature is right for a string to
 * sign (an HMAC under the signing key; for SigV4a an ECDSA check).
 */
export type Need =
  | { readonly lookup: CredentialsLookup; readonly accessKeyId: string }
  | { readonly sha256: string | Uint8Array<ArrayBuffer> }
  | { readonly sts: string; readonly scope: Scope; readonly secret: string; readonly signature: string }

/** @internal The answer to a {@link Need}: credentials (or `undefined` for none), a hex hash, or whether the signature is right. */
export type Answer = CheckedCredentials | undefined | string | boolean

/**
 * @internal A verification, step by step, in the order S3 checks: the options and the request (a bad one is a
 * `PresignError`), the header section's size, the URL, the `X-Amz-*` parameters, the algorithm, scope and validity
 * window, the signed headers, then the credentials and session token, the canonical request, the string to sign and
 * the signature. Every rule is here; it yields a {@link Need} where it needs the lookup, a SHA-256 or the signature
 * check, and its front end (`verifyPresigned` on Web Crypto, `verifyPresignedSync`) answers. With `noSigV4a` (the
 * synchronous verifier, which has no ECDSA), a SigV4a URL gets that failure where an unknown algorithm is refused.
 */
export function* verification(request: VerifyRequest, options: VerifyOptions, noSigV4a?: VerifyFailure): Generator<Need, VerifyResult, Answer> {
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
  const scope = checkScope(auth, settings, noSigV4a)
  if (isFailure(scope)) return scope
  const signed = signedHeaderValues(auth.get('X-Amz-SignedHeaders')!, received.map)
  if (isFailure(signed)) return signed
  // Signed, x-amz-content-sha256 is the payload hash of the canonical request, as the signer put it there.
  const declared = signed.names.includes(CONTENT_SHA256) ? declaredPayloadHash(received.map.get(CONTENT_SHA256)) : undefined
  if (declared === null) return fail('InvalidContentSha256', 'InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.')

  const creds = (yield { lookup: settings.lookup, accessKeyId: scope.accessKeyId }) as CheckedCredentials | undefined
  if (!creds) return fail('UnknownAccessKey', 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
  const rules = serviceRules(scope.service)
  const token = auth.get(rules.tokenParam)
  const problem = tokenProblem(creds, token, settings.nowMs)
  if (problem) return fail(problem, problem, TOKEN_MESSAGES[problem])
  let payloadHash = settings.payloadHash ?? declared ?? rules.payloadHash
  if (payloadHash === undefined) {
    payloadHash = body === undefined || body.length === 0 ? EMPTY_SHA256 : ((yield { sha256: typeof body === 'string' ? utf8(body) : new Uint8Array(body) }) as string)
  }
  const creq = serverCanonicalRequest(method, target, signed, rules, settings, payloadHash)
  if (creq === undefined) return malformed('The request path is not valid')
  const hash = (yield { sha256: creq }) as string
  const sts = stringToSign(scope.amzDate, scope.credentialScope, hash, scope.algorithm)
  const valid = yield { sts, scope, secret: creds.secretAccessKey, signature: auth.get('X-Amz-Signature')! }
  if (signed.signedHeaders !== auth.get('X-Amz-SignedHeaders') || !valid) {
    return fail(
      'SignatureDoesNotMatch',
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { canonicalRequest: creq, stringToSign: sts },
    )
  }
  const { accessKeyId, signedAtMs, expiresAtMs, region, service } = scope
  const success = { ok: true, accessKeyId, signedAt: new Date(signedAtMs), expiresAt: new Date(expiresAtMs), signedHeaders: signed.names, region, service, sessionToken: token } as const
  const bound = boundBody(signed.names, received.map)
  return bound ? { ...success, body: bound } : success
}

/** The `x-amz-checksum-*` headers that name no checksum: the algorithm, its type (full object or composite), GET's mode. */
const NOT_CHECKSUMS: ReadonlySet<string> = /* @__PURE__ */ new Set(['x-amz-checksum-algorithm', 'x-amz-checksum-type', 'x-amz-checksum-mode'])

/**
 * What the signed headers bind the body to (`content-length`, `content-md5`, `x-amz-checksum-*`): the signature
 * covers these values, and the server that receives the body must check it against them (S3 does).
 */
function boundBody(names: readonly string[], received: ReadonlyMap<string, readonly string[]>): VerifiedBody | undefined {
  let out: { contentLength?: number; contentMD5?: string; contentSha256?: string; checksums?: Record<string, string> } | undefined
  for (const name of names) {
    const value = received.get(name)?.join(',')
    if (value === undefined) continue
    if (name === 'content-length' && /^\d{1,16}$/.test(value)) (out ??= {}).contentLength = Number(value)
    else if (name === 'content-md5') (out ??= {}).contentMD5 = value
    else if (name === CONTENT_SHA256 && value !== UNSIGNED_PAYLOAD) (out ??= {}).contentSha256 = value
    else if (name.startsWith('x-amz-checksum-') && !NOT_CHECKSUMS.has(name)) ((out ??= {}).checksums ??= {})[name.slice(15).toUpperCase()] = value
  }
  return out
}

/** @internal Does the URL's `X-Amz-Signature` equal this hex HMAC (compared in constant time, any hex case)? */
export const macMatches = (need: { readonly signature: string }, hexMac: string): boolean => equalHex(hexMac, need.signature.toLowerCase())

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
/** A host and port with the scheme's default port left out (`h:443` is `h` over https), as URLs compare them. */
const withoutDefaultPort = (authority: string, scheme: string): string => (authority.endsWith(scheme === 'https' ? ':443' : ':80') ? authority.slice(0, authority.lastIndexOf(':')) : authority)

function parseTarget(url: string, headers: Map<string, string[]>): Target | VerifyFailure {
  let authority: string | undefined
  let scheme: string | undefined
  let path: string
  let query: string
  if (url.startsWith('/')) {
    // A request target has no fragment (RFC 9112): a `#` here would be a path or query character to this verifier
    // and the end of the URL to whatever the request is passed on to.
    if (url.includes('#')) return malformed('The request URL could not be parsed as an http(s) URL')
    const q = url.indexOf('?')
    path = q < 0 ? url : url.slice(0, q)
    query = q < 0 ? '' : url.slice(q + 1)
  } else {
    const m = URL_PARTS.exec(url)
    if (!m || m[5] !== undefined || !/^https?$/i.test(m[1]!)) return malformed('The request URL could not be parsed as an http(s) URL')
    authority = m[2]!.toLowerCase()
    if (!HOST_PORT.test(authority)) return malformed('The request URL could not be parsed as an http(s) URL')
    scheme = m[1]!.toLowerCase()
    path = m[3] || '/'
    query = m[4] ?? ''
  }
  // URL parsers read a "\\" in a path as "/" (fetch, new URL, a gateway passing the request on): it would open
  // another key than the %5C that was signed.
  if (path.includes('\\')) return malformed('The request path has a raw "\\", which URL parsers read as "/"')
  const hostHeader = headers.get('host')
  // RFC 9112 (3.2): a request with more than one Host header is a 400. Whichever one a verifier picked, a proxy in
  // front of it or the store behind it could take the other.
  if (hostHeader && hostHeader.length > 1) return malformed('The request has more than one Host header')
  // RFC 9112 (3.2.2): an absolute URL's authority is the target (a Host header is ignored), and a client must send a
  // Host header identical to it. Signed for one host, the request must not be served from another.
  if (authority !== undefined && hostHeader && withoutDefaultPort(hostHeader[0]!.toLowerCase(), scheme!) !== withoutDefaultPort(authority, scheme!)) {
    return malformed("The request URL's host differs from its Host header")
  }
  const host = hostHeader?.[0] ?? authority
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

/** @internal Who signed, for which scope and window: checked against the settings and the clock. */
export interface Scope {
  readonly v4a: boolean
  /** `X-Amz-Algorithm`: `AWS4-HMAC-SHA256` or `AWS4-ECDSA-P256-SHA256`. */
  readonly algorithm: string
  /** The credential scope the string to sign names (as the credential wrote it, which parseCredential checked). */
  readonly credentialScope: string
  readonly accessKeyId: string
  readonly day: string
  /** SigV4: the scope's region; SigV4a: the region set as written. */
  readonly region: string
  readonly service: string
  readonly amzDate: string
  readonly signedAtMs: number
  readonly expiresAtMs: number
}

/** The algorithm (SigV4a only where the verifier has ECDSA), credential, region set, window and accepted scope. */
function checkScope(auth: ReadonlyMap<string, string>, settings: Settings, noSigV4a: VerifyFailure | undefined): Scope | VerifyFailure {
  const algorithm = auth.get('X-Amz-Algorithm')!
  const v4a = algorithm === ALGORITHM_V4A
  if (algorithm !== ALGORITHM && !v4a) {
    return fail('UnsupportedAlgorithm', 'AuthorizationQueryParametersError', `X-Amz-Algorithm only supports "${ALGORITHM}" and "${ALGORITHM_V4A}"`)
  }
  if (v4a && noSigV4a) return { ...noSigV4a }
  // SigV4: AKID/day/region/service/aws4_request; SigV4a: AKID/day/service/aws4_request plus X-Amz-Region-Set.
  const credentialText = auth.get('X-Amz-Credential')!
  const credential = parseCredential(credentialText, v4a)
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
  return { v4a, algorithm, credentialScope: credentialText.slice(accessKeyId.length + 1), accessKeyId, day, region, service, amzDate, signedAtMs, expiresAtMs }
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

/** The signed headers: their names in order, and their canonical block and list (`formatCanonicalHeaders` of their received values). */
interface SignedHeaders extends CanonicalHeaders {
  readonly names: string[]
}

/**
 * The signed headers' values. As S3 and Swift do, an unsigned `x-amz-*` header is refused first, before the
 * missing-header check, the lookup and the signature.
 */
function signedHeaderValues(list: string, headers: ReadonlyMap<string, string[]>): SignedHeaders | VerifyFailure {
  const names = list.split(';')
  if (!names.includes('host')) return fail('MissingSignedHeader', 'AccessDenied', 'X-Amz-SignedHeaders must include host')
  const signedSet = new Set(names)
  for (const name of headers.keys()) {
    if (name.startsWith('x-amz-') && !signedSet.has(name) && name !== CONTENT_SHA256) {
      return fail('UnsignedHeader', 'AccessDenied', 'There were headers present in the request which were not signed')
    }
  }
  const values = new Map<string, string[]>()
  for (const name of names) {
    const v = headers.get(name)
    if (!v || name !== name.toLowerCase()) return fail('MissingSignedHeader', 'AccessDenied', `The signed header "${name}" is missing from the request`)
    values.set(name, v)
  }
  return { names, ...formatCanonicalHeaders(values) }
}

/** The canonical request as the server computes it; `undefined` when the path is not valid percent-encoding. */
function serverCanonicalRequest(
  method: string,
  target: Target,
  signed: CanonicalHeaders,
  rules: ServiceRules,
  settings: Settings,
  payloadHash: string,
): string | undefined {
  const signedParams = target.params.filter((p) => p.key !== 'X-Amz-Signature' && (settings.signSessionToken || p.key !== rules.tokenParam))
  let uri: string
  try {
    uri = canonicalPath(target.path, settings.normalizePath ?? rules.normalizePath, settings.doubleEncodePath ?? rules.doubleEncodePath)
  } catch {
    return undefined
  }
  return joinCanonicalRequest(
    // ASCII letters only are upper-cased: 'poſt'.toUpperCase() is 'POST', and no such method was ever signed.
    /^[A-Za-z]+$/.test(method) ? method.toUpperCase() : method,
    uri,
    joinCanonicalQuery(signedParams),
    signed.canonicalHeaders,
    signed.signedHeaders,
    payloadHash,
  )
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
    normalizePath: checkBoolean(options.normalizePath, 'options.normalizePath', undefined),
    doubleEncodePath: checkBoolean(options.doubleEncodePath, 'options.doubleEncodePath', undefined),
  }
}
