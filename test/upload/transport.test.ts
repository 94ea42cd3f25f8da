/**
 * The two built-in transports. XMLHttpRequest does not exist in Node, so a fake one stands in, wired to the same
 * fake S3 as the other tests: it fires `upload.onprogress` while "sending", answers through `responseText` and
 * `getResponseHeader` (hiding `ETag` unless the fake bucket's CORS rule exposes it, as a browser does), and
 * `abort()` fires `onabort`. The headless-Chromium test runs the real one. The fetch transport is checked against a
 * real server for its response cap.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { fetchTransport, UploadError, type UploadProgress, uploadMultipart, xhrTransport } from '../../src/upload/index.js'
import { FakeS3, KEY, MiB, makeFile, sha256, testBackend } from './fake-s3.js'

const PART = 5 * MiB

interface XhrWorld {
  s3: FakeS3
  /** Response headers a browser lets the page read (the CORS rule's ExposeHeaders); others read as null. */
  exposed: Set<string>
  opened: FakeXhr[]
  /** Extra body bytes sent on download progress (a huge response). */
  hugeDownload: number
  /** getResponseHeader calls for a header CORS does not expose (each one a console error in Chromium). */
  unsafeReads: number
}

let world: XhrWorld

/** Just what xhrTransport uses of XMLHttpRequest. */
class FakeXhr {
  method = ''
  url = ''
  status = 0
  responseText = ''
  headers: Record<string, string> = {}
  private responseHeaders = new Headers()
  readonly upload: { onprogress: ((e: { loaded: number }) => void) | null } = { onprogress: null }
  onprogress: ((e: { loaded: number }) => void) | null = null
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  ontimeout: (() => void) | null = null
  onabort: (() => void) | null = null
  aborted = false

  open(method: string, url: string): void {
    this.method = method
    this.url = url
    world.opened.push(this)
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value
  }
  getResponseHeader(name: string): string | null {
    // A browser logs "Refused to get unsafe header" here for a header CORS does not expose: the transport must not ask.
    world.unsafeReads += world.exposed.has(name.toLowerCase()) ? 0 : 1
    return world.exposed.has(name.toLowerCase()) ? this.responseHeaders.get(name) : null
  }
  getAllResponseHeaders(): string {
    return [...this.responseHeaders].filter(([name]) => world.exposed.has(name)).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  }
  abort(): void {
    if (this.aborted) return
    this.aborted = true
    queueMicrotask(() => this.onabort?.())
  }
  send(body: Blob | string | null): void {
    void this.run(body)
  }
  private async run(body: Blob | string | null): Promise<void> {
    const bytes = body === null ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body) : Buffer.from(await body.arrayBuffer())
    for (let i = 1; i <= 5; i++) {
      await new Promise((r) => setTimeout(r, 1))
      if (this.aborted) return
      this.upload.onprogress?.({ loaded: Math.floor((bytes.length * i) / 5) })
    }
    world.s3.begin(this.method, this.url)
    const r = await world.s3.handle(this.method, this.url, { ...this.headers, host: new URL(this.url).host }, bytes)
    for (let sent = 0; sent < world.hugeDownload && !this.aborted; sent += 256 * 1024) this.onprogress?.({ loaded: sent + 256 * 1024 })
    if (this.aborted) return
    this.status = r.status
    this.responseText = r.body
    this.responseHeaders = new Headers(r.headers)
    this.onload?.()
  }
}

function install(): XhrWorld {
  world = { s3: new FakeS3(), exposed: new Set(['etag']), opened: [], hugeDownload: 0, unsafeReads: 0 }
  vi.stubGlobal('XMLHttpRequest', FakeXhr)
  return world
}

afterEach(() => {
  // No test may read a header a browser would refuse (see FakeXhr.getResponseHeader).
  if (world) expect(world.unsafeReads).toBe(0)
  vi.unstubAllGlobals()
})

describe('xhrTransport', () => {
  test('is the default where XMLHttpRequest exists: byte progress within parts, headers sent, ETag read', async () => {
    const { s3, opened } = install()
    const { backend } = testBackend('http://s3.test:9000')
    const { file, bytes } = makeFile(2 * PART + 5)
    const events: UploadProgress[] = []
    await uploadMultipart(file, backend, { partSize: PART, onProgress: (p) => events.push(p) }).done
    expect(sha256(s3.objects.get(KEY)!.data)).toBe(sha256(bytes))
    expect(opened.map((x) => x.method)).toEqual(['POST', 'PUT', 'PUT', 'PUT', 'POST'])
    expect(opened[0]!.headers['content-type']).toBe('video/mp4') // the signed header of CreateMultipartUpload
    expect(events.some((e) => e.bytesUploaded > 0 && e.bytesUploaded < PART)).toBe(true)
    expect(events.at(-1)!.bytesUploaded).toBe(file.size)
  })

  test('a bucket whose CORS rule does not expose ETag: MissingETag', async () => {
    const w = install()
    w.exposed.clear()
    const { backend } = testBackend('http://s3.test:9000')
    const { file } = makeFile(PART)
    const err = await uploadMultipart(file, backend, { partSize: PART }).done.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UploadError)
    expect(err).toMatchObject({ code: 'MissingETag', partNumber: 1 })
  })

  test('abort() calls xhr.abort() on the requests in flight', async () => {
    const { opened } = install()
    const { backend } = testBackend('http://s3.test:9000')
    const { file } = makeFile(4 * PART)
    const upload = uploadMultipart(file, backend, { partSize: PART, concurrency: 2, onProgress: (p) => p.bytesUploaded > 0 && void upload.abort() })
    expect(await upload.done.catch((e: unknown) => (e as UploadError).code)).toBe('Aborted')
    await upload.abort()
    const puts = opened.filter((x) => x.method === 'PUT')
    expect(puts.length).toBe(2)
    expect(puts.filter((x) => x.aborted).length).toBeGreaterThanOrEqual(1)
    expect(opened.at(-1)!.method).toBe('DELETE')
  })

  test('a response body over the cap aborts the download: InvalidResponse', async () => {
    const w = install()
    w.hugeDownload = 8 * MiB
    const controller = new AbortController()
    const err = await xhrTransport({ method: 'GET', url: 'http://s3.test:9000/bucket/k?uploadId=x', headers: {}, signal: controller.signal, maxResponseBytes: MiB }).catch((e: unknown) => e)
    expect((err as Error).name).toBe('ResponseTooLarge')
    expect(w.opened[0]!.aborted).toBe(true)
  })

  test('download progress under the cap is reported (a sign of life for stallTimeout)', async () => {
    const w = install()
    w.hugeDownload = 768 * 1024
    const seen: number[] = []
    const onDownloadProgress = (loaded: number): number => seen.push(loaded)
    const r = await xhrTransport({ method: 'GET', url: 'http://s3.test:9000/bucket/k?uploadId=x', headers: {}, signal: new AbortController().signal, maxResponseBytes: MiB, onDownloadProgress })
    expect(r.status).toBeGreaterThan(0)
    expect(seen).toEqual([256 * 1024, 512 * 1024, 768 * 1024])
  })

  test('an aborted signal rejects at once, without opening a request', async () => {
    const w = install()
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    const err = await xhrTransport({ method: 'GET', url: 'http://s3.test/', headers: {}, signal: controller.signal, maxResponseBytes: MiB }).catch((e: unknown) => e)
    expect((err as Error).message).toBe('stop')
    expect(w.opened).toEqual([])
  })
})

describe('fetchTransport', () => {
  test('reads at most maxResponseBytes of a body, with or without Content-Length, and stops the download', async () => {
    let written = 0
    const server = createServer((req, res) => {
      const chunked = req.url === '/chunked'
      res.writeHead(200, chunked ? {} : { 'content-length': String(32 * MiB) })
      const chunk = Buffer.alloc(64 * 1024, 'x')
      const pump = (): void => {
        while (written < 32 * MiB && !res.destroyed) {
          written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end()
      }
      pump()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      for (const path of ['/length', '/chunked']) {
        written = 0
        const err = await fetchTransport({ method: 'GET', url: base + path, headers: {}, signal: new AbortController().signal, maxResponseBytes: MiB }).catch((e: unknown) => e)
        expect((err as Error).name, path).toBe('ResponseTooLarge')
        await new Promise((r) => setTimeout(r, 50))
        expect(written, path).toBeLessThan(24 * MiB)
      }
      written = 0
      const small = await fetchTransport({ method: 'GET', url: base + '/length', headers: {}, signal: new AbortController().signal, maxResponseBytes: 64 * MiB })
      expect(small.body.length).toBe(32 * MiB)
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })
})
