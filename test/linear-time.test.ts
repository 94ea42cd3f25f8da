/**
 * Linear-time guards: every parser that reads network or file input gets about 1 MB of its worst input, and must
 * answer within a fixed bound. Each bound is at least 20 times the median measured on the development machine
 * (2 vCPUs, Node 20; written next to it), so it does not flake on a slower or busy machine, while a super-linear
 * path (a backtracking RegExp, a quadratic loop), which takes minutes on 1 MB, fails it. Plus: no RegExp is ever
 * built at run time in src/ (a RegExp from input is the usual way to get a super-linear one).
 * LINEAR_MEASURE=1 prints every median.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  type PostConditions,
  PresignError,
  type VerifyResult,
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  presign,
  presignPost,
  presignV4a,
  verifyPost,
  verifyPresigned,
} from '../src/index.js'
import { type VerifySyncOptions, verifyPresignedSync } from '../src/verify/verify-presigned-sync.js'
import { DOC_CREDENTIALS, DOC_SECRET } from './helpers/fixtures.js'
import { medianMs, postSignature } from './helpers/hostile.js'
import { projectRoot } from './helpers/suite.js'

const MB = 1 << 20
const T0 = Date.parse('2013-05-24T00:00:00Z')
const HOST = 'examplebucket.s3.us-east-1.amazonaws.com'
const s3 = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: T0 } as const
const vopts = { credentials: () => DOC_CREDENTIALS, now: T0 }

/**
 * Run `fn` three times; the median must stay under `boundMs`, which must be at least 20 times `measuredMs` (the
 * median measured on the development machine, the larger of two full runs). Returns the last result for checks.
 */
async function guard<T>(label: string, measuredMs: number, boundMs: number, fn: () => T | Promise<T>): Promise<T> {
  expect(boundMs, `${label}: the bound must be at least 20x the measured median`).toBeGreaterThanOrEqual(20 * measuredMs)
  const { ms, result } = await medianMs(fn, 3)
  if (process.env.LINEAR_MEASURE) console.log(`${label}: median ${ms.toFixed(1)} ms (measured ${measuredMs} ms, bound ${boundMs} ms)`)
  expect(ms, `${label} took ${ms.toFixed(0)} ms`).toBeLessThan(boundMs)
  return result
}
const code = (r: VerifyResult) => (r.ok ? 'ok' : r.code)

/** The verifiers' guards run for both (the same parsers; the synchronous one's result wrapped in a promise). */
const VERIFIERS = [
  ['verifyPresigned', verifyPresigned],
  ['verifyPresignedSync', async (request, options) => verifyPresignedSync(request, options as VerifySyncOptions)],
] as const satisfies ReadonlyArray<readonly [string, typeof verifyPresigned]>

describe.each(VERIFIERS)('%s: URL, query and path of 1 MB', (_, verifier) => {
  const signed = presign({ url: `https://${HOST}/k` }, s3)
  const verify = (url: string, options: Parameters<typeof verifyPresigned>[1] = vopts) => verifier({ method: 'GET', url }, options)

  test('query: % runs, %2 runs, &&&&, ==, a=&a=..., X-Amz-* keys', async () => {
    const url = await signed
    expect(code(await guard('% x 1M', 5.7 /* measured median, ms */, 1000, () => verify(url + '&' + '%'.repeat(MB))))).toBe('MalformedQuery')
    expect(code(await guard('%2 x 512k', 5.5 /* measured median, ms */, 1000, () => verify(url + '&' + '%2'.repeat(MB / 2))))).toBe('MalformedQuery')
    expect(code(await guard('%%2F mix', 144.3 /* measured median, ms */, 3000, () => verify(url + '&a=' + '%2F%'.repeat(MB / 4))))).toBe('MalformedQuery')
    expect(code(await guard('& x 1M (empty pairs: still the signed request)', 65.9 /* measured median, ms */, 2000, () => verify(url + '&'.repeat(MB))))).toBe('ok')
    expect(code(await guard('= x 1M', 75.1 /* measured median, ms */, 2000, () => verify(url + '&' + '='.repeat(MB))))).toBe('SignatureDoesNotMatch')
    expect(code(await guard('a=& x 350k', 315.7 /* measured median, ms */, 8000, () => verify(url + '&a='.repeat(MB / 3))))).toBe('SignatureDoesNotMatch')
    expect(code(await guard('%41=%41& x 110k (escaped unreserved)', 162.5 /* measured median, ms */, 5000, () => verify(url + '&%41=%41'.repeat(MB / 9))))).toBe('SignatureDoesNotMatch')
    const distinct = Array.from({ length: 100_000 }, (_, i) => `&X-Amz-${i.toString(36)}=v`).join('')
    expect(code(await guard('100k distinct X-Amz-* keys', 192.7 /* measured median, ms */, 5000, () => verify(url + distinct)))).toBe('SignatureDoesNotMatch')
    expect(code(await guard('X-Amz-= x 130k (duplicates)', 91.6 /* measured median, ms */, 2000, () => verify(url + '&X-Amz-='.repeat(MB / 8))))).toBe('MalformedQuery')
    expect(code(await guard('1 MB X-Amz-Signature', 21.7 /* measured median, ms */, 1000, () => verify(url.replace(/X-Amz-Signature=\w+/, 'X-Amz-Signature=' + 'a'.repeat(MB)))))).toBe('SignatureDoesNotMatch')
    expect(code(await guard('1 MB of / in X-Amz-Credential', 266.2 /* measured median, ms */, 8000, () => verify(url.replace(/X-Amz-Credential=[^&]+/, 'X-Amz-Credential=' + '%2F'.repeat(MB / 3)))))).toBe('MalformedQuery')
    expect(code(await guard('1 MB X-Amz-SignedHeaders host;host;...', 202.1 /* measured median, ms */, 5000, () => verify(url.replace(/X-Amz-SignedHeaders=[^&]+/, 'X-Amz-SignedHeaders=' + 'host%3B'.repeat(MB / 7) + 'host'))))).toBe('SignatureDoesNotMatch')
  })

  test('path: /./../ segments, //////, %2F runs (S3 and a normalizing service); authority', async () => {
    const url = await signed
    const query = url.slice(url.indexOf('?'))
    const api = await presign({ url: 'https://abc.execute-api.us-east-1.amazonaws.com/k' }, { ...s3, service: 'execute-api' })
    const apiQuery = api.slice(api.indexOf('?'))
    const apiOpts = { ...vopts, service: 'execute-api' }
    // Other services normalize the path: every /./.. and // run below collapses to the signed /k.
    // [label, path, code for execute-api, measured medians in ms (S3, execute-api, origin-form S3), bound in ms]
    for (const [label, path, apiCode, [s3Ms, apiMs, originMs], bound] of [
      ['/./../ x 175k', '/./..'.repeat(MB / 6) + '/k', 'ok', [8.3, 26.2, 7.8], 1000],
      ['/ x 1M', '/'.repeat(MB) + 'k', 'ok', [12.1, 47.0, 9.9], 1000],
      ['%2F x 350k', '/' + '%2F'.repeat(MB / 3), 'SignatureDoesNotMatch', [204.4, 28.8, 195.1], 5000],
      ['/%2e%2e x 150k', '/%2e%2e'.repeat(MB / 7), 'SignatureDoesNotMatch', [236.2, 118.6, 226.2], 5000],
    ] as const) {
      expect(code(await guard(`S3 path ${label}`, s3Ms, bound, () => verify(`https://${HOST}${path}${query}`)))).toBe('SignatureDoesNotMatch')
      expect(code(await guard(`execute-api path ${label}`, apiMs, bound, () => verify(`https://abc.execute-api.us-east-1.amazonaws.com${path}${apiQuery}`, apiOpts)))).toBe(apiCode)
      expect(code(await guard(`origin-form S3 path ${label}`, originMs, bound, () => verifier({ method: 'GET', url: path + query, headers: { host: HOST } }, vopts)))).toBe('SignatureDoesNotMatch')
    }
    expect(code(await guard('1 MB authority that is not a host', 10.7 /* measured median, ms */, 1000, () => verify(`https://${'a'.repeat(MB)}!${query}`)))).toBe('MalformedQuery')
    expect(code(await guard('1 MB authority a:a:a:...', 7.4 /* measured median, ms */, 1000, () => verify(`https://${'a:'.repeat(MB / 2)}/k${query}`)))).toBe('MalformedQuery')
  })

  test('a signed request with a 1 MB query and a 1 MB path verifies (presign and verify, end to end)', async () => {
    const url = `https://${HOST}/${'a%2Fb+c%20'.repeat(MB / 20)}?${'k=v%41&'.repeat(MB / 14)}x`
    const signedUrl = await guard('presign, 1 MB path and query', 232.7 /* measured median, ms */, 5000, () => presign({ url }, s3))
    expect(code(await guard('verify, 1 MB path and query', 179.6 /* measured median, ms */, 5000, () => verifier({ method: 'GET', url: signedUrl }, vopts)))).toBe('ok')
    const q = 'b=%2f&a=%41&'.repeat(MB / 12)
    expect(await guard('canonicalQueryString, 1 MB', 234.8 /* measured median, ms */, 5000, () => canonicalQueryString(q).length)).toBeGreaterThan(MB / 2)
    expect(await guard('canonicalUri, 1 MB of %2F and dot segments', 69.1 /* measured median, ms */, 2000, () => canonicalUri('/./a/../%2F'.repeat(MB / 11)).length)).toBeGreaterThan(0)
    expect(await guard('canonicalUri S3, 1 MB', 258.6 /* measured median, ms */, 8000, () => canonicalUri('/%2F%41+'.repeat(MB / 8), { normalize: false, doubleEncode: false }).length)).toBeGreaterThan(MB / 2)
  })
})

describe('headers of 1 MB', () => {
  const spaces = ' \t'.repeat(MB / 2)
  test("presign's and canonicalHeaders' parser (no cap there)", async () => {
    const url = await guard('presign, a 1 MB header value of spaces and tabs', 10.8 /* measured median, ms */, 1000, () => presign({ url: `https://${HOST}/k`, headers: { 'x-amz-meta-a': 'a' + spaces + 'b' + spaces } }, s3))
    expect(url).toContain('x-amz-meta-a')
    const h = await guard('canonicalHeaders, 1 MB value', 9.1 /* measured median, ms */, 1000, () => canonicalHeaders({ 'x-a': spaces + 'x' + spaces + 'y', host: 'h' }))
    expect(h.canonicalHeaders).toBe('host:h\nx-a:x y\n')
    expect(await guard('canonicalHeaders, 1 MB name', 7.8 /* measured median, ms */, 1000, () => canonicalHeaders({ ['a'.repeat(MB)]: 'v' }).signedHeaders.length)).toBe(MB)
    expect(await guard('canonicalHeaders, 100k headers', 404.1 /* measured median, ms */, 10000, () => canonicalHeaders(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`h${i}`, ' v ']))).signedHeaders.length)).toBeGreaterThan(100_000)
    // Invalid bytes are found as fast.
    await guard('canonicalHeaders, 1 MB value with a bad byte at the end', 4.8 /* measured median, ms */, 1000, () => {
      expect(() => canonicalHeaders({ 'x-a': 'a'.repeat(MB) + '\n' })).toThrow(PresignError)
    })
  })
  test.each(VERIFIERS)('%s: the 8 KiB cap answers fast for 1 MB of headers', async (_, verifier) => {
    const url = await presign({ url: `https://${HOST}/k` }, s3)
    const one = await guard('verify, one 1 MB header', 0.8 /* measured median, ms */, 1000, () => verifier({ method: 'GET', url, headers: { cookie: spaces } }, vopts))
    expect(one).toMatchObject({ ok: false, code: 'HeadersTooLarge', s3Code: 'RequestHeaderSectionTooLarge' })
    const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`h${i}`, 'v']))
    expect(code(await guard('verify, 100k headers', 147.1 /* measured median, ms */, 3000, () => verifier({ method: 'GET', url, headers: many }, vopts)))).toBe('HeadersTooLarge')
    const pairs = Array.from({ length: 100_000 }, () => ['x-amz-meta-a', 'v'] as [string, string])
    expect(code(await guard('verify, 100k repeated header pairs', 20.8 /* measured median, ms */, 1000, () => verifier({ method: 'GET', url, headers: pairs }, vopts)))).toBe('HeadersTooLarge')
  })
})

describe('SigV4a region set of 1 MB', () => {
  test('* and commas', async () => {
    const url = await presignV4a({ url: `https://${HOST}/k` }, { ...s3, regionSet: ['us-east-1'] })
    const set = (raw: string) => url.replace(/X-Amz-Region-Set=[^&]*/, 'X-Amz-Region-Set=' + raw)
    // [label, raw value, measured median in ms, bound in ms]
    for (const [label, raw, measured, bound] of [
      ['*, x 512k', '*,'.repeat(MB / 2), 277.0, 8000],
      ['* x 1M', '*'.repeat(MB), 392.7, 8000],
      ['%2A%2C x 175k', '%2A%2C'.repeat(MB / 6), 277.3, 8000],
      ['*a x 512k', '*a'.repeat(MB / 2), 257.3, 8000],
    ] as const) {
      expect(code(await guard(`region set ${label}`, measured, bound, () => verifyPresigned({ method: 'GET', url: set(raw) }, { ...vopts, region: 'us-east-1' })))).toBe('MalformedQuery')
    }
    // The largest set the parser accepts: 64 entries of 63 characters, each a worst case for the glob.
    const worst = Array(64).fill('*a'.repeat(31) + '*').join(',')
    expect(code(await guard('region set of 64 x 63 wildcards', 0.8 /* measured median, ms */, 1000, () => verifyPresigned({ method: 'GET', url: set(worst) }, { ...vopts, region: ['a'.repeat(30) + 'b', 'b'.repeat(63)] })))).toBe('ScopeMismatch')
  })
})

describe('POST forms and policies', () => {
  const T = Date.parse('2026-11-25T12:00:00Z')
  const popts = { credentials: () => DOC_CREDENTIALS, now: T + 1000, region: 'us-east-1' }
  const loc = { bucket: 'b', keyPrefix: 'uploads/', region: 'us-east-1' }
  const signed = presignPost(loc, { credentials: DOC_CREDENTIALS, signingDate: T })

  test('1 MB field values, 100k fields before and after the file', async () => {
    const { fields } = await signed
    const file = new File(['x'], 'x.png')
    const big = [['x-ignore-a', 'a'.repeat(MB)], ...Object.entries(fields), ['file', file]] as Array<[string, string]>
    expect(await guard('a 1 MB field before the file', 2.7 /* measured median, ms */, 1000, () => verifyPost({ fields: big, bucket: 'b' }, popts))).toMatchObject({ ok: false, code: 'FieldsTooLarge' })
    const multi = [['x-ignore-a', 'é😀'.repeat(MB / 3)], ['file', file]] as Array<[string, string]>
    expect(await guard('a 1 MB multi-byte field', 2.8 /* measured median, ms */, 1000, () => verifyPost({ fields: multi, bucket: 'b' }, popts))).toMatchObject({ ok: false, code: 'FieldsTooLarge' })
    const before = [...Array.from({ length: 100_000 }, (_, i) => [`x-ignore-${i}`, 'v']), ...Object.entries(fields), ['file', file]] as Array<[string, string]>
    expect(await guard('100k fields before the file', 0.5 /* measured median, ms */, 1000, () => verifyPost({ fields: before, bucket: 'b' }, popts))).toMatchObject({ ok: false, code: 'FieldsTooLarge' })
    const after = [...Object.entries(fields), ['file', file], ...Array.from({ length: 100_000 }, (_, i) => [`x-amz-meta-${i}`, 'a'.repeat(10)])] as Array<[string, string]>
    expect(await guard('100k fields after the file', 17.3 /* measured median, ms */, 1000, () => verifyPost({ fields: after, bucket: 'b' }, popts))).toMatchObject({ ok: true, key: 'uploads/x.png' })
    const form = new FormData()
    for (const [n, v] of before) form.append(n, v)
    expect(await guard('a FormData of 100k fields', 1.3 /* measured median, ms */, 1000, () => verifyPost({ fields: form, bucket: 'b' }, popts))).toMatchObject({ ok: false, code: 'FieldsTooLarge' })
    const obj = Object.fromEntries(before.slice(0, -1))
    expect(await guard('a plain object of 100k fields', 84.2 /* measured median, ms */, 2000, () => verifyPost({ fields: obj, bucket: 'b' }, popts))).toMatchObject({ ok: false, code: 'FieldsTooLarge' })
    const keyBomb = { ...(await presignPost({ ...loc, keyPrefix: '' }, { credentials: DOC_CREDENTIALS, signingDate: T })).fields, key: '${filename}'.repeat(1500) }
    expect(await guard('${filename} x 1500 with a 1 MB file name', 7.3 /* measured median, ms */, 1000, () => verifyPost({ fields: keyBomb, bucket: 'b', fileSize: 1, filename: 'n'.repeat(MB) }, popts))).toMatchObject({ ok: false, code: 'KeyTooLong' })
  })

  test('policy JSON near the 20 KiB field limit: worst nesting, most conditions', async () => {
    const form = (doc: string) => {
      const policy = Buffer.from(doc).toString('base64')
      return {
        key: 'k',
        policy,
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-credential': `${DOC_CREDENTIALS.accessKeyId}/20261125/us-east-1/s3/aws4_request`,
        'x-amz-date': '20261125T120000Z',
        'x-amz-signature': postSignature(DOC_SECRET, '20261125', 'us-east-1', policy),
      }
    }
    const cover = '{"key":"k"},{"x-amz-algorithm":"AWS4-HMAC-SHA256"},["starts-with","$x-amz-credential",""],["starts-with","$x-amz-date",""]'
    const exp = '"expiration":"2026-11-25T12:10:00.000Z"'
    const deep = form(`{${exp},"conditions":[${cover},${'['.repeat(7000)}${']'.repeat(7000)}]}`)
    expect(await guard('a 7,000-deep condition', 1.2 /* measured median, ms */, 1000, () => verifyPost({ fields: deep, bucket: 'b', fileSize: 1 }, popts))).toMatchObject({ ok: false, code: 'InvalidPolicyDocument' })
    const near = (fields: Record<string, string>) => {
      const bytes = Object.entries(fields).reduce((n, [k, v]) => n + k.length + v.length, 0)
      expect(bytes).toBeGreaterThan(15_000)
      expect(bytes).toBeLessThanOrEqual(20_480)
      return fields
    }
    near(deep)
    const objects = near(form(`{${exp},"conditions":[${cover},${'{"a":'.repeat(2400)}""${'}'.repeat(2400)}]}`))
    expect(await guard('2,400-deep objects', 0.9 /* measured median, ms */, 1000, () => verifyPost({ fields: objects, bucket: 'b', fileSize: 1 }, popts))).toMatchObject({ ok: false, code: 'InvalidPolicyDocument' })
    const many = near(form(`{${exp},"conditions":[${cover},${Array.from({ length: 500 }, () => '["starts-with","$x-a",""]').join(',')},${Array.from({ length: 20 }, () => '["content-length-range",0,9]').join(',')}]}`))
    expect(await guard('524 conditions', 0.9 /* measured median, ms */, 1000, () => verifyPost({ fields: many, bucket: 'b', fileSize: 1 }, popts))).toMatchObject({ ok: true })
  })

  test('presignPost: 10,000 starts-with conditions on one field and 10,000 fields (the consistency check was quadratic)', async () => {
    const other: PostConditions['other'] = [
      ...Array.from({ length: 10_000 }, (_, i) => ['starts-with', '$x-amz-meta-tag', 'abcdefghijklmnopqrstuvwxyz'.slice(0, i % 27)] as const),
      ...Array.from({ length: 10_000 }, (_, i) => ['starts-with', `$x-amz-meta-f${i}`, 'v'] as const),
    ]
    const fields = Object.fromEntries([['x-amz-meta-tag', 'abcdefghijklmnopqrstuvwxyz!'], ...Array.from({ length: 10_000 }, (_, i) => [`x-amz-meta-f${i}`, 'v1'])])
    // The policy is far over S3's 20 KiB form limit, so presignPost refuses it at the end, after every check ran.
    const outcome = await guard('presignPost, 20,000 conditions and 10,001 fields', 91.2 /* measured median, ms */, 2000, () => presignPost(loc, { credentials: DOC_CREDENTIALS, signingDate: T, conditions: { other }, fields }).then(() => 'ok', (e: unknown) => e))
    if (outcome !== 'ok') expect(outcome).toBeInstanceOf(PresignError)
    const ignored = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`x-ignore-${i}`, 'v']))
    const outcome2 = await guard('presignPost, 10,000 x-ignore-* fields', 13.9 /* measured median, ms */, 1000, () => presignPost(loc, { credentials: DOC_CREDENTIALS, signingDate: T, fields: ignored }).then(() => 'ok', (e: unknown) => e))
    if (outcome2 !== 'ok') expect(outcome2).toBeInstanceOf(PresignError)
    // Conflicts among many prefixes are found as fast (the longest is the witness).
    const conflict: PostConditions['other'] = [...Array.from({ length: 10_000 }, () => ['starts-with', '$x-amz-meta-tag', 'abc'] as const), ['starts-with', '$x-amz-meta-tag', 'abd']]
    const outcome3 = await guard('presignPost, 10,001 prefixes with one conflict', 6.6 /* measured median, ms */, 1000, () => presignPost(loc, { credentials: DOC_CREDENTIALS, signingDate: T, conditions: { other: conflict } }).then(() => 'ok', (e: unknown) => e))
    expect(outcome3).toBeInstanceOf(PresignError)
  })
})

describe('no RegExp is built at run time in src/', () => {
  test('no `new RegExp(` or `RegExp(` call in any file under src/', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else files.push(path)
      }
    }
    walk(join(projectRoot, 'src'))
    expect(files.length).toBeGreaterThan(10)
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => [i + 1, line] as const)
        .filter(([, line]) => /\bRegExp\s*\(/.test(line))
        .map(([n, line]) => `${file}:${n}: ${line.trim()}`),
    )
    expect(offenders).toEqual([])
  })
})
