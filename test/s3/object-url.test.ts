/**
 * The S3 helper (src/s3/object-url.ts): `presignS3Detailed` against vectors/botocore-s3-client.json, generated
 * from botocore's S3 client by scripts/gen-s3-vectors.py (no Python at test time: this reads the
 * JSON only), then the URL rules of `s3ObjectUrl` and its errors with explicit expectations.
 *
 * For the vectors, the canonical request, string to sign and signature must be identical, and the
 * URL identical up to the order of query parameters (botocore puts versionId/response-* and
 * X-Amz-Expires in its own order; the order is not part of the signature).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { PresignError, presignS3, presignS3Detailed, s3ObjectUrl } from '../../src/index.js'
import type { PresignErrorCode, S3Location, S3ResponseOverrides } from '../../src/index.js'
import { projectRoot } from '../helpers/suite.js'

interface S3VectorCase {
  name: string
  location: {
    bucket: string
    key: string
    region: string
    endpoint?: string
    forcePathStyle?: boolean
    versionId?: string
    responseOverrides?: S3ResponseOverrides
    query?: Record<string, string>
  }
  options: {
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
    method: string
    headers?: Record<string, string>
    expiresIn: number
    signingDate: string
  }
  expected: { url: string; canonicalRequest: string; stringToSign: string; signature: string }
}

const vectors = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-client.json'), 'utf8')) as {
  botocore: string
  cases: S3VectorCase[]
}
const cases = vectors.cases

/** Split a URL into the part before `?` and its sorted list of raw `key=value` parameters. */
function urlParts(url: string): { base: string; params: string[] } {
  const q = url.indexOf('?')
  return q < 0 ? { base: url, params: [] } : { base: url.slice(0, q), params: url.slice(q + 1).split('&').sort() }
}

let passed = 0
describe(`botocore ${vectors.botocore} S3 client vectors`, () => {
  test('there are at least 250 vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250)
  })
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await presignS3Detailed(c.location, c.options)
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.stringToSign).toBe(c.expected.stringToSign)
    expect(r.signature).toBe(c.expected.signature)
    expect(urlParts(r.url)).toEqual(urlParts(c.expected.url))
    passed++
  })
  afterAll(() => console.log(`S3 client vectors: ${passed} of ${cases.length} passed`))
})

/** Run `fn` and check that it throws a PresignError with this code and field, named in the message. */
function expectPresignError(fn: () => unknown, code: PresignErrorCode, field: string): PresignError {
  let thrown: unknown
  try {
    fn()
  } catch (e) {
    thrown = e
  }
  expect(thrown).toBeInstanceOf(PresignError)
  const err = thrown as PresignError
  expect({ code: err.code, field: err.field }).toEqual({ code, field })
  expect(err.message.startsWith(field + ': ')).toBe(true)
  return err
}

const loc = (over: Partial<S3Location> & Record<string, unknown>): S3Location =>
  ({ bucket: 'examplebucket', key: 'k', region: 'us-east-1', ...over }) as S3Location

describe('s3ObjectUrl: virtual-hosted or path style', () => {
  test('DNS-compatible bucket without dots on AWS: virtual-hosted on the regional endpoint', () => {
    expect(s3ObjectUrl(loc({ key: 'photos/a.jpg' }))).toBe('https://examplebucket.s3.us-east-1.amazonaws.com/photos/a.jpg')
    expect(s3ObjectUrl(loc({ bucket: 'my-bucket-01', region: 'eu-west-1' }))).toBe('https://my-bucket-01.s3.eu-west-1.amazonaws.com/k')
    expect(s3ObjectUrl(loc({ bucket: 'abc', region: 'ap-southeast-2' }))).toBe('https://abc.s3.ap-southeast-2.amazonaws.com/k')
    expect(s3ObjectUrl(loc({ bucket: 'a'.repeat(63) }))).toBe(`https://${'a'.repeat(63)}.s3.us-east-1.amazonaws.com/k`)
  })
  test('forcePathStyle: true on AWS: path style', () => {
    expect(s3ObjectUrl(loc({ forcePathStyle: true }))).toBe('https://s3.us-east-1.amazonaws.com/examplebucket/k')
  })
  test('dotted bucket over https: path style (the *.s3 wildcard certificate does not cover it)', () => {
    expect(s3ObjectUrl(loc({ bucket: 'my.bucket', region: 'eu-west-1' }))).toBe('https://s3.eu-west-1.amazonaws.com/my.bucket/k')
    expect(s3ObjectUrl(loc({ bucket: 'www.example.com', endpoint: 'https://s3.dualstack.us-east-1.amazonaws.com' }))).toBe(
      'https://s3.dualstack.us-east-1.amazonaws.com/www.example.com/k',
    )
  })
  test('dotted bucket over http on a custom endpoint: virtual-hosted only with forcePathStyle: false', () => {
    expect(s3ObjectUrl(loc({ bucket: 'my.bucket', endpoint: 'http://localhost:4566', forcePathStyle: false }))).toBe(
      'http://my.bucket.localhost:4566/k',
    )
    expect(s3ObjectUrl(loc({ bucket: 'my.bucket', endpoint: 'http://localhost:4566' }))).toBe('http://localhost:4566/my.bucket/k')
  })
  test('legacy bucket names (upper case, underscore, too long, IP-like): path style', () => {
    expect(s3ObjectUrl(loc({ bucket: 'MyBucket' }))).toBe('https://s3.us-east-1.amazonaws.com/MyBucket/k')
    expect(s3ObjectUrl(loc({ bucket: 'my_bucket' }))).toBe('https://s3.us-east-1.amazonaws.com/my_bucket/k')
    expect(s3ObjectUrl(loc({ bucket: 'ab' }))).toBe('https://s3.us-east-1.amazonaws.com/ab/k')
    expect(s3ObjectUrl(loc({ bucket: 'a'.repeat(64) }))).toBe(`https://s3.us-east-1.amazonaws.com/${'a'.repeat(64)}/k`)
    expect(s3ObjectUrl(loc({ bucket: '192.168.1.1' }))).toBe('https://s3.us-east-1.amazonaws.com/192.168.1.1/k')
    expect(s3ObjectUrl(loc({ bucket: 'bad-.label' }))).toBe('https://s3.us-east-1.amazonaws.com/bad-.label/k')
  })
  test('legacy bucket names with forcePathStyle: false: InvalidBucket', () => {
    for (const bucket of ['MyBucket', 'my_bucket', 'ab', 'my..bucket', '-bucket', '192.168.1.1']) {
      expectPresignError(() => s3ObjectUrl(loc({ bucket, forcePathStyle: false })), 'InvalidBucket', 'location.bucket')
    }
  })
  test('forcePathStyle: false on AWS keeps virtual-hosted style even for a dotted bucket over https (explicit choice)', () => {
    expect(s3ObjectUrl(loc({ bucket: 'my.bucket', forcePathStyle: false }))).toBe('https://my.bucket.s3.us-east-1.amazonaws.com/k')
  })
  test('China regions use amazonaws.com.cn', () => {
    expect(s3ObjectUrl(loc({ region: 'cn-north-1' }))).toBe('https://examplebucket.s3.cn-north-1.amazonaws.com.cn/k')
    expect(s3ObjectUrl(loc({ region: 'cn-northwest-1', bucket: 'my.bucket' }))).toBe('https://s3.cn-northwest-1.amazonaws.com.cn/my.bucket/k')
  })
})

describe('s3ObjectUrl: custom endpoints', () => {
  test('IP address, localhost:port, MinIO, R2: path style by default', () => {
    expect(s3ObjectUrl(loc({ endpoint: 'http://127.0.0.1:9000' }))).toBe('http://127.0.0.1:9000/examplebucket/k')
    expect(s3ObjectUrl(loc({ endpoint: 'http://[::1]:9000' }))).toBe('http://[::1]:9000/examplebucket/k')
    expect(s3ObjectUrl(loc({ endpoint: 'http://localhost:4566' }))).toBe('http://localhost:4566/examplebucket/k')
    expect(s3ObjectUrl(loc({ endpoint: 'https://minio.example.com:9000' }))).toBe('https://minio.example.com:9000/examplebucket/k')
    expect(s3ObjectUrl(loc({ endpoint: 'https://0123abcd.r2.cloudflarestorage.com', region: 'auto' }))).toBe(
      'https://0123abcd.r2.cloudflarestorage.com/examplebucket/k',
    )
  })
  test('forcePathStyle: false: bucket sub-domain of the endpoint', () => {
    expect(s3ObjectUrl(loc({ endpoint: 'https://0123abcd.r2.cloudflarestorage.com', region: 'auto', forcePathStyle: false }))).toBe(
      'https://examplebucket.0123abcd.r2.cloudflarestorage.com/k',
    )
    expect(s3ObjectUrl(loc({ endpoint: 'https://minio.example.com:9000', forcePathStyle: false }))).toBe(
      'https://examplebucket.minio.example.com:9000/k',
    )
    expect(s3ObjectUrl(loc({ endpoint: 'http://localhost:4566', forcePathStyle: false }))).toBe('http://examplebucket.localhost:4566/k')
  })
  test('forcePathStyle: false on an IP-address endpoint is an error, not an unparsable URL', () => {
    // What the helper used to return: no URL parser (fetch, browsers, new URL) accepts these hosts.
    expect(() => new URL('http://examplebucket.127.0.0.1:9000/k')).toThrow()
    expect(() => new URL('http://examplebucket.[::1]:9000/k')).toThrow()
    for (const endpoint of ['http://127.0.0.1:9000', 'http://10.0.0.2', 'http://[::1]:9000']) {
      expectPresignError(() => s3ObjectUrl(loc({ endpoint, forcePathStyle: false })), 'InvalidOption', 'location.forcePathStyle')
    }
  })
  test('an endpoint path prefix is kept, a trailing slash dropped', () => {
    expect(s3ObjectUrl(loc({ endpoint: 'https://gw.example.com/s3' }))).toBe('https://gw.example.com/s3/examplebucket/k')
    expect(s3ObjectUrl(loc({ endpoint: 'https://gw.example.com/s3/' }))).toBe('https://gw.example.com/s3/examplebucket/k')
    expect(s3ObjectUrl(loc({ endpoint: 'https://gw.example.com/a/b//' }))).toBe('https://gw.example.com/a/b/examplebucket/k')
    expect(s3ObjectUrl(loc({ endpoint: 'https://gw.example.com/s3/', forcePathStyle: false }))).toBe('https://examplebucket.gw.example.com/s3/k')
    expect(s3ObjectUrl(loc({ endpoint: 'https://gw.example.com/' }))).toBe('https://gw.example.com/examplebucket/k')
  })
  test('scheme and host are lower-cased', () => {
    expect(s3ObjectUrl(loc({ endpoint: 'HTTP://MinIO.Example.COM:9000' }))).toBe('http://minio.example.com:9000/examplebucket/k')
  })
  test('endpoints under amazonaws.com follow the AWS rules (virtual-hosted when the bucket allows it)', () => {
    expect(s3ObjectUrl(loc({ endpoint: 'https://s3.dualstack.eu-west-1.amazonaws.com', region: 'eu-west-1' }))).toBe(
      'https://examplebucket.s3.dualstack.eu-west-1.amazonaws.com/k',
    )
    expect(s3ObjectUrl(loc({ endpoint: 'https://s3.amazonaws.com' }))).toBe('https://examplebucket.s3.amazonaws.com/k')
    expect(s3ObjectUrl(loc({ endpoint: 'https://s3.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' }))).toBe(
      'https://examplebucket.s3.cn-north-1.amazonaws.com.cn/k',
    )
  })
})

describe('s3ObjectUrl: key encoding', () => {
  const path = (key: string): string => s3ObjectUrl(loc({ key })).slice('https://examplebucket.s3.us-east-1.amazonaws.com'.length)
  test("`/` kept, UTF-8 of everything outside A-Za-z0-9-_.~ percent-encoded (`!'()*` too)", () => {
    expect(path("a b+c%/d é😀!'()*")).toBe('/a%20b%2Bc%25/d%20%C3%A9%F0%9F%98%80%21%27%28%29%2A')
    expect(path('&=?#;:@,$')).toBe('/%26%3D%3F%23%3B%3A%40%2C%24')
    expect(path('[]{}^|<>"`\\')).toBe('/%5B%5D%7B%7D%5E%7C%3C%3E%22%60%5C')
    expect(path('AZaz09-_.~')).toBe('/AZaz09-_.~')
    expect(path('e\u0301 \u00e9')).toBe('/e%CC%81%20%C3%A9')
    expect(path('tab\there\x7f')).toBe('/tab%09here%7F')
    expect(path('.hidden/a.b/...')).toBe('/.hidden/a.b/...')
  })
  test('empty segments, leading and trailing slashes are kept', () => {
    expect(path('//double//slash')).toBe('///double//slash')
    expect(path('/leading')).toBe('//leading')
    expect(path('trailing/')).toBe('/trailing/')
    expect(s3ObjectUrl(loc({ key: '/x/', endpoint: 'http://localhost:4566' }))).toBe('http://localhost:4566/examplebucket//x/')
  })
  test('empty or absent key: the bucket itself', () => {
    expect(s3ObjectUrl(loc({ key: '' }))).toBe('https://examplebucket.s3.us-east-1.amazonaws.com/')
    expect(s3ObjectUrl({ bucket: 'examplebucket', region: 'us-east-1' })).toBe('https://examplebucket.s3.us-east-1.amazonaws.com/')
    expect(s3ObjectUrl(loc({ key: '', forcePathStyle: true }))).toBe('https://s3.us-east-1.amazonaws.com/examplebucket/')
  })
})

describe('s3ObjectUrl: query options (RFC 3986: space %20, never +)', () => {
  test('versionId', () => {
    expect(s3ObjectUrl(loc({ versionId: '3/L4kqtJl+cpXroDTDmJ=' }))).toBe(
      'https://examplebucket.s3.us-east-1.amazonaws.com/k?versionId=3%2FL4kqtJl%2BcpXroDTDmJ%3D',
    )
    expect(s3ObjectUrl(loc({ versionId: 'a b' }))).toBe('https://examplebucket.s3.us-east-1.amazonaws.com/k?versionId=a%20b')
  })
  test('responseOverrides: response-* names in alphabetical order, values encoded', () => {
    const url = s3ObjectUrl(
      loc({
        responseOverrides: {
          expires: 'Wed, 21 Oct 2015 07:28:00 GMT',
          contentType: 'text/plain; charset=utf-8',
          contentLanguage: 'de-DE, en;q=0.5',
          contentEncoding: 'gzip',
          contentDisposition: 'attachment; filename="r(1).bin"',
          cacheControl: 'no-cache',
        },
      }),
    )
    expect(url).toBe(
      'https://examplebucket.s3.us-east-1.amazonaws.com/k?' +
        [
          'response-cache-control=no-cache',
          'response-content-disposition=attachment%3B%20filename%3D%22r%281%29.bin%22',
          'response-content-encoding=gzip',
          'response-content-language=de-DE%2C%20en%3Bq%3D0.5',
          'response-content-type=text%2Fplain%3B%20charset%3Dutf-8',
          'response-expires=Wed%2C%2021%20Oct%202015%2007%3A28%3A00%20GMT',
        ].join('&'),
    )
    expect(s3ObjectUrl(loc({ responseOverrides: { contentDisposition: "inline; filename*=UTF-8''%E2%82%AC.txt" } }))).toBe(
      'https://examplebucket.s3.us-east-1.amazonaws.com/k?response-content-disposition=inline%3B%20filename%2A%3DUTF-8%27%27%25E2%2582%25AC.txt',
    )
    expect(s3ObjectUrl(loc({ responseOverrides: { contentDisposition: 'attachment; filename="€ 😀.txt"' } }))).toBe(
      'https://examplebucket.s3.us-east-1.amazonaws.com/k?response-content-disposition=attachment%3B%20filename%3D%22%E2%82%AC%20%F0%9F%98%80.txt%22',
    )
  })
  test('extra query first, then response-*, then versionId; undefined values are skipped', () => {
    const url = s3ObjectUrl(
      loc({
        query: { partNumber: '1', uploadId: 'a b+c/=', 'x y': '' },
        responseOverrides: { contentType: 'a/b', cacheControl: undefined },
        versionId: 'v1',
      }),
    )
    expect(url).toBe(
      'https://examplebucket.s3.us-east-1.amazonaws.com/k?partNumber=1&uploadId=a%20b%2Bc%2F%3D&x%20y=&response-content-type=a%2Fb&versionId=v1',
    )
    expect(url.split('?')[1]).not.toContain('+')
  })
})

describe('s3ObjectUrl: errors', () => {
  test('bad bucket: InvalidBucket on location.bucket', () => {
    for (const bucket of ['', 'a/b', 'my bucket', 'b\u00e9', 'x'.repeat(256), 'a?b', 123, undefined, null]) {
      expectPresignError(() => s3ObjectUrl(loc({ bucket: bucket as string })), 'InvalidBucket', 'location.bucket')
    }
  })
  test('"." and ".." key segments: InvalidKey on location.key', () => {
    for (const key of ['a/./b', '../x', 'x/..', '.', '..', 'a/../b', '/./', '//..//']) {
      expectPresignError(() => s3ObjectUrl(loc({ key })), 'InvalidKey', 'location.key')
    }
  })
  test('non-string key: InvalidKey on location.key', () => {
    expectPresignError(() => s3ObjectUrl(loc({ key: 42 as unknown as string })), 'InvalidKey', 'location.key')
  })
  test('lone surrogate in the key: InvalidString on location.key', () => {
    for (const key of ['\uD800', 'a\uDC00b', 'x/\uD83D']) {
      expectPresignError(() => s3ObjectUrl(loc({ key })), 'InvalidString', 'location.key')
    }
  })
  test('bad endpoint: InvalidUrl on location.endpoint', () => {
    for (const endpoint of [
      'ftp://x',
      'http://user:pw@h',
      'http://h/?q',
      'http://h/?',
      'http://h/#f',
      'localhost:9000',
      '//h',
      '',
      'http://',
      42,
      null,
    ]) {
      expectPresignError(() => s3ObjectUrl(loc({ endpoint: endpoint as string })), 'InvalidUrl', 'location.endpoint')
    }
  })
  test('bad endpoint host, port or path prefix: InvalidUrl on location.endpoint, not a broken URL', () => {
    for (const endpoint of ['http://h:99999', 'http://h:0', 'http://h:x', 'http://h ex.com', 'http://h/a/./b', 'http://h/../b', 'http://h/%zz']) {
      expectPresignError(() => s3ObjectUrl(loc({ endpoint })), 'InvalidUrl', 'location.endpoint')
    }
  })
  test('bad region: InvalidRegion on location.region', () => {
    for (const region of ['', 'us east 1', '-x', 'a/b', 'x'.repeat(64), 'é', undefined, 7]) {
      expectPresignError(() => s3ObjectUrl(loc({ region: region as string })), 'InvalidRegion', 'location.region')
    }
  })
  test('non-string query values: InvalidOption on the option', () => {
    expectPresignError(() => s3ObjectUrl(loc({ versionId: 1 as unknown as string })), 'InvalidOption', 'location.versionId')
    expectPresignError(
      () => s3ObjectUrl(loc({ responseOverrides: { contentType: {} as unknown as string } })),
      'InvalidOption',
      'location.responseOverrides.contentType',
    )
    expectPresignError(
      () => s3ObjectUrl(loc({ query: { partNumber: 1 as unknown as string } })),
      'InvalidOption',
      'location.query["partNumber"]',
    )
  })
  test('lone surrogate in a query value: InvalidString on that option', () => {
    expectPresignError(() => s3ObjectUrl(loc({ versionId: 'v\uDFFF' })), 'InvalidString', 'location.versionId')
  })
})

describe('presignS3 / presignS3Detailed', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
  test('the URL is s3ObjectUrl plus the signing parameters', async () => {
    const location = loc({ key: 'a b/é', versionId: 'v 1' })
    const url = await presignS3(location, { credentials, signingDate: '2013-05-24T00:00:00Z', expiresIn: 60 })
    expect(url.startsWith(s3ObjectUrl(location) + '&X-Amz-Algorithm=AWS4-HMAC-SHA256&')).toBe(true)
  })
  test('the AWS documentation example (global endpoint given explicitly)', async () => {
    const r = await presignS3Detailed(
      { bucket: 'examplebucket', key: 'test.txt', region: 'us-east-1', endpoint: 'https://s3.amazonaws.com' },
      { credentials, signingDate: '2013-05-24T00:00:00Z', expiresIn: 86400 },
    )
    expect(r.signature).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
  })
  test('location errors reject the promises of presignS3Detailed and presignS3 (neither throws)', async () => {
    await expect(presignS3Detailed(loc({ key: 'a/../b' }), { credentials })).rejects.toMatchObject({ name: 'PresignError', code: 'InvalidKey', field: 'location.key' })
    await expect(presignS3(loc({ endpoint: 'ftp://x' }), { credentials })).rejects.toMatchObject({
      name: 'PresignError',
      code: 'InvalidUrl',
      field: 'location.endpoint',
    })
  })
  test('endpoint errors name location.endpoint, not request.url', async () => {
    await expect(presignS3(loc({ endpoint: 'http://h:99999' }), { credentials })).rejects.toMatchObject({
      code: 'InvalidUrl',
      field: 'location.endpoint',
    })
  })
  test('non-object location or options: InvalidOption', async () => {
    await expect(presignS3Detailed(null as unknown as S3Location, { credentials })).rejects.toMatchObject({ code: 'InvalidOption', field: 'location' })
    await expect(presignS3Detailed(loc({}), 'x' as unknown as { credentials: typeof credentials })).rejects.toMatchObject({ code: 'InvalidOption', field: 'options' })
  })
})
