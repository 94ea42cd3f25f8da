/**
 * Presigned S3 multipart uploads: `CreateMultipartUpload`, `UploadPart`, `CompleteMultipartUpload`,
 * `AbortMultipartUpload` and `ListParts`, each a URL the client uses directly (the backend never carries the bytes).
 * The query of each (`?uploads=`, `?partNumber=N&uploadId=…`, …) is byte-identical to botocore's
 * `generate_presigned_url` (vectors/botocore-s3-multipart.json).
 */
import { fail } from '../core/errors.js'
import { uriEncode } from '../core/uri-encode.js'
import type { PresignResult } from '../sign/presign.js'
import { type PresignS3Options, presignS3Request, type S3Location } from './object-url.js'

/** S3's largest part number (and largest number of parts of an upload). */
const MAX_PART_NUMBER = 10000
/** The most parts one `ListParts` page returns. */
const MAX_LIST_PARTS = 1000
/** The longest upload id accepted (S3's are about 100-200 characters). */
const MAX_UPLOAD_ID = 1024

/** Options of the multipart presign functions: {@link PresignS3Options} without `method`, which each operation fixes. */
export type PresignMultipartOptions = Omit<PresignS3Options, 'method'>

/** A request the client must send as given: the URL, its method and the headers that were signed with it. */
export interface PresignedS3Request {
  /** The presigned URL. */
  readonly url: string
  /** The HTTP method it was signed for (`POST`, `PUT`, `GET`, `DELETE`). */
  readonly method: string
  /** Headers (other than `host`) the client must send with exactly these values, lower-case names. */
  readonly headers: Readonly<Record<string, string>>
}

/** An upload that exists: the `UploadId` that `CreateMultipartUpload` returned. */
export interface UploadIdInput {
  /** The `UploadId`, unencoded: a non-empty string of at most 1024 characters without control characters. */
  readonly uploadId: string
}

/** One part of an upload. */
export interface UploadPartInput extends UploadIdInput {
  /** The part number, an integer in 1..10000. */
  readonly partNumber: number
}

/** Several parts of an upload. */
export interface UploadPartsInput extends UploadIdInput {
  /** The part numbers, integers in 1..10000, each at most once. */
  readonly partNumbers: readonly number[]
}

/** A page of `ListParts`. */
export interface ListPartsInput extends UploadIdInput {
  /** `max-parts`: at most this many parts, an integer in 1..1000 (S3's default and largest page is 1000). */
  readonly maxParts?: number | undefined
  /** `part-number-marker`: list the parts after this part number, an integer in 0..10000 (`NextPartNumberMarker` of the previous page). */
  readonly partNumberMarker?: number | undefined
}

/** One operation of a multipart upload, named as in S3's API, with its inputs. */
export type MultipartOperation =
  | {
      /** `CreateMultipartUpload`: `POST key?uploads=`. */
      readonly operation: 'createMultipartUpload'
    }
  | ({
      /** `UploadPart`: `PUT key?partNumber=N&uploadId=…`. */
      readonly operation: 'uploadPart'
    } & UploadPartInput)
  | ({
      /** `CompleteMultipartUpload`: `POST key?uploadId=…`. */
      readonly operation: 'completeMultipartUpload'
    } & UploadIdInput)
  | ({
      /** `AbortMultipartUpload`: `DELETE key?uploadId=…`. */
      readonly operation: 'abortMultipartUpload'
    } & UploadIdInput)
  | ({
      /** `ListParts`: `GET key?[max-parts=M&][part-number-marker=P&]uploadId=…`. */
      readonly operation: 'listParts'
    } & ListPartsInput)

/** A presigned `UploadPart` URL of a batch. */
export interface PresignedPart {
  /** The part number it uploads. */
  readonly partNumber: number
  /** The presigned `PUT` URL. */
  readonly url: string
}

/** The method of each operation. */
const METHODS: Readonly<Record<MultipartOperation['operation'], string>> = {
  createMultipartUpload: 'POST',
  uploadPart: 'PUT',
  completeMultipartUpload: 'POST',
  abortMultipartUpload: 'DELETE',
  listParts: 'GET',
}

/** Query parameters the functions set themselves (and S3's `versionId`): `location.query` must not have them, in any case. */
const RESERVED_QUERY: ReadonlySet<string> = /* @__PURE__ */ new Set(['uploads', 'uploadid', 'partnumber', 'max-parts', 'part-number-marker', 'versionid'])

/** An integer in `min..max`, or a `PresignError` (code `InvalidOption`) naming `field` and the range. */
function checkInteger(value: unknown, field: string, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) fail('InvalidOption', field, `must be an integer in ${min}..${max} (${what})`, value)
  return value as number
}

/** The `uploadId=…` query parameter, encoded. */
function uploadIdParam(upload: UploadIdInput): string {
  const id: unknown = upload.uploadId
  if (typeof id !== 'string' || id === '' || id.length > MAX_UPLOAD_ID || /[\0-\x1f\x7f-\x9f]/.test(id)) {
    fail('InvalidOption', 'upload.uploadId', `must be the UploadId of CreateMultipartUpload: a non-empty string of at most ${MAX_UPLOAD_ID} characters without control characters`, id)
  }
  return 'uploadId=' + uriEncode(id, false, 'upload.uploadId')
}

/** The partNumber of an `UploadPart`: an integer in 1..10000. */
function checkPartNumber(value: unknown, field: string): number {
  return checkInteger(value, field, 1, MAX_PART_NUMBER, 'S3 part numbers')
}

/** The subresources of an operation, encoded and in botocore's order (S3's API reference order). */
function subresources(upload: MultipartOperation): string[] {
  switch (upload.operation) {
    case 'createMultipartUpload':
      return ['uploads=']
    case 'uploadPart':
      return ['partNumber=' + checkPartNumber(upload.partNumber, 'upload.partNumber'), uploadIdParam(upload)]
    case 'completeMultipartUpload':
    case 'abortMultipartUpload':
      return [uploadIdParam(upload)]
    case 'listParts': {
      const params: string[] = []
      if (upload.maxParts !== undefined) params.push('max-parts=' + checkInteger(upload.maxParts, 'upload.maxParts', 1, MAX_LIST_PARTS, 'S3 returns at most 1000 parts per page'))
      if (upload.partNumberMarker !== undefined) {
        params.push('part-number-marker=' + checkInteger(upload.partNumberMarker, 'upload.partNumberMarker', 0, MAX_PART_NUMBER, 'the last part number of the previous page, 0 for the first page'))
      }
      return params.concat(uploadIdParam(upload))
    }
  }
}

/** A location a multipart operation can take: an object key, no `versionId` or `response-*`, no reserved query name. */
function checkLocation(location: S3Location): void {
  if (location === null || typeof location !== 'object') fail('InvalidOption', 'location', 'must be an object { bucket, key, region, ... }', location)
  if (typeof location.key !== 'string' || location.key === '') fail('InvalidKey', 'location.key', 'must be a non-empty object key: a multipart upload creates one object', location.key)
  if (location.versionId !== undefined) fail('InvalidOption', 'location.versionId', 'must be omitted: multipart operations act on an upload, not on an object version')
  if (location.responseOverrides !== undefined) fail('InvalidOption', 'location.responseOverrides', 'must be omitted: response-* overrides apply to GetObject only')
  const query: unknown = location.query
  if (query === null || typeof query !== 'object') return // undefined, or a bad value s3ObjectUrl refuses
  for (const name of Object.keys(query)) {
    if (RESERVED_QUERY.has(name.toLowerCase())) {
      fail('InvalidOption', `location.query["${name}"]`, 'must be omitted: the multipart functions set uploads, uploadId, partNumber, max-parts and part-number-marker themselves, and take no versionId')
    }
  }
}

/** Options without a method other than the operation's. */
function checkOptions(options: PresignMultipartOptions, method: string): PresignS3Options {
  if (options === null || typeof options !== 'object') fail('InvalidOption', 'options', 'must be an object { credentials, ... }', options)
  const given: unknown = (options as PresignS3Options).method
  if (given !== undefined && (typeof given !== 'string' || given.toUpperCase() !== method)) {
    fail('InvalidMethod', 'options.method', `must be omitted (or "${method}"): this operation is always ${method}`, given)
  }
  return { ...options, method }
}

/**
 * Presign one operation of a multipart upload and return every intermediate step (canonical request, string to
 * sign, signature…), as `presignS3Detailed` does. The functions below are shorthands of this one.
 *
 * @example
 * const r = await presignMultipartDetailed(
 *   { bucket: 'examplebucket', key: 'videos/a.mp4', region: 'us-east-1' },
 *   { operation: 'uploadPart', uploadId, partNumber: 3 },
 *   { credentials, expiresIn: 900 },
 * )
 * // r.url: https://examplebucket.s3.us-east-1.amazonaws.com/videos/a.mp4?partNumber=3&uploadId=…&X-Amz-Algorithm=…
 * @throws {PresignError} `InvalidOption` (e.g. `upload.partNumber` outside 1..10000, a bad `upload.uploadId`,
 *   `location.versionId`, a reserved `location.query` name), `InvalidMethod` (`options.method` other than the
 *   operation's), `InvalidKey` (no key), and every error of `presignS3`
 */
export async function presignMultipartDetailed(location: S3Location, upload: MultipartOperation, options: PresignMultipartOptions): Promise<PresignResult> {
  if (upload === null || typeof upload !== 'object') fail('InvalidOption', 'upload', 'must be an object { operation, uploadId, ... }', upload)
  const method = typeof upload.operation === 'string' && Object.hasOwn(METHODS, upload.operation) ? METHODS[upload.operation] : undefined
  if (method === undefined) fail('InvalidOption', 'upload.operation', `must be one of ${Object.keys(METHODS).join(', ')}`, upload.operation)
  const params = subresources(upload)
  checkLocation(location)
  return presignS3Request(location, checkOptions(options, method), params)
}

/** The request the client must send: URL, method, headers. */
async function request(location: S3Location, upload: MultipartOperation, options: PresignMultipartOptions): Promise<PresignedS3Request> {
  const r = await presignMultipartDetailed(location, upload, options)
  return { url: r.url, method: r.method, headers: r.headers }
}

/**
 * Presign `CreateMultipartUpload` (`POST key?uploads=`). The object's headers go in `options.headers` and are
 * signed: `content-type`, `x-amz-meta-*`, `x-amz-checksum-algorithm`, `cache-control`, `x-amz-storage-class`…
 * The client must send them, exactly as returned in `headers`; S3 answers with the `UploadId` (XML).
 *
 * @example
 * const create = await presignCreateMultipartUpload(
 *   { bucket: 'examplebucket', key: 'videos/a.mp4', region: 'us-east-1' },
 *   { credentials, headers: { 'content-type': 'video/mp4', 'x-amz-meta-owner': 'alice' }, expiresIn: 300 },
 * )
 * const response = await fetch(create.url, { method: create.method, headers: create.headers })
 * @throws {PresignError} see {@link presignMultipartDetailed}
 */
export async function presignCreateMultipartUpload(location: S3Location, options: PresignMultipartOptions): Promise<PresignedS3Request> {
  return request(location, { operation: 'createMultipartUpload' }, options)
}

/**
 * Presign `UploadPart` (`PUT key?partNumber=N&uploadId=…`): the client `PUT`s the part's bytes to the URL and keeps
 * the `ETag` of the answer (the bucket's CORS rule must expose it: `ExposeHeaders: ETag`). Headers in
 * `options.headers` are signed, and the client must send them: `content-length` pins the part's size, and an upload
 * created with `x-amz-checksum-algorithm` needs the part's checksum (`x-amz-checksum-sha256`…), which S3 refuses
 * unsigned on a presigned URL.
 *
 * @example
 * const url = await presignUploadPart(
 *   { bucket: 'examplebucket', key: 'videos/a.mp4', region: 'us-east-1' },
 *   { uploadId, partNumber: 1 },
 *   { credentials, expiresIn: 900 },
 * )
 * @throws {PresignError} `InvalidOption` `upload.partNumber` outside 1..10000; see {@link presignMultipartDetailed}
 */
export async function presignUploadPart(location: S3Location, upload: UploadPartInput, options: PresignMultipartOptions): Promise<string> {
  const { uploadId, partNumber } = uploadOf(upload)
  return (await presignMultipartDetailed(location, { operation: 'uploadPart', uploadId, partNumber }, options)).url
}

/**
 * Presign `UploadPart` for a batch of part numbers, in their order. Every number is checked before anything is
 * signed: integers in 1..10000, none twice.
 *
 * @example
 * const parts = await presignUploadParts(
 *   { bucket: 'examplebucket', key: 'videos/a.mp4', region: 'us-east-1' },
 *   { uploadId, partNumbers: [1, 2, 3, 4] },
 *   { credentials, expiresIn: 900 },
 * )
 * // [{ partNumber: 1, url: 'https://…?partNumber=1&uploadId=…' }, …]
 * @throws {PresignError} `InvalidOption` `upload.partNumbers` (not an array), `upload.partNumbers[i]` (outside
 *   1..10000, or repeated); see {@link presignMultipartDetailed}
 */
export async function presignUploadParts(location: S3Location, upload: UploadPartsInput, options: PresignMultipartOptions): Promise<PresignedPart[]> {
  const numbers: unknown = uploadOf(upload).partNumbers
  if (!Array.isArray(numbers)) fail('InvalidOption', 'upload.partNumbers', 'must be an array of part numbers (integers in 1..10000)', numbers)
  const seen = new Map<number, number>()
  for (let i = 0; i < numbers.length; i++) {
    const n = checkPartNumber(numbers[i], `upload.partNumbers[${i}]`)
    const first = seen.get(n)
    if (first !== undefined) fail('InvalidOption', `upload.partNumbers[${i}]`, `must not repeat part number ${n} (already at index ${first})`)
    seen.set(n, i)
  }
  const { uploadId } = upload
  return Promise.all(
    (numbers as number[]).map(async (partNumber) => ({ partNumber, url: (await presignMultipartDetailed(location, { operation: 'uploadPart', uploadId, partNumber }, options)).url })),
  )
}

/**
 * Presign `CompleteMultipartUpload` (`POST key?uploadId=…`). The client sends the XML body listing each part's
 * `PartNumber` and `ETag`; the body is not signed (`UNSIGNED-PAYLOAD`, as every S3 presign).
 *
 * @example
 * const complete = await presignCompleteMultipartUpload(
 *   { bucket: 'examplebucket', key: 'videos/a.mp4', region: 'us-east-1' },
 *   { uploadId },
 *   { credentials },
 * )
 * await fetch(complete.url, { method: complete.method, headers: complete.headers, body: xml })
 * @throws {PresignError} see {@link presignMultipartDetailed}
 */
export async function presignCompleteMultipartUpload(location: S3Location, upload: UploadIdInput, options: PresignMultipartOptions): Promise<PresignedS3Request> {
  return request(location, { operation: 'completeMultipartUpload', uploadId: uploadOf(upload).uploadId }, options)
}

/**
 * Presign `AbortMultipartUpload` (`DELETE key?uploadId=…`): S3 deletes the parts stored so far, which stop being billed.
 *
 * @example
 * const abort = await presignAbortMultipartUpload(
 *   { bucket: 'examplebucket', key: 'videos/a.mp4', region: 'us-east-1' },
 *   { uploadId },
 *   { credentials },
 * )
 * await fetch(abort.url, { method: abort.method })
 * @throws {PresignError} see {@link presignMultipartDetailed}
 */
export async function presignAbortMultipartUpload(location: S3Location, upload: UploadIdInput, options: PresignMultipartOptions): Promise<PresignedS3Request> {
  return request(location, { operation: 'abortMultipartUpload', uploadId: uploadOf(upload).uploadId }, options)
}

/**
 * Presign a page of `ListParts` (`GET key?[max-parts=M&][part-number-marker=P&]uploadId=…`): the parts stored so
 * far, with their `ETag`s, to resume an interrupted upload.
 *
 * @example
 * const list = await presignListParts(
 *   { bucket: 'examplebucket', key: 'videos/a.mp4', region: 'us-east-1' },
 *   { uploadId, partNumberMarker: 1000 },
 *   { credentials },
 * )
 * @throws {PresignError} `InvalidOption` `upload.maxParts` outside 1..1000, `upload.partNumberMarker` outside
 *   0..10000; see {@link presignMultipartDetailed}
 */
export async function presignListParts(location: S3Location, upload: ListPartsInput, options: PresignMultipartOptions): Promise<PresignedS3Request> {
  const { uploadId, maxParts, partNumberMarker } = uploadOf(upload)
  return request(location, { operation: 'listParts', uploadId, maxParts, partNumberMarker }, options)
}

/** `upload`, checked to be an object (its fields are picked one by one: an `operation` it may carry is ignored). */
function uploadOf<T extends UploadIdInput>(upload: T): T {
  if (upload === null || typeof upload !== 'object') fail('InvalidOption', 'upload', 'must be an object { uploadId, ... }', upload)
  return upload
}
