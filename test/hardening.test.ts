/**
 * The defects of the verify-hardening issue, one test each (item numbers as in the issue). Each test failed on
 * b42fd3c, the commit the issue was measured on, and passes since the fix. The broader hostile-input suites are
 * verify-hostile, post-hostile, linear-time, examples-hostile and cli-hostile.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import {
  type Credentials,
  PresignError,
  type VerifyPostResult,
  type VerifyResult,
  presign,
  presignDetailed,
  presignMany,
  presignPost,
  presignS3,
  presignS3MultiRegion,
  presignSync,
  presignV4a,
  s3ObjectUrl,
  verifyPost,
  verifyPresigned,
} from '../src/index.js'
import { KeyCache } from '../src/core/key-cache.js'
import { type VerifySyncOptions, verifyPresignedSync } from '../src/verify/verify-presigned-sync.js'
import { DOC_CREDENTIALS, DOC_SECRET } from './helpers/fixtures.js'

const T0 = Date.parse('2026-11-25T12:00:00Z')
const URL0 = 'https://examplebucket.s3.us-east-1.amazonaws.com/secret.txt'
const s3 = { region: 'us-east-1', service: 's3', signingDate: T0 } as const

async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (e) {
    return e
  }
  return undefined
}
async function expectPresignError(run: () => unknown, code?: string): Promise<PresignError> {
  const e = await thrown(run)
  expect(e, String(e)).toBeInstanceOf(PresignError)
  if (code) expect((e as PresignError).code).toBe(code)
  return e as PresignError
}
/** The tests that target verifyPresigned run for verifyPresignedSync too (the same steps; its result wrapped in a promise). */
const VERIFIERS = [
  ['verifyPresigned', verifyPresigned],
  ['verifyPresignedSync', async (request, options) => verifyPresignedSync(request, options as VerifySyncOptions)],
] as const satisfies ReadonlyArray<readonly [string, typeof verifyPresigned]>

function expectCode(r: VerifyResult | VerifyPostResult, code: string): void {
  expect(r.ok, JSON.stringify(r)).toBe(false)
  if (!r.ok) expect(r.code).toBe(code)
}

/** What a lookup might return by mistake, and the secret an attacker would sign with to match its String(). */
const MALFORMED_SECRETS: ReadonlyArray<[string, unknown, string]> = [
  ['missing', {}, 'undefined'],
  ['undefined', undefined, 'undefined'],
  ['null', null, 'null'],
  ['a number', 12345, '12345'],
  ['an object', { a: 1 }, '[object Object]'],
  ['true', true, 'true'],
  ['an empty string', '', 'x'],
  ['a function', Object, String(Object)],
  ['an array', ['x'], 'x'],
]

describe('1. a malformed credentials lookup result is an unknown key, never a key anyone can sign for', () => {
  for (const [name, verify] of VERIFIERS) {
    test.each(MALFORMED_SECRETS)(`${name}: secret %s`, async (_, secret, guess) => {
      const url = await presign({ url: URL0 }, { ...s3, credentials: { accessKeyId: 'AKID', secretAccessKey: guess } })
      const r = await verify({ method: 'GET', url }, { credentials: (id) => ({ accessKeyId: id, secretAccessKey: secret }) as Credentials, now: T0 })
      expectCode(r, 'UnknownAccessKey')
    })
  }
  test.each(MALFORMED_SECRETS)('verifyPost: secret %s', async (_, secret, guess) => {
    const post = await presignPost({ bucket: 'examplebucket', key: 'k', region: 'us-east-1' }, { credentials: { accessKeyId: 'AKID', secretAccessKey: guess }, signingDate: T0 })
    const r = await verifyPost({ fields: post.fields, bucket: 'examplebucket', fileSize: 1 }, { credentials: (id) => ({ accessKeyId: id, secretAccessKey: secret }) as Credentials, now: T0 })
    expectCode(r, 'UnknownAccessKey')
  })
  test.each(VERIFIERS)('%s: a lookup result for another access key id, or without one, is an unknown key', async (_, verify) => {
    const url = await presign({ url: URL0 }, { ...s3, credentials: DOC_CREDENTIALS })
    const now = T0
    expectCode(await verify({ method: 'GET', url }, { now, credentials: () => ({ ...DOC_CREDENTIALS, accessKeyId: 'OTHER' }) }), 'UnknownAccessKey')
    expectCode(await verify({ method: 'GET', url }, { now, credentials: () => ({ secretAccessKey: DOC_SECRET }) as Credentials }), 'UnknownAccessKey')
    expect((await verify({ method: 'GET', url }, { now, credentials: () => DOC_CREDENTIALS })).ok).toBe(true)
  })
  for (const [name, verify] of VERIFIERS) {
    test.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(`${name === 'verifyPresigned' ? '' : name + ': '}a plain-object lookup keyed by %s`, async (id) => {
      const table: Record<string, string> = { AKIAIOSFODNN7EXAMPLE: DOC_SECRET }
      const lookup = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: table[accessKeyId] }) as Credentials
      const url = presignSync({ url: URL0 }, { ...s3, credentials: { accessKeyId: id, secretAccessKey: String(table[id]) } })
      expectCode(await verify({ method: 'GET', url }, { now: T0, credentials: lookup }), 'UnknownAccessKey')
    })
  }
  test('a lookup that is not a function is a PresignError', async () => {
    for (const [, verify] of VERIFIERS) await expectPresignError(() => verify({ method: 'GET', url: URL0 }, { credentials: {} as never }), 'InvalidOption')
    await expectPresignError(() => verifyPost({ fields: {}, bucket: 'b' }, { credentials: 'x' as never }), 'InvalidOption')
  })
  test('the key cache tells apart parts that a joined string would confuse', () => {
    const cache = new KeyCache<string>()
    expect(cache.get(['AKID', 'a\nb', 'c'], () => 'first')).toBe('first')
    expect(cache.get(['AKID', 'a', 'b\nc'], () => 'second')).toBe('second')
  })
})

describe('2. X-Amz-Region-Set is matched without a RegExp, within bounds', () => {
  const v4a = (regionSet: string[]) =>
    presignV4a({ url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/a.txt' }, { credentials: DOC_CREDENTIALS, service: 's3', signingDate: T0, regionSet })
  test('26 "*" then "x" against ap-southeast-2 answers at once (62 s before)', async () => {
    const url = (await v4a(['us-east-1'])).replace('X-Amz-Region-Set=us-east-1', 'X-Amz-Region-Set=' + '*'.repeat(26) + 'x')
    const started = performance.now()
    const r = await verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, region: 'ap-southeast-2', now: T0 })
    expect(performance.now() - started).toBeLessThan(2000)
    expectCode(r, 'ScopeMismatch')
  }, 10_000)
  test('globs still match: "us-*" covers us-west-2, "*" covers all', async () => {
    for (const [set, region, ok] of [[['us-*'], 'us-west-2', true], [['*'], 'eu-west-1', true], [['us-*'], 'eu-west-1', false], [['*-east-*'], 'us-east-1', true]] as const) {
      const url = await v4a([...set])
      const r = await verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, region, now: T0 })
      expect(r.ok, `${set} ${region}`).toBe(ok)
    }
  })
  test('more than 64 entries or a malformed entry is MalformedQuery; presignV4a refuses 65 regions', async () => {
    const url = await v4a(['us-east-1'])
    for (const set of [Array(65).fill('us-east-1').join('%2C'), 'US-EAST-1', 'us-east-1%2C', 'a'.repeat(64)]) {
      const r = await verifyPresigned({ method: 'GET', url: url.replace('X-Amz-Region-Set=us-east-1', 'X-Amz-Region-Set=' + set) }, { credentials: () => DOC_CREDENTIALS, now: T0 })
      expectCode(r, 'MalformedQuery')
    }
    await expectPresignError(() => v4a(Array(65).fill('us-east-1')), 'InvalidRegion')
  })
})

describe.each(VERIFIERS)('3. an unsigned x-amz-* header is refused as S3 and Swift refuse it: %s', (_, verify) => {
  test.each(['x-amz-acl', 'x-amz-server-side-encryption', 'x-amz-website-redirect-location', 'x-amz-meta-a', 'X-Amz-Meta-Upper', 'x-amz-grant-read'])('%s', async (name) => {
    const headers = { 'content-type': 'text/plain' }
    const url = await presign({ method: 'PUT', url: URL0, headers }, { ...s3, credentials: DOC_CREDENTIALS })
    const opts = { credentials: () => DOC_CREDENTIALS, now: T0 }
    expect((await verify({ method: 'PUT', url, headers }, opts)).ok).toBe(true)
    const r = await verify({ method: 'PUT', url, headers: { ...headers, [name]: 'public-read' } }, opts)
    expect(r).toEqual({ ok: false, code: 'UnsignedHeader', s3Code: 'AccessDenied', message: 'There were headers present in the request which were not signed' })
  })
  test('x-amz-content-sha256 may come unsigned; a signed x-amz-* header is fine', async () => {
    const headers = { 'x-amz-acl': 'private' }
    const url = await presign({ method: 'PUT', url: URL0, headers }, { ...s3, credentials: DOC_CREDENTIALS })
    const r = await verify({ method: 'PUT', url, headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { credentials: () => DOC_CREDENTIALS, now: T0 })
    expect(r.ok).toBe(true)
  })
  test('a header section over 8 KiB is RequestHeaderSectionTooLarge', async () => {
    const url = await presign({ url: URL0 }, { ...s3, credentials: DOC_CREDENTIALS })
    const r = await verify({ method: 'GET', url, headers: { cookie: 'a'.repeat(8200) } }, { credentials: () => DOC_CREDENTIALS, now: T0 })
    expect(r).toMatchObject({ ok: false, code: 'HeadersTooLarge', s3Code: 'RequestHeaderSectionTooLarge' })
  })
})

describe('4. verifyPost: the file is the first "file" entry, whatever its case or type, and the result names it', () => {
  const location = { bucket: 'examplebucket', keyPrefix: 'uploads/', region: 'us-east-1' }
  const options = { credentials: () => DOC_CREDENTIALS, now: T0 }
  const signed = () => presignPost(location, { credentials: DOC_CREDENTIALS, signingDate: T0, conditions: { contentLengthRange: [0, 1024] } })
  test('a text "File" before a 5 MiB Blob "file": the text is the file, the Blob is ignored', async () => {
    const form = new FormData()
    for (const [k, v] of Object.entries((await signed()).fields)) form.append(k, v)
    form.append('File', 'small')
    form.append('file', new Blob([new Uint8Array(5 * 1024 * 1024)]), 'big.bin')
    const r = await verifyPost({ fields: form, bucket: 'examplebucket' }, options)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.sizeChecked).toBe(true)
    expect(r.file).toMatchObject({ name: 'File', value: 'small', size: 5 })
    expect(r.file!.index).toBe([...form.keys()].indexOf('File'))
  })
  test('a 5 MiB Blob "FILE" under a 1024-byte policy is EntityTooLarge', async () => {
    const form = new FormData()
    for (const [k, v] of Object.entries((await signed()).fields)) form.append(k, v)
    form.append('FILE', new Blob([new Uint8Array(5 * 1024 * 1024)]), 'big.bin')
    form.append('file', 'small')
    expectCode(await verifyPost({ fields: form, bucket: 'examplebucket' }, options), 'EntityTooLarge')
  })
  test('a fileSize that contradicts the file entry is refused', async () => {
    const fields = [...Object.entries((await signed()).fields), ['file', new Blob([new Uint8Array(5000)])]] as [string, unknown][]
    expectCode(await verifyPost({ fields, bucket: 'examplebucket', fileSize: 10 }, options), 'MalformedForm')
  })
})

describe('6. bad input is a PresignError, never a raw TypeError or RangeError', () => {
  const creds = { credentials: DOC_CREDENTIALS }
  test.each<[string, () => unknown]>([
    ['presignMany with a non-array', () => presignMany('x' as never, { ...s3, ...creds })],
    ['presignS3 with location.query null', () => presignS3({ bucket: 'b', key: 'k', region: 'us-east-1', query: null as never }, creds)],
    ['presignS3MultiRegion with options undefined', () => presignS3MultiRegion({ alias: 'mfzwi23gnjvgw.mrap', key: 'k' }, undefined as never)],
    ['presignS3MultiRegion with options null', () => presignS3MultiRegion({ alias: 'mfzwi23gnjvgw.mrap', key: 'k' }, null as never)],
    ...VERIFIERS.flatMap(([name, verify]) => [
      [`${name}(null, …)`, () => verify(null as never, { credentials: () => undefined })],
      [`${name} with options null`, () => verify({ method: 'GET', url: URL0 }, null as never)],
      ...(['2020-01-01', {}, null] as const).map((now) => [`${name} with now ${JSON.stringify(now)}`, () => verify({ method: 'GET', url: URL0 }, { credentials: () => undefined, now: now as never })] as [string, () => unknown]),
      ...([5, {}, true] as const).flatMap((v) => [
        [`${name} with region ${JSON.stringify(v)}`, () => verify({ method: 'GET', url: URL0 }, { credentials: () => undefined, region: v as never })],
        [`${name} with service ${JSON.stringify(v)}`, () => verify({ method: 'GET', url: URL0 }, { credentials: () => undefined, service: v as never })],
      ] as [string, () => unknown][]),
    ] as [string, () => unknown][]),
  ])('%s', async (_, run) => {
    await expectPresignError(run)
  })
  test('verifyPost on a signed policy with a 20,000-deep condition (and a 5,000-deep one within the field limit)', async () => {
    for (const depth of [20_000, 5_000]) {
      const doc = `{"expiration":"2026-11-25T13:00:00.000Z","conditions":[${'['.repeat(depth)}${']'.repeat(depth)}]}`
      const policy = Buffer.from(doc).toString('base64')
      const day = '20261125'
      let key: Buffer = createHmac('sha256', 'AWS4' + DOC_SECRET).update(day).digest()
      for (const part of ['us-east-1', 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest()
      const fields = {
        key: 'k',
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-credential': `${DOC_CREDENTIALS.accessKeyId}/${day}/us-east-1/s3/aws4_request`,
        'x-amz-date': '20261125T120000Z',
        policy,
        'x-amz-signature': createHmac('sha256', key).update(policy).digest('hex'),
      }
      const r = await verifyPost({ fields, bucket: 'b', fileSize: 1 }, { credentials: () => DOC_CREDENTIALS, now: T0 })
      expectCode(r, depth === 20_000 ? 'FieldsTooLarge' : 'InvalidPolicyDocument')
    }
  })
})

describe('7. input that used to give a silently wrong result', () => {
  test.each<[string, Record<string, unknown>]>([
    ['doubleEncodePath', { doubleEncodePath: 'false' }],
    ['normalizePath', { normalizePath: 'false' }],
    ['signSessionToken', { signSessionToken: 0 }],
  ])('a non-boolean %s is a PresignError', async (_, option) => {
    const e = await expectPresignError(() => presign({ url: 'https://examplebucket.s3.us-east-1.amazonaws.com/a%20b' }, { ...s3, credentials: { ...DOC_CREDENTIALS, sessionToken: 'T' }, ...option }), 'InvalidOption')
    expect(e.message).toContain('true or false')
    for (const [, verify] of VERIFIERS) await expectPresignError(() => verify({ method: 'GET', url: URL0 }, { credentials: () => undefined, ...option }), 'InvalidOption')
  })
  test("forcePathStyle: 'false' is a PresignError", async () => {
    await expectPresignError(() => s3ObjectUrl({ bucket: 'examplebucket', key: 'k', region: 'us-east-1', forcePathStyle: 'false' as never }), 'InvalidOption')
  })
  test('presignMany with holes rejects instead of resolving undefined URLs', async () => {
    // eslint-disable-next-line no-sparse-arrays
    await expectPresignError(() => presignMany([, { url: URL0 }] as never, { ...s3, credentials: DOC_CREDENTIALS }))
    await expectPresignError(() => presignMany(new Array(3), { ...s3, credentials: DOC_CREDENTIALS }))
  })
  test("location.query 'abc' is a PresignError, not ?0=a&1=b&2=c", async () => {
    await expectPresignError(() => s3ObjectUrl({ bucket: 'examplebucket', key: 'k', region: 'us-east-1', query: 'abc' as never }), 'InvalidOption')
    await expectPresignError(() => s3ObjectUrl({ bucket: 'examplebucket', key: 'k', region: 'us-east-1', responseOverrides: 'abc' as never }), 'InvalidOption')
  })
  test('a header or form field named __proto__ is listed like any other', async () => {
    const headers = JSON.parse('{"__proto__": "x", "content-type": "text/plain"}') as Record<string, string>
    const r = await presignDetailed({ method: 'PUT', url: URL0, headers }, { ...s3, credentials: DOC_CREDENTIALS })
    expect(Object.keys(r.headers).sort()).toEqual(['__proto__', 'content-type'])
    expect(r.signedHeaders).toEqual(['__proto__', 'content-type', 'host'])
    const post = await presignPost(
      { bucket: 'examplebucket', key: 'k', region: 'us-east-1' },
      { credentials: DOC_CREDENTIALS, signingDate: T0, conditions: { other: [['starts-with', '$__proto__', '']] }, fields: JSON.parse('{"__proto__": "v"}') },
    )
    expect(Object.keys(post.fields)).toContain('__proto__')
    const v = await verifyPost({ fields: Object.entries(post.fields), bucket: 'examplebucket', fileSize: 1 }, { credentials: () => DOC_CREDENTIALS, now: T0 })
    expect(v.ok && Object.hasOwn(v.fields, '__proto__') && v.fields['__proto__']).toBe('v')
  })
  test('a secret with a lone surrogate is refused (botocore raises) instead of signed as U+FFFD', async () => {
    const e = await expectPresignError(() => presign({ url: URL0 }, { ...s3, credentials: { accessKeyId: 'AKID', secretAccessKey: 'abc\uD800' } }), 'InvalidCredentials')
    expect(e.field).toBe('options.credentials.secretAccessKey')
  })
  test('presignPost checks starts-with conditions in linear time (quadratic before: 1-1.8 s for 10,000)', async () => {
    // 100,000 conditions: measured 1.3-2.5 s here (policy building dominates); quadratic would be > 100 s.
    const other = Array.from({ length: 100_000 }, (_, i) => ['starts-with', '$x-amz-meta-tag', 'p'.repeat(i % 3)] as const)
    const started = performance.now()
    // All consistent, so every rule is checked; the form is then over S3's 20 KiB field limit, which is the error.
    const e = await expectPresignError(() => presignPost({ bucket: 'examplebucket', key: 'k', region: 'us-east-1' }, { credentials: DOC_CREDENTIALS, signingDate: T0, conditions: { other } }))
    expect(performance.now() - started).toBeLessThan(50_000)
    expect(e.message).toContain('MaxPostPreDataLengthExceeded')
    const conflicting = [...other.slice(0, 10), ['starts-with', '$x-amz-meta-tag', 'q'] as const]
    await expectPresignError(() => presignPost({ bucket: 'examplebucket', key: 'k', region: 'us-east-1' }, { credentials: DOC_CREDENTIALS, conditions: { other: conflicting } }), 'InvalidOption')
  }, 120_000)
  test('a signingDate without a zone is UTC, whatever the machine time zone', async () => {
    const tz = process.env['TZ']
    process.env['TZ'] = 'America/New_York'
    try {
      const r = await presignDetailed({ url: URL0 }, { region: 'us-east-1', service: 's3', credentials: DOC_CREDENTIALS, signingDate: '2026-12-01T10:00:00' })
      expect(r.amzDate).toBe('20261201T100000Z')
    } finally {
      if (tz === undefined) delete process.env['TZ']
      else process.env['TZ'] = tz
    }
  })
})
