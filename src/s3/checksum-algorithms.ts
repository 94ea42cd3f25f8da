/** S3's checksum algorithms (`x-amz-checksum-*` headers, `Checksum*` XML elements): one list for every module. */

/** The checksum algorithms S3 takes in an `x-amz-checksum-*` header (botocore's S3 model, `ChecksumAlgorithm`). */
export type S3ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256' | 'SHA512' | 'MD5' | 'XXHASH64' | 'XXHASH3' | 'XXHASH128'

/** @internal The size in bytes of each algorithm's digest, in the order of botocore's S3 model. */
export const S3_CHECKSUM_BYTES: Readonly<Record<S3ChecksumAlgorithm, number>> = /* @__PURE__ */ Object.freeze({
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
  SHA512: 64,
  MD5: 16,
  XXHASH64: 8,
  XXHASH3: 8,
  XXHASH128: 16,
})

/** @internal Every algorithm's name, in that order. */
export const S3_CHECKSUM_ALGORITHMS = /* @__PURE__ */ Object.keys(S3_CHECKSUM_BYTES) as S3ChecksumAlgorithm[]
