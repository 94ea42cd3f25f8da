import { describe, expect, test, vi } from 'vitest'
import { PresignError, clearSigningKeyCache, createPresigner, presign, presignMany, presignSync } from '../../src/index.js'
import { sha256HexSync as sha256Hex } from '../../src/core/hash-engine.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

// presignMany hashes with the synchronous hash engine: wrapped in a spy (same results) to see when it hashes.
vi.mock('../../src/core/hash-engine.js', async (original) => {
  const m = await original<typeof import('../../src/core/hash-engine.js')>()
  return { ...m, sha256HexSync: vi.fn(m.sha256HexSync) }
})

const options = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', expiresIn: 600, signingDate: '2024-02-29T23:59:59Z' }

describe('createPresigner', () => {
  test('binds options; every method gives the same URL as the free functions', async () => {
    const signer = createPresigner(options)
    const req = { url: 'https://b.s3.us-east-1.amazonaws.com/a%20b' }
    const expected = await presign(req, options)
    expect(await signer.presign(req)).toBe(expected)
    expect(signer.presignSync(req)).toBe(expected)
    expect((await signer.presignDetailed(req)).url).toBe(expected)
    expect(await signer.presignMany([req, req])).toEqual([expected, expected])
  })
  test('overrides apply to one call only', async () => {
    const signer = createPresigner(options)
    const req = { url: 'https://b.s3.us-east-1.amazonaws.com/k' }
    expect(signer.presignSync(req, { expiresIn: 60 })).toContain('X-Amz-Expires=60&')
    expect(signer.presignSync(req)).toContain('X-Amz-Expires=600&')
  })
  test('bad options throw at creation', () => {
    expect(() => createPresigner({ ...options, expiresIn: 0 })).toThrowError(PresignError)
    expect(() => createPresigner({ ...options, region: '' })).toThrowError(/options.region/)
  })
})

describe('presignMany', () => {
  test('URLs in request order, identical to presignSync', async () => {
    const requests = Array.from({ length: 40 }, (_, i) => ({ method: i % 2 ? 'PUT' : 'GET', url: `https://b.s3.us-east-1.amazonaws.com/k${i}?n=${i}` }))
    const urls = await presignMany(requests, options)
    expect(urls).toEqual(requests.map((r) => presignSync(r, options)))
  })
  test('non-S3 bodies are hashed', async () => {
    const requests = [{ method: 'POST', url: 'https://sts.amazonaws.com/', body: 'Action=GetCallerIdentity' }]
    const sts = { ...options, service: 'sts' }
    expect(await presignMany(requests, sts)).toEqual([await presign(requests[0]!, sts)])
  })
  test('an invalid request rejects before any request is hashed or signed', async () => {
    clearSigningKeyCache()
    const spies = (['digest', 'importKey', 'sign'] as const).map((name) => vi.spyOn(crypto.subtle, name))
    vi.mocked(sha256Hex).mockClear()
    await expect(presignMany([{ url: 'https://b/k' }, { url: 'nope' }], options)).rejects.toMatchObject({ code: 'InvalidUrl' })
    expect(sha256Hex).not.toHaveBeenCalled()
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
    // The spy sees presignMany's hashing: a valid batch hashes each canonical request.
    await presignMany([{ url: 'https://b/k' }], options)
    expect(sha256Hex).toHaveBeenCalledTimes(1)
  })
  test('derives the key once for the whole batch', async () => {
    clearSigningKeyCache()
    const sign = vi.spyOn(crypto.subtle, 'sign')
    await presignMany(Array.from({ length: 8 }, (_, i) => ({ url: `https://b/k${i}` })), { ...options, signingDate: '2031-01-01T00:00:00Z' })
    expect(sign).toHaveBeenCalledTimes(4 + 8)
    sign.mockRestore()
  })
  test('empty batch', async () => {
    expect(await presignMany([], options)).toEqual([])
  })
})
