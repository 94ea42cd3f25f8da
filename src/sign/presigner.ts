import { hmac, toHex } from '../core/crypto.js'
import { fail } from '../core/errors.js'
import { signingKey } from '../core/signing-key.js'
import { planSync, presignSyncDetailed } from './presign-sync.js'
import { prepare, type Prepared, presignDetailed, type PresignOptions, type PresignRequest, type PresignResult } from './presign.js'

/**
 * Presign many requests with the same options. The hashes (body, canonical
 * request) are computed synchronously, as `presignSync` computes them; the HMACs run
 * on Web Crypto with the non-extractable signing key, all in flight at once.
 * Resolves to the URLs in request order. Every request is validated before any
 * is hashed or signed: an invalid one rejects with its `PresignError` at once.
 */
export async function presignMany(requests: readonly PresignRequest[], options: PresignOptions): Promise<string[]> {
  if (!Array.isArray(requests)) fail('InvalidOption', 'requests', 'must be an array of requests', requests)
  // A plain loop: `map` would skip the holes of `[, request]` and resolve with `undefined` URLs.
  const prepared: Prepared[] = []
  for (let i = 0; i < requests.length; i++) prepared.push(prepare(requests[i]!, options))
  const planned = prepared.map((p) => [p, planSync(p)] as const)
  return Promise.all(
    planned.map(async ([p, { pl, sts }]) => {
      const key = await signingKey(p.accessKeyId, p.secretAccessKey, p.day, p.region, p.service)
      return pl.unsignedUrl + '&X-Amz-Signature=' + toHex(await hmac(key, sts))
    }),
  )
}

/** A signer bound to credentials, region and service (see {@link createPresigner}). */
export interface Presigner {
  /** `presign` with the bound options; `overrides` replace any of them for this call. */
  presign(request: PresignRequest, overrides?: Partial<PresignOptions>): Promise<string>
  /** `presignDetailed` with the bound options. */
  presignDetailed(request: PresignRequest, overrides?: Partial<PresignOptions>): Promise<PresignResult>
  /** `presignSync` with the bound options. */
  presignSync(request: PresignRequest, overrides?: Partial<PresignOptions>): string
  /** `presignMany` with the bound options. */
  presignMany(requests: readonly PresignRequest[], overrides?: Partial<PresignOptions>): Promise<string[]>
}

/**
 * Bind credentials, region, service and defaults (e.g. `expiresIn`) once, for
 * servers that issue many URLs. The options are validated now: bad ones throw
 * a `PresignError` here rather than on the first request.
 *
 * @example
 * const signer = createPresigner({ credentials, region: 'us-east-1', service: 's3', expiresIn: 300 })
 * const url = signer.presignSync({ url: 'https://bucket.s3.us-east-1.amazonaws.com/key' })
 */
export function createPresigner(options: PresignOptions): Presigner {
  const bound: PresignOptions = { ...options }
  prepare({ url: 'https://validate.invalid/' }, bound)
  const merge = (overrides?: Partial<PresignOptions>): PresignOptions => (overrides ? { ...bound, ...overrides } : bound)
  return {
    presign: async (request, overrides) => (await presignDetailed(request, merge(overrides))).url,
    presignDetailed: (request, overrides) => presignDetailed(request, merge(overrides)),
    presignSync: (request, overrides) => presignSyncDetailed(request, merge(overrides)).url,
    presignMany: (requests, overrides) => presignMany(requests, merge(overrides)),
  }
}
