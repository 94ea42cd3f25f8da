/**
 * The algorithms by name: `checksum` and `createChecksum` (a bundle that uses either carries all six algorithms), and
 * `checksumHeader` (which carries none).
 */
import { fail } from '../core/errors.js'
import { crc32, crc32c, createCrc32, createCrc32c } from './crc32.js'
import { crc64nvme, createCrc64Nvme } from './crc64nvme.js'
import { createMd5, md5 } from './md5.js'
import { createSha1, sha1 } from './sha1.js'
import { createSha256, sha256 } from './sha256.js'
import type { ChecksumAlgorithm, ChecksumHeader, ChecksumInput, ChecksumOptions, Hasher } from './types.js'

/**
 * The algorithms, in the order S3's documentation lists them (MD5, for `Content-MD5`, last).
 *
 * @example
 * CHECKSUM_ALGORITHMS.includes('CRC64NVME') === true
 */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = Object.freeze(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'MD5'])

const HEADERS: Readonly<Record<ChecksumAlgorithm, ChecksumHeader>> = {
  CRC32: 'x-amz-checksum-crc32',
  CRC32C: 'x-amz-checksum-crc32c',
  CRC64NVME: 'x-amz-checksum-crc64nvme',
  SHA1: 'x-amz-checksum-sha1',
  SHA256: 'x-amz-checksum-sha256',
  MD5: 'content-md5',
}

interface Entry {
  readonly create: () => Hasher
  readonly hash: (data: ChecksumInput, options?: ChecksumOptions) => Promise<string>
}

const TABLE: Readonly<Record<ChecksumAlgorithm, Entry>> = {
  CRC32: { create: createCrc32, hash: crc32 },
  CRC32C: { create: createCrc32c, hash: crc32c },
  CRC64NVME: { create: createCrc64Nvme, hash: crc64nvme },
  SHA1: { create: createSha1, hash: sha1 },
  SHA256: { create: createSha256, hash: sha256 },
  MD5: { create: createMd5, hash: md5 },
}

/** `algorithm`, checked: one of the six names exactly (never a prototype key such as `toString`). */
function checkAlgorithm(algorithm: ChecksumAlgorithm): ChecksumAlgorithm {
  if (typeof algorithm !== 'string' || !Object.hasOwn(HEADERS, algorithm)) {
    fail('InvalidOption', 'algorithm', `must be one of ${Object.keys(HEADERS).join(', ')}`, algorithm)
  }
  return algorithm
}

/**
 * The checksum of `data` by `algorithm`, in base64: the value of the header {@link checksumHeader} names. Rejects
 * with a `PresignError` (`InvalidOption`) for an unknown algorithm, input of another type, or bad options, and with
 * `options.signal.reason` when the signal aborts.
 *
 * @example
 * await checksum('CRC64NVME', '123456789') === 'rosUhgp5mIg='
 * const value = await checksum('SHA256', file, { onProgress: (bytes) => bar.update(bytes / file.size) })
 * // then ask the backend to presign the PUT with { [checksumHeader('SHA256')]: value }
 */
export async function checksum(algorithm: ChecksumAlgorithm, data: ChecksumInput, options?: ChecksumOptions): Promise<string> {
  return TABLE[checkAlgorithm(algorithm)].hash(data, options)
}

/**
 * A new incremental hasher for `algorithm`. Throws a `PresignError` (`InvalidOption`) for an unknown algorithm.
 *
 * @example
 * const hasher = createChecksum('CRC32')
 * for (const part of ['1234', '56789']) hasher.update(part)
 * hasher.digestBase64() === 'y/Q5Jg=='
 */
export function createChecksum(algorithm: ChecksumAlgorithm): Hasher {
  return TABLE[checkAlgorithm(algorithm)].create()
}

/**
 * The lower-case name of the request header that carries `algorithm`'s value: `x-amz-checksum-crc32`…, and
 * `content-md5` for MD5. Throws a `PresignError` (`InvalidOption`) for an unknown algorithm.
 *
 * @example
 * checksumHeader('CRC32') === 'x-amz-checksum-crc32'
 * checksumHeader('MD5') === 'content-md5'
 */
export function checksumHeader(algorithm: ChecksumAlgorithm): ChecksumHeader {
  return HEADERS[checkAlgorithm(algorithm)]
}
