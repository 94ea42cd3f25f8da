/**
 * The Web Crypto shortcut for SHA-1 and SHA-256 of input that is whole in memory: `crypto.subtle.digest` gives the
 * same bytes as the JavaScript hashers, several times faster on large input, but it cannot stream, so a `Blob`
 * larger than one chunk or a stream never comes here.
 */

/** @internal Below this many bytes the JavaScript hasher is faster than a round trip to Web Crypto. */
export const WEB_CRYPTO_MIN_BYTES = 16384

/**
 * @internal The digest by `crypto.subtle`, or `undefined` when it is missing (a page on plain `http://`) or the input
 * is small. A rejection (a shared buffer, say) is the caller's cue to hash in JavaScript instead.
 */
export function subtleDigest(name: 'SHA-1' | 'SHA-256', bytes: Uint8Array): Promise<Uint8Array> | undefined {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle
  if (bytes.length < WEB_CRYPTO_MIN_BYTES || typeof subtle?.digest !== 'function') return undefined
  try {
    return subtle.digest(name, bytes as Uint8Array<ArrayBuffer>).then((digest) => new Uint8Array(digest))
  } catch {
    // An implementation that throws instead of rejecting: hash in JavaScript.
    return undefined
  }
}
