/** verifyPresigned: cross-verification with independent signers, every rejection, time boundaries, tampering. */
import { createHash, createHmac } from 'node:crypto'
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import { AwsV4Signer } from 'aws4fetch'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type Credentials, type VerifyOptions, type VerifyResult, deriveSigningKey, presignDetailed, presignS3, presignV4a, stringToSign, verifyPresigned } from '../../src/index.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'
import { asSentOnTheWire, listDirs, parseRawRequest, projectRoot, read, requireSuite, suiteRoot } from '../helpers/suite.js'

const keys = new Map<string, Credentials>([[DOC_CREDENTIALS.accessKeyId, DOC_CREDENTIALS]])
const lookup = (id: string) => keys.get(id)
const T0 = Date.parse('2013-05-24T00:00:00Z')
const base: VerifyOptions = { credentials: lookup, now: T0 }
/** `base` with a lookup that returns these credentials with a session token (temporary credentials). */
const withToken = (sessionToken: string): VerifyOptions => ({ ...base, credentials: (id) => (id === DOC_CREDENTIALS.accessKeyId ? { ...DOC_CREDENTIALS, sessionToken } : undefined) })

function expectFailure(r: VerifyResult, code: string): void {
  expect(r.ok, JSON.stringify(r)).toBe(false)
  if (!r.ok) expect(r.code).toBe(code)
  expect(JSON.stringify(r)).not.toContain(DOC_SECRET)
}

async function sign(overrides: { method?: string; url?: string; headers?: Record<string, string>; expiresIn?: number; sessionToken?: string; service?: string; region?: string } = {}) {
  return presignDetailed(
    { method: overrides.method ?? 'GET', url: overrides.url ?? 'https://examplebucket.s3.us-east-1.amazonaws.com/a%20b/c.txt?versionId=1', headers: overrides.headers },
    {
      credentials: { ...DOC_CREDENTIALS, sessionToken: overrides.sessionToken },
      region: overrides.region ?? 'us-east-1',
      service: overrides.service ?? 's3',
      expiresIn: overrides.expiresIn ?? 300,
      signingDate: T0,
    },
  )
}

describe('verifyPresigned accepts what presign makes', () => {
  test('S3 GET with headers and a session token; result fields', async () => {
    const headers = { 'content-type': 'image/jpeg', 'x-amz-meta-a': 'b' }
    const s = await sign({ method: 'PUT', headers, sessionToken: 'tok' })
    const r = await verifyPresigned({ method: 'PUT', url: s.url, headers: { ...headers, host: 'examplebucket.s3.us-east-1.amazonaws.com' } }, { ...withToken('tok'), region: 'us-east-1' })
    expect(r).toEqual({
      ok: true,
      accessKeyId: DOC_CREDENTIALS.accessKeyId,
      signedAt: new Date(T0),
      expiresAt: new Date(T0 + 300_000),
      signedHeaders: ['content-type', 'host', 'x-amz-meta-a'],
      region: 'us-east-1',
      service: 's3',
      sessionToken: 'tok',
    })
  })
  test('origin-form URL with the host from the Host header (Node req.url)', async () => {
    const s = await sign({ url: 'http://127.0.0.1:9000/bucket/k%2Bey' })
    const path = s.url.slice('http://127.0.0.1:9000'.length)
    expect((await verifyPresigned({ method: 'GET', url: path, headers: { host: '127.0.0.1:9000' } }, base)).ok).toBe(true)
    expectFailure(await verifyPresigned({ method: 'GET', url: path, headers: { host: '127.0.0.1:9001' } }, base), 'SignatureDoesNotMatch')
    expectFailure(await verifyPresigned({ method: 'GET', url: path }, base), 'MalformedQuery')
  })
  test('unsigned headers with any bytes do not matter (a browser cookie, a UTF-8 user agent)', async () => {
    const s = await sign({ method: 'PUT', headers: { 'content-type': 'text/plain' } })
    const headers = { 'content-type': 'text/plain', cookie: 'a=caf\u00e9\n', 'user-agent': 'Bücher/1.0', 'x-empty': '', 'x-list': ['1', '2'] }
    expect((await verifyPresigned({ method: 'PUT', url: s.url, headers }, base)).ok).toBe(true)
  })
  test('a Headers object', async () => {
    const s = await sign({ method: 'PUT', headers: { 'content-type': 'text/plain' } })
    const headers = new Headers({ 'Content-Type': 'text/plain', Host: 'examplebucket.s3.us-east-1.amazonaws.com' })
    expect((await verifyPresigned({ method: 'PUT', url: s.url, headers }, base)).ok).toBe(true)
  })
  test('other services: normalized, double-encoded path and body hash', async () => {
    const url = 'https://abc.execute-api.us-east-1.amazonaws.com/prod/a%20b/./c'
    const s = await presignDetailed({ method: 'POST', url, body: '{"a":1}' }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 'execute-api', signingDate: T0 })
    const opts = { ...base, service: 'execute-api' }
    expect((await verifyPresigned({ method: 'POST', url: s.url, body: '{"a":1}' }, opts)).ok).toBe(true)
    expectFailure(await verifyPresigned({ method: 'POST', url: s.url, body: '{"a":2}' }, opts), 'SignatureDoesNotMatch')
  })
  test('session token appended after signing (IoT)', async () => {
    const s = await presignDetailed({ url: 'https://data.iot.us-east-1.amazonaws.com/mqtt' }, { credentials: { ...DOC_CREDENTIALS, sessionToken: 'T' }, region: 'us-east-1', service: 'iotdevicegateway', signingDate: T0, signSessionToken: false })
    const opts = { ...withToken('T'), service: 'iotdevicegateway' }
    expect((await verifyPresigned({ method: 'GET', url: s.url }, { ...opts, signSessionToken: false })).ok).toBe(true)
    expectFailure(await verifyPresigned({ method: 'GET', url: s.url }, opts), 'SignatureDoesNotMatch')
    // The token is not signed: only the credentials' own token is accepted.
    expectFailure(await verifyPresigned({ method: 'GET', url: s.url }, { ...base, service: 'iotdevicegateway', signSessionToken: false }), 'InvalidToken')
  })
})

describe('cross-verification: URLs made by independent signers verify ok', () => {
  test('botocore vectors (both files)', async () => {
    let n = 0
    for (const file of ['botocore-presign.json', 'botocore-s3-client.json']) {
      const data = JSON.parse(readFileSync(join(projectRoot, 'vectors', file), 'utf8')) as {
        cases: Array<{ name: string; request?: { method: string; headers: Record<string, string> }; options: { credentials: Credentials; region?: string; service?: string; signingDate: string; method?: string; headers?: Record<string, string> }; location?: { region: string }; expected: { url: string } }>
      }
      for (const c of data.cases) {
        const method = c.request?.method ?? c.options.method ?? 'GET'
        const headers = c.request?.headers ?? c.options.headers ?? {}
        const r = await verifyPresigned(
          { method, url: c.expected.url, headers },
          { credentials: () => c.options.credentials, service: c.options.service ?? 's3', now: Date.parse(c.options.signingDate) },
        )
        expect(r.ok, `${file} ${c.name}: ${JSON.stringify(r)}`).toBe(true)
        n++
      }
    }
    expect(n).toBeGreaterThan(800)
  })

  test.skipIf(!requireSuite())('AWS crt/v4 expected signed URLs', async () => {
    const dir = join(suiteRoot, 'crt', 'v4')
    let n = 0
    for (const name of listDirs(dir)) {
      if (!existsSync(join(dir, name, 'query-signed-request.txt'))) continue
      const ctx = JSON.parse(read(join(dir, name, 'context.json')))
      const signed = parseRawRequest(read(join(dir, name, 'query-signed-request.txt')))
      const body = ctx.sign_body ? parseRawRequest(read(join(dir, name, 'request.txt'))).body : undefined
      const r = await verifyPresigned(
        { method: signed.method, url: asSentOnTheWire(signed.target), headers: signed.headers, body },
        {
          credentials: () => ({ accessKeyId: ctx.credentials.access_key_id, secretAccessKey: ctx.credentials.secret_access_key, sessionToken: ctx.credentials.token }),
          service: ctx.service,
          now: Date.parse(ctx.timestamp),
          normalizePath: ctx.normalize,
          doubleEncodePath: false,
          signSessionToken: !ctx.omit_session_token,
        },
      )
      expect(r.ok, `${name}: ${JSON.stringify(r)}`).toBe(true)
      n++
    }
    expect(n).toBe(38)
  })

  test('aws4fetch and @smithy/signature-v4 presigned URLs', async () => {
    const url = 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/a%20b.jpg'
    const a = await new AwsV4Signer({ url: `${url}?X-Amz-Expires=600`, ...DOC_CREDENTIALS, service: 's3', region: 'us-east-1', signQuery: true, datetime: '20130524T000000Z' }).sign()
    expect((await verifyPresigned({ method: 'GET', url: a.url.toString() }, base)).ok).toBe(true)
    const smithy = new SignatureV4({ credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false })
    const host = 'examplebucket.s3.us-east-1.amazonaws.com'
    const r = await smithy.presign(
      { method: 'PUT', protocol: 'https:', hostname: host, path: '/photos/a%20b.jpg', query: {}, headers: { host, 'content-type': 'image/png', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { expiresIn: 600, signingDate: new Date(T0), unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) },
    )
    const q = Object.entries(r.query as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
    expect((await verifyPresigned({ method: 'PUT', url: `https://${host}/photos/a%20b.jpg?${q}`, headers: { 'content-type': 'image/png' } }, base)).ok).toBe(true)
  })
})

describe('rejections', () => {
  const url = async () => (await sign()).url
  const edit = (u: string, name: string, value: string | null) => {
    const [head, query] = u.split('?') as [string, string]
    const parts = query.split('&').filter((p) => !p.startsWith(name + '='))
    if (value !== null) parts.push(`${name}=${value}`)
    return `${head}?${parts.join('&')}`
  }
  test.each([
    ['X-Amz-Algorithm', null, 'MalformedQuery'],
    ['X-Amz-Credential', null, 'MalformedQuery'],
    ['X-Amz-Date', null, 'MalformedQuery'],
    ['X-Amz-Expires', null, 'MalformedQuery'],
    ['X-Amz-SignedHeaders', null, 'MalformedQuery'],
    ['X-Amz-Signature', null, 'MalformedQuery'],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA1', 'UnsupportedAlgorithm'],
    ['X-Amz-Expires', '0', 'ExpiresOutOfRange'],
    ['X-Amz-Expires', '604801', 'ExpiresOutOfRange'],
    ['X-Amz-Expires', '1.5', 'MalformedQuery'],
    ['X-Amz-Expires', '-1', 'MalformedQuery'],
    ['X-Amz-Expires', 'abc', 'MalformedQuery'],
    ['X-Amz-Date', '20130524', 'MalformedQuery'],
    ['X-Amz-Date', '20130231T000000Z', 'MalformedQuery'],
    ['X-Amz-Date', '20130524T250000Z', 'MalformedQuery'],
    ['X-Amz-Date', '20130525T000000Z', 'ScopeMismatch'],
    ['X-Amz-Credential', 'AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3', 'MalformedQuery'],
    ['X-Amz-Credential', 'AKIAIOSFODNN7EXAMPLE%2F20130523%2Fus-east-1%2Fs3%2Faws4_request', 'ScopeMismatch'],
    ['X-Amz-Credential', 'AKIAUNKNOWN%2F20130524%2Fus-east-1%2Fs3%2Faws4_request', 'UnknownAccessKey'],
    ['X-Amz-SignedHeaders', 'content-type', 'MissingSignedHeader'],
    ['X-Amz-SignedHeaders', 'host%3Bx-amz-meta-a', 'MissingSignedHeader'],
    ['X-Amz-Signature', 'f'.repeat(64), 'SignatureDoesNotMatch'],
    ['X-Amz-Credential', '%E0%A4%A', 'MalformedQuery'],
  ] as const)('%s=%s -> %s', async (name, value, code) => {
    expectFailure(await verifyPresigned({ method: 'GET', url: edit(await url(), name, value) }, base), code)
  })
  test('duplicated X-Amz-* parameter', async () => {
    const u = await url()
    expectFailure(await verifyPresigned({ method: 'GET', url: u + '&X-Amz-Date=20130524T000000Z' }, base), 'MalformedQuery')
  })
  test('region and service not accepted', async () => {
    const u = await url()
    expectFailure(await verifyPresigned({ method: 'GET', url: u }, { ...base, region: ['eu-west-1', 'eu-west-2'] }), 'ScopeMismatch')
    expect((await verifyPresigned({ method: 'GET', url: u }, { ...base, region: ['eu-west-1', 'us-east-1'] })).ok).toBe(true)
    expectFailure(await verifyPresigned({ method: 'GET', url: u }, { ...base, service: 'sts' }), 'ScopeMismatch')
  })
  test('wrong method, altered path, query, host', async () => {
    const u = await url()
    expectFailure(await verifyPresigned({ method: 'PUT', url: u }, base), 'SignatureDoesNotMatch')
    expectFailure(await verifyPresigned({ method: 'GET', url: u.replace('/a%20b/', '/a%20c/') }, base), 'SignatureDoesNotMatch')
    expectFailure(await verifyPresigned({ method: 'GET', url: u.replace('versionId=1', 'versionId=2') }, base), 'SignatureDoesNotMatch')
    expectFailure(await verifyPresigned({ method: 'GET', url: u + '&extra=1' }, base), 'SignatureDoesNotMatch')
    expectFailure(await verifyPresigned({ method: 'GET', url: u.replace('examplebucket.', 'otherbucket.') }, base), 'SignatureDoesNotMatch')
  })
  test('a signed header sent with another value, or not sent', async () => {
    const s = await sign({ method: 'PUT', headers: { 'content-type': 'image/jpeg' } })
    expectFailure(await verifyPresigned({ method: 'PUT', url: s.url, headers: { 'content-type': 'image/png' } }, base), 'SignatureDoesNotMatch')
    expectFailure(await verifyPresigned({ method: 'PUT', url: s.url }, base), 'MissingSignedHeader')
  })
  test('wrong secret gives SignatureDoesNotMatch with the canonical request and string to sign', async () => {
    const u = await url()
    const r = await verifyPresigned({ method: 'GET', url: u }, { ...base, credentials: (id) => ({ accessKeyId: id, secretAccessKey: 'not-the-secret' }) })
    expectFailure(r, 'SignatureDoesNotMatch')
    if (!r.ok) {
      expect(r.s3Code).toBe('SignatureDoesNotMatch')
      expect(r.canonicalRequest).toBe((await sign()).canonicalRequest)
      expect(r.stringToSign).toBe((await sign()).stringToSign)
      expect(r.canonicalRequest).not.toContain('not-the-secret')
    }
  })
  test('session token must match the credentials when the lookup returns one', async () => {
    const s = await sign({ sessionToken: 'good' })
    const withToken: VerifyOptions = { ...base, credentials: (id) => ({ accessKeyId: id, secretAccessKey: DOC_SECRET, sessionToken: 'good' }) }
    expect((await verifyPresigned({ method: 'GET', url: s.url }, withToken)).ok).toBe(true)
    const other = await sign({ sessionToken: 'stale' })
    expectFailure(await verifyPresigned({ method: 'GET', url: other.url }, withToken), 'InvalidToken')
  })
  test('bad options throw PresignError', async () => {
    await expect(verifyPresigned({ method: 'GET', url: 'https://h/' }, { credentials: 'x' } as unknown as VerifyOptions)).rejects.toMatchObject({ code: 'InvalidOption' })
    await expect(verifyPresigned({ method: 'GET', url: 'https://h/' }, { ...base, clockSkew: -1 })).rejects.toMatchObject({ field: 'options.clockSkew' })
  })
})

describe('time boundaries (injected now)', () => {
  test('valid up to and including X-Amz-Date + X-Amz-Expires; expired 1 ms later', async () => {
    const u = (await sign({ expiresIn: 60 })).url
    expect((await verifyPresigned({ method: 'GET', url: u }, { ...base, now: T0 + 60_000 })).ok).toBe(true)
    const r = await verifyPresigned({ method: 'GET', url: u }, { ...base, now: T0 + 60_001 })
    expectFailure(r, 'Expired')
    if (!r.ok) {
      expect(r.s3Code).toBe('AccessDenied')
      expect(r.message).toMatch(/^Request has expired/)
    }
  })
  test('valid when dated up to clockSkew in the future; not yet valid beyond', async () => {
    const u = (await sign()).url
    expect((await verifyPresigned({ method: 'GET', url: u }, { ...base, now: T0 - 900_000 })).ok).toBe(true)
    expectFailure(await verifyPresigned({ method: 'GET', url: u }, { ...base, now: T0 - 900_001 }), 'NotYetValid')
    expect((await verifyPresigned({ method: 'GET', url: u }, { ...base, now: new Date(T0 - 10_000), clockSkew: 10 })).ok).toBe(true)
    expectFailure(await verifyPresigned({ method: 'GET', url: u }, { ...base, now: T0 - 10_001, clockSkew: 10 }), 'NotYetValid')
  })
})

/** Which part of a presigned URL a position falls in, and the failure codes a change there may give. */
function expectedCodes(url: string, pos: number): [string, string[]] {
  const hostEnd = url.indexOf('/', 'https://'.length)
  const q = url.indexOf('?')
  if (pos < 'https://'.length) return ['scheme', ['MalformedQuery']]
  if (pos < hostEnd) return ['host', ['SignatureDoesNotMatch']]
  if (pos < q) return ['path', ['SignatureDoesNotMatch', 'MalformedQuery']]
  if (pos === q) return ['separator', ['MalformedQuery']]
  let start = q + 1
  for (const param of url.slice(q + 1).split('&')) {
    const end = start + param.length
    if (pos === end) return ['separator', ['MalformedQuery', 'SignatureDoesNotMatch']]
    if (pos >= start && pos < end) {
      const eq = param.indexOf('=')
      const name = param.slice(0, eq)
      // A changed name or "=" loses the parameter: a required one is then missing, an ordinary one is not signed, and
      // the token is not the credentials' one any more.
      const required = name.startsWith('X-Amz-') && name !== 'X-Amz-Security-Token'
      const lost = required ? 'MalformedQuery' : name === 'X-Amz-Security-Token' ? 'InvalidToken' : 'SignatureDoesNotMatch'
      if (pos - start <= eq) return [name, [lost]]
      const codes: Record<string, string[]> = {
        versionId: ['SignatureDoesNotMatch'],
        'X-Amz-Algorithm': ['UnsupportedAlgorithm'],
        // access key id, day, region, service, aws4_request (and their %2F separators)
        'X-Amz-Credential': ['UnknownAccessKey', 'ScopeMismatch', 'SignatureDoesNotMatch', 'MalformedQuery'],
        'X-Amz-Date': ['MalformedQuery'],
        'X-Amz-Expires': ['MalformedQuery'],
        // (a changed x-amz-meta-note name leaves the sent x-amz-meta-note header unsigned)
        'X-Amz-SignedHeaders': ['MissingSignedHeader', 'UnsignedHeader', 'MalformedQuery', 'SignatureDoesNotMatch'],
        'X-Amz-Security-Token': ['InvalidToken'],
        'X-Amz-Signature': ['SignatureDoesNotMatch'],
      }
      return [name, codes[name]!]
    }
    start = end + 1
  }
  throw new Error(`position ${pos} is outside the URL`)
}

describe('tampering (property): any single-character change is rejected', () => {
  test('every position of the URL, the method and each signed header value', async () => {
    const headers = { 'content-type': 'text/plain', 'x-amz-meta-note': 'hello' }
    const s = await sign({ method: 'PUT', headers, sessionToken: 'TOKEN123' })
    const base = withToken('TOKEN123')
    const ok = await verifyPresigned({ method: 'PUT', url: s.url, headers }, base)
    expect(ok.ok).toBe(true)
    const alphabet = fc.constantFrom(...'aZ09-._~%/?&=+ '.split(''))
    await fc.assert(
      // The scheme is not signed (a server never sees it); everything from the host on is.
      fc.asyncProperty(fc.integer({ min: 'https://'.length, max: s.url.length - 1 }), alphabet, async (pos, ch) => {
        fc.pre(s.url[pos] !== ch)
        // Host names are case-insensitive: a case change there is the same request, not a tamper.
        const hostEnd = s.url.indexOf('/', 'https://'.length)
        fc.pre(!(pos < hostEnd && s.url[pos]!.toLowerCase() === ch.toLowerCase()))
        const url = s.url.slice(0, pos) + ch + s.url.slice(pos + 1)
        const r = await verifyPresigned({ method: 'PUT', url, headers }, base)
        expect(r.ok, `${url}`).toBe(false)
      }),
      { numRuns: 400 },
    )
    // Every position, with the code it must fail with.
    const counted = new Map<string, number>()
    for (let pos = 0; pos < s.url.length; pos++) {
      const ch = s.url[pos] === 'x' ? 'y' : 'x'
      const r = await verifyPresigned({ method: 'PUT', url: s.url.slice(0, pos) + ch + s.url.slice(pos + 1), headers }, base)
      const [part, allowed] = expectedCodes(s.url, pos)
      expect(r.ok, `position ${pos} (${part})`).toBe(false)
      if (!r.ok) expect(allowed, `position ${pos} (${part}) gave ${r.code}`).toContain(r.code)
      counted.set(part, (counted.get(part) ?? 0) + 1)
    }
    expect([...counted.keys()].sort()).toEqual(
      ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Security-Token', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'host', 'path', 'scheme', 'separator', 'versionId'].sort(),
    )
    for (const method of ['GET', 'PUT ', 'POST', 'put']) {
      const r = await verifyPresigned({ method, url: s.url, headers }, base)
      if (method === 'put') expect(r.ok).toBe(true) // methods are case-normalized like S3's HTTP front end
      else expect(r.ok).toBe(false)
    }
    for (const name of Object.keys(headers) as Array<keyof typeof headers>) {
      const v = headers[name]
      for (let pos = 0; pos < v.length; pos++) {
        const changed = { ...headers, [name]: v.slice(0, pos) + (v[pos] === 'q' ? 'r' : 'q') + v.slice(pos + 1) }
        expectFailure(await verifyPresigned({ method: 'PUT', url: s.url, headers: changed }, base), 'SignatureDoesNotMatch')
      }
    }
  })
})

describe('S3 helper URLs verify', () => {
  test('presignS3 with custom endpoint and unicode key', async () => {
    const u = await presignS3({ bucket: 'b', key: 'dir/é 😀+!.txt', region: 'auto', endpoint: 'https://acct.r2.cloudflarestorage.com' }, { credentials: DOC_CREDENTIALS, signingDate: T0 })
    expect((await verifyPresigned({ method: 'GET', url: u }, { ...base, region: 'auto' })).ok).toBe(true)
  })
})

describe('malformed and edge-case URLs', () => {
  // Found by mutation testing: each test fails if the rule it names is dropped or its bound moved by one.
  const s3 = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: T0 }
  test('an empty access key id in X-Amz-Credential is MalformedQuery', async () => {
    const { url } = await presignDetailed({ url: 'https://b.s3.amazonaws.com/k' }, s3)
    expect(await verifyPresigned({ method: 'GET', url: url.replace('AKIAIOSFODNN7EXAMPLE%2F', '%2F') }, base)).toMatchObject({ ok: false, code: 'MalformedQuery' })
  })
  test('a signature in upper-case hex verifies', async () => {
    const { url } = await presignDetailed({ url: 'https://b.s3.amazonaws.com/k' }, s3)
    const upper = url.replace(/X-Amz-Signature=(\w+)/, (_, s: string) => 'X-Amz-Signature=' + s.toUpperCase())
    expect(await verifyPresigned({ method: 'GET', url: upper }, base)).toMatchObject({ ok: true })
  })
  test('X-Amz-SignedHeaders must be sorted, even under a matching HMAC', async () => {
    const r = await presignDetailed({ url: 'https://b.s3.amazonaws.com/k', headers: { 'x-a': '1' } }, s3)
    const creq = r.canonicalRequest.replace('X-Amz-SignedHeaders=host%3Bx-a', 'X-Amz-SignedHeaders=x-a%3Bhost')
    const sts = stringToSign(r.amzDate, r.credentialScope, createHash('sha256').update(creq).digest('hex'))
    const key = await deriveSigningKey(DOC_CREDENTIALS.secretAccessKey, r.amzDate.slice(0, 8), 'us-east-1', 's3')
    const sig = createHmac('sha256', key).update(sts).digest('hex')
    const url = r.url.replace('host%3Bx-a', 'x-a%3Bhost').replace(/X-Amz-Signature=\w+/, 'X-Amz-Signature=' + sig)
    const v = await verifyPresigned({ method: 'GET', url, headers: { host: 'b.s3.amazonaws.com', 'x-a': '1' } }, base)
    expect(v).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })
  test('user info in the URL, with no Host header, is MalformedQuery', async () => {
    const { url } = await presignDetailed({ url: 'https://b.s3.amazonaws.com/k' }, s3)
    expect(await verifyPresigned({ method: 'GET', url: url.replace('https://', 'https://u@') }, base)).toMatchObject({ ok: false, code: 'MalformedQuery' })
  })
  test('a SigV4a URL without X-Amz-Region-Set is MalformedQuery, with or without options.region', async () => {
    const url = await presignV4a({ url: 'https://b.s3.amazonaws.com/k' }, { credentials: DOC_CREDENTIALS, service: 's3', regionSet: ['us-east-1'], signingDate: T0 })
    const stripped = url.replace(/&X-Amz-Region-Set=[^&]*/, '')
    expect(stripped).not.toBe(url)
    for (const region of [undefined, 'us-east-1']) {
      expect(await verifyPresigned({ method: 'GET', url: stripped }, { ...base, region })).toMatchObject({ ok: false, code: 'MalformedQuery' })
    }
  })
})
