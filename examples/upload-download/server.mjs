// A backend that never touches the file: it signs, and the page (index.html) uploads straight to storage and shows the
// file from it. A user owns the keys under users/<id>/; the x-user header names the user (in a real app: the session).
//   POST /uploads {"key":"cat.png"}  ->  {"mode":"post","key":"users/<id>/cat.png","url","fields"}   a POST policy (the default)
//   POST /uploads {"key":"cat.png","contentType":"image/png","mode":"put"}  ->  {"mode":"put","key","putUrl","headers"}
//   GET /downloads?key=users/<id>/cat.png  ->  {"key","url"}   a presigned GET; 403 for a key outside users/<id>/
// Multipart (large files, in parts, resumable; the page runs sigv4-presign/upload, served as GET /upload.js):
//   POST /multipart/create    {"key":"clip.mp4","contentType":"video/mp4"}  ->  {"key":"users/<id>/clip.mp4","request":{url,method,headers}}
//   POST /multipart/parts     {"key":"users/<id>/clip.mp4","uploadId","partNumbers":[1,2]}  ->  [{"partNumber","url"}]
//   POST /multipart/complete  {"key","uploadId"}  ->  {url,method,headers}   (and /multipart/abort the same)
//   POST /multipart/list      {"key","uploadId","partNumberMarker"?}  ->  {url,method,headers}
//   Every key is the caller's own (users/<id>/…, as for downloads). S3 binds an upload id to its key, so a URL signed
//   for one of your keys with someone else's upload id addresses no upload (404 NoSuchUpload): the prefix is the
//   ownership rule, and the upload id only has to be well-formed. (s3rver does not bind them: a gap of the local
//   server, not of S3 or Swift.) Like a PUT URL, a multipart upload has no size cap; the type must start with
//   MULTIPART_TYPE_PREFIX (default "video/").
// The POST policy caps the size (UPLOAD_MAX_BYTES, default 1 MiB) and the type (must start with UPLOAD_TYPE_PREFIX,
// default "image/"). Storage checks every upload against it: 400 EntityTooLarge, 403 AccessDenied. Real S3 does that
// itself; s3rver does not, so dev.mjs puts post-gateway.mjs in front of it. A PUT URL cannot cap the size.
// Configuration (environment): S3_ENDPOINT, S3_BUCKET, S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// UPLOAD_MAX_BYTES, UPLOAD_TYPE_PREFIX, MULTIPART_TYPE_PREFIX, S3_MULTIPART_ENDPOINT (default S3_ENDPOINT), HOST, PORT.
// It imports the built package: run `npm run build` first.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import {
  PresignError,
  presignAbortMultipartUpload,
  presignCompleteMultipartUpload,
  presignCreateMultipartUpload,
  presignListParts,
  presignPost,
  presignS3,
  presignS3Detailed,
  presignUploadParts,
  s3ObjectUrl,
} from 'sigv4-presign'
import { readBody } from './read-body.mjs'

const env = process.env
const storage = { endpoint: env.S3_ENDPOINT ?? 'http://127.0.0.1:4568', bucket: env.S3_BUCKET ?? 'example-bucket', region: env.S3_REGION ?? 'us-east-1' }
const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER' }
const maxBytes = Number(env.UPLOAD_MAX_BYTES ?? 1024 * 1024)
const typePrefix = env.UPLOAD_TYPE_PREFIX ?? 'image/'
const multipartTypePrefix = env.MULTIPART_TYPE_PREFIX ?? 'video/'
// The multipart requests may go to another endpoint: dev.mjs's POST gateway takes only form POSTs, so there they go
// to s3rver directly. Against S3 both are the bucket.
const multipartStorage = { ...storage, endpoint: env.S3_MULTIPART_ENDPOINT ?? storage.endpoint }
if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new Error('UPLOAD_MAX_BYTES must be a positive integer')
const expiresIn = 300
const page = await readFile(new URL('./index.html', import.meta.url))
// The browser uploader, from the built package (dist/upload.js), for the page's multipart mode.
const uploaderJs = await readFile(new URL(import.meta.resolve('sigv4-presign/upload')))

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
  const put = await presignS3Detailed(location, { credentials, method: 'PUT', headers: { 'content-type': checkContentType(contentType, typePrefix) }, expiresIn })
  return { mode, key: location.key, putUrl: put.url, headers: put.headers }
}

// Only the user's own keys. Cache-friendly: every presign of a key in one 15-minute window (cacheWindow) is the same URL,
// valid for at least expiresIn from now, and storage answers it with a Cache-Control that lets the browser keep it.
// And as an attachment: a file a user stored is never shown inline from storage's origin (an SVG or HTML one would
// run its script there; a POST policy's "starts-with image/" cannot keep image/svg+xml out). <img> and fetch ignore it.
async function presignDownload(prefix, key) {
  if (!checkKey(key).startsWith(prefix)) throw new HttpError(403, `not your object: your keys start with ${prefix}`)
  const location = { ...storage, key, responseOverrides: { cacheControl: 'private, max-age=600', contentDisposition: 'attachment' } }
  return { key, url: await presignS3(location, { credentials, expiresIn, cacheWindow: 900 }) }
}

// Multipart. Every field is checked before anything is signed; the library checks again (part numbers, upload id).
const MAX_BATCH = 32 // part URLs per request: the page asks for twice its concurrency at most
const UPLOAD_ID = /^[A-Za-z0-9._~+/=-]{1,1024}$/ // S3's are about 100-200 of these characters; Swift's base64, s3rver's hex
/** A type/subtype starting with `prefix`, and none that runs script when a browser opens it (SVG, HTML, XML). */
function checkContentType(contentType, prefix) {
  if (typeof contentType !== 'string' || !/^[\w.+-]{1,64}\/[\w.+-]{1,128}$/.test(contentType) || !contentType.startsWith(prefix) || /svg|html|xml/i.test(contentType)) {
    throw new HttpError(400, `contentType must be type/subtype starting with "${prefix}", and not SVG, HTML or XML`)
  }
  return contentType
}
const checkUploadId = (uploadId) => {
  if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) throw new HttpError(400, 'uploadId must be 1..1024 of A-Z a-z 0-9 . _ ~ + / = -')
  return uploadId
}
const checkPartNumbers = (partNumbers) => {
  if (!Array.isArray(partNumbers) || partNumbers.length < 1 || partNumbers.length > MAX_BATCH) {
    throw new HttpError(400, `partNumbers must be an array of 1..${MAX_BATCH} part numbers`)
  }
  if (!partNumbers.every((n) => Number.isInteger(n) && n >= 1 && n <= 10000) || new Set(partNumbers).size !== partNumbers.length) {
    throw new HttpError(400, 'partNumbers must be distinct integers in 1..10000')
  }
  return partNumbers
}
const checkMarker = (marker) => {
  if (marker === undefined || marker === null) return undefined
  if (!Number.isInteger(marker) || marker < 0 || marker > 10000) throw new HttpError(400, 'partNumberMarker must be an integer in 0..10000')
  return marker
}
// The caller's own key (as GET /downloads): a key outside users/<id>/ is 403; a "." or ".." segment is the library's 400.
const ownKey = (prefix, key) => {
  if (!checkKey(key).startsWith(prefix)) throw new HttpError(403, `not your object: your keys start with ${prefix}`)
  return key
}

async function presignMultipart(prefix, action, body) {
  if (action === 'create') {
    const location = { ...multipartStorage, key: prefix + checkKey(body.key) }
    const contentType = checkContentType(body.contentType, multipartTypePrefix)
    const request = await presignCreateMultipartUpload(location, { credentials, headers: { 'content-type': contentType }, expiresIn })
    return { key: location.key, request }
  }
  const location = { ...multipartStorage, key: ownKey(prefix, body.key) }
  const uploadId = checkUploadId(body.uploadId)
  if (action === 'parts') {
    // 15 minutes per part URL: the uploader asks again for one that has expired.
    return presignUploadParts(location, { uploadId, partNumbers: checkPartNumbers(body.partNumbers) }, { credentials, expiresIn: 900 })
  }
  if (action === 'complete') return presignCompleteMultipartUpload(location, { uploadId }, { credentials, expiresIn })
  if (action === 'list') return presignListParts(location, { uploadId, partNumberMarker: checkMarker(body.partNumberMarker) }, { credentials, expiresIn })
  return presignAbortMultipartUpload(location, { uploadId }, { credentials, expiresIn })
}
const MULTIPART_PATH = /^\/multipart\/(create|parts|complete|list|abort)$/

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
    if (req.method === 'GET' && url.pathname === '/upload.js') return send(200, 'text/javascript; charset=utf-8', uploaderJs)
    const multipart = req.method === 'POST' && url.search === '' ? MULTIPART_PATH.exec(url.pathname) : null
    if (multipart) return send(200, 'application/json', JSON.stringify(await presignMultipart(prefixOf(req), multipart[1], await readJson(req))))
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
