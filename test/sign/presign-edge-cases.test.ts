/**
 * The signing core at its edges (presign, presignSync, presignDetailed, presignS3, s3ObjectUrl), found by a review
 * (2026-12-02): paths URL parsers send otherwise than written, a signed x-amz-content-sha256 (botocore is the oracle),
 * credentials that expire with a cache window, impossible dates, option checks that must always run, endpoint path
 * prefixes. Each test failed before its fix.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { canonicalUri, PresignError, presign, presignDetailed, presignS3Detailed, presignSync, s3ObjectUrl } from '../../src/index.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const signingDate = '2013-05-24T00:00:00Z'
const s3 = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate } as const

/** Resolve to the PresignError a call threw, or to its result. */
async function outcome<T>(f: () => Promise<T> | T): Promise<T | PresignError> {
  try {
    return await f()
  } catch (e) {
    if (e instanceof PresignError) return e
    throw e
  }
}

/** botocore's canonical request for a query-signed request (S3SigV4QueryAuth for s3, else SigV4QueryAuth), clock frozen. */
function botocoreCanonicalRequest(c: { method: string; url: string; headers: Record<string, string>; service: string }): string {
  const script = String.raw`
import datetime, json, sys
from unittest import mock
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
c = json.load(sys.stdin)
cls = botocore.auth.S3SigV4QueryAuth if c['service'] == 's3' else botocore.auth.SigV4QueryAuth
cap = {}
orig = cls.canonical_request
def cr(self, r):
    v = orig(self, r); cap['cr'] = v; return v
dt = datetime.datetime(2013, 5, 24)
with mock.patch.object(botocore.auth, 'get_current_datetime', lambda *a, **k: dt), mock.patch.object(cls, 'canonical_request', cr):
    auth = cls(Credentials(c['ak'], c['sk']), c['service'], 'us-east-1', expires=3600)
    req = AWSRequest(method=c['method'], url=c['url'], headers=c['headers'])
    auth.add_auth(req)
sys.stdout.write(cap['cr'])
`
  const input = JSON.stringify({ ...c, ak: DOC_CREDENTIALS.accessKeyId, sk: DOC_CREDENTIALS.secretAccessKey })
  return execFileSync('python3', ['-c', script], { input }).toString()
}

describe('signing core edge cases', () => {
  // Non-S3 paths are sent as given but normalized only in the signature, with a rule that is not the WHATWG one:
  // fetch/new URL also treat %2e/%2E as dots, turn a trailing "/." or "/.." into "/", and pop the empty segment
  // before ".." ("/a//../b" is sent as "/a/b"), so the server canonicalizes a different path than was signed.
  // Same for S3 with normalizePath: true ("/a/b/." is sent as "/a/b/", signed as "/a/b"), and for any service with
  // normalizePath: false (dot segments are refused only under S3's rules, but fetch removes them for every URL).
  test('a path a URL parser rewrites is signed as it will be sent (or refused), for normalizing services', async () => {
    const cases: Array<[string, string, boolean | undefined]> = [
      ['https://abc.execute-api.us-east-1.amazonaws.com/a/%2e%2e/b', 'execute-api', undefined],
      ['https://abc.execute-api.us-east-1.amazonaws.com/a/%2E/b', 'execute-api', undefined],
      ['https://abc.execute-api.us-east-1.amazonaws.com/a/b/..', 'execute-api', undefined],
      ['https://abc.execute-api.us-east-1.amazonaws.com/a/b/.', 'execute-api', undefined],
      ['https://abc.execute-api.us-east-1.amazonaws.com/a//../b', 'execute-api', undefined],
      ['https://b.s3.amazonaws.com/a/b/.', 's3', true],
      // (normalizePath: false outside S3 is signed as written, dot segments and all, as AWS's reference suite does:
      // crt/v4 get-relative-unnormalized and the other *-unnormalized cases, checked byte for byte in aws-suite.test.ts.)
    ]
    for (const [url, service, normalizePath] of cases) {
      const r = await outcome(() => presignDetailed({ url }, { ...s3, service, ...(normalizePath === undefined ? {} : { normalizePath }) }))
      expect(r instanceof PresignError && [r.code, r.field], url).toEqual(['InvalidUrl', 'request.url'])
    }
    // Where the URL parser's resolution and SigV4's normalization agree, the path is signed (AWS's suite has these).
    for (const path of ['/a/./b', '/a/../b', '/example/..', '/./', '/a/b/./']) {
      const r = await presignDetailed({ url: 'https://abc.execute-api.us-east-1.amazonaws.com' + path }, { ...s3, service: 'execute-api' })
      const sent = new URL(r.url).pathname
      expect(r.canonicalRequest.split('\n')[1], `${path} is sent as ${sent}`).toBe(canonicalUri(sent, { normalize: true, doubleEncode: true }))
    }
  })

  // A signed x-amz-content-sha256 header is ignored for the payload hash (UNSIGNED-PAYLOAD / SHA-256 of the body is
  // signed instead). botocore (SigV4Auth.canonical_request) and @smithy/signature-v4 (getPayloadHash) both sign the
  // header's value as the payload hash, as does MinIO's verifier; a conflicting header should at least be refused.
  test('a signed x-amz-content-sha256 header is the payload hash, as botocore signs it (or a typed error)', async () => {
    const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    const cases = [
      { method: 'PUT', url: 'https://examplebucket.s3.amazonaws.com/k', headers: { 'x-amz-content-sha256': hash }, service: 's3' },
      { method: 'GET', url: 'https://example.amazonaws.com/', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, service: 'service' },
    ]
    for (const c of cases) {
      const r = await presignDetailed({ method: c.method, url: c.url, headers: c.headers }, { ...s3, service: c.service })
      expect(r.canonicalRequest, c.url).toBe(botocoreCanonicalRequest(c))
    }
    // No payload hash, or another than options.payloadHash: refused, as servers differ in which of the two they read.
    const put = { method: 'PUT', url: 'https://examplebucket.s3.amazonaws.com/k' }
    const field = 'request.headers["x-amz-content-sha256"]'
    for (const [value, payloadHash, code] of [['bogus', undefined, 'InvalidPayloadHash'], [hash.toUpperCase(), undefined, 'InvalidPayloadHash'], [hash, 'UNSIGNED-PAYLOAD', 'InvalidHeader'], ['UNSIGNED-PAYLOAD', hash, 'InvalidHeader']] as const) {
      const r = await outcome(() => presignDetailed({ ...put, headers: { 'x-amz-content-sha256': value } }, { ...s3, payloadHash }))
      expect(r instanceof PresignError && [r.code, r.field], value).toEqual([code, field])
    }
    const same = await presignDetailed({ ...put, headers: { 'x-amz-content-sha256': hash } }, { ...s3, payloadHash: hash })
    expect(same.canonicalRequest.endsWith('\n' + hash)).toBe(true)
  })

  // With cacheWindow the expiry check uses the rounded-down signing time, so credentials that have already expired
  // when the URL is issued (signingDate 10:14:59, expiration 10:14:30) give a URL (X-Amz-Expires=870) that can never
  // work, instead of the InvalidCredentials error documented for expired credentials ('error' mode even advises
  // "use at most 870").
  test('credentials expired at the moment of issue are InvalidCredentials, with cacheWindow too', async () => {
    const credentials = { ...DOC_CREDENTIALS, sessionToken: 'TOKEN', expiration: new Date('2024-05-01T10:14:30Z') }
    for (const credentialExpiry of ['clamp', 'error'] as const) {
      const r = await outcome(() =>
        presign({ url: 'https://examplebucket.s3.amazonaws.com/k' }, { ...s3, credentials, credentialExpiry, signingDate: '2024-05-01T10:14:59Z', expiresIn: 300, cacheWindow: 900 }),
      )
      expect(r, credentialExpiry).toBeInstanceOf(PresignError)
      expect([(r as PresignError).code, (r as PresignError).field]).toEqual(['InvalidCredentials', 'options.credentials.expiration'])
    }
  })

  // ISO strings naming impossible dates are silently rolled over by Date.parse (2023-02-30 signs 2023-03-02,
  // 2026-06-31 signs 2026-07-01): a wrong X-Amz-Date instead of InvalidDate. (time.ts already has utcMs for this check.)
  test('an ISO signingDate naming an impossible day is InvalidDate, not the next month', async () => {
    for (const d of ['2023-02-29', '2023-02-30T00:00:00Z', '2026-06-31', '2026-04-31T12:00:00+02:00']) {
      const r = await outcome(() => presign({ url: 'https://examplebucket.s3.amazonaws.com/k' }, { ...s3, signingDate: d }))
      expect(r, d).toBeInstanceOf(PresignError)
      expect([(r as PresignError).code, (r as PresignError).field], d).toEqual(['InvalidDate', 'options.signingDate'])
    }
  })

  // credentialExpiry is only validated when the credentials carry an expiration: a typo ('erorr') or a number is
  // accepted silently (and only throws later, once a provider returns an expiration). The other enum/boolean options
  // are always checked (checkBoolean: "a string 'false' must never mean true").
  test('an invalid credentialExpiry is InvalidOption even without credentials.expiration', async () => {
    for (const credentialExpiry of ['erorr', 'Error', 42]) {
      const r = await outcome(() => presign({ url: 'https://examplebucket.s3.amazonaws.com/k' }, { ...s3, credentialExpiry: credentialExpiry as 'error' }))
      expect(r, String(credentialExpiry)).toBeInstanceOf(PresignError)
      expect([(r as PresignError).code, (r as PresignError).field]).toEqual(['InvalidOption', 'options.credentialExpiry'])
      expect(() => presignSync({ url: 'https://examplebucket.s3.amazonaws.com/k' }, { ...s3, credentialExpiry: credentialExpiry as 'error' })).toThrow(PresignError)
    }
  })

  // An endpoint path prefix is only checked for literal "."/".." segments: s3ObjectUrl returns URLs that fetch/new URL
  // rewrite (%2e%2e and .%2E are dot segments, "\" is "/", a tab is dropped, a space is encoded), so the object URL
  // points elsewhere; presignS3 then fails with field request.url instead of location.endpoint.
  test('an endpoint path prefix URL parsers rewrite is InvalidUrl on location.endpoint, or the URL is sent as built', async () => {
    for (const endpoint of ['http://127.0.0.1:9000/a/%2e%2e', 'http://127.0.0.1:9000/a/.%2E/x', 'http://127.0.0.1:9000/a\\b', 'http://127.0.0.1:9000/a\tb', 'http://127.0.0.1:9000/a b']) {
      const location = { bucket: 'bucket', key: 'k', region: 'us-east-1', endpoint }
      const r = await outcome(() => s3ObjectUrl(location))
      expect(r instanceof PresignError && [r.code, r.field], endpoint).toEqual(['InvalidUrl', 'location.endpoint'])
      const p = await outcome(() => presignS3Detailed(location, { credentials: DOC_CREDENTIALS, signingDate }))
      expect(p instanceof PresignError && [p.code, p.field], endpoint).toEqual(['InvalidUrl', 'location.endpoint'])
    }
    // A prefix of path characters and escapes is kept as written, and sent so.
    const kept = s3ObjectUrl({ bucket: 'bucket', key: 'k', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000/a%20b/c.d' })
    expect(kept).toBe('http://127.0.0.1:9000/a%20b/c.d/bucket/k')
    expect(new URL(kept).href).toBe(kept)
  })

  // Minor: with expiresIn 604800 no cacheWindow is possible, and the message names the empty range "1..0".
  test('the cacheWindow message never names an empty range', async () => {
    const r = await outcome(() => presign({ url: 'https://examplebucket.s3.amazonaws.com/k' }, { ...s3, expiresIn: 604800, cacheWindow: 60 }))
    expect(r).toBeInstanceOf(PresignError)
    expect((r as PresignError).field).toBe('options.cacheWindow')
    expect((r as PresignError).message).not.toContain('1..0')
  })

  // The written day must exist, and the instant must be in 1970..9999: 1969-12-31 with a negative offset is an instant in
  // 1970 UTC, and is signed (a first version of the day check refused a written day before 1970).
  test('presign: an ISO signingDate written on 1969-12-31 with an offset that puts it in 1970 UTC is signed', () => {
    const url = presignSync({ url: 'https://example.execute-api.us-east-1.amazonaws.com/' }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 'execute-api', signingDate: '1969-12-31T23:30:00-01:00' })
    expect(url).toContain('X-Amz-Date=19700101T003000Z')
  })
})
