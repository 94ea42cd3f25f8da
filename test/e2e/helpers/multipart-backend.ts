/**
 * The end-to-end tests' backend for the browser uploader: a node:http server on 127.0.0.1 that only presigns, with
 * the built package (dist/index.js), and never sees a byte of the file. It serves
 * - `GET /`: a test page that loads the built uploader (`GET /upload.js`, dist/upload.js) and defines
 *   `window.up` (the module), `window.makeBackend(key)` (the uploader's callbacks, each a POST to this server),
 *   `window.makeFile(seed, size)` (seeded pseudo-random bytes, see {@link seededBytes}) and `window.sha256(blob)`;
 * - `POST /api/create|parts|complete|list|abort` `{ key, uploadId, partNumbers, partNumberMarker }`: the presigned
 *   request (`presignCreateMultipartUpload`, `presignUploadParts`, …) for `key` in the bucket, signed for `endpoint`
 *   (the fault proxy's `host:port`, so the signatures verify upstream).
 *
 * Every call is recorded (`calls`), and `partOptions` lets a test sign a batch of part URLs differently (a short
 * `expiresIn`, a `signingDate` in the past). The page and this server share one origin, so only storage needs CORS.
 */
import { readFileSync } from 'node:fs'
import { type IncomingMessage, createServer } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from './env.js'

/** The package's API, as the built dist/index.js has it (imported when the backend starts: dist/ may be missing). */
type Library = typeof import('../../../src/index.js')

/**
 * `size` pseudo-random bytes from `seed` (xorshift32, little-endian words): the page builds the file with this very
 * function (its source is inlined into the page), so the test knows every byte without sending any.
 */
export function seededBytes(seed: number, size: number): Uint8Array<ArrayBuffer> {
  const words = new Uint32Array(Math.ceil(size / 4))
  let x = seed >>> 0 || 1
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    words[i] = x
  }
  return new Uint8Array(words.buffer, 0, size)
}

export interface BackendCall {
  readonly op: 'create' | 'parts' | 'complete' | 'list' | 'abort'
  readonly key: string
  readonly uploadId?: string
  readonly partNumbers?: number[]
  readonly partNumberMarker?: number
}

export interface MultipartBackend {
  /** `http://127.0.0.1:PORT`: the page's origin. */
  readonly origin: string
  readonly calls: BackendCall[]
  /** Options for the part URLs of signParts call number `index` (0-based, counted over the backend's life). */
  partOptions: ((index: number, partNumbers: number[]) => { expiresIn?: number; signingDate?: Date }) | undefined
  close(): Promise<void>
}

export interface BackendConfig {
  /** The port to listen on (the storage's CORS rule names this origin). */
  readonly port: number
  /** The endpoint to sign for: the fault proxy. */
  readonly endpoint: string
  readonly bucket: string
  readonly region: string
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
}

const page = (): string => `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>multipart e2e</title>
<body><p id="state">loading</p>
<script type="module">
  import * as up from '/upload.js'
  const seededBytes = ${String(seededBytes)}
  const post = async (path, body, signal) => {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal })
    if (!res.ok) throw new Error(path + ': ' + res.status + ' ' + (await res.text()))
    return res.json()
  }
  window.up = up
  window.makeBackend = (key) => ({
    create: ({ signal }) => post('/api/create', { key }, signal),
    signParts: ({ uploadId, partNumbers, signal }) => post('/api/parts', { key, uploadId, partNumbers }, signal),
    complete: ({ uploadId, signal }) => post('/api/complete', { key, uploadId }, signal),
    listParts: ({ uploadId, partNumberMarker, signal }) => post('/api/list', { key, uploadId, partNumberMarker }, signal),
    abort: ({ uploadId, signal }) => post('/api/abort', { key, uploadId }, signal),
  })
  window.makeFile = (seed, size) => new Blob([seededBytes(seed, size)], { type: 'application/octet-stream' })
  window.sha256 = async (blob) =>
    [...new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))].map((b) => b.toString(16).padStart(2, '0')).join('')
  document.getElementById('state').textContent = 'ready'
</script>
</body></html>`

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 65_536) throw new Error('body too large')
    chunks.push(chunk as Buffer)
  }
  const json: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('body must be a JSON object')
  return json as Record<string, unknown>
}

export async function startMultipartBackend(config: BackendConfig): Promise<MultipartBackend> {
  const uploader = readFileSync(join(projectRoot, 'dist', 'upload.js'))
  const { presignAbortMultipartUpload, presignCompleteMultipartUpload, presignCreateMultipartUpload, presignListParts, presignUploadParts } = (await import(
    pathToFileURL(join(projectRoot, 'dist', 'index.js')).href
  )) as Library
  const location = (key: string) => ({ bucket: config.bucket, key, region: config.region, endpoint: config.endpoint })
  const options = { credentials: config.credentials, expiresIn: 300 }
  let partCalls = 0
  const backend: MultipartBackend = {
    origin: '',
    calls: [],
    partOptions: undefined,
    close: async () => {},
  }

  const sign = async (op: string, body: Record<string, unknown>): Promise<unknown> => {
    const key = String(body['key'])
    const uploadId = body['uploadId'] as string
    switch (op) {
      case 'create':
        backend.calls.push({ op, key })
        return presignCreateMultipartUpload(location(key), { ...options, headers: { 'content-type': 'application/octet-stream' } })
      case 'parts': {
        const partNumbers = body['partNumbers'] as number[]
        backend.calls.push({ op, key, uploadId, partNumbers })
        const extra = backend.partOptions?.(partCalls++, partNumbers) ?? {}
        return presignUploadParts(location(key), { uploadId, partNumbers }, { ...options, expiresIn: 900, ...extra })
      }
      case 'complete':
        backend.calls.push({ op, key, uploadId })
        return presignCompleteMultipartUpload(location(key), { uploadId }, options)
      case 'list': {
        const partNumberMarker = (body['partNumberMarker'] as number | undefined) ?? undefined
        backend.calls.push({ op, key, uploadId, ...(partNumberMarker === undefined ? {} : { partNumberMarker }) })
        return presignListParts(location(key), { uploadId, partNumberMarker }, options)
      }
      case 'abort':
        backend.calls.push({ op, key, uploadId })
        return presignAbortMultipartUpload(location(key), { uploadId }, options)
      default:
        return undefined
    }
  }

  const server = createServer(async (req, res) => {
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
    }
    try {
      if (req.method === 'GET' && req.url === '/') return send(200, 'text/html; charset=utf-8', page())
      if (req.method === 'GET' && req.url === '/upload.js') return send(200, 'text/javascript; charset=utf-8', uploader)
      const op = req.method === 'POST' ? /^\/api\/(create|parts|complete|list|abort)$/.exec(req.url ?? '')?.[1] : undefined
      if (!op) return send(404, 'text/plain', 'not found\n')
      return send(200, 'application/json', JSON.stringify(await sign(op, await readJson(req))))
    } catch (e) {
      send(400, 'application/json', JSON.stringify({ error: (e as Error).message }))
    }
  })
  await new Promise<void>((listening, failed) => {
    server.once('error', failed)
    server.listen(config.port, '127.0.0.1', listening)
  })
  return Object.assign(backend, {
    origin: `http://127.0.0.1:${config.port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed())
        server.closeAllConnections()
      }),
  })
}
