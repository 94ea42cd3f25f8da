/** The SigV4 algorithm name. */
export const ALGORITHM = 'AWS4-HMAC-SHA256'

/** The SigV4a algorithm name (ECDSA P-256). */
export const ALGORITHM_V4A = 'AWS4-ECDSA-P256-SHA256'

/** @internal The longest lifetime of a presigned URL or a POST policy, in seconds (7 days), as S3 allows. */
export const MAX_EXPIRES = 604800

/** @internal The payload hash of a request whose body is not signed: S3's, for presigned URLs. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/** @internal The query parameter of a session token. */
export const SECURITY_TOKEN = 'X-Amz-Security-Token'

/** @internal S3 Express One Zone's query parameter for the token of a CreateSession session. */
export const S3_SESSION_TOKEN = 'X-Amz-S3session-Token'

/** @internal The signing parameters of a presigned URL, in the order AWS's reference suite writes them. */
export const AUTH_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
  SECURITY_TOKEN,
  S3_SESSION_TOKEN,
  'X-Amz-Region-Set',
  'X-Amz-Signature',
] as const

/** @internal The parameters every presigned URL must carry. */
export const REQUIRED_AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const

/** @internal The last element of every credential scope. */
export const TERMINATOR = 'aws4_request'
