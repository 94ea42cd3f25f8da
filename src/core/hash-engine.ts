/**
 * @internal The SHA-256 of the synchronous paths (`presignSync` and its twins, `presignMany`'s hashes,
 * `verifyPresignedSync`): the runtime's own node:crypto `hash()` where `process.getBuiltinModule('node:crypto')`
 * offers it (Node >= 20.16, Bun, Deno; never imported, so nothing changes for bundlers, browsers and workers), the
 * built-in pure-JS SHA-256 (./sha256.ts) elsewhere. Both give the same bytes. Nothing is looked up at import: the
 * engine is resolved on first use.
 *
 * The HMACs stay on the built-in implementation, whose key states are precomputed and cached with the signing key
 * (a signature costs three 64-byte blocks): measured against node:crypto's `createHmac`, `presignSync` is 3-5 %
 * faster with it on Node and 2x faster on Deno (5 % slower on Bun), and the signing keys stay the same objects
 * whatever the engine (docs/performance.md).
 */
import { fail } from './errors.js'
import { sha256Hex } from './sha256.js'

/** Which SHA-256 the synchronous paths use, see {@link useHashEngine}. */
export type HashEngine = 'auto' | 'js' | 'native'

/** The one function of node:crypto used here (Node >= 20.12, Bun, Deno). */
interface NodeCrypto {
  hash(algorithm: 'sha256', data: string | Uint8Array, encoding: 'hex'): string
}

/** node:crypto, `false` for the built-in SHA-256, `undefined` until first use. */
let engine: NodeCrypto | false | undefined

/** node:crypto through `process.getBuiltinModule`, or `false` where the runtime has none (or no `hash`). */
function nodeCrypto(): NodeCrypto | false {
  try {
    const c = (globalThis as unknown as { process: { getBuiltinModule(id: string): NodeCrypto } }).process.getBuiltinModule('node:crypto')
    return typeof c.hash === 'function' && c
  } catch {
    return false
  }
}

/**
 * Choose the SHA-256 of the synchronous paths: `presignSync` and every `…Sync` function,
 * `createPresigner().presignSync`, the hashes of `presignMany`, `verifyPresignedSync`. Every engine gives
 * byte-identical results; only the speed differs. (`presign` and `verifyPresigned` always use Web Crypto.)
 *
 * - `'auto'` (the default): the runtime's node:crypto where `process.getBuiltinModule('node:crypto')` offers it
 *   (Node ≥ 20.16, Bun, Deno), the built-in pure-JS SHA-256 elsewhere (browsers, workers, older Node). It is looked
 *   up on the first synchronous presign or verification, never when the library is imported.
 * - `'js'`: always the built-in SHA-256, as in browsers (to test that engine on a server, say).
 * - `'native'`: node:crypto, or a `PresignError` with code `CryptoUnavailable` where the runtime has none.
 *
 * The HMACs always use the built-in implementation with precomputed key states (for the short strings SigV4 signs
 * it is as fast as node:crypto's `createHmac` on Node, and faster on Deno), so signing keys do not depend on the engine.
 *
 * @returns the engine now in effect
 * @example useHashEngine('js') // the browsers' engine, on a server
 */
export function useHashEngine(choice: HashEngine): 'js' | 'native' {
  if (choice !== 'auto' && choice !== 'js' && choice !== 'native') fail('InvalidOption', 'engine', "must be 'auto', 'js' or 'native'", choice)
  const c = choice !== 'js' && nodeCrypto()
  if (choice === 'native' && !c) fail('CryptoUnavailable', 'engine', 'is "native", but this runtime has no process.getBuiltinModule("node:crypto") with hash()')
  return (engine = c) ? 'native' : 'js'
}

/** @internal Hex SHA-256 of bytes or of a string's UTF-8, with the engine in effect. */
export function sha256HexSync(data: string | Uint8Array): string {
  const c = engine ?? (engine = nodeCrypto())
  return c ? c.hash('sha256', data, 'hex') : sha256Hex(data)
}
