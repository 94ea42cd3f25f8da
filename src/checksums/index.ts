/**
 * sigv4-presign/checksums: the checksums S3 accepts that it computes (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256, and
 * MD5 for `Content-MD5` or `x-amz-checksum-md5`; S3's SHA-512 and xxHash ones are not computed here, though the
 * bindings sign them), in base64 as S3's headers carry them, over bytes, a `Blob`/`File` (read in slices, so a large file
 * never has to fit in memory), a `ReadableStream` or an async iterable. Zero dependencies, pure JavaScript (SHA-1 and
 * SHA-256 of input whole in memory use Web Crypto where it exists).
 *
 * Import the one-algorithm functions (`crc32c`, `createCrc32c`…) to bundle only what you use; `checksum` and
 * `createChecksum` take the algorithm by name, so they carry all six (`checksumHeader` carries none).
 *
 * @packageDocumentation
 */
export { checksum, checksumHeader, createChecksum, CHECKSUM_ALGORITHMS } from './algorithms.js'
export { toBase64 } from './base.js'
export { crc32, crc32c, createCrc32, createCrc32c } from './crc32.js'
export { crc64nvme, createCrc64Nvme } from './crc64nvme.js'
export { createMd5, md5 } from './md5.js'
export { createSha1, sha1 } from './sha1.js'
export { createSha256, sha256 } from './sha256.js'
export type { ChecksumAlgorithm, ChecksumHeader, ChecksumInput, ChecksumOptions, HashData, Hasher } from './types.js'
