// A LOCAL STAND-IN for what S3 does with a browser POST upload: check the form against its signed policy.
// Real S3 enforces POST policies itself; in production, point the backend at S3 and run no gateway. The local
// servers do not: @20minutes/s3rver 5.0.0 stores any POST without reading the policy, and Swift's s3api has no POST
// uploads (see test/e2e/post-policy.test.ts). So dev.mjs and test/e2e/browser-flow.test.ts put this in front of them:
// - POST /bucket (multipart/form-data): verifyPost checks the signature, the expiry and every condition (size, type,
//   key, extra fields). A refused form gets S3's status and XML error, and nothing is stored. An accepted file is
//   stored with a presigned PUT to the upstream (s3rver and Swift both take that) and answered as S3 does: 204, or
//   success_action_status / success_action_redirect.
// - Anything else (GET, PUT, OPTIONS, …) goes to the upstream unchanged, Host included, so URLs presigned for the
//   gateway's address verify there, and the upstream's CORS rules answer for it.
// - CORS for the POST: Access-Control-Allow-Origin for CORS_ORIGIN only.
// It buffers each form in memory (at most 64 MiB); a production gateway would stream the file and enforce
// r.contentLength while reading. Path-style URLs only (http://host/bucket).
//   node post-gateway.mjs   environment: UPSTREAM, CORS_ORIGIN, S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, HOST, PORT
import { createServer, request } from 'node:http'
import { pathToFileURL } from 'node:url'
import { presignS3Detailed, verifyPost } from 'sigv4-presign'

const MAX_FORM_BYTES = 64 * 1024 * 1024
/** Form fields that S3 stores as the object's headers. */
const HEADER_FIELD = /^(content-type|cache-control|content-disposition|content-encoding|expires|x-amz-meta-.+)$/i
const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export async function startPostGateway({ upstream, credentials, region = 'us-east-1', corsOrigin, host = '127.0.0.1', port = 0 }) {
  const target = new URL(upstream)
  const lookup = (id) => (id === credentials.accessKeyId ? credentials : undefined)

  async function upload(req, res, bucket, cors) {
    const send = (status, body = '', headers = {}) => res.writeHead(status, { ...cors, ...headers }).end(body)
    const fail = (status, code, message) =>
      send(status, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`, { 'content-type': 'application/xml' })
    const chunks = []
    let size = 0
    for await (const chunk of req) if ((size += chunk.length) <= MAX_FORM_BYTES) chunks.push(chunk)
    if (size > MAX_FORM_BYTES) return fail(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')
    const body = Buffer.concat(chunks)
    const form = await new Request('http://gateway/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] }, body }).formData().catch(() => null)
    if (!form) return fail(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.')
    const r = await verifyPost({ fields: form, bucket }, { credentials: lookup, region })
    if (!r.ok) return fail(r.status, r.s3Code, r.message)
    const file = form.get('file')
    if (!(file instanceof Blob)) return fail(400, 'InvalidArgument', 'POST requires exactly one file upload per request.')

    const fields = Object.entries(r.fields).map(([name, value]) => [name.toLowerCase(), value])
    const headers = Object.fromEntries(fields.filter(([name]) => HEADER_FIELD.test(name)))
    const put = await presignS3Detailed({ bucket, key: r.key, region, endpoint: upstream }, { credentials, method: 'PUT', headers, expiresIn: 60 })
    const stored = await fetch(put.url, { method: 'PUT', headers: put.headers, body: file })
    if (!stored.ok) return send(stored.status, await stored.text(), { 'content-type': stored.headers.get('content-type') ?? 'text/plain' })
    const etag = stored.headers.get('etag') ?? ''
    const location = `http://${req.headers.host}/${encodeURIComponent(bucket)}/${r.key.split('/').map(encodeURIComponent).join('/')}`
    const field = (name) => fields.find(([n]) => n === name)?.[1]
    const redirect = URL.canParse(field('success_action_redirect') ?? '') ? new URL(field('success_action_redirect')) : undefined
    if (redirect) {
      for (const [k, v] of Object.entries({ bucket, key: r.key, etag })) redirect.searchParams.set(k, v)
      return send(303, '', { location: redirect.href })
    }
    const status = field('success_action_status')
    if (status === '201') {
      const post = `<PostResponse><Location>${xml(location)}</Location><Bucket>${xml(bucket)}</Bucket><Key>${xml(r.key)}</Key><ETag>${xml(etag)}</ETag></PostResponse>`
      return send(201, `<?xml version="1.0" encoding="UTF-8"?>\n${post}`, { 'content-type': 'application/xml', etag, location })
    }
    send(status === '200' ? 200 : 204, '', { etag, location })
  }

  const server = createServer((req, res) => {
    const bucket = /^\/([\w.-]+)\/?$/.exec(req.url)?.[1] // path style, no query
    const allowed = req.headers.origin !== undefined && req.headers.origin === corsOrigin
    const cors = allowed ? { 'access-control-allow-origin': corsOrigin, 'access-control-expose-headers': 'ETag, Location', vary: 'Origin' } : { vary: 'Origin' }
    if (bucket && req.method === 'POST' && /^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      return upload(req, res, bucket, cors).catch((e) => {
        console.error(e)
        if (res.headersSent) res.destroy()
        else res.writeHead(500, cors).end()
      })
    }
    if (bucket && req.method === 'OPTIONS' && req.headers['access-control-request-method'] === 'POST') {
      // A preflight for the POST (a plain FormData fetch needs none): S3 answers 403 for an origin it does not allow.
      const headers = { ...cors, 'access-control-allow-methods': 'POST', 'access-control-max-age': '60' }
      if (req.headers['access-control-request-headers']) headers['access-control-allow-headers'] = req.headers['access-control-request-headers']
      return res.writeHead(allowed ? 200 : 403, allowed ? headers : cors).end()
    }
    const proxied = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers)
      up.pipe(res)
    })
    proxied.on('error', (e) => (res.headersSent ? res.destroy() : res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream: ${e.message}\n`)))
    req.pipe(proxied)
  })
  await new Promise((listening) => server.listen(port, host, listening))
  return {
    url: `http://${host}:${server.address().port}`,
    close: () => new Promise((closed) => server.close(closed).closeAllConnections()),
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env
  const gateway = await startPostGateway({
    upstream: env.UPSTREAM ?? 'http://127.0.0.1:4569',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER' },
    region: env.S3_REGION ?? 'us-east-1',
    corsOrigin: env.CORS_ORIGIN ?? 'http://127.0.0.1:8080',
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 4568),
  })
  console.log(`POST policy gateway listening on ${gateway.url} (upstream ${env.UPSTREAM ?? 'http://127.0.0.1:4569'})`)
}
