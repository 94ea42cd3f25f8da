// A backend that never touches the file: it hands the browser presigned URLs for one bucket, and the
// page (index.html) PUTs the file straight to the storage server and GETs it back.
//   POST /uploads  {"key":"cat.png","contentType":"image/png"}  ->  {"putUrl","getUrl","headers"}
// Configuration (environment): S3_ENDPOINT, S3_BUCKET, S3_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, HOST, PORT. It imports the built package: run `npm run build` first.
// The bucket must allow the page's origin (CORS); dev.mjs starts a local s3rver that does.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { PresignError, presignS3, presignS3Detailed } from 'sigv4-presign'

const env = process.env
const storage = { endpoint: env.S3_ENDPOINT ?? 'http://127.0.0.1:4568', bucket: env.S3_BUCKET ?? 'example-bucket', region: env.S3_REGION ?? 'us-east-1' }
const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER' }
const expiresIn = 300
const page = await readFile(new URL('./index.html', import.meta.url))

class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

async function readJson(req) {
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > 16_384) throw new HttpError(413, 'body too large')
  }
  try {
    return JSON.parse(body)
  } catch {
    throw new HttpError(400, 'body must be JSON')
  }
}

async function presignUpload({ key, contentType } = {}) {
  if (typeof key !== 'string' || key.length < 1 || key.length > 512) throw new HttpError(400, 'key must be 1..512 characters')
  if (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(contentType)) throw new HttpError(400, 'contentType must be type/subtype')
  const location = { ...storage, key: `uploads/${key}` }
  // content-type is signed: the browser must send exactly `headers` with the PUT.
  const put = await presignS3Detailed(location, { credentials, method: 'PUT', headers: { 'content-type': contentType }, expiresIn })
  const getUrl = await presignS3(location, { credentials, expiresIn })
  return { putUrl: put.url, getUrl, headers: put.headers }
}

const server = createServer(async (req, res) => {
  const send = (status, type, body) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
  try {
    if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) return send(200, 'text/html; charset=utf-8', page)
    if (req.method === 'POST' && req.url === '/uploads') return send(200, 'application/json', JSON.stringify(await presignUpload(await readJson(req))))
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
  console.log(`upload-download example listening on http://${host}:${server.address().port}/ (storage: ${storage.endpoint}/${storage.bucket})`)
})
