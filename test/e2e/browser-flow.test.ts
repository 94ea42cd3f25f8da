/**
 * The seed's flow in a real browser: examples/upload-download (a node:http backend that only signs
 * URLs, and its page) against a real storage server, driven in headless Chromium by playwright-core.
 * The page picks a file (a generated PNG with a unicode name), asks POST /uploads for presigned
 * URLs, PUTs the file straight to storage, GETs it back and shows its SHA-256; the test checks the
 * hash, that the bytes went to storage and not through the backend, and that they are on the server.
 *
 * Storage servers: s3rver always; Swift too when installed (its s3api answers the CORS preflight
 * with `cors_preflight_allow_origin` and the proxy's `cors_allow_origin` adds
 * Access-Control-Allow-Origin to the real responses; s3rver uses the bucket's CORS configuration).
 *
 * Chromium (Debian's /usr/bin/chromium) absent: outside CI a loud skip with the install command,
 * with CI=true a failure (.ci/run installs it). The example imports the built package (dist/).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presignS3 } from '../../src/index.js'
import { freePort, inCI, projectRoot, requireBinaries, sha256, tempDir } from './helpers/env.js'
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

/** Start examples/upload-download/server.mjs on `port` (under `timeout`), resolved once it listens. */
async function startExample(port: number, storage: S3Target): Promise<{ stop: () => Promise<void>; output: () => string }> {
  let output = ''
  const child: ChildProcess = spawn('timeout', ['--kill-after=5', '300', process.execPath, 'examples/upload-download/server.mjs'], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      S3_ENDPOINT: storage.endpoint,
      S3_BUCKET: storage.bucket,
      S3_REGION: storage.region,
      AWS_ACCESS_KEY_ID: storage.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: storage.credentials.secretAccessKey,
    },
  })
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal)
    } catch {
      // gone
    }
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const timer = setTimeout(() => kill('SIGKILL'), 5_000)
    kill('SIGTERM')
    await exited
    clearTimeout(timer)
  }
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`example server did not start in 15 s:\n${output}`)), 15_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes('listening on')) {
        clearTimeout(timer)
        ready()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`example server exited (${code}):\n${output}`))
    })
  }).catch(async (e: unknown) => {
    await stop()
    throw e
  })
  return { stop, output: () => output }
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

  /**
   * Serve the example on `appPort` against `storage`, open its page, pick the PNG as `fileName`,
   * click Upload and wait for Done/Failed; then `check` runs, and the example stops.
   */
  async function uploadThroughPage(
    storage: S3Target,
    appPort: number,
    fileName: string,
    check: (r: { page: Page; origin: string; requests: string[]; diagnostics: () => string }) => Promise<void>,
  ): Promise<void> {
    const origin = `http://127.0.0.1:${appPort}`
    const app = await startExample(appPort, storage)
    try {
      const page = await context!.newPage()
      const log: string[] = []
      page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`))
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`))
      const requests: string[] = []
      page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`))
      await page.goto(origin + '/')
      await page.setInputFiles('#file', { name: fileName, mimeType: 'image/png', buffer: png })
      await page.click('#upload')
      await page.waitForFunction(() => /^(Done|Failed)/.test(document.getElementById('status')?.textContent ?? ''), undefined, {
        timeout: 30_000,
      })
      const diagnostics = (): string => [...log, ...requests, app.output(), storage.logs()].join('\n')
      await check({ page, origin, requests, diagnostics })
      await page.close()
    } finally {
      await app.stop()
    }
  }

  /** The test's own presigned GET of an uploaded object. */
  async function fetchStored(storage: S3Target, fileName: string): Promise<Response> {
    const url = await presignS3(
      { bucket: storage.bucket, key: `uploads/${fileName}`, region: storage.region, endpoint: storage.endpoint },
      { credentials: storage.credentials, expiresIn: 60 },
    )
    return fetch(url)
  }

  describe.each(storages)('%s', (_name, start) => {
    let storage: S3Target | undefined
    let allowedPort = 0

    beforeAll(async () => {
      allowedPort = await freePort()
      storage = await start({ bucket: 'e2e-uploads', corsOrigin: `http://127.0.0.1:${allowedPort}` })
    }, 60_000)
    afterAll(async () => {
      await storage?.stop()
    }, 30_000)

    test('pick a file, PUT it straight to storage with the presigned URL, GET it back, same SHA-256', async () => {
      const fileName = 'résumé 日本 😀 (1).png'
      await uploadThroughPage(storage!, allowedPort, fileName, async ({ page, origin, requests, diagnostics }) => {
        expect(await page.textContent('#status'), diagnostics()).toMatch(/^Done/)
        expect(await page.textContent('#local')).toBe(sha256(png))
        expect(await page.textContent('#sha256')).toBe(sha256(png))
        // The page shows the image it downloaded.
        await page.waitForFunction(() => (document.getElementById('preview') as HTMLImageElement).naturalWidth > 0, undefined, { timeout: 10_000 })
        expect(await page.$eval('#preview', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([16, 12])

        // The bytes went from the browser to storage directly: the backend only saw POST /uploads.
        const objectPath = `${storage!.endpoint}/${storage!.bucket}/uploads/`
        expect(requests.filter((r) => r.startsWith(`PUT ${objectPath}`))).toHaveLength(1)
        expect(requests.filter((r) => r.startsWith(`GET ${objectPath}`))).toHaveLength(1)
        const toBackend = requests.filter((r) => r.split(' ')[1]!.startsWith(origin + '/'))
        expect(toBackend.map((r) => r.replace(origin, ''))).toEqual(['GET /', 'POST /uploads'])

        // And they are on the server, as an image/png, under the user's file name.
        const stored = await fetchStored(storage!, fileName)
        expect(stored.status).toBe(200)
        expect(stored.headers.get('content-type')).toBe('image/png')
        expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(sha256(png))
      })
    }, 60_000)

    test('the same page served from an origin storage does not allow (CORS) cannot upload', async () => {
      // The browser's preflight for the PUT is refused, so nothing is uploaded: the success above
      // depends on the storage's CORS setup, not on luck.
      const fileName = 'blocked 日本.png'
      await uploadThroughPage(storage!, await freePort(), fileName, async ({ page, diagnostics }) => {
        expect(await page.textContent('#status'), diagnostics()).toBe('Failed: Failed to fetch')
        const stored = await fetchStored(storage!, fileName)
        expect(stored.status).toBe(404)
        expect(await stored.text()).toContain('<Code>NoSuchKey</Code>')
      })
    }, 60_000)
  })
})
