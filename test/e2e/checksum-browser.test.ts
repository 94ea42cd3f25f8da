/**
 * The browser computes the checksum it asks the backend to sign (issue 19): headless Chromium loads
 * dist/checksums.js, hashes a generated 3 MiB `File` (read in chunks), posts the MD5 and CRC32C to a backend that
 * presigns a PUT with `contentMD5`, `checksum` and `contentLength`, and uploads straight to storage. The right file is
 * stored (read back and compared by SHA-256); the same URL with one byte changed is refused: Swift answers 400
 * BadDigest (it checks Content-MD5), s3rver, which checks neither Content-MD5 nor checksums, stores it (a gap,
 * asserted). A file of another size is refused by both (SignatureDoesNotMatch on the signed content-length; the
 * browser may see a dropped connection instead).
 *
 * Chromium absent: outside CI a loud skip with the install command; with CI=true a failure (.ci/run installs it).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presignS3, presignS3Detailed } from '../../src/index.js'
import { freePort, projectRoot, requireBinaries } from './helpers/env.js'
import { startMultipartS3rver, startMultipartSwift } from './helpers/multipart-storage.js'
import { requireSwift } from './helpers/swift.js'
import type { S3Target } from './helpers/target.js'

const CHROMIUM = '/usr/bin/chromium'
const chromiumPresent = requireBinaries('Chromium (browser checksums)', [CHROMIUM], 'apt-get update && apt-get install -y chromium')
const swiftPresent = chromiumPresent && requireSwift()
const BUCKET = 'e2e-checksums'

type Start = (o: { bucket: string; corsOrigin: string }) => Promise<S3Target>
const storages: Array<[string, Start, { tamperedRefused: string | undefined }]> = [['s3rver', startMultipartS3rver, { tamperedRefused: undefined }]]
if (swiftPresent) storages.push(['swift', startMultipartSwift, { tamperedRefused: 'BadDigest' }])

/** A backend that only presigns: POST /presign { key, contentLength, contentMD5, crc32c } → { url, headers }. */
function startBackend(port: number, storage: S3Target): Promise<Server> {
  const page = '<!doctype html><meta charset="utf-8"><title>checksums</title><p id="state">ready</p>'
  const lib = readFileSync(join(projectRoot, 'dist', 'checksums.js'))
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page)
    if (req.method === 'GET' && req.url === '/checksums.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(lib)
    if (req.method !== 'POST' || req.url !== '/presign') return res.writeHead(404).end()
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c
    })
    req.on('end', () => {
      const { key, contentLength, contentMD5, crc32c } = JSON.parse(body) as { key: string; contentLength: number; contentMD5: string; crc32c: string }
      presignS3Detailed(
        { bucket: storage.bucket, key, region: storage.region, endpoint: storage.endpoint },
        { credentials: storage.credentials, method: 'PUT', contentLength, contentMD5, checksum: { algorithm: 'CRC32C', value: crc32c }, expiresIn: 300 },
      ).then(
        (r) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: r.url, headers: r.headers })),
        (e: Error) => res.writeHead(400).end(e.message),
      )
    })
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

interface PageResult {
  md5: string
  crc32c: string
  sha256: string
  statuses: Record<'longer' | 'tampered' | 'right', { status: number; code?: string | undefined }>
}

/**
 * In the page (plain JS, so that no test transform touches its import): hash a seeded 3 MiB File with
 * sigv4-presign/checksums, have it presigned, then PUT a longer file, a tampered one and the right one.
 */
const PAGE_SCRIPT = `(async () => {
  const { md5, crc32c, sha256 } = await import('/checksums.js')
  const bytes = new Uint8Array(3 * 1024 * 1024)
  for (let i = 0, x = 7; i < bytes.length; i++) bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24
  const file = new File([bytes], 'clip.bin')
  const sums = { md5: await md5(file, { chunkSize: 1 << 20 }), crc32c: await crc32c(file, { chunkSize: 1 << 20 }), sha256: await sha256(file) }
  const signed = await (await fetch('/presign', { method: 'POST', body: JSON.stringify({ key: 'browser/clip.bin', contentLength: file.size, contentMD5: sums.md5, crc32c: sums.crc32c }) })).json()
  const headers = { ...signed.headers }
  delete headers['content-length'] // the browser sets Content-Length itself
  const send = async (body) => {
    try {
      const r = await fetch(signed.url, { method: 'PUT', headers, body })
      return { status: r.status, code: /<Code>([^<]*)<\\/Code>/.exec(await r.text())?.[1] }
    } catch {
      return { status: 0, code: 'NetworkError' }
    }
  }
  const tampered = bytes.slice()
  tampered[12345] ^= 1
  const statuses = { longer: await send(new Blob([bytes, new Uint8Array(1)])), tampered: await send(new Blob([tampered])), right: await send(file) }
  return { ...sums, statuses }
})()`

/** The page's bytes, made here the same way. */
function pageBytes(): Uint8Array {
  const bytes = new Uint8Array(3 * 1024 * 1024)
  for (let i = 0, x = 7; i < bytes.length; i++) bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24
  return bytes
}

describe.skipIf(!chromiumPresent)('the browser computes the checksum it asks the backend to sign (headless Chromium)', () => {
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] })
  }, 45_000)
  afterAll(async () => {
    await browser?.close()
  }, 30_000)

  describe.each(storages)('%s', (_name, start, expected) => {
    let storage: S3Target | undefined
    let backend: Server | undefined
    let origin = ''
    beforeAll(async () => {
      const port = await freePort()
      origin = `http://127.0.0.1:${port}`
      storage = await start({ bucket: BUCKET, corsOrigin: origin })
      backend = await startBackend(port, storage)
    }, 60_000)
    afterAll(async () => {
      await new Promise((r) => backend?.close(r))
      await storage?.stop()
    }, 30_000)

    test('MD5 and CRC32C computed in the page are signed; the right file is stored, a longer one refused', async () => {
      const page = await browser!.newPage()
      try {
        await page.goto(origin + '/')
        const r = (await page.evaluate(PAGE_SCRIPT)) as PageResult
        // The page's digests are node:crypto's for the same bytes.
        const bytes = pageBytes()
        expect(r.md5).toBe(createHash('md5').update(bytes).digest('base64'))
        expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('base64'))
        expect(r.statuses.right.status).toBe(200)
        expect([0, 403]).toContain(r.statuses.longer.status)
        if (r.statuses.longer.status) expect(r.statuses.longer.code).toBe('SignatureDoesNotMatch')
        if (expected.tamperedRefused) expect(r.statuses.tampered).toEqual({ status: 400, code: expected.tamperedRefused })
        else expect(r.statuses.tampered.status).toBe(200) // s3rver checks no digest: the right file, PUT last, wins
        const url = await presignS3({ bucket: storage!.bucket, key: 'browser/clip.bin', region: storage!.region, endpoint: storage!.endpoint }, { credentials: storage!.credentials })
        const got = new Uint8Array(await (await fetch(url)).arrayBuffer())
        expect(createHash('sha256').update(got).digest('base64')).toBe(r.sha256)
      } finally {
        await page.close()
      }
    }, 60_000)
  })
})
