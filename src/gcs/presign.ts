/**
 * Cloud Storage V4 signed URLs (`GOOG4-RSA-SHA256` with a service-account key, `GOOG4-HMAC-SHA256` with an HMAC key),
 * built with SigV4's shared steps (src/core/): canonical request, credential scope, string to sign, key derivation.
 */
import type { SignedUrlDetails } from '../core/signed-url.js'
import { canonicalPath, collectHeaders, formatCanonicalHeaders, type HeadersInput, headersToSend, joinCanonicalQuery, joinCanonicalRequest, type QueryParam, setHost } from '../core/canonical-request.js'
import { MAX_EXPIRES, UNSIGNED_PAYLOAD } from '../core/constants.js'
import { sha256Hex } from '../core/crypto.js'
import { fail, PresignError } from '../core/errors.js'
import { stringToSign } from '../core/string-to-sign.js'
import { type DateInput, toAmzDate, toEpochMs } from '../core/time.js'
import { uriEncode } from '../core/uri-encode.js'
import { checkMethod, checkSeconds } from '../core/validate.js'
import { type GcsLocation, type GcsTarget, gcsTarget } from './address.js'
import { type GcsCredentials, type GcsSigner, gcsRegion, gcsScope, gcsSigner } from './signer.js'

/** Options of {@link presignGcs}. */
export interface PresignGcsOptions {
  /** Who signs: a service-account key file (object or JSON text) or an HMAC key `{ accessId, secret }`. */
  readonly credentials: GcsCredentials
  /** HTTP method the client will use. Default `GET`. Upper-cased. */
  readonly method?: string | undefined
  /**
   * Headers the client will send; all are signed (e.g. `content-type`, `x-goog-resumable: start` for a resumable
   * upload's POST). An `x-goog-content-sha256` header signs the payload's hash instead of `UNSIGNED-PAYLOAD`.
   */
  readonly headers?: HeadersInput | undefined
  /** Lifetime in seconds, an integer in 1..604800 (7 days). Default 3600. */
  readonly expiresIn?: number | undefined
  /** When the signature starts to be valid: `Date`, epoch ms or ISO 8601 string. Default: now. Sub-second parts are dropped. */
  readonly signingDate?: DateInput | undefined
  /** Region of the credential scope. Default `auto`, as Cloud Storage documents it. */
  readonly region?: string | undefined
}

/** Everything {@link presignGcsDetailed} computed, for debugging `SignatureDoesNotMatch`. */
export interface GcsPresignResult extends SignedUrlDetails {
  /** `GOOG4-RSA-SHA256` (service account) or `GOOG4-HMAC-SHA256` (HMAC key). */
  readonly algorithm: 'GOOG4-RSA-SHA256' | 'GOOG4-HMAC-SHA256'
  /** `YYYYMMDD/region/storage/goog4_request`. */
  readonly credentialScope: string
  /** `X-Goog-Date`, `YYYYMMDDTHHMMSSZ`. */
  readonly googDate: string
}

/**
 * A header name: an HTTP token, or one with `/`, which Google's signers sign as given (the conformance suite signs
 * `header/name/with/slash`; no `fetch` can send it, `curl` can).
 */
const HEADER_NAME = /^[!#$%&'*+\-./^_`|~\w]+$/

/** A request validated, ready to sign. */
interface Prepared {
  readonly signer: GcsSigner
  readonly region: string
  readonly method: string
  readonly target: GcsTarget
  readonly headers: Map<string, string[]>
  readonly payloadHash: string
  readonly expiresIn: number
  readonly signedAtMs: number
}

/** The payload hash: an `x-goog-content-sha256` header's value (as Google's signers take it), else `UNSIGNED-PAYLOAD`. */
function payloadHash(headers: ReadonlyMap<string, readonly string[]>): string {
  const given = headers.get('x-goog-content-sha256')
  if (given === undefined) return UNSIGNED_PAYLOAD
  const value = given.join(',')
  if (!/^(?:[0-9A-Fa-f]{1,64}|UNSIGNED-PAYLOAD)$/.test(value)) {
    throw new PresignError('InvalidHeader', 'options.headers["x-goog-content-sha256"]', 'must be the hex SHA-256 of the payload (or UNSIGNED-PAYLOAD)')
  }
  return value
}

/** Validate everything; pure and synchronous. */
function prepare(location: GcsLocation, options: PresignGcsOptions): Prepared {
  if (options === null || typeof options !== 'object') fail('InvalidOption', 'options', 'must be an object { credentials, ... }', options)
  const signer = gcsSigner(options.credentials)
  const region = gcsRegion(options.region)
  const expiresIn = checkSeconds(options.expiresIn ?? 3600, 'options.expiresIn', 'InvalidExpiresIn', MAX_EXPIRES, `be an integer in 1..${MAX_EXPIRES} (seconds)`)
  const signedAtMs = toEpochMs(options.signingDate, 'options.signingDate')
  const method = checkMethod(options.method, 'options.method')
  const target = gcsTarget(location)
  const headers = collectHeaders(options.headers, 'options.headers', HEADER_NAME)
  setHost(headers, target.host, 'options.headers')
  return { signer, region, method, target, headers, payloadHash: payloadHash(headers), expiresIn, signedAtMs }
}

/** Sign a prepared request: canonical request, string to sign, signature, and the URL (its query is the canonical one). */
async function sign(p: Prepared): Promise<GcsPresignResult> {
  const googDate = toAmzDate(p.signedAtMs)
  const scope = gcsScope(googDate.slice(0, 8), p.region)
  const { canonicalHeaders, signedHeaders } = formatCanonicalHeaders(p.headers)
  const ours: QueryParam[] = [
    { key: 'X-Goog-Algorithm', value: p.signer.algorithm, hasEquals: true },
    { key: 'X-Goog-Credential', value: uriEncode(p.signer.id + '/' + scope), hasEquals: true },
    { key: 'X-Goog-Date', value: googDate, hasEquals: true },
    { key: 'X-Goog-Expires', value: '' + p.expiresIn, hasEquals: true },
    { key: 'X-Goog-SignedHeaders', value: uriEncode(signedHeaders), hasEquals: true },
  ]
  const canonicalQuery = joinCanonicalQuery(p.target.query.length ? p.target.query.concat(ours) : ours)
  const path = canonicalPath(p.target.path, false, false)
  const creq = joinCanonicalRequest(p.method, path, canonicalQuery, canonicalHeaders, signedHeaders, p.payloadHash)
  const sts = stringToSign(googDate, scope, await sha256Hex(creq), p.signer.algorithm)
  const signature = await p.signer.sign(sts, googDate.slice(0, 8), p.region)
  return {
    // As Google's conformance suite writes it: the canonical query (sorted), then the signature.
    url: p.target.origin + p.target.path + '?' + canonicalQuery + '&X-Goog-Signature=' + signature,
    method: p.method,
    headers: headersToSend(p.headers),
    signedHeaders: signedHeaders.split(';'),
    canonicalRequest: creq,
    stringToSign: sts,
    signature,
    algorithm: p.signer.algorithm,
    credentialScope: scope,
    googDate,
    signedAt: new Date(p.signedAtMs),
    expiresAt: new Date(p.signedAtMs + p.expiresIn * 1000),
  }
}

/**
 * Sign a Cloud Storage V4 URL and return every intermediate step: canonical request, string to sign, signature,
 * signed headers and validity window (compare them with the `StringToSign` of Cloud Storage's
 * `SignatureDoesNotMatch` error).
 *
 * @throws {PresignError} for invalid input (see its `code` and `field`), e.g. `InvalidKeyFile` for a malformed key
 *   file or a key that is not a PKCS#8 RSA key
 */
export async function presignGcsDetailed(location: GcsLocation, options: PresignGcsOptions): Promise<GcsPresignResult> {
  return sign(prepare(location, options))
}

/**
 * Sign a Cloud Storage V4 URL (query-string authentication) for one object or bucket, with a service-account key
 * (`GOOG4-RSA-SHA256`: the key file's RSA key, imported once as a non-extractable Web Crypto key) or an HMAC key
 * (`GOOG4-HMAC-SHA256`). Runs on Web Crypto in Node, Deno, Bun, browsers and workers.
 *
 * @example
 * const url = await presignGcs(
 *   { bucket: 'my-bucket', key: 'photos/a b.jpg' },
 *   { credentials: keyFile, method: 'PUT', headers: { 'content-type': 'image/jpeg' }, expiresIn: 600 },
 * )
 * // https://storage.googleapis.com/my-bucket/photos/a%20b.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256&…&X-Goog-Signature=…
 * @throws {PresignError} for invalid input (see its `code` and `field`)
 */
export async function presignGcs(location: GcsLocation, options: PresignGcsOptions): Promise<string> {
  return (await sign(prepare(location, options))).url
}
