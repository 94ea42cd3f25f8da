/**
 * SHA-256 (FIPS 180-4), streaming. The rounds are those of src/core/sha256.ts (eight per iteration, the working
 * variables renamed instead of shifted), over words read with a `DataView`.
 */
import { BlockHasher } from './block.js'
import { hashInput } from './input.js'
import type { ChecksumInput, ChecksumOptions, Hasher } from './types.js'
import { subtleDigest } from './web-crypto.js'

const K = /* @__PURE__ */ new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const IV = /* @__PURE__ */ new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
const W = /* @__PURE__ */ new Int32Array(64)

function compress(h: Int32Array, v: DataView, off: number, end: number): void {
  const w = W
  const k = K
  let a: number, b: number, c: number, d: number, e: number, f: number, g: number, hh: number, t: number
  for (; off < end; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = v.getInt32(off + i * 4)
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!
      const y = w[i - 2]!
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
      w[i] = (((s0 + w[i - 7]!) | 0) + ((s1 + w[i - 16]!) | 0)) | 0
    }
    a = h[0]!
    b = h[1]!
    c = h[2]!
    d = h[3]!
    e = h[4]!
    f = h[5]!
    g = h[6]!
    hh = h[7]!
    // Each round: T1 = h + Σ1(e) + Ch(e,f,g) + K + W, d += T1, h = T1 + Σ0(a) + Maj(a,b,c); then a..h rotate by one.
    for (let i = 0; i < 64; i += 8) {
      t = (((((hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))) | 0) + ((e & f) ^ (~e & g))) | 0) + ((k[i + 0]! + w[i + 0]!) | 0)) | 0
      d = (d + t) | 0
      hh = (t + (((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0)) | 0
      t = (((((g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7)))) | 0) + ((d & e) ^ (~d & f))) | 0) + ((k[i + 1]! + w[i + 1]!) | 0)) | 0
      c = (c + t) | 0
      g = (t + (((((hh >>> 2) | (hh << 30)) ^ ((hh >>> 13) | (hh << 19)) ^ ((hh >>> 22) | (hh << 10))) + ((hh & a) ^ (hh & b) ^ (a & b))) | 0)) | 0
      t = (((((f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7)))) | 0) + ((c & d) ^ (~c & e))) | 0) + ((k[i + 2]! + w[i + 2]!) | 0)) | 0
      b = (b + t) | 0
      f = (t + (((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & hh) ^ (g & a) ^ (hh & a))) | 0)) | 0
      t = (((((e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7)))) | 0) + ((b & c) ^ (~b & d))) | 0) + ((k[i + 3]! + w[i + 3]!) | 0)) | 0
      a = (a + t) | 0
      e = (t + (((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) ^ (f & hh) ^ (g & hh))) | 0)) | 0
      t = (((((d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7)))) | 0) + ((a & b) ^ (~a & c))) | 0) + ((k[i + 4]! + w[i + 4]!) | 0)) | 0
      hh = (hh + t) | 0
      d = (t + (((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) ^ (e & g) ^ (f & g))) | 0)) | 0
      t = (((((c + (((hh >>> 6) | (hh << 26)) ^ ((hh >>> 11) | (hh << 21)) ^ ((hh >>> 25) | (hh << 7)))) | 0) + ((hh & a) ^ (~hh & b))) | 0) + ((k[i + 5]! + w[i + 5]!) | 0)) | 0
      g = (g + t) | 0
      c = (t + (((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) ^ (d & f) ^ (e & f))) | 0)) | 0
      t = (((((b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7)))) | 0) + ((g & hh) ^ (~g & a))) | 0) + ((k[i + 6]! + w[i + 6]!) | 0)) | 0
      f = (f + t) | 0
      b = (t + (((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) ^ (c & e) ^ (d & e))) | 0)) | 0
      t = (((((a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7)))) | 0) + ((f & g) ^ (~f & hh))) | 0) + ((k[i + 7]! + w[i + 7]!) | 0)) | 0
      e = (e + t) | 0
      a = (t + (((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) ^ (b & d) ^ (c & d))) | 0)) | 0
    }
    h[0] = (h[0]! + a) | 0
    h[1] = (h[1]! + b) | 0
    h[2] = (h[2]! + c) | 0
    h[3] = (h[3]! + d) | 0
    h[4] = (h[4]! + e) | 0
    h[5] = (h[5]! + f) | 0
    h[6] = (h[6]! + g) | 0
    h[7] = (h[7]! + hh) | 0
  }
}

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
