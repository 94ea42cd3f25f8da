import { S3_SESSION_TOKEN, SECURITY_TOKEN, UNSIGNED_PAYLOAD } from './constants.js'

/** @internal How a service signs: the one place that tells S3's rules from everyone else's. */
export interface ServiceRules {
  /** Remove `.`/`..` and empty segments from the canonical URI (every service but S3). */
  readonly normalizePath: boolean
  /** Encode the path once more in the canonical URI (every service but S3, which encodes it once). */
  readonly doubleEncodePath: boolean
  /** The payload hash when none is given: S3 signs `UNSIGNED-PAYLOAD`; `undefined` means the SHA-256 of the body. */
  readonly payloadHash: string | undefined
  /** Refuse a path with `.`/`..` segments: URL parsers remove them, so no signature over one can match (S3). */
  readonly refuseDotSegments: boolean
  /** The query parameter that carries the session token: `X-Amz-Security-Token`, or S3 Express's `X-Amz-S3session-Token`. */
  readonly tokenParam: string
}

/**
 * S3's rules, with the session token in `tokenParam`. Built by a pure call, not a spread (`{ ...S3, tokenParam }`): in
 * the flat dist file esbuild keeps a module-level spread, and with it these rules, in every bundle.
 */
const s3Rules = (tokenParam: string): ServiceRules => ({ normalizePath: false, doubleEncodePath: false, payloadHash: UNSIGNED_PAYLOAD, refuseDotSegments: true, tokenParam })
const S3 = /* @__PURE__ */ s3Rules(SECURITY_TOKEN)
/** S3 Express One Zone (directory buckets): S3's rules, with the CreateSession token in its own parameter. */
const S3_EXPRESS = /* @__PURE__ */ s3Rules(S3_SESSION_TOKEN)
const OTHER: ServiceRules = { normalizePath: true, doubleEncodePath: true, payloadHash: undefined, refuseDotSegments: false, tokenParam: SECURITY_TOKEN }

/**
 * The names S3 signs under (botocore's endpoint ruleset): `s3`, Object Lambda access points and Outposts, and
 * `s3express` for directory buckets. All of them follow S3's rules; signed with another service's rules, their URLs
 * would be silently wrong.
 */
const S3_SIGNING_NAMES: ReadonlySet<string> = /* @__PURE__ */ new Set(['s3', 's3-object-lambda', 's3-outposts'])

/** @internal The rules of the service of a credential scope, used by signing and verifying alike. */
export function serviceRules(service: string): ServiceRules {
  return service === 's3express' ? S3_EXPRESS : S3_SIGNING_NAMES.has(service) ? S3 : OTHER
}
