/**
 * sigv4-presign: AWS Signature Version 4 presigned URLs on Web Crypto.
 *
 * @packageDocumentation
 */
export { presign, presignDetailed } from './presign.js'
export { presignSync, presignSyncDetailed, clearSyncSigningKeyCache } from './presign-sync.js'
export { createPresigner, presignMany } from './presigner.js'
export type { Presigner } from './presigner.js'
export type { Credentials, PresignOptions, PresignRequest, PresignResult } from './presign.js'
export { presignS3, presignS3Detailed, s3ObjectUrl } from './s3.js'
export type { PresignS3Options, S3Location, S3ResponseOverrides } from './s3.js'
export { verifyPresigned } from './verify.js'
export { presignV4a, presignV4aDetailed, presignS3MultiRegion, deriveV4aPrivateKey } from './sigv4a.js'
export type { PresignV4aOptions, S3MultiRegionLocation } from './sigv4a.js'
export type { VerifyFailure, VerifyFailureCode, VerifyOptions, VerifyRequest, VerifyResult, VerifySuccess } from './verify.js'
export type { CredentialsLookup } from './verify-shared.js'
export { uriEncode } from './uri-encode.js'
export { canonicalUri, canonicalQueryString, canonicalHeaders, canonicalRequest } from './canonical-request.js'
export type { CanonicalHeaders, CanonicalRequestParts, CanonicalUriOptions, HeadersInput } from './canonical-request.js'
export { ALGORITHM, credentialScope, stringToSign } from './string-to-sign.js'
export { ALGORITHM_V4A } from './presign.js'
export { deriveSigningKey, clearSigningKeyCache } from './signing-key.js'
export { PresignError } from './errors.js'
export type { PresignErrorCode } from './errors.js'
export type { DateInput } from './time.js'
export { rdsAuthToken, rdsAuthTokenSync, dsqlAuthToken, dsqlAuthTokenSync } from './db-auth-token.js'
export type { RdsAuthTokenOptions, DsqlAuthTokenOptions } from './db-auth-token.js'
export { elastiCacheAuthToken, elastiCacheAuthTokenSync, memoryDbAuthToken, memoryDbAuthTokenSync } from './cache-auth-token.js'
export type { ElastiCacheAuthTokenOptions, MemoryDbAuthTokenOptions } from './cache-auth-token.js'
export { eksToken, eksTokenSync, stsCallerIdentityUrl, stsCallerIdentityUrlSync } from './caller-identity.js'
export type { EksTokenOptions, StsCallerIdentityUrlOptions } from './caller-identity.js'
export { mskAuthToken, mskAuthTokenSync } from './msk-auth-token.js'
export type { MskAuthTokenOptions } from './msk-auth-token.js'
export { iotWebSocketUrl, iotWebSocketUrlSync, transcribeStreamingUrl, transcribeStreamingUrlSync } from './websocket-urls.js'
export type { IotWebSocketUrlOptions, TranscribeStreamingUrlOptions } from './websocket-urls.js'
export type { ServiceTokenOptions } from './tokens.js'
export { presignPost, verifyPost } from './post-policy.js'
export type {
  PostConditions,
  PostLocation,
  PostFileEntry,
  PostPolicyCondition,
  PresignPostOptions,
  PresignedPost,
  VerifyPostFailure,
  VerifyPostFailureCode,
  VerifyPostOptions,
  VerifyPostRequest,
  VerifyPostResult,
  VerifyPostSuccess,
} from './post-policy.js'
