import { createHash } from 'node:crypto'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { presign, presignDetailed, presignS3, presignSync, verifyPresigned } from '../../src/index.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const AWS_DOC_URL =
  'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=86400&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'

const s3 = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3' } as const
const fixed = { ...s3, signingDate: '2013-05-24T00:00:00Z' } as const

describe('the AWS documentation example (S3 GET, examplebucket/test.txt)', () => {
  test('gives the documented signature', async () => {
    const url = await presign({ url: 'https://examplebucket.s3.amazonaws.com/test.txt' }, { ...fixed, expiresIn: 86400 })
    expect(url).toBe(AWS_DOC_URL)
  })
  test('signingDate as Date, epoch ms and ISO string are the same', async () => {
    const req = { url: 'https://examplebucket.s3.amazonaws.com/test.txt' }
    const d = new Date('2013-05-24T00:00:00Z')
    const urls = await Promise.all([d, d.getTime(), '2013-05-24T00:00:00.999Z'].map((signingDate) => presign(req, { ...s3, expiresIn: 86400, signingDate })))
    expect(new Set(urls)).toEqual(new Set([AWS_DOC_URL]))
  })
})

describe('presign', () => {
  afterEach(() => vi.useRealTimers())

  test("the issue's PUT call signs content-type and host", async () => {
    const r = await presignDetailed(
      { method: 'PUT', url: 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/a%20b.jpg', headers: { 'content-type': 'image/jpeg' } },
      { ...fixed, credentials: { ...DOC_CREDENTIALS, sessionToken: 'tok/en+=' }, expiresIn: 300 },
    )
    expect(r.method).toBe('PUT')
    expect(r.url).toMatch(/^https:\/\/examplebucket\.s3\.us-east-1\.amazonaws\.com\/photos\/a%20b\.jpg\?X-Amz-Algorithm=/)
    expect(r.url).toContain('&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Expires=300&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature=')
    expect(r.signedHeaders).toEqual(['content-type', 'host'])
    expect(r.headers).toEqual({ 'content-type': 'image/jpeg' })
    expect(r.canonicalRequest.split('\n')[1]).toBe('/photos/a%20b.jpg')
    expect(r.canonicalRequest).toContain('X-Amz-Security-Token=tok%2Fen%2B%3D')
    expect(r.canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true)
    expect(r.expiresAt.getTime() - r.signedAt.getTime()).toBe(300_000)
  })

  test('defaults: GET, 3600 s, now', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-02T03:04:05.678Z'), toFake: ['Date'] })
    const r = await presignDetailed({ url: 'https://b.s3.eu-west-1.amazonaws.com/k' }, { ...s3, region: 'eu-west-1' })
    expect(r.method).toBe('GET')
    expect(r.amzDate).toBe('20300102T030405Z')
    expect(r.url).toContain('X-Amz-Expires=3600&')
    expect(r.signedAt.toISOString()).toBe('2030-01-02T03:04:05.000Z')
    expect(r.credentialScope).toBe('20300102/eu-west-1/s3/aws4_request')
  })

  test('the method is upper-cased', async () => {
    const r = await presignDetailed({ method: 'put', url: 'https://b.s3.amazonaws.com/k' }, fixed)
    expect(r.canonicalRequest.startsWith('PUT\n')).toBe(true)
  })

  test('host: non-default port signed, default port dropped, lower-cased', async () => {
    const a = await presignDetailed({ url: 'http://127.0.0.1:9000/bucket/key' }, fixed)
    expect(a.canonicalRequest).toContain('\nhost:127.0.0.1:9000\n')
    expect(a.url.startsWith('http://127.0.0.1:9000/bucket/key?')).toBe(true)
    const b = await presignDetailed({ url: 'https://EXAMPLE.com:443/k' }, fixed)
    expect(b.canonicalRequest).toContain('\nhost:example.com\n')
    expect(b.url.startsWith('https://example.com/k?')).toBe(true)
    const c = await presignDetailed({ url: 'http://h:443/k' }, fixed)
    expect(c.canonicalRequest).toContain('\nhost:h:443\n')
    const d = await presignDetailed({ url: 'http://[::1]:8080/k' }, fixed)
    expect(d.canonicalRequest).toContain('\nhost:[::1]:8080\n')
  })

  test('a host header equal to the URL host is accepted', async () => {
    const r = await presignDetailed({ url: 'http://127.0.0.1:9000/b/k', headers: { Host: '127.0.0.1:9000' } }, fixed)
    expect(r.signedHeaders).toEqual(['host'])
  })

  test('session token: signed by default, appended after signing on request', async () => {
    const creds = { ...DOC_CREDENTIALS, sessionToken: 'TOKEN' }
    const signed = await presignDetailed({ url: 'https://data.iot.us-east-1.amazonaws.com/mqtt' }, { ...fixed, service: 'iotdevicegateway', credentials: creds })
    expect(signed.canonicalRequest).toContain('X-Amz-Security-Token=TOKEN')
    const after = await presignDetailed(
      { url: 'https://data.iot.us-east-1.amazonaws.com/mqtt' },
      { ...fixed, service: 'iotdevicegateway', credentials: creds, signSessionToken: false },
    )
    expect(after.canonicalRequest).not.toContain('X-Amz-Security-Token')
    expect(after.url).toMatch(/&X-Amz-Security-Token=TOKEN&X-Amz-Signature=[0-9a-f]{64}$/)
    expect(after.signature).not.toBe(signed.signature)
  })

  test('an empty session token means none', async () => {
    const r = await presign({ url: 'https://b.s3.amazonaws.com/k' }, { ...fixed, credentials: { ...DOC_CREDENTIALS, sessionToken: '' } })
    expect(r).not.toContain('Security-Token')
  })

  test('existing query parameters are kept in order, in canonical encoding, before the auth parameters', async () => {
    const r = await presignDetailed({ url: 'https://b.s3.amazonaws.com/k?versionId=v1&response-content-disposition=attachment%3B%20filename%3D%22a.txt%22&uploads' }, fixed)
    expect(r.url).toContain('/k?versionId=v1&response-content-disposition=attachment%3B%20filename%3D%22a.txt%22&uploads&X-Amz-Algorithm=')
    expect(r.canonicalRequest.split('\n')[2]).toMatch(/^X-Amz-Algorithm=.*&response-content-disposition=attachment%3B%20filename%3D%22a.txt%22&uploads=&versionId=v1$/)
  })

  test('raw characters a client must encode are encoded, so what is signed is what is sent', async () => {
    const r = await presignDetailed({ url: 'https://b.s3.amazonaws.com/a b/é?q=x y' }, fixed)
    expect(r.url.startsWith('https://b.s3.amazonaws.com/a%20b/%C3%A9?q=x%20y&')).toBe(true)
    expect(r.canonicalRequest.split('\n')[1]).toBe('/a%20b/%C3%A9')
  })

  test('payload: S3 unsigned; other services hash the body (empty by default); payloadHash overrides', async () => {
    const sts = { ...fixed, service: 'sts' }
    const url = 'https://sts.amazonaws.com/'
    const empty = await presignDetailed({ url }, sts)
    expect(empty.canonicalRequest.endsWith('\n' + createHash('sha256').update('').digest('hex'))).toBe(true)
    const body = 'Action=GetCallerIdentity&Version=2011-06-15 é'
    const withBody = await presignDetailed({ method: 'POST', url, body }, sts)
    expect(withBody.canonicalRequest.endsWith('\n' + createHash('sha256').update(body).digest('hex'))).toBe(true)
    const bytes = await presignDetailed({ method: 'POST', url, body: new TextEncoder().encode(body) }, sts)
    expect(bytes.signature).toBe(withBody.signature)
    const buffer = await presignDetailed({ method: 'POST', url, body: new TextEncoder().encode(body).buffer }, sts)
    expect(buffer.signature).toBe(withBody.signature)
    const given = await presignDetailed({ url }, { ...sts, payloadHash: 'UNSIGNED-PAYLOAD' })
    expect(given.canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true)
    const s3body = await presignDetailed({ method: 'PUT', url: 'https://b.s3.amazonaws.com/k', body }, fixed)
    expect(s3body.canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true)
  })

  test('non-S3 paths are normalized and double-encoded in the signature, sent as given', async () => {
    const r = await presignDetailed({ url: 'https://abc.execute-api.us-east-1.amazonaws.com/prod/a%20b/./c//d' }, { ...fixed, service: 'execute-api' })
    expect(r.canonicalRequest.split('\n')[1]).toBe('/prod/a%2520b/c/d')
    expect(r.url.startsWith('https://abc.execute-api.us-east-1.amazonaws.com/prod/a%20b/./c//d?')).toBe(true)
  })

  test('headers given as pairs or Headers are signed the same as an object', async () => {
    const url = 'https://b.s3.amazonaws.com/k'
    const detailed = await presignDetailed({ url, headers: { 'Content-Type': 'text/plain', 'x-amz-meta-a': ['1', '2'] } }, fixed)
    expect(detailed.canonicalRequest).toContain('\ncontent-type:text/plain\nhost:b.s3.amazonaws.com\nx-amz-meta-a:1,2\n\ncontent-type;host;x-amz-meta-a\n')
    const a = detailed.url
    const b = await presign({ url, headers: [['content-type', 'text/plain'], ['X-Amz-Meta-A', '1'], ['x-amz-meta-a', '2']] }, fixed)
    expect(b).toBe(a)
    const c = await presign({ url, headers: new Headers({ 'content-type': 'text/plain', 'x-amz-meta-a': '1,2' }) }, fixed)
    expect(c).toBe(a)
  })
})

describe('cacheWindow: cache-friendly URLs', () => {
  const options = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', expiresIn: 300, cacheWindow: 900 }
  const req = { url: 'https://examplebucket.s3.us-east-1.amazonaws.com/cat.jpg' }
  test('every presign within one window gives the byte-identical URL; the next window another one', async () => {
    const start = Date.parse('2024-05-01T10:15:00Z')
    const urls = await Promise.all([0, 1, 450_000, 899_999].map((dt) => presign(req, { ...options, signingDate: start + dt })))
    expect(new Set(urls).size).toBe(1)
    expect(urls[0]).toContain('X-Amz-Date=20240501T101500Z&')
    expect(urls[0]).toContain('X-Amz-Expires=1200&')
    expect(await presign(req, { ...options, signingDate: start + 900_000 })).not.toBe(urls[0])
    expect(presignSync(req, { ...options, signingDate: start + 123_000 })).toBe(urls[0])
    expect(await presignS3({ bucket: 'examplebucket', key: 'cat.jpg', region: 'us-east-1' }, { credentials: DOC_CREDENTIALS, expiresIn: 300, cacheWindow: 900, signingDate: start + 5 })).toBe(urls[0])
  })
  test('valid for at least expiresIn from the moment it is issued, anywhere in the window', async () => {
    const start = Date.parse('2024-05-01T10:15:00Z')
    for (const dt of [0, 899_999]) {
      const issued = start + dt
      const url = await presign(req, { ...options, signingDate: issued })
      const check = (now: number) => verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, now })
      expect((await check(issued + 300_000)).ok).toBe(true)
    }
    const url = await presign(req, { ...options, signingDate: start })
    expect(await verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, now: start + 1_200_001 })).toMatchObject({ code: 'Expired' })
  })
  test('bad windows are typed errors; expiresIn + cacheWindow may not exceed 7 days', async () => {
    for (const cacheWindow of [0, -1, 1.5, '900', 604800 - 299]) {
      await expect(presign(req, { ...options, cacheWindow: cacheWindow as number })).rejects.toMatchObject({ code: 'InvalidOption', field: 'options.cacheWindow' })
    }
    expect(await presign(req, { ...options, cacheWindow: 604800 - 300, signingDate: 0 })).toContain('X-Amz-Expires=604800&')
  })
})

describe('bounds and rules', () => {
  // Found by mutation testing: each test fails if the rule it names is dropped or its bound moved by one.
  const base = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 'service', signingDate: '2013-05-24T00:00:00Z' }
  const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code: string }) => e.code)
  test('a Host header is compared with the URL host case-insensitively', async () => {
    await expect(presign({ url: 'https://example.amazonaws.com/', headers: { Host: 'EXAMPLE.amazonaws.com' } }, base)).resolves.toContain('X-Amz-SignedHeaders=host&')
  })
  test('payloadHash must be lower-case hex', async () => {
    expect(await code(presign({ url: 'https://example.amazonaws.com/' }, { ...base, payloadHash: 'A'.repeat(64) }))).toBe('InvalidPayloadHash')
  })
  test('region and service have at most 63 characters', async () => {
    expect(await code(presign({ url: 'https://e.com/' }, { ...base, region: 'a'.repeat(63) }))).toBe('ok')
    expect(await code(presign({ url: 'https://e.com/' }, { ...base, region: 'a'.repeat(64) }))).toBe('InvalidRegion')
    expect(await code(presign({ url: 'https://e.com/' }, { ...base, service: 'a'.repeat(63) }))).toBe('ok')
    expect(await code(presign({ url: 'https://e.com/' }, { ...base, service: 'a'.repeat(64) }))).toBe('InvalidService')
  })
  test('a method has at most 32 letters', async () => {
    expect(await code(presign({ url: 'https://e.com/', method: 'A'.repeat(32) }, base))).toBe('ok')
    expect(await code(presign({ url: 'https://e.com/', method: 'A'.repeat(33) }, base))).toBe('InvalidMethod')
  })
  test('NaN and Infinity header values are rejected, not signed as text', async () => {
    expect(await code(presign({ url: 'https://e.com/', headers: { 'x-a': NaN } }, base))).toBe('InvalidHeader')
    expect(await code(presign({ url: 'https://e.com/', headers: { 'x-a': Infinity } }, base))).toBe('InvalidHeader')
  })
  test('empty query pairs are dropped, as botocore\'s presigner drops them', async () => {
    // Expected from botocore 1.43: SigV4QueryAuth(Credentials(<doc keys>), 'service', 'us-east-1', expires=3600)
    // .add_auth(AWSRequest('GET', 'https://example.amazonaws.com/?a=1&&b=2')) with the clock at 2013-05-24T00:00:00Z.
    const url = await presign({ url: 'https://example.amazonaws.com/?a=1&&b=2' }, { ...base, expiresIn: 3600 })
    expect(url).toBe(
      'https://example.amazonaws.com/?a=1&b=2&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fservice%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=2acf1e3e92d7499437a8e62dfded20961356c34aac4e9a7c554c8adcd68dd2d9',
    )
  })
})
