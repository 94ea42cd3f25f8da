/** What every hasher shares: reading `HashData` as bytes, base64, and the `Hasher` methods built on `absorb`. */
import { bytesToBase64 } from '../core/base64.js'
import { fail } from '../core/errors.js'
import type { ChecksumAlgorithm, HashData, Hasher } from './types.js'

const encoder = /* @__PURE__ */ new TextEncoder()

/** @internal Whether this machine stores integers little-endian (the word-at-a-time loops read native order). */
export const LITTLE_ENDIAN: boolean = /* @__PURE__ */ (() => new Uint8Array(new Uint32Array([1]).buffer)[0] === 1)()

/** @internal Whether `value` is an `ArrayBuffer` or a `SharedArrayBuffer` (of any realm). */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  const tag = Object.prototype.toString.call(value)
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]'
}

/** @internal The bytes of `data` (a view over them, not a copy; a string's UTF-8), or a `PresignError` naming `field`. */
export function bytesOf(data: HashData, field: string): Uint8Array {
  if (data instanceof Uint8Array) return data
  if (typeof data === 'string') return encoder.encode(data)
  try {
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    if (isArrayBuffer(data)) return new Uint8Array(data)
  } catch {
    // A view over (or an) ArrayBuffer that was transferred away: its bytes are gone.
    return fail('InvalidOption', field, 'must not be a detached buffer')
  }
  return fail('InvalidOption', field, 'must be a Uint8Array (or another ArrayBufferView), an ArrayBuffer or a string', data)
}

/**
 * Base64 (RFC 4648, with padding) of bytes, or of a string's UTF-8: the form of S3's `x-amz-checksum-*` and
 * `Content-MD5` values.
 *
 * @example
 * toBase64(new Uint8Array([0xcb, 0xf4, 0x39, 0x26])) === 'y/Q5Jg=='
 * toBase64('abc') === 'YWJj'
 */
export function toBase64(bytes: HashData): string {
  return bytesToBase64(bytesOf(bytes, 'bytes'))
}

/** @internal The `Hasher` methods that do not depend on the algorithm; a subclass absorbs bytes and digests. */
export abstract class BaseHasher implements Hasher {
  abstract readonly algorithm: ChecksumAlgorithm
  abstract readonly digestLength: number

  update(data: HashData): this {
    this.absorb(bytesOf(data, 'data'))
    return this
  }

  digestBase64(): string {
    return toBase64(this.digest())
  }

  abstract digest(): Uint8Array
  abstract reset(): this
  /** @internal Absorb bytes. */
  abstract absorb(bytes: Uint8Array): void
}
