/**
 * A small synchronous SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) for the
 * synchronous signing path. Inputs are bytes or strings (UTF-8). HMAC keys are
 * prepared once (inner and outer states after the padded key block), so each
 * HMAC with a cached key costs only the message's blocks plus one block.
 *
 * @internal
 */

const K = /* @__PURE__ */ new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
/** @internal SHA-256's initial hash value (FIPS 180-4 5.3.3). */
export const IV = /* @__PURE__ */ new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
const W = /* @__PURE__ */ new Int32Array(64)

/**
 * @internal SHA-256's compression: every 64-byte block of `data[start..end)` into `h` (also the streaming
 * `sigv4-presign/checksums` SHA-256's).
 */
export function sha256Blocks(h: Int32Array, data: Uint8Array, start: number, end: number): void {
  const w = W
  const k = K
  let a: number, b: number, c: number, d: number, e: number, f: number, g: number, hh: number, t: number
  for (let off = start; off < end; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4
      w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!
      const y = w[i - 2]!
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
      // Pairwise "| 0" keeps V8 in 32-bit integer arithmetic.
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
    // Eight rounds per iteration with the working variables renamed instead of shifted (a..h rotate by one per
    // round), which saves V8 the register moves; each round: T1 = h + Σ1(e) + Ch(e,f,g) + K + W, d += T1,
    // h = T1 + Σ0(a) + Maj(a,b,c).
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

/** Scratch buffer reused between calls (grown on demand); holds message + padding. */
let buf = /* @__PURE__ */ new Uint8Array(1024)
const encoder = /* @__PURE__ */ new TextEncoder()

/** Copy the message (bytes, or a string as UTF-8) into the scratch buffer; returns its byte length. */
function load(data: string | Uint8Array): number {
  const n = data.length
  // UTF-8 needs at most 3 bytes per UTF-16 code unit; 72 bytes of room for padding.
  const room = (typeof data === 'string' ? n * 3 : n) + 72
  if (buf.length < room) buf = new Uint8Array(room + 1024)
  if (typeof data !== 'string') {
    buf.set(data)
    return n
  }
  return encoder.encodeInto(data, buf).written
}

/**
 * Finish a hash whose state `h` has already absorbed `prefix` bytes (0, or 64
 * for a prepared HMAC key) with the message in the scratch buffer.
 */
function finish(h: Int32Array, prefix: number, n: number): Int32Array {
  const full = n & ~63
  sha256Blocks(h, buf, 0, full)
  // Move the tail to the front and pad: 0x80, zeros, 64-bit big-endian bit length.
  const tail = n - full
  buf.copyWithin(0, full, n)
  buf[tail] = 0x80
  const end = tail < 56 ? 64 : 128
  buf.fill(0, tail + 1, end)
  const bits = (prefix + n) * 8
  const hi = Math.floor(bits / 0x100000000)
  buf[end - 8] = hi >>> 24
  buf[end - 7] = hi >>> 16
  buf[end - 6] = hi >>> 8
  buf[end - 5] = hi
  buf[end - 4] = bits >>> 24
  buf[end - 3] = bits >>> 16
  buf[end - 2] = bits >>> 8
  buf[end - 1] = bits
  sha256Blocks(h, buf, 0, end)
  return h
}

function toBytes(h: Int32Array): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 8; i++) {
    const w = h[i]!
    out[i * 4] = w >>> 24
    out[i * 4 + 1] = w >>> 16
    out[i * 4 + 2] = w >>> 8
    out[i * 4 + 3] = w
  }
  return out
}

const HEX2: string[] = /* @__PURE__ */ (() => {
  const t: string[] = []
  for (let i = 0; i < 256; i++) t.push((i < 16 ? '0' : '') + i.toString(16))
  return t
})()
function toHexWords(h: Int32Array): string {
  let s = ''
  for (let i = 0; i < 8; i++) {
    const w = h[i]!
    s += HEX2[(w >>> 24) & 255]! + HEX2[(w >>> 16) & 255]! + HEX2[(w >>> 8) & 255]! + HEX2[w & 255]!
  }
  return s
}

/** SHA-256 of bytes or of a string's UTF-8. */
export function sha256(data: string | Uint8Array): Uint8Array {
  return toBytes(finish(IV.slice(), 0, load(data)))
}

/** Hex SHA-256 of bytes or of a string's UTF-8. */
export function sha256Hex(data: string | Uint8Array): string {
  return toHexWords(finish(IV.slice(), 0, load(data)))
}

/** An HMAC-SHA256 key with its inner and outer states precomputed. */
export interface HmacKey {
  readonly inner: Int32Array
  readonly outer: Int32Array
  /** The inner state after the last message's first 64 characters (ASCII), see `hmacState`. */
  head?: { readonly text: string; readonly state: Int32Array }
}

/** Prepare an HMAC-SHA256 key (keys longer than 64 bytes are hashed first, per RFC 2104). */
export function hmacKey(key: string | Uint8Array): HmacKey {
  let k = typeof key === 'string' ? encoder.encode(key) : key
  if (k.length > 64) k = sha256(k)
  const pad = new Uint8Array(64)
  const inner = IV.slice()
  const outer = IV.slice()
  pad.set(k)
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36
  sha256Blocks(inner, pad, 0, 64)
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36 ^ 0x5c
  sha256Blocks(outer, pad, 0, 64)
  return { inner, outer }
}

function hmacState(key: HmacKey, data: string | Uint8Array): Int32Array {
  let inner = key.inner
  let prefix = 64
  // A string to sign starts with the same 64 characters (algorithm, X-Amz-Date, scope) for every signature of a
  // scope within one second: keep the inner state after them on the key and hash only the rest.
  if (typeof data === 'string' && data.length > 64) {
    const text = data.slice(0, 64)
    if (key.head?.text !== text && /^[\0-\x7f]*$/.test(text)) {
      const state = inner.slice()
      load(text)
      sha256Blocks(state, buf, 0, 64)
      key.head = { text, state }
    }
    if (key.head?.text === text) {
      inner = key.head.state
      prefix = 128
      data = data.slice(64)
    }
  }
  inner = finish(inner.slice(), prefix, load(data))
  for (let i = 0; i < 8; i++) {
    const w = inner[i]!
    buf[i * 4] = w >>> 24
    buf[i * 4 + 1] = w >>> 16
    buf[i * 4 + 2] = w >>> 8
    buf[i * 4 + 3] = w
  }
  return finish(key.outer.slice(), 64, 32)
}

/** HMAC-SHA256 as bytes. */
export function hmac(key: HmacKey, data: string | Uint8Array): Uint8Array {
  return toBytes(hmacState(key, data))
}

/** HMAC-SHA256 as lower-case hex. */
export function hmacHex(key: HmacKey, data: string | Uint8Array): string {
  return toHexWords(hmacState(key, data))
}
