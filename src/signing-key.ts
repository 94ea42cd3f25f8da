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
  for (const part of [region, service, 'aws4_request']) key = await hmac(await importHmacKey(key), part)
  return key
}

/** Most derived keys kept; one per (credentials, day, region, service). */
const CACHE_SIZE = 64
const cache = /* @__PURE__ */ new Map<string, Promise<CryptoKey>>()

/**
 * @internal The signing key as a non-extractable `CryptoKey`, derived once per
 * access key id + secret + day + region + service and kept in a small LRU cache.
 */
let last: { id: string; secret: string; day: string; region: string; service: string; key: Promise<CryptoKey> } | undefined

export function signingKey(accessKeyId: string, secretAccessKey: string, day: string, region: string, service: string): Promise<CryptoKey> {
  const l = last
  if (l && l.id === accessKeyId && l.secret === secretAccessKey && l.day === day && l.region === region && l.service === service) return l.key
  const id = accessKeyId + '\n' + secretAccessKey + '\n' + day + '\n' + region + '\n' + service
  let key = cache.get(id)
  if (key) {
    // Refresh recency.
    cache.delete(id)
    cache.set(id, key)
  } else {
    key = deriveRaw(secretAccessKey, day, region, service).then((raw) => importHmacKey(raw))
    const failed = key
    failed.catch(() => {
      if (cache.get(id) === failed) cache.delete(id)
      if (last?.key === failed) last = undefined
    })
    cache.set(id, key)
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!)
  }
  last = { id: accessKeyId, secret: secretAccessKey, day, region, service, key }
  return key
}

/** Forget every cached signing key (e.g. after rotating credentials). */
export function clearSigningKeyCache(): void {
  cache.clear()
  last = undefined
}
