/**
 * PUT URLs that bind the body (issue 19), against real servers on 127.0.0.1: a URL signed with `contentLength` or
 * `contentMD5` stores the right body and is refused, with the server's S3 code, for a body of another size or other
 * bytes; a signed `x-amz-checksum-*` stores the right body. What each server enforces, measured:
 * - Swift 2.30.1 s3api: another size → 403 SignatureDoesNotMatch (content-length is a signed header); another body
 *   with a signed Content-MD5 → 400 BadDigest; it does not check x-amz-checksum-* (any body is stored), so checksum
 *   refusal is proven by the vectors and S3's documentation only (../shared/docs/s3-compatible-servers.md).
 * - s3rver 5.0.0: another size → 403 SignatureDoesNotMatch; it checks neither Content-MD5 nor checksums (other bytes
 *   are stored: gaps, asserted as such), but refuses the URL when the signed header is missing.
 * A refused PUT may be answered before its body is read and the socket closed (Swift does this): such a request counts
 * as refused, never as stored, and the test then checks that nothing was stored.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presignS3, presignS3Detailed } from '../../src/index.js'
import { s3Error } from './helpers/env.js'
import { startS3rver } from './helpers/s3rver.js'
import { requireSwift, startSwift } from './helpers/swift.js'
import type { S3Target } from './helpers/target.js'

const swiftPresent = requireSwift()

/** MD5 (base64) of a body, computed here with node:crypto (the library's own MD5 lives in sigv4-presign/checksums). */
async function md5(body: Uint8Array): Promise<string> {
  const { createHash } = await import('node:crypto')
  return createHash('md5').update(body).digest('base64')
}

async function put(url: string, headers: Record<string, string>, body: Uint8Array): Promise<{ status: number; code: string | undefined }> {
  try {
    const r = await fetch(url, { method: 'PUT', headers, body: new Blob([body as Uint8Array<ArrayBuffer>]) })
    return { status: r.status, code: s3Error(await r.text()).code }
  } catch {
    return { status: 0, code: 'ConnectionClosed' } // answered and closed before the body was read: refused
  }
}

async function stored(t: S3Target, key: string): Promise<Uint8Array | undefined> {
  const url = await presignS3({ bucket: t.bucket, key, region: t.region, endpoint: t.endpoint }, { credentials: t.credentials })
  const r = await fetch(url)
  return r.status === 200 ? new Uint8Array(await r.arrayBuffer()) : undefined
}

const body = new TextEncoder().encode('exactly these bytes, no more, no fewer\n')
const other = new TextEncoder().encode('exactly these bytes, no more, no fewer!')

function defineCases(name: string, start: () => Promise<S3Target>, expectations: { md5Refused: string | undefined; checksumRefused: string | undefined }) {
  describe(`${name}: PUT URLs that bind the body`, () => {
    let t: S3Target
    beforeAll(async () => {
      t = await start()
    }, 60_000)
    afterAll(async () => {
      await t?.stop()
    }, 30_000)
    const location = (key: string) => ({ bucket: t.bucket, key, region: t.region, endpoint: t.endpoint })

    test('contentLength: the right size is stored; one byte more or less is refused with SignatureDoesNotMatch', async () => {
      const r = await presignS3Detailed(location('bound/length.bin'), { credentials: t.credentials, method: 'PUT', contentLength: body.length })
      expect(r.headers).toEqual({ 'content-length': String(body.length) })
      for (const wrong of [body.subarray(1), new Uint8Array([...body, 10])]) {
        const refused = await put(r.url, {}, wrong)
        expect([403, 0], JSON.stringify(refused)).toContain(refused.status)
        if (refused.status) expect(refused.code).toBe('SignatureDoesNotMatch')
        expect(await stored(t, 'bound/length.bin')).toBeUndefined()
      }
      expect(await put(r.url, {}, body)).toMatchObject({ status: 200 })
      expect(await stored(t, 'bound/length.bin')).toEqual(body)
    })

    test(`contentMD5: the right bytes are stored; other bytes of the same size are ${expectations.md5Refused ?? 'stored (not checked)'}`, async () => {
      const r = await presignS3Detailed(location('bound/md5.bin'), { credentials: t.credentials, method: 'PUT', contentMD5: await md5(body) })
      expect(r.headers).toEqual({ 'content-md5': await md5(body) })
      const wrong = await put(r.url, r.headers, other)
      if (expectations.md5Refused) {
        expect(wrong.code, JSON.stringify(wrong)).toBe(expectations.md5Refused)
        expect(await stored(t, 'bound/md5.bin')).toBeUndefined()
      } else expect(wrong.status).toBe(200)
      // Without the signed header the URL is refused outright.
      expect((await put(r.url, {}, body)).status).toBe(403)
      expect(await put(r.url, r.headers, body)).toMatchObject({ status: 200 })
      expect(await stored(t, 'bound/md5.bin')).toEqual(body)
    })

    test(`checksum (CRC32): the right bytes are stored; other bytes are ${expectations.checksumRefused ?? 'stored (the server does not check checksums)'}`, async () => {
      const { crc32 } = await import('node:zlib')
      const value = Buffer.alloc(4)
      value.writeUInt32BE(crc32(body))
      const checksum = { algorithm: 'CRC32' as const, value: value.toString('base64') }
      const r = await presignS3Detailed(location('bound/crc.bin'), { credentials: t.credentials, method: 'PUT', checksum, contentLength: body.length })
      expect(r.headers).toEqual({ 'content-length': String(body.length), 'x-amz-checksum-crc32': checksum.value })
      const wrong = await put(r.url, r.headers, other)
      if (expectations.checksumRefused) expect(wrong.code).toBe(expectations.checksumRefused)
      else expect(wrong.status).toBe(200)
      expect(await put(r.url, r.headers, body)).toMatchObject({ status: 200 })
      expect(await stored(t, 'bound/crc.bin')).toEqual(body)
    })
  })
}

defineCases('s3rver', () => startS3rver(), { md5Refused: undefined, checksumRefused: undefined })
if (swiftPresent) defineCases('Swift s3api', () => startSwift(), { md5Refused: 'BadDigest', checksumRefused: undefined })
