import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { clearSigningKeyCache, credentialScope, deriveSigningKey, presign, stringToSign } from '../../src/index.js'

/** Independent oracle: node:crypto's HMAC chain. */
function oracleKey(secret: string, day: string, region: string, service: string): Buffer {
  let k: Buffer = createHmac('sha256', 'AWS4' + secret).update(day).digest()
  for (const part of [region, service, 'aws4_request']) k = createHmac('sha256', k).update(part).digest()
  return k
}

describe('deriveSigningKey', () => {
  test('matches the HMAC chain AWS4+secret -> day -> region -> service -> aws4_request', async () => {
    const args = ['wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam'] as const
    const key = await deriveSigningKey(...args)
    expect(Buffer.from(key).toString('hex')).toBe(oracleKey(...args).toString('hex'))
    // AWS's documented example value for these inputs.
    expect(Buffer.from(key).toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d')
  })
  test('non-ASCII secrets are UTF-8', async () => {
    const key = await deriveSigningKey('sécret😀', '20240101', 'eu-west-1', 's3')
    expect(Buffer.from(key).toString('hex')).toBe(oracleKey('sécret😀', '20240101', 'eu-west-1', 's3').toString('hex'))
  })
})

describe('string to sign', () => {
  test('scope and layout', () => {
    expect(credentialScope('20130524', 'us-east-1', 's3')).toBe('20130524/us-east-1/s3/aws4_request')
    expect(stringToSign('20130524T000000Z', '20130524/us-east-1/s3/aws4_request', 'ab')).toBe(
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nab',
    )
  })
})

describe('signing key cache', () => {
  afterEach(() => vi.restoreAllMocks())
  const opts = (secret: string, day: string) => ({
    credentials: { accessKeyId: 'AKID', secretAccessKey: secret },
    region: 'us-east-1',
    service: 's3',
    signingDate: `${day}T12:00:00Z`,
  })
  test('derives once per credentials/day/region/service, then 2 crypto calls per presign', async () => {
    clearSigningKeyCache()
    const sign = vi.spyOn(crypto.subtle, 'sign')
    const digest = vi.spyOn(crypto.subtle, 'digest')
    const url = { url: 'https://b.s3.us-east-1.amazonaws.com/k' }
    await presign(url, opts('s1', '2024-01-01'))
    expect(sign).toHaveBeenCalledTimes(4 + 1)
    sign.mockClear()
    digest.mockClear()
    await presign(url, opts('s1', '2024-01-01'))
    expect(sign).toHaveBeenCalledTimes(1)
    expect(digest).toHaveBeenCalledTimes(1)
    // A different access key id, secret, day, region or service is a different key.
    sign.mockClear()
    await presign(url, { ...opts('s1', '2024-01-01'), credentials: { accessKeyId: 'AKID2', secretAccessKey: 's1' } })
    await presign(url, opts('s2', '2024-01-01'))
    await presign(url, opts('s1', '2024-01-02'))
    await presign(url, { ...opts('s1', '2024-01-01'), region: 'eu-west-1' })
    await presign(url, { ...opts('s1', '2024-01-01'), service: 'execute-api' })
    expect(sign).toHaveBeenCalledTimes(5 * 5)
  })
  test('concurrent presigns share one derivation', async () => {
    clearSigningKeyCache()
    const sign = vi.spyOn(crypto.subtle, 'sign')
    const url = { url: 'https://b.s3.us-east-1.amazonaws.com/k' }
    const urls = await Promise.all(Array.from({ length: 10 }, () => presign(url, opts('s3cret', '2024-03-01'))))
    expect(new Set(urls).size).toBe(1)
    expect(sign).toHaveBeenCalledTimes(4 + 10)
  })
  test('a rotated secret for the same access key id gives a different signature', async () => {
    const url = { url: 'https://b.s3.us-east-1.amazonaws.com/k' }
    expect(await presign(url, opts('old', '2024-01-01'))).not.toBe(await presign(url, opts('new', '2024-01-01')))
  })
})
