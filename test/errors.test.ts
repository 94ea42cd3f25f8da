/** Bad input: every case is a PresignError with a stable code, a field, and a message naming the field — never a secret. */
import { describe, expect, test } from 'vitest'
import { type PresignErrorCode, type PresignOptions, type PresignRequest, presign, presignPost, presignS3 } from '../src/index.js'
import { DOC_CREDENTIALS, DOC_SECRET, TEST_TOKEN as TOKEN, rejection } from './helpers/fixtures.js'

const base: PresignOptions = {
  credentials: { ...DOC_CREDENTIALS, sessionToken: TOKEN },
  region: 'us-east-1',
  service: 's3',
  signingDate: '2013-05-24T00:00:00Z',
}
const url = 'https://examplebucket.s3.us-east-1.amazonaws.com/test.txt'


type Case = [label: string, code: PresignErrorCode, field: string, request: Partial<PresignRequest>, options: Partial<Record<keyof PresignOptions, unknown>>]

const cases: Case[] = [
  ['credentials missing', 'InvalidCredentials', 'options.credentials', {}, { credentials: undefined }],
  ['credentials not an object', 'InvalidCredentials', 'options.credentials', {}, { credentials: 'AKIA:secret' }],
  ['empty access key id', 'InvalidCredentials', 'options.credentials.accessKeyId', {}, { credentials: { accessKeyId: '', secretAccessKey: DOC_SECRET } }],
  ['access key id with a slash', 'InvalidCredentials', 'options.credentials.accessKeyId', {}, { credentials: { accessKeyId: 'AK/IA', secretAccessKey: DOC_SECRET } }],
  ['missing secret', 'InvalidCredentials', 'options.credentials.secretAccessKey', {}, { credentials: { accessKeyId: 'AKIA' } }],
  ['empty secret', 'InvalidCredentials', 'options.credentials.secretAccessKey', {}, { credentials: { accessKeyId: 'AKIA', secretAccessKey: '' } }],
  ['non-string session token', 'InvalidCredentials', 'options.credentials.sessionToken', {}, { credentials: { ...DOC_CREDENTIALS, sessionToken: 42 } }],
  ['expiresIn 0', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: 0 }],
  ['expiresIn -1', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: -1 }],
  ['expiresIn 1.5', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: 1.5 }],
  ['expiresIn NaN', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: Number.NaN }],
  ['expiresIn Infinity', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: Number.POSITIVE_INFINITY }],
  ['expiresIn 604801', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: 604801 }],
  ['expiresIn a string', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: '300' }],
  ['invalid date string', 'InvalidDate', 'options.signingDate', {}, { signingDate: 'yesterday-ish' }],
  ['invalid Date', 'InvalidDate', 'options.signingDate', {}, { signingDate: new Date(Number.NaN) }],
  ['date before 1970', 'InvalidDate', 'options.signingDate', {}, { signingDate: -1000 }],
  ['date after 9999', 'InvalidDate', 'options.signingDate', {}, { signingDate: '+010000-01-01T00:00:00Z' }],
  ['date of a wrong type', 'InvalidDate', 'options.signingDate', {}, { signingDate: {} }],
  // Passes instanceof Date and has no time value: its getTime throws a TypeError, which must not escape.
  ['a Date-prototype object without a time', 'InvalidDate', 'options.signingDate', {}, { signingDate: Object.create(Date.prototype) }],
  ['credentials expiration: a Date-prototype object', 'InvalidDate', 'options.credentials.expiration', {}, { credentials: { ...DOC_CREDENTIALS, expiration: Object.create(Date.prototype) } }],
  ['relative URL', 'InvalidUrl', 'request.url', { url: '/bucket/key' }, {}],
  ['protocol-relative URL', 'InvalidUrl', 'request.url', { url: '//bucket.s3.amazonaws.com/key' }, {}],
  ['non-http scheme', 'InvalidUrl', 'request.url', { url: 'ftp://example.com/key' }, {}],
  ['s3:// URI', 'InvalidUrl', 'request.url', { url: 's3://bucket/key' }, {}],
  ['URL with credentials', 'InvalidUrl', 'request.url', { url: 'https://user:pw@example.com/key' }, {}],
  ['URL with fragment', 'InvalidUrl', 'request.url', { url: 'https://example.com/key#frag' }, {}],
  ['URL with empty host', 'InvalidUrl', 'request.url', { url: 'https:///key' }, {}],
  ['URL with port 0', 'InvalidUrl', 'request.url', { url: 'http://127.0.0.1:0/key' }, {}],
  ['URL with port 70000', 'InvalidUrl', 'request.url', { url: 'http://127.0.0.1:70000/key' }, {}],
  ['URL with non-ASCII host', 'InvalidUrl', 'request.url', { url: 'https://bücher.example/key' }, {}],
  ['URL with bad escape', 'InvalidUrl', 'request.url', { url: 'https://example.com/a%zz' }, {}],
  ['URL with bad escape in query', 'InvalidUrl', 'request.url', { url: 'https://example.com/a?b=%4' }, {}],
  ['URL with control character', 'InvalidUrl', 'request.url', { url: 'https://example.com/a\nb' }, {}],
  ['S3 URL with a dot segment', 'InvalidUrl', 'request.url', { url: 'https://example.com/a/../b' }, {}],
  ['URL not a string', 'InvalidUrl', 'request.url', { url: 42 as unknown as string }, {}],
  ['URL already presigned', 'AlreadySigned', 'request.url', { url: `${url}?X-Amz-Signature=abc` }, {}],
  ['URL with X-Amz-Credential', 'AlreadySigned', 'request.url', { url: `${url}?x-amz-credential=abc` }, {}],
  ['URL with X-Amz-Security-Token', 'AlreadySigned', 'request.url', { url: `${url}?X-Amz-Security-Token=abc` }, {}],
  ['region with a slash', 'InvalidRegion', 'options.region', {}, { region: 'us-east-1/x' }],
  ['region with a space', 'InvalidRegion', 'options.region', {}, { region: 'us east' }],
  ['empty region', 'InvalidRegion', 'options.region', {}, { region: '' }],
  ['missing region', 'InvalidRegion', 'options.region', {}, { region: undefined }],
  ['service with a newline', 'InvalidService', 'options.service', {}, { service: 's3\n' }],
  ['missing service', 'InvalidService', 'options.service', {}, { service: undefined }],
  ['method with a space', 'InvalidMethod', 'request.method', { method: 'GET X' }, {}],
  ['header name with a newline', 'InvalidHeader', 'request.headers', { headers: { 'x-a\nb': '1' } }, {}],
  ['header name with a colon', 'InvalidHeader', 'request.headers', { headers: { 'x-a:b': '1' } }, {}],
  ['header value with a newline', 'InvalidHeader', 'request.headers["x-a"]', { headers: { 'x-a': 'one\r\nx-evil: 1' } }, {}],
  ['header value non-ASCII', 'InvalidHeader', 'request.headers["x-amz-meta-name"]', { headers: { 'x-amz-meta-name': 'café' } }, {}],
  ['header value not a string', 'InvalidHeader', 'request.headers["x-a"]', { headers: { 'x-a': {} as unknown as string } }, {}],
  ['host header differing from the URL', 'InvalidHeader', 'request.headers["host"]', { headers: { host: 'evil.example' } }, {}],
  ['payload hash not hex', 'InvalidPayloadHash', 'options.payloadHash', {}, { payloadHash: 'abc' }],
  ['lone surrogate in query', 'InvalidString', 'request.url', { url: `${url}?k=\uD800` }, {}],
  ['lone surrogate in path', 'InvalidString', 'request.url', { url: 'https://example.com/\uDC00' }, {}],
  ['lone surrogate in session token', 'InvalidString', 'options.credentials.sessionToken', {}, { credentials: { ...DOC_CREDENTIALS, sessionToken: 'abc\uD800' } }],
]

describe('presign rejects bad input with typed errors', () => {
  test.each(cases)('%s', async (_label, code, field, request, options) => {
    const err = await rejection(() =>
      presign({ url, ...request } as PresignRequest, { ...base, ...options } as unknown as PresignOptions),
    )
    expect(err.code).toBe(code)
    expect(err.field).toBe(field)
    expect(err.name).toBe('PresignError')
  })

  test('a non-object request or options', async () => {
    expect((await rejection(() => presign(null as unknown as PresignRequest, base))).field).toBe('request')
    expect((await rejection(() => presign({ url }, null as unknown as PresignOptions))).field).toBe('options')
  })

  test('the S3 helper rejects a lone surrogate in the key', async () => {
    const err = await rejection(() =>
      presignS3({ bucket: 'examplebucket', key: 'a\uD800b', region: 'us-east-1' }, { credentials: base.credentials }),
    )
    expect(err.code).toBe('InvalidString')
    expect(err.field).toBe('location.key')
  })

  test('messages name the allowed range', async () => {
    const err = await rejection(() => presign({ url }, { ...base, expiresIn: 604801 }))
    expect(err.message).toContain('1..604800')
    expect(err.message).toContain('604801')
  })

  test('edges of expiresIn are accepted', async () => {
    await expect(presign({ url }, { ...base, expiresIn: 1 })).resolves.toContain('X-Amz-Expires=1&')
    await expect(presign({ url }, { ...base, expiresIn: 604800 })).resolves.toContain('X-Amz-Expires=604800&')
  })
})

describe('message format', () => {
  // Found by mutation testing: each test fails if the rule it names is dropped or its bound moved by one.
  const options = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3' }
  test('"<field>: <rule>, got <described value>"', async () => {
    await expect(presign({ url: 'https://e.com/' }, { ...options, region: '' })).rejects.toThrow(/^options\.region: .*, got an empty string$/)
    await expect(presign({ url: 'https://e.com/' }, { ...options, region: [] as never })).rejects.toThrow(/^options\.region: .*, got an array$/)
  })
})

describe('secrets and silently lost options', () => {
  test('a numeric secret or session token is described by its type, never printed', async () => {
    for (const credentials of [{ accessKeyId: 'AKIA', secretAccessKey: 987654321012 }, { ...DOC_CREDENTIALS, sessionToken: 987654321012 }]) {
      const err = await rejection(() => presign({ url }, { ...base, credentials } as unknown as PresignOptions))
      expect(err.code).toBe('InvalidCredentials')
      expect(err.message).toMatch(/, got a number$/)
      expect(err.message).not.toContain('987654321012')
    }
  })

  test('a Map or URLSearchParams where a plain object is expected is refused, not read as empty', async () => {
    const location = { bucket: 'examplebucket', key: 'k', region: 'us-east-1' }
    const given = [new URLSearchParams({ versionId: '42' }), new Map([['versionId', '42']])]
    for (const value of given) {
      for (const field of ['query', 'responseOverrides'] as const) {
        const err = await rejection(() => presignS3({ ...location, [field]: value } as never, { credentials: base.credentials }))
        expect([err.code, err.field]).toEqual(['InvalidOption', `location.${field}`])
        expect(err.message).toContain('Object.fromEntries')
      }
      const post = [{ conditions: { metadata: value } }, { fields: value }] as const
      for (const [i, extra] of post.entries()) {
        const err = await rejection(() => presignPost({ ...location }, { credentials: base.credentials, ...extra } as never))
        expect([err.code, err.field]).toEqual(['InvalidOption', i === 0 ? 'options.conditions.metadata' : 'options.fields'])
      }
    }
  })
})
