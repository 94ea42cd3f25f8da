/**
 * Differential end-to-end test: what does a literal `+` mean in a presigned URL? OpenStack Swift's s3api (the strict
 * authority of swift.test.ts) answers each request, and verifyPresigned (../../src) judges the identical request; they
 * must agree, and the expectations below are what Swift 2.30.1 was measured to answer (2026-12-02):
 * - in the query, `+` is a space: a URL signed for `a%20b` still works with `a+b` (and S3 returns the value with a
 *   space), one signed for `a%2Bb` (a plus) is SignatureDoesNotMatch with `a+b`. S3 reads it so (mhart/aws4fetch#83:
 *   "AWS S3 currently accepts both representations"), and so does botocore's SigV4QueryAuth (parse_qs);
 * - in the path, `+` is a plus: a key `a+b` signed as `/a%2Bb` also works as `/a+b`; a key `a b` signed as `/a%20b`
 *   does not;
 * - so presign, given a URL that `URLSearchParams` wrote (`a+b` for "a b"), signs a space.
 *
 * Swift absent: skipped loudly outside CI; with CI=true a failure (requireSwift()).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presign, presignS3, verifyPresigned } from '../../src/index.js'
import { requireSwift, startSwift } from './helpers/swift.js'
import type { S3Target } from './helpers/target.js'

const present = requireSwift()
let target: S3Target | undefined
const t = (): S3Target => target!

/** Swift's answer to a GET: status, the Cache-Control it returned (from response-cache-control) and the body. */
async function swift(url: string): Promise<{ status: number; cacheControl: string | null; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) })
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: await res.text() }
}

/** Both judges on one URL: Swift's status and verifyPresigned's verdict must agree. */
async function judge(label: string, url: string): Promise<{ status: number; cacheControl: string | null; body: string }> {
  const answer = await swift(url)
  const lookup = (id: string) => (id === t().credentials.accessKeyId ? t().credentials : undefined)
  const verdict = await verifyPresigned({ method: 'GET', url }, { credentials: lookup, region: t().region })
  expect(verdict.ok, `${label}: Swift answered ${answer.status}, verifyPresigned ${JSON.stringify(verdict).slice(0, 300)}`).toBe(answer.status === 200)
  return answer
}

describe.skipIf(!present)('a literal + in presigned URLs, against OpenStack Swift s3api', () => {
  const loc = (key: string, cacheControl?: string) => ({ bucket: t().bucket, key, region: t().region, endpoint: t().endpoint, responseOverrides: cacheControl === undefined ? undefined : { cacheControl } })
  const opts = () => ({ credentials: t().credentials, expiresIn: 300 })

  beforeAll(async () => {
    target = await startSwift()
    for (const key of ['plus/a b', 'plus/a+b']) {
      const put = await presignS3(loc(key), { ...opts(), method: 'PUT' })
      expect((await fetch(put, { method: 'PUT', body: `body of ${key}` })).status).toBe(200)
    }
  }, 60_000)
  afterAll(async () => {
    await target?.stop()
  }, 30_000)

  test('query: + is a space', async () => {
    const space = await presignS3(loc('plus/a b', 'a b'), opts())
    expect(space).toContain('response-cache-control=a%20b&')
    expect(await judge('signed a%20b, sent as signed', space)).toMatchObject({ status: 200, cacheControl: 'a b' })
    expect(await judge('signed a%20b, sent as a+b', space.replace('response-cache-control=a%20b', 'response-cache-control=a+b'))).toMatchObject({ status: 200, cacheControl: 'a b' })

    const plus = await presignS3(loc('plus/a b', 'a+b'), opts())
    expect(plus).toContain('response-cache-control=a%2Bb&')
    expect(await judge('signed a%2Bb, sent as signed', plus)).toMatchObject({ status: 200, cacheControl: 'a+b' })
    expect((await judge('signed a%2Bb, sent as a+b', plus.replace('response-cache-control=a%2Bb', 'response-cache-control=a+b'))).status).toBe(403)
  })

  test('presign reads a URL that URLSearchParams wrote as URLSearchParams does', async () => {
    const url = new URL(`${t().endpoint}/${t().bucket}/plus/a%20b`)
    url.searchParams.set('response-cache-control', 'no-cache, max-age=0 (a b)')
    expect(url.href).toContain('=no-cache%2C+max-age%3D0+%28a+b%29')
    const signed = await presign({ url: url.href }, { ...opts(), region: t().region, service: 's3' })
    expect(signed).not.toMatch(/\?[^#]*\+/) // no literal + left in the query
    expect(await judge('URLSearchParams input', signed)).toMatchObject({ status: 200, cacheControl: 'no-cache, max-age=0 (a b)' })
  })

  test('path: + is a plus', async () => {
    const plusKey = await presignS3(loc('plus/a+b'), opts())
    expect(plusKey).toContain('/plus/a%2Bb?')
    expect(await judge('key a+b, sent as signed', plusKey)).toMatchObject({ status: 200, body: 'body of plus/a+b' })
    expect(await judge('key a+b, sent as /a+b', plusKey.replace('/plus/a%2Bb?', '/plus/a+b?'))).toMatchObject({ status: 200, body: 'body of plus/a+b' })

    const spaceKey = await presignS3(loc('plus/a b'), opts())
    expect(await judge('key a b, sent as signed', spaceKey)).toMatchObject({ status: 200, body: 'body of plus/a b' })
    expect((await judge('key a b, sent as /a+b', spaceKey.replace('/plus/a%20b?', '/plus/a+b?'))).status).toBe(403)
  })
})
