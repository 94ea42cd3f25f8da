/**
 * PUT URLs that bind the body (issue 19): a signed `content-length`, `x-amz-checksum-*` or `content-md5`, byte for byte
 * as botocore's S3 client presigns `put_object` / `upload_part` with ContentLength, Checksum* and ContentMD5
 * (vectors/botocore-s3-put-bindings.json, by scripts/gen-s3-put-binding-vectors.py); each verifies with the body's
 * headers and fails without them. And the lifetime of URLs signed with temporary credentials.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  PresignError,
  type PresignS3Options,
  presign,
  presignMultipartDetailed,
  presignS3Detailed,
  presignSyncDetailed,
  type S3Location,
  verifyPresigned,
  verifyPresignedSync,
} from '../../src/index.js'
import { projectRoot } from '../helpers/suite.js'

interface Case {
  name: string
  operation: 'put_object' | 'upload_part'
  location: S3Location
  options: Pick<PresignS3Options, 'contentLength' | 'checksum' | 'contentMD5'> & { headers?: Record<string, string> }
  uploadPart: { partNumber: number; uploadId: string } | null
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  expiresIn: number
  signingDate: string
  expected: { url: string; canonicalRequest: string; signature: string }
}
const doc = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-put-bindings.json'), 'utf8')) as { cases: Case[] }

const sortedParams = (url: string) => url.split('?')[1]!.split('&').sort()

describe('PUT bindings: botocore put_object / upload_part with ContentLength, Checksum*, ContentMD5', () => {
  test('every binding and algorithm is covered', () => {
    const names = doc.cases.map((c) => c.name).join(' ')
    for (const kind of ['length', 'md5', 'checksum', 'upload_part']) expect(names).toContain(kind)
    // All ten of botocore 1.43's S3 model (SHA512, MD5 as x-amz-checksum-md5 and the xxHashes found in review).
    const algorithms = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128']
    expect(new Set(doc.cases.flatMap((c) => (c.options.checksum ? [c.options.checksum.algorithm] : [])))).toEqual(new Set(algorithms))
  })
  test.each(doc.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const common = { credentials: c.credentials, expiresIn: c.expiresIn, signingDate: c.signingDate, ...c.options }
    const r = c.uploadPart
      ? await presignMultipartDetailed(c.location, { operation: 'uploadPart', ...c.uploadPart }, common)
      : await presignS3Detailed(c.location, { ...common, method: 'PUT' })
    expect(r.url.split('?')[0]).toBe(c.expected.url.split('?')[0])
    expect(sortedParams(r.url)).toEqual(sortedParams(c.expected.url))
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.signature).toBe(c.expected.signature)
    // The result says what the client must send; with it the URL verifies, without one of the bound headers it does not.
    const bound = ['content-length', 'content-md5', ...Object.keys(r.headers).filter((h) => h.startsWith('x-amz-checksum-'))].filter((h) => h in r.headers)
    expect(bound.length).toBeGreaterThan(0)
    const lookup = (id: string) => (id === c.credentials.accessKeyId ? c.credentials : undefined)
    const at = { credentials: lookup, region: c.location.region, now: Date.parse(c.signingDate) }
    const ok = await verifyPresigned({ method: 'PUT', url: r.url, headers: r.headers }, at)
    expect(ok.ok).toBe(true)
    // The result says what the body must be, for a gateway that streams it on.
    const checksums = Object.fromEntries(Object.entries(r.headers).filter(([h]) => h.startsWith('x-amz-checksum-')).map(([h, v]) => [h.slice(15).toUpperCase(), v]))
    expect(ok.ok && ok.body).toEqual({
      ...(c.options.contentLength !== undefined ? { contentLength: c.options.contentLength } : {}),
      ...(c.options.contentMD5 ? { contentMD5: c.options.contentMD5 } : {}),
      ...(Object.keys(checksums).length ? { checksums } : {}),
    })
    expect(verifyPresignedSync({ method: 'PUT', url: r.url, headers: r.headers }, at)).toEqual(ok)
    const missing = { ...r.headers }
    delete missing[bound[0]!]
    expect((await verifyPresigned({ method: 'PUT', url: r.url, headers: missing }, at)).ok).toBe(false)
  })
})

describe('PUT bindings: typed errors', () => {
  const location = { bucket: 'b', key: 'k', region: 'us-east-1' }
  const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' }
  test.each<[string, Partial<PresignS3Options>, string]>([
    ['a negative size', { contentLength: -1 }, 'options.contentLength'],
    ['a fractional size', { contentLength: 1.5 }, 'options.contentLength'],
    ['a size over 5 GiB', { contentLength: 5368709121 }, 'options.contentLength'],
    ['a size as a string', { contentLength: '5' as never }, 'options.contentLength'],
    ['an unknown algorithm', { checksum: { algorithm: 'CRC16' as never, value: 'AAAA' } }, 'options.checksum.algorithm'],
    ['an algorithm in lower case', { checksum: { algorithm: 'sha256' as never, value: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' } }, 'options.checksum.algorithm'],
    ['an inherited name as the algorithm', { checksum: { algorithm: 'toString' as never, value: 'AAAA' } }, 'options.checksum.algorithm'],
    ['an XXHASH128 of a 64-bit digest', { checksum: { algorithm: 'XXHASH128', value: 'AAAAAAAAAAA=' } }, 'options.checksum.value'],
    ['a SHA-512 without its padding', { checksum: { algorithm: 'SHA512', value: 'A'.repeat(86) } }, 'options.checksum.value'],
    ['a CRC32 of the wrong length', { checksum: { algorithm: 'CRC32', value: 'AAAAAAAAAAA=' } }, 'options.checksum.value'],
    ['a SHA-256 in hex', { checksum: { algorithm: 'SHA256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }, 'options.checksum.value'],
    ['a Content-MD5 in hex', { contentMD5: 'd41d8cd98f00b204e9800998ecf8427e' }, 'options.contentMD5'],
    ['a checksum that is null', { checksum: null as never }, 'options.checksum'],
    ['content-length both ways', { contentLength: 3, headers: { 'Content-Length': '3' } }, 'options.headers["content-length"]'],
  ])('%s names %s', async (_, extra, field) => {
    await expect(presignS3Detailed(location, { credentials, method: 'PUT', ...extra })).rejects.toMatchObject({ name: 'PresignError', field })
  })
  test('no binding adds no header, and the headers of a binding keep the caller’s', async () => {
    const r = await presignS3Detailed(location, { credentials, method: 'PUT', headers: { 'content-type': 'video/mp4' }, contentLength: 0, checksum: { algorithm: 'CRC32', value: 'AAAAAA==' } })
    expect(r.headers).toEqual({ 'content-type': 'video/mp4', 'content-length': '0', 'x-amz-checksum-crc32': 'AAAAAA==' })
    expect((await presignS3Detailed(location, { credentials, method: 'PUT' })).headers).toEqual({})
  })
})

describe('temporary credentials end a URL early: credentials.expiration', () => {
  const signingDate = '2026-06-01T12:00:00Z'
  const t0 = Date.parse(signingDate)
  const creds = (msAfter: number) => ({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date(t0 + msAfter) })
  const request = { method: 'GET', url: 'https://b.s3.us-east-1.amazonaws.com/k' }
  const options = (msAfter: number, extra = {}) => ({ credentials: creds(msAfter), region: 'us-east-1', service: 's3', signingDate, expiresIn: 3600, ...extra })

  test.each([
    ['one second after the URL would expire: unchanged', 3601_000, 3600],
    ['exactly when the URL would expire: unchanged', 3600_000, 3600],
    ['one second before the URL would expire: clamped', 3599_000, 3599],
    ['one second after signing: clamped to 1', 1_000, 1],
    ['1.9 s after signing: clamped to 1 (whole seconds, never past the expiry)', 1_900, 1],
  ])('%s', async (_, msAfter, expected) => {
    for (const r of [await presignS3Detailed({ bucket: 'b', key: 'k', region: 'us-east-1' }, options(msAfter)), presignSyncDetailed(request, options(msAfter))]) {
      expect(new URL(r.url).searchParams.get('X-Amz-Expires')).toBe(String(expected))
      expect(r.expiresAt.getTime()).toBe(t0 + expected * 1000)
      expect(r.expiresAt.getTime()).toBeLessThanOrEqual(t0 + msAfter)
    }
  })
  test("credentialExpiry: 'error' refuses a URL that would outlive them, naming both times", async () => {
    await expect(presign(request, options(3599_000, { credentialExpiry: 'error' }))).rejects.toThrow(
      /options\.expiresIn: is 3600 s from 2026-06-01T12:00:00\.000Z, past the credentials' expiration 2026-06-01T12:59:59\.000Z.*at most 3599/,
    )
    await expect(presign(request, options(3600_000, { credentialExpiry: 'error' }))).resolves.toContain('X-Amz-Expires=3600')
  })
  test.each([
    ['at the signing time', 0],
    ['one second before the signing time', -1_000],
    ['less than a second after it', 999],
  ])('credentials expired %s are an error in both modes', async (_, msAfter) => {
    for (const mode of ['clamp', 'error'] as const) {
      await expect(presign(request, options(msAfter, { credentialExpiry: mode }))).rejects.toMatchObject({ code: 'InvalidCredentials', field: 'options.credentials.expiration' })
    }
  })
  test('cacheWindow: the window counts against the credentials too', async () => {
    const url = await presign(request, options(3700_000, { cacheWindow: 900 }))
    // Signed at 12:00:00 (on a window boundary), 3600 + 900 would end at 13:15, past the expiry at 13:01:40.
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3700')
  })
  test('typed errors for a bad expiration or mode; the secret never appears', async () => {
    const bad = [
      [{ ...options(10_000), credentials: { ...creds(0), expiration: '2026-06-01' as never } }, 'options.credentials.expiration'],
      [{ ...options(10_000), credentials: { ...creds(0), expiration: new Date(Number.NaN) } }, 'options.credentials.expiration'],
      [options(10_000, { credentialExpiry: 'warn' }), 'options.credentialExpiry'],
    ] as const
    for (const [o, field] of bad) {
      const e = await presign(request, o as never).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(PresignError)
      expect(e).toMatchObject({ field })
      expect(String((e as Error).message)).not.toContain('secret')
    }
  })
})
