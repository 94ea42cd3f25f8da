import { PresignError } from './errors.js'

/** @internal Lower-case hex of bytes. */
export function toHex(buffer: ArrayBuffer | Uint8Array): string {
  let out = ''
  for (const b of new Uint8Array(buffer)) out += (b < 16 ? '0' : '') + b.toString(16)
  return out
}

const encoder = /* @__PURE__ */ new TextEncoder()

/** @internal UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>
}

/** @internal `crypto.subtle`, or a typed error explaining where it is missing. */
export function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle
  if (!s) {
    throw new PresignError('CryptoUnavailable', 'globalThis.crypto.subtle', 'is missing (browsers have it on https: and localhost pages only); use presignSync')
  }
  return s
}

/** @internal Hex SHA-256 of a string (UTF-8) or bytes, with Web Crypto. */
export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(await subtle().digest('SHA-256', typeof data === 'string' ? utf8(data) : data))
}

/** @internal Import raw bytes as an HMAC-SHA256 key. */
export function importHmacKey(raw: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<CryptoKey> {
  return subtle().importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

/** @internal HMAC-SHA256 of a string under a key. */
export function hmac(key: CryptoKey, data: string): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', key, utf8(data))
}

/** SHA-256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** @internal Compare two hex strings without an early exit. */
export function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
