/**
 * End to end: presigned POST policies, uploaded with Node's `fetch` + `FormData` (what a browser
 * sends: multipart/form-data, the file last), against @20minutes/s3rver 5.0.0 in-process.
 *
 * What s3rver 5.0.0 enforces for POST uploads, measured here (and re-asserted below, so a
 * future s3rver that starts enforcing fails this test and gets these comments updated):
 * - NOTHING of the policy. Its postObject (lib/controllers/object.js) reads `key`,
 *   `success_action_status`/`_redirect` and stores the other fields as metadata; `policy`,
 *   `acl` and `tagging` are "unimplemented", and the authentication middleware only looks at
 *   the Authorization header and query parameters, which a form upload has neither of. So a
 *   file over content-length-range, a wrong Content-Type, a key outside the prefix, an extra
 *   field, a tampered signature, an unknown access key, an expired policy and a form with no
 *   policy at all are each stored with 204 No Content.
 * - It does not replace `${filename}` in the key (it stores `up/${filename}` literally; S3
 *   stores `up/<file name>`).
 * - What it does do like S3: 204 by default, 201 with a <PostResponse> body for
 *   success_action_status=201, the Content-Type field becomes the object's content type,
 *   x-amz-meta-* fields become metadata, and path-style `http://host/bucket` (no trailing slash,
 *   as presignPost and botocore build it) is accepted.
 *
 * So every rejection here is asserted twice, not weakened: (1) verifyPost rejects the exact
 * form that was sent, with S3's code and wording; (2) a real HTTP gateway in front of s3rver
 * (node:http, undici's multipart parser via `Request.formData()`, verifyPost, then forwarding
 * to s3rver) answers the upload with S3's status and XML error Code, and stores nothing.
 *
 * OpenStack Swift's s3api (the strict server of ../../shared/docs/s3-compatible-servers.md)
 * cannot be used for POST uploads. We read this in its source (Debian's python3-swift 2.30.1) and
 * did not run it: a browser form carries no Authorization header or query signature, so
 * `s3request.py` `_parse_auth_info` raises NotS3Request and `s3api.py` hands the request to
 * Swift's native API; and an authenticated `POST /bucket` reaches `controllers/bucket.py`
 * `POST`, which raises S3NotImplemented (501 NotImplemented). Swift's own `formpost` middleware
 * is a different, non-S3 protocol (an HMAC over a temp-URL key, no POST policy).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type PostConditions, type PresignedPost, presignPost, verifyPost } from '../../src/index.js'

interface S3rverInstance {
  run(): Promise<{ port: number }>
  close(): Promise<void>
  httpServer?: Server
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance
// s3rver ships no types; load it through require so this file needs no ambient declaration.
const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass

const BUCKET = 'post-bucket'
const REGION = 'us-east-1'
const CREDS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } // s3rver's built-in account
const lookup = (id: string) => (id === CREDS.accessKeyId ? CREDS : undefined)
const LIMITS: PostConditions = { contentLengthRange: [1, 1024], contentType: { startsWith: 'text/' }, metadata: { owner: 'user-42' } }

let dir = ''
let s3rver: S3rverInstance | undefined
let s3: string // s3rver endpoint
let gateway: Server | undefined
let gw: string // gateway endpoint
const gatewayLog: string[] = []

/** Path-style bucket from the request path (`/bucket`). */
const bucketOf = (req: IncomingMessage) => decodeURIComponent((req.url ?? '/').split('?')[0]!.split('/')[1] ?? '')
const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error>`

/** The gateway: verify the browser's form with verifyPost, then hand the same form to s3rver. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const form = await new Request('http://gateway' + req.url, {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type'] ?? '' },
    body: Buffer.concat(chunks),
  }).formData()
  const bucket = bucketOf(req)
  const r = await verifyPost({ fields: form, bucket }, { credentials: lookup, region: REGION })
  gatewayLog.push(r.ok ? `ok ${r.key}` : `${r.s3Code} ${r.message}`)
  if (!r.ok) {
    res.writeHead(r.status, { 'content-type': 'application/xml' }).end(xmlError(r.s3Code, r.message))
    return
  }
  // Store under the key S3 would use (${filename} replaced), with the form's other fields.
  const out = new FormData()
  for (const [name, value] of form) {
    if (name === 'file') break
    out.append(name, name.toLowerCase() === 'key' ? r.key : value)
  }
  out.append('file', form.get('file')!)
  const upstream = await fetch(`${s3}/${encodeURIComponent(bucket)}`, { method: 'POST', body: out })
  res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' }).end(await upstream.text())
}

/** POST `fields` + the file (last) as multipart/form-data, as a browser's FormData does. */
async function upload(url: string, fields: Readonly<Record<string, string>>, file: File, extra: Record<string, string> = {}): Promise<{ status: number; body: string; code?: string }> {
  const form = new FormData()
  for (const [n, v] of Object.entries({ ...fields, ...extra })) form.append(n, v)
  form.append('file', file)
  const res = await fetch(url, { method: 'POST', body: form })
  const body = await res.text()
  return { status: res.status, body, code: /<Code>([^<]+)<\/Code>/.exec(body)?.[1] }
}

const sign = (endpoint: string, options: { key?: string; keyPrefix?: string; conditions?: PostConditions; signingDate?: number; secret?: string } = {}) =>
  presignPost(
    { bucket: BUCKET, region: REGION, endpoint, ...(options.key !== undefined ? { key: options.key } : { keyPrefix: options.keyPrefix ?? 'uploads/' }) },
    {
      credentials: { ...CREDS, secretAccessKey: options.secret ?? CREDS.secretAccessKey },
      expiresIn: 300,
      signingDate: options.signingDate,
      conditions: options.conditions ?? LIMITS,
      fields: { 'Content-Type': 'text/plain' },
    },
  )

const text = (bytes: number, name = 'note.txt', type = 'text/plain') => new File(['x'.repeat(bytes)], name, { type })
const getObject = async (key: string) => {
  const res = await fetch(`${s3}/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`)
  return { status: res.status, type: res.headers.get('content-type'), owner: res.headers.get('x-amz-meta-owner'), body: await res.text() }
}

/** The form exactly as uploaded, for verifyPost. */
const formOf = (p: PresignedPost, file: File, extra: Record<string, string> = {}) => ({
  fields: [...Object.entries({ ...p.fields, ...extra }), ['file', file]] as Array<[string, string | File]>,
  bucket: BUCKET,
})

describe('presigned POST end to end (s3rver 5.0.0, and a verifyPost gateway in front of it)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sigv4-post-e2e-'))
    s3rver = new S3rver({ directory: dir, address: '127.0.0.1', port: 0, silent: true, vhostBuckets: false, configureBuckets: [{ name: BUCKET, configs: [] }] })
    s3 = `http://127.0.0.1:${(await s3rver.run()).port}`
    gateway = createServer((req, res) => {
      handle(req, res).catch((e: unknown) => res.writeHead(500).end(String(e)))
    })
    await new Promise<void>((resolve) => gateway!.listen(0, '127.0.0.1', resolve))
    gw = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    gateway?.closeAllConnections()
    await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()))
    s3rver?.httpServer?.closeAllConnections()
    await s3rver?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (gatewayLog.length) console.log('post-policy e2e gateway decisions:\n  ' + gatewayLog.join('\n  '))
  })

  test('an upload within the limits is stored (204) and reads back with its type and metadata', async () => {
    const p = await sign(s3, { key: 'direct/hello.txt' })
    expect(p.url).toBe(`${s3}/${BUCKET}`) // path style, no trailing slash
    const file = text(5)
    expect(await verifyPost(formOf(p, file), { credentials: lookup, region: REGION })).toMatchObject({ ok: true, key: 'direct/hello.txt' })
    const r = await upload(p.url, p.fields, file)
    expect(r.status).toBe(204)
    expect(await getObject('direct/hello.txt')).toEqual({ status: 200, type: 'text/plain', owner: 'user-42', body: 'xxxxx' })
  })

  test('success_action_status=201 answers a <PostResponse> with the key', async () => {
    const p = await sign(s3, { key: 'direct/201.txt', conditions: { ...LIMITS, successActionStatus: 201 } })
    const r = await upload(p.url, p.fields, text(3))
    expect(r.status).toBe(201)
    expect(r.body).toContain('<Key>direct/201.txt</Key>')
  })

  describe('rejections: verifyPost on the sent form, the gateway over HTTP, and what s3rver does', () => {
    const cases: Array<{ label: string; file: () => File; extra?: Record<string, string>; sign?: Parameters<typeof sign>[1]; status: number; code: string; message: RegExp }> = [
      {
        label: 'a file over content-length-range',
        file: () => text(1025),
        status: 400,
        code: 'EntityTooLarge',
        message: /^Your proposed upload exceeds the maximum allowed size$/,
      },
      { label: 'an empty file under content-length-range', file: () => text(0), status: 400, code: 'EntityTooSmall', message: /smaller than the minimum/ },
      {
        label: 'a wrong content type',
        file: () => text(5, 'evil.html', 'text/html'),
        extra: { 'Content-Type': 'application/x-msdownload' },
        status: 403,
        code: 'AccessDenied',
        message: /^Invalid according to Policy: Policy Condition failed: \["starts-with", "\$Content-Type", "text\/"\]$/,
      },
      {
        label: 'a key outside the prefix',
        file: () => text(5),
        extra: { key: 'elsewhere/${filename}' },
        status: 403,
        code: 'AccessDenied',
        message: /Policy Condition failed: \["starts-with", "\$key", "uploads\/"\]$/,
      },
      { label: 'a field the policy does not cover', file: () => text(5), extra: { 'x-amz-meta-admin': 'true' }, status: 403, code: 'AccessDenied', message: /Extra input fields: x-amz-meta-admin$/ },
      { label: 'a tampered signature', file: () => text(5), extra: { 'x-amz-signature': '0'.repeat(64) }, status: 403, code: 'SignatureDoesNotMatch', message: /does not match/ },
      { label: 'a policy signed with the wrong secret', file: () => text(5), sign: { secret: 'not-the-secret' }, status: 403, code: 'SignatureDoesNotMatch', message: /does not match/ },
      { label: 'an expired policy', file: () => text(5), sign: { signingDate: Date.now() - 3600_000 }, status: 403, code: 'AccessDenied', message: /^Invalid according to Policy: Policy expired\.$/ },
    ]

    test.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
      // (1) verifyPost rejects the exact form.
      const pv = await sign(s3, c.sign)
      const v = await verifyPost(formOf(pv, c.file(), c.extra), { credentials: lookup, region: REGION })
      expect(v).toMatchObject({ ok: false, status: c.status, s3Code: c.code })
      expect(!v.ok && v.message).toMatch(c.message)

      // (2) The gateway rejects the upload over HTTP with S3's status and error Code, and stores nothing.
      const pg = await sign(gw, c.sign)
      const name = `gw-${c.code}-${Math.random().toString(36).slice(2)}.txt`
      const g = await upload(pg.url, pg.fields, new File([await c.file().arrayBuffer()], name, { type: c.file().type }), c.extra)
      expect([g.status, g.code]).toEqual([c.status, c.code])
      for (const prefix of ['uploads/', 'elsewhere/']) expect((await getObject(prefix + name)).status).toBe(404)

      // (3) Measured gap: s3rver 5.0.0 does not check POST policies and stores the upload anyway.
      const d = await upload(pv.url, pv.fields, c.file(), c.extra)
      expect(d.status, 's3rver now rejects this: update the comments and assert its status and Code').toBe(204)
    })

    test('s3rver also accepts a form with no policy or signature at all (no POST authentication)', async () => {
      const r = await upload(`${s3}/${BUCKET}`, { key: 'direct/anonymous.txt' }, text(3))
      expect(r.status).toBe(204)
      expect((await getObject('direct/anonymous.txt')).status).toBe(200)
    })
  })

  test('through the gateway: accepted, ${filename} replaced as S3 does, read back from s3rver', async () => {
    const p = await sign(gw)
    expect(p.url).toBe(`${gw}/${BUCKET}`)
    expect(p.fields['key']).toBe('uploads/${filename}')
    const r = await upload(p.url, p.fields, text(42, 'report 1.txt'))
    expect(r.status).toBe(204)
    expect(await getObject('uploads/report 1.txt')).toEqual({ status: 200, type: 'text/plain', owner: 'user-42', body: 'x'.repeat(42) })
    // s3rver itself would have stored the literal key (measured gap).
    const direct = await sign(s3, { keyPrefix: 'literal/' })
    expect((await upload(direct.url, direct.fields, text(2, 'a.txt'))).status).toBe(204)
    expect((await getObject('literal/${filename}')).status).toBe(200)
    expect((await getObject('literal/a.txt')).status).toBe(404)
  })
})
