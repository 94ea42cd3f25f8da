import {
  type HeadersInput,
  type QueryParam,
  canonicalRequest,
  canonicalUri,
  collectHeaders,
  formatCanonicalHeaders,
  joinCanonicalQuery,
  parseQuery,
} from './canonical-request.js'
import { EMPTY_SHA256, hmac, sha256Hex, toHex, utf8 } from './crypto.js'
import { PresignError, describe } from './errors.js'
import { signingKey } from './signing-key.js'
import { ALGORITHM, credentialScope, stringToSign } from './string-to-sign.js'
import { type DateInput, toAmzDate, toEpochMs } from './time.js'
import { toWirePath, uriEncode } from './uri-encode.js'

/** AWS credentials. Only `accessKeyId` ever appears in a URL; the secret never leaves the signer. */
export interface Credentials {
  /** Access key id, e.g. `AKIAIOSFODNN7EXAMPLE`. */
  readonly accessKeyId: string
  /** Secret access key. Never included in URLs, errors or results. */
  readonly secretAccessKey: string
  /** Session token of temporary credentials (STS, SSO, roles). Empty or absent means none. */
  readonly sessionToken?: string | undefined
}

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
  /** Body, hashed into the signature for services other than S3 (ignored for `s3`, which uses `UNSIGNED-PAYLOAD`). */
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
   * Hex SHA-256 of the payload, or `UNSIGNED-PAYLOAD`. Default: `UNSIGNED-PAYLOAD` for `s3`,
   * otherwise the SHA-256 of `request.body` (empty when absent).
   */
  readonly payloadHash?: string | undefined
  /**
   * Include `X-Amz-Security-Token` in the signed query (default `true`). Set `false` for
   * services that want it appended after signing, such as AWS IoT WebSocket URLs.
   */
  readonly signSessionToken?: boolean | undefined
  /** Remove dot segments and empty segments before signing. Default: `false` for `s3`, `true` otherwise. */
  readonly normalizePath?: boolean | undefined
  /** Encode the path once more when building the canonical URI. Default: `false` for `s3`, `true` otherwise. */
  readonly doubleEncodePath?: boolean | undefined
}

/** Everything `presignDetailed` computed, for debugging `SignatureDoesNotMatch`. */
export interface PresignResult {
  /** The presigned URL. */
  readonly url: string
  /** The method the URL is valid for. */
  readonly method: string
  /** Headers (other than `host`) the client must send with exactly these values, lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  /** Lower-case names of the signed headers, sorted (always includes `host`). */
  readonly signedHeaders: readonly string[]
  /** The canonical request that was signed. Compare it with the one in S3's error response. */
  readonly canonicalRequest: string
  /** The string to sign. */
  readonly stringToSign: string
  /** Hex signature (`X-Amz-Signature`). */
  readonly signature: string
  /** `YYYYMMDD/region/service/aws4_request`. */
  readonly credentialScope: string
  /** `X-Amz-Date`, `YYYYMMDDTHHMMSSZ`. */
  readonly amzDate: string
  /** When the URL becomes valid. */
  readonly signedAt: Date
  /** When the URL stops being valid (`signedAt + expiresIn`). */
  readonly expiresAt: Date
}

/** Names of the query parameters this library adds; a URL that already has one is rejected. */
const AUTH_PARAMS = /* @__PURE__ */ new Set([
  'x-amz-algorithm',
  'x-amz-region-set',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
])

/** @internal */
export const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#[^]*)?$/
/** @internal */
export const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
const METHOD = /^[A-Za-z]{1,32}$/
const PAYLOAD_HASH = /^(?:[0-9a-f]{64}|UNSIGNED-PAYLOAD)$/
const MAX_EXPIRES = 604800

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

function checkName(value: unknown, field: string, code: 'InvalidRegion' | 'InvalidService', example: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new PresignError(
      code,
      field,
      `must be 1-63 of A-Z a-z 0-9 . _ - (e.g. "${example}"), got ${describe(value)}`,
    )
  }
  return value
}

function checkCredentials(credentials: unknown): Credentials {
  const field = 'options.credentials'
  if (credentials === null || typeof credentials !== 'object') {
    throw new PresignError('InvalidCredentials', field, `must be { accessKeyId, secretAccessKey, sessionToken? }, got ${describe(credentials)}`)
  }
  const c = credentials as Record<string, unknown>
  const id = c['accessKeyId']
  if (typeof id !== 'string' || id === '' || /[^\x21-\x7e]|\//.test(id)) {
    throw new PresignError(
      'InvalidCredentials',
      `${field}.accessKeyId`,
      `must be a non-empty ASCII string without spaces or "/", got ${describe(id)}`,
    )
  }
  const secret = c['secretAccessKey']
  if (typeof secret !== 'string' || secret === '') {
    throw new PresignError('InvalidCredentials', `${field}.secretAccessKey`, `must be a non-empty string, got ${secret === '' ? 'an empty string' : typeof secret === 'string' ? 'a string' : describe(secret)}`)
  }
  const token = c['sessionToken']
  if (token !== undefined && token !== null && typeof token !== 'string') {
    throw new PresignError('InvalidCredentials', `${field}.sessionToken`, `must be a string or undefined, got ${describe(token)}`)
  }
  return { accessKeyId: id, secretAccessKey: secret, sessionToken: token === null || token === '' ? undefined : token }
}

/** @internal Parse and validate everything; pure and synchronous. */
export function prepare(request: PresignRequest, options: PresignOptions): Prepared {
  if (request === null || typeof request !== 'object') {
    throw new PresignError('InvalidUrl', 'request', `must be an object, got ${describe(request)}`)
  }
  if (options === null || typeof options !== 'object') {
    throw new PresignError('InvalidOption', 'options', `must be an object, got ${describe(options)}`)
  }
  const creds = checkCredentials(options.credentials)
  const region = checkName(options.region, 'options.region', 'InvalidRegion', 'us-east-1')
  const service = checkName(options.service, 'options.service', 'InvalidService', 's3')

  const ttl = options.expiresIn ?? 3600
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_EXPIRES) {
    throw new PresignError(
      'InvalidExpiresIn',
      'options.expiresIn',
      `must be an integer number of seconds in 1..${MAX_EXPIRES} (7 days), got ${describe(ttl)}`,
    )
  }
  let signedAtMs = toEpochMs(options.signingDate, 'options.signingDate')
  let expiresIn = ttl
  const window = options.cacheWindow
  if (window !== undefined) {
    if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || ttl + window > MAX_EXPIRES) {
      throw new PresignError(
        'InvalidOption',
        'options.cacheWindow',
        `must be an integer number of seconds >= 1 with expiresIn + cacheWindow <= ${MAX_EXPIRES} (here at most ${MAX_EXPIRES - ttl}), got ${describe(window)}`,
      )
    }
    signedAtMs -= signedAtMs % (window * 1000)
    expiresIn = ttl + window
  }
  const amzDate = toAmzDate(signedAtMs)

  const rawMethod = request.method ?? 'GET'
  if (typeof rawMethod !== 'string' || !METHOD.test(rawMethod)) {
    throw new PresignError('InvalidMethod', 'request.method', `must be an HTTP method such as GET or PUT, got ${describe(rawMethod)}`)
  }
  const method = rawMethod.toUpperCase()

  const url = request.url
  if (typeof url !== 'string') {
    throw new PresignError('InvalidUrl', 'request.url', `must be an absolute http(s) URL string, got ${describe(url)}`)
  }
  const m = URL_PARTS.exec(url)
  if (!m) {
    throw new PresignError('InvalidUrl', 'request.url', 'must be an absolute http(s) URL')
  }
  const scheme = m[1]!.toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') {
    throw new PresignError('InvalidUrl', 'request.url', `must use http: or https:, got ${JSON.stringify(scheme + ':')}`)
  }
  const authority = m[2]!
  if (authority.includes('@')) {
    throw new PresignError('InvalidUrl', 'request.url', 'must not contain user info ("user@"); pass options.credentials')
  }
  if (m[5] !== undefined) {
    throw new PresignError('InvalidUrl', 'request.url', 'must not contain a #fragment')
  }
  const hp = HOST_PORT.exec(authority)
  const port = hp?.[2] === undefined ? undefined : Number(hp[2])
  if (!hp || (port !== undefined && (port < 1 || port > 65535))) {
    throw new PresignError(
      'InvalidUrl',
      'request.url',
      'must have an ASCII host name (punycode) or [IPv6] literal and a port in 1..65535',
    )
  }
  const defaultPort = scheme === 'https' ? 443 : 80
  const host = hp[1]!.toLowerCase() + (port === undefined || port === defaultPort ? '' : ':' + port)
  const wirePath = toWirePath(m[3] || '/', 'request.url')
  if (!wirePath.startsWith('/')) throw new PresignError('InvalidUrl', 'request.url', 'path must start with "/"')

  const isS3 = service === 's3'
  const normalize = options.normalizePath ?? !isS3
  const doubleEncode = options.doubleEncodePath ?? !isS3
  if (isS3 && !normalize && /\/(?:\.|%2e){1,2}(?=\/|$)/i.test(wirePath)) {
    throw new PresignError(
      'InvalidUrl',
      'request.url',
      'has a "." or ".." segment, which URL parsers remove before sending, so the signature could never match',
    )
  }

  const query = parseQuery(m[4] ?? '', 'request.url')
  for (const p of query) {
    if (AUTH_PARAMS.has(p.key.toLowerCase())) {
      throw new PresignError('AlreadySigned', 'request.url', `already has the signing parameter ${p.key}`)
    }
  }

  const headers = collectHeaders(request.headers, 'request.headers')
  const given = headers.get('host')
  if (given && (given.length !== 1 || given[0]!.toLowerCase() !== host)) {
    throw new PresignError('InvalidHeader', 'request.headers["host"]', `must be omitted or equal the URL's host (${host})`)
  }
  headers.set('host', [host])

  let payloadHash = options.payloadHash
  if (payloadHash !== undefined && (typeof payloadHash !== 'string' || !PAYLOAD_HASH.test(payloadHash))) {
    throw new PresignError('InvalidPayloadHash', 'options.payloadHash', `must be 64 lower-case hex digits or "UNSIGNED-PAYLOAD", got ${describe(payloadHash)}`)
  }
  let body: Uint8Array<ArrayBuffer> | undefined
  if (payloadHash === undefined) {
    const b = request.body
    if (isS3) payloadHash = 'UNSIGNED-PAYLOAD'
    else if (b === undefined || b === null) payloadHash = EMPTY_SHA256
    else if (typeof b === 'string') body = utf8(b)
    else if (b instanceof Uint8Array) body = new Uint8Array(b)
    else if (b instanceof ArrayBuffer) body = new Uint8Array(b.slice(0))
    else throw new PresignError('InvalidOption', 'request.body', `must be a string, Uint8Array or ArrayBuffer, got ${describe(b)}`)
    if (body && body.length === 0) {
      payloadHash = EMPTY_SHA256
      body = undefined
    }
  }

  return {
    method,
    origin: scheme + '://' + host,
    wirePath,
    canonicalUri: canonicalUri(wirePath, { normalize, doubleEncode }),
    query,
    headers,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    signSessionToken: options.signSessionToken ?? true,
    region,
    service,
    expiresIn,
    signedAtMs,
    amzDate,
    day: amzDate.slice(0, 8),
    payloadHash,
    body,
  }
}

/** @internal The signing plan: the canonical request and the URL up to the signature; pure and synchronous. */
export interface Plan {
  readonly canonicalRequest: string
  readonly credentialScope: string
  readonly signedHeaders: string
  /** The URL without `&X-Amz-Signature=...`. */
  readonly unsignedUrl: string
}

/** Scope-dependent fragments, computed once per scope (the last one is kept). */
interface Scope {
  readonly id: string
  readonly day: string
  readonly region: string
  readonly service: string
  readonly token: string | undefined
  readonly v4a: boolean
  readonly scope: string
  readonly credential: string
  readonly encodedToken: string | undefined
}
let lastScope: Scope | undefined

function scopeOf(p: Prepared, v4a: boolean): Scope {
  const s = lastScope
  if (s && s.id === p.accessKeyId && s.day === p.day && s.region === p.region && s.service === p.service && s.token === p.sessionToken && s.v4a === v4a) {
    return s
  }
  // SigV4a scopes have no region: the URL carries X-Amz-Region-Set instead.
  const scope = v4a ? p.day + '/' + p.service + '/aws4_request' : credentialScope(p.day, p.region, p.service)
  return (lastScope = {
    id: p.accessKeyId,
    day: p.day,
    region: p.region,
    service: p.service,
    token: p.sessionToken,
    v4a,
    scope,
    credential: uriEncode(p.accessKeyId + '/' + scope),
    encodedToken: p.sessionToken === undefined ? undefined : uriEncode(p.sessionToken, false, 'options.credentials.sessionToken'),
  })
}

/** The SigV4a algorithm name (ECDSA P-256). */
export const ALGORITHM_V4A = 'AWS4-ECDSA-P256-SHA256'

/**
 * @internal Build the canonical request and the URL (everything but the signature).
 * With `regionSet` (already URI-encoded) it builds a SigV4a request instead.
 */
export function plan(p: Prepared, payloadHash: string, regionSet?: string): Plan {
  const v4a = regionSet !== undefined
  const algorithm = v4a ? ALGORITHM_V4A : ALGORITHM
  const { scope, credential, encodedToken: token } = scopeOf(p, v4a)
  const { canonicalHeaders, signedHeaders } = formatCanonicalHeaders(p.headers)
  const sh = uriEncode(signedHeaders)
  const exp = String(p.expiresIn)
  const signedToken = token !== undefined && p.signSessionToken ? token : undefined

  let canonicalQuery: string
  let userQuery = ''
  if (p.query.length === 0) {
    // The common case: only our parameters, already in sorted order.
    canonicalQuery =
      'X-Amz-Algorithm=' + algorithm + '&X-Amz-Credential=' + credential + '&X-Amz-Date=' + p.amzDate + '&X-Amz-Expires=' + exp +
      (v4a ? '&X-Amz-Region-Set=' + regionSet : '') +
      (signedToken === undefined ? '' : '&X-Amz-Security-Token=' + signedToken) + '&X-Amz-SignedHeaders=' + sh
  } else {
    const auth: QueryParam[] = [
      { key: 'X-Amz-Algorithm', value: algorithm, hasEquals: true },
      { key: 'X-Amz-Credential', value: credential, hasEquals: true },
      { key: 'X-Amz-Date', value: p.amzDate, hasEquals: true },
      { key: 'X-Amz-SignedHeaders', value: sh, hasEquals: true },
      { key: 'X-Amz-Expires', value: exp, hasEquals: true },
    ]
    if (signedToken !== undefined) auth.push({ key: 'X-Amz-Security-Token', value: signedToken, hasEquals: true })
    if (v4a) auth.push({ key: 'X-Amz-Region-Set', value: regionSet, hasEquals: true })
    canonicalQuery = joinCanonicalQuery(p.query.concat(auth))
    for (const q of p.query) userQuery += q.key + (q.hasEquals ? '=' + q.value : '') + '&'
  }

  const creq = canonicalRequest({ method: p.method, canonicalUri: p.canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash })
  // Existing parameters first, then ours in the order of AWS's reference suite.
  const url =
    p.origin + p.wirePath + '?' + userQuery + 'X-Amz-Algorithm=' + algorithm + '&X-Amz-Credential=' + credential + '&X-Amz-Date=' +
    p.amzDate + '&X-Amz-SignedHeaders=' + sh + '&X-Amz-Expires=' + exp + (token === undefined ? '' : '&X-Amz-Security-Token=' + token) +
    (v4a ? '&X-Amz-Region-Set=' + regionSet : '')
  return { canonicalRequest: creq, credentialScope: scope, signedHeaders, unsignedUrl: url }
}

/** @internal Assemble the result once the signature is known. */
export function result(p: Prepared, pl: Plan, sts: string, signature: string): PresignResult {
  const headers: Record<string, string> = {}
  for (const [name, values] of p.headers) if (name !== 'host') headers[name] = values.join(',')
  return {
    url: pl.unsignedUrl + '&X-Amz-Signature=' + signature,
    method: p.method,
    headers,
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
  const p = prepare(request, options)
  const pl = plan(p, p.payloadHash ?? (await sha256Hex(p.body!)))
  const sts = stringToSign(p.amzDate, pl.credentialScope, await sha256Hex(pl.canonicalRequest))
  const key = await signingKey(p.accessKeyId, p.secretAccessKey, p.day, p.region, p.service)
  return result(p, pl, sts, toHex(await hmac(key, sts)))
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
  const p = prepare(request, options)
  const pl = plan(p, p.payloadHash ?? (await sha256Hex(p.body!)))
  const sts = stringToSign(p.amzDate, pl.credentialScope, await sha256Hex(pl.canonicalRequest))
  const key = await signingKey(p.accessKeyId, p.secretAccessKey, p.day, p.region, p.service)
  return pl.unsignedUrl + '&X-Amz-Signature=' + toHex(await hmac(key, sts))
}
