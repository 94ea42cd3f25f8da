/**
 * The synchronous hash engine (src/core/hash-engine.ts): node:crypto's hash() through process.getBuiltinModule, or
 * the built-in SHA-256. The same bytes from both (against node:crypto imported here as the oracle), how each is
 * chosen (useHashEngine), signing keys that do not depend on the engine, and no lookup at import.
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { sha256HexSync, useHashEngine } from '../../src/core/hash-engine.js'
import { clearSyncSigningKeyCache, PresignError, presign, presignSync } from '../../src/index.js'
import { signingKeySync } from '../../src/sign/presign-sync.js'
import { verifyPresignedSync } from '../../src/verify/verify-presigned-sync.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const ENGINES = ['native', 'js'] as const
const process_ = globalThis.process
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  useHashEngine('auto')
})

describe('both engines give the same bytes', () => {
  test.each(ENGINES)('%s: SHA-256 of strings (UTF-8, lone surrogates as U+FFFD) and bytes, against node:crypto', (engine) => {
    expect(useHashEngine(engine)).toBe(engine)
    const unit = fc.constantFrom('a', 'Z', '\n', '%', 'é', '😀', '\uD800', '\uDFFF', '\u0000', '~')
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (text, bytes) => {
        expect(sha256HexSync(text)).toBe(createHash('sha256').update(new TextEncoder().encode(text)).digest('hex'))
        expect(sha256HexSync(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'))
      }),
      { numRuns: 300 },
    )
    // Block boundaries: 55, 56, 63, 64 and 65 bytes, and a long input.
    for (const n of [0, 55, 56, 63, 64, 65, 119, 120, 1_000_000]) expect(sha256HexSync('a'.repeat(n))).toBe(createHash('sha256').update('a'.repeat(n)).digest('hex'))
  })
})

describe('signing keys do not depend on the engine', () => {
  test('a key cached under one engine signs and verifies identically under the other (both orders), as Web Crypto signs', async () => {
    const request = { url: 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/2026/some%20file%2Bname%20%C3%BC.jpg' }
    const options = { credentials: { ...DOC_CREDENTIALS, sessionToken: 'T'.repeat(760) }, region: 'us-east-1', service: 's3', signingDate: '2026-11-25T12:00:00Z' }
    const expected = await presign(request, options)
    const verify = () => verifyPresignedSync({ method: 'GET', url: expected }, { credentials: () => options.credentials, now: Date.parse(options.signingDate) })
    for (const [first, second] of [['native', 'js'], ['js', 'native']] as const) {
      clearSyncSigningKeyCache()
      useHashEngine(first)
      expect(presignSync(request, options)).toBe(expected)
      expect(verify().ok).toBe(true)
      const cached = signingKeySync(DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS.secretAccessKey, '20261125', 'us-east-1', 's3')
      useHashEngine(second)
      expect(presignSync(request, options)).toBe(expected)
      expect(verify().ok).toBe(true)
      // The same cache entry served the second engine.
      expect(signingKeySync(DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS.secretAccessKey, '20261125', 'us-east-1', 's3')).toBe(cached)
    }
  })
})

describe('choosing the engine', () => {
  test("useHashEngine: 'auto' is node:crypto on this Node, 'js' the built-in one; anything else is a PresignError", () => {
    expect(useHashEngine('auto')).toBe('native')
    expect(useHashEngine('js')).toBe('js')
    expect(useHashEngine('native')).toBe('native')
    for (const bad of ['JS', '', undefined, null, 1, {}]) {
      expect(() => useHashEngine(bad as never)).toThrowError(PresignError)
      expect(() => useHashEngine(bad as never)).toThrowError(expect.objectContaining({ code: 'InvalidOption', field: 'engine' }))
    }
    expect(sha256HexSync('abc')).toBe(ABC)
  })

  test('where the runtime has no process.getBuiltinModule (browsers, workers, old Node), every choice but native is the built-in engine', () => {
    for (const runtime of [undefined, {}, { getBuiltinModule: () => undefined }, { getBuiltinModule: () => ({ createHash }) }, { getBuiltinModule: () => { throw new Error('no') } }]) {
      vi.stubGlobal('process', runtime)
      expect(useHashEngine('auto')).toBe('js')
      expect(() => useHashEngine('native')).toThrowError(expect.objectContaining({ code: 'CryptoUnavailable', field: 'engine' }))
      expect(sha256HexSync('abc')).toBe(ABC)
      vi.unstubAllGlobals()
    }
  })

  test("the 'js' engine never calls node:crypto; 'native' calls hash() once per SHA-256", () => {
    const nodeCrypto = process_.getBuiltinModule('node:crypto')
    const hash = vi.fn(nodeCrypto.hash)
    vi.stubGlobal('process', { ...process_, getBuiltinModule: () => ({ hash }) })
    const url = { url: 'https://b.s3.us-east-1.amazonaws.com/k' }
    const options = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: 0 }
    useHashEngine('js')
    const signed = presignSync(url, options)
    expect(verifyPresignedSync({ method: 'GET', url: signed }, { credentials: () => DOC_CREDENTIALS, now: 0 }).ok).toBe(true)
    expect(hash).not.toHaveBeenCalled()
    expect(useHashEngine('native')).toBe('native')
    expect(presignSync(url, options)).toBe(signed)
    expect(hash).toHaveBeenCalledTimes(1)
    expect(verifyPresignedSync({ method: 'GET', url: signed }, { credentials: () => DOC_CREDENTIALS, now: 0 }).ok).toBe(true)
    expect(hash).toHaveBeenCalledTimes(2)
  })
})

describe('resolved on first use, never at import', () => {
  test('importing the package does not touch process.getBuiltinModule; the first presignSync does, once', async () => {
    vi.resetModules()
    const getBuiltinModule = vi.fn((id: string) => process_.getBuiltinModule(id))
    vi.stubGlobal('process', { ...process_, getBuiltinModule })
    const lib = await import('../../src/index.js')
    expect(getBuiltinModule).not.toHaveBeenCalled()
    const options = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: 0 }
    lib.presignSync({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, options)
    lib.presignSync({ url: 'https://b.s3.us-east-1.amazonaws.com/k2' }, options)
    expect(getBuiltinModule).toHaveBeenCalledTimes(1)
    expect(getBuiltinModule).toHaveBeenCalledWith('node:crypto')
    vi.resetModules()
  })

  test('an import without any `process` (as in a browser) works, on the built-in engine, with the same URLs', async () => {
    const options = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: 0 }
    const expected = presignSync({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, options)
    vi.resetModules()
    vi.stubGlobal('process', undefined)
    const lib = await import('../../src/index.js')
    expect(lib.presignSync({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, options)).toBe(expected)
    // The same module instance as the package's: its engine is the built-in one.
    expect((await import('../../src/core/hash-engine.js')).useHashEngine('auto')).toBe('js')
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  test('the Web Crypto paths never look the engine up', async () => {
    vi.resetModules()
    const getBuiltinModule = vi.fn((id: string) => process_.getBuiltinModule(id))
    vi.stubGlobal('process', { ...process_, getBuiltinModule })
    const lib = await import('../../src/index.js')
    const url = await lib.presign({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: 0 })
    expect((await lib.verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, now: 0 })).ok).toBe(true)
    expect(getBuiltinModule).not.toHaveBeenCalled()
    vi.resetModules()
  })
})
