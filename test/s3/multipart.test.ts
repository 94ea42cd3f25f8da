/**
 * Presigned multipart uploads (src/s3/multipart.ts) against vectors/botocore-s3-multipart.json, generated from
 * botocore's S3 client by scripts/gen-s3-multipart-vectors.py: for every vector the canonical request, string to
 * sign and signature are identical, and the URL is byte-identical up to the X-Amz-* parameters (host, path, key
 * encoding and the operation's query `uploads=`, `partNumber=N&uploadId=…`, `max-parts=…&part-number-marker=…&
 * uploadId=…`, in botocore's order and encoding); the X-Amz-* parameters are the same set, in the order this library
 * always emits (AWS's reference suite: X-Amz-SignedHeaders before X-Amz-Expires, botocore has them the other way).
 * Both URLs verify with verifyPresigned, with the vector's method and signed headers. Then the shorthands, and a
 * typed error for every bad input.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { Credentials, PresignErrorCode, S3Location } from '../../src/index.js'
import {
  type MultipartOperation,
  type PresignMultipartOptions,
  presignAbortMultipartUpload,
  presignCompleteMultipartUpload,
  presignCreateMultipartUpload,
  presignListParts,
  presignMultipartDetailed,
  presignUploadPart,
  presignUploadParts,
} from '../../src/s3/multipart.js'
import { verifyPresigned } from '../../src/verify/verify-presigned.js'
import { DOC_CREDENTIALS, rejection, TEST_TOKEN } from '../helpers/fixtures.js'
import { projectRoot } from '../helpers/suite.js'

interface Case {
  name: string
  operation: MultipartOperation['operation']
  upload: { uploadId?: string; partNumber?: number; maxParts?: number; partNumberMarker?: number }
  location: S3Location & { key: string }
  options: { credentials: Credentials; headers?: Record<string, string>; expiresIn: number; signingDate: string }
  method: string
  expected: { url: string; canonicalRequest: string; stringToSign: string; signature: string }
}

const doc = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-multipart.json'), 'utf8')) as { botocore: string; cases: Case[] }
const operationOf = (c: Case): MultipartOperation => ({ operation: c.operation, ...c.upload }) as MultipartOperation

/** The URL up to its first X-Amz-* parameter (byte for byte), and the X-Amz-* parameters, sorted. */
function urlParts(url: string): { beforeAuth: string; auth: string[] } {
  const at = url.search(/[?&]X-Amz-Algorithm=/)
  return { beforeAuth: url.slice(0, at), auth: url.slice(at + 1).split('&').sort() }
}

/** SigV4's Trimall, as the signer applies it to header values (and returns them). */
const trimall = (headers: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace(/[\t ]+/g, ' ').trim()]))

async function verifies(c: Case, url: string, method = c.method, headers = c.options.headers ?? {}): Promise<boolean> {
  const { credentials } = c.options
  const r = await verifyPresigned(
    { method, url, headers },
    { credentials: (id) => (id === credentials.accessKeyId ? credentials : undefined), region: c.location.region, now: Date.parse(c.options.signingDate) },
  )
  return r.ok
}

describe(`botocore ${doc.botocore} S3 multipart vectors`, () => {
  test('every operation, addressing form and header kind is covered', () => {
    const count = (f: (c: Case) => boolean): number => doc.cases.filter(f).length
    expect(doc.cases.length).toBeGreaterThanOrEqual(250)
    for (const op of ['createMultipartUpload', 'uploadPart', 'completeMultipartUpload', 'abortMultipartUpload', 'listParts']) {
      expect(count((c) => c.operation === op), op).toBeGreaterThanOrEqual(30)
    }
    expect(count((c) => c.location.endpoint === 'http://127.0.0.1:9000')).toBeGreaterThan(20)
    expect(count((c) => c.location.forcePathStyle === true)).toBeGreaterThan(20)
    expect(count((c) => c.options.credentials.sessionToken !== undefined)).toBeGreaterThan(40)
    expect(count((c) => c.upload.partNumber === 1)).toBeGreaterThan(3)
    expect(count((c) => c.upload.partNumber === 10000)).toBeGreaterThan(3)
    expect(count((c) => c.upload.uploadId?.length === 1024)).toBeGreaterThan(3)
    expect(count((c) => /[+/= %]/.test(c.upload.uploadId ?? ''))).toBeGreaterThan(20)
    expect(count((c) => c.upload.maxParts !== undefined && c.upload.partNumberMarker !== undefined)).toBeGreaterThan(3)
    expect(count((c) => /[ +]|\/\/|[^\x00-\x7f]/.test(c.location.key))).toBeGreaterThan(100)
    const headers = new Set(doc.cases.flatMap((c) => Object.keys(c.options.headers ?? {}).map((h) => h.replace(/^x-amz-meta-.*/, 'x-amz-meta-*'))))
    for (const h of ['content-type', 'x-amz-meta-*', 'x-amz-checksum-algorithm', 'x-amz-checksum-type', 'content-length', 'content-md5']) expect(headers).toContain(h)
  })

  test.each(doc.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const r = await presignMultipartDetailed(c.location, operationOf(c), c.options)
    expect(r.method).toBe(c.method)
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.stringToSign).toBe(c.expected.stringToSign)
    expect(r.signature).toBe(c.expected.signature)
    expect(urlParts(r.url)).toEqual(urlParts(c.expected.url))
    expect(r.headers).toEqual(trimall(c.options.headers))
    expect(await verifies(c, r.url)).toBe(true)
    expect(await verifies(c, c.expected.url)).toBe(true)
  })

  test.each(doc.cases.map((c) => [c.name, c] as const))('%s: the shorthand gives the same request', async (_, c) => {
    const { uploadId = '', partNumber = 0, maxParts, partNumberMarker } = c.upload
    const detailed = await presignMultipartDetailed(c.location, operationOf(c), c.options)
    const request = { url: detailed.url, method: c.method, headers: trimall(c.options.headers) }
    if (c.operation === 'uploadPart') {
      expect(await presignUploadPart(c.location, { uploadId, partNumber }, c.options)).toBe(detailed.url)
      expect(await presignUploadParts(c.location, { uploadId, partNumbers: [partNumber] }, c.options)).toEqual([{ partNumber, url: detailed.url }])
    } else if (c.operation === 'createMultipartUpload') {
      expect(await presignCreateMultipartUpload(c.location, c.options)).toEqual(request)
    } else if (c.operation === 'completeMultipartUpload') {
      expect(await presignCompleteMultipartUpload(c.location, { uploadId }, c.options)).toEqual(request)
    } else if (c.operation === 'abortMultipartUpload') {
      expect(await presignAbortMultipartUpload(c.location, { uploadId }, c.options)).toEqual(request)
    } else {
      expect(await presignListParts(c.location, { uploadId, maxParts, partNumberMarker }, c.options)).toEqual(request)
    }
  })

  test('a URL does not verify for another method, without a signed header, or for another part or upload', async () => {
    const part = doc.cases.find((c) => c.operation === 'uploadPart' && c.upload.partNumber! > 1 && !c.options.headers)!
    const create = doc.cases.find((c) => c.operation === 'createMultipartUpload' && c.options.headers?.['content-type'])!
    const list = doc.cases.find((c) => c.operation === 'listParts' && c.upload.maxParts !== undefined)!
    expect(await verifies(part, part.expected.url, 'POST')).toBe(false)
    expect(await verifies(part, part.expected.url.replace(`partNumber=${part.upload.partNumber}&`, `partNumber=${part.upload.partNumber! - 1}&`))).toBe(false)
    expect(await verifies(part, part.expected.url.replace('uploadId=', 'uploadId=x'))).toBe(false)
    expect(await verifies(create, create.expected.url, 'PUT')).toBe(false)
    expect(await verifies(create, create.expected.url, 'POST', {})).toBe(false)
    expect(await verifies(list, list.expected.url.replace(`max-parts=${list.upload.maxParts}`, 'max-parts=1000000'))).toBe(false)
  })
})

const LOC: S3Location = { bucket: 'examplebucket', key: 'videos/a b.mp4', region: 'us-east-1' }
const OPTS: PresignMultipartOptions = { credentials: { ...DOC_CREDENTIALS, sessionToken: TEST_TOKEN }, signingDate: '2026-01-01T00:00:00Z', expiresIn: 900 }
const ID = 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA'
const BASE = 'https://examplebucket.s3.us-east-1.amazonaws.com/videos/a%20b.mp4'

/** The URL before its X-Amz-* parameters. */
const beforeAuth = (url: string): string => urlParts(url).beforeAuth

async function expectError(run: () => Promise<unknown>, code: PresignErrorCode, field: string, inMessage?: string): Promise<void> {
  const err = await rejection(run)
  expect({ code: err.code, field: err.field }).toEqual({ code, field })
  if (inMessage !== undefined) expect(err.message).toContain(inMessage)
}

describe('the multipart requests', () => {
  test('each operation: its method, its query first, the object headers signed', async () => {
    const headers = { 'content-type': 'video/mp4', 'x-amz-meta-owner': 'alice', 'x-amz-checksum-algorithm': 'SHA256' }
    const create = await presignCreateMultipartUpload(LOC, { ...OPTS, headers })
    expect(create.method).toBe('POST')
    expect(create.headers).toEqual(headers)
    expect(beforeAuth(create.url)).toBe(BASE + '?uploads=')
    expect(create.url).toContain('X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-checksum-algorithm%3Bx-amz-meta-owner&')
    expect(beforeAuth(await presignUploadPart(LOC, { uploadId: ID, partNumber: 7 }, OPTS))).toBe(BASE + '?partNumber=7&uploadId=' + ID)
    const complete = await presignCompleteMultipartUpload(LOC, { uploadId: ID }, OPTS)
    expect({ method: complete.method, headers: complete.headers, url: beforeAuth(complete.url) }).toEqual({ method: 'POST', headers: {}, url: BASE + '?uploadId=' + ID })
    const abort = await presignAbortMultipartUpload(LOC, { uploadId: ID }, OPTS)
    expect({ method: abort.method, url: beforeAuth(abort.url) }).toEqual({ method: 'DELETE', url: BASE + '?uploadId=' + ID })
    const list = await presignListParts(LOC, { uploadId: ID }, OPTS)
    expect({ method: list.method, url: beforeAuth(list.url) }).toEqual({ method: 'GET', url: BASE + '?uploadId=' + ID })
    const page = await presignListParts(LOC, { uploadId: ID, maxParts: 1000, partNumberMarker: 0 }, OPTS)
    expect(beforeAuth(page.url)).toBe(BASE + '?max-parts=1000&part-number-marker=0&uploadId=' + ID)
    expect(beforeAuth((await presignListParts(LOC, { uploadId: ID, partNumberMarker: 10000 }, OPTS)).url)).toBe(BASE + '?part-number-marker=10000&uploadId=' + ID)
  })

  test('an upload id is encoded with SigV4 UriEncode; the longest, 1024 characters, is accepted', async () => {
    expect(beforeAuth(await presignUploadPart(LOC, { uploadId: 'a+b/c=d e~é', partNumber: 1 }, OPTS))).toBe(BASE + '?partNumber=1&uploadId=a%2Bb%2Fc%3Dd%20e~%C3%A9')
    const long = 'x'.repeat(1024)
    expect(beforeAuth(await presignUploadPart(LOC, { uploadId: long, partNumber: 10000 }, OPTS))).toBe(BASE + '?partNumber=10000&uploadId=' + long)
  })

  test("location.query comes after the operation's parameters; the method may be given when it is the operation's", async () => {
    const url = await presignUploadPart({ ...LOC, query: { 'x-custom': 'a b' } }, { uploadId: ID, partNumber: 2 }, { ...OPTS, method: 'put' } as PresignMultipartOptions)
    expect(beforeAuth(url)).toBe(BASE + '?partNumber=2&uploadId=' + ID + '&x-custom=a%20b')
  })

  test('a batch: in the given order, each URL the one presignUploadPart gives; an empty batch is empty', async () => {
    const partNumbers = [3, 1, 10000, 2]
    const parts = await presignUploadParts(LOC, { uploadId: ID, partNumbers }, OPTS)
    expect(parts.map((p) => p.partNumber)).toEqual(partNumbers)
    for (const p of parts) expect(p.url).toBe(await presignUploadPart(LOC, { uploadId: ID, partNumber: p.partNumber }, OPTS))
    expect(await presignUploadParts(LOC, { uploadId: ID, partNumbers: [] }, OPTS)).toEqual([])
    const all = await presignUploadParts(LOC, { uploadId: ID, partNumbers: Array.from({ length: 10000 }, (_, i) => i + 1) }, OPTS)
    expect(all).toHaveLength(10000)
    expect(new Set(all.map((p) => p.url)).size).toBe(10000)
  })

  test('an access point ARN and a custom endpoint take the same query', async () => {
    const arn = { bucket: 'arn:aws:s3:us-west-2:123456789012:accesspoint/uploads', key: 'a.mp4', region: 'us-west-2' }
    expect(beforeAuth((await presignCreateMultipartUpload(arn, OPTS)).url)).toBe('https://uploads-123456789012.s3-accesspoint.us-west-2.amazonaws.com/a.mp4?uploads=')
    const minio = { bucket: 'media', key: 'a.mp4', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' }
    expect(beforeAuth((await presignAbortMultipartUpload(minio, { uploadId: ID }, OPTS)).url)).toBe('http://127.0.0.1:9000/media/a.mp4?uploadId=' + ID)
  })
})

describe('typed errors', () => {
  const part = (partNumber: unknown) => () => presignUploadPart(LOC, { uploadId: ID, partNumber } as never, OPTS)
  test.each([0, 10001, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1', null, undefined])('partNumber %s: InvalidOption upload.partNumber, naming 1..10000', async (n) => {
    await expectError(part(n), 'InvalidOption', 'upload.partNumber', 'an integer in 1..10000')
    await expectError(() => presignMultipartDetailed(LOC, { operation: 'uploadPart', uploadId: ID, partNumber: n } as never, OPTS), 'InvalidOption', 'upload.partNumber')
  })

  const id = (uploadId: unknown) => () => presignCompleteMultipartUpload(LOC, { uploadId } as never, OPTS)
  test.each(['', 'x'.repeat(1025), 'a\nb', 'a\0b', 'a\x7fb', 'a\x85b', 'a\tb', 42, null, undefined, ['a']])('uploadId %j: InvalidOption upload.uploadId', async (bad) => {
    await expectError(id(bad), 'InvalidOption', 'upload.uploadId', 'at most 1024 characters without control characters')
    for (const run of [
      () => presignUploadPart(LOC, { uploadId: bad, partNumber: 1 } as never, OPTS),
      () => presignUploadParts(LOC, { uploadId: bad, partNumbers: [1] } as never, OPTS),
      () => presignAbortMultipartUpload(LOC, { uploadId: bad } as never, OPTS),
      () => presignListParts(LOC, { uploadId: bad } as never, OPTS),
    ]) {
      await expectError(run, 'InvalidOption', 'upload.uploadId')
    }
  })
  test('an upload id with a lone surrogate: InvalidString upload.uploadId', async () => {
    await expectError(id('a\uD800b'), 'InvalidString', 'upload.uploadId')
  })

  test('a batch: not an array, a bad or a repeated number, checked before anything is signed', async () => {
    const batch = (partNumbers: unknown, options: PresignMultipartOptions = OPTS) => () => presignUploadParts(LOC, { uploadId: ID, partNumbers } as never, options)
    for (const bad of ['1,2', { length: 1, 0: 1 }, undefined, null, 3]) await expectError(batch(bad), 'InvalidOption', 'upload.partNumbers', 'must be an array')
    await expectError(batch([1, 2, 0]), 'InvalidOption', 'upload.partNumbers[2]', '1..10000')
    await expectError(batch([1, , 3]), 'InvalidOption', 'upload.partNumbers[1]')
    await expectError(batch([3, 5, 3]), 'InvalidOption', 'upload.partNumbers[2]', 'must not repeat part number 3 (already at index 0)')
    await expectError(batch(Array.from({ length: 10001 }, (_, i) => (i % 10000) + 1)), 'InvalidOption', 'upload.partNumbers[10000]', 'repeat')
    // The numbers are checked first: bad credentials are reported only once they are valid.
    const badCredentials = { ...OPTS, credentials: { accessKeyId: '', secretAccessKey: '' } }
    await expectError(batch([1, 2, 99999], badCredentials), 'InvalidOption', 'upload.partNumbers[2]')
    await expectError(batch([1, 2], badCredentials), 'InvalidCredentials', 'options.credentials.accessKeyId')
  })

  test.each<[string, Record<string, unknown>, string, string]>([
    ['maxParts 0', { maxParts: 0 }, 'upload.maxParts', '1..1000'],
    ['maxParts 1001', { maxParts: 1001 }, 'upload.maxParts', '1..1000'],
    ['maxParts 2.5', { maxParts: 2.5 }, 'upload.maxParts', '1..1000'],
    ["maxParts '10'", { maxParts: '10' }, 'upload.maxParts', '1..1000'],
    ['partNumberMarker -1', { partNumberMarker: -1 }, 'upload.partNumberMarker', '0..10000'],
    ['partNumberMarker 10001', { partNumberMarker: 10001 }, 'upload.partNumberMarker', '0..10000'],
    ["partNumberMarker '3'", { partNumberMarker: '3' }, 'upload.partNumberMarker', '0..10000'],
  ])('ListParts %s: InvalidOption', async (_, extra, field, range) => {
    await expectError(() => presignListParts(LOC, { uploadId: ID, ...extra } as never, OPTS), 'InvalidOption', field, range)
  })

  test("a method other than the operation's: InvalidMethod options.method", async () => {
    const withMethod = (method: unknown) => ({ ...OPTS, method }) as PresignMultipartOptions
    await expectError(() => presignUploadPart(LOC, { uploadId: ID, partNumber: 1 }, withMethod('GET')), 'InvalidMethod', 'options.method', 'always PUT')
    await expectError(() => presignCreateMultipartUpload(LOC, withMethod('PUT')), 'InvalidMethod', 'options.method', 'always POST')
    await expectError(() => presignAbortMultipartUpload(LOC, { uploadId: ID }, withMethod('POST')), 'InvalidMethod', 'options.method', 'always DELETE')
    await expectError(() => presignListParts(LOC, { uploadId: ID }, withMethod(7)), 'InvalidMethod', 'options.method', 'always GET')
    expect((await presignCompleteMultipartUpload(LOC, { uploadId: ID }, withMethod('POST'))).method).toBe('POST')
  })

  test.each<[string, Partial<S3Location> & Record<string, unknown>, PresignErrorCode, string]>([
    ['no key', { key: undefined }, 'InvalidKey', 'location.key'],
    ['an empty key', { key: '' }, 'InvalidKey', 'location.key'],
    ['a versionId', { versionId: 'v1' }, 'InvalidOption', 'location.versionId'],
    ['response overrides', { responseOverrides: { contentType: 'text/plain' } }, 'InvalidOption', 'location.responseOverrides'],
    ['query uploadId', { query: { uploadId: 'x' } }, 'InvalidOption', 'location.query["uploadId"]'],
    ['query uploads', { query: { uploads: '' } }, 'InvalidOption', 'location.query["uploads"]'],
    ['query UPLOADID (any case)', { query: { UPLOADID: 'x' } }, 'InvalidOption', 'location.query["UPLOADID"]'],
    ['query partNumber', { query: { partNumber: '1' } }, 'InvalidOption', 'location.query["partNumber"]'],
    ['query max-parts', { query: { 'max-parts': '1' } }, 'InvalidOption', 'location.query["max-parts"]'],
    ['query part-number-marker', { query: { 'part-number-marker': '1' } }, 'InvalidOption', 'location.query["part-number-marker"]'],
    ['query versionId', { query: { versionId: 'v' } }, 'InvalidOption', 'location.query["versionId"]'],
    ['a query that is not an object', { query: 'uploads' as never }, 'InvalidOption', 'location.query'],
  ])('a location with %s: %s %s, for every operation', async (_, over, code, field) => {
    const location = { ...LOC, ...over } as S3Location
    for (const run of [
      () => presignCreateMultipartUpload(location, OPTS),
      () => presignUploadPart(location, { uploadId: ID, partNumber: 1 }, OPTS),
      () => presignUploadParts(location, { uploadId: ID, partNumbers: [1, 2] }, OPTS),
      () => presignCompleteMultipartUpload(location, { uploadId: ID }, OPTS),
      () => presignAbortMultipartUpload(location, { uploadId: ID }, OPTS),
      () => presignListParts(location, { uploadId: ID }, OPTS),
    ]) {
      await expectError(run, code, field)
    }
  })

  test('upload, location and options that are not objects; an unknown operation', async () => {
    for (const bad of [null, undefined, 'id', 7]) {
      await expectError(() => presignUploadPart(LOC, bad as never, OPTS), 'InvalidOption', 'upload')
      await expectError(() => presignUploadParts(LOC, bad as never, OPTS), 'InvalidOption', 'upload')
      await expectError(() => presignCompleteMultipartUpload(LOC, bad as never, OPTS), 'InvalidOption', 'upload')
      await expectError(() => presignAbortMultipartUpload(LOC, bad as never, OPTS), 'InvalidOption', 'upload')
      await expectError(() => presignListParts(LOC, bad as never, OPTS), 'InvalidOption', 'upload')
      await expectError(() => presignMultipartDetailed(LOC, bad as never, OPTS), 'InvalidOption', 'upload')
      await expectError(() => presignCreateMultipartUpload(bad as never, OPTS), 'InvalidOption', 'location')
      await expectError(() => presignCreateMultipartUpload(LOC, bad as never), 'InvalidOption', 'options')
    }
    for (const operation of ['deleteObject', 'toString', '__proto__', 'constructor', undefined, 1]) {
      await expectError(() => presignMultipartDetailed(LOC, { operation, uploadId: ID } as never, OPTS), 'InvalidOption', 'upload.operation', 'createMultipartUpload, uploadPart')
    }
  })

  test("the rest is presignS3's: a bad bucket, header or credentials", async () => {
    await expectError(() => presignCreateMultipartUpload({ ...LOC, bucket: 'a/b' }, OPTS), 'InvalidBucket', 'location.bucket')
    await expectError(() => presignCreateMultipartUpload(LOC, { ...OPTS, headers: { 'x-amz-meta-a': 'é' } }), 'InvalidHeader', 'request.headers["x-amz-meta-a"]')
    await expectError(() => presignUploadPart(LOC, { uploadId: ID, partNumber: 1 }, { ...OPTS, expiresIn: 604801 }), 'InvalidExpiresIn', 'options.expiresIn')
  })
})
