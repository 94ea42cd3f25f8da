/**
 * SHA-256 (FIPS 180-4), streaming: the compression function of src/core/sha256.ts (the signer's) in the frame that
 * SHA-1 and MD5 share (block.ts).
 */
import { IV, sha256Blocks } from '../core/sha256.js'
import { BlockHasher } from './block.js'
import { hashInput } from './input.js'
import type { ChecksumInput, ChecksumOptions, Hasher } from './types.js'
import { subtleDigest } from './web-crypto.js'

/** The core's compression (src/core/sha256.ts), over the bytes a `DataView` shows. */
const compress = (h: Int32Array, v: DataView, off: number, end: number): void => sha256Blocks(h, new Uint8Array(v.buffer, v.byteOffset, v.byteLength), off, end)

/**
 * An incremental SHA-256 (the checksum of `x-amz-checksum-sha256`), in pure JavaScript.
 *
 * @example
 * createSha256().update('abc').digestBase64() === 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='
 */
export function createSha256(): Hasher {
  return new BlockHasher('SHA256', 32, IV, compress, false)
}

/**
 * The SHA-256 of bytes, a string's UTF-8, a `Blob`/`File` (read in slices) or a stream, in base64: the value of
 * `x-amz-checksum-sha256`. Input that is whole in memory goes to Web Crypto where it exists (same result, faster);
 * everything else is hashed here as it is read.
 *
 * @example
 * await sha256('abc') === 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='
 * const value = await sha256(file, { onProgress: (bytes) => console.log(bytes / file.size) })
 */
export function sha256(data: ChecksumInput, options?: ChecksumOptions): Promise<string> {
  return hashInput(createSha256, data, options, (bytes) => subtleDigest('SHA-256', bytes))
}
