/**
 * presignPost / verifyPost: AWS's published POST example, URL rules, fields and policy, typed
 * errors (never a secret), every verifyPost rejection, and a property test tying the two together.
 */
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  type PostConditions,
  type PostLocation,
  PresignError,
  type PresignErrorCode,
  type PresignPostOptions,
  type VerifyPostOptions,
  type VerifyPostResult,
  presignPost,
  verifyPost,
} from '../../src/index.js'
import { DOC_CREDENTIALS, DOC_SECRET, TEST_TOKEN as TOKEN, rejection } from '../helpers/fixtures.js'
import { projectRoot } from '../helpers/suite.js'

const T0 = Date.parse('2026-11-25T12:00:00Z')
const lookup = (id: string) => (id === DOC_CREDENTIALS.accessKeyId ? DOC_CREDENTIALS : undefined)
const base: PresignPostOptions = { credentials: DOC_CREDENTIALS, signingDate: T0, expiresIn: 600 }
const loc: PostLocation = { bucket: 'examplebucket', keyPrefix: 'uploads/', region: 'us-east-1' }
const vopts: VerifyPostOptions = { credentials: lookup, now: T0 + 1000, region: 'us-east-1' }

const decode = (b64: string) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] }
function nodeSignature(secret: string, day: string, region: string, text: string): string {
  let k: Buffer = createHmac('sha256', 'AWS4' + secret).update(day).digest()
  for (const part of [region, 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest()
  return createHmac('sha256', k).update(text, 'utf8').digest('hex')
}

function expectFailure(r: VerifyPostResult, code: string, s3Code?: string, message?: string | RegExp): void {
  expect(r.ok, JSON.stringify(r)).toBe(false)
  if (r.ok) return
  expect(r.code).toBe(code)
  if (s3Code) expect(r.s3Code).toBe(s3Code)
  if (typeof message === 'string') expect(r.message).toBe(message)
  else if (message) expect(r.message).toMatch(message)
  expect(JSON.stringify(r)).not.toContain(DOC_SECRET)
}

// ---------------------------------------------------------------------------------------------
// AWS's worked example: "Example: Browser-Based Upload using HTTP POST (Using AWS Signature
// Version 4)" in the S3 API reference publishes this policy (CRLF line ends, one blank line),
// the example credentials, and the signature 8afdbf40…699e. The form spells X-Amz-Credential,
// X-Amz-Algorithm, X-Amz-Date, Policy and X-Amz-Signature in mixed case while the policy says
// x-amz-credential…: field names are case-insensitive. A `submit` field follows the file.
// ---------------------------------------------------------------------------------------------
const AWS_EXAMPLE_POLICY_JSON = [
  '{ "expiration": "2015-12-30T12:00:00.000Z",',
  '  "conditions": [',
  '    {"bucket": "sigv4examplebucket"},',
  '    ["starts-with", "$key", "user/user1/"],',
  '    {"acl": "public-read"},',
  '    {"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},',
  '    ["starts-with", "$Content-Type", "image/"],',
  '    {"x-amz-meta-uuid": "14365123651274"},',
  '    {"x-amz-server-side-encryption": "AES256"},',
  '    ["starts-with", "$x-amz-meta-tag", ""],',
  '',
  '    {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},',
  '    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},',
  '    {"x-amz-date": "20151229T000000Z" }',
  '  ]',
  '}',
].join('\r\n')
const AWS_EXAMPLE_POLICY = Buffer.from(AWS_EXAMPLE_POLICY_JSON, 'utf8').toString('base64')
const AWS_EXAMPLE_SIGNATURE = '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e'
const awsExampleForm = (overrides: Record<string, string> = {}): Array<[string, string | Blob]> => {
  const fields: Record<string, string> = {
    key: 'user/user1/${filename}',
    acl: 'public-read',
    success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
    'Content-Type': 'image/jpeg',
    'x-amz-meta-uuid': '14365123651274',
    'x-amz-server-side-encryption': 'AES256',
    'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Date': '20151229T000000Z',
    'x-amz-meta-tag': '',
    Policy: AWS_EXAMPLE_POLICY,
    'X-Amz-Signature': AWS_EXAMPLE_SIGNATURE,
    ...overrides,
  }
  return [...Object.entries(fields), ['file', new File(['jpeg bytes'], 'photo.jpg')], ['submit', 'Upload to Amazon S3']]
}
const EXAMPLE_NOW = Date.parse('2015-12-29T12:00:00Z')
const exampleOpts: VerifyPostOptions = { credentials: lookup, now: EXAMPLE_NOW }

describe("AWS's published POST example", () => {
  test('the reconstructed policy has the published signature (independent HMAC)', () => {
    expect(nodeSignature(DOC_SECRET, '20151229', 'us-east-1', AWS_EXAMPLE_POLICY)).toBe(AWS_EXAMPLE_SIGNATURE)
  })

  test('verifyPost accepts the published form; the File gives size and filename', async () => {
    const r = await verifyPost({ fields: awsExampleForm(), bucket: 'sigv4examplebucket' }, exampleOpts)
    expect(r).toMatchObject({
      ok: true,
      accessKeyId: DOC_CREDENTIALS.accessKeyId,
      bucket: 'sigv4examplebucket',
      key: 'user/user1/photo.jpg',
      region: 'us-east-1',
      signedAt: new Date('2015-12-29T00:00:00Z'),
      expiresAt: new Date('2015-12-30T12:00:00Z'),
      contentLength: { min: 0, max: 5 * 1024 ** 3 },
      sizeChecked: true,
    })
    // A FormData works the same (what `await request.formData()` gives a worker).
    const form = new FormData()
    for (const [n, v] of awsExampleForm()) form.append(n, v)
    expect((await verifyPost({ fields: form, bucket: 'sigv4examplebucket' }, exampleOpts)).ok).toBe(true)
  })

  test('and rejects it as S3 would', async () => {
    const v = (overrides: Record<string, string>, opts: Partial<VerifyPostOptions> = {}, bucket = 'sigv4examplebucket') =>
      verifyPost({ fields: awsExampleForm(overrides), bucket }, { ...exampleOpts, ...opts })
    expectFailure(await v({}, { now: Date.parse('2015-12-30T12:00:01Z') }), 'Expired', 'AccessDenied', 'Invalid according to Policy: Policy expired.')
    expectFailure(
      await v({ 'Content-Type': 'text/html' }),
      'ConditionFailed',
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]',
    )
    expectFailure(await v({ 'Content-Type': 'image/png, text/html' }), 'ConditionFailed') // every element of a list
    expectFailure(await v({ key: 'user/user2/x' }), 'ConditionFailed', 'AccessDenied', /\["starts-with", "\$key", "user\/user1\/"\]$/)
    expectFailure(await v({ acl: 'public-read-write' }), 'ConditionFailed', 'AccessDenied', /\["eq", "\$acl", "public-read"\]$/)
    expectFailure(await v({}, {}, 'otherbucket'), 'ConditionFailed', 'AccessDenied', /\["eq", "\$bucket", "sigv4examplebucket"\]$/)
    expectFailure(await v({ 'x-amz-meta-extra': '1' }), 'ExtraField', 'AccessDenied', 'Invalid according to Policy: Extra input fields: x-amz-meta-extra')
    expectFailure(await v({ 'X-Amz-Signature': AWS_EXAMPLE_SIGNATURE.replace(/^8/, '9') }), 'SignatureDoesNotMatch', 'SignatureDoesNotMatch')
    expectFailure(await v({ Policy: AWS_EXAMPLE_POLICY.slice(0, -4) }), 'SignatureDoesNotMatch')
    expectFailure(await v({}, { credentials: (id) => (id === DOC_CREDENTIALS.accessKeyId ? { ...DOC_CREDENTIALS, secretAccessKey: 'wrong' } : undefined) }), 'SignatureDoesNotMatch')
    expectFailure(await v({}, { credentials: () => undefined }), 'UnknownAccessKey', 'InvalidAccessKeyId')
    expectFailure(await v({}, { region: 'eu-west-1' }), 'ScopeMismatch')
    // x-ignore-* fields need no condition; an absent x-amz-meta-tag passes ["starts-with", "$x-amz-meta-tag", ""].
    expect((await v({ 'x-ignore-anything': 'x' })).ok).toBe(true)
    const noTag = awsExampleForm().filter(([n]) => n !== 'x-amz-meta-tag')
    expect((await verifyPost({ fields: noTag, bucket: 'sigv4examplebucket' }, exampleOpts)).ok).toBe(true)
    // Fields after the file are ignored, as S3 ignores them.
    const after: Array<[string, string | Blob]> = [...awsExampleForm(), ['x-amz-meta-late', 'ignored']]
    expect((await verifyPost({ fields: after, bucket: 'sigv4examplebucket' }, exampleOpts)).ok).toBe(true)
  })

  test('presignPost writes the same conditions (as a set), in its own order and spelling', async () => {
    const r = await presignPost(
      { bucket: 'sigv4examplebucket', key: 'user/user1/${filename}', region: 'us-east-1' },
      {
        credentials: DOC_CREDENTIALS,
        signingDate: '2015-12-29T00:00:00Z',
        expiresIn: 36 * 3600,
        conditions: {
          acl: 'public-read',
          successActionRedirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
          contentType: { startsWith: 'image/' },
          metadata: { uuid: '14365123651274' },
          other: [{ 'x-amz-server-side-encryption': 'AES256' }, ['starts-with', '$x-amz-meta-tag', '']],
        },
        fields: { 'Content-Type': 'image/jpeg', 'x-amz-meta-tag': '' },
      },
    )
    const aws = JSON.parse(AWS_EXAMPLE_POLICY_JSON) as { expiration: string; conditions: unknown[] }
    const ours = decode(r.fields['policy']!)
    expect(ours.expiration).toBe(aws.expiration)
    const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort()
    expect(sorted(ours.conditions)).toEqual(sorted(aws.conditions))
    // Same form fields as AWS's form (names in our lower-case spelling).
    const lower = (f: Iterable<[string, unknown]>) => Object.fromEntries([...f].filter(([n]) => !['policy', 'x-amz-signature', 'file', 'submit'].includes(n.toLowerCase())).map(([n, v]) => [n.toLowerCase(), v]))
    expect(lower(Object.entries(r.fields))).toEqual(lower(awsExampleForm()))
    expect(r.url).toBe('https://sigv4examplebucket.s3.us-east-1.amazonaws.com/')
    expect(r.fields['x-amz-signature']).toBe(nodeSignature(DOC_SECRET, '20151229', 'us-east-1', r.fields['policy']!))
    // A form built from our fields, with the file, passes verifyPost.
    const form: Array<[string, string | Blob]> = [...Object.entries(r.fields), ['file', new File(['x'], 'a b.png')]]
    expect(await verifyPost({ fields: form, bucket: 'sigv4examplebucket' }, exampleOpts)).toMatchObject({ ok: true, key: 'user/user1/a b.png' })
  })
})

describe('presignPost', () => {
  test('fields, policy and signature', async () => {
    const r = await presignPost(
      { bucket: 'examplebucket', key: 'photos/a b+ü.jpg', region: 'eu-west-1' },
      { credentials: { ...DOC_CREDENTIALS, sessionToken: TOKEN }, signingDate: '2026-11-25T12:00:00.999Z', expiresIn: 300, conditions: { contentType: 'image/jpeg', contentLengthRange: [1, 1024] } },
    )
    expect(r.url).toBe('https://examplebucket.s3.eu-west-1.amazonaws.com/')
    expect(Object.keys(r.fields)).toEqual(['key', 'Content-Type', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'policy', 'x-amz-signature'])
    expect(r.fields).toMatchObject({
      key: 'photos/a b+ü.jpg',
      'Content-Type': 'image/jpeg',
      'x-amz-algorithm': 'AWS4-HMAC-SHA256',
      'x-amz-credential': `${DOC_CREDENTIALS.accessKeyId}/20261125/eu-west-1/s3/aws4_request`,
      'x-amz-date': '20261125T120000Z',
      'x-amz-security-token': TOKEN,
    })
    expect(r.signedAt).toEqual(new Date('2026-11-25T12:00:00Z'))
    expect(r.expiresAt).toEqual(new Date('2026-11-25T12:05:00Z'))
    const policy = decode(r.fields['policy']!)
    expect(policy).toEqual({
      expiration: '2026-11-25T12:05:00.000Z',
      conditions: [
        ['content-length-range', 1, 1024],
        { 'Content-Type': 'image/jpeg' },
        { bucket: 'examplebucket' },
        { key: 'photos/a b+ü.jpg' },
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': `${DOC_CREDENTIALS.accessKeyId}/20261125/eu-west-1/s3/aws4_request` },
        { 'x-amz-date': '20261125T120000Z' },
        { 'x-amz-security-token': TOKEN },
      ],
    })
    // The JSON is compact UTF-8 (not \u-escaped), base64 without Buffer: compare with Buffer here.
    expect(r.fields['policy']).toBe(Buffer.from(JSON.stringify(policy), 'utf8').toString('base64'))
    expect(r.fields['x-amz-signature']).toBe(nodeSignature(DOC_SECRET, '20261125', 'eu-west-1', r.fields['policy']!))
  })

  test('key rules: exact, ${filename} at the end, ${filename} inside, prefix, empty prefix', async () => {
    const keyOf = async (l: Partial<PostLocation>) => {
      const r = await presignPost({ bucket: 'b1', region: 'us-east-1', ...l } as PostLocation, base)
      return [r.fields['key'], decode(r.fields['policy']!).conditions.find((c) => JSON.stringify(c).includes('key'))]
    }
    expect(await keyOf({ key: 'a/b.txt' })).toEqual(['a/b.txt', { key: 'a/b.txt' }])
    expect(await keyOf({ key: 'a/${filename}' })).toEqual(['a/${filename}', ['starts-with', '$key', 'a/']])
    expect(await keyOf({ key: 'a/${filename}.jpg' })).toEqual(['a/${filename}.jpg', { key: 'a/${filename}.jpg' }])
    expect(await keyOf({ keyPrefix: 'user-42/' })).toEqual(['user-42/${filename}', ['starts-with', '$key', 'user-42/']])
    expect(await keyOf({ keyPrefix: '' })).toEqual(['${filename}', ['starts-with', '$key', '']])
    // S3 would store "a/../b" literally, but no presigned URL could fetch it (URL parsers drop dot segments),
    // so POST keys follow presignS3's rule; see 'dot segments in POST keys' below.
    await expect(keyOf({ key: 'a/../b' })).rejects.toMatchObject({ code: 'InvalidKey' })
  })

  test('URL: virtual-hosted, path style, custom endpoints (POST goes to the bucket root)', async () => {
    const url = async (l: Partial<PostLocation>) => (await presignPost({ bucket: 'my-bucket', key: 'k', region: 'us-east-1', ...l } as PostLocation, base)).url
    expect(await url({})).toBe('https://my-bucket.s3.us-east-1.amazonaws.com/')
    expect(await url({ region: 'cn-north-1' })).toBe('https://my-bucket.s3.cn-north-1.amazonaws.com.cn/')
    expect(await url({ forcePathStyle: true })).toBe('https://s3.us-east-1.amazonaws.com/my-bucket')
    expect(await url({ bucket: 'my.bucket' })).toBe('https://s3.us-east-1.amazonaws.com/my.bucket')
    expect(await url({ bucket: 'My_Bucket' })).toBe('https://s3.us-east-1.amazonaws.com/My_Bucket')
    expect(await url({ endpoint: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000/my-bucket')
    expect(await url({ endpoint: 'https://storage.example.com/s3/' })).toBe('https://storage.example.com/s3/my-bucket')
    expect(await url({ endpoint: 'http://localhost:4566', forcePathStyle: false })).toBe('http://my-bucket.localhost:4566/')
    expect(await url({ endpoint: 'https://storage.example.com/s3', forcePathStyle: false })).toBe('https://my-bucket.storage.example.com/s3')
  })

  test('every condition kind; exact conditions become fields; caller fields are kept', async () => {
    const r = await presignPost(loc, {
      ...base,
      conditions: {
        contentLengthRange: [0, 10],
        contentType: { startsWith: 'image/' },
        acl: 'private',
        successActionStatus: 201,
        successActionRedirect: 'https://example.com/done',
        metadata: { 'user-id': '42', note: 'ü "q" \\' },
        cacheControl: 'max-age=60',
        contentDisposition: 'attachment; filename="a.png"',
        other: [{ 'x-amz-server-side-encryption': 'AES256' }, ['eq', '$tagging', '<Tagging/>'], ['starts-with', '$x-amz-meta-tag', 'u-']],
      },
      fields: { 'Content-Type': 'image/png', 'x-amz-meta-tag': 'u-1', 'x-ignore-csrf': 'abc' },
    })
    expect(r.fields).toMatchObject({
      key: 'uploads/${filename}',
      acl: 'private',
      success_action_status: '201',
      success_action_redirect: 'https://example.com/done',
      'Cache-Control': 'max-age=60',
      'Content-Disposition': 'attachment; filename="a.png"',
      'x-amz-meta-user-id': '42',
      'x-amz-meta-note': 'ü "q" \\',
      'x-amz-server-side-encryption': 'AES256',
      tagging: '<Tagging/>',
      'Content-Type': 'image/png',
      'x-amz-meta-tag': 'u-1',
      'x-ignore-csrf': 'abc',
    })
    expect(decode(r.fields['policy']!).conditions.slice(0, 12)).toEqual([
      ['content-length-range', 0, 10],
      ['starts-with', '$Content-Type', 'image/'],
      { acl: 'private' },
      { success_action_status: '201' },
      { success_action_redirect: 'https://example.com/done' },
      { 'Cache-Control': 'max-age=60' },
      { 'Content-Disposition': 'attachment; filename="a.png"' },
      { 'x-amz-meta-user-id': '42' },
      { 'x-amz-meta-note': 'ü "q" \\' },
      { 'x-amz-server-side-encryption': 'AES256' },
      ['eq', '$tagging', '<Tagging/>'],
      ['starts-with', '$x-amz-meta-tag', 'u-'],
    ])
    const ok = await verifyPost({ fields: r.fields, bucket: loc.bucket, fileSize: 10, filename: 'p.png' }, vopts)
    expect(ok).toMatchObject({ ok: true, key: 'uploads/p.png', contentLength: { min: 0, max: 10 } })
  })

  test('a policy of several 4 KiB base64 chunks (6 KiB of multi-byte UTF-8) is base64-encoded correctly', async () => {
    const big = 'é😀'.repeat(1000)
    const r = await presignPost(loc, { ...base, conditions: { metadata: { big } } })
    expect(decode(r.fields['policy']!).conditions[0]).toEqual({ 'x-amz-meta-big': big })
    expect(r.fields['policy']).toBe(Buffer.from(JSON.stringify(r.policy), 'utf8').toString('base64'))
  })
  test("a form whose fields would exceed S3's 20 KiB before the file is refused (MaxPostPreDataLengthExceeded)", async () => {
    const err = await rejection(() => presignPost(loc, { ...base, conditions: { metadata: { big: 'é😀'.repeat(6000) } } }))
    expect(err).toMatchObject({ code: 'InvalidOption', field: 'options.conditions' })
    expect(err.message).toContain('20480')
  })

  test('the library source uses neither Buffer nor node: modules', () => {
    const src = readFileSync(join(projectRoot, 'src', 's3', 'presign-post.ts'), 'utf8')
    expect(src).not.toMatch(/\bBuffer[.(]|from 'node:|import\(|require\(/)
  })
})

// ---------------------------------------------------------------------------------------------
// Typed errors
// ---------------------------------------------------------------------------------------------

type ErrCase = [label: string, code: PresignErrorCode, field: string, location: Partial<Record<keyof PostLocation, unknown>>, options: Partial<Record<keyof PresignPostOptions, unknown>>]
const C = (conditions: unknown) => ({ conditions })
const errorCases: ErrCase[] = [
  ['expiresIn 0', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: 0 }],
  ['expiresIn 604801', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: 604801 }],
  ['expiresIn 1.5', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: 1.5 }],
  ['expiresIn a string', 'InvalidExpiresIn', 'options.expiresIn', {}, { expiresIn: '60' }],
  ['bad signing date', 'InvalidDate', 'options.signingDate', {}, { signingDate: 'soon' }],
  // Found in review: the policy's expiration was written as "+010000-01-01T00:59:59.000Z".
  ['an expiration in year 10000', 'InvalidExpiresIn', 'options.expiresIn', {}, { signingDate: '9999-12-31T23:59:59Z', expiresIn: 3600 }],
  ['no credentials', 'InvalidCredentials', 'options.credentials', {}, { credentials: undefined }],
  ['empty secret', 'InvalidCredentials', 'options.credentials.secretAccessKey', {}, { credentials: { accessKeyId: 'AKIA', secretAccessKey: '' } }],
  ['token not a string', 'InvalidCredentials', 'options.credentials.sessionToken', {}, { credentials: { ...DOC_CREDENTIALS, sessionToken: 5 } }],
  ['bad bucket', 'InvalidBucket', 'location.bucket', { bucket: 'a b' }, {}],
  ['empty bucket', 'InvalidBucket', 'location.bucket', { bucket: '' }, {}],
  ['bad region', 'InvalidRegion', 'location.region', { region: 'us east' }, {}],
  ['bad endpoint', 'InvalidUrl', 'location.endpoint', { endpoint: 'ftp://x' }, {}],
  ['virtual on an IP endpoint', 'InvalidOption', 'location.forcePathStyle', { endpoint: 'http://127.0.0.1:9000', forcePathStyle: false }, {}],
  ['key and keyPrefix', 'InvalidKey', 'location.key', { key: 'a', keyPrefix: 'b/' }, {}],
  ['neither key nor keyPrefix', 'InvalidKey', 'location.key', { keyPrefix: undefined }, {}],
  ['empty key', 'InvalidKey', 'location.key', { keyPrefix: undefined, key: '' }, {}],
  ['key too long', 'InvalidKey', 'location.key', { keyPrefix: undefined, key: 'k'.repeat(1025) }, {}],
  ['key with a lone surrogate', 'InvalidString', 'location.key', { keyPrefix: undefined, key: 'a\ud800' }, {}],
  ['prefix with ${filename}', 'InvalidKey', 'location.keyPrefix', { keyPrefix: 'a/${filename}/' }, {}],
  ['prefix not a string', 'InvalidKey', 'location.keyPrefix', { keyPrefix: 5 }, {}],
  ['range min > max', 'InvalidOption', 'options.conditions.contentLengthRange', {}, C({ contentLengthRange: [10, 9] })],
  ['range negative', 'InvalidOption', 'options.conditions.contentLengthRange', {}, C({ contentLengthRange: [-1, 9] })],
  ['range non-integer', 'InvalidOption', 'options.conditions.contentLengthRange', {}, C({ contentLengthRange: [0, 1.5] })],
  ['range as strings', 'InvalidOption', 'options.conditions.contentLengthRange', {}, C({ contentLengthRange: ['0', '10'] })],
  ['range of one number', 'InvalidOption', 'options.conditions.contentLengthRange', {}, C({ contentLengthRange: [10] })],
  ['contentType a number', 'InvalidOption', 'options.conditions.contentType', {}, C({ contentType: 5 })],
  ['contentType object with another key', 'InvalidOption', 'options.conditions.contentType', {}, C({ contentType: { prefix: 'image/' } })],
  ['successActionStatus 302', 'InvalidOption', 'options.conditions.successActionStatus', {}, C({ successActionStatus: 302 })],
  ['unknown condition name', 'InvalidOption', 'options.conditions.maxSize', {}, C({ maxSize: 10 })],
  ['metadata name with a space', 'InvalidOption', 'options.conditions.metadata["a b"]', {}, C({ metadata: { 'a b': 'x' } })],
  ['metadata value not a string', 'InvalidOption', 'options.conditions.metadata["a"]', {}, C({ metadata: { a: 1 } })],
  [
    'exact contentType vs a starts-with it does not satisfy',
    'InvalidOption',
    'options.conditions.other[0]',
    {},
    C({ contentType: 'image/png', other: [['starts-with', '$Content-Type', 'text/']] }),
  ],
  ['two exact values for one field', 'InvalidOption', 'options.conditions.other[0]', {}, C({ acl: 'private', other: [{ ACL: 'public-read' }] })],
  [
    'two starts-with that no value satisfies',
    'InvalidOption',
    'options.conditions.contentType.startsWith',
    {},
    C({ contentType: { startsWith: 'image/' }, other: [['starts-with', '$content-type', 'video/']] }),
  ],
  ['ranges that do not overlap', 'InvalidOption', 'options.conditions.other[0]', {}, C({ contentLengthRange: [0, 10], other: [['content-length-range', 11, 20]] })],
  ['Content-Type prefix with a comma', 'InvalidOption', 'options.conditions.contentType.startsWith', {}, C({ contentType: { startsWith: 'image/png,' } })],
  ['other: condition on $key', 'InvalidOption', 'options.conditions.other[0]', {}, C({ other: [['starts-with', '$key', 'x']] })],
  ['other: condition on bucket', 'InvalidOption', 'options.conditions.other[0]', {}, C({ other: [{ bucket: 'x' }] })],
  ['other: condition on x-amz-date', 'InvalidOption', 'options.conditions.other[0]', {}, C({ other: [{ 'x-amz-date': 'x' }] })],
  ['other: unknown operator', 'InvalidOption', 'options.conditions.other[0]', {}, C({ other: [['matches', '$acl', 'x']] })],
  ['other: field without $', 'InvalidOption', 'options.conditions.other[0]', {}, C({ other: [['eq', 'acl', 'x']] })],
  ['other: empty object', 'InvalidOption', 'options.conditions.other[0]', {}, C({ other: [{}] })],
  ['other: not an array', 'InvalidOption', 'options.conditions.other', {}, C({ other: { acl: 'x' } })],
  ['field with no condition', 'InvalidOption', 'options.fields["x-amz-meta-a"]', {}, { fields: { 'x-amz-meta-a': '1' } }],
  ['field contradicting its exact condition', 'InvalidOption', 'options.fields["Content-Type"]', {}, { conditions: { contentType: 'image/png' }, fields: { 'Content-Type': 'text/plain' } }],
  [
    'field contradicting its starts-with',
    'InvalidOption',
    'options.fields["Content-Type"]',
    {},
    { conditions: { contentType: { startsWith: 'image/' } }, fields: { 'Content-Type': 'text/plain' } },
  ],
  ['field named key', 'InvalidOption', 'options.fields["key"]', {}, { fields: { key: 'x' } }],
  ['field named policy', 'InvalidOption', 'options.fields["Policy"]', {}, { fields: { Policy: 'x' } }],
  ['field named file', 'InvalidOption', 'options.fields["file"]', {}, { fields: { file: 'x' } }],
  ['field given twice', 'InvalidOption', 'options.fields["content-type"]', {}, { conditions: { contentType: { startsWith: '' } }, fields: { 'Content-Type': 'a', 'content-type': 'b' } }],
  ['field value not a string', 'InvalidOption', 'options.fields["x-ignore-a"]', {}, { fields: { 'x-ignore-a': 1 } }],
]

describe('typed errors (never a secret or token in any rendering)', () => {
  test.each(errorCases)('%s', async (_label, code, field, location, options) => {
    const err = await rejection(() =>
      presignPost({ ...loc, ...location } as PostLocation, { ...base, credentials: { ...DOC_CREDENTIALS, sessionToken: TOKEN }, ...options } as PresignPostOptions),
    )
    expect(err.code).toBe(code)
    expect(err.field).toBe(field)
  })
  test('a non-object location or options', async () => {
    expect((await rejection(() => presignPost(null as unknown as PostLocation, base))).field).toBe('location')
    expect((await rejection(() => presignPost(loc, 'x' as unknown as PresignPostOptions))).field).toBe('options')
  })
  test('verifyPost throws only for bad options', async () => {
    await expect(verifyPost({ fields: {}, bucket: 'b' }, {} as VerifyPostOptions)).rejects.toBeInstanceOf(PresignError)
    await expect(verifyPost({ fields: {}, bucket: 'b' }, { credentials: lookup, now: Number.NaN })).rejects.toBeInstanceOf(PresignError)
  })
})

// ---------------------------------------------------------------------------------------------
// verifyPost: every rejection
// ---------------------------------------------------------------------------------------------
describe('verifyPost rejections', () => {
  const conditions: PostConditions = { contentLengthRange: [10, 100], contentType: 'image/png', metadata: { a: '1' } }
  const signed = () => presignPost(loc, { ...base, credentials: { ...DOC_CREDENTIALS, sessionToken: TOKEN }, conditions })
  const tokenLookup = (id: string) => (id === DOC_CREDENTIALS.accessKeyId ? { ...DOC_CREDENTIALS, sessionToken: TOKEN } : undefined)
  const check = async (edit: (f: Record<string, string>) => void, fileSize = 50, opts: Partial<VerifyPostOptions> = {}) => {
    const f = { ...(await signed()).fields }
    edit(f)
    return verifyPost({ fields: f, fileSize, bucket: loc.bucket }, { ...vopts, credentials: tokenLookup, ...opts })
  }

  test('accepts the form as signed; the size bounds are inclusive', async () => {
    for (const size of [10, 100]) expect((await check(() => {}, size)).ok).toBe(true)
  })
  test('content-length-range: EntityTooLarge / EntityTooSmall, with S3 wording', async () => {
    const large = await check(() => {}, 101)
    expectFailure(large, 'EntityTooLarge', 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')
    expect(!large.ok && large.status).toBe(400)
    expectFailure(await check(() => {}, 9), 'EntityTooSmall', 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size')
  })
  test('without a size, the bounds are returned for the caller to enforce while streaming', async () => {
    const f = (await signed()).fields
    expect(await verifyPost({ fields: f, bucket: loc.bucket }, { ...vopts, credentials: tokenLookup })).toMatchObject({ ok: true, sizeChecked: false, contentLength: { min: 10, max: 100 } })
  })
  test('conditions, extra fields, missing fields', async () => {
    expectFailure(await check((f) => (f['Content-Type'] = 'image/gif')), 'ConditionFailed', 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/png"]')
    expectFailure(await check((f) => delete f['Content-Type']), 'ConditionFailed')
    expectFailure(await check((f) => (f['key'] = 'elsewhere/x')), 'ConditionFailed', 'AccessDenied', /"\$key", "uploads\/"\]$/)
    expectFailure(await check((f) => (f['x-amz-meta-b'] = '2')), 'ExtraField', 'AccessDenied', 'Invalid according to Policy: Extra input fields: x-amz-meta-b')
    expectFailure(await check((f) => delete f['key']), 'MalformedForm', 'InvalidArgument')
    expectFailure(await check((f) => delete f['policy']), 'MalformedForm', 'InvalidArgument', /missing: policy$/)
    expectFailure(await check((f) => delete f['x-amz-signature']), 'MalformedForm')
    expectFailure(await check((f) => (f['x-amz-algorithm'] = 'AWS4-HMAC-SHA512')), 'UnsupportedAlgorithm')
    expectFailure(await check((f) => (f['x-amz-credential'] = 'AKIA/20261125/us-east-1/s3')), 'MalformedForm')
    expectFailure(await check((f) => (f['x-amz-date'] = '20261125T250000Z')), 'MalformedForm')
    expectFailure(await check((f) => (f['x-amz-date'] = '20261126T120000Z')), 'ScopeMismatch')
  })
  test('signature, token, key, service', async () => {
    expectFailure(await check((f) => (f['x-amz-signature'] = '0'.repeat(64))), 'SignatureDoesNotMatch', 'SignatureDoesNotMatch')
    expectFailure(await check((f) => (f['x-amz-signature'] = 'short')), 'SignatureDoesNotMatch')
    // A policy re-encoded (other JSON spelling, same content) is another string to sign.
    expectFailure(await check((f) => (f['policy'] = Buffer.from(JSON.stringify(decode(f['policy']!), null, 1)).toString('base64'))), 'SignatureDoesNotMatch')
    expectFailure(await check((f) => (f['x-amz-security-token'] = 'other')), 'InvalidToken', 'InvalidToken')
    // A form with a token under credentials without one: S3 refuses the token (as verifyPresigned does).
    expectFailure(await check(() => {}, 50, { credentials: lookup }), 'InvalidToken', 'InvalidToken')
    expectFailure(await check(() => {}, 50, { service: 'execute-api' }), 'ScopeMismatch')
    expectFailure(await check(() => {}, 50, { now: T0 + 600_001 }), 'Expired', 'AccessDenied', 'Invalid according to Policy: Policy expired.')
    expect((await check(() => {}, 50, { now: T0 + 600_000 })).ok).toBe(true)
  })
  test('malformed forms and policies never throw', async () => {
    const sign = async (doc: string) => {
      const policy = Buffer.from(doc).toString('base64')
      const fields: Record<string, string> = {
        key: 'k',
        policy,
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-credential': `${DOC_CREDENTIALS.accessKeyId}/20261125/us-east-1/s3/aws4_request`,
        'x-amz-date': '20261125T120000Z',
        'x-amz-signature': nodeSignature(DOC_SECRET, '20261125', 'us-east-1', policy),
      }
      return verifyPost({ fields, bucket: 'b', fileSize: 1 }, vopts)
    }
    expectFailure(await sign('not json'), 'InvalidPolicyDocument', 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.')
    expectFailure(await sign('{"conditions":[]}'), 'InvalidPolicyDocument', undefined, 'Invalid Policy: Policy missing expiration.')
    expectFailure(await sign('{"expiration":"tomorrow","conditions":[]}'), 'InvalidPolicyDocument', undefined, /Invalid 'expiration' value/)
    expectFailure(await sign('{"expiration":"2026-11-25T12:10:00Z"}'), 'InvalidPolicyDocument', undefined, 'Invalid Policy: Policy missing conditions.')
    expectFailure(await sign('{"expiration":"2026-11-25T12:10:00Z","conditions":[{"acl":1}]}'), 'InvalidPolicyDocument', undefined, /value must be a string/)
    expectFailure(await sign('{"expiration":"2026-11-25T12:10:00Z","conditions":[["like","$acl","x"]]}'), 'InvalidPolicyDocument')
    expectFailure(await sign('{"expiration":"2026-11-25T12:10:00Z","conditions":[["content-length-range",-1,5]]}'), 'InvalidPolicyDocument')
    // Every field must be covered: this policy covers none of the x-amz-* fields.
    expectFailure(await sign('{"expiration":"2026-11-25T12:10:00Z","conditions":[{"key":"k"}]}'), 'ExtraField', 'AccessDenied', /x-amz-algorithm, x-amz-credential, x-amz-date$/)
    // content-length-range bounds given as digit strings are accepted, as S3 does.
    const ok = await sign(
      JSON.stringify({
        expiration: '2026-11-25T12:10:00.5Z',
        conditions: [{ key: 'k' }, ['content-length-range', '0', '5'], { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, ['starts-with', '$x-amz-credential', ''], ['starts-with', '$x-amz-date', '']],
      }),
    )
    expect(ok).toMatchObject({ ok: true, contentLength: { min: 0, max: 5 }, expiresAt: new Date('2026-11-25T12:10:00.500Z') })
    for (const fields of [null, 5, [['a']], [[1, 'x']], [['a', 1]], [['A', 'x'], ['a', 'y']]] as unknown[]) {
      expectFailure(await verifyPost({ fields, bucket: 'b' } as never, vopts), 'MalformedForm')
    }
    expectFailure(await verifyPost({ fields: {}, bucket: '' }, vopts), 'MalformedForm')
    expectFailure(await verifyPost({ fields: {}, bucket: 'b', fileSize: -1 }, vopts), 'MalformedForm')
  })
})

// ---------------------------------------------------------------------------------------------
// Property: anything presignPost accepts, verifyPost accepts (for a file within the range, with
// a browser value for every starts-with field), and it rejects a file one byte too large.
// ---------------------------------------------------------------------------------------------
describe('property: presignPost and verifyPost agree', () => {
  const text = fc.string({ maxLength: 12, unit: 'grapheme' })
  const conditionsArb = fc.record(
    {
      contentLengthRange: fc.tuple(fc.nat(1000), fc.nat(1000)),
      contentType: fc.oneof(text, fc.record({ startsWith: text })),
      acl: fc.constantFrom('private', 'public-read'),
      successActionStatus: fc.constantFrom(200, 201, 204, '201'),
      metadata: fc.dictionary(fc.stringMatching(/^[a-z0-9-]{1,8}$/), text, { maxKeys: 3 }),
      cacheControl: text,
      other: fc.array(
        fc.oneof(
          fc.record({ 'x-amz-storage-class': fc.constantFrom('STANDARD', 'GLACIER_IR') }),
          fc.tuple(fc.constant('starts-with' as const), fc.constantFrom('$x-amz-meta-tag', '$Content-Encoding', '$Content-Type'), text),
          fc.tuple(fc.constant('eq' as const), fc.constantFrom('$x-amz-meta-tag', '$Expires'), text),
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  )
  test('random conditions', async () => {
    let verified = 0
    await fc.assert(
      fc.asyncProperty(conditionsArb, fc.option(text, { nil: undefined }), fc.boolean(), async (conditions, prefix, token) => {
        let r: Awaited<ReturnType<typeof presignPost>>
        try {
          r = await presignPost(
            { bucket: 'b-1', region: 'us-east-1', ...(prefix === undefined ? { key: 'k/${filename}' } : { keyPrefix: prefix }) },
            { ...base, credentials: { ...DOC_CREDENTIALS, sessionToken: token ? TOKEN : undefined }, conditions: conditions as PostConditions },
          )
        } catch (e) {
          expect(e).toBeInstanceOf(PresignError)
          expect(String((e as PresignError).message)).not.toContain(DOC_SECRET)
          return
        }
        // A browser value for each starts-with field without one: the longest prefix (presignPost
        // guarantees the prefixes of one field extend each other) plus a letter.
        const form: Record<string, string> = { ...r.fields }
        const have = new Set(Object.keys(form).map((n) => n.toLowerCase()))
        const longest = new Map<string, [string, string]>()
        for (const c of r.policy.conditions) {
          if (!Array.isArray(c) || c[0] !== 'starts-with') continue
          const name = String(c[1]).slice(1)
          const prev = longest.get(name.toLowerCase())
          if (!have.has(name.toLowerCase()) && (!prev || String(c[2]).length > prev[1].length)) longest.set(name.toLowerCase(), [name, String(c[2])])
        }
        for (const [name, prefix] of longest.values()) form[name] = prefix + 'x'
        const lookupT = (id: string) => (id === DOC_CREDENTIALS.accessKeyId ? { ...DOC_CREDENTIALS, sessionToken: token ? TOKEN : undefined } : undefined)
        const range = r.policy.conditions.filter((c): c is readonly ['content-length-range', number, number] => Array.isArray(c) && c[0] === 'content-length-range')
        const max = Math.min(5 * 1024 ** 3, ...range.map((c) => c[2]))
        const min = Math.max(0, ...range.map((c) => c[1]))
        const ok = await verifyPost({ fields: form, fileSize: max, bucket: 'b-1' }, { ...vopts, credentials: lookupT })
        expect(ok, JSON.stringify(ok)).toMatchObject({ ok: true, contentLength: { min, max } })
        expectFailure(await verifyPost({ fields: form, fileSize: max + 1, bucket: 'b-1' }, { ...vopts, credentials: lookupT }), 'EntityTooLarge')
        verified++
      }),
      { numRuns: 300, seed: 20261125 },
    )
    // Most generated condition sets are rejected (e.g. a content-length-range that cannot hold); enough must get
    // through for the checks above to mean something.
    expect(verified).toBeGreaterThan(100)
  })
})

// ---------------------------------------------------------------------------------------------
// The snippets of docs/put-or-post.md (the guide the README links to as "PUT URL or POST policy?")
// run as written (imports stripped, free variables supplied), and do what their comments say.
// ---------------------------------------------------------------------------------------------
describe('docs/put-or-post.md: PUT URL or POST policy?', () => {
  const guide = readFileSync(join(projectRoot, 'docs', 'put-or-post.md'), 'utf8')
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8')
  const blocks = [...guide.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^import .*$/gm, ''))
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>

  test('the guide exists, with one title and three snippets, and the README links to it', () => {
    expect(guide.startsWith('# PUT URL or POST policy?\n')).toBe(true)
    expect(guide.match(/^# .*$/gm)).toEqual(['# PUT URL or POST policy?'])
    expect(guide.length).toBeGreaterThan(1000)
    expect(blocks.length).toBe(3)
    expect(readme).toContain('](docs/put-or-post.md)')
  })

  test('sign, upload from the browser snippet, verify in the gateway snippet', async () => {
    const signed = (await new AsyncFunction('presignPost', 'userId', 'accessKeyId', 'secretAccessKey', 'sessionToken', blocks[0] + '\nreturn { url, fields }')(
      presignPost,
      42,
      DOC_CREDENTIALS.accessKeyId,
      DOC_SECRET,
      TOKEN,
    )) as { url: string; fields: Record<string, string> }
    expect(signed.url).toBe('https://examplebucket.s3.us-east-1.amazonaws.com/')
    expect(Object.keys(signed.fields)).toEqual(['key', 'success_action_status', 'x-amz-meta-user-id', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'policy', 'x-amz-signature'])
    expect(signed.fields).toMatchObject({ key: 'uploads/42/${filename}', success_action_status: '201', 'x-amz-meta-user-id': '42' })

    const tokenLookup = (id: string) => (id === DOC_CREDENTIALS.accessKeyId ? { ...DOC_CREDENTIALS, sessionToken: TOKEN } : undefined)
    // "fetch" to S3: the gateway snippet answers, on the FormData the browser snippet built.
    const gateway = new AsyncFunction('verifyPost', 'request', 'lookup', blocks[2] + '\nreturn r')
    const fakeS3 = async (_url: string, init: { body: FormData }) => {
      const r = (await gateway(verifyPost, { formData: async () => init.body }, tokenLookup)) as Response | VerifyPostResult
      if (r instanceof Response) return r
      return new Response(`<PostResponse><Key>${r.ok ? r.key : ''}</Key></PostResponse>`, { status: 201 })
    }
    const browser = new AsyncFunction('fields', 'url', 'file', 'fetch', blocks[1] + '\nreturn res')
    const ok = (await browser(signed.fields, signed.url, new File(['png'], 'photo.jpg', { type: 'image/jpeg' }), fakeS3)) as Response
    expect([ok.status, await ok.text()]).toEqual([201, '<PostResponse><Key>uploads/42/photo.jpg</Key></PostResponse>'])
    const tooBig = (await browser(signed.fields, signed.url, new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'big.jpg', { type: 'image/jpeg' }), fakeS3)) as Response
    expect([tooBig.status, await tooBig.text()]).toEqual([400, 'Your proposed upload exceeds the maximum allowed size'])
    const pdf = (await browser(signed.fields, signed.url, new File(['%PDF'], 'a.pdf', { type: 'application/pdf' }), fakeS3)) as Response
    expect([pdf.status, await pdf.text()]).toEqual([403, 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]'])
  })
})

describe('dot segments in POST keys (as in presignS3)', () => {
  const base = { bucket: 'examplebucket', region: 'us-east-1' }
  const opts = { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } }
  test.each([
    [{ key: 'users/alice/../bob/x.png' }, 'location.key'],
    [{ key: './x' }, 'location.key'],
    [{ key: 'a/../${filename}' }, 'location.key'],
    [{ keyPrefix: 'users/../' }, 'location.keyPrefix'],
  ])('%j is an InvalidKey error', async (loc, field) => {
    await expect(presignPost({ ...base, ...loc }, opts)).rejects.toMatchObject({ code: 'InvalidKey', field })
  })
  test('a prefix ending in "." (a file name like ".env" follows) is fine', async () => {
    await expect(presignPost({ ...base, keyPrefix: 'users/alice/.' }, opts)).resolves.toHaveProperty('url')
  })
})

describe('bounds', () => {
  // Found by mutation testing: each test fails if the rule it names is dropped or its bound moved by one.
  const D = '2013-05-24T00:00:00Z'
  const now = Date.parse(D)
  const post = (location: Partial<PostLocation>, options: Partial<PresignPostOptions> = {}) =>
    presignPost({ bucket: 'b', region: 'us-east-1', ...location } as PostLocation, { credentials: DOC_CREDENTIALS, signingDate: D, ...options })
  const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code: string }) => e.code)
  test('keys have at most 1024 bytes; a prefix leaves room for "${filename}"', async () => {
    expect(await code(post({ key: 'a'.repeat(1024) }))).toBe('ok')
    expect(await code(post({ key: 'a'.repeat(1025) }))).toBe('InvalidKey')
    expect(await code(post({ keyPrefix: 'a'.repeat(1013) }))).toBe('ok')
    expect(await code(post({ keyPrefix: 'a'.repeat(1014) }))).toBe('InvalidKey')
  })
  test('content-length ranges that only touch, or hold one value, are satisfiable', async () => {
    expect(await code(post({ key: 'k' }, { conditions: { contentLengthRange: [0, 10], other: [['content-length-range', 10, 20]] } }))).toBe('ok')
    expect(await code(post({ key: 'k' }, { conditions: { other: [['content-length-range', 5, 5]] } }))).toBe('ok')
  })
  test('a Content-Type list with spaces after the commas matches starts-with element by element', async () => {
    const p = await post({ key: 'k' }, { conditions: { contentType: { startsWith: 'image/' } } })
    const r = await verifyPost({ fields: { ...p.fields, 'Content-Type': 'image/png, image/jpeg' }, bucket: 'b' }, { credentials: lookup, now })
    expect(r).toMatchObject({ ok: true })
  })
  test('a repeated form field is MalformedForm', async () => {
    const p = await post({ key: 'k' }, { conditions: { acl: 'private' } })
    const fields: [string, string][] = [...Object.entries(p.fields), ['ACL', 'public-read']]
    expect(await verifyPost({ fields, bucket: 'b' }, { credentials: lookup, now })).toMatchObject({ ok: false, code: 'MalformedForm' })
  })
})
