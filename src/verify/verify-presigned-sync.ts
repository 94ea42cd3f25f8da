import { ALGORITHM } from '../core/constants.js'
import { sha256HexSync } from '../core/hash-engine.js'
import { hmacHex } from '../core/sha256.js'
import { signingKeySync } from '../sign/presign-sync.js'
import { type Answer, macMatches, type Need, verification } from './presigned-steps.js'
import { lookUpSync, type SyncCredentialsLookup } from './shared.js'
import type { VerifyFailure, VerifyOptions, VerifyRequest, VerifyResult } from './verify-presigned.js'

/** How {@link verifyPresignedSync} verifies: the options of `verifyPresigned`, with a synchronous credentials lookup. */
export interface VerifySyncOptions extends Omit<VerifyOptions, 'credentials'> {
  /**
   * Look up the credentials of an access key id, synchronously (a `Map`, an in-memory table). The id comes from the
   * request: never index a plain object with it. Return `undefined` or `null` for an unknown key. Results are
   * validated as `verifyPresigned` validates its lookup's; a promise is a `PresignError` (use `verifyPresigned`).
   */
  readonly credentials: SyncCredentialsLookup
}

/**
 * Where `verifyPresigned` would check an ECDSA signature: this verifier has none. (A function, not a module-level
 * value: bundlers keep a template literal with a constant in it in every bundle of dist/index.js.)
 */
const noSigV4a = (): VerifyFailure => ({
  ok: false,
  code: 'UnsupportedAlgorithm',
  s3Code: 'AuthorizationQueryParametersError',
  message: `X-Amz-Algorithm only supports "${ALGORITHM}" here: verifyPresignedSync does not verify SigV4a (ECDSA); use verifyPresigned`,
})

/**
 * Synchronous {@link verifyPresigned}: the same checks in the same order, and the same `VerifyResult` (failure
 * codes and messages included) for every SigV4 URL, computed as `presignSync` computes its signatures (the
 * runtime's native SHA-256 where it offers one, the built-in SHA-256 elsewhere, see `useHashEngine`; the built-in
 * HMAC) instead of with Web Crypto's hand-offs. Use it in gateways that verify every request.
 *
 * SigV4a (`AWS4-ECDSA-P256-SHA256`) URLs need ECDSA, which only Web Crypto has here: this verifier answers them
 * with `{ ok: false, code: 'UnsupportedAlgorithm' }` (before any lookup); verify them with `verifyPresigned`.
 *
 * Never throws for a bad request. Throws `PresignError` for invalid `options`, or when the lookup returns a promise;
 * the lookup's own exceptions propagate.
 *
 * @example
 * const keys = new Map([[accessKeyId, { accessKeyId, secretAccessKey }]])
 * const r = verifyPresignedSync({ method: req.method, url: req.url, headers: req.headers }, { credentials: (id) => keys.get(id), region: 'us-east-1' })
 * if (!r.ok) return new Response(r.message, { status: 403 })
 */
export function verifyPresignedSync(request: VerifyRequest, options: VerifySyncOptions): VerifyResult {
  const flow = verification(request, options, noSigV4a())
  let step = flow.next()
  while (!step.done) step = flow.next(answer(step.value))
  return step.value
}

/** The verification's needs, synchronously: the lookup (which must not return a promise), a SHA-256, or the HMAC. */
function answer(need: Need): Answer {
  if ('lookup' in need) return lookUpSync(need.lookup as SyncCredentialsLookup, need.accessKeyId)
  if ('sha256' in need) return sha256HexSync(need.sha256)
  const { scope } = need
  return macMatches(need, hmacHex(signingKeySync(scope.accessKeyId, need.secret, scope.day, scope.region, scope.service), need.sts))
}
