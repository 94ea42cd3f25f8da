// The portable runner: plain ESM, no Node built-ins, no file system; it imports only its sibling
// modules compare.mjs and gcs-cases.mjs (as portable). It runs in Node, Deno, Bun, a browser page and a
// workerd worker alike.
//
//   const { passed, failed, failures } = await runCases({ ...lib, gcs }, data)
//
// `lib` is the module namespace of the BUILT package (dist/index.js or dist/index.cjs), with the gcs
// entry's (dist/gcs.js or dist/gcs.cjs) as `lib.gcs`; `data` is the object
// test/runtimes/prepare-data.mjs writes. Every case is one unit, passed only if all
// of its checks pass:
// - crt (AWS CRT suite, query cases; see test/aws-suite.test.ts): presignDetailed's canonical
//   request, string to sign, signature, method and URL byte for byte;
// - botocore (vectors/botocore-presign.json; see test/vectors.test.ts): canonical request, string
//   to sign, signature byte for byte, URL up to the order of query parameters;
// - s3 (vectors/botocore-s3-client.json; see test/s3/object-url.test.ts): the same through presignS3Detailed;
// - v4a (AWS CRT SigV4a suite; see test/sign/sigv4a.test.ts): canonical request, string to sign and URL
//   byte for byte (but the randomized ECDSA signature), and both our signature and the suite's
//   verify with verifyPresigned;
// - gcsSigning, gcsPost (Google's Cloud Storage conformance suite; see test/gcs/conformance.test.ts):
//   canonical request, string to sign and URL, and every POST form field, byte for byte;
// and for the AWS ones: presign / presignS3 and presignSync return the same URL as the detailed
// call, and presignSyncDetailed returns the same result.
import { check } from './compare.mjs'
import { runPostCase, runSigningCase } from './gcs-cases.mjs'

const MAX_FAILURES = 20


/** A URL as the part before `?` and its sorted raw `key=value` parameters (their order is not signed). */
function urlParts(url) {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q) + '?' + url.slice(q + 1).split('&').sort().join('&')
}

/** Comparable text of a PresignResult (Dates as ISO strings). */
const text = (result) => JSON.stringify(result, (_k, v) => (v instanceof Date ? v.toISOString() : v))

function checkSigned(r, expected) {
  check('canonicalRequest', r.canonicalRequest, expected.canonicalRequest)
  check('stringToSign', r.stringToSign, expected.stringToSign)
  check('signature', r.signature, expected.signature)
}

/** presign, presignSync and presignSyncDetailed give what presignDetailed gave (`r`). */
async function checkTwins(lib, c, r) {
  check('presign url', await lib.presign(c.request, c.options), r.url)
  check('presignSync url', lib.presignSync(c.request, c.options), r.url)
  check('presignSyncDetailed', text(lib.presignSyncDetailed(c.request, c.options)), text(r))
}

async function crtCase(lib, c) {
  const r = await lib.presignDetailed(c.request, c.options)
  checkSigned(r, c.expected)
  check('method', r.method, c.expected.method)
  check('url', r.url, c.expected.url)
  await checkTwins(lib, c, r)
}

async function botocoreCase(lib, c) {
  const r = await lib.presignDetailed(c.request, c.options)
  checkSigned(r, c.expected)
  check('url (parameters sorted)', urlParts(r.url), urlParts(c.expected.url))
  await checkTwins(lib, c, r)
}

async function s3Case(lib, c) {
  const r = await lib.presignS3Detailed(c.location, c.options)
  checkSigned(r, c.expected)
  check('url (parameters sorted)', urlParts(r.url), urlParts(c.expected.url))
  check('presignS3 url', await lib.presignS3(c.location, c.options), r.url)
  // presignS3 is s3ObjectUrl + presign with service s3: the synchronous path must give the same URL.
  const o = c.options
  const request = { method: o.method, url: lib.s3ObjectUrl(c.location), headers: o.headers }
  const options = {
    credentials: o.credentials,
    region: c.location.region,
    service: 's3',
    expiresIn: o.expiresIn,
    signingDate: o.signingDate,
    payloadHash: o.payloadHash,
  }
  check('presignSync url', lib.presignSync(request, options), r.url)
}

/** r‖s of a strict DER ECDSA P-256 signature (minimal, non-negative INTEGERs), or throw. */
function strictDer(hex) {
  const b = (hex.match(/../g) ?? []).map((h) => parseInt(h, 16))
  if (b[0] !== 0x30 || b[1] !== b.length - 2) throw new Error(`DER: bad SEQUENCE ${hex}`)
  const out = new Uint8Array(64)
  let pos = 2
  for (let k = 0; k < 2; k++) {
    const len = b[pos + 1]
    const v = b.slice(pos + 2, pos + 2 + len)
    if (b[pos] !== 2 || v.length !== len || len < 1 || len > 33) throw new Error(`DER: bad INTEGER ${hex}`)
    if (v[0] >= 0x80 || (v[0] === 0 && len > 1 && v[1] < 0x80)) throw new Error(`DER: INTEGER not minimal and non-negative ${hex}`)
    const t = v[0] === 0 && len > 1 ? v.slice(1) : v
    if (t.length > 32) throw new Error(`DER: INTEGER too long ${hex}`)
    out.set(t, k * 32 + 32 - t.length)
    pos += 2 + len
  }
  if (pos !== b.length) throw new Error(`DER: trailing bytes ${hex}`)
  return out
}
const b64url = (hex) => btoa(String.fromCharCode(...hex.match(/../g).map((h) => parseInt(h, 16)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

async function v4aCase(lib, c) {
  const r = await lib.presignV4aDetailed(c.request, c.options)
  check('canonicalRequest', r.canonicalRequest, c.expected.canonicalRequest)
  check('stringToSign', r.stringToSign, c.expected.stringToSign)
  const unsigned = (url) => url.replace(/&X-Amz-Signature=[0-9a-f]+$/, '')
  check('url (without the randomized signature)', unsigned(r.url), unsigned(c.expected.url))
  const o = c.options
  const verifyOptions = {
    credentials: () => o.credentials,
    service: o.service,
    region: c.expected.region,
    now: Date.parse(o.signingDate),
    normalizePath: o.normalizePath,
    doubleEncodePath: o.doubleEncodePath,
    signSessionToken: o.signSessionToken,
  }
  // Independent of the library: our signature is strict DER and verifies with the suite's public key.
  const sig = /&X-Amz-Signature=([0-9a-f]+)$/.exec(r.url)?.[1]
  check('signature in the URL', sig, r.signature)
  const { X, Y } = c.expected.publicKey
  const pub = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: b64url(X), y: b64url(Y) }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
  if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub, strictDer(sig), new TextEncoder().encode(r.stringToSign)))) {
    throw new Error("our signature does not verify with the suite's public key")
  }
  const req = { method: c.request.method, headers: c.request.headers, body: c.request.body }
  // Our signature, and the suite's own signature, both verify with verifyPresigned (the derived public key).
  for (const [what, url] of [['our signature', r.url], ["the suite's signature", `${unsigned(r.url)}&X-Amz-Signature=${c.expected.signature}`]]) {
    const v = await lib.verifyPresigned({ ...req, url }, verifyOptions)
    if (!v.ok) throw new Error(`${what} does not verify: ${v.code} ${v.message}`)
  }
}

/** S3's other signing names: botocore's canonical request and signature, with the signing name as the only option. */
async function signingNameCase(lib, c) {
  const unsigned = c.expected.url.replace(/\?.*$/, (q) => {
    const kept = q.slice(1).split('&').filter((p) => !p.startsWith('X-Amz-'))
    return kept.length ? '?' + kept.join('&') : ''
  })
  const options = { credentials: c.credentials, region: c.region, service: c.signingName, expiresIn: c.expiresIn, signingDate: c.signingDate }
  const r = await lib.presignDetailed({ method: c.method, url: unsigned }, options)
  check('canonicalRequest', r.canonicalRequest, c.expected.canonicalRequest)
  check('signature', r.signature, c.expected.signature)
  check('presignSync signature', lib.presignSyncDetailed({ method: c.method, url: unsigned }, options).signature, c.expected.signature)
  const credentials = (id) => (id === c.credentials.accessKeyId ? c.credentials : undefined)
  const v = await lib.verifyPresigned({ method: c.method, url: c.expected.url }, { credentials, service: c.signingName, region: c.region, now: Date.parse(c.signingDate) })
  if (!v.ok) throw new Error(`botocore's URL does not verify: ${v.code} ${v.message}`)
}

/** S3's endpoint switches: presignS3Detailed from the location gives botocore's host, path and signature. */
async function endpointCase(lib, c) {
  const r = await lib.presignS3Detailed(c.location, { credentials: c.credentials, method: c.method, expiresIn: c.expiresIn, signingDate: c.signingDate })
  check('url without its query', r.url.split('?')[0], c.expected.url.split('?')[0])
  check('canonicalRequest', r.canonicalRequest, c.expected.canonicalRequest)
  check('signature', r.signature, c.expected.signature)
}

/** An S3 address case: SigV4 ones as endpoint cases; Multi-Region ones (SigV4a) verify, with botocore's URL too. */
async function addressCase(lib, c) {
  if (c.expected.signature !== undefined) return endpointCase(lib, c)
  const url = await lib.presignS3(c.location, { credentials: c.credentials, method: c.method, expiresIn: c.expiresIn, signingDate: c.signingDate })
  const unsigned = (u) => u.split(/[?&]/).filter((p) => !p.startsWith('X-Amz-Signature=')).sort().join('&')
  check('url without its signature', unsigned(url), unsigned(c.expected.url))
  const lookup = (id) => (id === c.credentials.accessKeyId ? c.credentials : undefined)
  for (const u of [url, c.expected.url]) {
    const v = await lib.verifyPresigned({ method: c.method, url: u }, { credentials: lookup, service: 's3', region: c.location.region, now: Date.parse(c.signingDate) })
    check('verifies', v.ok, true)
  }
}

/**
 * Run every case of `data` against `lib`.
 * @returns {Promise<{ passed: number, failed: number, total: number, suites: Record<string, { passed: number, failed: number }>, failures: Array<{ suite: string, name: string, message: string }> }>}
 */
export async function runCases(lib, data) {
  const suites = [
    ['crt', data.crt ?? [], crtCase],
    ['botocore', data.botocore ?? [], botocoreCase],
    ['s3', data.s3 ?? [], s3Case],
    ['v4a', data.v4a ?? [], v4aCase],
    ['signingNames', data.signingNames ?? [], signingNameCase],
    ['endpoints', data.endpoints ?? [], endpointCase],
    ['addresses', data.addresses ?? [], addressCase],
    ['gcsSigning', data.gcs?.signing ?? [], (l, c) => runSigningCase(l.gcs, c, data.gcs.keyFile)],
    ['gcsPost', data.gcs?.post ?? [], (l, c) => runPostCase(l.gcs, c, data.gcs.keyFile)],
  ]
  const out = { passed: 0, failed: 0, total: 0, suites: {}, failures: [] }
  for (const [suite, cases, run] of suites) {
    const counts = { passed: 0, failed: 0 }
    out.suites[suite] = counts
    for (const c of cases) {
      out.total++
      try {
        await run(lib, c)
        counts.passed++
        out.passed++
      } catch (e) {
        counts.failed++
        out.failed++
        if (out.failures.length < MAX_FAILURES) {
          out.failures.push({ suite, name: c.name, message: String(e?.stack ? e.stack : e) })
        }
      }
    }
  }
  if (typeof data.total === 'number' && out.total !== data.total) {
    out.failed++
    out.failures.push({ suite: 'data', name: 'total', message: `ran ${out.total} cases, the data has ${data.total}` })
  }
  return out
}

/** The one-line summary every runner prints: `<runtime>: N passed, M failed`. */
export function summary(runtime, result) {
  return `${runtime}: ${result.passed} passed, ${result.failed} failed`
}

/** Lines describing the failures (for a runner's output). */
export function failureLines(result) {
  return result.failures.map((f) => `  FAIL ${f.suite}/${f.name}: ${f.message.split('\n').slice(0, 3).join(' | ')}`)
}
