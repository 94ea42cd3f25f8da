/**
 * The Merkle–Damgård frame that SHA-1, SHA-256 and MD5 share: 64-byte blocks, a partial block kept between updates,
 * and the padding (0x80, zeros, the message length in bits as 64 bits; big-endian for SHA, little-endian for MD5).
 */
import { BaseHasher } from './base.js'
import type { ChecksumAlgorithm } from './types.js'

/** @internal Compress the 64-byte blocks of `d` from byte `off` to byte `end` (a multiple of 64 apart) into `h`. */
export type Compress = (h: Int32Array, d: DataView, off: number, end: number) => void

/** The last one or two blocks of a digest, padded (shared: `digest` runs to its end without yielding). */
const TAIL = /* @__PURE__ */ new Uint8Array(128)
const TAIL_VIEW = /* @__PURE__ */ new DataView(TAIL.buffer)

/** @internal A hash over 64-byte blocks, defined by its initial state, compression function and byte order. */
export class BlockHasher extends BaseHasher {
  private readonly h: Int32Array
  /** A partial block waiting for more bytes (allocated when one first waits). */
  private block: Uint8Array | undefined
  private blockView: DataView | undefined
  /** Bytes waiting in `block`. */
  private used = 0
  /** Bytes absorbed in all. */
  private length = 0

  constructor(
    readonly algorithm: ChecksumAlgorithm,
    readonly digestLength: number,
    private readonly iv: Int32Array,
    private readonly compress: Compress,
    private readonly littleEndian: boolean,
  ) {
    super()
    this.h = new Int32Array(iv)
  }

  absorb(d: Uint8Array): void {
    const n = d.length
    let i = 0
    this.length += n
    if (this.used > 0) {
      i = Math.min(64 - this.used, n)
      this.block!.set(d.subarray(0, i), this.used)
      if ((this.used += i) < 64) return
      this.compress(this.h, this.blockView!, 0, 64)
      this.used = 0
    }
    const full = i + ((n - i) & ~63)
    if (full > i) this.compress(this.h, new DataView(d.buffer, d.byteOffset, full), i, full)
    if (full < n) {
      if (this.block === undefined) this.blockView = new DataView((this.block = new Uint8Array(64)).buffer)
      this.block.set(d.subarray(full))
      this.used = n - full
    }
  }

  digest(): Uint8Array {
    const h = new Int32Array(this.h)
    const used = this.used
    const end = used < 56 ? 64 : 128
    const tail = TAIL
    if (this.block !== undefined) tail.set(this.block.subarray(0, used))
    tail.fill(0, used, end)
    tail[used] = 0x80
    // The length in bits as 64 bits: the low word is (length * 8) mod 2^32, the high word the bits above it.
    const low = this.length << 3
    const high = Math.floor(this.length / 0x20000000)
    const le = this.littleEndian
    TAIL_VIEW.setInt32(end - 8, le ? low : high, le)
    TAIL_VIEW.setInt32(end - 4, le ? high : low, le)
    this.compress(h, TAIL_VIEW, 0, end)
    const out = new Uint8Array(this.digestLength)
    for (let i = 0; i < out.length; i++) out[i] = h[i >> 2]! >>> (le ? (i & 3) << 3 : 24 - ((i & 3) << 3))
    return out
  }

  reset(): this {
    this.h.set(this.iv)
    this.used = 0
    this.length = 0
    return this
  }
}
