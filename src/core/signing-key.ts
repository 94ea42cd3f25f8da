import { hmac, importHmacKey, utf8 } from './crypto.js'
import { KeyCache } from './key-cache.js'

/**
 * Task 3 of SigV4: derive the signing key,
 * `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`,
 * with Web Crypto. Returns the 32 raw key bytes (for inspection or for other
 * HMAC implementations; `presign` itself keeps keys as non-extractable `CryptoKey`s).
 *
 * @param day - `YYYYMMDD`, the UTC day of the signing date
 */
export async function deriveSigningKey(secretAccessKey: string, day: string, region: string, service: string): Promise<Uint8Array> {
  return new Uint8Array(await deriveRaw(secretAccessKey, day, region, service, 'AWS4'))
}

/**
 * The HMAC chain from `prefix + secret` to the scope's terminator, `prefix` lower-cased + `_request`: SigV4's `AWS4`
 * and `aws4_request`, Cloud Storage's `GOOG4` and `goog4_request`.
 */
async function deriveRaw(secretAccessKey: string, day: string, region: string, service: string, prefix: string): Promise<ArrayBuffer> {
  let key: ArrayBuffer = await hmac(await importHmacKey(utf8(prefix + secretAccessKey)), day)
  for (const part of [region, service, prefix.toLowerCase() + '_request']) key = await hmac(await importHmacKey(key), part)
  return key
}

let cache = /* @__PURE__ */ new KeyCache<Promise<CryptoKey>>()

/**
 * @internal The signing key as a non-extractable `CryptoKey`, derived once per
 * access key id + secret + day + region + service (+ key prefix) and kept in a small LRU cache
 * (a failed derivation is not kept). `prefix` defaults to SigV4's `AWS4`; Cloud Storage's HMAC keys sign with
 * `GOOG4` (and the terminator `goog4_request`).
 */
export function signingKey(accessKeyId: string, secretAccessKey: string, day: string, region: string, service: string, prefix = 'AWS4'): Promise<CryptoKey> {
  const parts = [accessKeyId, secretAccessKey, day, region, service, prefix]
  return cache.get(parts, () => {
    const key = deriveRaw(secretAccessKey, day, region, service, prefix).then((raw) => importHmacKey(raw))
    key.catch(() => cache.drop(parts, key))
    return key
  })
}

/** Forget every cached signing key (e.g. after rotating credentials). */
export function clearSigningKeyCache(): void {
  cache = new KeyCache()
}
