/**
 * The Cloud Storage signers' behaviour beyond the conformance suite: every URL style and endpoint form, the detailed
 * result, HMAC keys (scope, region, the GOOG4 key chain recomputed with node:crypto), the RSA signature verified with
 * the public key, the imported key (non-extractable, cached), POST policies in Cloud Storage's dialect (metadata,
 * key prefixes, HMAC), and that the AWS defaults of the shared core steps did not change.
 */
import { createHash, createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { clearGcsKeyCache, gcsObjectUrl, type GcsLocation, presignGcs, presignGcsDetailed, presignGcsPost } from '../../src/gcs/index.js'
import { rsaKey } from '../../src/gcs/key-file.js'
import { canonicalHeaders, credentialScope, presign, stringToSign } from '../../src/index.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
const PEM = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const KEY_FILE = { type: 'service_account', project_id: 'p', client_email: 'signer@p.iam.gserviceaccount.com', private_key: PEM }
const HMAC = { accessId: 'GOOG1EXAMPLE', secret: 'bGAaEXAMPLEsecret+/0123456789abcdefghijkl' }
const AT = '2026-03-04T05:06:07Z'
const Q = '?X-Goog-Algorithm='

describe('URL styles and endpoints', () => {
  const cases: Array<[string, GcsLocation, string, string]> = [
    ['path style', { bucket: 'my-bucket', key: 'a b/c+d' }, 'https://storage.googleapis.com/my-bucket/a%20b/c%2Bd', 'storage.googleapis.com'],
    ['the bucket (no key)', { bucket: 'my-bucket' }, 'https://storage.googleapis.com/my-bucket', 'storage.googleapis.com'],
    ['virtual-hosted', { bucket: 'my-bucket', key: 'k', virtualHostedStyle: true }, 'https://my-bucket.storage.googleapis.com/k', 'my-bucket.storage.googleapis.com'],
    ['virtual-hosted bucket (no key)', { bucket: 'my-bucket', virtualHostedStyle: true }, 'https://my-bucket.storage.googleapis.com/', 'my-bucket.storage.googleapis.com'],
    ['bucket-bound hostname, bare', { bucket: 'my-bucket', key: 'k', bucketBoundHostname: 'cdn.example.com' }, 'https://cdn.example.com/k', 'cdn.example.com'],
    ['bucket-bound hostname, http with a port', { bucket: 'my-bucket', key: 'k', bucketBoundHostname: 'http://CDN.example.com:8080/' }, 'http://cdn.example.com:8080/k', 'cdn.example.com'],
    ['emulator', { bucket: 'my-bucket', key: 'k', endpoint: 'http://localhost:4443' }, 'http://localhost:4443/my-bucket/k', 'localhost'],
    ['endpoint host:port (https)', { bucket: 'my-bucket', key: 'k', endpoint: 'storage.googleapis.com:443' }, 'https://storage.googleapis.com:443/my-bucket/k', 'storage.googleapis.com'],
    ['IPv6 endpoint', { bucket: 'my-bucket', key: 'k', endpoint: 'http://[::1]:9023' }, 'http://[::1]:9023/my-bucket/k', '[::1]'],
    ['private endpoint', { bucket: 'my-bucket', key: 'k', endpoint: 'https://storage-xyz.p.googleapis.com/' }, 'https://storage-xyz.p.googleapis.com/my-bucket/k', 'storage-xyz.p.googleapis.com'],
    ['universe domain', { bucket: 'my-bucket', key: 'k', universeDomain: 'Example.Goog' }, 'https://storage.example.goog/my-bucket/k', 'storage.example.goog'],
    ['universe domain, virtual-hosted', { bucket: 'b.with.dots', key: 'k', universeDomain: 'example.goog', virtualHostedStyle: true }, 'https://b.with.dots.storage.example.goog/k', 'b.with.dots.storage.example.goog'],
  ]
  test.each(cases)('%s', async (_name, location, url, host) => {
    expect(gcsObjectUrl(location)).toBe(url)
    const r = await presignGcsDetailed(location, { credentials: KEY_FILE, signingDate: AT })
    expect(r.url.startsWith(url + Q)).toBe(true)
    expect(r.canonicalRequest.split('\n')[3]).toBe('host:' + host)
    expect(r.url).toBe(await presignGcs(location, { credentials: JSON.stringify(KEY_FILE), signingDate: AT }))
  })

  test('object names are encoded once, as the suite encodes them: / kept, everything else outside A-Za-z0-9-_.~ escaped', () => {
    expect(gcsObjectUrl({ bucket: 'b-1', key: "//x/é日😀 +!*'()%&=?#~._-" })).toBe(
      'https://storage.googleapis.com/b-1///x/%C3%A9%E6%97%A5%F0%9F%98%80%20%2B%21%2A%27%28%29%25%26%3D%3F%23~._-',
    )
    expect(gcsObjectUrl({ bucket: 'b-1', key: 'k', query: { 'b/é': 'x y', a: '' } })).toBe('https://storage.googleapis.com/b-1/k?b%2F%C3%A9=x%20y&a=')
  })
})

describe('presignGcsDetailed', () => {
  test('the result: method, headers to send, signed headers, payload hash, dates, canonical query as the URL query', async () => {
    const r = await presignGcsDetailed(
      { bucket: 'my-bucket', key: 'k', query: { 'response-content-type': 'text/plain', Z: '1' } },
      { credentials: KEY_FILE, method: 'put', headers: { 'Content-Type': 'text/plain', 'x-goog-content-sha256': 'ab'.repeat(32), 'a/b': ' x  y ' }, expiresIn: 900, signingDate: AT },
    )
    expect(r.method).toBe('PUT')
    expect(r.headers).toEqual({ 'content-type': 'text/plain', 'x-goog-content-sha256': 'ab'.repeat(32), 'a/b': 'x y' })
    expect(r.signedHeaders).toEqual(['a/b', 'content-type', 'host', 'x-goog-content-sha256'])
    expect(r.canonicalRequest.endsWith('\na/b;content-type;host;x-goog-content-sha256\n' + 'ab'.repeat(32))).toBe(true)
    expect(r).toMatchObject({ algorithm: 'GOOG4-RSA-SHA256', credentialScope: '20260304/auto/storage/goog4_request', googDate: '20260304T050607Z' })
    expect(r.signedAt.toISOString()).toBe('2026-03-04T05:06:07.000Z')
    expect(r.expiresAt.toISOString()).toBe('2026-03-04T05:21:07.000Z')
    const query = r.canonicalRequest.split('\n')[2]!
    expect(query.startsWith('X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=signer%40p.iam.gserviceaccount.com%2F20260304%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=')).toBe(true)
    expect(query.endsWith('&Z=1&response-content-type=text%2Fplain')).toBe(true)
    expect(r.url).toBe('https://storage.googleapis.com/my-bucket/k?' + query + '&X-Goog-Signature=' + r.signature)
  })

  test('the RSA signature verifies with the public key (RSASSA-PKCS1-v1_5, SHA-256), over the string to sign built by the shared core', async () => {
    const r = await presignGcsDetailed({ bucket: 'my-bucket', key: 'k' }, { credentials: KEY_FILE, signingDate: AT })
    expect(r.stringToSign).toBe(stringToSign(r.googDate, credentialScope('20260304', 'auto', 'storage', 'goog4_request'), createHash('sha256').update(r.canonicalRequest).digest('hex'), 'GOOG4-RSA-SHA256'))
    const spki = createPublicKey(PEM).export({ type: 'spki', format: 'der' })
    const pub = await crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', pub, Buffer.from(r.signature, 'hex'), new TextEncoder().encode(r.stringToSign))).toBe(true)
    expect(r.signature).toHaveLength(512)
  })

  test('HMAC keys: GOOG4-HMAC-SHA256, the region of the scope (default auto), the GOOG4 key chain', async () => {
    for (const region of [undefined, 'us-central1']) {
      const r = await presignGcsDetailed({ bucket: 'my-bucket', key: 'k' }, { credentials: HMAC, signingDate: AT, region })
      const scope = `20260304/${region ?? 'auto'}/storage/goog4_request`
      expect(r).toMatchObject({ algorithm: 'GOOG4-HMAC-SHA256', credentialScope: scope })
      expect(r.url).toContain(`X-Goog-Credential=${HMAC.accessId}%2F${encodeURIComponent(scope)}&`)
      let key = createHmac('sha256', 'GOOG4' + HMAC.secret).update('20260304').digest()
      for (const part of [region ?? 'auto', 'storage', 'goog4_request']) key = createHmac('sha256', key).update(part).digest()
      expect(r.signature).toBe(createHmac('sha256', key).update(r.stringToSign).digest('hex'))
    }
  })

  test('a PEM with literal \\n (pasted from an environment variable) is the same key', async () => {
    const escaped = { ...KEY_FILE, private_key: PEM.replace(/\n/g, '\\n') }
    expect(await presignGcs({ bucket: 'my-bucket', key: 'k' }, { credentials: escaped, signingDate: AT })).toBe(await presignGcs({ bucket: 'my-bucket', key: 'k' }, { credentials: KEY_FILE, signingDate: AT }))
  })
})

describe('the imported key', () => {
  test('non-extractable RSASSA-PKCS1-v1_5 SHA-256, sign only, imported once and cached until clearGcsKeyCache', async () => {
    const a = rsaKey(PEM, 'f')
    expect(rsaKey(PEM, 'f')).toBe(a)
    const key = await a
    expect(key.extractable).toBe(false)
    expect(key.type).toBe('private')
    expect(key.usages).toEqual(['sign'])
    expect(key.algorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } })
    clearGcsKeyCache()
    expect(rsaKey(PEM, 'f')).not.toBe(a)
  })
})

describe('presignGcsPost', () => {
  const decode = (policy: string): { conditions: unknown[]; expiration: string } => JSON.parse(atob(policy))

  test('the vocabulary of presignPost in Cloud Storage\'s dialect: x-goog-meta-*, a key prefix, exact fields', async () => {
    const p = await presignGcsPost(
      { bucket: 'my-bucket', keyPrefix: 'uploads/é/' },
      {
        credentials: KEY_FILE,
        signingDate: AT,
        expiresIn: 600,
        conditions: { contentLengthRange: [1, 1000], contentType: { startsWith: 'image/' }, metadata: { owner: 'Zoë' }, successActionStatus: 201 },
        fields: { 'Content-Type': 'image/png', 'x-ignore-note': 'n' },
      },
    )
    expect(p.url).toBe('https://storage.googleapis.com/my-bucket/')
    expect(Object.keys(p.fields)).toEqual(['key', 'success_action_status', 'x-goog-meta-owner', 'Content-Type', 'x-ignore-note', 'x-goog-algorithm', 'x-goog-credential', 'x-goog-date', 'policy', 'x-goog-signature'])
    expect(p.fields['key']).toBe('uploads/é/${filename}')
    const policy = decode(p.fields['policy']!)
    expect(policy).toEqual({
      conditions: [
        ['content-length-range', 1, 1000],
        ['starts-with', '$Content-Type', 'image/'],
        { success_action_status: '201' },
        { 'x-goog-meta-owner': 'Zoë' },
        { bucket: 'my-bucket' },
        ['starts-with', '$key', 'uploads/é/'],
        { 'x-goog-date': '20260304T050607Z' },
        { 'x-goog-credential': 'signer@p.iam.gserviceaccount.com/20260304/auto/storage/goog4_request' },
        { 'x-goog-algorithm': 'GOOG4-RSA-SHA256' },
      ],
      expiration: '2026-03-04T05:16:07Z',
    })
    expect(p.policy).toEqual(policy)
    // Non-ASCII is escaped in the JSON, so the base64 decodes to ASCII.
    expect(atob(p.fields['policy']!)).toContain('"uploads/\\u00e9/"')
    expect(p.expiresAt.toISOString()).toBe('2026-03-04T05:16:07.000Z')
    const spki = createPublicKey(PEM).export({ type: 'spki', format: 'der' })
    const pub = await crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', pub, Buffer.from(p.fields['x-goog-signature']!, 'hex'), new TextEncoder().encode(p.fields['policy']!))).toBe(true)
  })

  test('HMAC keys sign the base64 policy with the GOOG4 key chain', async () => {
    const p = await presignGcsPost({ bucket: 'my-bucket', key: 'k', virtualHostedStyle: true }, { credentials: HMAC, signingDate: AT })
    expect(p.url).toBe('https://my-bucket.storage.googleapis.com/')
    expect(p.fields['x-goog-algorithm']).toBe('GOOG4-HMAC-SHA256')
    expect(p.fields['x-goog-credential']).toBe(`${HMAC.accessId}/20260304/auto/storage/goog4_request`)
    let key = createHmac('sha256', 'GOOG4' + HMAC.secret).update('20260304').digest()
    for (const part of ['auto', 'storage', 'goog4_request']) key = createHmac('sha256', key).update(part).digest()
    expect(p.fields['x-goog-signature']).toBe(createHmac('sha256', key).update(p.fields['policy']!).digest('hex'))
  })

  test('URLs: bucket-bound hostname, custom endpoint, universe domain', async () => {
    const url = async (location: Omit<GcsLocation, 'key'>) => (await presignGcsPost({ ...location, key: 'k' }, { credentials: HMAC })).url
    expect(await url({ bucket: 'b-1', bucketBoundHostname: 'http://cdn.example.com' })).toBe('http://cdn.example.com/')
    expect(await url({ bucket: 'b-1', endpoint: 'http://localhost:4443' })).toBe('http://localhost:4443/b-1/')
    expect(await url({ bucket: 'b-1', universeDomain: 'example.goog' })).toBe('https://storage.example.goog/b-1/')
  })
})

describe('the shared core keeps its AWS defaults', () => {
  test('header names with "/" are still refused for SigV4; accepted only by the Cloud Storage signer', async () => {
    expect(() => canonicalHeaders({ 'a/b': '1' })).toThrow(/HTTP tokens as header names/)
    await expect(presign({ url: 'https://examplebucket.s3.amazonaws.com/k', headers: { 'a/b': '1' } }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3' })).rejects.toThrow(
      /must have HTTP tokens as header names/,
    )
  })

  test('credentialScope and stringToSign default to aws4_request and AWS4-HMAC-SHA256', () => {
    expect(credentialScope('20130524', 'us-east-1', 's3')).toBe('20130524/us-east-1/s3/aws4_request')
    expect(stringToSign('20130524T000000Z', 's', 'h')).toBe('AWS4-HMAC-SHA256\n20130524T000000Z\ns\nh')
  })
})
