// A LOCAL STAND-IN for what S3 does with a browser POST upload: check the form against its signed policy.
// Real S3 enforces POST policies itself; in production, point the backend at S3 and run no gateway. The local
// servers do not: @20minutes/s3rver 5.0.0 stores any POST without reading the policy (and takes any anonymous request),
// and Swift's s3api has no POST uploads (see test/e2e/post-policy.test.ts). So dev.mjs and
// test/e2e/browser-flow.test.ts put this in front of them. Every byte from the network is hostile:
// - POST /<bucket> (multipart/form-data), nothing else: verifyPost checks the signature, the expiry and every condition
//   (size, type, key, extra fields). A refused form gets S3's status and XML error, and nothing is stored. The stored
//   file is exactly the form entry verifyPost checked (r.file: the first field named "file" in any case; S3 ignores the
//   fields after it), with a presigned PUT to the upstream (s3rver and Swift both take that), answered as S3 does:
//   204, or success_action_status / success_action_redirect (http and https only); a PUT the upstream refuses is
//   answered with its status and S3 code only (its body names the gateway's key and signature). Any other POST (a query, an
//   absolute-form target, an encoded bucket name) is refused, never passed on: the upstream would store it unchecked.
// - GET, PUT, HEAD, DELETE: passed to the upstream only when they are presigned URLs that verify here (verifyPresigned;
//   s3rver itself would serve anonymous requests), with Host (it is signed) and without hop-by-hop headers.
//   OPTIONS (CORS preflights) pass unsigned; the upstream's CORS rules answer them.
//   Only a PUT may have a body: any other would reach the upstream unframed, as a request of its own (400 here).
// - CORS for the POST: Access-Control-Allow-Origin for CORS_ORIGIN only.
// It buffers each form in memory and stops reading at 64 MiB (a production gateway would stream the file and enforce
// r.contentLength while reading). Path-style URLs only (http://host/bucket).
//   node post-gateway.mjs   environment: UPSTREAM, CORS_ORIGIN, S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, HOST, PORT
import { createServer, request } from 'node:http'
import { pathToFileURL } from 'node:url'
import { PresignError, presignS3Detailed, verifyPost, verifyPresigned } from 'sigv4-presign'
import { readBody } from './read-body.mjs'

const MAX_FORM_BYTES = 64 * 1024 * 1024
/** Form fields that S3 stores as the object's headers. */
const HEADER_FIELD = /^(content-type|cache-control|content-disposition|content-encoding|expires|x-amz-meta-.+)$/i
/** Headers of one connection, not of the request: never forwarded either way. (A Connection header's list is not
 * honoured: "Connection: authorization" must not strip a header the upstream relies on.) */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect'])
/** A POST upload's target: /<bucket> or /<bucket>/, an S3 bucket name as is (no escapes, no query). */
const BUCKET_PATH = /^\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/
const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const withoutHopByHop = (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())))

/**
 * The S3 error code of a refused upstream PUT, from at most 64 KiB of its body; never the body itself: S3's
 * SignatureDoesNotMatch echoes the gateway's access key id, canonical request and signature, from which a client
 * could rebuild the presigned PUT and store what no policy checked.
 */
async function upstreamCode(response) {
  const reader = response.body?.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (reader && text.length < 65536) {
    const chunk = await reader.read()
    if (chunk.done) break
    text += decoder.decode(chunk.value, { stream: true })
  }
  await reader?.cancel().catch(() => {})
  return /<Code>([A-Za-z][A-Za-z0-9.]{0,63})<\/Code>/.exec(text.slice(0, 65536))?.[1] ?? 'UpstreamError'
}

export async function startPostGateway({ upstream, credentials, region = 'us-east-1', corsOrigin, host = '127.0.0.1', port = 0 }) {
  const target = new URL(upstream)
  const lookup = (id) => (id === credentials.accessKeyId ? credentials : undefined)

  async function upload(req, res, bucket, fail, send) {
    // Too large: answer, stop reading, and drop the connection shortly after (the rest of the body is never read).
    const tooLarge = () => {
      res.on('finish', () => setTimeout(() => req.destroy(), 500).unref())
      fail(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { connection: 'close' })
    }
    const body = await readBody(req, MAX_FORM_BYTES)
    if (body === 'too large') return tooLarge()
    if (body === 'cut short') return res.destroy() // nobody to answer
    const form = await new Request('http://gateway/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] }, body }).formData().catch(() => null)
    if (!form) return fail(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.')
    const r = await verifyPost({ fields: form, bucket }, { credentials: lookup, region })
    if (!r.ok) return fail(r.status, r.s3Code, r.message)
    // Store exactly the entry verifyPost checked and sized, never form.get('file') (case-sensitive: maybe another entry).
    if (!r.file || !r.sizeChecked) return fail(400, 'InvalidArgument', 'POST requires exactly one file upload per request.')
    const bytes = typeof r.file.value === 'string' ? Buffer.from(r.file.value, 'utf8') : Buffer.from(await r.file.value.arrayBuffer())
    if (bytes.length > r.contentLength.max) return fail(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')
    if (bytes.length < r.contentLength.min) return fail(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size')

    const fields = Object.entries(r.fields).map(([name, value]) => [name.toLowerCase(), value])
    const headers = Object.fromEntries(fields.filter(([name]) => HEADER_FIELD.test(name)))
    // A key with a "." or ".." segment (S3 would store it literally; no URL can address it) is a PresignError: 400.
    const put = await presignS3Detailed({ bucket, key: r.key, region, endpoint: upstream }, { credentials, method: 'PUT', headers, expiresIn: 60 })
    // The bytes, not a Blob: fetch would add the part's own Content-Type, which no policy checked.
    const stored = await fetch(put.url, { method: 'PUT', headers: put.headers, body: bytes, signal: AbortSignal.timeout(30_000) })
    if (!stored.ok) return fail(stored.status, await upstreamCode(stored), 'The storage service refused the upload.')
    const etag = stored.headers.get('etag') ?? ''
    const location = `http://${req.headers.host}/${encodeURIComponent(bucket)}/${r.key.split('/').map(encodeURIComponent).join('/')}`
    const field = (name) => fields.find(([n]) => n === name)?.[1]
    const redirect = URL.canParse(field('success_action_redirect') ?? '') ? new URL(field('success_action_redirect')) : undefined
    if (redirect && (redirect.protocol === 'http:' || redirect.protocol === 'https:')) { // never javascript:, data:, …
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

  async function proxy(req, res, fail) {
    // Only a PUT has a body here. Any other method's body is refused unread: once Transfer-Encoding is dropped (hop by
    // hop), Node's client writes a GET, HEAD, DELETE or OPTIONS body unframed, and the upstream would read it as a
    // second request of its own, never verified (an anonymous OPTIONS could smuggle any request in).
    if (req.method !== 'PUT' && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) !== 0)) {
      return fail(400, 'InvalidRequest', `A ${req.method} request has no body here.`, { connection: 'close' })
    }
    if (req.method !== 'OPTIONS') {
      // Only presigned requests that verify here reach the upstream (s3rver serves anonymous requests to anyone).
      const v = await verifyPresigned({ method: req.method, url: req.url, headers: req.headers }, { credentials: lookup, region })
      if (!v.ok) return fail(403, v.s3Code, v.message)
    }
    const proxied = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: withoutHopByHop(req.headers), timeout: 30_000 }, (up) => {
      res.writeHead(up.statusCode, withoutHopByHop(up.headers))
      up.pipe(res)
    })
    proxied.on('timeout', () => proxied.destroy(new Error('upstream timeout')))
    proxied.on('error', () => (res.headersSent ? res.destroy() : fail(502, 'BadGateway', 'The storage server did not answer.')))
    res.on('close', () => proxied.destroy()) // the client went away: so does the upstream request
    req.pipe(proxied)
  }

  const server = createServer((req, res) => {
    const allowed = req.headers.origin !== undefined && req.headers.origin === corsOrigin
    const cors = allowed ? { 'access-control-allow-origin': corsOrigin, 'access-control-expose-headers': 'ETag, Location', vary: 'Origin' } : { vary: 'Origin' }
    const send = (status, body = '', headers = {}) => res.writeHead(status, { ...cors, 'x-content-type-options': 'nosniff', ...headers }).end(body)
    const fail = (status, code, message, headers = {}) =>
      send(status, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`, { 'content-type': 'application/xml', ...headers })
    const onError = (e) => {
      if (!(e instanceof PresignError)) console.error(e)
      if (res.headersSent) res.destroy()
      else if (e instanceof PresignError) fail(400, 'InvalidArgument', e.message)
      else fail(500, 'InternalError', 'We encountered an internal error. Please try again.')
    }
    // Origin-form targets only ("/path?query"): "POST http://host/bucket" must not slip past the checks below.
    let path
    try {
      path = req.url.startsWith('/') ? decodeURIComponent(req.url.split('?')[0]) : undefined
    } catch {} // not UTF-8 percent-encoding
    if (path === undefined || /(?:^|\/)\.\.?(?:\/|$)/.test(path)) return fail(400, 'InvalidURI', "Couldn't parse the specified URI.", { connection: 'close' })
    const bucket = BUCKET_PATH.exec(req.url)?.[1]
    if (req.method === 'POST') {
      if (!bucket || bucket.includes('..')) return fail(405, 'MethodNotAllowed', 'The gateway takes only browser POST uploads, to /<bucket>.', { connection: 'close' })
      if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
        return fail(412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data', { connection: 'close' })
      }
      return upload(req, res, bucket, fail, send).catch(onError)
    }
    if (bucket && req.method === 'OPTIONS' && req.headers['access-control-request-method'] === 'POST') {
      // A preflight for the POST (a plain FormData fetch needs none): S3 answers 403 for an origin it does not allow.
      const headers = { ...cors, 'access-control-allow-methods': 'POST', 'access-control-max-age': '60' }
      if (req.headers['access-control-request-headers']) headers['access-control-allow-headers'] = req.headers['access-control-request-headers']
      return res.writeHead(allowed ? 200 : 403, allowed ? headers : cors).end()
    }
    proxy(req, res, fail).catch(onError)
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
