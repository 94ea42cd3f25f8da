import { TERMINATOR } from './constants.js'
import { hmac, importHmacKey, utf8 } from './crypto.js'

/**
 * Task 3 of SigV4: derive the signing key,
 * `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`,
 * with Web Crypto. Returns the 32 raw key bytes (for inspection or for other
 * HMAC implementations; `presign` itself keeps keys as non-extractable `CryptoKey`s).
 *
 * @param day - `YYYYMMDD`, the UTC day of the signing date
 */
export async function deriveSigningKey(secretAccessKey: string, day: string, region: string, service: string): Promise<Uint8Array> {
  return new Uint8Array(await deriveRaw(secretAccessKey, day, region, service))
}

async function deriveRaw(secretAccessKey: string, day: string, region: string, service: string): Promise<ArrayBuffer> {
  let key: ArrayBuffer = await hmac(await importHmacKey(utf8('AWS4' + secretAccessKey)), day)
  for (const part of [region, service, TERMINATOR]) key = await hmac(await importHmacKey(key), part)
  return key
}

/**
 * @internal A small LRU cache of derived keys (at most 64 entries; a hit becomes the most recent), with the last
 * hit remembered so that a run of calls with the same scope costs a few identity comparisons. Shared by the Web
 * Crypto and the synchronous signing-key caches.
 */
export class KeyCache<T> {
  private readonly map = new Map<string, T>()
  private lastParts: readonly string[] = []
  private lastValue: T | undefined

  /** The value for the key made of `parts`, made with `make` on a miss. */
  get(parts: readonly string[], make: () => T): T {
    if (sameParts(parts, this.lastParts)) return this.lastValue!
    const id = cacheId(parts)
    let value = this.map.get(id)
    if (value === undefined) {
      value = make()
      if (this.map.size >= 64) this.map.delete(this.map.keys().next().value!)
    } else {
      this.map.delete(id)
    }
    this.map.set(id, value)
    this.lastParts = parts
    return (this.lastValue = value)
  }

  /** Drop the entry of `parts` if it still holds `value` (e.g. a derivation that failed). */
  drop(parts: readonly string[], value: T): void {
    const id = cacheId(parts)
    if (this.map.get(id) === value) this.map.delete(id)
    if (this.lastValue === value) this.lastParts = []
  }

  /** Drop everything. */
  clear(): void {
    this.map.clear()
    this.lastParts = []
  }
}

/**
 * @internal The map key of `parts`: each part prefixed with its length, so that no two different lists share a key
 * (a plain join would let `['a\nb', 'c']` and `['a', 'b\nc']` collide).
 */
export function cacheId(parts: readonly string[]): string {
  let id = ''
  for (const part of parts) id += part.length + ':' + part
  return id
}

/** @internal Element-wise `===` of two arrays of equal length (a few identity checks, no string building). */
export function sameParts(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const cache = /* @__PURE__ */ new KeyCache<Promise<CryptoKey>>()

/**
 * @internal The signing key as a non-extractable `CryptoKey`, derived once per
 * access key id + secret + day + region + service and kept in a small LRU cache
 * (a failed derivation is not kept).
 */
export function signingKey(accessKeyId: string, secretAccessKey: string, day: string, region: string, service: string): Promise<CryptoKey> {
  const parts = [accessKeyId, secretAccessKey, day, region, service]
  return cache.get(parts, () => {
    const key = deriveRaw(secretAccessKey, day, region, service).then((raw) => importHmacKey(raw))
    key.catch(() => cache.drop(parts, key))
    return key
  })
}

/** Forget every cached signing key (e.g. after rotating credentials). */
export function clearSigningKeyCache(): void {
  cache.clear()
}
