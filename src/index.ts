/**
 * sigv4-presign: AWS Signature Version 4 presigned URLs on Web Crypto.
 *
 * @packageDocumentation
 */
export { presign, presignDetailed } from './sign/presign.js'
export { clearSyncSigningKeyCache, presignSync, presignSyncDetailed } from './sign/presign-sync.js'
export { createPresigner, presignMany } from './sign/presigner.js'
export type { Presigner } from './sign/presigner.js'
export type { Credentials } from './core/credentials.js'
export type { PresignOptions, PresignRequest, PresignResult } from './sign/presign.js'
export type { SignedUrlDetails } from './core/signed-url.js'
export { presignS3, presignS3Detailed, s3ObjectUrl } from './s3/object-url.js'
export type { PresignS3Options, S3Location, S3ResponseOverrides } from './s3/object-url.js'
export type { S3BodyBindings, S3Checksum, S3ChecksumAlgorithm } from './s3/bindings.js'
export { verifyPresigned } from './verify/verify-presigned.js'
export { verifyPresignedSync } from './verify/verify-presigned-sync.js'
export type { VerifySyncOptions } from './verify/verify-presigned-sync.js'
export { useHashEngine } from './core/hash-engine.js'
export type { HashEngine } from './core/hash-engine.js'
export { deriveV4aPrivateKey, presignV4a, presignV4aDetailed } from './sign/sigv4a.js'
export type { PresignV4aOptions } from './sign/sigv4a.js'
export { presignS3MultiRegion } from './s3/multi-region.js'
export {
  presignAbortMultipartUpload,
  presignCompleteMultipartUpload,
  presignCreateMultipartUpload,
  presignListParts,
  presignMultipartDetailed,
  presignUploadPart,
  presignUploadParts,
} from './s3/multipart.js'
export type { ListPartsInput, MultipartOperation, PresignedPart, PresignedS3Request, PresignMultipartOptions, UploadIdInput, UploadPartInput, UploadPartsInput } from './s3/multipart.js'
export {
  completeMultipartUploadXml,
  MAX_XML_ELEMENTS,
  MAX_XML_LENGTH,
  parseCompleteMultipartUpload,
  parseInitiateMultipartUpload,
  parseListParts,
  parseS3Error,
} from './s3/multipart-xml.js'
export type {
  CompletedMultipartUpload,
  CompletedPart,
  CompleteMultipartUploadOutcome,
  FailedMultipartUpload,
  InitiatedMultipartUpload,
  ListedPart,
  ListPartsPage,
  S3Checksums,
  S3ErrorBody,
} from './s3/multipart-xml.js'
export { planParts, S3_MULTIPART_LIMITS } from './s3/part-plan.js'
export type { PartPlan, PartPlanOptions, PlannedPart, S3MultipartLimits } from './s3/part-plan.js'
export type { S3MultiRegionLocation } from './s3/multi-region.js'
export type { VerifiedBody, VerifyFailure, VerifyFailureCode, VerifyOptions, VerifyRequest, VerifyResult, VerifySuccess } from './verify/verify-presigned.js'
export type { CredentialsLookup, SyncCredentialsLookup } from './verify/shared.js'
export { uriEncode } from './core/uri-encode.js'
export { canonicalHeaders, canonicalQueryString, canonicalRequest, canonicalUri } from './core/canonical-request.js'
export type { CanonicalHeaders, CanonicalRequestParts, CanonicalUriOptions, HeadersInput } from './core/canonical-request.js'
export { ALGORITHM, ALGORITHM_V4A } from './core/constants.js'
export { credentialScope, stringToSign } from './core/string-to-sign.js'
export { clearSigningKeyCache, deriveSigningKey } from './core/signing-key.js'
export { PresignError } from './core/errors.js'
export type { PresignErrorCode } from './core/errors.js'
export type { DateInput } from './core/time.js'
export { dsqlAuthToken, dsqlAuthTokenSync, rdsAuthToken, rdsAuthTokenSync } from './recipes/db-auth-token.js'
export type { DsqlAuthTokenOptions, RdsAuthTokenOptions } from './recipes/db-auth-token.js'
export { elastiCacheAuthToken, elastiCacheAuthTokenSync, memoryDbAuthToken, memoryDbAuthTokenSync } from './recipes/cache-auth-token.js'
export type { ElastiCacheAuthTokenOptions, MemoryDbAuthTokenOptions } from './recipes/cache-auth-token.js'
export { eksToken, eksTokenSync, stsCallerIdentityUrl, stsCallerIdentityUrlSync } from './recipes/caller-identity.js'
export type { EksTokenOptions, StsCallerIdentityUrlOptions } from './recipes/caller-identity.js'
export { mskAuthToken, mskAuthTokenSync } from './recipes/msk-auth-token.js'
export type { MskAuthTokenOptions } from './recipes/msk-auth-token.js'
export { iotWebSocketUrl, iotWebSocketUrlSync, transcribeStreamingUrl, transcribeStreamingUrlSync } from './recipes/websocket-urls.js'
export type { IotWebSocketUrlOptions, TranscribeStreamingUrlOptions } from './recipes/websocket-urls.js'
export type { ServiceTokenOptions } from './recipes/tokens.js'
export { presignPost } from './s3/presign-post.js'
export { verifyPost } from './s3/verify-post.js'
export type { PostConditions, PostLocation, PostPolicyCondition, PresignedPost, PresignPostOptions } from './s3/presign-post.js'
export type { PostPolicyOptions, SignedPostPolicy } from './s3/post-form.js'
export type { PostFileEntry, VerifyPostFailure, VerifyPostFailureCode, VerifyPostOptions, VerifyPostRequest, VerifyPostResult, VerifyPostSuccess } from './s3/verify-post.js'
