/**
 * CRC64NVME (the NVM Express CRC-64, reflected polynomial 0x9a6c9329ac4bc9b5): the 64-bit register is kept as two
 * 32-bit halves, so no BigInt is needed; slicing-by-8. The tables are two `Int32Array`s of 8 × 256 entries, the
 * low and the high halves (16 KiB), built on first use.
 */
import { BaseHasher, LITTLE_ENDIAN } from './base.js'
import { hashInput } from './input.js'
import type { ChecksumInput, ChecksumOptions, Hasher } from './types.js'

interface Tables {
  readonly lo: Int32Array
  readonly hi: Int32Array
}

/** Entries 256 s .. 256 s + 255 map a byte to the CRC (low and high halves) of that byte followed by s zero bytes. */
function makeTables(): Tables {
  const lo = new Int32Array(8 * 256)
  const hi = new Int32Array(8 * 256)
  for (let i = 0; i < 256; i++) {
    let l = i
    let h = 0
    for (let k = 0; k < 8; k++) {
      const m = -(l & 1)
      l = ((l >>> 1) | (h << 31)) ^ (0xac4bc9b5 & m)
      h = (h >>> 1) ^ (0x9a6c9329 & m)
    }
    lo[i] = l
    hi[i] = h
  }
  for (let i = 256; i < lo.length; i++) {
    const l = lo[i - 256]!
    const h = hi[i - 256]!
    lo[i] = ((l >>> 8) | (h << 24)) ^ lo[l & 255]!
    hi[i] = (h >>> 8) ^ hi[l & 255]!
  }
  return { lo, hi }
}

/**
 * Advance the register (kept inverted; `r[0]` the low half, `r[1]` the high half) over `d`. The bulk goes 8 bytes at
 * a time, read as two aligned 32-bit words (on little-endian machines only).
 */
function update({ lo: L, hi: H }: Tables, r: Int32Array, d: Uint8Array): void {
  const n = d.length
  let lo = r[0]!
  let hi = r[1]!
  let i = 0
  let x: number
  if (LITTLE_ENDIAN && n >= 16) {
    for (const lead = (4 - (d.byteOffset & 3)) & 3; i < lead; i++) {
      x = (lo ^ d[i]!) & 255
      lo = ((lo >>> 8) | (hi << 24)) ^ L[x]!
      hi = (hi >>> 8) ^ H[x]!
    }
    const words = ((n - i) >>> 3) << 1
    const v = new Int32Array(d.buffer, d.byteOffset + i, words)
    for (let j = 0; j < words; j += 2) {
      const a = lo ^ v[j]!
      const b = hi ^ v[j + 1]!
      const a0 = 1792 | (a & 255), a1 = 1536 | ((a >>> 8) & 255), a2 = 1280 | ((a >>> 16) & 255), a3 = 1024 | (a >>> 24)
      const b0 = 768 | (b & 255), b1 = 512 | ((b >>> 8) & 255), b2 = 256 | ((b >>> 16) & 255), b3 = b >>> 24
      lo = L[a0]! ^ L[a1]! ^ L[a2]! ^ L[a3]! ^ L[b0]! ^ L[b1]! ^ L[b2]! ^ L[b3]!
      hi = H[a0]! ^ H[a1]! ^ H[a2]! ^ H[a3]! ^ H[b0]! ^ H[b1]! ^ H[b2]! ^ H[b3]!
    }
    i += words << 2
  }
  for (; i < n; i++) {
    x = (lo ^ d[i]!) & 255
    lo = ((lo >>> 8) | (hi << 24)) ^ L[x]!
    hi = (hi >>> 8) ^ H[x]!
  }
  r[0] = lo
  r[1] = hi
}

let tables: Tables | undefined

class Crc64NvmeHasher extends BaseHasher {
  readonly algorithm = 'CRC64NVME'
  readonly digestLength = 8
  private readonly register = new Int32Array([-1, -1])
  private readonly tables = (tables ??= makeTables())

  absorb(bytes: Uint8Array): void {
    update(this.tables, this.register, bytes)
  }

  digest(): Uint8Array {
    const lo = ~this.register[0]!
    const hi = ~this.register[1]!
    return new Uint8Array([hi >>> 24, hi >>> 16, hi >>> 8, hi, lo >>> 24, lo >>> 16, lo >>> 8, lo])
  }

  reset(): this {
    this.register.fill(-1)
    return this
  }
}

/**
 * An incremental CRC64NVME (the checksum of `x-amz-checksum-crc64nvme`, S3's default for new objects).
 *
 * @example
 * createCrc64Nvme().update('123456789').digestBase64() === 'rosUhgp5mIg='
 */
export function createCrc64Nvme(): Hasher {
  return new Crc64NvmeHasher()
}

/**
 * The CRC64NVME of bytes, a string's UTF-8, a `Blob`/`File` (read in slices) or a stream, in base64: the value of
 * `x-amz-checksum-crc64nvme`.
 *
 * @example
 * await crc64nvme('123456789') === 'rosUhgp5mIg='
 * const value = await crc64nvme(file, { onProgress: (bytes) => console.log(bytes / file.size) })
 */
export function crc64nvme(data: ChecksumInput, options?: ChecksumOptions): Promise<string> {
  return hashInput(createCrc64Nvme, data, options)
}
