import { canonicalPath, collectHeaders, formatCanonicalHeaders, type HeadersInput, headersToSend, joinCanonicalQuery, joinCanonicalRequest, parseQuery, type QueryParam, setHost } from '../core/canonical-request.js'
import type { SignedUrlDetails } from '../core/signed-url.js'
import { ALGORITHM, AUTH_PARAMS, MAX_EXPIRES } from '../core/constants.js'
import { checkCredentials, type Credentials } from '../core/credentials.js'
import { EMPTY_SHA256, hmac, sha256Hex, toHex, utf8 } from '../core/crypto.js'
import { fail, PresignError } from '../core/errors.js'
import { KeyCache } from '../core/key-cache.js'
import { serviceRules } from '../core/service-rules.js'
import { signingKey } from '../core/signing-key.js'
import { credentialScope, stringToSign } from '../core/string-to-sign.js'
import { type DateInput, toAmzDate, toEpochMs } from '../core/time.js'
import { toWirePath, uriEncode } from '../core/uri-encode.js'
import { DOT_SEGMENT, HOST_PORT, sentPath, URL_PARTS } from '../core/url.js'
import { checkBoolean, checkMethod, checkName, checkPayloadHash, checkSeconds } from '../core/validate.js'

/** The request the presigned URL will allow. */
export interface PresignRequest {
  /** HTTP method the client will use. Default `GET`. Upper-cased. */
  readonly method?: string | undefined
  /**
   * Absolute `http:` or `https:` URL, with path and query percent-encoded as
   * the client will send them. Characters that cannot appear in a URL (space,
   * non-ASCII…) are percent-encoded as UTF-8 in the result. No user info, no
   * fragment, no existing `X-Amz-*` authentication parameters.
   */
  readonly url: string
  /** Headers the client will send; all are signed. `host` is always signed (taken from `url`). */
  readonly headers?: HeadersInput | undefined
  /** Body, hashed into the signature for services other than S3 (ignored for S3's signing names, which use `UNSIGNED-PAYLOAD`). */
  readonly body?: string | Uint8Array | ArrayBuffer | undefined
}

/** How to sign. */
export interface PresignOptions {
  /** Who signs. */
  readonly credentials: Credentials
  /** Region of the credential scope, e.g. `us-east-1` (R2: `auto`). */
  readonly region: string
  /** Service of the credential scope, e.g. `s3`, `sts`, `execute-api`. */
  readonly service: string
  /** Lifetime in seconds, an integer in 1..604800 (7 days). Default 3600. */
  readonly expiresIn?: number | undefined
  /** When the signature starts to be valid: `Date`, epoch ms or ISO 8601 string. Default: now. Sub-second parts are dropped. */
  readonly signingDate?: DateInput | undefined
  /**
   * Cache-friendly URLs: sign at the signing date rounded down to a multiple of this many seconds (e.g. 900), so
   * every presign of the same request within one window returns the byte-identical URL and browser/CDN caches work.
   * `X-Amz-Expires` becomes `expiresIn + cacheWindow`, so the URL stays valid for at least `expiresIn` seconds from the
   * moment it is issued; `expiresIn + cacheWindow` must not exceed 604800. Default: none.
   */
  readonly cacheWindow?: number | undefined
  /**
   * Hex SHA-256 of the payload, or `UNSIGNED-PAYLOAD`. Default: `UNSIGNED-PAYLOAD` for S3 (`s3`, `s3-object-lambda`, `s3-outposts`),
   * otherwise the SHA-256 of `request.body` (empty when absent).
   */
  readonly payloadHash?: string | undefined
  /**
   * Include `X-Amz-Security-Token` in the signed query (default `true`). Set `false` for
   * services that want it appended after signing, such as AWS IoT WebSocket URLs.
   */
  readonly signSessionToken?: boolean | undefined
  /** Remove dot segments and empty segments before signing. Default: `false` for S3 (`s3`, `s3-object-lambda`, `s3-outposts`), `true` otherwise. */
  readonly normalizePath?: boolean | undefined
  /**
   * When `credentials.expiration` comes before the URL would expire: `'clamp'` (default) shortens `X-Amz-Expires` to
   * the credentials' remaining lifetime (see `expiresAt` in the result); `'error'` throws a `PresignError` naming
   * both times. Credentials that have already expired are always an error.
   */
  readonly credentialExpiry?: 'clamp' | 'error' | undefined
  /** Encode the path once more when building the canonical URI. Default: `false` for S3 (`s3`, `s3-object-lambda`, `s3-outposts`), `true` otherwise. */
  readonly doubleEncodePath?: boolean | undefined
}

/** Everything `presignDetailed` computed, for debugging `SignatureDoesNotMatch`. */
export interface PresignResult extends SignedUrlDetails {
  /** `YYYYMMDD/region/service/aws4_request`. */
  readonly credentialScope: string
  /** `X-Amz-Date`, `YYYYMMDDTHHMMSSZ`. */
  readonly amzDate: string
}

/** The signing parameters (lower case): a URL that already has one is rejected. */
const SIGNING_PARAMS = /* @__PURE__ */ new Set<string>(/* @__PURE__ */ AUTH_PARAMS.map((name) => name.toLowerCase()))

/** @internal A request parsed and validated, ready for the canonical request. */
export interface Prepared {
  readonly method: string
  /** `scheme://host[:port]` as emitted. */
  readonly origin: string
  readonly wirePath: string
  readonly canonicalUri: string
  readonly query: QueryParam[]
  readonly headers: Map<string, string[]>
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string | undefined
  readonly signSessionToken: boolean
  /** The parameter of the session token (the service's rule). */
  readonly tokenParam: string
  readonly region: string
  readonly service: string
  readonly expiresIn: number
  readonly signedAtMs: number
  readonly amzDate: string
  readonly day: string
  /** Known payload hash, or undefined when the body must be hashed. */
  readonly payloadHash: string | undefined
  readonly body: Uint8Array<ArrayBuffer> | undefined
}

/** @internal Parse and validate everything; pure and synchronous. */
export function prepare(request: PresignRequest, options: PresignOptions): Prepared {
  if (request === null || typeof request !== 'object') fail('InvalidUrl', 'request', 'must be an object', request)
  if (options === null || typeof options !== 'object') fail('InvalidOption', 'options', 'must be an object', options)
  const creds = checkCredentials(options.credentials)
  const region = checkName(options.region, 'options.region', 'InvalidRegion', 'us-east-1')
  const service = checkName(options.service, 'options.service', 'InvalidService', 's3')
  const { expiresIn, signedAtMs } = validity(options, creds.expiresAtMs)
  const amzDate = toAmzDate(signedAtMs)

  const method = checkMethod(request.method, 'request.method')
  const target = requestTarget(request.url)
  const rules = serviceRules(service)
  const normalize = checkBoolean(options.normalizePath, 'options.normalizePath', rules.normalizePath)
  const doubleEncode = checkBoolean(options.doubleEncodePath, 'options.doubleEncodePath', rules.doubleEncodePath)
  const signSessionToken = checkBoolean(options.signSessionToken, 'options.signSessionToken', true)

  const headers = collectHeaders(request.headers, 'request.headers')
  setHost(headers, target.host, 'request.headers')
  const payload = payloadOf(request.body, payloadHashOf(headers, options.payloadHash) ?? rules.payloadHash)

  return {
    method,
    origin: target.scheme + '://' + target.host,
    wirePath: target.wirePath,
    canonicalUri: canonicalUriOf(target.wirePath, normalize, doubleEncode, rules.refuseDotSegments),
    query: target.query,
    headers,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    signSessionToken,
    tokenParam: rules.tokenParam,
    region,
    service,
    expiresIn,
    signedAtMs,
    amzDate,
    day: amzDate.slice(0, 8),
    payloadHash: payload.hash,
    body: payload.body,
  }
}

/**
 * The canonical URI of the path, or a `PresignError` when URL parsers would send it in a form the server canonicalizes
 * otherwise: they resolve `.` and `..` segments (`%2E` ones too) before sending. Never normalized (S3), no such path
 * can work; normalized, one works when the server's normalization of the path as sent is the one signed (`/a/./b`,
 * `/a/..`), not when the two resolutions differ (`/a/b/..` is sent as `/a/` and normalized to it, signed as `/a`).
 * Other services' paths that are not normalized are signed as written, as AWS's reference suite signs them.
 */
function canonicalUriOf(wirePath: string, normalize: boolean, doubleEncode: boolean, refuseDotSegments: boolean): string {
  const uri = canonicalPath(wirePath, normalize, doubleEncode)
  if (!DOT_SEGMENT.test(wirePath)) return uri
  const sent = sentPath(wirePath)
  if (normalize ? canonicalPath(sent, true, doubleEncode) !== uri : refuseDotSegments) {
    fail('InvalidUrl', 'request.url', `must not have "." or ".." segments: URL parsers send ${JSON.stringify(sent.slice(0, 200))}, so the signature could never match`)
  }
  return uri
}

/**
 * `X-Amz-Expires` and the signing time: `expiresIn`, with `cacheWindow` the time rounded down and the window added,
 * and no later than the credentials' expiry (temporary credentials end a URL's life early).
 */
function validity(options: PresignOptions, credentialsExpireAtMs: number | undefined): { expiresIn: number; signedAtMs: number } {
  const ttl = checkSeconds(options.expiresIn ?? 3600, 'options.expiresIn', 'InvalidExpiresIn', MAX_EXPIRES, `be an integer in 1..${MAX_EXPIRES} (seconds)`)
  const mode = options.credentialExpiry
  if (mode !== undefined && mode !== 'clamp' && mode !== 'error') fail('InvalidOption', 'options.credentialExpiry', "must be 'clamp' or 'error'", mode)
  const nowMs = toEpochMs(options.signingDate, 'options.signingDate')
  let signedAtMs = nowMs
  let expiresIn = ttl
  const window = options.cacheWindow
  if (window !== undefined) {
    expiresIn += checkSeconds(window, 'options.cacheWindow', 'InvalidOption', MAX_EXPIRES - ttl, `be whole seconds >= 1 with expiresIn + cacheWindow <= ${MAX_EXPIRES}`)
    signedAtMs -= signedAtMs % (window * 1000)
  }
  if (credentialsExpireAtMs !== undefined) expiresIn = withinCredentials(expiresIn, signedAtMs, credentialsExpireAtMs, mode, nowMs)
  return { expiresIn, signedAtMs }
}

/**
 * The lifetime cut to what is left of the credentials' (`'error'`: refused when it would be cut). Signed at
 * `signedAtMs` (with a cache window, earlier than `nowMs`), the URL must not outlive them; issued at `nowMs`, they must
 * not have expired.
 */
function withinCredentials(expiresIn: number, signedAtMs: number, expiresAtMs: number, mode: 'clamp' | 'error' | undefined, nowMs: number): number {
  const left = Math.floor((expiresAtMs - signedAtMs) / 1000)
  const at = (ms: number): string => new Date(ms).toISOString()
  if (expiresAtMs - nowMs < 1000) {
    throw new PresignError('InvalidCredentials', 'options.credentials.expiration', `is ${at(expiresAtMs)}, not after the signing time ${at(nowMs)}: the credentials have expired; refresh them`)
  }
  if (expiresIn <= left) return expiresIn
  if (mode === 'error') {
    throw new PresignError(
      'InvalidExpiresIn',
      'options.expiresIn',
      `is ${expiresIn} s from ${at(signedAtMs)}, past the credentials' expiration ${at(expiresAtMs)} (a URL stops working when its credentials expire); use at most ${left}, refresh the credentials, or set credentialExpiry: 'clamp'`,
    )
  }
  return left
}

/** The URL as the client will send it: scheme, host (with a non-default port), wire path and query. */
function requestTarget(url: unknown): { scheme: string; host: string; wirePath: string; query: QueryParam[] } {
  const field = 'request.url'
  const m = typeof url === 'string' ? URL_PARTS.exec(url) : null
  const scheme = m?.[1]?.toLowerCase()
  if (!m || (scheme !== 'http' && scheme !== 'https')) fail('InvalidUrl', field, 'must be an absolute http: or https: URL', url)
  if (m[5] !== undefined) fail('InvalidUrl', field, 'must not contain a #fragment')
  const hp = HOST_PORT.exec(m[2]!)
  const defaultPort = scheme === 'https' ? 443 : 80
  const port = Number(hp?.[2] ?? defaultPort)
  if (!hp || port < 1 || port > 65535) {
    fail('InvalidUrl', field, 'must have an ASCII (punycode) host or [IPv6] literal, a port in 1..65535 and no user info')
  }
  const host = hp[1]!.toLowerCase() + (port === defaultPort ? '' : ':' + port)
  const wirePath = toWirePath(m[3] || '/', field)
  if (wirePath[0] !== '/') fail('InvalidUrl', field, 'must have a path that starts with "/"')
  const query = parseQuery(m[4] ?? '', field)
  for (const q of query) if (SIGNING_PARAMS.has(q.key.toLowerCase())) throw new PresignError('AlreadySigned', field, `already has the signing parameter ${q.key}`)
  return { scheme, host, wirePath, query }
}

/**
 * The payload hash given: `options.payloadHash`, or the value of an `x-amz-content-sha256` header, which is signed in
 * its place (servers differ in which of the two they read for a presigned request, so both must agree).
 */
function payloadHashOf(headers: ReadonlyMap<string, readonly string[]>, option: unknown): string | undefined {
  const field = 'request.headers["x-amz-content-sha256"]'
  const given = checkPayloadHash(option)
  const declared = checkPayloadHash(headers.get('x-amz-content-sha256')?.join(','), field)
  if (declared !== given && declared !== undefined && given !== undefined) fail('InvalidHeader', field, 'is signed as the payload hash: it must equal options.payloadHash')
  return given ?? declared
}

/** The payload hash when it is known (given, the service's rule, or the empty body's), else the body to hash. */
function payloadOf(b: unknown, known: string | undefined): { hash?: string; body?: Uint8Array<ArrayBuffer> } {
  if (known !== undefined) return { hash: known }
  let body: Uint8Array<ArrayBuffer> | undefined
  if (typeof b === 'string') body = utf8(b)
  else if (b instanceof Uint8Array || b instanceof ArrayBuffer) body = new Uint8Array(b.slice(0))
  else if (b != null) fail('InvalidOption', 'request.body', 'must be a string, Uint8Array or ArrayBuffer', b)
  return body?.length ? { body } : { hash: EMPTY_SHA256 }
}

/** @internal The signing plan: the canonical request and the URL up to the signature; pure and synchronous. */
export interface Plan {
  readonly canonicalRequest: string
  readonly credentialScope: string
  readonly signedHeaders: string
  /** The URL without `&X-Amz-Signature=...`. */
  readonly unsignedUrl: string
}

/** The scope-dependent fragments of a URL, computed once per access key id, day, region, service, algorithm and token. */
interface ScopeFragments {
  readonly scope: string
  /** `X-Amz-Credential`, encoded. */
  readonly credential: string
  /** `X-Amz-Security-Token`, encoded. */
  readonly token: string | undefined
}

/** The same small LRU as the signing keys (64 entries), keyed by every input that shapes the fragments. */
const scopes = /* @__PURE__ */ new KeyCache<ScopeFragments>()

/** @internal What a SigV4a request signs differently (see `sign/sigv4a.ts`): its algorithm, its scope without a region, its region set. */
export interface V4aScope {
  readonly algorithm: string
  readonly scope: string
  /** `X-Amz-Region-Set`, already URI-encoded. */
  readonly regionSet: string
}

/** @internal Build the canonical request and the URL (everything but the signature); with `v4a`, of a SigV4a request. */
export function plan(p: Prepared, payloadHash: string, v4a?: V4aScope): Plan {
  const algorithm = v4a ? v4a.algorithm : ALGORITHM
  const token = p.sessionToken
  // A session token is never '' here (checkCredentials makes it undefined), so '' stands for none.
  const s = scopes.get([p.accessKeyId, p.day, p.region, p.service, algorithm, token ?? ''], () => {
    const scope = v4a ? v4a.scope : credentialScope(p.day, p.region, p.service)
    return { scope, credential: uriEncode(p.accessKeyId + '/' + scope), token: token && uriEncode(token, false, 'options.credentials.sessionToken') }
  })
  const { canonicalHeaders, signedHeaders } = formatCanonicalHeaders(p.headers)
  const headerList = uriEncode(signedHeaders)
  const expires = '' + p.expiresIn
  // Our signed parameters, in sorted order (no name is a prefix of another).
  const ours: [string, string][] = [['X-Amz-Algorithm', algorithm], ['X-Amz-Credential', s.credential], ['X-Amz-Date', p.amzDate], ['X-Amz-Expires', expires]]
  if (v4a) ours.push(['X-Amz-Region-Set', v4a.regionSet])
  if (s.token !== undefined && p.signSessionToken) ours.push([p.tokenParam, s.token])
  ours.push(['X-Amz-SignedHeaders', headerList])
  let canonicalQuery = ''
  if (p.query.length) canonicalQuery = joinCanonicalQuery(p.query.concat(ours.map(([key, value]) => ({ key, value, hasEquals: true }))))
  else for (const [key, value] of ours) canonicalQuery += (canonicalQuery ? '&' : '') + key + '=' + value
  const creq = joinCanonicalRequest(p.method, p.canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash)
  // The URL: its own parameters first, then ours in the order of AWS's reference suite.
  let url = p.origin + p.wirePath + '?'
  for (const q of p.query) url += q.key + (q.hasEquals ? '=' + q.value : '') + '&'
  url += 'X-Amz-Algorithm=' + algorithm + '&X-Amz-Credential=' + s.credential + '&X-Amz-Date=' + p.amzDate + '&X-Amz-SignedHeaders=' + headerList +
    '&X-Amz-Expires=' + expires + (s.token === undefined ? '' : '&' + p.tokenParam + '=' + s.token) + (v4a ? '&X-Amz-Region-Set=' + v4a.regionSet : '')
  return { canonicalRequest: creq, credentialScope: s.scope, signedHeaders, unsignedUrl: url }
}

/** @internal Assemble the result once the signature is known. */
export function result(p: Prepared, pl: Plan, sts: string, signature: string): PresignResult {
  return {
    url: pl.unsignedUrl + '&X-Amz-Signature=' + signature,
    method: p.method,
    headers: headersToSend(p.headers),
    signedHeaders: pl.signedHeaders.split(';'),
    canonicalRequest: pl.canonicalRequest,
    stringToSign: sts,
    signature,
    credentialScope: pl.credentialScope,
    amzDate: p.amzDate,
    signedAt: new Date(p.signedAtMs),
    expiresAt: new Date(p.signedAtMs + p.expiresIn * 1000),
  }
}

/**
 * Presign a request and return every intermediate step: canonical request,
 * string to sign, signature, signed headers and validity window. Use it to
 * debug `SignatureDoesNotMatch` (S3 returns its own canonical request and
 * string to sign in the error body; compare them with these).
 *
 * @throws {PresignError} for invalid input (see its `code` and `field`)
 */
export async function presignDetailed(request: PresignRequest, options: PresignOptions): Promise<PresignResult> {
  const s = await sign(request, options)
  return result(s.p, s.pl, s.sts, s.signature)
}

/** The SigV4 sequence on Web Crypto: prepare, plan (hashing the body if needed), string to sign, HMAC. */
async function sign(request: PresignRequest, options: PresignOptions): Promise<{ p: Prepared; pl: Plan; sts: string; signature: string }> {
  const p = prepare(request, options)
  const pl = plan(p, p.payloadHash ?? (await sha256Hex(p.body!)))
  const sts = stringToSign(p.amzDate, pl.credentialScope, await sha256Hex(pl.canonicalRequest))
  const key = await signingKey(p.accessKeyId, p.secretAccessKey, p.day, p.region, p.service)
  return { p, pl, sts, signature: toHex(await hmac(key, sts)) }
}

/**
 * Presign a request with AWS Signature Version 4 in the query string and
 * return the URL. Runs on Web Crypto (`globalThis.crypto.subtle`) in Node,
 * Deno, Bun, browsers and workers.
 *
 * @example
 * const url = await presign(
 *   { method: 'PUT', url: 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/a%20b.jpg', headers: { 'content-type': 'image/jpeg' } },
 *   { credentials, region: 'us-east-1', service: 's3', expiresIn: 300 },
 * )
 * @throws {PresignError} for invalid input (see its `code` and `field`)
 */
export async function presign(request: PresignRequest, options: PresignOptions): Promise<string> {
  const s = await sign(request, options)
  return s.pl.unsignedUrl + '&X-Amz-Signature=' + s.signature
}
