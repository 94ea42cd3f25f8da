/**
 * The README's examples run as written (imports stripped, free variables supplied: the AWS documentation's example
 * credentials, a request, the library's exports), and give what their text says. The guides' snippets have their
 * own tests (see CONTRIBUTING.md, "Docs that tests read").
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import * as gcs from '../src/gcs/index.js'
import * as lib from '../src/index.js'
import { uploadMultipart, type UploadOptions } from '../src/upload/index.js'
import { DOC_CREDENTIALS } from './helpers/fixtures.js'
import { projectRoot } from './helpers/suite.js'
import { FakeS3, makeFile, memoryTransport, testBackend } from './upload/fake-s3.js'

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^import .*$/gm, ''))
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>

/** Run a block with the free variables it may use; it returns the last of `url`, `urls`, `fields`, `password`, `result` it set. */
async function run(code: string, extra: Record<string, unknown> = {}): Promise<unknown> {
  const { accessKeyId, secretAccessKey } = DOC_CREDENTIALS
  const free: Record<string, unknown> = {
    ...lib,
    accessKeyId,
    secretAccessKey,
    sessionToken: undefined,
    credentials: DOC_CREDENTIALS,
    console: { log: () => {} },
    ...extra,
  }
  const names = Object.keys(free)
  const tail = '\nfor (const v of [typeof result, typeof password, typeof fields, typeof urls, typeof url]) void v\n' +
    "return typeof result !== 'undefined' ? result : typeof password !== 'undefined' ? password : typeof urls !== 'undefined' ? urls : typeof fields !== 'undefined' ? fields : typeof url !== 'undefined' ? url : undefined"
  return new AsyncFunction(...names, code + tail)(...names.map((n) => free[n]))
}

const SIGNED = /^https:\/\/[^?]+\?.*X-Amz-Signature=[0-9a-f]+$/

describe('README examples', () => {
  test('there are examples for every entry point the README lists', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9)
  })
  test('each example runs, and the ones that presign give signed URLs', async () => {
    let urls = 0
    for (const [i, code] of blocks.entries()) {
      let out: unknown
      if (code.includes('verifyPresigned(')) {
        // A request that really is presigned: the example must accept it, and refuse the same URL for a PUT.
        const url = await lib.presignS3({ bucket: 'examplebucket', key: 'a.txt', region: 'us-east-1' }, { credentials: DOC_CREDENTIALS })
        out = await run(code, { request: { method: 'GET', url, headers: {} } })
        expect(out, `block ${i}`).toMatchObject({ ok: true, accessKeyId: DOC_CREDENTIALS.accessKeyId })
        const refused = await run(code, { request: { method: 'PUT', url, headers: {} } })
        expect(refused, `block ${i}`).toBeInstanceOf(Response)
        expect((refused as Response).status).toBe(403)
        continue
      }
      if (code.includes('expiresIn: 604801')) {
        const logged: unknown[] = []
        await run(code, { req: { url: 'https://examplebucket.s3.us-east-1.amazonaws.com/a' }, opts: { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3' }, console: { log: (...a: unknown[]) => logged.push(a) } })
        expect(logged).toEqual([['InvalidExpiresIn', 'options.expiresIn']])
        continue
      }
      if (code.includes('uploadMultipart(')) {
        // The multipart example: a 12 MiB file through an in-memory S3 that verifies every presigned request.
        const s3 = new FakeS3()
        const { file, bytes } = makeFile(12 * 1024 * 1024)
        const bar = { value: 0 }
        const upload = (f: Blob, b: unknown, o: UploadOptions) => uploadMultipart(f, b as never, { ...o, transport: memoryTransport(s3) })
        await run(code, { uploadMultipart: upload, file, bar, backend: testBackend('http://s3.test:9000').backend })
        expect(bar.value, `block ${i}`).toBe(1)
        expect(s3.objects.size, `block ${i}`).toBe(1)
        expect(Buffer.compare([...s3.objects.values()][0]!.data, bytes), `block ${i}`).toBe(0)
        continue
      }
      if (code.includes('presignGcs(')) {
        // The Cloud Storage example: a throwaway RSA key file and HMAC key; every URL and the POST policy are signed.
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
        const keyFile = { type: 'service_account', client_email: 'signer@project.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }
        const seen: Record<string, unknown> = {}
        await run(code + '\nObject.assign(seen, { url, hmacUrl, fields })', { ...gcs, keyFile, accessId: 'GOOG1EXAMPLE', secret: 'hmac/secret', seen })
        expect(seen['url'], `block ${i}`).toMatch(/^https:\/\/storage\.googleapis\.com\/my-bucket\/photos\/a%20b\.jpg\?X-Goog-Algorithm=GOOG4-RSA-SHA256&.*&X-Goog-Signature=[0-9a-f]{512}$/)
        expect(seen['hmacUrl'], `block ${i}`).toMatch(/^https:\/\/my-bucket\.storage\.googleapis\.com\/a\.txt\?X-Goog-Algorithm=GOOG4-HMAC-SHA256&.*&X-Goog-Signature=[0-9a-f]{64}$/)
        expect((seen['fields'] as Record<string, string>)['x-goog-signature'], `block ${i}`).toMatch(/^[0-9a-f]{512}$/)
        continue
      }
      out = await run(code)
      if (code.includes('presignPost(')) {
        expect((out as Record<string, string>)['x-amz-signature'], `block ${i}`).toMatch(/^[0-9a-f]{64}$/)
        continue
      }
      for (const u of Array.isArray(out) ? out : [out]) {
        if (typeof u === 'string' && u.startsWith('https://')) {
          expect(u, `block ${i}`).toMatch(SIGNED)
          urls++
        }
      }
    }
    expect(urls).toBeGreaterThanOrEqual(6)
  })
})
