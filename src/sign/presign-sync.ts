import { TERMINATOR } from '../core/constants.js'
import { KeyCache } from '../core/key-cache.js'
import { sha256HexSync } from '../core/hash-engine.js'
import { hmac, hmacHex, type HmacKey, hmacKey } from '../core/sha256.js'
import { stringToSign } from '../core/string-to-sign.js'
import { type Plan, plan, type Prepared, prepare, type PresignOptions, type PresignRequest, type PresignResult, result } from './presign.js'

let cache = /* @__PURE__ */ new KeyCache<HmacKey>()

/**
 * @internal The signing key with its HMAC states precomputed, derived once per credentials/day/region/service (LRU
 * of 64), for the synchronous paths (`presignSync`, `verifyPresignedSync`).
 */
export function signingKeySync(accessKeyId: string, secretAccessKey: string, day: string, region: string, service: string): HmacKey {
  return cache.get([accessKeyId, secretAccessKey, day, region, service], () => {
    let k = hmac(hmacKey('AWS4' + secretAccessKey), day)
    for (const part of [region, service, TERMINATOR]) k = hmac(hmacKey(k), part)
    return hmacKey(k)
  })
}

/**
 * {@link presignSync} returning every intermediate step (see `presignDetailed`).
 *
 * @throws `PresignError` for invalid input
 */
export function presignSyncDetailed(request: PresignRequest, options: PresignOptions): PresignResult {
  const p = prepare(request, options)
  const { pl, sts } = planSync(p)
  return result(p, pl, sts, hmacHex(signingKeySync(p.accessKeyId, p.secretAccessKey, p.day, p.region, p.service), sts))
}

/** @internal The plan of a prepared request and its string to sign, hashed with the synchronous hash engine. */
export function planSync(p: Prepared): { pl: Plan; sts: string } {
  const pl = plan(p, p.payloadHash ?? sha256HexSync(p.body!))
  return { pl, sts: stringToSign(p.amzDate, pl.credentialScope, sha256HexSync(pl.canonicalRequest)) }
}

/**
 * Synchronous `presign`: the same inputs and byte-identical URL, without Web
 * Crypto. It hashes with the runtime's native SHA-256 where
 * `process.getBuiltinModule('node:crypto')` offers it (Node ≥ 20.16, Bun, Deno)
 * and with a built-in pure-JS SHA-256 elsewhere, and signs with a built-in
 * HMAC-SHA256 (see `useHashEngine`). The fastest path (a few µs per URL), and
 * the one that works where `crypto.subtle` is missing (pages on plain `http://`,
 * some embedded runtimes). Import it only where you need it: bundles that use
 * only `presign` do not include it.
 *
 * @throws `PresignError` for invalid input
 */
export function presignSync(request: PresignRequest, options: PresignOptions): string {
  const p = prepare(request, options)
  const { pl, sts } = planSync(p)
  return pl.unsignedUrl + '&X-Amz-Signature=' + hmacHex(signingKeySync(p.accessKeyId, p.secretAccessKey, p.day, p.region, p.service), sts)
}

/** Forget every signing key cached by the synchronous path. */
export function clearSyncSigningKeyCache(): void {
  cache = new KeyCache()
}

