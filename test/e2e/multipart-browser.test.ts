/**
 * Presigned multipart uploads end to end (issue 18), in headless Chromium through the real uploader (dist/upload.js),
 * against OpenStack Swift's s3api and @20minutes/s3rver on 127.0.0.1.
 *
 * The chain: a page served from 127.0.0.1 by a node:http backend that only presigns with dist/index.js
 * (helpers/multipart-backend.ts), the uploader in the page sending every request itself, through a fault-injecting
 * proxy (helpers/fault-proxy.ts) to the storage server. The backend signs for the proxy's host:port, so the
 * signatures verify upstream; the proxy logs what the storage server answered to each request, so the tests can
 * say which parts really reached it. The files are seeded pseudo-random bytes built in the page (the test rebuilds
 * the same bytes in node), checked by SHA-256 in the page, in node, and on a presigned GET from storage.
 *
 * Storage CORS (helpers/multipart-storage.ts): s3rver gets a bucket CORS rule for GET, PUT, POST, DELETE exposing
 * ETag. Swift exposes etag on the answers of its object server by itself, but its s3api writes its own answers
 * (CreateMultipartUpload, CompleteMultipartUpload, ListParts, AbortMultipartUpload, every error) without any CORS
 * header; a paste filter (helpers/swift_s3_cors.py) adds them, as S3's bucket rule would.
 *
 * What each server enforces (measured here, asserted per server):
 * - Swift implements and enforces all of it: 404 NoSuchUpload for an unknown or another key's upload id, 403
 *   SignatureDoesNotMatch for a tampered URL or an edited part number / upload id, ListParts, AbortMultipartUpload.
 * - s3rver 5.0.0 verifies the signature (a tampered URL, an edited part number or upload id are 403
 *   SignatureDoesNotMatch; an expired URL is 403 "Request has expired"), but has no ListParts and no
 *   AbortMultipartUpload (both 405 MethodNotAllowed), takes a part for an upload id that does not exist (200: it
 *   creates the upload's folder), and answers CompleteMultipartUpload with an unknown upload id with a 500. So on
 *   s3rver, resuming fails with the uploader's `MethodNotAllowed` from ListParts and `abort()` with the same from
 *   AbortMultipartUpload: those tests assert exactly that, and the proofs of resume and abort are Swift's.
 *
 * Chromium (Debian's /usr/bin/chromium) or Swift absent: outside CI a loud skip with the install command, with
 * CI=true a failure. s3rver is a dev dependency. Everything binds 127.0.0.1; afterAll closes every server and the
 * browser.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presignCompleteMultipartUpload, presignCreateMultipartUpload, presignListParts, presignAbortMultipartUpload, presignS3, presignUploadPart } from '../../src/index.js'
import { freePort, inCI, projectRoot, requireBinaries, s3Error, sha256, tempDir } from './helpers/env.js'
import { type FaultProxy, type ProxyExchange, startFaultProxy } from './helpers/fault-proxy.js'
import { type MultipartBackend, seededBytes, startMultipartBackend } from './helpers/multipart-backend.js'
import { startMultipartS3rver, startMultipartSwift } from './helpers/multipart-storage.js'
import { startNodeScript } from './helpers/node-script.js'
import { requireSwift } from './helpers/swift.js'
import type { S3Target } from './helpers/target.js'

const CHROMIUM = '/usr/bin/chromium'
const chromiumPresent = requireBinaries('Chromium (multipart uploads)', [CHROMIUM], 'apt-get update && apt-get install -y chromium')
const swiftPresent = chromiumPresent && requireSwift()

const built = ['index.js', 'upload.js'].every((f) => existsSync(join(projectRoot, 'dist', f)))
if (!built) {
  const msg = '\n!!! dist/ is not built: the multipart tests load dist/upload.js and dist/index.js; run `npm run build` (npm test does).\n'
  if (inCI) throw new Error(msg)
  console.warn(msg + '!!! Skipping the multipart browser tests.')
}

type Start = (o: { bucket: string; corsOrigin: string }) => Promise<S3Target>
const storages: Array<[string, Start]> = [['s3rver', startMultipartS3rver]]
if (swiftPresent) storages.push(['swift', startMultipartSwift])

const MiB = 1024 * 1024
const BUCKET = 'e2e-multipart'
const OUT_DIR = join(projectRoot, 'test', 'e2e', '.out')

/** What the page's upload reports (window.current.state). */
interface PageState {
  progress: Array<{ bytesUploaded: number; bytesTotal: number; partsUploaded: number; partsTotal: number }>
  starts: Array<{ uploadId: string; partSize: number; partsTotal: number }>
  /** `METHOD partNumber` of each request the uploader's transport sent (the public `transport` option, wrapping xhrTransport). */
  attempts: string[]
  paused: boolean
  result: { uploadId: string; etag: string } | null
  error: { name: string; code: string; status: number; operation?: string; partNumber?: number; message: string } | null
  abortError: { code: string; status: number; operation?: string; message: string } | null | undefined
}

interface StartOptions {
  key: string
  seed: number
  size: number
  partSize: number
  concurrency: number
  /** Call pause() once this many parts are stored. */
  pauseAfterParts?: number
  resume?: { uploadId: string; partSize: number }
}

/** Start `uploadMultipart` in the page (window.current = { upload, state, file }); the state is saved to localStorage by onStart. */
async function startUpload(page: Page, o: StartOptions): Promise<void> {
  await page.evaluate((o) => {
    const w = window as unknown as Record<string, any>
    const file = w['makeFile'](o.seed, o.size) as Blob
    const state = { progress: [] as unknown[], starts: [] as unknown[], attempts: [] as string[], paused: false, result: null as unknown, error: null as unknown, abortError: undefined as unknown }
    const up = w['up']
    let upload: { pause(): void; done: Promise<unknown> } | undefined
    const transport = (req: { method: string; url: string }) => {
      const n = new URL(req.url).searchParams.get('partNumber')
      state.attempts.push(req.method + (n ? ` ${n}` : ''))
      return up.xhrTransport(req)
    }
    upload = up.uploadMultipart(file, w['makeBackend'](o.key), {
      partSize: o.resume ? undefined : o.partSize,
      concurrency: o.concurrency,
      retries: 3,
      retryDelay: () => 100,
      transport,
      resume: o.resume,
      onStart: (s: unknown) => {
        state.starts.push(s)
        localStorage.setItem(`upload:${o.key}`, JSON.stringify(s))
      },
      onProgress: (p: { partsUploaded: number }) => {
        state.progress.push(p)
        if (o.pauseAfterParts && !state.paused && p.partsUploaded >= o.pauseAfterParts) {
          state.paused = true
          upload!.pause()
        }
      },
    })
    w['current'] = { upload, state, file }
    upload!.done.then(
      (r) => {
        state.result = r
      },
      (e: { name: string; code: string; status: number; operation?: string; partNumber?: number; message: string }) => {
        state.error = { name: e.name, code: e.code, status: e.status, operation: e.operation, partNumber: e.partNumber, message: e.message }
      },
    )
  }, o)
}

const pageState = (page: Page): Promise<PageState> => page.evaluate(() => (window as unknown as { current: { state: PageState } }).current.state)

/** Wait until the page's upload has settled (done resolved or rejected); its state. */
async function settled(page: Page, timeout = 45_000): Promise<PageState> {
  await page.waitForFunction(() => {
    const s = (window as unknown as { current?: { state: PageState } }).current?.state
    return Boolean(s && (s.result || s.error))
  }, undefined, { timeout, polling: 50 })
  return pageState(page)
}

/** The SHA-256 of the page's current file, computed in the page (crypto.subtle). */
const pageSha = (page: Page): Promise<string> =>
  page.evaluate(() => (window as unknown as { sha256(b: Blob): Promise<string>; current: { file: Blob } }).sha256((window as unknown as { current: { file: Blob } }).current.file))

/** A key in an S3 path, as presignS3 encodes it (these tests use plain keys). */
const objectPath = (key: string): string => `/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`

/** Progress never goes backwards, and ends at the whole file. */
function expectProgress(state: PageState, size: number, parts: number): void {
  const p = state.progress
  expect(p.length).toBeGreaterThan(0)
  for (let i = 1; i < p.length; i++) {
    expect(p[i]!.bytesUploaded).toBeGreaterThanOrEqual(p[i - 1]!.bytesUploaded)
    expect(p[i]!.partsUploaded).toBeGreaterThanOrEqual(p[i - 1]!.partsUploaded)
  }
  expect(p.at(-1)).toEqual({ bytesUploaded: size, bytesTotal: size, partsUploaded: parts, partsTotal: parts })
}

/** The most part requests in flight at once at the proxy (their spans overlapping). */
function maxInFlight(exchanges: ProxyExchange[]): number {
  const events = exchanges.flatMap((e) => [
    [e.startedAt, 1],
    [e.endedAt ?? Number.POSITIVE_INFINITY, -1],
  ]) as Array<[number, number]>
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let now = 0
  let most = 0
  for (const [, d] of events) most = Math.max(most, (now += d))
  return most
}

/** A request from node that the server may refuse before reading the body: its status and S3 code, or `refused`. */
async function send(url: string, init: { method: string; headers?: Record<string, string>; body?: Uint8Array<ArrayBuffer> | string }): Promise<{ status: number; code: string | undefined; refused: boolean }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) })
    return { status: res.status, code: s3Error(await res.text()).code, refused: false }
  } catch (e) {
    // Swift may answer a refused PUT and close the socket while the body is still being sent (../shared/docs/
    // s3-compatible-servers.md): "refused before the body was read" is a refusal, with no status to read.
    return { status: 0, code: undefined, refused: /other side closed|ECONNRESET|EPIPE|socket/i.test(String((e as { cause?: unknown }).cause ?? e)) }
  }
}

describe.skipIf(!chromiumPresent || !built)('multipart uploads in headless Chromium through the real uploader (dist/upload.js)', () => {
  let browser: Browser | undefined

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  }, 45_000)
  afterAll(async () => {
    await browser?.close()
  }, 30_000)

  describe.each(storages)('%s', (name, start) => {
    let storage: S3Target | undefined
    let proxy: FaultProxy | undefined
    let backend: MultipartBackend | undefined
    let examplePort = 0
    const pages: Page[] = []
    const log: string[] = []

    beforeAll(async () => {
      const backendPort = await freePort()
      examplePort = await freePort()
      storage = await start({ bucket: BUCKET, corsOrigin: `http://127.0.0.1:${backendPort},http://127.0.0.1:${examplePort}` })
      proxy = await startFaultProxy(storage.endpoint)
      backend = await startMultipartBackend({ port: backendPort, endpoint: proxy.url, bucket: BUCKET, region: storage.region, credentials: storage.credentials })
    }, 60_000)
    afterAll(async () => {
      for (const p of pages) await p.context().close().catch(() => {})
      await backend?.close()
      await proxy?.close()
      await storage?.stop()
    }, 30_000)

    /** A new page of the backend, its console kept for failure messages. */
    async function openPage(): Promise<Page> {
      const context = await browser!.newContext()
      const page = await context.newPage()
      pages.push(page)
      page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`))
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`))
      await page.goto(backend!.origin + '/')
      await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', undefined, { timeout: 15_000 })
      return page
    }
    const diagnostics = (from = 0): string => [`--- proxy (${name}) ---`, proxy!.describe(from), '--- page ---', ...log.slice(-40), '--- storage ---', storage!.logs()].join('\n')

    /** The object as stored, read from the storage server directly with a presigned GET: its size and SHA-256. */
    async function stored(key: string): Promise<{ status: number; size: number; sha256: string }> {
      const s = storage!
      const url = await presignS3({ bucket: BUCKET, key, region: s.region, endpoint: s.endpoint }, { credentials: s.credentials, expiresIn: 60 })
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
      const body = Buffer.from(await res.arrayBuffer())
      return { status: res.status, size: body.length, sha256: sha256(body) }
    }
    /** The proxy's exchanges for `key` from position `from` on (preflights left out). */
    const exchangesOf = (key: string, from = 0): ProxyExchange[] =>
      proxy!.log.slice(from).filter((e) => e.operation !== 'Preflight' && e.url.split('?')[0] === objectPath(key))
    const partLog = (exchanges: ProxyExchange[]): string[] =>
      exchanges.filter((e) => e.operation === 'UploadPart').map((e) => `${e.partNumber}:${e.outcome ?? e.status}`)
    const direct = () => ({ credentials: storage!.credentials, expiresIn: 60 })
    const at = (key: string) => ({ bucket: BUCKET, key, region: storage!.region, endpoint: storage!.endpoint })

    test('a 24 MiB file in 5 parts of 6 MiB, 3 at a time: stored whole, and a presigned GET returns the same SHA-256', async () => {
      const key = `${name}/big.bin`
      const size = 24 * MiB + 1234
      const page = await openPage()
      const from = proxy!.log.length
      await startUpload(page, { key, seed: 24, size, partSize: 6 * MiB, concurrency: 3 })
      const state = await settled(page)
      expect(state.error, diagnostics(from)).toBeNull()
      expect(state.starts).toEqual([{ uploadId: state.result!.uploadId, partSize: 6 * MiB, partsTotal: 5 }])
      expectProgress(state, size, 5)
      // Swift's ETag is S3's for a multipart object (MD5 of the parts' MD5s, "-5"); s3rver's is the MD5 of the bytes.
      expect(state.result!.etag).toMatch(name === 'swift' ? /^"[0-9a-f]{32}-5"$/ : /^"[0-9a-f]{32}"$/)

      // Storage saw one create, each part once (in parallel), one complete.
      const seen = exchangesOf(key, from)
      expect(seen.map((e) => e.operation === 'UploadPart' ? 'part' : e.operation), diagnostics(from)).toEqual([
        'CreateMultipartUpload',
        ...Array(5).fill('part'),
        'CompleteMultipartUpload',
      ])
      expect(partLog(seen).sort()).toEqual(['1:200', '2:200', '3:200', '4:200', '5:200'])
      expect(seen.every((e) => e.status === 200)).toBe(true)
      const inFlight = maxInFlight(seen.filter((e) => e.operation === 'UploadPart'))
      expect(inFlight, diagnostics(from)).toBeGreaterThanOrEqual(2)
      expect(inFlight).toBeLessThanOrEqual(3)
      // The backend only signed: one batch of part URLs (twice the concurrency covers the 5 parts).
      expect(backend!.calls.filter((c) => c.key === key).map((c) => c.op)).toEqual(['create', 'parts', 'complete'])

      const expected = sha256(seededBytes(24, size))
      expect(await pageSha(page)).toBe(expected)
      expect(await stored(key)).toEqual({ status: 200, size, sha256: expected })
    }, 60_000)

    test('a part whose connection the proxy drops mid-body is retried by the uploader, and the upload completes', async () => {
      const key = `${name}/dropped.bin`
      const size = 24 * MiB + 99
      proxy!.drop({ match: (e) => e.operation === 'UploadPart' && e.partNumber === 3 && e.url.startsWith(objectPath(key) + '?'), afterBytes: 2 * MiB })
      const page = await openPage()
      const from = proxy!.log.length
      await startUpload(page, { key, seed: 3, size, partSize: 6 * MiB, concurrency: 2 })
      const state = await settled(page)
      expect(state.error, diagnostics(from)).toBeNull()
      // The proxy saw part 3 twice: cut after 2 MiB, then stored; every other part once.
      const parts = partLog(exchangesOf(key, from))
      expect(parts.filter((p) => p.startsWith('3:')), diagnostics(from)).toEqual(['3:dropped', '3:200'])
      expect(parts.filter((p) => !p.startsWith('3:')).sort()).toEqual(['1:200', '2:200', '4:200', '5:200'])
      // The uploader sent it twice (the proxy answers with Connection: close, so Chromium never re-sent it itself).
      expect(state.attempts.filter((a) => a === 'PUT 3')).toHaveLength(2)
      expect(state.attempts.filter((a) => a.startsWith('PUT '))).toHaveLength(6)
      expectProgress(state, size, 5)
      expect(await stored(key)).toEqual({ status: 200, size, sha256: sha256(seededBytes(3, size)) })
    }, 60_000)

    test(
      name === 'swift'
        ? 'a reload mid-upload resumes from ListParts: the parts stored before the reload are not sent again, and the object is whole'
        : 'a reload mid-upload: s3rver has no ListParts, so resuming fails with 405 MethodNotAllowed (a gap of s3rver)',
      async () => {
        const key = `${name}/resumed.bin`
        const size = 3 * 5 * MiB + 777
        const page = await openPage()
        const from = proxy!.log.length
        await startUpload(page, { key, seed: 5, size, partSize: 5 * MiB, concurrency: 2, pauseAfterParts: 1 })
        await page.waitForFunction(() => (window as unknown as { current: { state: PageState } }).current.state.paused, undefined, { timeout: 30_000 })
        // Reload at once: the part still in flight (if any) is cut or finishes; either way the log says what storage has.
        await page.reload()
        await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', undefined, { timeout: 15_000 })
        await proxy!.idle()
        const before = proxy!.log.length
        const answered = exchangesOf(key, from)
          .filter((e) => e.operation === 'UploadPart' && e.status === 200)
          .map((e) => e.partNumber!)
        expect(answered.length, diagnostics(from)).toBeGreaterThanOrEqual(1)
        expect(answered.length).toBeLessThan(4)
        const saved = JSON.parse((await page.evaluate((k) => localStorage.getItem(`upload:${k}`), key))!) as { uploadId: string; partSize: number; partsTotal: number }
        expect([saved.partSize, saved.partsTotal]).toEqual([5 * MiB, 4])
        // What storage has, asked from node (a part cut by the reload after its body had all arrived may be there
        // though its answer never came back): on Swift, its own ListParts; s3rver has none, so there the proxy's log.
        let storedBefore = answered
        if (name === 'swift') {
          const listed = await fetch((await presignListParts(at(key), { uploadId: saved.uploadId }, direct())).url)
          storedBefore = [...(await listed.text()).matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]))
          expect(storedBefore).toEqual(expect.arrayContaining(answered))
        }
        await startUpload(page, { key, seed: 5, size, partSize: 5 * MiB, concurrency: 2, resume: { uploadId: saved.uploadId, partSize: saved.partSize } })
        const state = await settled(page)
        const after = exchangesOf(key, before)

        if (name !== 'swift') {
          // s3rver 5.0.0 routes GET ?uploadId= nowhere: 405 MethodNotAllowed. The uploader stops there and sends no part.
          expect(state.error, diagnostics(before)).toMatchObject({ name: 'UploadError', code: 'MethodNotAllowed', status: 405, operation: 'ListParts' })
          expect(after.map((e) => `${e.operation}:${e.status}`)).toEqual(['ListParts:405'])
          return
        }
        expect(state.error, diagnostics(before)).toBeNull()
        expect(state.result!.uploadId).toBe(saved.uploadId)
        expect(state.starts).toEqual([{ uploadId: saved.uploadId, partSize: 5 * MiB, partsTotal: 4 }])
        // After the reload: one ListParts, then only the parts storage did not have, each once; no new upload.
        const missing = [1, 2, 3, 4].filter((n) => !storedBefore.includes(n))
        expect(after.map((e) => e.operation).filter((o) => o !== 'UploadPart'), diagnostics(before)).toEqual(['ListParts', 'CompleteMultipartUpload'])
        expect(partLog(after).sort()).toEqual(missing.map((n) => `${n}:200`))
        expect(state.attempts.filter((a) => a.startsWith('PUT ')).sort()).toEqual(missing.map((n) => `PUT ${n}`))
        // Progress started from the parts already stored.
        const partSizeOf = (n: number) => Math.min(5 * MiB, size - (n - 1) * 5 * MiB)
        expect(state.progress[0]).toEqual({ bytesUploaded: storedBefore.reduce((sum, n) => sum + partSizeOf(n), 0), bytesTotal: size, partsUploaded: storedBefore.length, partsTotal: 4 })
        expectProgress(state, size, 4)
        expect(await stored(key)).toEqual({ status: 200, size, sha256: sha256(seededBytes(5, size)) })
      },
      60_000,
    )

    test(
      name === 'swift'
        ? 'abort() deletes the upload: ListParts on its id is 404 NoSuchUpload, and no object was made'
        : 'abort(): s3rver has no AbortMultipartUpload, so abort() rejects with 405 MethodNotAllowed (a gap of s3rver); no object was made',
      async () => {
        const key = `${name}/aborted.bin`
        const size = 3 * 5 * MiB + 1
        const page = await openPage()
        const from = proxy!.log.length
        await startUpload(page, { key, seed: 7, size, partSize: 5 * MiB, concurrency: 2, pauseAfterParts: 1 })
        await page.waitForFunction(() => (window as unknown as { current: { state: PageState } }).current.state.paused, undefined, { timeout: 30_000 })
        await page.evaluate(async () => {
          const c = (window as unknown as { current: { upload: { abort(): Promise<void> }; state: PageState } }).current
          await c.upload.abort().then(
            () => {
              c.state.abortError = null
            },
            (e: { code: string; status: number; operation?: string; message: string }) => {
              c.state.abortError = { code: e.code, status: e.status, operation: e.operation, message: e.message }
            },
          )
        })
        const state = await settled(page)
        expect(state.error).toMatchObject({ name: 'UploadError', code: 'Aborted' })
        const uploadId = state.starts[0]!.uploadId
        await proxy!.idle()
        const deletes = exchangesOf(key, from).filter((e) => e.operation === 'AbortMultipartUpload')
        expect((await stored(key)).status).toBe(404)
        const list = await presignListParts(at(key), { uploadId }, direct())
        const listed = await send(list.url, { method: 'GET' })
        if (name !== 'swift') {
          expect(state.abortError, diagnostics(from)).toMatchObject({ code: 'MethodNotAllowed', status: 405, operation: 'AbortMultipartUpload' })
          expect(deletes.map((e) => e.status)).toEqual([405])
          expect([listed.status, listed.code]).toEqual([405, 'MethodNotAllowed'])
          return
        }
        expect(state.abortError, diagnostics(from)).toBeNull()
        expect(deletes.map((e) => e.status)).toEqual([204])
        // Nothing is left listed: storage knows the upload id no more.
        expect([listed.status, listed.code]).toEqual([404, 'NoSuchUpload'])
      },
      60_000,
    )

    test('an expired part URL (signed in the past) gets 403 "Request has expired"; the uploader asks signParts again and completes', async () => {
      const key = `${name}/expired.bin`
      const size = 2 * 5 * MiB + 1000
      // The first batch of part URLs: signed 15 minutes ago for 60 s, so expired on arrival (a backend clock behind,
      // or URLs kept too long). The uploader sends them (it trusts a URL that looks expired on arrival: clocks may
      // differ), storage refuses each, and the uploader asks again.
      const firstCall = backend!.calls.length
      let index0: number | undefined
      backend!.partOptions = (index) => {
        index0 ??= index
        return index === index0 ? { signingDate: new Date(Date.now() - 15 * 60_000), expiresIn: 60 } : {}
      }
      try {
        const page = await openPage()
        const from = proxy!.log.length
        await startUpload(page, { key, seed: 11, size, partSize: 5 * MiB, concurrency: 2 })
        const state = await settled(page)
        expect(state.error, diagnostics(from)).toBeNull()
        const batches = backend!.calls.slice(firstCall).filter((c) => c.op === 'parts').map((c) => c.partNumbers!)
        expect(batches[0]).toEqual([1, 2, 3])
        // Each part of the expired batch was asked for again, and each was refused once by storage, then stored.
        expect(batches.slice(1).flat().sort()).toEqual([1, 2, 3])
        const parts = partLog(exchangesOf(key, from))
        for (const n of [1, 2, 3]) expect(parts.filter((p) => p.startsWith(`${n}:`)), diagnostics(from)).toEqual([`${n}:403`, `${n}:200`])
        // No retry was spent: three refusals, three successes, nothing else.
        expect(state.attempts.filter((a) => a.startsWith('PUT '))).toHaveLength(6)
        expect(await stored(key)).toEqual({ status: 200, size, sha256: sha256(seededBytes(11, size)) })
      } finally {
        backend!.partOptions = undefined
      }
    }, 60_000)

    test('a part URL about to expire (expiresIn 2 s, the earlier parts held up) is asked again before it is sent, with no refusal from storage', async () => {
      const key = `${name}/short-lived.bin`
      const size = 3 * 5 * MiB + 5
      let index0: number | undefined
      backend!.partOptions = (index) => {
        index0 ??= index
        return index === index0 ? { expiresIn: 2 } : {}
      }
      // Parts 1 and 2 are stored at once, but their answers come 2.5 s later: parts 3 and 4, whose 2-second URLs came
      // in the same batch, are taken only after their URLs' deadline.
      const mine = (e: ProxyExchange) => e.operation === 'UploadPart' && e.url.startsWith(objectPath(key) + '?') && (e.partNumber === 1 || e.partNumber === 2)
      proxy!.delay({ match: mine, times: 2, ms: 2_500 })
      const firstCall = backend!.calls.length
      try {
        const page = await openPage()
        const from = proxy!.log.length
        await startUpload(page, { key, seed: 13, size, partSize: 5 * MiB, concurrency: 2 })
        const state = await settled(page)
        expect(state.error, diagnostics(from)).toBeNull()
        const batches = backend!.calls.slice(firstCall).filter((c) => c.op === 'parts').map((c) => c.partNumbers!)
        expect(batches[0]).toEqual([1, 2, 3, 4])
        expect(batches.slice(1).flat()).toEqual(expect.arrayContaining([3, 4]))
        const seen = exchangesOf(key, from).filter((e) => e.operation === 'UploadPart')
        expect(partLog(seen).sort(), diagnostics(from)).toEqual(['1:200', '2:200', '3:200', '4:200'])
        // Parts 3 and 4 went out with URLs of a later batch (900 s), not the 2-second ones.
        for (const n of [3, 4]) expect(new URL('http://x' + seen.find((e) => e.partNumber === n)!.url).searchParams.get('X-Amz-Expires')).toBe('900')
        expect(await stored(key)).toEqual({ status: 200, size, sha256: sha256(seededBytes(13, size)) })
      } finally {
        backend!.partOptions = undefined
        proxy!.clearFaults()
      }
    }, 60_000)

    // KNOWN BUG (reported, src/upload/transport.ts): xhrTransport's headers.get() is xhr.getResponseHeader(), and
    // the uploader reads ten x-amz-checksum-* headers of every part's answer; Chromium logs "Refused to get unsafe
    // header" for each one the bucket's CORS rule does not expose: ten console errors per part. Reading
    // xhr.getAllResponseHeaders() once (only the exposed headers, no error) would fix it. Turn `test.fails` into
    // `test` with the fix. (Both servers show it; it runs on the first one only, to save time.)
    ;(name === storages[0]![0] ? test : test.skip)('a part\'s answer makes Chromium log no "Refused to get unsafe header" error (the uploader reads headers CORS does not expose)', async () => {
      const key = `${name}/console.bin`
      const page = await openPage()
      const refused: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error' && /Refused to get unsafe header/.test(m.text())) refused.push(m.text())
      })
      await startUpload(page, { key, seed: 19, size: MiB, partSize: 5 * MiB, concurrency: 1 })
      expect((await settled(page)).error).toBeNull()
      expect(refused).toEqual([])
    }, 30_000)

    test(
      name === 'swift'
        ? 'negatives, from node: wrong upload id 404 NoSuchUpload; tampered part URL, part URL used for another part number or upload id 403 SignatureDoesNotMatch'
        : 'negatives, from node: what s3rver enforces (signature: 403 SignatureDoesNotMatch) and what it does not (upload ids)',
      async () => {
        const key = `${name}/negatives.bin`
        const create = await presignCreateMultipartUpload(at(key), direct())
        const created = await fetch(create.url, { method: 'POST', headers: create.headers })
        const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())?.[1]
        expect(uploadId).toBeTruthy()
        const other = await fetch(create.url.replace(encodeURIComponent(key.split('/')[1]!), 'other.bin'), { method: 'POST', headers: create.headers })
        expect(other.status).toBe(403) // the create URL is signed for its key too
        await other.text()
        const body = seededBytes(17, MiB) // any size: S3 checks part sizes at Complete
        const part1 = await presignUploadPart(at(key), { uploadId: uploadId!, partNumber: 1 }, direct())
        const good = await fetch(part1, { method: 'PUT', body })
        expect(good.status).toBe(200)
        const etag = good.headers.get('etag')
        await good.text()

        const expectRefused = (r: { status: number; code: string | undefined; refused: boolean }, status: number, code: string, what: string) => {
          // Swift may close the socket while the body is still being sent: a refusal before the body was read.
          if (name === 'swift' && r.refused) return
          expect([r.status, r.code], what).toEqual([status, code])
        }
        // A tampered signature (one hex digit changed).
        const tampered = part1.replace(/(X-Amz-Signature=[0-9a-f]{10})([0-9a-f])/, (_, a: string, c: string) => a + (c === '0' ? '1' : '0'))
        expect(tampered).not.toBe(part1)
        expectRefused(await send(tampered, { method: 'PUT', body }), 403, 'SignatureDoesNotMatch', 'tampered signature')
        // The URL of part 1 used for part 2: partNumber is in the signed query.
        expectRefused(await send(part1.replace('partNumber=1&', 'partNumber=2&'), { method: 'PUT', body }), 403, 'SignatureDoesNotMatch', 'other part number')
        // The URL of part 1 used for another upload: uploadId is signed too.
        expectRefused(await send(part1.replace(`uploadId=${encodeURIComponent(uploadId!)}`, 'uploadId=0000'), { method: 'PUT', body }), 403, 'SignatureDoesNotMatch', 'other upload id')

        // Wrong upload ids, correctly signed: one that never existed, and a real one of another key.
        const wrongIds = ['d29uLXQtZXhpc3Q', uploadId!.slice(0, -2) + (uploadId!.endsWith('AA') ? 'BB' : 'AA')]
        const otherKey = `${name}/negatives-other.bin`
        const partOfOtherKey = await presignUploadPart(at(otherKey), { uploadId: uploadId!, partNumber: 1 }, direct())
        if (name === 'swift') {
          for (const id of wrongIds) {
            expect(await send(await presignUploadPart(at(key), { uploadId: id, partNumber: 1 }, direct()), { method: 'PUT', body }), `UploadPart ${id}`).toMatchObject({ status: 404, code: 'NoSuchUpload' })
            expect(await send((await presignListParts(at(key), { uploadId: id }, direct())).url, { method: 'GET' }), `ListParts ${id}`).toMatchObject({ status: 404, code: 'NoSuchUpload' })
            const complete = await presignCompleteMultipartUpload(at(key), { uploadId: id }, direct())
            const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`
            expect(await send(complete.url, { method: 'POST', headers: complete.headers, body: xml }), `Complete ${id}`).toMatchObject({ status: 404, code: 'NoSuchUpload' })
            expect(await send((await presignAbortMultipartUpload(at(key), { uploadId: id }, direct())).url, { method: 'DELETE' }), `Abort ${id}`).toMatchObject({ status: 404, code: 'NoSuchUpload' })
          }
          // An upload id binds its key: alice's upload id on a key of bob's addresses no upload.
          expect(await send(partOfOtherKey, { method: 'PUT', body })).toMatchObject({ status: 404, code: 'NoSuchUpload' })
          // None of the refused requests stored anything: the upload still has part 1 only, as first stored.
          const list = await fetch((await presignListParts(at(key), { uploadId: uploadId! }, direct())).url)
          const xml = await list.text()
          expect(list.status).toBe(200)
          expect([...xml.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => m[1])).toEqual(['1'])
          expect(xml).toContain(`<ETag>${etag}</ETag>`)
          expect(xml).toContain(`<Size>${MiB}</Size>`)
        } else {
          // s3rver 5.0.0: UploadPart does not check that the upload exists (it creates the upload's folder): 200.
          // ListParts and AbortMultipartUpload are not routed: 405. CompleteMultipartUpload of an unknown id: 500.
          expect(await send(await presignUploadPart(at(key), { uploadId: wrongIds[0]!, partNumber: 1 }, direct()), { method: 'PUT', body })).toMatchObject({ status: 200 })
          expect(await send((await presignListParts(at(key), { uploadId: wrongIds[1]! }, direct())).url, { method: 'GET' })).toMatchObject({ status: 405, code: 'MethodNotAllowed' })
          expect(await send((await presignAbortMultipartUpload(at(key), { uploadId: wrongIds[1]! }, direct())).url, { method: 'DELETE' })).toMatchObject({ status: 405, code: 'MethodNotAllowed' })
          const complete = await presignCompleteMultipartUpload(at(key), { uploadId: wrongIds[1]! }, direct())
          const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`
          expect((await send(complete.url, { method: 'POST', headers: complete.headers, body: xml })).status).toBe(500)
          // Nor does it bind an upload id to its key (S3 and Swift do): a part for another key's upload is taken.
          expect((await send(partOfOtherKey, { method: 'PUT', body })).status).toBe(200)
        }
      },
      60_000,
    )

    test('the example app\'s multipart mode: progress bar, pause, a reload, then resume (Swift) or start over (s3rver), downloaded back with the same SHA-256; pause, resume, abort', async () => {
      const size = 5 * 8 * MiB - 3 // 5 parts of 8 MiB (the planner's default part size), the last one 3 bytes short
      const files = tempDir('multipart-example')
      const app = await startNodeScript('examples/upload-download/server.mjs', {
        HOST: '127.0.0.1',
        PORT: String(examplePort),
        S3_ENDPOINT: proxy!.url,
        S3_BUCKET: BUCKET,
        S3_REGION: storage!.region,
        AWS_ACCESS_KEY_ID: storage!.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: storage!.credentials.secretAccessKey,
      })
      try {
        const filePath = join(files.dir, 'clip.mp4')
        const bytes = seededBytes(41, size)
        writeFileSync(filePath, bytes)
        const key = 'users/alice/clip.mp4'
        const mine = (e: ProxyExchange) => e.operation === 'UploadPart' && e.url.startsWith(objectPath(key) + '?')
        // Hold the answers of parts 2, 3 and 4 (the page sends 3 at a time; part 4 starts when part 1 is stored), so
        // that the test pauses while they are out: then 4 of 5 parts are stored, and part 5 waits.
        proxy!.delay({ match: (e) => mine(e) && [2, 3, 4].includes(e.partNumber!), times: 3, ms: 1_500 })
        const context = await browser!.newContext({ viewport: { width: 900, height: 900 } })
        const page = await context.newPage()
        pages.push(page)
        page.on('console', (m) => log.push(`example console.${m.type()}: ${m.text()}`))
        await page.goto(`http://127.0.0.1:${examplePort}/`)
        await page.selectOption('#mode', 'multipart')
        await page.setInputFiles('#file', filePath)
        const from = proxy!.log.length
        await page.click('#upload')
        await page.waitForFunction(() => / 1 \/ 5 parts stored/.test(document.getElementById('progressText')?.textContent ?? ''), undefined, { timeout: 30_000 })
        await page.click('#pause')
        expect(await page.$$eval('#pause, #resume, #abort', (bs) => bs.map((b) => (b as HTMLButtonElement).disabled))).toEqual([true, false, false])
        await page.waitForFunction(() => / 4 \/ 5 parts stored/.test(document.getElementById('progressText')?.textContent ?? ''), undefined, { timeout: 30_000 })
        expect(await page.textContent('#status')).toMatch(/^Paused/)
        expect(await page.$eval('#bar', (b) => (b as HTMLProgressElement).value)).toBeCloseTo((4 * 8 * MiB) / size, 5)
        mkdirSync(OUT_DIR, { recursive: true })
        await page.screenshot({ path: join(OUT_DIR, `multipart-example-${name}-paused.png`), fullPage: true })
        await proxy!.idle()
        expect(partLog(exchangesOf(key, from)).sort(), diagnostics(from)).toEqual(['1:200', '2:200', '3:200', '4:200'])

        // Reload: the page finds the interrupted upload in localStorage; the same file, Upload again.
        await page.reload()
        await page.selectOption('#mode', 'multipart')
        expect(await page.textContent('#pending')).toContain('clip.mp4')
        await page.setInputFiles('#file', filePath)
        const before = proxy!.log.length
        await page.click('#upload')
        await page.waitForFunction(() => /^(Done|Failed)/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 45_000 })
        expect(await page.textContent('#status'), diagnostics(before)).toBe(`Done: ${size} bytes uploaded (multipart, 5 parts) and downloaded back.`)
        expect(await page.textContent('#progressText')).toBe('40.0 / 40.0 MiB · 5 / 5 parts stored')
        expect(await page.textContent('#sha256')).toBe(sha256(bytes))
        expect(await page.textContent('#local')).toBe(sha256(bytes))
        expect(await page.textContent('#pending')).toBe('')
        await page.screenshot({ path: join(OUT_DIR, `multipart-example-${name}-done.png`), fullPage: true })
        const after = exchangesOf(key, before)
        if (name === 'swift') {
          // Resumed: ListParts, then part 5 only.
          expect(after.map((e) => e.operation).filter((o) => o !== 'UploadPart')).toEqual(['ListParts', 'CompleteMultipartUpload', 'Other'])
          expect(partLog(after)).toEqual(['5:200'])
        } else {
          // s3rver has no ListParts: the page starts over with a new upload (all 5 parts).
          expect(after.map((e) => e.operation).filter((o) => o !== 'UploadPart')).toEqual(['ListParts', 'CreateMultipartUpload', 'CompleteMultipartUpload', 'Other'])
          expect(partLog(after).sort()).toEqual(['1:200', '2:200', '3:200', '4:200', '5:200'])
        }
        expect(await stored(key)).toEqual({ status: 200, size, sha256: sha256(bytes) })

        // Pause, Resume, then Abort, while part 2 of another file is out.
        const other = join(files.dir, 'clip2.mp4')
        const otherKey = 'users/alice/clip2.mp4'
        writeFileSync(other, seededBytes(43, 2 * 8 * MiB - 5))
        proxy!.delay({ match: (e) => e.operation === 'UploadPart' && e.url.startsWith(objectPath(otherKey) + '?') && e.partNumber === 2, ms: 1_500 })
        await page.setInputFiles('#file', other)
        const third = proxy!.log.length
        await page.click('#upload')
        await page.waitForFunction(() => / 1 \/ 2 parts stored/.test(document.getElementById('progressText')?.textContent ?? ''), undefined, { timeout: 30_000 })
        await page.click('#pause')
        await page.click('#resume')
        expect(await page.textContent('#status')).toBe('Uploading… (multipart)')
        expect(await page.$$eval('#pause, #resume, #abort', (bs) => bs.map((b) => (b as HTMLButtonElement).disabled))).toEqual([false, true, false])
        await page.click('#abort')
        await page.waitForFunction(() => /^(Aborted|Failed)/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 30_000 })
        const status = await page.textContent('#status')
        const aborted = exchangesOf(otherKey, third)
        const uploadId = aborted.find((e) => e.uploadId)?.uploadId
        expect(uploadId, diagnostics(third)).toBeTruthy()
        expect((await stored(otherKey)).status).toBe(404)
        const listed = await send((await presignListParts(at(otherKey), { uploadId: uploadId! }, direct())).url, { method: 'GET' })
        if (name === 'swift') {
          expect(status, diagnostics(third)).toBe('Aborted: the upload and the parts it had stored were deleted.')
          expect(aborted.filter((e) => e.operation === 'AbortMultipartUpload').map((e) => e.status)).toEqual([204])
          expect([listed.status, listed.code]).toEqual([404, 'NoSuchUpload'])
          expect(await page.textContent('#pending')).toBe('')
        } else {
          expect(status, diagnostics(third)).toMatch(/^Failed: abort: AbortMultipartUpload: MethodNotAllowed \(HTTP 405\)/)
          expect([listed.status, listed.code]).toEqual([405, 'MethodNotAllowed'])
        }
      } finally {
        proxy!.clearFaults()
        await app.stop()
        files.remove()
      }
    }, 90_000)
  })
})
