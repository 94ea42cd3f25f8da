import { describe, expect, test, vi } from 'vitest'
import { clearSyncSigningKeyCache, presign, presignSync, presignSyncDetailed } from '../../src/index.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const doc = {
  credentials: DOC_CREDENTIALS,
  region: 'us-east-1',
  service: 's3',
  expiresIn: 86400,
  signingDate: '2013-05-24T00:00:00Z',
}

describe('presignSync', () => {
  test('the AWS documentation example', () => {
    expect(presignSync({ url: 'https://examplebucket.s3.amazonaws.com/test.txt' }, doc)).toContain(
      'X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    )
  })

  test('the key cache tells apart secret, day, region and service: warm-cache URLs equal cold-cache ones', () => {
    const url = { url: 'https://examplebucket.s3.amazonaws.com/test.txt' }
    const variants = [
      doc,
      { ...doc, credentials: { ...DOC_CREDENTIALS, secretAccessKey: 'another-secret' } },
      { ...doc, signingDate: '2013-05-25T00:00:00Z' },
      { ...doc, region: 'eu-west-1' },
      { ...doc, service: 'execute-api' },
    ]
    clearSyncSigningKeyCache()
    const warm = variants.map((o) => presignSync(url, o))
    const cold = variants.map((o) => {
      clearSyncSigningKeyCache()
      return presignSync(url, o)
    })
    expect(warm).toEqual(cold)
    expect(new Set(warm.map((u) => u.slice(-64))).size).toBe(variants.length)
  })

  test('works without Web Crypto', () => {
    vi.stubGlobal('crypto', undefined)
    try {
      expect(globalThis.crypto).toBeUndefined()
      expect(presignSync({ url: 'https://examplebucket.s3.amazonaws.com/test.txt' }, doc)).toContain('X-Amz-Signature=aeeed9bb')
    } finally {
      vi.unstubAllGlobals()
    }
  })

  test('presign without Web Crypto is a typed CryptoUnavailable error', async () => {
    vi.stubGlobal('crypto', undefined)
    try {
      await expect(presign({ url: 'https://examplebucket.s3.amazonaws.com/test.txt' }, doc)).rejects.toMatchObject({ code: 'CryptoUnavailable' })
    } finally {
      vi.unstubAllGlobals()
    }
  })

  test('non-ASCII secrets, long session tokens and bodies match presign', async () => {
    const options = {
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'sécret-😀-' + 'x'.repeat(100), sessionToken: 'T/+='.repeat(190) },
      region: 'eu-west-1',
      service: 'execute-api',
      signingDate: 1700000000000,
    }
    const request = { method: 'POST', url: 'https://x.execute-api.eu-west-1.amazonaws.com/p/a%20b', body: 'é'.repeat(300), headers: { 'content-type': 'text/plain' } }
    expect(presignSyncDetailed(request, options)).toEqual(
      await (await import('../../src/index.js')).presignDetailed(request, options),
    )
  })

  test('many scopes: the sync key cache stays correct past its size', async () => {
    for (let i = 0; i < 130; i++) {
      const options = { ...doc, credentials: { accessKeyId: 'AKID', secretAccessKey: `secret-${i % 70}` } }
      const request = { url: `https://b.s3.amazonaws.com/k${i}` }
      expect(presignSync(request, options)).toBe(await presign(request, options))
    }
  })
})
