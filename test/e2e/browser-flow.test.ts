/**
 * The seed's flow in a real browser: examples/upload-download (a node:http backend that only signs, and its
 * page) against a real storage server, driven in headless Chromium by playwright-core.
 *
 * POST mode, the page's default: the backend signs a POST policy (presignPost: content-length-range
 * [1, UPLOAD_MAX_BYTES], Content-Type starting with image/, the exact key); the page sends a FormData (the policy's
 * fields, its Content-Type, the file last) straight to storage, GETs the object back and shows its SHA-256.
 * Checked: a PNG within the cap, and one of exactly the cap, are stored and come back with the same SHA-256; one
 * byte over the cap gets 400 EntityTooLarge, an empty file 400 EntityTooSmall, a text file 403 AccessDenied, each
 * shown on the page, and none of them is stored. PUT mode: the presigned PUT URL flow, which stores the file the
 * POST policy refused (a PUT URL cannot limit the size).
 *
 * Storage: real S3 enforces POST policies itself; neither local server does (s3rver 5.0.0 stores any form, Swift's
 * s3api has no POST uploads: see post-policy.test.ts). So examples/upload-download/post-gateway.mjs stands in for
 * S3 here, as in the example's dev.mjs: it is the endpoint the backend signs for, checks each POST form with
 * verifyPost (refusals with S3's status and XML error, nothing stored), stores accepted files with a presigned PUT,
 * and passes every other request (GETs, the PUT mode's preflight and PUT) to the server unchanged. The stored
 * objects are then read from the server directly. The servers: s3rver always; Swift too when installed (its s3api
 * answers the PUT's CORS preflight with `cors_preflight_allow_origin` and the proxy's `cors_allow_origin` adds
 * Access-Control-Allow-Origin to the real responses; s3rver uses the bucket's CORS configuration; the gateway
 * answers for the POST).
 *
 * Chromium (Debian's /usr/bin/chromium) absent: outside CI a loud skip with the install command,
 * with CI=true a failure (.ci/run installs it). The example imports the built package (dist/).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presignS3 } from '../../src/index.js'
import { freePort, inCI, projectRoot, requireBinaries, sha256, tempDir } from './helpers/env.js'
import { type NodeScript, startNodeScript } from './helpers/node-script.js'
import { startS3rver } from './helpers/s3rver.js'
import { requireSwift, startSwift } from './helpers/swift.js'
import type { S3Target } from './helpers/target.js'

const CHROMIUM = '/usr/bin/chromium'
const chromiumPresent = requireBinaries('Chromium (browser flow)', [CHROMIUM], 'apt-get update && apt-get install -y chromium')
const swiftPresent = chromiumPresent && requireSwift()

const built = existsSync(join(projectRoot, 'dist', 'index.js'))
if (!built) {
  const msg = '\n!!! dist/ is not built: the upload-download example imports the package; run `npm run build` (npm test does).\n'
  if (inCI) throw new Error(msg)
  console.warn(msg + '!!! Skipping the browser flow.')
}

const storages: Array<[string, (o: { bucket: string; corsOrigin: string }) => Promise<S3Target>]> = [['s3rver', startS3rver]]
if (swiftPresent) storages.push(['swift', startSwift])

/** A small valid PNG (RGB gradient). */
function makePng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc32 = (buf: Buffer): number => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc32(body), body.length + 4)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, (y * 255) / height, 128], y * (width * 3 + 1) + 1 + x * 3)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** The upload cap the tests configure (UPLOAD_MAX_BYTES), and the example's default. */
const CAP = 64 * 1024
const DEFAULT_CAP = 1024 * 1024
const TYPE_RULE = '["starts-with", "$Content-Type", "image/"]'

/** The example's backend on `port`, signing for `endpoint` (the gateway in front of `storage`). */
function startExample(port: number, storage: S3Target, endpoint: string, env: Record<string, string> = {}): Promise<NodeScript> {
  return startNodeScript('examples/upload-download/server.mjs', {
    HOST: '127.0.0.1',
    PORT: String(port),
    S3_ENDPOINT: endpoint,
    S3_BUCKET: storage.bucket,
    S3_REGION: storage.region,
    AWS_ACCESS_KEY_ID: storage.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: storage.credentials.secretAccessKey,
    ...env,
  })
}

/** The example's POST gateway in front of `storage` on `port`, answering CORS for `corsOrigin`. */
function startGateway(port: number, storage: S3Target, corsOrigin: string): Promise<NodeScript> {
  return startNodeScript('examples/upload-download/post-gateway.mjs', {
    HOST: '127.0.0.1',
    PORT: String(port),
    UPSTREAM: storage.endpoint,
    CORS_ORIGIN: corsOrigin,
    S3_REGION: storage.region,
    AWS_ACCESS_KEY_ID: storage.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: storage.credentials.secretAccessKey,
  })
}

describe.skipIf(!chromiumPresent || !built)('browser flow: examples/upload-download in headless Chromium', () => {
  let context: BrowserContext | undefined
  const profile = tempDir('chromium-profile')

  beforeAll(async () => {
    context = await chromium.launchPersistentContext(profile.dir, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
  }, 45_000)

  afterAll(async () => {
    await context?.close()
    profile.remove()
  }, 30_000)

  const png = makePng(16, 12)
  /** `png` padded with zero bytes to `size` (decoders stop at IEND): still an image, of an exact size. */
  const pngOfSize = (size: number): Buffer => Buffer.concat([png, Buffer.alloc(size - png.length)])

  describe.each(storages)('%s', (_name, start) => {
    let storage: S3Target | undefined
    let gateway: NodeScript | undefined
    let endpoint = '' // the gateway: the storage endpoint the example signs for
    let allowedPort = 0

    beforeAll(async () => {
      allowedPort = await freePort()
      const corsOrigin = `http://127.0.0.1:${allowedPort}`
      storage = await start({ bucket: 'e2e-uploads', corsOrigin })
      const gatewayPort = await freePort()
      gateway = await startGateway(gatewayPort, storage, corsOrigin)
      endpoint = `http://127.0.0.1:${gatewayPort}`
    }, 60_000)
    afterAll(async () => {
      await gateway?.stop()
      await storage?.stop()
    }, 30_000)

    interface PageRun {
      page: Page
      origin: string
      /** `METHOD url` of every request the page made. */
      requests: string[]
      /** Choose `mode`, pick the file, click Upload; the status line once it reads Done… or Failed…. */
      upload: (fileName: string, mimeType: string, buffer: Buffer, mode?: 'post' | 'put') => Promise<string>
      diagnostics: () => string
    }

    /** Serve the example on `appPort` (with `env`), open its page, run `body`; then the example stops. */
    async function withPage(appPort: number, env: Record<string, string>, body: (r: PageRun) => Promise<void>): Promise<void> {
      const origin = `http://127.0.0.1:${appPort}`
      const app = await startExample(appPort, storage!, endpoint, env)
      try {
        const page = await context!.newPage()
        const log: string[] = []
        page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`))
        page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`))
        const requests: string[] = []
        page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`))
        await page.goto(origin + '/')
        const upload = async (fileName: string, mimeType: string, buffer: Buffer, mode: 'post' | 'put' = 'post'): Promise<string> => {
          await page.selectOption('#mode', mode)
          await page.setInputFiles('#file', { name: fileName, mimeType, buffer })
          await page.$eval('#status', (el) => (el.textContent = ''))
          await page.click('#upload')
          await page.waitForFunction(() => /^(Done|Failed)/.test(document.getElementById('status')?.textContent ?? ''), undefined, {
            timeout: 30_000,
          })
          return (await page.textContent('#status')) ?? ''
        }
        const diagnostics = (): string => [...log, ...requests, app.output(), gateway!.output(), storage!.logs()].join('\n')
        await body({ page, origin, requests, upload, diagnostics })
        await page.close()
      } finally {
        await app.stop()
      }
    }

    /** The test's own presigned GET of an uploaded object, from the storage server itself (not through the gateway). */
    async function fetchStored(fileName: string): Promise<Response> {
      const s = storage!
      const url = await presignS3(
        { bucket: s.bucket, key: `uploads/${fileName}`, region: s.region, endpoint: s.endpoint },
        { credentials: s.credentials, expiresIn: 60 },
      )
      return fetch(url)
    }
    async function expectNotStored(fileName: string): Promise<void> {
      const stored = await fetchStored(fileName)
      expect(stored.status, `uploads/${fileName}`).toBe(404)
      expect(await stored.text()).toContain('<Code>NoSuchKey</Code>')
    }

    test('POST (the default): a PNG within the cap goes from the page to storage under a signed policy and comes back with the same SHA-256', async () => {
      const fileName = 'résumé 日本 😀 (1).png'
      await withPage(allowedPort, {}, async ({ page, origin, requests, upload, diagnostics }) => {
        expect(await page.inputValue('#mode')).toBe('post')
        expect(await upload(fileName, 'image/png', png), diagnostics()).toBe(`Done: ${png.length} bytes uploaded (POST) and downloaded back.`)
        expect(await page.textContent('#local')).toBe(sha256(png))
        expect(await page.textContent('#sha256')).toBe(sha256(png))
        // The page shows the image it downloaded.
        await page.waitForFunction(() => (document.getElementById('preview') as HTMLImageElement).naturalWidth > 0, undefined, { timeout: 10_000 })
        expect(await page.$eval('#preview', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([16, 12])

        // The bytes went from the browser to storage directly, as one multipart POST to the bucket's URL; the
        // backend only saw POST /uploads.
        const bucketUrl = `${endpoint}/${storage!.bucket}`
        expect(requests.filter((r) => r === `POST ${bucketUrl}`)).toHaveLength(1)
        expect(requests.filter((r) => r.startsWith(`GET ${bucketUrl}/uploads/`))).toHaveLength(1)
        expect(requests.filter((r) => r.startsWith('PUT '))).toEqual([])
        const toBackend = requests.filter((r) => r.split(' ')[1]!.startsWith(origin + '/'))
        expect(toBackend.map((r) => r.replace(origin, ''))).toEqual(['GET /', 'POST /uploads'])

        // And they are on the server, as an image/png, under the user's file name.
        const stored = await fetchStored(fileName)
        expect(stored.status).toBe(200)
        expect(stored.headers.get('content-type')).toBe('image/png')
        expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(sha256(png))

        // The policy the backend signs by default: 1 byte .. 1 MiB, a Content-Type starting with image/, this key.
        const res = await fetch(`${origin}/uploads`, { method: 'POST', body: JSON.stringify({ key: 'cat.png' }) })
        const grant = (await res.json()) as { mode: string; url: string; fields: Record<string, string>; getUrl: string }
        expect([grant.mode, grant.url]).toEqual(['post', bucketUrl])
        expect(grant.getUrl.startsWith(`${bucketUrl}/uploads/cat.png?`)).toBe(true)
        const policy = JSON.parse(Buffer.from(grant.fields['policy']!, 'base64').toString('utf8')) as { conditions: unknown[] }
        expect(policy.conditions).toEqual(
          expect.arrayContaining([['content-length-range', 1, DEFAULT_CAP], ['starts-with', '$Content-Type', 'image/'], { key: 'uploads/cat.png' }, { bucket: storage!.bucket }]),
        )
      })
    }, 60_000)

    test('POST: storage enforces the cap (UPLOAD_MAX_BYTES): exactly the cap is stored; one byte more gets EntityTooLarge and an empty file EntityTooSmall on the page, and neither is stored', async () => {
      await withPage(allowedPort, { UPLOAD_MAX_BYTES: String(CAP) }, async ({ page, requests, upload, diagnostics }) => {
        const atCap = pngOfSize(CAP)
        expect(await upload('at cap.png', 'image/png', atCap), diagnostics()).toBe(`Done: ${CAP} bytes uploaded (POST) and downloaded back.`)
        expect(await page.textContent('#sha256')).toBe(sha256(atCap))
        expect(sha256(Buffer.from(await (await fetchStored('at cap.png')).arrayBuffer()))).toBe(sha256(atCap))

        expect(await upload('over cap.png', 'image/png', pngOfSize(CAP + 1)), diagnostics()).toBe(
          'Failed: POST: 400 EntityTooLarge: Your proposed upload exceeds the maximum allowed size',
        )
        expect(await page.textContent('#sha256')).toBe('')
        await expectNotStored('over cap.png')

        expect(await upload('empty.png', 'image/png', Buffer.alloc(0)), diagnostics()).toBe(
          'Failed: POST: 400 EntityTooSmall: Your proposed upload is smaller than the minimum allowed size',
        )
        await expectNotStored('empty.png')
        // Storage refused them, not the page or the backend: each was signed and sent.
        expect(requests.filter((r) => r === `POST ${endpoint}/${storage!.bucket}`)).toHaveLength(3)
      })
    }, 60_000)

    test('POST: a file whose type the policy does not allow gets 403 AccessDenied on the page and is not stored', async () => {
      await withPage(allowedPort, {}, async ({ page, requests, upload, diagnostics }) => {
        expect(await upload('notes.txt', 'text/plain', Buffer.from('not an image\n')), diagnostics()).toBe(
          `Failed: POST: 403 AccessDenied: Invalid according to Policy: Policy Condition failed: ${TYPE_RULE}`,
        )
        expect(await page.textContent('#sha256')).toBe('')
        await expectNotStored('notes.txt')
        expect(requests.filter((r) => r === `POST ${endpoint}/${storage!.bucket}`)).toHaveLength(1)
      })
    }, 60_000)

    test('PUT mode: the presigned PUT URL flow still works, and cannot cap the size (the file POST refused is stored)', async () => {
      const fileName = 'résumé 日本 😀 (put).png'
      await withPage(allowedPort, { UPLOAD_MAX_BYTES: String(CAP) }, async ({ page, origin, requests, upload, diagnostics }) => {
        expect(await upload(fileName, 'image/png', png, 'put'), diagnostics()).toBe(`Done: ${png.length} bytes uploaded (PUT) and downloaded back.`)
        expect(await page.textContent('#local')).toBe(sha256(png))
        expect(await page.textContent('#sha256')).toBe(sha256(png))
        await page.waitForFunction(() => (document.getElementById('preview') as HTMLImageElement).naturalWidth > 0, undefined, { timeout: 10_000 })
        expect(await page.$eval('#preview', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([16, 12])

        // Browser to storage directly (through the gateway's pass-through): one PUT, one GET; the backend only signed.
        const objectPath = `${endpoint}/${storage!.bucket}/uploads/`
        expect(requests.filter((r) => r.startsWith(`PUT ${objectPath}`))).toHaveLength(1)
        expect(requests.filter((r) => r.startsWith(`GET ${objectPath}`))).toHaveLength(1)
        expect(requests.filter((r) => r.startsWith('POST ') && !r.startsWith(`POST ${origin}/`))).toEqual([])
        const toBackend = requests.filter((r) => r.split(' ')[1]!.startsWith(origin + '/'))
        expect(toBackend.map((r) => r.replace(origin, ''))).toEqual(['GET /', 'POST /uploads'])
        const stored = await fetchStored(fileName)
        expect(stored.status).toBe(200)
        expect(stored.headers.get('content-type')).toBe('image/png')
        expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(sha256(png))

        // A PUT URL has no size limit: one byte over the cap, which the POST policy refuses, is stored.
        expect(await upload('over cap put.png', 'image/png', pngOfSize(CAP + 1), 'put'), diagnostics()).toBe(
          `Done: ${CAP + 1} bytes uploaded (PUT) and downloaded back.`,
        )
        expect((await fetchStored('over cap put.png')).status).toBe(200)
        // The type can be held to the rule, by the backend before it signs (the signed content-type must be sent as is).
        expect(await upload('notes put.txt', 'text/plain', Buffer.from('not an image\n'), 'put')).toBe(
          'Failed: POST /uploads: 400 {"error":"contentType must be type/subtype starting with \\"image/\\""}',
        )
        await expectNotStored('notes put.txt')
      })
    }, 60_000)

    test('from an origin storage does not allow (CORS), the page can upload in neither mode', async () => {
      await withPage(await freePort(), {}, async ({ requests, upload, diagnostics }) => {
        // PUT: the browser's preflight is refused, so nothing is sent: the successes above depend on the storage's
        // CORS setup, not on luck.
        expect(await upload('blocked 日本.png', 'image/png', png, 'put'), diagnostics()).toBe('Failed: Failed to fetch')
        await expectNotStored('blocked 日本.png')
        // POST: a FormData fetch is a CORS "simple request" without a preflight, so the browser does send the form;
        // the missing Access-Control-Allow-Origin only keeps the answer from the page. Whether it is stored is the
        // server's decision (the policy's, not CORS's), so it is not asserted here.
        expect(await upload('blocked post.png', 'image/png', png), diagnostics()).toBe('Failed: Failed to fetch')
        expect(requests.filter((r) => r === `POST ${endpoint}/${storage!.bucket}`)).toHaveLength(1)
      })
    }, 60_000)
  })
})
