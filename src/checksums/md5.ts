/**
 * MD5 (RFC 1321), streaming, for S3's `Content-MD5` (an integrity check, not a signature): the 64 steps unrolled,
 * two to a line, over the block's 16 little-endian words held in locals.
 */
import { BlockHasher } from './block.js'
import { hashInput } from './input.js'
import type { ChecksumInput, ChecksumOptions, Hasher } from './types.js'

const IV = /* @__PURE__ */ new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476])

/**
 * Each step: a = b + rotl(a + f(b,c,d) + M[g] + K, s), then a..d rotate by one (renamed here). f is F, G, H, I in the
 * four rounds, K = floor(|sin(step + 1)| * 2^32); the shifts and message orders are RFC 1321's (generated, then checked
 * against RFC 1321's test suite and node:crypto).
 */
function compress(h: Int32Array, v: DataView, off: number, end: number): void {
  for (; off < end; off += 64) {
    const m0 = v.getInt32(off, true), m1 = v.getInt32(off + 4, true), m2 = v.getInt32(off + 8, true), m3 = v.getInt32(off + 12, true)
    const m4 = v.getInt32(off + 16, true), m5 = v.getInt32(off + 20, true), m6 = v.getInt32(off + 24, true), m7 = v.getInt32(off + 28, true)
    const m8 = v.getInt32(off + 32, true), m9 = v.getInt32(off + 36, true), m10 = v.getInt32(off + 40, true), m11 = v.getInt32(off + 44, true)
    const m12 = v.getInt32(off + 48, true), m13 = v.getInt32(off + 52, true), m14 = v.getInt32(off + 56, true), m15 = v.getInt32(off + 60, true)
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!
    a = (a + (d ^ (b & (c ^ d))) + m0 + 0xd76aa478) | 0; a = (((a << 7) | (a >>> 25)) + b) | 0; d = (d + (c ^ (a & (b ^ c))) + m1 + 0xe8c7b756) | 0; d = (((d << 12) | (d >>> 20)) + a) | 0
    c = (c + (b ^ (d & (a ^ b))) + m2 + 0x242070db) | 0; c = (((c << 17) | (c >>> 15)) + d) | 0; b = (b + (a ^ (c & (d ^ a))) + m3 + 0xc1bdceee) | 0; b = (((b << 22) | (b >>> 10)) + c) | 0
    a = (a + (d ^ (b & (c ^ d))) + m4 + 0xf57c0faf) | 0; a = (((a << 7) | (a >>> 25)) + b) | 0; d = (d + (c ^ (a & (b ^ c))) + m5 + 0x4787c62a) | 0; d = (((d << 12) | (d >>> 20)) + a) | 0
    c = (c + (b ^ (d & (a ^ b))) + m6 + 0xa8304613) | 0; c = (((c << 17) | (c >>> 15)) + d) | 0; b = (b + (a ^ (c & (d ^ a))) + m7 + 0xfd469501) | 0; b = (((b << 22) | (b >>> 10)) + c) | 0
    a = (a + (d ^ (b & (c ^ d))) + m8 + 0x698098d8) | 0; a = (((a << 7) | (a >>> 25)) + b) | 0; d = (d + (c ^ (a & (b ^ c))) + m9 + 0x8b44f7af) | 0; d = (((d << 12) | (d >>> 20)) + a) | 0
    c = (c + (b ^ (d & (a ^ b))) + m10 + 0xffff5bb1) | 0; c = (((c << 17) | (c >>> 15)) + d) | 0; b = (b + (a ^ (c & (d ^ a))) + m11 + 0x895cd7be) | 0; b = (((b << 22) | (b >>> 10)) + c) | 0
    a = (a + (d ^ (b & (c ^ d))) + m12 + 0x6b901122) | 0; a = (((a << 7) | (a >>> 25)) + b) | 0; d = (d + (c ^ (a & (b ^ c))) + m13 + 0xfd987193) | 0; d = (((d << 12) | (d >>> 20)) + a) | 0
    c = (c + (b ^ (d & (a ^ b))) + m14 + 0xa679438e) | 0; c = (((c << 17) | (c >>> 15)) + d) | 0; b = (b + (a ^ (c & (d ^ a))) + m15 + 0x49b40821) | 0; b = (((b << 22) | (b >>> 10)) + c) | 0
    a = (a + (c ^ (d & (b ^ c))) + m1 + 0xf61e2562) | 0; a = (((a << 5) | (a >>> 27)) + b) | 0; d = (d + (b ^ (c & (a ^ b))) + m6 + 0xc040b340) | 0; d = (((d << 9) | (d >>> 23)) + a) | 0
    c = (c + (a ^ (b & (d ^ a))) + m11 + 0x265e5a51) | 0; c = (((c << 14) | (c >>> 18)) + d) | 0; b = (b + (d ^ (a & (c ^ d))) + m0 + 0xe9b6c7aa) | 0; b = (((b << 20) | (b >>> 12)) + c) | 0
    a = (a + (c ^ (d & (b ^ c))) + m5 + 0xd62f105d) | 0; a = (((a << 5) | (a >>> 27)) + b) | 0; d = (d + (b ^ (c & (a ^ b))) + m10 + 0x02441453) | 0; d = (((d << 9) | (d >>> 23)) + a) | 0
    c = (c + (a ^ (b & (d ^ a))) + m15 + 0xd8a1e681) | 0; c = (((c << 14) | (c >>> 18)) + d) | 0; b = (b + (d ^ (a & (c ^ d))) + m4 + 0xe7d3fbc8) | 0; b = (((b << 20) | (b >>> 12)) + c) | 0
    a = (a + (c ^ (d & (b ^ c))) + m9 + 0x21e1cde6) | 0; a = (((a << 5) | (a >>> 27)) + b) | 0; d = (d + (b ^ (c & (a ^ b))) + m14 + 0xc33707d6) | 0; d = (((d << 9) | (d >>> 23)) + a) | 0
    c = (c + (a ^ (b & (d ^ a))) + m3 + 0xf4d50d87) | 0; c = (((c << 14) | (c >>> 18)) + d) | 0; b = (b + (d ^ (a & (c ^ d))) + m8 + 0x455a14ed) | 0; b = (((b << 20) | (b >>> 12)) + c) | 0
    a = (a + (c ^ (d & (b ^ c))) + m13 + 0xa9e3e905) | 0; a = (((a << 5) | (a >>> 27)) + b) | 0; d = (d + (b ^ (c & (a ^ b))) + m2 + 0xfcefa3f8) | 0; d = (((d << 9) | (d >>> 23)) + a) | 0
    c = (c + (a ^ (b & (d ^ a))) + m7 + 0x676f02d9) | 0; c = (((c << 14) | (c >>> 18)) + d) | 0; b = (b + (d ^ (a & (c ^ d))) + m12 + 0x8d2a4c8a) | 0; b = (((b << 20) | (b >>> 12)) + c) | 0
    a = (a + (b ^ c ^ d) + m5 + 0xfffa3942) | 0; a = (((a << 4) | (a >>> 28)) + b) | 0; d = (d + (a ^ b ^ c) + m8 + 0x8771f681) | 0; d = (((d << 11) | (d >>> 21)) + a) | 0
    c = (c + (d ^ a ^ b) + m11 + 0x6d9d6122) | 0; c = (((c << 16) | (c >>> 16)) + d) | 0; b = (b + (c ^ d ^ a) + m14 + 0xfde5380c) | 0; b = (((b << 23) | (b >>> 9)) + c) | 0
    a = (a + (b ^ c ^ d) + m1 + 0xa4beea44) | 0; a = (((a << 4) | (a >>> 28)) + b) | 0; d = (d + (a ^ b ^ c) + m4 + 0x4bdecfa9) | 0; d = (((d << 11) | (d >>> 21)) + a) | 0
    c = (c + (d ^ a ^ b) + m7 + 0xf6bb4b60) | 0; c = (((c << 16) | (c >>> 16)) + d) | 0; b = (b + (c ^ d ^ a) + m10 + 0xbebfbc70) | 0; b = (((b << 23) | (b >>> 9)) + c) | 0
    a = (a + (b ^ c ^ d) + m13 + 0x289b7ec6) | 0; a = (((a << 4) | (a >>> 28)) + b) | 0; d = (d + (a ^ b ^ c) + m0 + 0xeaa127fa) | 0; d = (((d << 11) | (d >>> 21)) + a) | 0
    c = (c + (d ^ a ^ b) + m3 + 0xd4ef3085) | 0; c = (((c << 16) | (c >>> 16)) + d) | 0; b = (b + (c ^ d ^ a) + m6 + 0x04881d05) | 0; b = (((b << 23) | (b >>> 9)) + c) | 0
    a = (a + (b ^ c ^ d) + m9 + 0xd9d4d039) | 0; a = (((a << 4) | (a >>> 28)) + b) | 0; d = (d + (a ^ b ^ c) + m12 + 0xe6db99e5) | 0; d = (((d << 11) | (d >>> 21)) + a) | 0
    c = (c + (d ^ a ^ b) + m15 + 0x1fa27cf8) | 0; c = (((c << 16) | (c >>> 16)) + d) | 0; b = (b + (c ^ d ^ a) + m2 + 0xc4ac5665) | 0; b = (((b << 23) | (b >>> 9)) + c) | 0
    a = (a + (c ^ (b | ~d)) + m0 + 0xf4292244) | 0; a = (((a << 6) | (a >>> 26)) + b) | 0; d = (d + (b ^ (a | ~c)) + m7 + 0x432aff97) | 0; d = (((d << 10) | (d >>> 22)) + a) | 0
    c = (c + (a ^ (d | ~b)) + m14 + 0xab9423a7) | 0; c = (((c << 15) | (c >>> 17)) + d) | 0; b = (b + (d ^ (c | ~a)) + m5 + 0xfc93a039) | 0; b = (((b << 21) | (b >>> 11)) + c) | 0
    a = (a + (c ^ (b | ~d)) + m12 + 0x655b59c3) | 0; a = (((a << 6) | (a >>> 26)) + b) | 0; d = (d + (b ^ (a | ~c)) + m3 + 0x8f0ccc92) | 0; d = (((d << 10) | (d >>> 22)) + a) | 0
    c = (c + (a ^ (d | ~b)) + m10 + 0xffeff47d) | 0; c = (((c << 15) | (c >>> 17)) + d) | 0; b = (b + (d ^ (c | ~a)) + m1 + 0x85845dd1) | 0; b = (((b << 21) | (b >>> 11)) + c) | 0
    a = (a + (c ^ (b | ~d)) + m8 + 0x6fa87e4f) | 0; a = (((a << 6) | (a >>> 26)) + b) | 0; d = (d + (b ^ (a | ~c)) + m15 + 0xfe2ce6e0) | 0; d = (((d << 10) | (d >>> 22)) + a) | 0
    c = (c + (a ^ (d | ~b)) + m6 + 0xa3014314) | 0; c = (((c << 15) | (c >>> 17)) + d) | 0; b = (b + (d ^ (c | ~a)) + m13 + 0x4e0811a1) | 0; b = (((b << 21) | (b >>> 11)) + c) | 0
    a = (a + (c ^ (b | ~d)) + m4 + 0xf7537e82) | 0; a = (((a << 6) | (a >>> 26)) + b) | 0; d = (d + (b ^ (a | ~c)) + m11 + 0xbd3af235) | 0; d = (((d << 10) | (d >>> 22)) + a) | 0
    c = (c + (a ^ (d | ~b)) + m2 + 0x2ad7d2bb) | 0; c = (((c << 15) | (c >>> 17)) + d) | 0; b = (b + (d ^ (c | ~a)) + m9 + 0xeb86d391) | 0; b = (((b << 21) | (b >>> 11)) + c) | 0
    h[0] = (h[0]! + a) | 0
    h[1] = (h[1]! + b) | 0
    h[2] = (h[2]! + c) | 0
    h[3] = (h[3]! + d) | 0
  }
}

/**
 * An incremental MD5 (the digest of `Content-MD5`), in pure JavaScript.
 *
 * @example
 * createMd5().update('abc').digestBase64() === 'kAFQmDzST7DWlj99KOF/cg=='
 */
export function createMd5(): Hasher {
  return new BlockHasher('MD5', 16, IV, compress, true)
}

/**
 * The MD5 of bytes, a string's UTF-8, a `Blob`/`File` (read in slices) or a stream, in base64: the value of
 * `Content-MD5`. Always pure JavaScript (Web Crypto has no MD5).
 *
 * @example
 * await md5('abc') === 'kAFQmDzST7DWlj99KOF/cg=='
 * const value = await md5(file, { onProgress: (bytes) => console.log(bytes / file.size) })
 */
export function md5(data: ChecksumInput, options?: ChecksumOptions): Promise<string> {
  return hashInput(createMd5, data, options)
}
