/**
 * verifyPresignedSync against verifyPresigned, result for result (deep equality, messages included): every
 * single-character change of a signed URL, the rejections of verify-presigned.test.ts, bodies and other services;
 * and what only the synchronous verifier does: SigV4a is UnsupportedAlgorithm before any lookup. The hostile-input
 * suite (verify-hostile.test.ts) runs both verifiers too.
 */
import { describe, expect, test } from 'vitest'
import { type Credentials, presignDetailed, presignV4a, verifyPresigned, type VerifyOptions, type VerifyRequest } from '../../src/index.js'
import { useHashEngine } from '../../src/core/hash-engine.js'
import { verifyPresignedSync } from '../../src/verify/verify-presigned-sync.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const T0 = Date.parse('2013-05-24T00:00:00Z')
const keys = new Map<string, Credentials>([[DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS]])
const base = { credentials: (id: string) => keys.get(id), now: T0 }

/** Both verifiers, on both hash engines for the synchronous one: the same result. */
async function expectSame(request: VerifyRequest, options: VerifyOptions & { credentials: (id: string) => Credentials | undefined }, label: string) {
  const expected = await verifyPresigned(request, options)
  for (const engine of ['native', 'js'] as const) {
    useHashEngine(engine)
    expect(verifyPresignedSync(request, options), `${label} (${engine})`).toEqual(expected)
  }
  useHashEngine('auto')
  return expected
}

describe('verifyPresignedSync gives verifyPresigned`s results', () => {
  test('every single-character change of a signed S3 PUT URL with headers and a session token, and of its method and headers', async () => {
    const headers = { 'content-type': 'text/plain', 'x-amz-meta-note': 'hello' }
    const credentials = { ...DOC_CREDENTIALS, sessionToken: 'TOKEN123' }
    const s = await presignDetailed(
      { method: 'PUT', url: 'https://examplebucket.s3.us-east-1.amazonaws.com/a%20b/c.txt?versionId=1', headers },
      { credentials, region: 'us-east-1', service: 's3', expiresIn: 300, signingDate: T0 },
    )
    const options = { credentials: () => credentials, now: T0 }
    const codes = new Set<string>()
    expect((await expectSame({ method: 'PUT', url: s.url, headers }, options, 'as signed')).ok).toBe(true)
    for (let pos = 0; pos < s.url.length; pos++) {
      for (const ch of ['x', '%', '&']) {
        if (s.url[pos] === ch) continue
        const r = await expectSame({ method: 'PUT', url: s.url.slice(0, pos) + ch + s.url.slice(pos + 1), headers }, options, `position ${pos}, ${ch}`)
        codes.add(r.ok ? 'ok' : r.code)
      }
    }
    for (const method of ['GET', 'put', 'PUT ', '']) await expectSame({ method, url: s.url, headers }, options, method)
    await expectSame({ method: 'PUT', url: s.url, headers: { ...headers, 'x-amz-meta-note': 'hellp' } }, options, 'a header value')
    await expectSame({ method: 'PUT', url: s.url, headers: { 'content-type': 'text/plain' } }, options, 'a missing header')
    await expectSame({ method: 'PUT', url: s.url, headers: { ...headers, 'x-amz-acl': 'public-read' } }, options, 'an unsigned x-amz-* header')
    await expectSame({ method: 'PUT', url: s.url, headers }, { ...options, now: T0 + 301_000 }, 'expired')
    await expectSame({ method: 'PUT', url: s.url, headers }, { ...options, credentials: () => ({ ...credentials, sessionToken: 'other' }) }, 'another token')
    await expectSame({ method: 'PUT', url: s.url, headers }, { ...options, credentials: () => ({ ...credentials, secretAccessKey: 'x' }) }, 'another secret')
    // Not vacuous: the changes reach every step of the verification.
    for (const code of ['MalformedQuery', 'UnsupportedAlgorithm', 'UnknownAccessKey', 'ScopeMismatch', 'SignatureDoesNotMatch', 'MissingSignedHeader']) {
      expect(codes, code).toContain(code)
    }
  })

  test('other services: a hashed body, a normalized and double-encoded path, an origin-form URL', async () => {
    const url = 'https://abc.execute-api.us-east-1.amazonaws.com/prod/a%20b/./c'
    const s = await presignDetailed({ method: 'POST', url, body: '{"a":"é"}' }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 'execute-api', signingDate: T0 })
    const options = { ...base, service: 'execute-api' }
    for (const body of ['{"a":"é"}', new TextEncoder().encode('{"a":"é"}'), '{"a":2}', '', undefined]) {
      await expectSame({ method: 'POST', url: s.url, body }, options, `body ${String(body)}`)
    }
    const path = s.url.slice('https://abc.execute-api.us-east-1.amazonaws.com'.length)
    expect((await expectSame({ method: 'POST', url: path, headers: { host: 'abc.execute-api.us-east-1.amazonaws.com' }, body: '{"a":"é"}' }, options, 'origin-form')).ok).toBe(true)
    await expectSame({ method: 'POST', url: s.url, body: '{"a":"é"}' }, { ...options, payloadHash: 'UNSIGNED-PAYLOAD' }, 'payloadHash option')
  })
})

describe('what only the synchronous verifier does', () => {
  test('a SigV4a URL is UnsupportedAlgorithm before any lookup, in a fresh result object each time', async () => {
    const url = await presignV4a({ url: 'https://b.s3.amazonaws.com/k' }, { credentials: DOC_CREDENTIALS, service: 's3', regionSet: ['*'], signingDate: T0 })
    let lookups = 0
    const credentials = () => {
      lookups++
      return DOC_CREDENTIALS
    }
    const options = { credentials, now: T0 }
    expect((await verifyPresigned({ method: 'GET', url }, options)).ok).toBe(true)
    lookups = 0
    const first = verifyPresignedSync({ method: 'GET', url }, options)
    expect(first).toMatchObject({ ok: false, code: 'UnsupportedAlgorithm', s3Code: 'AuthorizationQueryParametersError' })
    expect(lookups).toBe(0)
    ;(first as { message: string }).message = 'changed by the caller'
    expect(verifyPresignedSync({ method: 'GET', url }, options)).not.toBe(first)
    expect(verifyPresignedSync({ method: 'GET', url }, options)).toMatchObject({ message: expect.stringContaining('use verifyPresigned') })
    // Checks before the algorithm's still answer first, as in verifyPresigned.
    expect(verifyPresignedSync({ method: 'GET', url, headers: { cookie: 'a'.repeat(9000) } }, options)).toMatchObject({ code: 'HeadersTooLarge' })
    expect(verifyPresignedSync({ method: 'GET', url: url + '&X-Amz-Date=1' }, options)).toMatchObject({ code: 'MalformedQuery' })
  })
})
