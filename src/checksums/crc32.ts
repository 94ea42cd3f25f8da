/**
 * CRC32 (ISO-HDLC: the CRC of zlib, gzip and PNG; reflected polynomial 0xedb88320) and CRC32C (Castagnoli: the CRC
 * of iSCSI and ext4; reflected polynomial 0x82f63b78), slicing-by-16. Each polynomial's tables are one
 * `Int32Array` of 16 × 256 entries (16 KiB; one array rather than 16 keeps V8's loop to one base pointer), built
 * when the module loads; a bundle that uses only one of the two drops the other.
 */
import { BaseHasher, LITTLE_ENDIAN } from './base.js'
import { hashInput } from './input.js'
import type { ChecksumInput, ChecksumOptions, Hasher } from './types.js'

/** Entries 256 s .. 256 s + 255 map a byte to the CRC of that byte followed by s zero bytes. */
function makeTable(poly: number): Int32Array {
  const t = new Int32Array(16 * 256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1
    t[i] = c
  }
  for (let i = 256; i < t.length; i++) {
    const p = t[i - 256]!
    t[i] = (p >>> 8) ^ t[p & 255]!
  }
  return t
}

/**
 * Advance a reflected CRC-32 register (kept inverted) over `d`. The bulk goes 16 bytes at a time, read as aligned
 * 32-bit words (an `Int32Array` over the same memory, so on little-endian machines only).
 *
 * The loop is written twice, once per polynomial, each a closure over its own `const` table built when the module
 * loads: V8 then compiles the table's address and length into the loop (one shared loop given the table as an
 * argument measured about 25% slower, and SheetJS's crc-32, which does the same, was then faster than ours).
 */
/** CRC32: the loop below over its own table. */
const crc32Update = /* @__PURE__ */ (() => {
  const t = makeTable(0xedb88320)
  return (crc: number, d: Uint8Array): number => {
    const n = d.length
    let i = 0
    if (LITTLE_ENDIAN && n >= 32) {
      for (const lead = (4 - (d.byteOffset & 3)) & 3; i < lead; i++) crc = (crc >>> 8) ^ t[(crc ^ d[i]!) & 255]!
      const words = ((n - i) >>> 4) << 2
      const v = new Int32Array(d.buffer, d.byteOffset + i, words)
      for (let j = 0; j < words; j += 4) {
        const a = crc ^ v[j]!
        const b = v[j + 1]!
        const c = v[j + 2]!
        const e = v[j + 3]!
        crc =
          t[3840 | (a & 255)]! ^ t[3584 | ((a >>> 8) & 255)]! ^ t[3328 | ((a >>> 16) & 255)]! ^ t[3072 | (a >>> 24)]! ^
          t[2816 | (b & 255)]! ^ t[2560 | ((b >>> 8) & 255)]! ^ t[2304 | ((b >>> 16) & 255)]! ^ t[2048 | (b >>> 24)]! ^
          t[1792 | (c & 255)]! ^ t[1536 | ((c >>> 8) & 255)]! ^ t[1280 | ((c >>> 16) & 255)]! ^ t[1024 | (c >>> 24)]! ^
          t[768 | (e & 255)]! ^ t[512 | ((e >>> 8) & 255)]! ^ t[256 | ((e >>> 16) & 255)]! ^ t[e >>> 24]!
      }
      i += words << 2
    }
    for (; i < n; i++) crc = (crc >>> 8) ^ t[(crc ^ d[i]!) & 255]!
    return crc
  }
})()

/** CRC32C: the loop below over its own table. */
const crc32cUpdate = /* @__PURE__ */ (() => {
  const t = makeTable(0x82f63b78)
  return (crc: number, d: Uint8Array): number => {
    const n = d.length
    let i = 0
    if (LITTLE_ENDIAN && n >= 32) {
      for (const lead = (4 - (d.byteOffset & 3)) & 3; i < lead; i++) crc = (crc >>> 8) ^ t[(crc ^ d[i]!) & 255]!
      const words = ((n - i) >>> 4) << 2
      const v = new Int32Array(d.buffer, d.byteOffset + i, words)
      for (let j = 0; j < words; j += 4) {
        const a = crc ^ v[j]!
        const b = v[j + 1]!
        const c = v[j + 2]!
        const e = v[j + 3]!
        crc =
          t[3840 | (a & 255)]! ^ t[3584 | ((a >>> 8) & 255)]! ^ t[3328 | ((a >>> 16) & 255)]! ^ t[3072 | (a >>> 24)]! ^
          t[2816 | (b & 255)]! ^ t[2560 | ((b >>> 8) & 255)]! ^ t[2304 | ((b >>> 16) & 255)]! ^ t[2048 | (b >>> 24)]! ^
          t[1792 | (c & 255)]! ^ t[1536 | ((c >>> 8) & 255)]! ^ t[1280 | ((c >>> 16) & 255)]! ^ t[1024 | (c >>> 24)]! ^
          t[768 | (e & 255)]! ^ t[512 | ((e >>> 8) & 255)]! ^ t[256 | ((e >>> 16) & 255)]! ^ t[e >>> 24]!
      }
      i += words << 2
    }
    for (; i < n; i++) crc = (crc >>> 8) ^ t[(crc ^ d[i]!) & 255]!
    return crc
  }
})()

class Crc32Hasher extends BaseHasher {
  readonly digestLength = 4
  private crc = -1

  constructor(
    readonly algorithm: 'CRC32' | 'CRC32C',
    private readonly step: (crc: number, d: Uint8Array) => number,
  ) {
    super()
  }

  absorb(bytes: Uint8Array): void {
    this.crc = this.step(this.crc, bytes)
  }

  digest(): Uint8Array {
    const c = ~this.crc
    return new Uint8Array([c >>> 24, c >>> 16, c >>> 8, c])
  }

  reset(): this {
    this.crc = -1
    return this
  }
}

/**
 * An incremental CRC32 (the checksum of `x-amz-checksum-crc32`; the same CRC as zlib's `crc32`).
 *
 * @example
 * createCrc32().update('123456789').digestBase64() === 'y/Q5Jg=='
 */
export function createCrc32(): Hasher {
  return new Crc32Hasher('CRC32', crc32Update)
}

/**
 * An incremental CRC32C (Castagnoli; the checksum of `x-amz-checksum-crc32c`).
 *
 * @example
 * createCrc32c().update('123456789').digestBase64() === '4waSgw=='
 */
export function createCrc32c(): Hasher {
  return new Crc32Hasher('CRC32C', crc32cUpdate)
}

/**
 * The CRC32 of bytes, a string's UTF-8, a `Blob`/`File` (read in slices) or a stream, in base64: the value of
 * `x-amz-checksum-crc32`.
 *
 * @example
 * await crc32('123456789') === 'y/Q5Jg=='
 * const value = await crc32(file, { onProgress: (bytes) => console.log(bytes / file.size) })
 */
export function crc32(data: ChecksumInput, options?: ChecksumOptions): Promise<string> {
  return hashInput(createCrc32, data, options)
}

/**
 * The CRC32C of bytes, a string's UTF-8, a `Blob`/`File` (read in slices) or a stream, in base64: the value of
 * `x-amz-checksum-crc32c`.
 *
 * @example
 * await crc32c('123456789') === '4waSgw=='
 * const value = await crc32c(file, { signal: AbortSignal.timeout(60_000) })
 */
export function crc32c(data: ChecksumInput, options?: ChecksumOptions): Promise<string> {
  return hashInput(createCrc32c, data, options)
}
