/**
 * SHA-1 (FIPS 180-4; RFC 3174), streaming: five rounds per iteration with the working variables renamed instead of
 * shifted, over words read with a `DataView`. For S3's `x-amz-checksum-sha1`, an integrity check, not a signature.
 */
import { BlockHasher } from './block.js'
import { hashInput } from './input.js'
import type { ChecksumInput, ChecksumOptions, Hasher } from './types.js'
import { subtleDigest } from './web-crypto.js'

const IV = /* @__PURE__ */ new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0])
const W = /* @__PURE__ */ new Int32Array(80)

function compress(h: Int32Array, v: DataView, off: number, end: number): void {
  const w = W
  let a: number, b: number, c: number, d: number, e: number, i: number
  for (; off < end; off += 64) {
    for (i = 0; i < 16; i++) w[i] = v.getInt32(off + i * 4)
    for (; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!
      w[i] = (x << 1) | (x >>> 31)
    }
    a = h[0]!
    b = h[1]!
    c = h[2]!
    d = h[3]!
    e = h[4]!
    // Each round: T = rotl5(a) + f(b,c,d) + e + K + W; e = d, d = c, c = rotl30(b), b = a, a = T (here: renamed).
    // The sums go pairwise through `| 0`, which keeps V8 in 32-bit integers (35% faster than one `| 0` at the end).
    for (i = 0; i < 20; i += 5) {
      e = (((e + ((a << 5) | (a >>> 27))) | 0) + (((d ^ (b & (c ^ d))) + ((0x5a827999 + w[i]!) | 0)) | 0)) | 0; b = (b << 30) | (b >>> 2)
      d = (((d + ((e << 5) | (e >>> 27))) | 0) + (((c ^ (a & (b ^ c))) + ((0x5a827999 + w[i + 1]!) | 0)) | 0)) | 0; a = (a << 30) | (a >>> 2)
      c = (((c + ((d << 5) | (d >>> 27))) | 0) + (((b ^ (e & (a ^ b))) + ((0x5a827999 + w[i + 2]!) | 0)) | 0)) | 0; e = (e << 30) | (e >>> 2)
      b = (((b + ((c << 5) | (c >>> 27))) | 0) + (((a ^ (d & (e ^ a))) + ((0x5a827999 + w[i + 3]!) | 0)) | 0)) | 0; d = (d << 30) | (d >>> 2)
      a = (((a + ((b << 5) | (b >>> 27))) | 0) + (((e ^ (c & (d ^ e))) + ((0x5a827999 + w[i + 4]!) | 0)) | 0)) | 0; c = (c << 30) | (c >>> 2)
    }
    for (; i < 40; i += 5) {
      e = (((e + ((a << 5) | (a >>> 27))) | 0) + (((b ^ c ^ d) + ((0x6ed9eba1 + w[i]!) | 0)) | 0)) | 0; b = (b << 30) | (b >>> 2)
      d = (((d + ((e << 5) | (e >>> 27))) | 0) + (((a ^ b ^ c) + ((0x6ed9eba1 + w[i + 1]!) | 0)) | 0)) | 0; a = (a << 30) | (a >>> 2)
      c = (((c + ((d << 5) | (d >>> 27))) | 0) + (((e ^ a ^ b) + ((0x6ed9eba1 + w[i + 2]!) | 0)) | 0)) | 0; e = (e << 30) | (e >>> 2)
      b = (((b + ((c << 5) | (c >>> 27))) | 0) + (((d ^ e ^ a) + ((0x6ed9eba1 + w[i + 3]!) | 0)) | 0)) | 0; d = (d << 30) | (d >>> 2)
      a = (((a + ((b << 5) | (b >>> 27))) | 0) + (((c ^ d ^ e) + ((0x6ed9eba1 + w[i + 4]!) | 0)) | 0)) | 0; c = (c << 30) | (c >>> 2)
    }
    for (; i < 60; i += 5) {
      e = (((e + ((a << 5) | (a >>> 27))) | 0) + ((((b & c) | (d & (b | c))) + ((w[i]! - 0x70e44324) | 0)) | 0)) | 0; b = (b << 30) | (b >>> 2)
      d = (((d + ((e << 5) | (e >>> 27))) | 0) + ((((a & b) | (c & (a | b))) + ((w[i + 1]! - 0x70e44324) | 0)) | 0)) | 0; a = (a << 30) | (a >>> 2)
      c = (((c + ((d << 5) | (d >>> 27))) | 0) + ((((e & a) | (b & (e | a))) + ((w[i + 2]! - 0x70e44324) | 0)) | 0)) | 0; e = (e << 30) | (e >>> 2)
      b = (((b + ((c << 5) | (c >>> 27))) | 0) + ((((d & e) | (a & (d | e))) + ((w[i + 3]! - 0x70e44324) | 0)) | 0)) | 0; d = (d << 30) | (d >>> 2)
      a = (((a + ((b << 5) | (b >>> 27))) | 0) + ((((c & d) | (e & (c | d))) + ((w[i + 4]! - 0x70e44324) | 0)) | 0)) | 0; c = (c << 30) | (c >>> 2)
    }
    for (; i < 80; i += 5) {
      e = (((e + ((a << 5) | (a >>> 27))) | 0) + (((b ^ c ^ d) + ((w[i]! - 0x359d3e2a) | 0)) | 0)) | 0; b = (b << 30) | (b >>> 2)
      d = (((d + ((e << 5) | (e >>> 27))) | 0) + (((a ^ b ^ c) + ((w[i + 1]! - 0x359d3e2a) | 0)) | 0)) | 0; a = (a << 30) | (a >>> 2)
      c = (((c + ((d << 5) | (d >>> 27))) | 0) + (((e ^ a ^ b) + ((w[i + 2]! - 0x359d3e2a) | 0)) | 0)) | 0; e = (e << 30) | (e >>> 2)
      b = (((b + ((c << 5) | (c >>> 27))) | 0) + (((d ^ e ^ a) + ((w[i + 3]! - 0x359d3e2a) | 0)) | 0)) | 0; d = (d << 30) | (d >>> 2)
      a = (((a + ((b << 5) | (b >>> 27))) | 0) + (((c ^ d ^ e) + ((w[i + 4]! - 0x359d3e2a) | 0)) | 0)) | 0; c = (c << 30) | (c >>> 2)
    }
    h[0] = (h[0]! + a) | 0
    h[1] = (h[1]! + b) | 0
    h[2] = (h[2]! + c) | 0
    h[3] = (h[3]! + d) | 0
    h[4] = (h[4]! + e) | 0
  }
}

/**
 * An incremental SHA-1 (the checksum of `x-amz-checksum-sha1`), in pure JavaScript.
 *
 * @example
 * createSha1().update('abc').digestBase64() === 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0='
 */
export function createSha1(): Hasher {
  return new BlockHasher('SHA1', 20, IV, compress, false)
}

/**
 * The SHA-1 of bytes, a string's UTF-8, a `Blob`/`File` (read in slices) or a stream, in base64: the value of
 * `x-amz-checksum-sha1`. Input that is whole in memory goes to Web Crypto where it exists (same result, faster);
 * everything else is hashed here as it is read.
 *
 * @example
 * await sha1('abc') === 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0='
 * const value = await sha1(file, { onProgress: (bytes) => console.log(bytes / file.size) })
 */
export function sha1(data: ChecksumInput, options?: ChecksumOptions): Promise<string> {
  return hashInput(createSha1, data, options, (bytes) => subtleDigest('SHA-1', bytes))
}
