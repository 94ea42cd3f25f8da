/**
 * verifyPresigned and verifyPresignedSync under hostile input. They sit in front of private data, so every request
 * byte and every lookup result is treated as the attacker's. Both verifiers run every section (see VERIFIERS):
 * 1. "ok only for what was signed": random signed requests (SigV4 and SigV4a, S3 and other services), mutated at
 *    random, verify exactly when the mutated request is equivalent to the signed one (test/helpers/hostile.ts lists
 *    the equivalences and checks them);
 * 2. hostile credentials-lookup results never verify, whatever secret the URL was signed with;
 * 3. bad options throw a PresignError naming the option; junk requests never throw anything else;
 * 4. SigV4a region sets: bounds, wildcards, `%2C` tricks, and the glob against a reference;
 * 5. a session token in the URL that the looked-up credentials do not have is refused (InvalidToken); these cases
 *    call the verifiers directly, not through VERIFIERS;
 * 6. credentials whose `expiration` has passed sign nothing more (ExpiredToken), whatever the URL's X-Amz-Expires;
 * 7. more than one Host header is refused (RFC 9112), however the headers are given;
 * 8. a `#` in an origin-form target is refused, as one in an absolute URL is.
 * Every property is bounded (numRuns) so the file runs in a few seconds.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  type Credentials,
  PresignError,
  type VerifyOptions,
  type VerifyRequest,
  type VerifyResult,
  presign,
  presignDetailed,
  presignV4a,
  presignV4aDetailed,
  verifyPresigned,
} from '../../src/index.js'
import { useHashEngine } from '../../src/core/hash-engine.js'
import { type VerifySyncOptions, verifyPresignedSync } from '../../src/verify/verify-presigned-sync.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'
import { PROTOTYPE_IDS, type SentRequest, expirationMs, hasLoneSurrogate, hostileResults, isCredential, sameSignedRequest, secretGuesses, shuffle, FC_SEED } from '../helpers/hostile.js'

const ID = DOC_CREDENTIALS.accessKeyId
const T0 = Date.parse('2013-05-24T00:00:00Z')
const REGIONS = ['us-east-1', 'eu-west-1']
const SERVICES = ['s3', 'execute-api', 'sts']
const S3_URL = 'https://examplebucket.s3.us-east-1.amazonaws.com/k'
/** HOSTILE_SCALE=20 npx vitest run test/verify/verify-hostile.test.ts fuzzes 20 times longer. */
const SCALE = Number(process.env.HOSTILE_SCALE) || 1

/**
 * The verifiers under test: every section runs for each. The synchronous one is wrapped in a promise so that the same
 * assertions apply; it must give the same results, with two documented differences: it answers every SigV4a URL with
 * UnsupportedAlgorithm (it has no ECDSA), and its lookup must be synchronous (a promise is a PresignError).
 */
interface Verifier {
  readonly name: string
  readonly sync: boolean
  verify(request: VerifyRequest, options: VerifyOptions): Promise<VerifyResult>
}
/** verifyPresignedSync on one hash engine (the runtime's node:crypto, or the browsers' pure-JS SHA-256), then back to 'auto'. */
const onEngine = (engine: 'native' | 'js'): Verifier['verify'] => async (request, options) => {
  useHashEngine(engine)
  try {
    return verifyPresignedSync(request, options as VerifySyncOptions)
  } finally {
    useHashEngine('auto')
  }
}
const VERIFIERS: Verifier[] = [
  { name: 'verifyPresigned', sync: false, verify: verifyPresigned },
  { name: 'verifyPresignedSync, native hash engine', sync: true, verify: onEngine('native') },
  { name: 'verifyPresignedSync, pure-JS hash engine', sync: true, verify: onEngine('js') },
]

/** Does this URL say SigV4a (`X-Amz-Algorithm`, decoded)? */
const saysV4a = (url: string): boolean => new URLSearchParams(url.slice(url.indexOf('?') + 1)).getAll('X-Amz-Algorithm').includes('AWS4-ECDSA-P256-SHA256')

/** The synchronous verifier's result against the async one's: equal, or its UnsupportedAlgorithm for a SigV4a URL. */
function expectSameResult(r: VerifyResult, ref: VerifyResult, url: string, label: string): void {
  if (!r.ok && r.code === 'UnsupportedAlgorithm' && r.message.includes('verifyPresignedSync does not verify SigV4a')) {
    expect(saysV4a(url), label).toBe(true)
  } else expect(r, label).toEqual(ref)
}

function expectUnknownKey(r: VerifyResult, label: string): void {
  expect(r, label).toMatchObject({ ok: false, code: 'UnknownAccessKey', s3Code: 'InvalidAccessKeyId' })
}
const signWith = (secret: string, accessKeyId: string = ID) =>
  presign({ url: S3_URL }, { credentials: { accessKeyId, secretAccessKey: secret }, region: 'us-east-1', service: 's3', signingDate: T0 })

// =================================================================================================
// 1. ok only for what was signed
// =================================================================================================

/** Pieces of path segments and query components: spaces, `+`, unicode, `%2F`, sub-delims, an escaped unreserved character. */
const PATH_PIECES = ['a', 'Z', '0', ' ', '+', 'é', '😀', '%2F', '%20', '%41', '-', '_', '.', '~', '!', '(', '*', "'", '@', ':', ',', ';', '=', '$', '&']
const QUERY_PIECES = ['a', 'b', 'A', ' ', '+', '%2F', '/', 'é', '😀', '%41', '~', '*', '!', '?', ':', '@', '-', '.']

const segmentArb = fc
  .array(fc.constantFrom(...PATH_PIECES), { minLength: 1, maxLength: 4 })
  .map((p) => p.join(''))
  .map((s) => (/^\.{1,2}$/.test(s) ? 'dot' : s)) // presign refuses "." and ".." segments for S3
const pathArb = fc.tuple(fc.array(segmentArb, { maxLength: 4 }), fc.boolean()).map(([segs, slash]) => '/' + segs.join('/') + (slash && segs.length ? '/' : ''))
const componentArb = (extra: string[]) => fc.array(fc.constantFrom(...QUERY_PIECES, ...extra), { maxLength: 4 }).map((p) => p.join(''))
const paramArb = fc.record({
  // A few fixed keys make repeated keys common.
  key: fc.oneof(fc.constantFrom('a', 'versionId', 'list-type', 'x y', ''), componentArb([])),
  value: fc.oneof(fc.constant(''), componentArb(['='])),
  bare: fc.boolean(),
})
const HEADER_NAMES = ['content-type', 'Content-Type', 'x-amz-meta-a', 'X-Amz-Meta-B', 'x-custom', 'cache-control', 'x-amz-acl']
const headerValueArb = fc.string({ unit: fc.constantFrom(' ', '\t', 'a', 'B', '1', '/', ';', ',', '=', '"', '*'), maxLength: 8 })
const headersArb = fc.uniqueArray(fc.tuple(fc.constantFrom(...HEADER_NAMES), headerValueArb), { selector: ([n]) => n.toLowerCase(), maxLength: 3 })

const caseArb = fc.record({
  v4a: fc.constantFrom(true, false, false), // SigV4a about 1 in 3
  service: fc.constantFrom('s3', 's3', 'execute-api', 'sts'),
  scheme: fc.constantFrom('https', 'http'),
  port: fc.constantFrom('', '', ':8443'),
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'get'),
  path: pathArb,
  params: fc.array(paramArb, { maxLength: 4 }),
  headers: headersArb,
  sessionToken: fc.option(fc.constantFrom('tok', 'FQoG/+==', 'a b~c'), { nil: undefined }),
  expiresIn: fc.integer({ min: 1, max: 604800 }),
  nowFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  region: fc.constantFrom(...REGIONS),
  regionSet: fc.uniqueArray(fc.constantFrom('us-east-1', 'eu-*', '*', 'us-*', 'ap-south-1'), { minLength: 1, maxLength: 3 }),
  body: fc.constantFrom(undefined, '', 'x', '{"a":1}'),
})
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never

const EDIT_CHARS = ['a', 'Z', '0', '-', '.', '_', '~', '%', '/', '?', '&', '=', '+', ' ', '#', 'é', '\uD800', 'X', ';', ':', '\\']
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), op: fc.constantFrom('replace', 'insert', 'delete'), at: fc.nat(), ch: fc.constantFrom(...EDIT_CHARS) }),
  fc.record({ kind: fc.constant('dupAuth' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropAuth' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('addHeader' as const),
    name: fc.constantFrom('x-amz-meta-evil', 'X-Amz-Acl', 'x-amz-content-sha256', 'X-AMZ-CONTENT-SHA256', 'x-amz-security-token', 'x-amz-date', 'user-agent', 'cookie', 'Content-Type', 'x-custom', 'host', 'Host'),
    value: fc.constantFrom('', 'evil', 'UNSIGNED-PAYLOAD', '<host>'),
  }),
  fc.record({ kind: fc.constant('changeHeader' as const), at: fc.nat(), value: fc.oneof(headerValueArb, fc.constantFrom('<same, padded>', '<same, upper>')) }),
  fc.record({ kind: fc.constant('method' as const), method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', '<lower>', 'GET ', '') }),
  fc.record({ kind: fc.constant('host' as const), to: fc.constantFrom('upper', 'other', 'port', 'dot') }),
  // The URL's own host, with the Host header (if any) left as signed: a request for one host naming another.
  fc.record({ kind: fc.constant('urlHost' as const), to: fc.constantFrom('upper', 'other', 'port', 'defaultPort', 'userinfo') }),
  fc.record({ kind: fc.constant('append' as const), suffix: fc.constantFrom('&x=1', '&', '&&', '&x', '&=', '&X-Amz-Foo=1', '&X-Amz-Signature=0', '#frag', '&versionId=') }),
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('paramCase' as const), at: fc.nat(), upper: fc.boolean() }),
  fc.record({ kind: fc.constant('pctEncode' as const), at: fc.nat(), where: fc.constantFrom('query', 'query', 'path'), upperHex: fc.boolean() }),
  fc.record({ kind: fc.constant('decodeEscape' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('escapeHexCase' as const), upper: fc.boolean() }),
  fc.record({ kind: fc.constant('sigCase' as const), upper: fc.boolean() }),
  fc.record({ kind: fc.constant('body' as const), body: fc.constantFrom('', 'x') }),
  fc.record({ kind: fc.constant('originForm' as const) }),
)
type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#[^]*)?$/
const UNRESERVED = /[A-Za-z0-9._~-]/


function mutate(req: SentRequest, m: Mutation, signedHeaders: readonly string[]): SentRequest {
  let { method, url, body } = req
  const headers = req.headers.map(([n, v]) => [n, v] as [string, string])
  const q = url.indexOf('?')
  const head = q < 0 ? url : url.slice(0, q)
  const query = q < 0 ? '' : url.slice(q + 1)
  const withQuery = (next: string) => head + '?' + next
  const pairs = query.split('&')
  const abs = ABSOLUTE.exec(url)
  const hostNow = headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? abs?.[2] ?? ''
  switch (m.kind) {
    case 'edit': {
      const at = m.at % (url.length + (m.op === 'insert' ? 1 : 0))
      url = url.slice(0, at) + (m.op === 'delete' ? '' : m.ch) + url.slice(m.op === 'insert' ? at : at + 1)
      break
    }
    case 'dupAuth':
    case 'dropAuth': {
      const auth = pairs.filter((p) => p.startsWith('X-Amz-'))
      const pick = auth[m.at % auth.length]!
      url = withQuery(m.kind === 'dupAuth' ? query + '&' + pick : pairs.filter((_, i) => i !== pairs.indexOf(pick)).join('&'))
      break
    }
    case 'addHeader':
      headers.push([m.name, m.value === '<host>' ? hostNow : m.value])
      break
    case 'changeHeader': {
      const signed = headers.map((h, i) => [h, i] as const).filter(([[n]]) => signedHeaders.includes(n.toLowerCase()) && n.toLowerCase() !== 'host')
      if (signed.length) {
        const [[name, value], i] = signed[m.at % signed.length]!
        headers[i] = [name, m.value === '<same, padded>' ? ` \t${value}  ` : m.value === '<same, upper>' ? value.toUpperCase() : m.value]
      }
      break
    }
    case 'method':
      method = m.method === '<lower>' ? method.toLowerCase() : m.method
      break
    case 'host': {
      const change = (h: string) => (m.to === 'upper' ? h.toUpperCase() : m.to === 'other' ? 'evil.example.com' : m.to === 'port' ? h + (h.includes(':') ? '0' : ':443') : h + '.')
      const i = headers.findIndex(([n]) => n.toLowerCase() === 'host')
      if (i >= 0) headers[i] = [headers[i]![0], change(headers[i]![1])]
      else if (abs) url = `${abs[1]}://${change(abs[2]!)}${url.slice(abs[1]!.length + 3 + abs[2]!.length)}`
      break
    }
    case 'urlHost':
      if (abs) {
        const h = abs[2]!
        const to = { upper: h.toUpperCase(), other: 'evil.example.com', port: h + ':8443', defaultPort: h + (abs[1]!.toLowerCase() === 'https' ? ':443' : ':80'), userinfo: 'user@' + h }[m.to]
        url = `${abs[1]}://${to}${url.slice(abs[1]!.length + 3 + h.length)}`
        if (!headers.some(([n]) => n.toLowerCase() === 'host')) headers.push(['host', h])
      }
      break
    case 'append':
      url += m.suffix
      break
    case 'reorder':
      url = withQuery(shuffle(pairs, m.seed).join('&'))
      break
    case 'paramCase': {
      const i = m.at % pairs.length
      const p = pairs[i]!
      const eq = p.indexOf('=')
      const key = eq < 0 ? p : p.slice(0, eq)
      // Only the letters of the name change; its escapes stay escapes.
      const changed = key.replace(/%[0-9A-Fa-f]{2}|[^%]+/g, (s) => (s[0] === '%' ? s : m.upper ? s.toUpperCase() : s.toLowerCase()))
      pairs[i] = changed + (eq < 0 ? '' : p.slice(eq))
      url = withQuery(pairs.join('&'))
      break
    }
    case 'pctEncode': {
      const target = m.where === 'query' ? query : abs ? abs[3]! : head
      const spots = [...target].map((c, i) => (UNRESERVED.test(c) ? i : -1)).filter((i) => i >= 0)
      // Only characters outside escapes: the "2" of "%2F" is not a character of the component.
      const free = spots.filter((i) => !(target[i - 1] === '%' || target[i - 2] === '%'))
      if (free.length) {
        const i = free[m.at % free.length]!
        const hex = target.charCodeAt(i).toString(16).padStart(2, '0')
        const next = target.slice(0, i) + '%' + (m.upperHex ? hex.toUpperCase() : hex.toLowerCase()) + target.slice(i + 1)
        if (m.where === 'query') url = withQuery(next)
        else if (abs) url = `${abs[1]}://${abs[2]}${next}${abs[4] !== undefined ? '?' + abs[4] : ''}${abs[5] ?? ''}`
        else url = next + (q < 0 ? '' : '?' + query)
      }
      break
    }
    case 'decodeEscape': {
      const spots = [...query.matchAll(/%[0-9A-Fa-f]{2}/g)].filter((x) => parseInt(x[0].slice(1), 16) < 0x80)
      if (spots.length) {
        const x = spots[m.at % spots.length]!
        url = withQuery(query.slice(0, x.index) + String.fromCharCode(parseInt(x[0].slice(1), 16)) + query.slice(x.index + 3))
      }
      break
    }
    case 'escapeHexCase':
      url = withQuery(query.replace(/%[0-9A-Fa-f]{2}/g, (s) => (m.upper ? s.toUpperCase() : s.toLowerCase())))
      break
    case 'sigCase':
      url = url.replace(/(X-Amz-Signature=)([^&]*)/, (_, k: string, v: string) => k + (m.upper ? v.toUpperCase() : v.toLowerCase()))
      break
    case 'body':
      body = m.body
      break
    case 'originForm':
      if (abs && abs[5] === undefined) {
        url = (abs[3] || '/') + (abs[4] !== undefined ? '?' + abs[4] : '')
        if (!headers.some(([n]) => n.toLowerCase() === 'host')) headers.push(['host', abs[2]!])
      }
      break
  }
  return { method, url, headers, body }
}

/** The headers in one of the shapes a server hands over: pairs, a plain object (Node) or a `Headers` (fetch). */
function headersShaped(pairs: ReadonlyArray<readonly [string, string]>, shape: 'pairs' | 'object' | 'Headers'): VerifyRequest['headers'] {
  const names = pairs.map(([n]) => n)
  if (shape === 'object' && new Set(names).size === names.length) return Object.fromEntries(pairs)
  if (shape === 'Headers' && new Set(names.map((n) => n.toLowerCase())).size === names.length) {
    try {
      return new Headers(pairs.map(([n, v]) => [n, v] as [string, string]))
    } catch {
      // a value a Headers object cannot hold (a mutation put a non-Latin-1 character in it): send pairs
    }
  }
  return pairs as Array<[string, string]>
}

async function signCase(c: Case) {
  const host = c.service === 's3' ? 'examplebucket.s3.us-east-1.amazonaws.com' : c.service === 'sts' ? 'sts.amazonaws.com' : 'abc.execute-api.us-east-1.amazonaws.com'
  const query = c.params.map((p) => (p.bare && p.value === '' ? p.key : p.key + '=' + p.value)).join('&')
  const url = `${c.scheme}://${host}${c.port}${c.path}${query ? '?' + query : ''}`
  const headers = Object.fromEntries(c.headers)
  const credentials: Credentials = { ...DOC_CREDENTIALS, sessionToken: c.sessionToken }
  const common = { credentials, service: c.service, expiresIn: c.expiresIn, signingDate: T0 }
  const request = { method: c.method, url, headers, body: c.body }
  let regionSet = c.regionSet
  if (!regionSet.some((r) => r === '*' || r === 'us-*' || r === 'us-east-1' || r === 'eu-*')) regionSet = [...regionSet, 'us-east-1']
  const r = c.v4a ? await presignV4aDetailed(request, { ...common, regionSet }) : await presignDetailed(request, { ...common, region: c.region })
  const sent: SentRequest = { method: c.method, url: r.url, headers: c.headers, body: c.body }
  return { sent, signedHeaders: r.signedHeaders, credentials }
}

describe.each(VERIFIERS)('1. ok only for what was signed (property): $name', ({ verify, sync }) => {
  test('random signed requests, random hostile mutations: ok exactly when equivalent to the signed request', async () => {
    const stats = { runs: 0, identityOk: 0, equivalentOk: 0, rejected: 0, v4aOk: 0, okBy: new Map<string, number>() }
    await fc.assert(
      fc.asyncProperty(
        caseArb,
        fc.oneof({ weight: 1, arbitrary: fc.constant([] as Mutation[]) }, { weight: 4, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) }),
        fc.constantFrom('pairs' as const, 'object' as const, 'Headers' as const),
        async (c, mutations, shape) => {
          const { sent, signedHeaders, credentials } = await signCase(c)
          let received = sent
          for (const m of mutations) received = mutate(received, m, signedHeaders)
          const options: VerifyOptions = {
            credentials: (id) => (id === ID ? credentials : undefined),
            now: T0 + Math.floor(c.nowFraction * c.expiresIn * 1000),
            region: REGIONS,
            service: SERVICES,
          }
          const request: VerifyRequest = { method: received.method, url: received.url, headers: headersShaped(received.headers, shape), body: received.body }
          const r = await verify(request, options) // never throws: a throw fails the property
          // The synchronous verifier has no ECDSA: no SigV4a request verifies there.
          const expected = sameSignedRequest(sent, received, signedHeaders, c.service === 's3') && !(sync && c.v4a)
          const label = `${JSON.stringify(mutations)}\nsigned:   ${JSON.stringify(sent)}\nreceived: ${JSON.stringify(received)}\n${JSON.stringify(r)}`
          expect(r.ok, label).toBe(expected)
          if (sync) expectSameResult(r, await verifyPresigned(request, options), received.url, label)
          expect(JSON.stringify(r)).not.toContain(DOC_SECRET)
          stats.runs++
          if (r.ok && mutations.length === 0) stats.identityOk++
          if (r.ok && mutations.length > 0) {
            stats.equivalentOk++
            for (const m of mutations) stats.okBy.set(m.kind, (stats.okBy.get(m.kind) ?? 0) + 1)
          }
          if (r.ok && c.v4a) stats.v4aOk++
          if (!r.ok) stats.rejected++
        },
      ),
      { numRuns: 700 * SCALE, seed: FC_SEED },
    )
    // Not vacuous: unmutated requests (1 in 5 by weight) verify, equivalent ones verify, and most mutations are refused.
    expect(stats.identityOk / stats.runs).toBeGreaterThanOrEqual(0.1)
    if (sync) expect(stats.v4aOk).toBe(0)
    else expect(stats.v4aOk).toBeGreaterThan(10)
    expect(stats.rejected / stats.runs).toBeGreaterThanOrEqual(0.3)
    expect(stats.equivalentOk).toBeGreaterThan(20)
    if (process.env.HOSTILE_STATS) console.log(stats)
    for (const kind of ['reorder', 'sigCase', 'pctEncode', 'escapeHexCase', 'originForm', 'addHeader', 'urlHost']) {
      expect(stats.okBy.get(kind) ?? 0, `an equivalent ${kind} mutation verified`).toBeGreaterThan(0)
    }
  })

  test('each equivalence, once by hand (so that a change of one is named)', async () => {
    const headers = { 'content-type': 'image/png', 'x-amz-meta-a': 'b' }
    const url = 'https://examplebucket.s3.us-east-1.amazonaws.com/dir/a%20b+c?list-type=2&prefix=a%2Fb&x'
    const s = await presignDetailed({ method: 'PUT', url, headers }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: T0 })
    const ok = (r: VerifyResult, label: string) => expect(r.ok, `${label}: ${JSON.stringify(r)}`).toBe(true)
    const v = (over: Partial<VerifyRequest>) => verify({ method: 'PUT', url: s.url, headers, ...over }, { credentials: () => DOC_CREDENTIALS, now: T0 })
    const [head, query] = s.url.split('?') as [string, string]
    ok(await v({ url: head + '?' + query.split('&').reverse().join('&') }), '(a) parameter order')
    ok(await v({ url: s.url.replace(/(X-Amz-Signature=)(\w+)/, (_, k: string, h: string) => k + h.toUpperCase()) }), '(b) signature hex case')
    ok(await v({ url: s.url.replace('list-type', 'list-%74ype').replace('%2Fb', '%2fb') }), '(c) escaped unreserved character, lower-case hex')
    ok(await v({ url: s.url.replace('dir/', 'di%72%2F') }), '(c) S3 path: escaped unreserved character and %2F')
    ok(await v({ headers: { ...headers, cookie: 'a=1', 'User-Agent': 'x' } }), '(d) unsigned non-x-amz headers')
    ok(await v({ headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }), '(e) x-amz-content-sha256 unsigned')
    ok(await v({ url: s.url.replace('https://examplebucket', 'HTTP://EXAMPLEBUCKET') }), '(f) scheme and authority case')
    ok(await v({ method: 'put' }), '(g) method case')
    ok(await v({ headers: { 'Content-Type': ' image/png\t', 'X-Amz-Meta-A': 'b' } }), '(h) header name case, Trimall')
    ok(await v({ url: s.url + '&&' }), '(i) empty pairs')
    ok(await v({ body: 'ignored' }), '(j) S3 body')
    const api = 'https://abc.execute-api.us-east-1.amazonaws.com/prod/a/b'
    const e = await presignDetailed({ url: api }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 'execute-api', signingDate: T0 })
    ok(await verify({ method: 'GET', url: e.url.replace('/prod/a/b', '/prod/./x/../a//b'), body: '' }, { credentials: () => DOC_CREDENTIALS, now: T0, service: 'execute-api' }), '(k) normalized path')
    // And what is not equivalent.
    const refused = async (over: Partial<VerifyRequest>, code: string, label: string) => expect((await v(over)), label).toMatchObject({ ok: false, code })
    await refused({ headers: { ...headers, 'x-amz-meta-z': '1' } }, 'UnsignedHeader', 'an unsigned x-amz-* header')
    await refused({ url: s.url.replace('list-type', 'List-type') }, 'SignatureDoesNotMatch', 'parameter name case')
    await refused({ url: s.url.replace('amazonaws.com/', 'amazonaws.com:443/') }, 'SignatureDoesNotMatch', 'explicit default port')
    await refused({ url: s.url.replace('/dir/', '/Dir/') }, 'SignatureDoesNotMatch', 'path case')
    await refused({ headers: { ...headers, host: 'EXAMPLEBUCKET.s3.us-east-1.amazonaws.com' } }, 'SignatureDoesNotMatch', 'the case of a Host header value')
    const apiVerify = await verify({ method: 'GET', url: e.url.replace('/prod/a/b', '/prod/%61/b') }, { credentials: () => DOC_CREDENTIALS, now: T0, service: 'execute-api' })
    expect(apiVerify, 'an escaped unreserved character in a double-encoded path').toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })
})

// =================================================================================================
// 2. hostile lookup results
// =================================================================================================

describe.each(VERIFIERS)('2. hostile credentials-lookup results: $name', ({ verify, sync }) => {
  /** The lookups that return `value`: sync and async ones; the synchronous verifier takes sync ones only (below). */
  const lookups = (value: unknown) => (sync ? [() => value] : [() => value, async () => value])

  test('no result that is not a credential for the id verifies, whatever secret an attacker signed with (sync and async lookups)', async () => {
    let n = 0
    for (const [label, value] of hostileResults(ID)) {
      for (const guess of secretGuesses(value)) {
        const url = await signWith(guess)
        for (const lookup of lookups(value)) {
          expectUnknownKey(await verify({ method: 'GET', url }, { credentials: lookup as VerifyOptions['credentials'], now: T0 }), `${label}, signed with ${JSON.stringify(guess)}`)
          n++
        }
      }
    }
    expect(n).toBeGreaterThan(sync ? 250 : 500)
  })

  if (sync) test('a lookup that returns a promise is a PresignError for the synchronous verifier, and its rejection is not left unhandled', async () => {
    const url = await signWith(DOC_SECRET)
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const results: Array<() => unknown> = [async () => DOC_CREDENTIALS, () => Promise.reject(new Error('db down')), () => ({ ...DOC_CREDENTIALS, then: (ok: (v: unknown) => void) => ok(DOC_CREDENTIALS) })]
      for (const lookup of results) {
        const o = await outcome(() => verify({ method: 'GET', url }, { credentials: lookup as VerifyOptions['credentials'], now: T0 }))
        expect('threw' in o && o.threw).toBeInstanceOf(PresignError)
        expect((o as { threw: PresignError }).threw).toMatchObject({ code: 'InvalidOption', field: 'options.credentials' })
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  test('property: ok only for a credential object for the same id, and only with its own secret', async () => {
    const valueArb = fc.oneof(
      fc.anything({ maxDepth: 2, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withBigInt: true, withDate: true, withSparseArray: true }),
      fc.record(
        {
          accessKeyId: fc.oneof(fc.constant(ID), fc.constant(ID.toLowerCase()), fc.anything({ maxDepth: 0 })),
          secretAccessKey: fc.oneof(fc.constant('x'), fc.constant(''), fc.string({ unit: 'binary', maxLength: 6 }), fc.anything({ maxDepth: 1, withBoxedValues: true })),
          sessionToken: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(''), fc.constant('tok'), fc.anything({ maxDepth: 0 })),
          // Past, future, out of range or invalid dates, and values that are not dates.
          expiration: fc.oneof(fc.constant(undefined), fc.date({ min: new Date(-1e12), max: new Date(3e14), noInvalidDate: false }), fc.anything({ maxDepth: 0 })),
        },
        { requiredKeys: [] },
      ),
      fc.record({ accessKeyId: fc.constant(ID), secretAccessKey: fc.string({ minLength: 1, maxLength: 8 }), sessionToken: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }) }),
    )
    let proper = 0
    await fc.assert(
      fc.asyncProperty(valueArb, fc.nat(), fc.boolean(), fc.boolean(), async (value, pick, useOwn, async) => {
        const own = isCredential(value, ID) ? (value as Credentials) : undefined
        const guesses = secretGuesses(value).filter((g) => g !== '' && !hasLoneSurrogate(g))
        const guess = own && useOwn ? own.secretAccessKey : guesses[pick % guesses.length]!
        const token = own && typeof own.sessionToken === 'string' && own.sessionToken !== '' ? own.sessionToken : undefined
        fc.pre(!(token && hasLoneSurrogate(token))) // no URL can carry such a token
        const url = await presign({ url: S3_URL }, { credentials: { accessKeyId: ID, secretAccessKey: guess, sessionToken: token }, region: 'us-east-1', service: 's3', signingDate: T0 })
        const r = await verify({ method: 'GET', url }, { credentials: async && !sync ? async () => value as Credentials : () => value as Credentials, now: T0 })
        if (!own) expectUnknownKey(r, guess)
        else if ((expirationMs(own.expiration) ?? Infinity) < T0) expect(r).toMatchObject({ ok: false, code: 'ExpiredToken', s3Code: 'ExpiredToken' })
        else expect(r.ok).toBe(guess === own.secretAccessKey)
        if (own && guess === own.secretAccessKey) proper++
      }),
      { numRuns: 300 * SCALE, seed: FC_SEED },
    )
    expect(proper).toBeGreaterThan(5)
  })

  test('prototype names and random ids as access key ids, looked up in a plain object: all refused', async () => {
    const table: Record<string, Credentials> = { [ID]: DOC_CREDENTIALS }
    const lookup = (id: string) => table[id]
    const check = async (id: string) => {
      const inherited = (table as Record<string, unknown>)[id]
      for (const guess of new Set([...secretGuesses(inherited), String(Object), String(Object.prototype)])) {
        const url = await signWith(guess, id)
        expectUnknownKey(await verify({ method: 'GET', url }, { credentials: lookup, now: T0 }), `${id} signed with ${guess}`)
      }
    }
    for (const id of PROTOTYPE_IDS) await check(id)
    const idArb = fc.string({ unit: fc.constantFrom(...Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => c !== '/')), minLength: 1, maxLength: 20 })
    await fc.assert(fc.asyncProperty(idArb, async (id) => {
      fc.pre(id !== ID)
      await check(id)
    }), { numRuns: 60, seed: FC_SEED })
    // The id the table does hold still verifies, so the refusals above are not a lookup that refuses everything.
    expect((await verify({ method: 'GET', url: await signWith(DOC_SECRET) }, { credentials: lookup, now: T0 })).ok).toBe(true)
  })

  test('credentials in unusual but proper shapes verify: inherited fields and getters count, as they do for presign', async () => {
    // Decision (src/verify-shared.ts lookUp -> presign's checkCredentials): properties are read as JavaScript reads
    // them, so accessors on a class prototype and fields inherited through Object.create count. That is not a bypass:
    // the object still has to present this very id and a non-empty, well-formed string secret, and the URL must be
    // signed with that secret; a prototype name looked up in a plain object finds no such fields (test above).
    class Stored {
      readonly #secret = DOC_SECRET
      get accessKeyId() {
        return ID
      }
      get secretAccessKey() {
        return this.#secret
      }
    }
    let reads = 0
    const shapes: Array<[string, unknown]> = [
      ['class with prototype getters', new Stored()],
      ['Object.create (inherited fields)', Object.create({ accessKeyId: ID, secretAccessKey: DOC_SECRET })],
      ['null prototype, own fields', Object.assign(Object.create(null), DOC_CREDENTIALS)],
      ['frozen, with extra fields', Object.freeze({ ...DOC_CREDENTIALS, role: 'admin' })],
      ['a getter read once (later reads return another secret)', { accessKeyId: ID, get secretAccessKey() { return reads++ === 0 ? DOC_SECRET : 'other' } }],
      ['a Proxy that answers the fields', new Proxy({}, { get: (_, p) => (p === 'accessKeyId' ? ID : p === 'secretAccessKey' ? DOC_SECRET : undefined) })],
      // The synchronous verifier needs a synchronous lookup (its promise case is the test above).
      ...(sync ? [] : [['a Promise of the credentials', Promise.resolve(DOC_CREDENTIALS)] as [string, unknown]]),
    ]
    const good = await signWith(DOC_SECRET)
    const bad = await signWith('not-the-secret')
    for (const [label, value] of shapes) {
      reads = 0
      expect((await verify({ method: 'GET', url: good }, { credentials: () => value as Credentials, now: T0 })).ok, label).toBe(true)
      reads = 0
      expect(await verify({ method: 'GET', url: bad }, { credentials: () => value as Credentials, now: T0 }), label).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
    }
  })

  test('no cache confusion: after a good verification, a lookup with another secret for the same id does not verify (SigV4 and SigV4a)', async () => {
    const v4 = await signWith(DOC_SECRET)
    const v4a = await presignV4a({ url: S3_URL }, { credentials: DOC_CREDENTIALS, service: 's3', regionSet: ['*'], signingDate: T0 })
    for (const url of [v4, v4a]) {
      // The synchronous verifier refuses every SigV4a URL, whatever the lookup returns.
      const code = sync && url === v4a ? 'UnsupportedAlgorithm' : 'SignatureDoesNotMatch'
      expect((await verify({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, now: T0 })).ok).toBe(code === 'SignatureDoesNotMatch')
      for (const secret of [DOC_SECRET + 'x', DOC_SECRET.slice(0, -1), 'x']) {
        expect(await verify({ method: 'GET', url }, { credentials: () => ({ accessKeyId: ID, secretAccessKey: secret }), now: T0 })).toMatchObject({ ok: false, code })
      }
    }
  })

  test("a lookup that throws or rejects: the caller's own error propagates unchanged (it is not the request's fault)", async () => {
    const url = await signWith(DOC_SECRET)
    const boom = new Error('database down')
    await expect(verify({ method: 'GET', url }, { credentials: () => { throw boom }, now: T0 })).rejects.toBe(boom)
    // An async lookup is the synchronous verifier's PresignError (the test above).
    if (!sync) await expect(verify({ method: 'GET', url }, { credentials: async () => { throw boom }, now: T0 })).rejects.toBe(boom)
  })

  test('a lookup result that throws when read (a Proxy, a throwing `then` getter) is an unknown key, never ok', async () => {
    // Returned synchronously, such a result is UnknownAccessKey (lookUp awaits only promises, and reading the result
    // is guarded). From an async lookup, JavaScript itself rejects the lookup's promise when it resolves with an
    // object whose `then` throws: that is the lookup failing, and it propagates like any rejected lookup.
    const url = await signWith(DOC_SECRET)
    const results: Array<[string, unknown]> = [
      ['a Proxy that throws on get', new Proxy({}, { get() { throw new TypeError('trap') } })],
      ['a throwing `then` getter', { accessKeyId: ID, secretAccessKey: DOC_SECRET, get then() { throw new Error('then') } }],
    ]
    for (const [label, value] of results) {
      for (const [kind, lookup] of [['sync', () => value], ['async', async () => value]] as const) {
        if (sync && kind === 'async') continue // the synchronous verifier's promise case is the test above
        let r: unknown
        try {
          r = await verify({ method: 'GET', url }, { credentials: lookup as VerifyOptions['credentials'], now: T0 })
        } catch (e) {
          r = { threw: String(e) }
        }
        if (kind === 'async') expect(r, label).toEqual({ threw: label === 'a throwing `then` getter' ? 'Error: then' : 'TypeError: trap' })
        else expect(r, `${label} (${kind})`).toMatchObject({ ok: false, code: 'UnknownAccessKey' })
      }
    }
  })
})

// =================================================================================================
// 3. bad options, junk requests
// =================================================================================================

/** Per option, whether a value is acceptable (the documented types); anything else must be a PresignError. */
const OPTION_RULES: Record<string, (v: unknown) => boolean> = {
  credentials: (v) => typeof v === 'function',
  region: (v) => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
  service: (v) => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
  now: (v) => v === undefined || (typeof v === 'number' && Number.isFinite(v)) || (v instanceof Date && Number.isFinite(v.getTime())),
  clockSkew: (v) => v === undefined || (typeof v === 'number' && v >= 0 && v !== Infinity),
  payloadHash: (v) => v === undefined || v === 'UNSIGNED-PAYLOAD' || (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)),
  signSessionToken: (v) => v === undefined || typeof v === 'boolean',
  normalizePath: (v) => v === undefined || typeof v === 'boolean',
  doubleEncodePath: (v) => v === undefined || typeof v === 'boolean',
}
const JUNK = [
  Number.NaN, Infinity, -Infinity, -1, 0, 1, 1.5, '', 'x', 'false', 'true', '2020-01-01', 'xyz', 'UNSIGNED-PAYLOAD', 'a'.repeat(64), 'A'.repeat(64),
  {}, [], [1], [null], ['a', 2], ['us-east-1'], null, true, false, new Date(Number.NaN), new Date(0), () => undefined, Symbol('s'), 1n,
  new String('s3'), new Boolean(false), new Number(5),
]
const junkArb = fc.oneof(fc.constantFrom(...JUNK), fc.anything({ maxDepth: 1, withBoxedValues: true, withBigInt: true, withDate: true, withSparseArray: true }))

/** String(value) that never throws (an object with a junk toString, a null-prototype object). */
function show(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

async function outcome(run: () => Promise<unknown>): Promise<{ threw: unknown } | { value: unknown }> {
  try {
    return { value: await run() }
  } catch (e) {
    return { threw: e }
  }
}

describe.each(VERIFIERS)('3. bad options and junk requests: $name', ({ verify }) => {
  const goodUrl = signWith(DOC_SECRET)
  test('property: a bad option throws a PresignError naming it (stable code, field options.*); a good one never throws', async () => {
    const url = await goodUrl
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(OPTION_RULES)), junkArb, async (name, value) => {
        const options = { credentials: () => DOC_CREDENTIALS, now: T0, [name]: value } as unknown as VerifyOptions
        const o = await outcome(() => verify({ method: 'GET', url }, options))
        if (OPTION_RULES[name]!(value)) {
          expect(o, `${name}: ${show(value)}`).toHaveProperty('value')
        } else {
          expect('threw' in o && o.threw, `${name}: ${show(value)}`).toBeInstanceOf(PresignError)
          const err = (o as { threw: PresignError }).threw
          expect(err.field).toBe(`options.${name}`)
          expect(err.code).toBe(name === 'payloadHash' ? 'InvalidPayloadHash' : 'InvalidOption')
          expect(err.message.startsWith(err.field + ': ')).toBe(true)
        }
      }),
      { numRuns: 400 * SCALE, seed: FC_SEED },
    )
  })

  test("the brief's list of bad options, and non-object options", async () => {
    const url = await goodUrl
    const bad: Array<Record<string, unknown>> = [
      { clockSkew: -1 }, { clockSkew: Number.NaN }, { clockSkew: '900' }, { now: '2020-01-01' }, { now: {} }, { now: null }, { now: Infinity },
      { now: new Date(Number.NaN) }, { now: Object.create(Date.prototype) }, { region: 5 }, { region: [1] }, { region: [null] }, { service: true }, { service: ['s3', 2] },
      { payloadHash: 'xyz' }, { payloadHash: 'A'.repeat(64) }, { normalizePath: 'false' }, { doubleEncodePath: 0 }, { signSessionToken: 0 }, { credentials: 'x' },
      { credentials: null }, { credentials: {} },
    ]
    for (const [i, over] of bad.entries()) {
      const o = await outcome(() => verify({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, now: T0, ...over } as VerifyOptions))
      expect('threw' in o && o.threw, `bad[${i}]: ${Object.keys(over)[0]}`).toBeInstanceOf(PresignError)
      expect((o as { threw: PresignError }).threw.field.startsWith('options')).toBe(true)
    }
    for (const options of [undefined, null, 5, 'x', true, () => 1]) {
      const o = await outcome(() => verify({ method: 'GET', url }, options as unknown as VerifyOptions))
      expect('threw' in o && o.threw).toBeInstanceOf(PresignError)
      expect((o as { threw: PresignError }).threw.field).toBe('options')
    }
    // An array is an object without credentials.
    expect(((await outcome(() => verify({ method: 'GET', url }, [] as unknown as VerifyOptions))) as { threw: PresignError }).threw.field).toBe('options.credentials')
  })

  test('clockSkew Infinity is refused like now: Infinity (it would switch the not-yet-valid check off)', async () => {
    // With Infinity, a URL dated in the year 2100 would verify today.
    const future = await presign({ url: S3_URL }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: Date.parse('2100-01-01T00:00:00Z') })
    const o = await outcome(() => verify({ method: 'GET', url: future }, { credentials: () => DOC_CREDENTIALS, now: T0, clockSkew: Infinity }))
    expect('threw' in o && o.threw, JSON.stringify(o)).toBeInstanceOf(PresignError)
  })

  const headersJunkArb = fc.oneof(
    fc.anything({ maxDepth: 2, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }),
    fc.constantFrom<unknown>(
      new Headers({ 'x-amz-meta-a': '1', host: 'h' }),
      new Map<unknown, unknown>([['host', 'h'], [1, 'x'], ['x-amz-date', {}]]),
      [['host'], ['a', 'b', 'c'], 'ab', 5, null, [Symbol('s'), 'x'], [{}, 'x']],
      { host: Symbol('h'), 'x-a': 5, 'x-b': { toString: () => 'x' }, 'x-c': [1, null, 'x', {}], [Symbol('k')]: 'v' },
      { host: 1n, 'x-amz-meta-a': Number.NaN, 'content-type': [undefined] },
      'host: h',
      42,
    ),
    fc.array(fc.tuple(fc.oneof(fc.string(), fc.anything({ maxDepth: 0 })), fc.oneof(fc.string({ unit: 'binary' }), fc.anything({ maxDepth: 1 }))), { maxLength: 4 }),
    fc.dictionary(fc.string(), fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.anything({ maxDepth: 0 })), fc.anything({ maxDepth: 1 })), { maxKeys: 4 }),
  )

  test('property: junk requests resolve ok:false; they throw only a PresignError, and only for a request that is not { method: string, url: string, body?: string | Uint8Array }', async () => {
    const url = await goodUrl
    const urlArb = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ unit: fc.constantFrom('%', '2', 'F', '&', '=', '?', '/', '#', 'X-Amz-', '\uD800', 'é', ' ') }).map((s) => url + s),
      fc.string({ unit: fc.constantFrom('%', '2', '&', '=', '/', '.', 'X-Amz-Date=', 'X-Amz-Signature=') }).map((s) => '/' + s),
      fc.anything({ maxDepth: 0 }),
    )
    const requestArb = fc.oneof(
      { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
      {
        weight: 6,
        arbitrary: fc.record(
          {
            method: fc.oneof(fc.constantFrom('GET', 'get', '', ' GET'), fc.string({ unit: 'binary', maxLength: 6 }), fc.anything({ maxDepth: 0 })),
            url: urlArb,
            headers: headersJunkArb,
            body: fc.oneof(fc.constant(undefined), fc.string(), fc.uint8Array({ maxLength: 4 }), fc.anything({ maxDepth: 1, withTypedArray: true })),
          },
          { requiredKeys: [] },
        ),
      },
    )
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        const o = await outcome(() => verify(request as VerifyRequest, { credentials: () => DOC_CREDENTIALS, now: T0 }))
        const req = request as Record<string, unknown>
        const callerError =
          req === null || typeof req !== 'object'
            ? 'request'
            : typeof req.method !== 'string'
              ? 'request.method'
              : typeof req.url !== 'string'
                ? 'request.url'
                : req.body !== undefined && typeof req.body !== 'string' && !(req.body instanceof Uint8Array)
                  ? 'request.body'
                  : undefined
        if (callerError) {
          expect('threw' in o && o.threw, callerError).toBeInstanceOf(PresignError)
          expect((o as { threw: PresignError }).threw.field).toBe(callerError)
        } else {
          expect(o, JSON.stringify(o, (_, v) => (typeof v === 'bigint' || typeof v === 'symbol' ? String(v) : v))).toHaveProperty('value')
          const r = (o as { value: VerifyResult }).value
          expect(typeof r.ok).toBe('boolean')
          // Only the signed URL itself (plus empty pairs) under a GET can verify.
          if (r.ok) expect([(req.method as string).toUpperCase(), (req.url as string).startsWith(url)]).toEqual(['GET', true])
        }
      }),
      { numRuns: 500 * SCALE, seed: FC_SEED },
    )
  })

  test('headers of odd shapes around a valid URL: Map, Headers, pairs with junk, symbol/number/object values', async () => {
    const url = await goodUrl
    const shapes: unknown[] = [
      new Map([['host', 'examplebucket.s3.us-east-1.amazonaws.com']]),
      new Headers({ Host: 'examplebucket.s3.us-east-1.amazonaws.com', Cookie: 'a' }),
      [['host', 'examplebucket.s3.us-east-1.amazonaws.com'], ['x'], 'junk', 5, null, [1, 2]],
      { host: 'examplebucket.s3.us-east-1.amazonaws.com', 'x-a': Symbol('s'), 'x-b': {}, 'x-c': 5, [Symbol('k')]: 'v' },
      new Set([['cookie', 'a']]),
      'host: evil',
      5,
      null,
    ]
    for (const headers of shapes) {
      const r = await verify({ method: 'GET', url, headers: headers as VerifyRequest['headers'] }, { credentials: () => DOC_CREDENTIALS, now: T0 })
      expect(r.ok, show(headers)).toBe(true)
    }
    // A number-valued x-amz-* header is a header like any other: unsigned, so refused.
    expect(await verify({ method: 'GET', url, headers: { 'x-amz-meta-n': 5 } as unknown as VerifyRequest['headers'] }, { credentials: () => DOC_CREDENTIALS, now: T0 })).toMatchObject({ ok: false, code: 'UnsignedHeader', s3Code: 'AccessDenied', message: 'There were headers present in the request which were not signed' })
  })

  test('headers whose Symbol.iterator is not a working iterator are a PresignError, never a TypeError', async () => {
    const url = await goodUrl
    for (const headers of [{ [Symbol.iterator]: 5 }, { [Symbol.iterator]: () => 5 }, { [Symbol.iterator]: null }]) {
      const o = await outcome(() => verify({ method: 'GET', url, headers: headers as unknown as VerifyRequest['headers'] }, { credentials: () => DOC_CREDENTIALS, now: T0 }))
      if ('threw' in o) expect(o.threw, String((o.threw as Error).message)).toBeInstanceOf(PresignError)
    }
  })
})

// =================================================================================================
// 4. SigV4a region sets
// =================================================================================================

/** Reference glob (`*` = any run), by dynamic programming: no RegExp, no backtracking. */
function globReference(pattern: string, text: string): boolean {
  let row = new Array<boolean>(text.length + 1).fill(false)
  row[0] = true
  for (const p of pattern) {
    const next = new Array<boolean>(text.length + 1).fill(false)
    if (p === '*') {
      for (let j = 0; j <= text.length; j++) next[j] = row[j]! || (j > 0 && next[j - 1]!)
    } else {
      for (let j = 1; j <= text.length; j++) next[j] = row[j - 1]! && text[j - 1] === p
    }
    row = next
  }
  return row[text.length]!
}

describe('4. SigV4a region sets', () => {
  const signV4a = (regionSet: readonly string[] | '*') => presignV4a({ url: S3_URL }, { credentials: DOC_CREDENTIALS, service: 's3', regionSet, signingDate: T0 })
  const withRegionSet = (url: string, raw: string) => url.replace(/X-Amz-Region-Set=[^&]*/, 'X-Amz-Region-Set=' + raw)
  const verify = (url: string, region?: string | string[]) => verifyPresigned({ method: 'GET', url }, { credentials: () => DOC_CREDENTIALS, now: T0, region })

  test('verifyPresignedSync answers every SigV4a URL with UnsupportedAlgorithm, before any lookup (it has no ECDSA)', async () => {
    let lookups = 0
    const credentials = () => {
      lookups++
      return DOC_CREDENTIALS
    }
    const url = await signV4a(['us-east-1', 'eu-*'])
    for (const u of [url, withRegionSet(url, '*'.repeat(26) + 'x'), withRegionSet(url, 'a'.repeat(64)), url.replace(/X-Amz-Signature=\w+/, 'X-Amz-Signature=00')]) {
      expect(verifyPresignedSync({ method: 'GET', url: u }, { credentials, now: T0, region: 'eu-west-3' })).toEqual({
        ok: false,
        code: 'UnsupportedAlgorithm',
        s3Code: 'AuthorizationQueryParametersError',
        message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256" here: verifyPresignedSync does not verify SigV4a (ECDSA); use verifyPresigned',
      })
    }
    expect(lookups).toBe(0)
    expect((await verifyPresigned({ method: 'GET', url }, { credentials, now: T0, region: 'eu-west-3' })).ok).toBe(true)
  })

  test('hostile region sets resolve quickly with MalformedQuery or a scope or signature result', async () => {
    const url = await signV4a(['us-east-1'])
    const star63 = '*a'.repeat(31) + '*'
    const cases: Array<[raw: string, region: string | string[] | undefined, code: string]> = [
      ['*'.repeat(26) + 'x', 'us-east-1', 'ScopeMismatch'],
      ['*'.repeat(26) + 'x', 'x', 'SignatureDoesNotMatch'],
      [star63, 'a'.repeat(30) + 'b', 'ScopeMismatch'],
      [star63, 'a'.repeat(40) + 'b', 'SignatureDoesNotMatch'],
      [Array(64).fill(star63).join('%2C'), ['b'.repeat(63), 'a'.repeat(30) + 'b'], 'ScopeMismatch'],
      [Array(64).fill('us-east-1').join('%2C'), 'us-east-1', 'SignatureDoesNotMatch'],
      [Array(65).fill('us-east-1').join('%2C'), 'us-east-1', 'MalformedQuery'],
      [Array(65).fill('us-east-1').join('%2C'), undefined, 'MalformedQuery'],
      ['a'.repeat(63), 'us-east-1', 'ScopeMismatch'],
      ['a'.repeat(64), 'us-east-1', 'MalformedQuery'],
      ['US-EAST-1', undefined, 'MalformedQuery'],
      ['', undefined, 'MalformedQuery'],
      ['%2C', undefined, 'MalformedQuery'],
      ['us-east-1%2C', undefined, 'MalformedQuery'],
      ['%2Cus-east-1', undefined, 'MalformedQuery'],
      ['us-east-1%2C%2Ceu-west-1', undefined, 'MalformedQuery'],
      ['us-east-1%252Ceu-west-1', undefined, 'MalformedQuery'],
      ['us-east-1%00', undefined, 'MalformedQuery'],
      ['us-east-1%20', undefined, 'MalformedQuery'],
      ['us_east_1', undefined, 'MalformedQuery'],
      ['-us', undefined, 'MalformedQuery'],
      ['us-east-1%E2%80%A8', undefined, 'MalformedQuery'],
      ['%E0%A4%A', undefined, 'MalformedQuery'],
      ['*'.repeat(4097), undefined, 'MalformedQuery'],
      ['eu-west-1', 'us-east-1', 'ScopeMismatch'],
      ['*', 'us-east-1', 'SignatureDoesNotMatch'],
    ]
    for (const [raw, region, code] of cases) {
      const t = performance.now()
      const r = await verify(withRegionSet(url, raw), region)
      const ms = performance.now() - t
      expect(r, `${raw.slice(0, 80)} / ${String(region)}`).toMatchObject({ ok: false, code })
      expect(ms, raw.slice(0, 80)).toBeLessThan(500) // each takes about 1 ms
    }
  })

  test('a comma or %2C (any hex case) is the same region set; the region option must be covered', async () => {
    const url = await signV4a(['us-east-1', 'eu-*'])
    expect(url).toContain('X-Amz-Region-Set=us-east-1%2Ceu-%2A')
    for (const raw of ['us-east-1%2Ceu-%2A', 'us-east-1,eu-*', 'us-east-1%2ceu-%2a', 'us-east-1,eu-%2A']) {
      expect((await verify(withRegionSet(url, raw), 'eu-west-3')).ok, raw).toBe(true)
    }
    expect(await verify(url, 'ap-south-1')).toMatchObject({ ok: false, code: 'ScopeMismatch' })
    expect(await verify(withRegionSet(url, 'eu-*%2Cus-east-1'), 'eu-west-3')).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })

  test('property: the region-set glob covers exactly what a reference glob matches', async () => {
    const patternArb = fc.tuple(fc.constantFrom('*', 'a', 'b'), fc.string({ unit: fc.constantFrom('*', '*', 'a', 'b', '-'), maxLength: 11 })).map(([h, t]) => h + t)
    const regionArb = fc.string({ unit: fc.constantFrom('a', 'b', '-'), maxLength: 12 })
    let covered = 0
    await fc.assert(
      fc.asyncProperty(patternArb, regionArb, async (pattern, region) => {
        const r = await verify(await signV4a([pattern]), region)
        const expected = globReference(pattern, region)
        expect(r.ok, `${pattern} ~ ${region}: ${JSON.stringify(r)}`).toBe(expected)
        if (!r.ok) expect(r.code).toBe('ScopeMismatch')
        if (expected) covered++
      }),
      { numRuns: 150 * SCALE, seed: FC_SEED },
    )
    expect(covered).toBeGreaterThan(10)
  })
})

// =================================================================================================
// 5. a session token in the URL, none in the looked-up credentials
// =================================================================================================

/**
 * A defect found in review and fixed: the verifiers accepted a URL token the looked-up credentials did not have (they
 * compared tokens only when the credentials had one). With signSessionToken: false the token is not signed, so anyone
 * could append one; with long-term credentials S3 answers InvalidToken. Both verifiers now refuse a URL token that is
 * not the credentials' own (src/verify/presigned-steps.ts: `creds.sessionToken !== token`).
 */
describe('session token in the URL, none in the looked-up credentials', () => {
  /** A lookup that knows the key and has no session token for it (long-term credentials). */
  const base: VerifyOptions = { credentials: (id) => (id === DOC_CREDENTIALS.accessKeyId ? DOC_CREDENTIALS : undefined), now: T0 }

  test('signSessionToken: false (IoT): a token anyone appends to a valid URL is InvalidToken, never reported as verified', async () => {
    const url = await presign({ url: 'https://data.iot.us-east-1.amazonaws.com/mqtt' }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 'iotdevicegateway', signingDate: T0, signSessionToken: false })
    const options: VerifyOptions = { ...base, service: 'iotdevicegateway', signSessionToken: false }
    expect((await verifyPresigned({ method: 'GET', url }, options)).ok).toBe(true)
    // The token is not covered by the signature: a third party picks it, and the result must not carry it as verified.
    const tampered = url + '&X-Amz-Security-Token=chosen-by-anyone'
    for (const r of [await verifyPresigned({ method: 'GET', url: tampered }, options), verifyPresignedSync({ method: 'GET', url: tampered }, options as VerifySyncOptions)]) {
      expect(r).toMatchObject({ ok: false, code: 'InvalidToken', s3Code: 'InvalidToken' })
    }
  })

  test('a signed token with long-term credentials is InvalidToken, as S3 answers', async () => {
    const url = await presign({ url: 'https://examplebucket.s3.us-east-1.amazonaws.com/k' }, { credentials: { ...DOC_CREDENTIALS, sessionToken: 'stale' }, region: 'us-east-1', service: 's3', signingDate: T0 })
    expect(await verifyPresigned({ method: 'GET', url }, base)).toMatchObject({ ok: false, code: 'InvalidToken', s3Code: 'InvalidToken' })
  })
})

// =================================================================================================
// 6. credentials past their expiration
// =================================================================================================

/**
 * Temporary credentials end a URL's life early: S3 answers ExpiredToken for a request signed with STS credentials that
 * have expired, however long its X-Amz-Expires runs. The verifiers take the expiration from the lookup's result. The
 * URLs here are signed without an expiration (presign would clamp X-Amz-Expires to it), so only the verifier enforces it.
 */
describe.each(VERIFIERS)('$name: credentials past their expiration', ({ verify, sync }) => {
  const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE/+token='
  const temporary = { ...DOC_CREDENTIALS, sessionToken: TOKEN }
  const until = (ms: number): VerifyOptions['credentials'] => (id) => (id === ID ? { ...temporary, expiration: new Date(ms) } : undefined)
  const signed = (secret: string = DOC_SECRET) => presign({ url: S3_URL }, { credentials: { ...temporary, secretAccessKey: secret }, region: 'us-east-1', service: 's3', signingDate: T0, expiresIn: 3600 })
  const expired = { ok: false, code: 'ExpiredToken', s3Code: 'ExpiredToken', message: 'The provided token has expired.' }

  test('valid until the expiration (inclusive), ExpiredToken a millisecond after, well inside X-Amz-Expires', async () => {
    const url = await signed()
    const credentials = until(T0 + 10_000)
    for (const now of [T0, T0 + 9_999, T0 + 10_000]) expect((await verify({ method: 'GET', url }, { credentials, now })).ok, `now ${now - T0} ms`).toBe(true)
    for (const now of [T0 + 10_001, T0 + 3_600_000]) expect(await verify({ method: 'GET', url }, { credentials, now }), `now ${now - T0} ms`).toEqual(expired)
    // Past the URL's own window too: the URL's expiry is checked first, as S3 checks the query before the token.
    expect(await verify({ method: 'GET', url }, { credentials, now: T0 + 3_600_001 })).toMatchObject({ ok: false, code: 'Expired' })
  })

  test('credentials already expired when the URL was signed; long-term credentials with an expiration', async () => {
    const url = await signed()
    expect(await verify({ method: 'GET', url }, { credentials: until(T0 - 1), now: T0 })).toEqual(expired)
    const longTerm = await presign({ url: S3_URL }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: T0 })
    const rotated: VerifyOptions['credentials'] = (id) => (id === ID ? { ...DOC_CREDENTIALS, expiration: new Date(T0 + 1000) } : undefined)
    expect((await verify({ method: 'GET', url: longTerm }, { credentials: rotated, now: T0 + 1000 })).ok).toBe(true)
    expect(await verify({ method: 'GET', url: longTerm }, { credentials: rotated, now: T0 + 1001 })).toEqual(expired)
  })

  test('the token is compared before the expiration: another token is InvalidToken, expired or not', async () => {
    const other = await presign({ url: S3_URL }, { credentials: { ...temporary, sessionToken: 'another' }, region: 'us-east-1', service: 's3', signingDate: T0 })
    expect(await verify({ method: 'GET', url: other }, { credentials: until(T0 - 1), now: T0 })).toMatchObject({ ok: false, code: 'InvalidToken' })
  })

  test('the result never carries the secret; a wrong secret with expired credentials is still ExpiredToken', async () => {
    const r = await verify({ method: 'GET', url: await signed('not-the-secret') }, { credentials: until(T0 - 1), now: T0 })
    expect(r).toEqual(expired)
    expect(JSON.stringify(r)).not.toContain(DOC_SECRET)
  })

  if (!sync) test('SigV4a: the same rule', async () => {
    const url = await presignV4a({ url: S3_URL }, { credentials: temporary, service: 's3', regionSet: ['*'], signingDate: T0 })
    expect((await verify({ method: 'GET', url }, { credentials: until(T0 + 1000), now: T0 + 1000 })).ok).toBe(true)
    expect(await verify({ method: 'GET', url }, { credentials: until(T0 + 1000), now: T0 + 1001 })).toEqual(expired)
  })

  test('property: ok exactly while now is at most the expiration, read in whole seconds (and within the URL window)', async () => {
    const url = await signed()
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -5_000_000, max: 5_000_000 }), fc.integer({ min: -899_000, max: 3_600_000 }), async (expiresAfter, nowAfter) => {
        const r = await verify({ method: 'GET', url }, { credentials: until(T0 + expiresAfter), now: T0 + nowAfter })
        // Times are read as SigV4 dates are, to the second: an expiration of x.999 s means x s.
        if (nowAfter > Math.floor(expiresAfter / 1000) * 1000) expect(r).toEqual(expired)
        else expect(r.ok).toBe(true)
      }),
      { numRuns: 200 * SCALE, seed: FC_SEED },
    )
  })
})

// =================================================================================================
// 7. more than one Host header
// =================================================================================================

/**
 * A defect found in review and fixed: with two Host headers the verifiers used the first, silently, while a proxy in
 * front or the store behind may use the last. RFC 9112 (3.2) makes such a request a 400; the verifiers refuse it
 * (MalformedQuery, as for a request with no host), whichever header holds the signed host.
 */
describe.each(VERIFIERS)('$name: more than one Host header', ({ verify }) => {
  const HOST = 'examplebucket.s3.us-east-1.amazonaws.com'
  const path = async () => (await presign({ url: S3_URL }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: T0 })).slice(`https://${HOST}`.length)
  const options: VerifyOptions = { credentials: () => DOC_CREDENTIALS, now: T0 }

  test('as pairs, as an array value, the signed host first or last, even twice the same: MalformedQuery', async () => {
    const url = await path()
    expect((await verify({ method: 'GET', url, headers: { host: HOST } }, options)).ok).toBe(true)
    for (const [label, headers] of [
      ['pairs, signed host first', [['host', HOST], ['Host', 'evil.example']]],
      ['pairs, signed host last', [['Host', 'evil.example'], ['host', HOST]]],
      ['pairs, the same host twice', [['host', HOST], ['HOST', HOST]]],
      ['an array value', { host: [HOST, 'evil.example'] }],
      ['two spellings of the name in an object', { host: HOST, Host: HOST }],
    ] as const) {
      const r = await verify({ method: 'GET', url, headers: headers as VerifyRequest['headers'] }, options)
      expect(r, label).toMatchObject({ ok: false, code: 'MalformedQuery', message: 'The request has more than one Host header' })
    }
    // An absolute URL with two Host headers too (the headers name the host when present).
    const absolute = await verify({ method: 'GET', url: `https://${HOST}${url}`, headers: [['host', HOST], ['host', HOST]] }, options)
    expect(absolute).toMatchObject({ ok: false, code: 'MalformedQuery' })
  })

  test('a Headers object joins duplicates into one value, which is not the signed host', async () => {
    const headers = new Headers()
    headers.append('host', HOST)
    headers.append('host', 'evil.example')
    expect(await verify({ method: 'GET', url: await path(), headers }, options)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })
})

// =================================================================================================
// 8. a fragment in the request target
// =================================================================================================

/**
 * A defect found in review and fixed: in an origin-form target ("/k#x?…", as Node's req.url gives it) a raw `#` was read
 * as %23, so a URL signed for the key "k#x" verified with a literal "#", while the server it is passed on to reads
 * "#x?…" as a fragment: a request for "k" without any query. A request target has no fragment (RFC 9112).
 */
describe.each(VERIFIERS)('$name: a # in the request target', ({ verify }) => {
  const HOST = 'examplebucket.s3.us-east-1.amazonaws.com'
  const options: VerifyOptions = { credentials: () => DOC_CREDENTIALS, now: T0 }

  test('refused in origin-form and absolute form; the escaped %23 as signed verifies', async () => {
    const url = await presign({ url: `https://${HOST}/k%23x` }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate: T0 })
    const path = url.slice(`https://${HOST}`.length)
    expect((await verify({ method: 'GET', url: path, headers: { host: HOST } }, options)).ok).toBe(true)
    for (const target of [path.replace('%23', '#'), path + '#', `https://${HOST}${path.replace('%23', '#')}`]) {
      const r = await verify({ method: 'GET', url: target, headers: { host: HOST } }, options)
      expect(r, target).toMatchObject({ ok: false, code: 'MalformedQuery', message: 'The request URL could not be parsed as an http(s) URL' })
    }
  })
})
