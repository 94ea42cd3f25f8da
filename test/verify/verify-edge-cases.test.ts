/**
 * verifyPresigned and verifyPresignedSync at their edges, found by a review (2026-12-02): an absolute URL's host
 * against its Host header, a raw backslash, a signed x-amz-content-sha256 (botocore is the oracle), the headers that
 * name no checksum, years 0000..0099. Each test failed before its fix. Both verifiers run every request (`both`)
 * and must agree. Part of the verifiers' hostile-input suite (see verify-hostile.test.ts).
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { presignDetailed, type VerifyOptions, type VerifyRequest, type VerifyResult, verifyPresigned } from '../../src/index.js'
import { verifyPresignedSync } from '../../src/verify/verify-presigned-sync.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const T0 = Date.parse('2013-05-24T00:00:00Z')
const lookup = (id: string) => (id === DOC_CREDENTIALS.accessKeyId ? DOC_CREDENTIALS : undefined)
const base: VerifyOptions = { credentials: lookup, now: T0 }

/** Both verifiers; they must give the same result. */
async function both(request: VerifyRequest, options: VerifyOptions = base): Promise<VerifyResult> {
  const r = await verifyPresigned(request, options)
  expect(verifyPresignedSync(request, options as Parameters<typeof verifyPresignedSync>[1])).toEqual(r)
  return r
}
const sign = (url: string, headers?: Record<string, string>, method = 'GET') =>
  presignDetailed({ method, url, headers }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: T0, expiresIn: 300 })

/** botocore's S3 query signer (S3SigV4QueryAuth), as the S3 client uses it; it signs at the current time. */
const BOTO = String.raw`
import sys, json
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
a = json.loads(sys.stdin.read())
auth = S3SigV4QueryAuth(Credentials(a['id'], a['secret']), 's3', 'us-east-1', expires=300)
req = AWSRequest(method=a['method'], url=a['url'], headers=a['headers'])
auth.add_auth(req)
print(req.url)
`
function botocorePresign(method: string, url: string, headers: Record<string, string>): { url: string; signedAtMs: number } {
  const input = JSON.stringify({ id: DOC_CREDENTIALS.accessKeyId, secret: DOC_CREDENTIALS.secretAccessKey, method, url, headers })
  const signed = execFileSync('python3', ['-c', BOTO], { input, encoding: 'utf8' }).trim()
  const d = /X-Amz-Date=(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/.exec(signed)!
  return { url: signed, signedAtMs: Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!) }
}

describe('verifier edge cases', () => {
  // With an absolute URL and a Host header, the Host header silently wins and the URL's own authority is never
  // checked: a URL signed for bucket "public" verifies as a request for "private". RFC 9112 §3.2.2: the absolute-form
  // authority is the target (the Host header is ignored); S3 would compute the signature over "private" and refuse.
  test('an absolute URL whose authority differs from the Host header does not verify as the Host header', async () => {
    const s = await sign('https://public.s3.us-east-1.amazonaws.com/report.pdf')
    const url = s.url.replace('https://public.', 'https://private.')
    const r = await both({ method: 'GET', url, headers: { host: 'public.s3.us-east-1.amazonaws.com' } })
    expect(r.ok, JSON.stringify(r)).toBe(false)
    // The same with user info in the authority, which is refused without a Host header (verify-presigned.test.ts).
    const withUserInfo = s.url.replace('https://public.', 'https://evil@private.')
    expect((await both({ method: 'GET', url: withUserInfo, headers: { host: 'public.s3.us-east-1.amazonaws.com' } })).ok).toBe(false)
  })

  // A URL signed for the S3 key `x\..\secret` (sent as `x%5C..%5Csecret`) verifies when the backslashes are sent
  // raw, because `\` is canonicalized to `%5C`. Node's http server passes a raw `\` through in req.url, and every
  // WHATWG URL parser (new URL, fetch, a proxying gateway) reads it as `/` and removes the dot segments: the request
  // that verified is, to them, a request for /bucket/secret. A raw `\` is not a valid request-target character
  // (RFC 3986); it should be refused (MalformedQuery) rather than treated as `%5C`.
  test('a raw backslash in the path is not accepted as the %5C that was signed', async () => {
    const s = await sign('https://s3.us-east-1.amazonaws.com/bucket/x%5C..%5Csecret')
    const signedTarget = s.url.slice('https://s3.us-east-1.amazonaws.com'.length)
    expect((await both({ method: 'GET', url: signedTarget, headers: { host: 's3.us-east-1.amazonaws.com' } })).ok).toBe(true)
    const raw = signedTarget.replace('x%5C..%5Csecret', 'x\\..\\secret')
    expect(new URL(raw, 'http://h').pathname).toBe('/bucket/secret') // what a WHATWG-parsing gateway serves
    const r = await both({ method: 'GET', url: raw, headers: { host: 's3.us-east-1.amazonaws.com' } })
    expect(r.ok, JSON.stringify(r)).toBe(false)
  })

  // botocore (and the Go SDK, and @smithy/signature-v4) use a signed x-amz-content-sha256 header's value as the payload
  // hash of a presigned request, so that the URL commits to the body; S3 honours it. The verifier always computes
  // UNSIGNED-PAYLOAD for S3, so every such valid URL is SignatureDoesNotMatch.
  test('a botocore presigned PUT that signs x-amz-content-sha256 (a hex SHA-256) verifies', async () => {
    const hash = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' // sha256("hello")
    const headers = { 'X-Amz-Content-SHA256': hash }
    const b = botocorePresign('PUT', 'https://examplebucket.s3.amazonaws.com/hello.txt', headers)
    expect(b.url).toContain('X-Amz-SignedHeaders=host%3Bx-amz-content-sha256')
    const r = await both({ method: 'PUT', url: b.url, headers, body: 'hello' }, { ...base, now: b.signedAtMs })
    expect(r.ok, JSON.stringify(r)).toBe(true)
    // The body it binds is reported, for the gateway to check; UNSIGNED-PAYLOAD binds none.
    expect(r.ok && r.body).toEqual({ contentSha256: hash })
    const ours = await sign('https://examplebucket.s3.amazonaws.com/hello.txt', headers, 'PUT')
    expect(await both({ method: 'PUT', url: ours.url, headers })).toMatchObject({ ok: true, body: { contentSha256: hash } })
    const unsigned = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }
    const u = await sign('https://examplebucket.s3.amazonaws.com/hello.txt', unsigned, 'PUT')
    const unsignedResult = await both({ method: 'PUT', url: u.url, headers: unsigned })
    expect(unsignedResult.ok && unsignedResult.body, JSON.stringify(unsignedResult)).toBeUndefined()
    // A signed value that is no payload hash is S3's InvalidArgument, before any lookup.
    const bogus = botocorePresign('PUT', 'https://examplebucket.s3.amazonaws.com/hello.txt', { 'X-Amz-Content-SHA256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })
    const looked: string[] = []
    const refused = await both(
      { method: 'PUT', url: bogus.url, headers: { 'X-Amz-Content-SHA256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' } },
      { ...base, now: bogus.signedAtMs, credentials: (id) => {
        looked.push(id)
        return lookup(id)
      } },
    )
    expect(refused).toMatchObject({ ok: false, code: 'InvalidContentSha256', s3Code: 'InvalidArgument' })
    expect(looked).toEqual([])
  })

  // boundBody reports every signed `x-amz-checksum-*` header as a body checksum except -type and -algorithm, so the
  // GetObject/HeadObject flag `x-amz-checksum-mode: ENABLED` comes back as `body.checksums.MODE = 'ENABLED'`, a
  // checksum of an algorithm that does not exist (S3 has no body binding here at all).
  test('x-amz-checksum-mode is not reported as a body checksum', async () => {
    const headers = { 'x-amz-checksum-mode': 'ENABLED' }
    const s = await sign('https://examplebucket.s3.us-east-1.amazonaws.com/k', headers)
    const r = await both({ method: 'GET', url: s.url, headers })
    expect(r.ok).toBe(true)
    expect(r.ok && r.body?.checksums).toBeUndefined()
  })

  // utcMs (src/core/time.ts) builds the date with Date.UTC, which maps years 0..99 to 1900..1999, and then finds the
  // year "wrong": a well-formed X-Amz-Date in years 0000..0099 is refused as MalformedQuery ("must be in the ISO8601
  // Long Format"). It is well-formed and long past; S3 answers such a URL AccessDenied "Request has expired", as this
  // verifier does for 19130524T000000Z.
  test('a well-formed X-Amz-Date in years 0000..0099 is Expired, not MalformedQuery', async () => {
    const s = await sign('https://examplebucket.s3.us-east-1.amazonaws.com/k')
    const old1913 = await both({ method: 'GET', url: s.url.replace(/20130524/g, '19130524') })
    expect(old1913).toMatchObject({ ok: false, code: 'Expired', s3Code: 'AccessDenied' })
    const old0050 = await both({ method: 'GET', url: s.url.replace(/20130524/g, '00500524') })
    expect(old0050).toMatchObject({ ok: false, code: 'Expired', s3Code: 'AccessDenied' })
  })
})
