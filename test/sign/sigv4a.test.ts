/** SigV4a (AWS4-ECDSA-P256-SHA256): AWS's crt/v4a suite, the AWS CRT as an independent oracle, DER encoding, errors. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { PresignError, presignS3MultiRegion, presignV4aDetailed, verifyPresigned } from '../../src/index.js'
import { derToP1363, importV4aPublicKey, p1363ToDer, v4aKeys } from '../../src/sign/sigv4a.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'
import { crtCase, listDirs, read, requireSuite, suiteRoot } from '../helpers/suite.js'

const present = requireSuite()
const dir = join(suiteRoot, 'crt', 'v4a')
const cases = present ? listDirs(dir).filter((c) => existsSync(join(dir, c, 'query-canonical-request.txt'))) : []
const hexToBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))
const withoutSignature = (url: string) => url.replace(/&X-Amz-Signature=[0-9a-f]+$/, '')

let ran = 0
describe.skipIf(!present)('crt/v4a query cases', () => {
  test('the suite has query cases', () => expect(cases.length).toBeGreaterThan(30))
  test.each(cases)('%s', async (name) => {
    const d = join(dir, name)
    const { ctx, request, options, expected } = crtCase(d)
    const { region, ...rest } = options
    const r = await presignV4aDetailed(request, { ...rest, regionSet: [region] })
    // Byte-identical canonical request and string to sign.
    expect(r.canonicalRequest).toBe(expected.canonicalRequest)
    expect(r.stringToSign).toBe(expected.stringToSign)
    // The same URL but for the (randomized) signature.
    expect(withoutSignature(r.url)).toBe(withoutSignature(expected.url))
    // The derived public key is the suite's.
    const pub = JSON.parse(read(join(d, 'public-key.json'))) as { X: string; Y: string }
    const keys = await v4aKeys(ctx.credentials.access_key_id, ctx.credentials.secret_access_key)
    expect([keys.x, keys.y]).toEqual([pub.X.toLowerCase(), pub.Y.toLowerCase()])
    // Our signature verifies under the suite's public key.
    const suiteKey = await importV4aPublicKey(pub.X, pub.Y)
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, suiteKey, derToP1363(r.signature)!, new TextEncoder().encode(r.stringToSign))).toBe(true)
    // The suite's own signature verifies with our verifyPresigned.
    const verified = await verifyPresigned(
      { ...request, url: `${withoutSignature(r.url)}&X-Amz-Signature=${expected.signature}` },
      {
        credentials: () => ({ accessKeyId: ctx.credentials.access_key_id, secretAccessKey: ctx.credentials.secret_access_key, sessionToken: ctx.credentials.token }),
        service: ctx.service,
        region: ctx.region,
        now: Date.parse(ctx.timestamp),
        normalizePath: ctx.normalize,
        doubleEncodePath: false,
        signSessionToken: !ctx.omit_session_token,
      },
    )
    expect(verified, JSON.stringify(verified)).toMatchObject({ ok: true, region: ctx.region })
    ran++
  })
  test('summary', () => {
    console.log(`crt/v4a query suite: ${ran} of ${cases.length} cases passed`)
    expect(ran).toBe(cases.length)
  })
})

describe('the AWS CRT (aws-crt, native) as an independent oracle', async () => {
  const crt = await import('aws-crt').then((m) => m.default ?? m).catch(() => undefined)
  if (!crt && process.env['CI']) throw new Error('aws-crt is a dev dependency; CI must have it')
  const provider = crt?.auth.AwsCredentialsProvider.newStatic(DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS.secretAccessKey)
  const config = (date: Date, region: string) => ({
    algorithm: crt!.auth.AwsSigningAlgorithm.SigV4Asymmetric,
    signature_type: crt!.auth.AwsSignatureType.HttpRequestViaQueryParams,
    provider: provider!,
    region,
    service: 's3',
    date,
    expiration_in_seconds: 900,
    signed_body_value: 'UNSIGNED-PAYLOAD',
    use_double_uri_encode: false,
    should_normalize_uri_path: false,
  })
  const paths = ['/photos/a%20b.jpg', '/k', '/dir/%C3%A9%F0%9F%98%80.txt?versionId=3&x=%2B']
  test.skipIf(!crt).each(paths)('URLs the CRT makes verify with ours: %s', async (path) => {
    const date = new Date('2024-02-29T12:34:56Z')
    const req = new crt!.http.HttpRequest('GET', path, new crt!.http.HttpHeaders([['host', 'mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com']]))
    const signed = await crt!.auth.aws_sign_request(req, config(date, 'us-east-1,eu-west-1'))
    const url = `https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com${signed.path}`
    expect(url).toContain('X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256')
    const r = await verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, region: 'eu-west-1', now: date })
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, region: 'us-east-1,eu-west-1' })
    // Region set "*": the CRT encodes it as %2A, as we do.
    const star = await crt!.auth.aws_sign_request(new crt!.http.HttpRequest('GET', path, new crt!.http.HttpHeaders([['host', 'a.mrap.accesspoint.s3-global.amazonaws.com']])), config(date, '*'))
    expect(star.path).toContain('X-Amz-Region-Set=%2A&')
    const ours = await presignV4aDetailed({ url: `https://a.mrap.accesspoint.s3-global.amazonaws.com${path}` }, { credentials: DOC_CREDENTIALS, regionSet: '*', service: 's3', expiresIn: 900, signingDate: date })
    expect(ours.url.replace(/&X-Amz-Signature=.*$/, '')).toBe(`https://a.mrap.accesspoint.s3-global.amazonaws.com${star.path}`.replace(/&X-Amz-Signature=.*$/, ''))
    expect((await verifyPresigned({ method: 'GET', url: `https://a.mrap.accesspoint.s3-global.amazonaws.com${star.path}` }, { credentials: () => DOC_CREDENTIALS, region: 'ap-south-1', now: date })).ok).toBe(true)
    const tampered = await verifyPresigned({ method: 'PUT', url }, { credentials: () => DOC_CREDENTIALS, now: date })
    expect(tampered.ok).toBe(false)
  })
  test.skipIf(!crt).each(paths)('ours verify with the CRT: %s', async (path) => {
    const date = new Date('2024-02-29T12:34:56Z')
    const host = 'mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com'
    const ours = await presignV4aDetailed({ url: `https://${host}${path}` }, { credentials: DOC_CREDENTIALS, regionSet: ['us-east-1', 'eu-west-1'], service: 's3', expiresIn: 900, signingDate: date })
    const keys = await v4aKeys(DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS.secretAccessKey)
    const unsigned = new crt!.http.HttpRequest('GET', path, new crt!.http.HttpHeaders([['host', host]]))
    const ok = crt!.auth.aws_verify_sigv4a_signing(unsigned, config(date, 'us-east-1,eu-west-1'), ours.canonicalRequest, ours.signature, keys.x, keys.y)
    expect(ok).toBe(true)
    // The CRT throws (rather than returning false) for a signature that does not verify: it can fail.
    expect(() => crt!.auth.aws_verify_sigv4a_signing(unsigned, config(date, 'us-east-1,eu-west-1'), ours.canonicalRequest, p1363ToDer(new Uint8Array(64).fill(7)), keys.x, keys.y)).toThrow(/SIGNATURE_VALIDATION_FAILURE/)
  })
})

describe('DER signatures', () => {
  test('minimal integers, 0x00 before a set high bit, round trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        const der = p1363ToDer(raw)
        expect(Array.from(derToP1363(der)!)).toEqual(Array.from(raw))
        const b = hexToBytes(der)
        expect(b[0]).toBe(0x30)
        expect(b[1]).toBe(b.length - 2)
        let pos = 2
        for (let k = 0; k < 2; k++) {
          expect(b[pos]).toBe(0x02)
          const len = b[pos + 1]!
          const v = b.subarray(pos + 2, pos + 2 + len)
          expect(v[0]! & 0x80).toBe(0) // positive
          if (len > 1) expect(v[0] !== 0 || (v[1]! & 0x80) !== 0).toBe(true) // minimal
          pos += 2 + len
        }
      }),
    )
    expect(p1363ToDer(new Uint8Array(64))).toBe('3006020100020100')
    expect(p1363ToDer(new Uint8Array(64).fill(0xff)).slice(0, 10)).toBe('3046022100')
  })
  test('malformed DER is rejected', () => {
    for (const bad of ['', 'zz', '3006020100020100ff', '300602010002', '3045022100' + 'ff'.repeat(33) + '020101']) expect(derToP1363(bad)).toBeUndefined()
  })
})

describe('presignV4a inputs', () => {
  const base = { credentials: DOC_CREDENTIALS, service: 's3', signingDate: '2024-01-01T00:00:00Z' }
  test.each([
    ['empty list', []],
    ['not a list', 'us-east-1'],
    ['bad name', ['us east 1']],
    ['upper case', ['US-EAST-1']],
    ['comma inside', ['us-east-1,eu-west-1']],
  ])('region set: %s is a typed error', async (_n, regionSet) => {
    await expect(presignV4aDetailed({ url: 'https://h/k' }, { ...base, regionSet: regionSet as never })).rejects.toMatchObject({ code: 'InvalidRegion', field: 'options.regionSet' })
  })
  test("'*', wildcards and lists are encoded in X-Amz-Region-Set", async () => {
    expect((await presignV4aDetailed({ url: 'https://h/k' }, { ...base, regionSet: '*' })).url).toContain('&X-Amz-Region-Set=%2A&')
    const r = await presignV4aDetailed({ url: 'https://h/k' }, { ...base, regionSet: ['us-*', 'eu-west-1'] })
    expect(r.url).toContain('&X-Amz-Region-Set=us-%2A%2Ceu-west-1&X-Amz-Signature=')
    expect(r.credentialScope).toBe('20240101/s3/aws4_request')
    const v = await verifyPresigned({ method: 'GET', url: r.url }, { credentials: () => DOC_CREDENTIALS, now: Date.parse('2024-01-01T00:00:00Z'), region: 'us-west-2' })
    expect(v.ok).toBe(true)
    const outside = await verifyPresigned({ method: 'GET', url: r.url }, { credentials: () => DOC_CREDENTIALS, now: Date.parse('2024-01-01T00:00:00Z'), region: 'ap-south-1' })
    expect(outside).toMatchObject({ ok: false, code: 'ScopeMismatch' })
  })
  test('presignS3MultiRegion builds the global access point URL', async () => {
    const url = await presignS3MultiRegion({ alias: 'mfzwi23gnjvgw.mrap', key: 'photos/a b.jpg' }, { ...base })
    expect(url).toMatch(/^https:\/\/mfzwi23gnjvgw\.mrap\.accesspoint\.s3-global\.amazonaws\.com\/photos\/a%20b\.jpg\?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fs3%2Faws4_request&/)
    expect((await verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, now: Date.parse('2024-01-01T00:00:00Z') })).ok).toBe(true)
    await expect(presignS3MultiRegion({ alias: 'Bad Alias', key: 'k' }, base)).rejects.toBeInstanceOf(PresignError)
    await expect(presignS3MultiRegion({ alias: 'a.mrap', key: '../k' }, base)).rejects.toMatchObject({ code: 'InvalidKey' })
  })
})

// Found in review: derToP1363 stripped any number of leading zero bytes and took an INTEGER with its high bit set, so
// one signature verified under several X-Amz-Signature spellings (malleability); the AWS CRT accepts strict DER only.
describe('SigV4a signatures are strict DER, as the AWS CRT verifies them', async () => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
  const derInt = (h: string) => '02' + (h.length / 2).toString(16).padStart(2, '0') + h
  const derSeq = (b: string) => '30' + (b.length / 2).toString(16).padStart(2, '0') + b
  const minimal = (b: Uint8Array) => (b[0]! >= 0x80 ? '00' : '') + hex(b)
  const r32 = new Uint8Array(32).fill(0x11)
  const s32 = new Uint8Array(32).fill(0x22)
  const signingDate = new Date('2024-02-29T12:34:56Z')
  const host = 'mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com'
  /** A SigV4a URL whose signature's r has its high bit set, and the two re-encodings of that signature. */
  async function respelled() {
    for (let k = 0; k < 200; k++) {
      const r = await presignV4aDetailed({ url: `https://${host}/k${k}` }, { credentials: DOC_CREDENTIALS, regionSet: ['us-east-1'], service: 's3', expiresIn: 900, signingDate })
      const raw = derToP1363(r.signature)!
      if (raw[0]! < 0x80) continue
      const s = minimal(raw.subarray(32))
      return { r, k, padded: derSeq(derInt('0000' + hex(raw.subarray(0, 32))) + derInt(s)), negative: derSeq(derInt(hex(raw.subarray(0, 32))) + derInt(s)) }
    }
    throw new Error('no signature with a high r in 200 tries')
  }

  test('derToP1363 takes the minimal form only: no redundant 0x00, no negative INTEGER, no long-form length', () => {
    expect(derToP1363(derSeq(derInt(hex(r32)) + derInt(hex(s32))))).toBeDefined()
    expect(derToP1363(derSeq(derInt('00' + hex(r32)) + derInt(hex(s32))))).toBeUndefined()
    expect(derToP1363(derSeq(derInt(hex(new Uint8Array(32).fill(0x99))) + derInt(hex(s32))))).toBeUndefined()
    expect(derToP1363(derSeq(derInt('0099' + hex(r32).slice(4)) + derInt(hex(s32))))).toBeDefined() // one 0x00 before a high byte
    const long = derInt('00'.repeat(32) + hex(r32)) + derInt('00'.repeat(29) + hex(s32))
    expect(long.length / 2).toBe(0x81)
    expect(derToP1363('3081' + long)).toBeUndefined()
    expect(derToP1363('308144' + derInt(hex(r32)) + derInt(hex(s32)))).toBeUndefined()
  })

  test('verifyPresigned refuses a signature re-spelled with redundant zeros or a negative r; the original verifies', async () => {
    const { r, padded, negative } = await respelled()
    const check = (sig: string) => verifyPresigned({ method: 'GET', url: r.url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${sig}`) }, { credentials: () => DOC_CREDENTIALS, now: signingDate })
    expect((await check(r.signature)).ok).toBe(true)
    for (const sig of [padded, negative]) expect(await check(sig)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })

  const crt = await import('aws-crt').then((m) => m.default ?? m).catch(() => undefined)
  if (!crt && process.env['CI']) throw new Error('aws-crt is a dev dependency; CI must have it')
  test.skipIf(!crt)('the oracle: the AWS CRT accepts the original and refuses both re-spellings', async () => {
    const { r, k, padded, negative } = await respelled()
    const keys = await v4aKeys(DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS.secretAccessKey)
    const config = {
      algorithm: crt!.auth.AwsSigningAlgorithm.SigV4Asymmetric,
      signature_type: crt!.auth.AwsSignatureType.HttpRequestViaQueryParams,
      provider: crt!.auth.AwsCredentialsProvider.newStatic(DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS.secretAccessKey),
      region: 'us-east-1',
      service: 's3',
      date: signingDate,
      expiration_in_seconds: 900,
      signed_body_value: 'UNSIGNED-PAYLOAD',
      use_double_uri_encode: false,
      should_normalize_uri_path: false,
    }
    const unsigned = new crt!.http.HttpRequest('GET', `/k${k}`, new crt!.http.HttpHeaders([['host', host]]))
    const verify = (sig: string): boolean => {
      try {
        return crt!.auth.aws_verify_sigv4a_signing(unsigned, config as never, r.canonicalRequest, sig, keys.x, keys.y)
      } catch {
        return false
      }
    }
    expect([verify(r.signature), verify(padded), verify(negative)]).toEqual([true, false, false])
  })
})
