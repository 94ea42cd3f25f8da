/**
 * The end-to-end cases, run against each real server by s3rver.test.ts and swift.test.ts.
 *
 * Every case uses the library (src/) to presign and a plain HTTP client (fetch, or node:http for
 * virtual-hosted Host names) to use the URL, and the server decides. Every negative case asserts
 * the HTTP status AND the S3 error <Code> (and the message where it names the reason). Where a
 * server cannot check something, its ServerProfile says so with a `gap`: the case then asserts
 * and documents what that server does, and the strict server keeps the full assertion.
 */
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { type PresignS3Options, type S3Location, presign, presignDetailed, presignS3, presignS3Detailed } from '../../../src/index.js'
import { type RawResponse, requestVia127, s3Error, serverCanonicalRequestHash, sha256 } from './env.js'
import type { S3Target } from './target.js'

/** How a server rejects something. */
export interface Rejection {
  readonly status: number
  readonly code: string
  readonly message?: RegExp
}
/** A documented gap: the server cannot check this; `gap` says why (shown in the test name). */
export interface Gap {
  readonly gap: string
}

/** What differs between servers. Everything not listed here is asserted identically on all of them. */
export interface ServerProfile {
  /** Credential scope with another region than the server's. */
  readonly wrongRegion: Rejection | Gap
  /** An `x-amz-meta-*` header sent that the URL did not sign. */
  readonly unsignedMetaHeader: Rejection | Gap
  /** An access key id the server does not know. */
  readonly unknownAccessKey: Rejection
  /** Query values with `!'()*` canonicalised per RFC 3986 (as S3 does). */
  readonly rfc3986QueryValues: true | Gap
  /** Virtual-hosted URLs (`bucket.host/key`) verified with canonical URI `/key`. */
  readonly virtualHosted: true | Gap
}

const isGap = (x: unknown): x is Gap => typeof x === 'object' && x !== null && 'gap' in x

const SIGNATURE_DOES_NOT_MATCH: Rejection = { status: 403, code: 'SignatureDoesNotMatch' }

/** Keys that exercise S3's key encoding (presignS3 encodes them; the server decodes them). */
export const KEYS: readonly string[] = [
  'space/photo one.jpg',
  'plus/a+b=c.txt',
  'unicode/café/日本/😀.bin',
  'percent/100%.txt',
  'percent/%41%2F%zz',
  "subdelims/!'()*.txt",
  'nested/a/b//c',
  'mixed/ é+%!(1)*~ .txt',
]

/** Observed results, printed at the end when E2E_REPORT=1. */
export const observed: Array<{ server: string; name: string; status: number; code: string }> = []

export function defineS3Cases(getTarget: () => S3Target, profile: ServerProfile): void {
  const t = (): S3Target => getTarget()
  const loc = (key: string, extra: Partial<S3Location> = {}): S3Location => ({
    bucket: t().bucket,
    key,
    region: t().region,
    endpoint: t().endpoint,
    ...extra,
  })
  const opts = (extra: Partial<PresignS3Options> = {}): PresignS3Options => ({ credentials: t().credentials, expiresIn: 300, ...extra })

  const record = (name: string, status: number, body: string): void => {
    observed.push({ server: t().name, name, status, code: s3Error(body).code ?? '' })
  }
  /** fetch, returning status, headers and body (bytes and text); recorded for the report. */
  async function call(name: string, url: string, init: RequestInit = {}): Promise<RawResponse> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) })
    const body = Buffer.from(await res.arrayBuffer())
    const text = body.toString('utf8')
    record(name, res.status, text)
    return { status: res.status, headers: Object.fromEntries(res.headers), body, text }
  }
  async function via127(name: string, url: string, init: Parameters<typeof requestVia127>[1] = {}): Promise<RawResponse> {
    const res = await requestVia127(url, init)
    record(name, res.status, res.text)
    return res
  }
  function expectOk(res: RawResponse): void {
    expect(res.status, `${t().name} answered ${res.status}: ${res.text.slice(0, 600)}`).toBe(200)
  }
  function expectRejected(res: RawResponse, expected: Rejection): void {
    const err = s3Error(res.text)
    expect({ status: res.status, code: err.code }, res.text.slice(0, 800)).toEqual({ status: expected.status, code: expected.code })
    if (expected.message) expect(err.message).toMatch(expected.message)
  }
  async function put(name: string, key: string, bytes: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<void> {
    const url = await presignS3(loc(key), opts({ method: 'PUT', headers }))
    expectOk(await call(name, url, { method: 'PUT', headers, body: bytes }))
  }
  async function getBytes(name: string, key: string): Promise<RawResponse> {
    const res = await call(name, await presignS3(loc(key), opts()))
    expectOk(res)
    return res
  }

  describe('presigned PUT then GET, same bytes (path style)', () => {
    test.each(KEYS.map((k, i) => [k, i] as const))('key %j', async (key, i) => {
      const bytes = randomBytes(1 + i * 4099)
      const putUrl = await presignS3(loc(key), opts({ method: 'PUT' }))
      expect(putUrl.startsWith(`${t().endpoint}/${t().bucket}/`)).toBe(true)
      expectOk(await call(`PUT ${key}`, putUrl, { method: 'PUT', body: bytes }))
      const got = await getBytes(`GET ${key}`, key)
      expect(got.body.length).toBe(bytes.length)
      expect(sha256(got.body)).toBe(sha256(bytes))
    })

    test('URL built by hand and signed with presign() on the raw URL', async () => {
      // Path percent-encoded by hand the way S3 encodes keys: key "by-hand/café + 100% !(x).txt".
      const key = 'by-hand/café + 100% !(x).txt'
      const url = `${t().endpoint}/${t().bucket}/by-hand/caf%C3%A9%20%2B%20100%25%20%21%28x%29.txt`
      const base = { credentials: t().credentials, region: t().region, service: 's3', expiresIn: 300 }
      const bytes = randomBytes(777)
      const headers = { 'content-type': 'text/plain; charset=utf-8' }
      const putUrl = await presign({ method: 'PUT', url, headers }, base)
      expectOk(await call('PUT by hand', putUrl, { method: 'PUT', headers, body: bytes }))
      // GET with a query parameter already on the URL: it is kept and signed.
      const getUrl = await presign({ url: url + '?response-cache-control=no-store' }, base)
      const got = await call('GET by hand', getUrl)
      expectOk(got)
      expect(got.headers['cache-control']).toBe('no-store')
      expect(got.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(sha256(got.body)).toBe(sha256(bytes))
      // The same object through presignS3's own key encoding.
      expect(sha256((await getBytes('GET by hand via presignS3', key)).body)).toBe(sha256(bytes))
    })

    test('presign() on a raw path with literal "+", "(", "!", "=", "@" … : the server re-encodes the path as S3 does, and so do we', async () => {
      // S3 (and both servers) canonicalise the path by decoding it and UriEncode-ing every segment,
      // so a literal "+" is %2B and "(" is %28 in their canonical URI; presign() computes the same.
      const raw = `${t().endpoint}/${t().bucket}/by-hand/a+b(1)!=;@.txt`
      const d = await presignDetailed({ method: 'PUT', url: raw }, { credentials: t().credentials, region: t().region, service: 's3' })
      expect(d.canonicalRequest.split('\n')[1]).toBe(`/${t().bucket}/by-hand/a%2Bb%281%29%21%3D%3B%40.txt`)
      expectOk(await call('PUT raw literal +(', d.url, { method: 'PUT', body: 'x' }))
      const get = await presignDetailed({ url: raw }, { credentials: t().credentials, region: t().region, service: 's3' })
      expectOk(await call('GET raw literal +(', get.url))
    })
  })

  describe('signed headers and response overrides', () => {
    test('a PUT URL signed with content-type rejects another or no content type (403 SignatureDoesNotMatch)', async () => {
      const key = 'content-type/signed.png'
      const bytes = randomBytes(2048)
      const url = await presignS3(loc(key), opts({ method: 'PUT', headers: { 'content-type': 'image/png' } }))
      expectRejected(await call('PUT other content-type', url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: bytes }), SIGNATURE_DOES_NOT_MATCH)
      // Node's fetch sends no Content-Type for a Uint8Array body.
      expectRejected(await call('PUT no content-type', url, { method: 'PUT', body: bytes }), SIGNATURE_DOES_NOT_MATCH)
      expectRejected(await call('GET never stored', await presignS3(loc(key), opts())), { status: 404, code: 'NoSuchKey' })
      expectOk(await call('PUT signed content-type', url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: bytes }))
      const got = await getBytes('GET signed content-type', key)
      expect(got.headers['content-type']).toBe('image/png')
      expect(sha256(got.body)).toBe(sha256(bytes))
    })

    test('a signed x-amz-meta-* header is stored; another value is rejected (403 SignatureDoesNotMatch)', async () => {
      const key = 'meta/signed.txt'
      const headers = { 'x-amz-meta-owner': 'e2e' }
      const url = await presignS3(loc(key), opts({ method: 'PUT', headers }))
      expectRejected(await call('PUT meta other value', url, { method: 'PUT', headers: { 'x-amz-meta-owner': 'mallory' }, body: 'm' }), SIGNATURE_DOES_NOT_MATCH)
      expectOk(await call('PUT meta signed', url, { method: 'PUT', headers, body: 'm' }))
      expect((await getBytes('GET meta', key)).headers['x-amz-meta-owner']).toBe('e2e')
    })

    const unsigned = profile.unsignedMetaHeader
    test(
      isGap(unsigned)
        ? `documented gap: an unsigned x-amz-meta-* header is accepted (${unsigned.gap})`
        : 'an unsigned x-amz-meta-* header sent with the URL is rejected',
      async () => {
        const url = await presignS3(loc('meta/unsigned.txt'), opts({ method: 'PUT' }))
        const res = await call('PUT unsigned meta header', url, { method: 'PUT', headers: { 'x-amz-meta-sneaky': 'yes' }, body: 'u' })
        if (isGap(unsigned)) expect(res.status).toBe(200)
        else expectRejected(res, unsigned)
      },
    )

    const key = 'overrides/report.bin'
    const bytes = randomBytes(3000)
    async function getWithDisposition(name: string, value: string): Promise<{ res: RawResponse; canonicalRequest: string }> {
      const d = await presignS3Detailed(loc(key, { responseOverrides: { contentDisposition: value } }), opts())
      return { res: await call(name, d.url), canonicalRequest: d.canonicalRequest }
    }

    beforeAll(() => put('PUT overrides', key, bytes))

    test('response-content-disposition is honoured: attachment; filename="report.bin"', async () => {
      // Deliberately no !'()* in this value, so that it passes on every server: s3rver rebuilds the
      // canonical query with encodeURIComponent, which leaves !'()* bare where SigV4 (and S3, and
      // this library) encode them, so a correct signature over such a value fails there (next case).
      const value = 'attachment; filename="report.bin"'
      const { res } = await getWithDisposition('GET content-disposition', value)
      expectOk(res)
      expect(res.headers['content-disposition']).toBe(value)
      expect(sha256(res.body)).toBe(sha256(bytes))
    })

    const rfc = profile.rfc3986QueryValues
    const values = ['attachment; filename="r(1).bin"', "inline; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt"]
    test.each(values)(
      isGap(rfc)
        ? `documented gap: a correct signature over response-content-disposition=%s is refused (${rfc.gap})`
        : 'response-content-disposition with " ; ( ) \' is honoured: %s',
      async (value) => {
        const { res, canonicalRequest } = await getWithDisposition(`GET content-disposition ${value}`, value)
        if (!isGap(rfc)) {
          expectOk(res)
          expect(res.headers['content-disposition']).toBe(value)
          expect(sha256(res.body)).toBe(sha256(bytes))
          return
        }
        // The server rebuilt the canonical query with encodeURIComponent, which leaves !'()* bare,
        // instead of SigV4's UriEncode (%21%27%28%29%2A). Prove that is the only difference.
        expectRejected(res, SIGNATURE_DOES_NOT_MATCH)
        const lines = canonicalRequest.split('\n')
        lines[2] = lines[2]!
          .split('&')
          .map((kv) => kv.split('=').map((p) => encodeURIComponent(decodeURIComponent(p))).join('='))
          .sort()
          .join('&')
        expect(serverCanonicalRequestHash(res.text)).toBe(sha256(lines.join('\n')))
      },
    )
  })

  describe('rejections', () => {
    const key = 'rejections/object.bin'
    const original = randomBytes(1500)

    beforeAll(() => put('PUT rejections', key, original))

    test('an expired URL gets 403 AccessDenied "Request has expired"', async () => {
      const url = await presignS3(loc(key), opts({ signingDate: new Date(Date.now() - 3600_000), expiresIn: 60 }))
      expectRejected(await call('GET expired', url), { status: 403, code: 'AccessDenied', message: /^Request has expired$/ })
    })

    test('a GET URL used with PUT gets 403 SignatureDoesNotMatch and changes nothing', async () => {
      const url = await presignS3(loc(key), opts())
      expectRejected(await call('PUT with GET URL', url, { method: 'PUT', body: randomBytes(10) }), SIGNATURE_DOES_NOT_MATCH)
      expect(sha256((await getBytes('GET after refused PUT', key)).body)).toBe(sha256(original))
    })

    test('a tampered signature gets 403 SignatureDoesNotMatch', async () => {
      const url = await presignS3(loc(key), opts())
      const tampered = url.replace(/([0-9a-f])$/, (c) => (c === '0' ? '1' : '0'))
      expect(tampered).not.toBe(url)
      expectRejected(await call('GET tampered signature', tampered), SIGNATURE_DOES_NOT_MATCH)
    })

    test('a wrong secret gets 403 SignatureDoesNotMatch', async () => {
      const url = await presignS3(loc(key), { credentials: { ...t().credentials, secretAccessKey: 'not-the-secret' } })
      expectRejected(await call('GET wrong secret', url), SIGNATURE_DOES_NOT_MATCH)
    })

    const region = profile.wrongRegion
    test(isGap(region) ? `documented gap: a wrong region is accepted (${region.gap})` : 'a wrong region is rejected', async () => {
      const url = await presignS3(loc(key, { region: 'eu-west-3' }), opts())
      const res = await call('GET wrong region', url)
      if (isGap(region)) {
        expect(res.status).toBe(200)
        expect(sha256(res.body)).toBe(sha256(original))
      } else {
        expectRejected(res, region)
      }
    })

    test(`an unknown access key id gets ${profile.unknownAccessKey.status} ${profile.unknownAccessKey.code}`, async () => {
      const url = await presignS3(loc(key), { credentials: { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'whatever' } })
      expectRejected(await call('GET unknown access key', url), profile.unknownAccessKey)
    })

    test('an added query parameter or an edited X-Amz-Expires gets 403 SignatureDoesNotMatch', async () => {
      const url = await presignS3(loc(key), opts({ expiresIn: 600 }))
      expectRejected(await call('GET extra query parameter', url + '&x-id=GetObject'), SIGNATURE_DOES_NOT_MATCH)
      const longer = url.replace('X-Amz-Expires=600', 'X-Amz-Expires=6000')
      expect(longer).not.toBe(url)
      expectRejected(await call('GET edited X-Amz-Expires', longer), SIGNATURE_DOES_NOT_MATCH)
    })

    test('a URL sent to another Host than the one signed gets 403 SignatureDoesNotMatch', async () => {
      // Signed for 127.0.0.1:PORT, sent with Host localhost:PORT (same server).
      const url = await presignS3(loc(key), opts())
      const elsewhere = url.replace('//127.0.0.1:', '//localhost:')
      expectRejected(await via127('GET other Host', elsewhere), SIGNATURE_DOES_NOT_MATCH)
    })

    test('session token: signed over, so editing or dropping it fails; its value cannot be checked here', async () => {
      // Neither server has an STS: they take X-Amz-Security-Token as one more signed query
      // parameter and never validate its value (Swift signs over it, see the servers doc). So a
      // made-up token works, and only the signature protects it.
      const credentials = { ...t().credentials, sessionToken: 'FwoGZXIvYXdzE-e2e/token+value==' }
      const url = await presignS3(loc(key), { credentials, expiresIn: 300 })
      expect(url).toContain('X-Amz-Security-Token=FwoGZXIvYXdzE-e2e%2Ftoken%2Bvalue%3D%3D')
      const ok = await call('GET with session token', url)
      expectOk(ok)
      expect(sha256(ok.body)).toBe(sha256(original))
      expectRejected(await call('GET edited session token', url.replace('token%2Bvalue', 'token%2Bother')), SIGNATURE_DOES_NOT_MATCH)
      expectRejected(await call('GET dropped session token', url.replace(/&X-Amz-Security-Token=[^&]*/, '')), SIGNATURE_DOES_NOT_MATCH)
    })
  })

  describe('virtual-hosted style (bucket in the Host name, sent to 127.0.0.1 with node:http)', () => {
    const vh = profile.virtualHosted
    const key = 'vhost/日本 é+(1).bin'
    const vloc = (): S3Location => loc(key, { endpoint: t().vhostEndpoint, forcePathStyle: false })

    if (!isGap(vh)) {
      test('PUT then GET through bucket.host URLs, same bytes; path style sees the same object', async () => {
        const bytes = randomBytes(5000)
        const putUrl = await presignS3(vloc(), opts({ method: 'PUT' }))
        const vhostOrigin = t().vhostEndpoint.replace('//', `//${t().bucket}.`)
        expect(putUrl.startsWith(`${vhostOrigin}/vhost/`)).toBe(true)
        expectOk(await via127('PUT vhost', putUrl, { method: 'PUT', body: bytes }))
        const got = await via127('GET vhost', await presignS3(vloc(), opts()))
        expectOk(got)
        expect(sha256(got.body)).toBe(sha256(bytes))
        expect(sha256((await getBytes('GET vhost object path style', key)).body)).toBe(sha256(bytes))
      })

      test('a tampered vhost signature, or the vhost signature on the path-style URL, gets 403 SignatureDoesNotMatch', async () => {
        const url = await presignS3(vloc(), opts())
        const tampered = url.replace(/([0-9a-f])$/, (c) => (c === '0' ? '1' : '0'))
        expectRejected(await via127('GET vhost tampered', tampered), SIGNATURE_DOES_NOT_MATCH)
        const pathStyle = (await presignS3(loc(key), opts())).split('?')[0] + '?' + url.split('?')[1]
        expectRejected(await call('GET vhost signature on path-style URL', pathStyle), SIGNATURE_DOES_NOT_MATCH)
      })
    } else {
      test(`documented gap: a correct virtual-hosted signature is refused (${vh.gap})`, async () => {
        const d = await presignS3Detailed(vloc(), opts({ method: 'PUT' }))
        const res = await via127('PUT vhost', d.url, { method: 'PUT', body: 'v' })
        expectRejected(res, SIGNATURE_DOES_NOT_MATCH)
        // The server's canonical URI is /bucket/key (a SigV2 habit); SigV4 and S3 use /key.
        const lines = d.canonicalRequest.split('\n')
        expect(lines[1]).toBe('/vhost/%E6%97%A5%E6%9C%AC%20%C3%A9%2B%281%29.bin')
        lines[1] = `/${t().bucket}${lines[1]}`
        expect(serverCanonicalRequestHash(res.text)).toBe(sha256(lines.join('\n')))
      })
    }
  })
}

/** Print what each server answered (E2E_REPORT=1). */
export function printObserved(): void {
  if (!process.env['E2E_REPORT'] || observed.length === 0) return
  const lines = observed.map((o) => `${o.server.padEnd(7)} ${String(o.status).padEnd(4)} ${o.code.padEnd(34)} ${o.name}`)
  console.log(['--- observed ---', ...lines].join('\n'))
}
