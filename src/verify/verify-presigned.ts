import type { HeadersInput } from '../core/canonical-request.js'
import { hmac, sha256Hex, subtle, toHex, utf8 } from '../core/crypto.js'
import { signingKey } from '../core/signing-key.js'
import { derToP1363, v4aKeys } from '../sign/sigv4a.js'
import { type Answer, macMatches, type Need, verification } from './presigned-steps.js'
import { type CredentialsLookup, lookUp } from './shared.js'

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
   * secret counts as an unknown key. For temporary credentials return their `sessionToken` (the URL must carry exactly
   * it: `InvalidToken`) and `expiration` (past it: `ExpiredToken`).
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
  | 'InvalidContentSha256'
  | 'UnknownAccessKey'
  | 'InvalidToken'
  | 'ExpiredToken'
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
  /**
   * What the signed headers bind the body to, when they do (`content-length`, `content-md5`, `x-amz-checksum-*`). A
   * gateway that streams the body on must check it against these, as S3 does: the signature covers the headers, not
   * the bytes.
   */
  readonly body?: VerifiedBody | undefined
}

/** The body a verified request promised: its size and digests, as the signed headers give them. */
export interface VerifiedBody {
  /** The signed `content-length`. */
  readonly contentLength?: number | undefined
  /** The signed `content-md5` (base64). */
  readonly contentMD5?: string | undefined
  /** The signed `x-amz-content-sha256`, when it is the body's SHA-256 (hex) rather than `UNSIGNED-PAYLOAD`. */
  readonly contentSha256?: string | undefined
  /** The signed `x-amz-checksum-*` values (base64) by algorithm, e.g. `{ CRC32C: '4waSgw==' }`. */
  readonly checksums?: Readonly<Record<string, string>> | undefined
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

/** The outcome of {@link verifyPresigned} (and of `verifyPresignedSync`). */
export type VerifyResult = VerifySuccess | VerifyFailure

/**
 * Verify a presigned (SigV4 query-string) request the way an S3-compatible
 * server does: parse and check every `X-Amz-*` parameter, the credential
 * scope, the validity window (with clock skew) and the signed headers, then
 * recompute the signature and compare it in constant time.
 *
 * Never throws for a bad request: it resolves to `{ ok: false, code, s3Code, message }`
 * (with the canonical request and string to sign for `SignatureDoesNotMatch`,
 * as S3 returns them). Throws `PresignError` only for invalid `options`.
 * On a server, `verifyPresignedSync` gives the same results for SigV4 URLs without Web Crypto's hand-offs.
 *
 * @example
 * const r = await verifyPresigned({ method: req.method, url: req.url, headers: req.headers },
 *   { credentials: async (id) => (id === 'AKID' ? { accessKeyId: id, secretAccessKey } : undefined), region: 'us-east-1' })
 * if (!r.ok) return new Response(r.message, { status: 403 })
 */
export async function verifyPresigned(request: VerifyRequest, options: VerifyOptions): Promise<VerifyResult> {
  const flow = verification(request, options)
  let step = flow.next()
  while (!step.done) step = flow.next(await answer(step.value))
  return step.value
}

/** The verification's needs, on Web Crypto: the lookup, a SHA-256, or the signature (SigV4: HMAC; SigV4a: ECDSA). */
async function answer(need: Need): Promise<Answer> {
  if ('lookup' in need) return lookUp(need.lookup, need.accessKeyId)
  if ('sha256' in need) return sha256Hex(need.sha256)
  const { scope, sts } = need
  if (scope.v4a) {
    const sig = derToP1363(need.signature)
    const { publicKey } = await v4aKeys(scope.accessKeyId, need.secret)
    return sig !== undefined && subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, sig, utf8(sts))
  }
  const key = await signingKey(scope.accessKeyId, need.secret, scope.day, scope.region, scope.service)
  return macMatches(need, toHex(await hmac(key, sts)))
}
