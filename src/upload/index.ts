/**
 * sigv4-presign/upload: a browser (or any runtime) uploader for S3 multipart uploads through presigned requests.
 * Your backend presigns with `sigv4-presign` (`presignCreateMultipartUpload`, `presignUploadParts`…); this module
 * sends every request itself, in parallel, with retries, progress, pause, abort and resume.
 *
 * @packageDocumentation
 */
export { uploadMultipart } from './uploader.js'
export { UploadError } from './errors.js'
export type { UploadErrorCode, UploadErrorDetails, UploadOperation } from './errors.js'
export { defaultRetryDelay } from './retry.js'
export { fetchTransport, xhrTransport } from './transport.js'
export type { ResponseHeaders, Transport, TransportRequest, TransportResponse } from './transport.js'
export type {
  BackendContext,
  MultipartUpload,
  PresignedRequest,
  SignedPart,
  SignedParts,
  UploadBackend,
  UploadContext,
  UploadOptions,
  UploadProgress,
  UploadResult,
  UploadState,
} from './types.js'
// The S3 XML of multipart uploads, for glue that sends the requests itself (Uppy's @uppy/aws-s3, say).
export { completeMultipartUploadXml, parseCompleteMultipartUpload, parseInitiateMultipartUpload, parseListParts, parseS3Error } from '../s3/multipart-xml.js'
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
} from '../s3/multipart-xml.js'
