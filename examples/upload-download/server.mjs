// A backend that never touches the file: it signs, and the page (index.html) uploads straight to storage and shows the
// file from it. A user owns the keys under users/<id>/; the x-user header names the user (in a real app: the session).
//   POST /uploads {"key":"cat.png"}  ->  {"mode":"post","key":"users/<id>/cat.png","url","fields"}   a POST policy (the default)
//   POST /uploads {"key":"cat.png","contentType":"image/png","mode":"put"}  ->  {"mode":"put","key","putUrl","headers"}
//   GET /downloads?key=users/<id>/cat.png  ->  {"key","url"}   a presigned GET; 403 for a key outside users/<id>/
// The POST policy caps the size (UPLOAD_MAX_BYTES, default 1 MiB) and the type (must start with UPLOAD_TYPE_PREFIX,
// default "image/"). Storage checks every upload against it: 400 EntityTooLarge, 403 AccessDenied. Real S3 does that
// itself; s3rver does not, so dev.mjs puts post-gateway.mjs in front of it. A PUT URL cannot cap the size.
// Configuration (environment): S3_ENDPOINT, S3_BUCKET, S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// UPLOAD_MAX_BYTES, UPLOAD_TYPE_PREFIX, HOST, PORT. It imports the built package: run `npm run build` first.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { PresignError, presignPost, presignS3, presignS3Detailed, s3ObjectUrl } from 'sigv4-presign'
import { readBody } from './read-body.mjs'

const env = process.env
const storage = { endpoint: env.S3_ENDPOINT ?? 'http://127.0.0.1:4568', bucket: env.S3_BUCKET ?? 'example-bucket', region: env.S3_REGION ?? 'us-east-1' }
const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER' }
const maxBytes = Number(env.UPLOAD_MAX_BYTES ?? 1024 * 1024)
const typePrefix = env.UPLOAD_TYPE_PREFIX ?? 'image/'
if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new Error('UPLOAD_MAX_BYTES must be a positive integer')
const expiresIn = 300
const page = await readFile(new URL('./index.html', import.meta.url))

class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

/** The body as a JSON object. Every byte is hostile: at most 16 KiB (reading stops there), UTF-8, an object. */
async function readJson(req) {
  const max = 16_384
  const body = await readBody(req, max)
  if (body === 'too large') throw new HttpError(413, 'body too large')
  if (body === 'cut short') throw new HttpError(400, 'body cut short')
  let json
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    throw new HttpError(400, 'body must be JSON')
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new HttpError(400, 'body must be a JSON object')
  return json
}

// One x-user header (Node joins repeated ones with ", ", which the rule refuses), of a-z 0-9 - only: "__proto__",
// "../bob" or a 10 kB name are refused; "constructor" is a plain name (it is only ever used in a string).
function prefixOf(req) {
  const user = req.headers['x-user']
  if (typeof user !== 'string' || !/^[a-z0-9-]{1,32}$/.test(user)) throw new HttpError(401, 'x-user must name a user: 1..32 of a-z 0-9 -')
  return `users/${user}/`
}
// Unicode is fine; control characters (NUL, CR, LF, DEL, C1) are not, nor "${filename}", which would make
// presignPost sign a key prefix, letting the browser choose any key below it instead of this one.
const checkKey = (key) => {
  if (typeof key !== 'string' || key.length < 1 || key.length > 512) throw new HttpError(400, 'key must be 1..512 characters')
  if (/[\0-\x1f\x7f-\x9f]/.test(key) || key.includes('${filename}')) throw new HttpError(400, 'key must not contain control characters or "${filename}"')
  return key
}

// Uploads stay under the user's prefix: s3ObjectUrl throws (400) for a "." or ".." segment such as "../bob/x.png",
// which no URL can address (presignPost alone would sign it: S3 takes a POST's key literally).
async function presignUpload(prefix, { key, contentType, mode = 'post' }) {
  const location = { ...storage, key: prefix + checkKey(key) }
  s3ObjectUrl(location)
  if (mode === 'post') {
    // The rules go into the signed policy and storage applies them to the file itself: nothing the page says is trusted.
    const conditions = { contentLengthRange: [1, maxBytes], contentType: { startsWith: typePrefix } }
    const { url, fields } = await presignPost(location, { credentials, expiresIn, conditions })
    return { mode, key: location.key, url, fields }
  }
  if (mode !== 'put') throw new HttpError(400, 'mode must be "post" or "put"')
  // The signed content-type must be sent exactly, so it can be checked here; the size cannot be limited.
  if (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(contentType) || !contentType.startsWith(typePrefix)) {
    throw new HttpError(400, `contentType must be type/subtype starting with "${typePrefix}"`)
  }
  const put = await presignS3Detailed(location, { credentials, method: 'PUT', headers: { 'content-type': contentType }, expiresIn })
  return { mode, key: location.key, putUrl: put.url, headers: put.headers }
}

// Only the user's own keys. Cache-friendly: every presign of a key in one 15-minute window (cacheWindow) is the same URL,
// valid for at least expiresIn from now, and storage answers it with a Cache-Control that lets the browser keep it.
async function presignDownload(prefix, key) {
  if (!checkKey(key).startsWith(prefix)) throw new HttpError(403, `not your object: your keys start with ${prefix}`)
  const location = { ...storage, key, responseOverrides: { cacheControl: 'private, max-age=600' } }
  return { key, url: await presignS3(location, { credentials, expiresIn, cacheWindow: 900 }) }
}

const server = createServer(async (req, res) => {
  const send = (status, type, body) => {
    const headers = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }
    if (!req.complete) headers.connection = 'close' // a body left unread (too large, or not read at all) is never read
    res.writeHead(status, headers).end(body)
  }
  try {
    if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) return send(200, 'text/html; charset=utf-8', page)
    // Origin-form targets only: "GET http://x/downloads" or "OPTIONS *" are not paths of this server.
    if (!req.url.startsWith('/') || req.url.startsWith('//')) throw new HttpError(400, 'bad request target')
    const url = new URL(`http://host${req.url}`)
    if (req.method === 'POST' && url.pathname === '/uploads') return send(200, 'application/json', JSON.stringify(await presignUpload(prefixOf(req), await readJson(req))))
    if (req.method === 'GET' && url.pathname === '/downloads') return send(200, 'application/json', JSON.stringify(await presignDownload(prefixOf(req), url.searchParams.get('key'))))
    send(404, 'text/plain', 'not found\n')
  } catch (e) {
    // PresignError: e.g. a key with a "." or ".." segment. Its message never holds a secret.
    const status = e instanceof HttpError ? e.status : e instanceof PresignError ? 400 : 500
    if (status === 500) console.error(e)
    send(status, 'application/json', JSON.stringify({ error: status === 500 ? 'internal error' : e.message }))
  }
})

const host = env.HOST ?? '127.0.0.1'
server.listen(Number(env.PORT ?? 8080), host, () => {
  console.log(`upload-download example listening on http://${host}:${server.address().port}/ (storage: ${storage.endpoint}/${storage.bucket}, POST cap ${maxBytes} bytes, type ${typePrefix}*)`)
})
