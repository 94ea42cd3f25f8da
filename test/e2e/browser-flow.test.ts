/**
 * The seed's flow in a real browser: examples/upload-download (a node:http backend that only signs, and its
 * page) against a real storage server, driven in headless Chromium by playwright-core.
 *
 * Each user (the x-user header; the page's "Signed in as" box) owns the keys under users/<id>/: uploads go there, and
 * the backend's GET /downloads signs a GET only for the user's own keys (403 for another user's, 400 for a key that
 * climbs out with ".."). The page shows the uploaded image in an <img> whose src is that presigned GET URL; the test
 * checks the bytes the <img> received, the bytes stored on the server (read from it directly), and saves a screenshot
 * under test/e2e/.out/ (UPDATE_EXAMPLE_SCREENSHOT=1 also writes examples/upload-download/screenshot.png, the README's).
 *
 * Cache-friendly URLs: GET /downloads signs with cacheWindow 900 and response-cache-control "private, max-age=600".
 * A second presign of the same object in the same window is the byte-identical URL, and a second page showing it
 * sends nothing to storage: Chromium answers the fetch and the <img> from its HTTP cache. Proven two ways: CDP's
 * Network.responseReceived says fromDiskCache (Chromium's HTTP cache; it is on disk in the test's profile), and a
 * recording proxy between the gateway and the storage server sees no second GET of the object. (Resource Timing's
 * transferSize === 0 cannot tell: storage is another origin without Timing-Allow-Origin, so it is 0 for every load.)
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
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presignS3 } from '../../src/index.js'
import { freePort, inCI, projectRoot, requireBinaries, sha256, tempDir } from './helpers/env.js'
import { type NodeScript, startNodeScript } from './helpers/node-script.js'
import { type RecordingProxy, startRecordingProxy } from './helpers/recording-proxy.js'
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

/** A key in an S3 path: each segment percent-encoded (RFC 3986), as presignS3 does. */
const encodeKey = (key: string): string =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/')

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
/** The user the page is signed in as (its default): it owns the keys under users/alice/. */
const USER = 'alice'
const PREFIX = `users/${USER}/`
/** The example's GET URLs: cacheWindow 900 s, expiresIn 300 s. */
const CACHE_WINDOW_MS = 900_000
/** Screenshots of the page (git-ignored). */
const OUT_DIR = join(projectRoot, 'test', 'e2e', '.out')

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
function startGateway(port: number, storage: S3Target, upstream: string, corsOrigin: string): Promise<NodeScript> {
  return startNodeScript('examples/upload-download/post-gateway.mjs', {
    HOST: '127.0.0.1',
    PORT: String(port),
    UPSTREAM: upstream,
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
  /** A bigger one for the page's preview and the screenshot. */
  const PHOTO_SIZE = [192, 120] as const
  const photo = makePng(...PHOTO_SIZE)
  /** `png` padded with zero bytes to `size` (decoders stop at IEND): still an image, of an exact size. */
  const pngOfSize = (size: number): Buffer => Buffer.concat([png, Buffer.alloc(size - png.length)])

  describe.each(storages)('%s', (_name, start) => {
    let storage: S3Target | undefined
    /** Between the gateway and the server: what really reached storage. */
    let proxy: RecordingProxy | undefined
    let gateway: NodeScript | undefined
    let endpoint = '' // the gateway: the storage endpoint the example signs for
    let allowedPort = 0

    beforeAll(async () => {
      allowedPort = await freePort()
      const corsOrigin = `http://127.0.0.1:${allowedPort}`
      storage = await start({ bucket: 'e2e-uploads', corsOrigin })
      proxy = await startRecordingProxy(storage.endpoint)
      const gatewayPort = await freePort()
      gateway = await startGateway(gatewayPort, storage, proxy.url, corsOrigin)
      endpoint = `http://127.0.0.1:${gatewayPort}`
    }, 60_000)
    afterAll(async () => {
      await gateway?.stop()
      await proxy?.close()
      await storage?.stop()
    }, 30_000)

    interface PageRun {
      page: Page
      origin: string
      /** `METHOD url` of every request the page made. */
      requests: string[]
      /** Choose `mode`, pick the file, click Upload; the status line once it reads Done… or Failed…. */
      upload: (fileName: string, mimeType: string, buffer: Buffer, mode?: 'post' | 'put') => Promise<string>
      /** Type `key` into "Show a stored object" and click Show; the status line once it reads Done… or Failed…. */
      show: (key: string) => Promise<string>
      /** Another page of the same example, in the same browser context (same HTTP cache); closed with the first. */
      another: () => Promise<PageRun>
      diagnostics: () => string
    }

    /** Serve the example on `appPort` (with `env`), open its page, run `body`; then the example stops. */
    async function withPage(appPort: number, env: Record<string, string>, body: (r: PageRun) => Promise<void>): Promise<void> {
      const origin = `http://127.0.0.1:${appPort}`
      const app = await startExample(appPort, storage!, endpoint, env)
      const pages: Page[] = []
      const log: string[] = []
      const open = async (): Promise<PageRun> => {
        const page = await context!.newPage()
        pages.push(page)
        const n = pages.length
        page.on('console', (m) => log.push(`page ${n} console.${m.type()}: ${m.text()}`))
        page.on('pageerror', (e) => log.push(`page ${n} pageerror: ${e.message}`))
        const requests: string[] = []
        page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`))
        await page.goto(origin + '/')
        const done = async (button: string): Promise<string> => {
          await page.$eval('#status', (el) => (el.textContent = ''))
          await page.click(button)
          await page.waitForFunction(() => /^(Done|Failed)/.test(document.getElementById('status')?.textContent ?? ''), undefined, {
            timeout: 30_000,
          })
          return (await page.textContent('#status')) ?? ''
        }
        const upload = async (fileName: string, mimeType: string, buffer: Buffer, mode: 'post' | 'put' = 'post'): Promise<string> => {
          await page.selectOption('#mode', mode)
          await page.setInputFiles('#file', { name: fileName, mimeType, buffer })
          return done('#upload')
        }
        const show = async (key: string): Promise<string> => {
          await page.fill('#key', key)
          return done('#show')
        }
        const diagnostics = (): string =>
          [...log, ...requests, app.output(), gateway!.output(), ...proxy!.requests.map((r) => `storage saw: ${r}`), storage!.logs()].join('\n')
        return { page, origin, requests, upload, show, another: open, diagnostics }
      }
      try {
        await body(await open())
        for (const page of pages) await page.close()
      } finally {
        await app.stop()
      }
    }

    /** The backend's API as `user` (the x-user header), as a test client (not the page). */
    function api(origin: string, user: string | undefined, path: string, body?: unknown): Promise<Response> {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (user !== undefined) headers['x-user'] = user
      return fetch(origin + path, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) })
    }

    /** The test's own presigned GET of an uploaded object, from the storage server itself (not through the gateway). */
    async function fetchStored(fileName: string, prefix = PREFIX): Promise<Response> {
      const s = storage!
      const url = await presignS3(
        { bucket: s.bucket, key: prefix + fileName, region: s.region, endpoint: s.endpoint },
        { credentials: s.credentials, expiresIn: 60 },
      )
      return fetch(url)
    }
    async function expectNotStored(fileName: string): Promise<void> {
      const stored = await fetchStored(fileName)
      expect(stored.status, PREFIX + fileName).toBe(404)
      expect(await stored.text()).toContain('<Code>NoSuchKey</Code>')
    }
    /**
     * After one upload and download of `fileName` by a page: the backend only signed (the page, POST /uploads, GET
     * /downloads), storage saw one PUT and one GET of the object, and it holds `bytes` as an image/png.
     */
    async function expectSignedOnlyAndStored(run: PageRun, fileName: string, bytes: Buffer): Promise<void> {
      const { origin, requests, diagnostics } = run
      const key = PREFIX + fileName
      const toBackend = requests.filter((r) => r.split(' ')[1]!.startsWith(origin + '/'))
      expect(toBackend.map((r) => r.replace(origin, ''))).toEqual(['GET /', 'POST /uploads', `GET /downloads?key=${encodeURIComponent(key)}`])
      const objectPath = `/${storage!.bucket}/${encodeKey(key)}`
      expect(proxy!.requests.filter((r) => r.split('?')[0] === `PUT ${objectPath}`), diagnostics()).toHaveLength(1)
      expect(proxy!.requests.filter((r) => r.split('?')[0] === `GET ${objectPath}`), diagnostics()).toHaveLength(1)
      const stored = await fetchStored(fileName)
      expect(stored.status).toBe(200)
      expect(stored.headers.get('content-type')).toBe('image/png')
      expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(sha256(bytes))
    }

    test('POST (the default): a PNG within the cap goes from the page to storage under a signed policy, and the page shows it from the presigned GET URL', async () => {
      const fileName = 'résumé 日本 😀 (1).png'
      const key = PREFIX + fileName
      await withPage(allowedPort, {}, async (run) => {
        const { page, origin, requests, upload, diagnostics } = run
        expect(await page.inputValue('#mode')).toBe('post')
        expect(await page.inputValue('#user')).toBe(USER)
        // What the <img> receives: the storage's answer to the image request (from the network or the browser's cache).
        const imageResponse = page.waitForResponse((r) => r.request().resourceType() === 'image', { timeout: 30_000 })
        expect(await upload(fileName, 'image/png', photo), diagnostics()).toBe(`Done: ${photo.length} bytes uploaded (POST) and downloaded back.`)
        expect(await page.textContent('#local')).toBe(sha256(photo))
        expect(await page.textContent('#sha256')).toBe(sha256(photo))
        expect(await page.inputValue('#key')).toBe(key)

        // The page shows the image from the presigned GET URL the backend signed for the user's key, and the bytes the
        // <img> got are the file's.
        const getUrl = (await page.textContent('#getUrl'))!
        const bucketUrl = `${endpoint}/${storage!.bucket}`
        expect(getUrl.startsWith(`${bucketUrl}/${encodeKey(key)}?`), getUrl).toBe(true)
        expect(new URL(getUrl).searchParams.get('response-cache-control')).toBe('private, max-age=600')
        const img = await page.$eval('#preview', (el) => {
          const i = el as HTMLImageElement
          return { src: i.src, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight }
        })
        expect(img).toEqual({ src: getUrl, complete: true, width: PHOTO_SIZE[0], height: PHOTO_SIZE[1] })
        const shown = await imageResponse
        expect([shown.url(), shown.status()]).toEqual([getUrl, 200])
        expect(sha256(await shown.body())).toBe(sha256(photo))

        // The bytes went from the browser to storage directly, as one multipart POST to the bucket's URL; the
        // backend only signed (POST /uploads, GET /downloads).
        expect(requests.filter((r) => r === `POST ${bucketUrl}`)).toHaveLength(1)
        expect(requests.filter((r) => r.startsWith('PUT '))).toEqual([])
        // Storage itself got the gateway's PUT of the accepted form and one GET: the page's download; the <img> of the
        // same URL came from the browser's cache (Cache-Control: private, max-age=600). And the bytes are on the
        // server, read from it directly, as an image/png under the user's prefix.
        await expectSignedOnlyAndStored(run, fileName, photo)

        // A screenshot of the page after the upload (the README's comes from the s3rver run).
        await page.setViewportSize({ width: 820, height: 600 })
        mkdirSync(OUT_DIR, { recursive: true })
        const shot = join(OUT_DIR, `browser-flow-${storage!.name}.png`)
        await page.screenshot({ path: shot, fullPage: true })
        expect(statSync(shot).size).toBeGreaterThan(1000)
        if (process.env['UPDATE_EXAMPLE_SCREENSHOT'] && storage!.name === 's3rver') {
          // The README's: the same upload with a plain file name (Debian's Chromium may have no CJK font).
          expect(await upload('photo.png', 'image/png', photo), diagnostics()).toBe(`Done: ${photo.length} bytes uploaded (POST) and downloaded back.`)
          const readme = join(projectRoot, 'examples', 'upload-download', 'screenshot.png')
          await page.screenshot({ path: readme, fullPage: true })
          expect(statSync(readme).size).toBeLessThan(200_000)
        }

        // The policy the backend signs by default: 1 byte .. 1 MiB, a Content-Type starting with image/, this key.
        const res = await api(origin, USER, '/uploads', { key: 'cat.png' })
        const grant = (await res.json()) as { mode: string; key: string; url: string; fields: Record<string, string> }
        expect([grant.mode, grant.key, grant.url]).toEqual(['post', `${PREFIX}cat.png`, bucketUrl])
        const policy = JSON.parse(Buffer.from(grant.fields['policy']!, 'base64').toString('utf8')) as { conditions: unknown[] }
        expect(policy.conditions).toEqual(
          expect.arrayContaining([['content-length-range', 1, DEFAULT_CAP], ['starts-with', '$Content-Type', 'image/'], { key: `${PREFIX}cat.png` }, { bucket: storage!.bucket }]),
        )
      })
    }, 60_000)

    test('cache-friendly GET URLs (cacheWindow): a second presign in the window is the same URL, and a second page shows the image from the browser\'s HTTP cache without asking storage', async () => {
      // Both presigns must fall in one 15-minute window: never start within 30 s of its end.
      const left = CACHE_WINDOW_MS - (Date.now() % CACHE_WINDOW_MS)
      if (left < 30_000) await new Promise((r) => setTimeout(r, left + 1_000))
      const fileName = 'cached 日本 (2).png'
      const key = PREFIX + fileName
      const objectPath = `/${storage!.bucket}/${encodeKey(key)}`
      const storageGets = (): string[] => proxy!.requests.filter((r) => r.split('?')[0] === `GET ${objectPath}`)
      await withPage(allowedPort, {}, async ({ page, origin, upload, another, diagnostics }) => {
        expect(await upload(fileName, 'image/png', photo, 'put'), diagnostics()).toBe(`Done: ${photo.length} bytes uploaded (PUT) and downloaded back.`)
        const first = (await page.textContent('#getUrl'))!
        expect(storageGets(), diagnostics()).toHaveLength(1)
        // Signed at the start of the window; valid for expiresIn (300 s) from any moment in it: 300 + 900 s.
        const q = new URL(first).searchParams
        const signedAt = Date.parse(q.get('X-Amz-Date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
        expect(signedAt % CACHE_WINDOW_MS).toBe(0)
        expect(Date.now() - signedAt).toBeLessThan(CACHE_WINDOW_MS)
        expect(q.get('X-Amz-Expires')).toBe('1200')
        // Storage answers it with the Cache-Control the URL asks for.
        const direct = await fetch(first)
        expect([direct.status, direct.headers.get('cache-control')]).toEqual([200, 'private, max-age=600'])
        await direct.arrayBuffer()
        proxy!.requests.length = 0

        // A second presign of the same object in the window, straight from the backend, in a later second (without
        // cacheWindow its X-Amz-Date, and so the URL, would differ): the byte-identical URL.
        await new Promise((r) => setTimeout(r, 1_100))
        expect(await (await api(origin, USER, `/downloads?key=${encodeURIComponent(key)}`)).json()).toEqual({ key, url: first })

        // A second page (a new document) shows the object: it asks the backend again, gets the same URL, and Chromium
        // answers both its download and the <img> from the HTTP cache. CDP tells how each load was answered.
        const second = await another()
        const cdp = await second.page.context().newCDPSession(second.page)
        const loads = new Map<string, { url: string; type?: string; status?: number; fromDiskCache?: boolean; servedFromCache?: boolean }>()
        const load = (id: string) => loads.get(id) ?? loads.set(id, { url: '' }).get(id)!
        cdp.on('Network.requestWillBeSent', (e) => Object.assign(load(e.requestId), { url: e.request.url, type: e.type }))
        cdp.on('Network.requestServedFromCache', (e) => Object.assign(load(e.requestId), { servedFromCache: true }))
        cdp.on('Network.responseReceived', (e) => Object.assign(load(e.requestId), { status: e.response.status, fromDiskCache: e.response.fromDiskCache }))
        await cdp.send('Network.enable')
        const imageResponse = second.page.waitForResponse((r) => r.request().resourceType() === 'image', { timeout: 30_000 })
        expect(await second.show(key), second.diagnostics()).toBe(`Done: ${photo.length} bytes downloaded.`)
        expect(await second.page.textContent('#getUrl')).toBe(first)
        expect(await second.page.textContent('#sha256')).toBe(sha256(photo))
        expect(await second.page.$eval('#preview', (el) => [(el as HTMLImageElement).src, (el as HTMLImageElement).naturalWidth])).toEqual([first, PHOTO_SIZE[0]])
        const shown = await imageResponse
        expect([shown.url(), shown.status(), sha256(await shown.body())]).toEqual([first, 200, sha256(photo)])
        await expect
          .poll(() => [...loads.values()].filter((l) => l.url === first).map((l) => ({ ...l, url: undefined })), { timeout: 5_000 })
          .toEqual([
            { type: 'Fetch', status: 200, fromDiskCache: true },
            { type: 'Image', status: 200, fromDiskCache: true },
          ])
        // And storage saw nothing of it.
        expect(proxy!.requests, diagnostics()).toEqual([])
        await cdp.detach()
      })
    }, 120_000)

    test('each user owns users/<id>/: uploads land there, and the backend signs a GET only for the user\'s own keys', async () => {
      await withPage(allowedPort, {}, async ({ page, origin, requests, upload, show, diagnostics }) => {
        const key = `${PREFIX}mine.png`
        expect(await upload('mine.png', 'image/png', png, 'put'), diagnostics()).toBe(`Done: ${png.length} bytes uploaded (PUT) and downloaded back.`)
        expect(await page.inputValue('#key')).toBe(key)

        // Signed in as bob, the page cannot show alice's object: the backend refuses to sign, so nothing goes to storage.
        await page.fill('#user', 'bob')
        const before = requests.length
        expect(await show(key), diagnostics()).toBe('Failed: GET /downloads: 403 {"error":"not your object: your keys start with users/bob/"}')
        expect(requests.slice(before).filter((r) => !r.split(' ')[1]!.startsWith(origin + '/'))).toEqual([])
        expect(await page.textContent('#getUrl')).toBe('')
        // bob's upload of a file with the same name lands under users/bob/; alice's object is untouched.
        expect(await upload('mine.png', 'image/png', photo, 'put'), diagnostics()).toBe(`Done: ${photo.length} bytes uploaded (PUT) and downloaded back.`)
        expect(await page.inputValue('#key')).toBe('users/bob/mine.png')
        expect(sha256(Buffer.from(await (await fetchStored('mine.png', 'users/bob/')).arrayBuffer()))).toBe(sha256(photo))
        expect(sha256(Buffer.from(await (await fetchStored('mine.png')).arrayBuffer()))).toBe(sha256(png))
        // Signed in as alice again, it shows.
        await page.fill('#user', USER)
        expect(await show(key), diagnostics()).toBe(`Done: ${png.length} bytes downloaded.`)
        expect(await page.textContent('#sha256')).toBe(sha256(png))

        // The API: GET /downloads signs only keys under the caller's users/<id>/ (with the slash).
        const download = async (user: string | undefined, k: string | null): Promise<[number, string]> => {
          const res = await api(origin, user, k === null ? '/downloads' : `/downloads?key=${encodeURIComponent(k)}`)
          const body = (await res.json()) as { url?: string; error?: string }
          return [res.status, body.error ?? body.url!]
        }
        expect((await download(USER, key))[0]).toBe(200)
        for (const [user, k] of [
          ['bob', key],
          [USER, 'users/bob/mine.png'],
          [USER, 'users/alice2/mine.png'],
          [USER, 'users/alice'],
          [USER, 'mine.png'],
          [USER, '/users/alice/mine.png'],
        ] as const) {
          expect(await download(user, k), `${user} GET ${k}`).toEqual([403, `not your object: your keys start with users/${user}/`])
        }
        // A key that climbs out with ".." starts with the prefix, but the library refuses to sign it: no URL could address it.
        const climb = await download(USER, `${PREFIX}../bob/mine.png`)
        expect(climb[0]).toBe(400)
        expect(climb[1]).toMatch(/^location\.key: has a "\." or "\.\." path segment/)
        expect(await download(USER, null)).toEqual([400, 'key must be 1..512 characters'])
        for (const user of [undefined, '', 'Alice', '../bob', 'a'.repeat(33)]) {
          expect(await download(user, key), `x-user ${user}`).toEqual([401, 'x-user must name a user: 1..32 of a-z 0-9 -'])
        }

        // Uploads: the key is always inside the caller's prefix; one that climbs out is refused in both modes.
        const sign = async (body: Record<string, string>): Promise<[number, string]> => {
          const res = await api(origin, USER, '/uploads', body)
          const json = (await res.json()) as { key?: string; error?: string }
          return [res.status, json.error ?? json.key!]
        }
        expect(await sign({ key: 'users/bob/x.png' })).toEqual([200, `${PREFIX}users/bob/x.png`])
        expect(await sign({ key: 'x.png', contentType: 'image/png', mode: 'put' })).toEqual([200, `${PREFIX}x.png`])
        for (const mode of ['post', 'put']) {
          const [status, error] = await sign({ key: '../bob/x.png', contentType: 'image/png', mode })
          expect(status, mode).toBe(400)
          expect(error).toMatch(/^location\.key: has a "\." or "\.\." path segment/)
        }
        expect((await api(origin, undefined, '/uploads', { key: 'x.png' })).status).toBe(401)
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
      await withPage(allowedPort, { UPLOAD_MAX_BYTES: String(CAP) }, async (run) => {
        const { page, origin, requests, upload, diagnostics } = run
        expect(await upload(fileName, 'image/png', png, 'put'), diagnostics()).toBe(`Done: ${png.length} bytes uploaded (PUT) and downloaded back.`)
        expect(await page.textContent('#local')).toBe(sha256(png))
        expect(await page.textContent('#sha256')).toBe(sha256(png))
        await page.waitForFunction(() => (document.getElementById('preview') as HTMLImageElement).naturalWidth > 0, undefined, { timeout: 10_000 })
        expect(await page.$eval('#preview', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([16, 12])

        // Browser to storage directly (through the gateway's pass-through): one PUT, one GET; the backend only signed.
        const key = PREFIX + fileName
        const objectUrl = `${endpoint}/${storage!.bucket}/${encodeKey(key)}?`
        expect(requests.filter((r) => r.startsWith(`PUT ${objectUrl}`))).toHaveLength(1)
        expect(requests.filter((r) => r.startsWith(`GET ${objectUrl}`)).length).toBeGreaterThanOrEqual(1)
        expect(requests.filter((r) => r.startsWith('POST ') && !r.startsWith(`POST ${origin}/`))).toEqual([])
        await expectSignedOnlyAndStored(run, fileName, png)

        // A PUT URL has no size limit: one byte over the cap, which the POST policy refuses, is stored.
        expect(await upload('over cap put.png', 'image/png', pngOfSize(CAP + 1), 'put'), diagnostics()).toBe(
          `Done: ${CAP + 1} bytes uploaded (PUT) and downloaded back.`,
        )
        expect((await fetchStored('over cap put.png')).status).toBe(200)
        // The type can be held to the rule, by the backend before it signs (the signed content-type must be sent as is).
        expect(await upload('notes put.txt', 'text/plain', Buffer.from('not an image\n'), 'put')).toBe(
          'Failed: POST /uploads: 400 {"error":"contentType must be type/subtype starting with \\"image/\\", and not SVG, HTML or XML"}',
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
