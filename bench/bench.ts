/**
 * Benchmark: sigv4-presign against aws4, aws4fetch, @smithy/signature-v4 and the AWS SDK's getSignedUrl,
 * in one process, all cases of a group interleaved round by round after a warm-up; medians of per-round µs/op.
 * Every function benchmarked is first checked to produce a correct URL (its signature re-derived by our
 * vector-tested presignSync at the URL's own date). The workload: an S3 GET of a key that needs escapes
 * (`/photos/2026/some%20file%2Bname%20%C3%BC.jpg`), at a fixed date, with a cached signing key; with and without a
 * 760-char session token. Our synchronous paths run on both hash engines (node:crypto, the built-in pure-JS SHA-256).
 * Also: the node:crypto floor (the same presign by hand); verification (ours sync and async, and by hand with
 * node:crypto); our SHA-256 against @noble/hashes, @aws-crypto/sha256-js and node:crypto; 64 bare crypto.subtle.sign
 * calls (presignMany's floor); Bun (against its built-in S3Client.presign) and Deno; cold start in fresh processes;
 * bundle sizes.
 */
import { spawnSync } from 'node:child_process'
import { createHash, createHmac, hash as oneShotHash, timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { Sha256 as AwsCryptoSha256 } from '@aws-crypto/sha256-js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import aws4 from 'aws4'
import { AwsV4Signer } from 'aws4fetch'
import { createPresigner, presign, presignMany, presignSync, verifyPresigned, type PresignOptions } from '../src/index.js'
import { plan, prepare } from '../src/sign/presign.js'
import { type HashEngine, useHashEngine } from '../src/core/hash-engine.js'
import { sha256Hex } from '../src/core/sha256.js'
import { stringToSign } from '../src/core/string-to-sign.js'
import { verifyPresignedSync } from '../src/verify/verify-presigned-sync.js'

// npm run bench runs from the project root.
const project = process.cwd()

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15)
const BATCH_MS = Number(process.env['BENCH_BATCH_MS'] ?? 25)

const accessKeyId = 'AKIAIOSFODNN7EXAMPLE'
const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const token = ('IQoJb3JpZ2luX2VjEXAMPLE/+' + 'A'.repeat(40)).repeat(12).slice(0, 760)
const host = 'examplebucket.s3.us-east-1.amazonaws.com'
/** The object key `photos/2026/some file+name ü.jpg`, as S3 encodes it (the issue's workload). */
const key = 'photos/2026/some file+name ü.jpg'
const path = '/photos/2026/some%20file%2Bname%20%C3%BC.jpg'
const url = `https://${host}${path}`
const region = 'us-east-1'
const expiresIn = 3600
/** The fixed signing date of every case (the peers take it as X-Amz-Date, datetime or signingDate). */
const signingDate = Date.parse('2026-11-25T12:00:00Z')
const amzDate = '20261125T120000Z'

type Op = () => unknown
interface Case {
  name: string
  op: Op
  async: boolean
  /** URLs produced per op (presignMany makes many). */
  perOp?: number
  /** The hash engine of our synchronous paths while this case runs (default 'auto': node:crypto on Node). */
  engine?: HashEngine
}

// ---------- correctness: every benchmarked URL is checked ----------
function check(name: string, signed: string, creds: { secretAccessKey: string; sessionToken?: string } = { secretAccessKey }): void {
  const u = new URL(signed)
  const q = u.searchParams
  const date = q.get('X-Amz-Date')!
  const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`
  if (q.get('X-Amz-SignedHeaders') !== 'host') throw new Error(`${name}: signed headers ${q.get('X-Amz-SignedHeaders')}`)
  if (Boolean(creds.sessionToken) !== q.has('X-Amz-Security-Token')) throw new Error(`${name}: session token presence`)
  // Re-sign the same request (keeping any extra query parameters the peer adds, e.g. the SDK's x-id).
  const auth = /^X-Amz-(Algorithm|Credential|Date|Expires|SignedHeaders|Signature|Security-Token)=/
  const extra = u.search.slice(1).split('&').filter((p) => !auth.test(p)).join('&')
  const ours = presignSync(
    { url: `https://${u.host}${u.pathname}${extra ? '?' + extra : ''}` },
    {
      credentials: { accessKeyId, ...creds },
      region,
      service: 's3',
      expiresIn: Number(q.get('X-Amz-Expires')),
      signingDate: iso,
    },
  )
  const expected = new URL(ours).searchParams.get('X-Amz-Signature')
  if (q.get('X-Amz-Signature') !== expected) throw new Error(`${name}: wrong signature`)
}

async function checked(name: string, op: Op, creds?: { secretAccessKey: string; sessionToken?: string }): Promise<void> {
  const out = await op()
  const urls = Array.isArray(out) ? (out as string[]) : [out as string]
  for (const u of urls) check(name, typeof u === 'string' ? u : String(u), creds)
}

// ---------- the contenders ----------
const sharedAws4fetchCache = new Map<string, unknown>()
const sha256 = Hash.bind(null, 'sha256')
const smithySigner = (sessionToken?: string) =>
  new SignatureV4({ credentials: { accessKeyId, secretAccessKey, sessionToken }, region, service: 's3', sha256, uriEscapePath: false, applyChecksum: false })
const smithyPlain = smithySigner()
const smithyToken = smithySigner(token)
const sdkClient = (sessionToken?: string) => new S3Client({ region, credentials: { accessKeyId, secretAccessKey, sessionToken } })
const sdkPlain = sdkClient()
const sdkToken = sdkClient(token)

const SYNC = 'sigv4-presign presignSync'
const SYNC_JS = 'sigv4-presign presignSync, pure-JS hash engine'
const FLOOR = 'node:crypto floor (by hand: createHash/createHmac, minimal string work)'
const OUR_STRINGS = 'our string work + node:crypto createHash/createHmac'

function contenders(sessionToken?: string): Record<string, Omit<Case, 'name'>> {
  const options: PresignOptions = { credentials: { accessKeyId, secretAccessKey, sessionToken }, region, service: 's3', expiresIn, signingDate }
  const presigner = createPresigner(options)
  const smithy = sessionToken ? smithyToken : smithyPlain
  const sdk = sessionToken ? sdkToken : sdkPlain
  return {
    [SYNC]: { op: () => presignSync({ url }, options), async: false },
    [SYNC_JS]: { op: () => presignSync({ url }, options), async: false, engine: 'js' },
    'sigv4-presign presign (Web Crypto)': { op: () => presign({ url }, options), async: true },
    'sigv4-presign createPresigner().presignSync': { op: () => presigner.presignSync({ url }), async: false },
    [FLOOR]: { op: () => floor(sessionToken), async: false },
    [OUR_STRINGS]: { op: () => ourStringsFloor(options), async: false },
    aws4: {
      op: () => {
        const r = aws4.sign({ host, path: `${path}?X-Amz-Expires=${expiresIn}&X-Amz-Date=${amzDate}`, service: 's3', region, signQuery: true }, { accessKeyId, secretAccessKey, sessionToken })
        return `https://${r.host}${r.path}`
      },
      async: false,
    },
    'aws4fetch (shared key cache)': {
      op: async () => {
        const s = new AwsV4Signer({ url: `${url}?X-Amz-Expires=${expiresIn}`, accessKeyId, secretAccessKey, sessionToken, service: 's3', region, signQuery: true, datetime: amzDate, cache: sharedAws4fetchCache as Map<string, ArrayBuffer> })
        return (await s.sign()).url.toString()
      },
      async: true,
    },
    '@smithy/signature-v4 + hash-node': {
      op: async () => {
        const r = await smithy.presign(
          { method: 'GET', protocol: 'https:', hostname: host, path, query: {}, headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
          { expiresIn, signingDate: new Date(signingDate), unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) },
        )
        const q = Object.entries(r.query as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
        return `https://${host}${path}?${q}`
      },
      async: true,
    },
    'AWS SDK getSignedUrl': {
      op: () => getSignedUrl(sdk, new GetObjectCommand({ Bucket: 'examplebucket', Key: key }), { expiresIn, signingDate: new Date(signingDate) }),
      async: true,
    },
  }
}

/**
 * The node:crypto floor: the same presigned URL as a user would write it by hand for this one request, with the
 * least string work (the path is already S3's canonical URI, the query is written in sorted order) and node:crypto's
 * createHash/createHmac under a cached signing key. No validation, no parsing: a floor, not a signer.
 */
const floorKeys = new Map<string, Buffer>()
function floorKey(day: string): Buffer {
  let k = floorKeys.get(day)
  if (!k) {
    k = createHmac('sha256', 'AWS4' + secretAccessKey).update(day).digest()
    for (const part of [region, 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest()
    floorKeys.set(day, k)
  }
  return k
}
function floor(sessionToken?: string): string {
  const day = amzDate.slice(0, 8)
  const scope = day + '/' + region + '/s3/aws4_request'
  const query =
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=' + encodeURIComponent(accessKeyId + '/' + scope) + '&X-Amz-Date=' + amzDate +
    '&X-Amz-Expires=' + expiresIn + (sessionToken ? '&X-Amz-Security-Token=' + encodeURIComponent(sessionToken) : '') + '&X-Amz-SignedHeaders=host'
  const creq = 'GET\n' + path + '\n' + query + '\nhost:' + host + '\n\nhost\nUNSIGNED-PAYLOAD'
  const sts = 'AWS4-HMAC-SHA256\n' + amzDate + '\n' + scope + '\n' + createHash('sha256').update(creq).digest('hex')
  return 'https://' + host + path + '?' + query + '&X-Amz-Signature=' + createHmac('sha256', floorKey(day)).update(sts).digest('hex')
}

/** Our string work (prepare, plan: validation, parsing, canonical URI and query) hashed by node:crypto: where the time goes. */
function ourStringsFloor(options: PresignOptions): string {
  const p = prepare({ url }, options)
  const pl = plan(p, p.payloadHash!)
  const sts = stringToSign(p.amzDate, pl.credentialScope, createHash('sha256').update(pl.canonicalRequest).digest('hex'))
  return pl.unsignedUrl + '&X-Amz-Signature=' + createHmac('sha256', floorKey(p.day)).update(sts).digest('hex')
}

/**
 * The fastest way to verify this URL by hand with node:crypto: split the query, sort it as written (our URLs are
 * already canonically encoded), check the window, hash, HMAC under a cached key, compare in constant time. It checks
 * far less than our verifiers (no signed-header, scope, duplicate-parameter or encoding rules).
 */
function verifyByHand(method: string, signed: string, now: number): boolean {
  const q = signed.indexOf('?')
  const start = signed.indexOf('/', 8)
  const kept: string[] = []
  let signature = ''
  let credential = ''
  let date = ''
  let expires = 0
  for (const pair of signed.slice(q + 1).split('&')) {
    if (pair.startsWith('X-Amz-Signature=')) signature = pair.slice(16)
    else {
      kept.push(pair)
      if (pair.startsWith('X-Amz-Credential=')) credential = decodeURIComponent(pair.slice(17))
      else if (pair.startsWith('X-Amz-Date=')) date = pair.slice(11)
      else if (pair.startsWith('X-Amz-Expires=')) expires = Number(pair.slice(14))
    }
  }
  const [id, day, r, service] = credential.split('/')
  const at = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15))
  if (id !== accessKeyId || now > at + expires * 1000 || now < at - 900_000) return false
  kept.sort()
  const creq = method + '\n' + signed.slice(start, q) + '\n' + kept.join('&') + '\nhost:' + signed.slice(8, start) + '\n\nhost\nUNSIGNED-PAYLOAD'
  const sts = 'AWS4-HMAC-SHA256\n' + date + '\n' + day + '/' + r + '/' + service + '/aws4_request\n' + createHash('sha256').update(creq).digest('hex')
  return timingSafeEqual(createHmac('sha256', floorKey(day!)).update(sts).digest(), Buffer.from(signature, 'hex'))
}

// ---------- harness ----------
async function runOnce(c: Case, n: number): Promise<number> {
  useHashEngine(c.engine ?? 'auto')
  const t0 = process.hrtime.bigint()
  if (c.async) for (let i = 0; i < n; i++) await c.op()
  else for (let i = 0; i < n; i++) c.op()
  return Number(process.hrtime.bigint() - t0) / 1000 / n / (c.perOp ?? 1)
}

async function calibrate(c: Case): Promise<number> {
  useHashEngine(c.engine ?? 'auto')
  let n = 1
  for (;;) {
    const t0 = performance.now()
    if (c.async) for (let i = 0; i < n; i++) await c.op()
    else for (let i = 0; i < n; i++) c.op()
    const ms = performance.now() - t0
    if (ms >= BATCH_MS / 4 || n >= 1 << 20) return Math.max(1, Math.round((n * BATCH_MS) / Math.max(ms, 0.001)))
    n *= 4
  }
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Per-case medians (µs/op) and the round-by-round samples they came from. */
interface GroupResult {
  readonly median: Map<string, number>
  readonly samples: Map<string, number[]>
}

async function group(title: string, cases: Case[], reference: string): Promise<GroupResult> {
  const batches = new Map<Case, number>()
  for (const c of cases) batches.set(c, await calibrate(c)) // doubles as warm-up
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]))
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order every round so no case always runs first or after the same neighbour.
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + r) % cases.length]!
      samples.get(c.name)!.push(await runOnce(c, batches.get(c)!))
    }
  }
  const result = { median: new Map(cases.map((c) => [c.name, median(samples.get(c.name)!)])), samples }
  console.log(`\n## ${title}\n`)
  console.log(`| case | µs/op (median of ${ROUNDS}) | ops/s | ${reference} is N× faster (median of per-round ratios) |`)
  console.log('| --- | ---: | ---: | ---: |')
  for (const c of cases) {
    const us = result.median.get(c.name)!
    console.log(`| ${c.name} | ${us.toFixed(2)} | ${Math.round(1e6 / us).toLocaleString('en-US')} | ${c.name === reference ? '—' : pairedRatio(result, reference, c.name).toFixed(2) + '×'} |`)
  }
  return result
}

/**
 * How many times faster `a` is than `b`: the median over rounds of b/a, each ratio taken within one round (the cases of
 * a round run back to back), so that the machine getting faster or slower between rounds cancels out.
 */
function pairedRatio(g: GroupResult, a: string, b: string): number {
  const xs = g.samples.get(a)!
  return median(g.samples.get(b)!.map((y, r) => y / xs[r]!))
}

function ratioLine(g: GroupResult, a: string, b: string, label: string, target?: string): void {
  console.log(`- ${label}: ${pairedRatio(g, a, b).toFixed(2)}×${target ? ` (target ${target})` : ''}`)
}

// ---------- cold start ----------
function coldStart(): void {
  // Inside the project so that peers resolve from node_modules. Each script measures itself from the
  // start of its module (performance.now() at the top) to the end of the first presign, so process
  // start-up noise does not enter; the import is included.
  const dir = join(project, 'bench/.out/cold')
  mkdirSync(dir, { recursive: true })
  const dist = JSON.stringify(join(project, 'dist/index.js'))
  const presignSyncScript = `const { presignSync } = await import(${dist});
presignSync({ url: ${JSON.stringify(url)} }, { credentials: { accessKeyId: 'AK', secretAccessKey: 'S' }, region: 'us-east-1', service: 's3' })`
  const scripts: Record<string, string> = {
    'sigv4-presign (presign)': `const { presign } = await import(${dist});
await presign({ url: ${JSON.stringify(url)} }, { credentials: { accessKeyId: 'AK', secretAccessKey: 'S' }, region: 'us-east-1', service: 's3' })`,
    'sigv4-presign (presignSync)': presignSyncScript,
    // The same script with SIGV4_PRESIGN_PURE_JS=1 (below): the browsers' engine, no node:crypto lookup.
    'sigv4-presign (presignSync, pure-JS hash engine)': presignSyncScript,
    aws4: `const { default: aws4 } = await import('aws4');
aws4.sign({ host: ${JSON.stringify(host)}, path: '/k', service: 's3', region: 'us-east-1', signQuery: true }, { accessKeyId: 'AK', secretAccessKey: 'S' })`,
    aws4fetch: `const { AwsV4Signer } = await import('aws4fetch');
await new AwsV4Signer({ url: ${JSON.stringify(url)}, accessKeyId: 'AK', secretAccessKey: 'S', service: 's3', region: 'us-east-1', signQuery: true }).sign()`,
  }
  const files = Object.entries(scripts).map(([name, body]) => {
    const f = join(dir, name.replace(/\W+/g, '_') + '.mjs')
    writeFileSync(f, `const t0 = performance.now()\n${body}\nconsole.log(performance.now() - t0)\n`)
    return [name, f] as const
  })
  const runs = Number(process.env['BENCH_COLD_RUNS'] ?? 21)
  const times = new Map<string, number[]>(files.map(([n]) => [n, []]))
  for (let r = 0; r < runs; r++) {
    for (const [name, f] of files) {
      const env = name.includes('pure-JS') ? { ...process.env, SIGV4_PRESIGN_PURE_JS: '1' } : process.env
      const res = spawnSync(process.execPath, [f], { cwd: project, encoding: 'utf8', env })
      if (res.status !== 0) throw new Error(`cold start ${name} failed: ${res.stderr}`)
      times.get(name)!.push(Number(res.stdout.trim().split('\n').at(-1)))
    }
  }
  console.log(`\n## Cold start: fresh \`node\` process, import + first presign (median of ${runs}, measured inside the process)\n`)
  console.log('| package | ms |')
  console.log('| --- | ---: |')
  for (const [name] of files) console.log(`| ${name} | ${median(times.get(name)!).toFixed(1)} |`)
  const ms = (name: string) => median(times.get(name)!)
  for (const ours of ['sigv4-presign (presignSync)', 'sigv4-presign (presign)']) {
    console.log(`- ${ours} cold start vs aws4: ${(ms('aws4') / ms(ours)).toFixed(2)}× (target ≥ 1×), vs aws4fetch: ${(ms('aws4fetch') / ms(ours)).toFixed(2)}× (target: well above 1×)`)
  }
}

/**
 * The engine is resolved on first use, never at import: a fresh process counts the calls of process.getBuiltinModule
 * while it imports the built package, and after its first presign; then without any `process` (as in a browser).
 */
function lazyEngine(): void {
  const dist = JSON.stringify(join(project, 'dist/index.js'))
  const options = `{ credentials: { accessKeyId: 'AK', secretAccessKey: 'S' }, region: 'us-east-1', service: 's3', signingDate: 0 }`
  const script = `const real = process.getBuiltinModule.bind(process)
let calls = 0
process.getBuiltinModule = (id) => (calls++, real(id))
const lib = await import(${dist})
const atImport = calls
const url = lib.presignSync({ url: ${JSON.stringify(url)} }, ${options})
const afterFirst = calls
lib.presignSync({ url: ${JSON.stringify(url)} }, ${options})
const saved = globalThis.process
globalThis.process = undefined
const browserLike = await import(${dist} + '?browser-like')
const same = browserLike.presignSync({ url: ${JSON.stringify(url)} }, ${options}) === url
globalThis.process = saved
console.log(JSON.stringify({ atImport, afterFirst, afterSecond: calls, same }))`
  const f = join(project, 'bench/.out/cold/lazy-engine.mjs')
  writeFileSync(f, script)
  const res = spawnSync(process.execPath, [f], { cwd: project, encoding: 'utf8' })
  const r = JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '{}') as { atImport: number; afterFirst: number; afterSecond: number; same: boolean }
  console.log('\n## Hash engine resolution (a fresh `node` process importing dist/index.js)\n')
  console.log(`- process.getBuiltinModule calls: ${r.atImport} at import (target 0), ${r.afterFirst} after the first presignSync, ${r.afterSecond} after the second (target 1)`)
  console.log(`- without any \`process\` (as in a browser): the import and presignSync work, on the pure-JS engine, with the same URL: ${r.same}`)
}

// ---------- bundle sizes: the same script and budgets as CI ----------
function sizes(): void {
  console.log('\n## Bundle size (esbuild, browser ESM, minified; `npm run size`)\n')
  spawnSync(process.execPath, [join(project, 'bench/size.mjs')], { cwd: project, stdio: 'inherit' })
}

// ---------- verification ----------
const VERIFY_SYNC = 'verifyPresignedSync'
const PRESIGN_SAME = 'presignSync of the same URL'

function verificationCases(sessionToken?: string): Case[] {
  const options: PresignOptions = { credentials: { accessKeyId, secretAccessKey, sessionToken }, region, service: 's3', expiresIn, signingDate }
  const signedUrl = presignSync({ url }, options)
  const creds = { accessKeyId, secretAccessKey, sessionToken }
  const keys = new Map([[accessKeyId, creds]])
  const verifyOptions = { credentials: (id: string) => keys.get(id), region, now: signingDate + 60_000 }
  const must = (ok: boolean) => {
    if (!ok) throw new Error('verification failed')
  }
  return [
    { name: VERIFY_SYNC, async: false, op: () => must(verifyPresignedSync({ method: 'GET', url: signedUrl }, verifyOptions).ok) },
    { name: `${VERIFY_SYNC}, pure-JS hash engine`, async: false, engine: 'js', op: () => must(verifyPresignedSync({ method: 'GET', url: signedUrl }, verifyOptions).ok) },
    { name: 'verifyPresigned (Web Crypto)', async: true, op: async () => must((await verifyPresigned({ method: 'GET', url: signedUrl }, verifyOptions)).ok) },
    { name: 'by hand with node:crypto (split, sort, createHash/createHmac, timingSafeEqual)', async: false, op: () => must(verifyByHand('GET', signedUrl, verifyOptions.now)) },
    { name: PRESIGN_SAME, async: false, op: () => presignSync({ url }, options) },
  ]
}

// ---------- Bun and Deno ----------
/**
 * bench/runtimes.ts (bundled by run.mjs) under Bun and Deno when they are installed (devDependencies): presignSync on
 * each hash engine, and on Bun its built-in `S3Client.presign`, for the same object URL, interleaved the same way.
 */
function otherRuntimes(): void {
  const script = join(project, 'bench/.out/runtimes.mjs')
  const runtimes: Array<[string, string, string[]]> = [
    ['Bun', join(project, 'node_modules/.bin/bun'), [script]],
    ['Deno', join(project, 'node_modules/.bin/deno'), ['run', '--allow-read', '--allow-env', script]],
  ]
  for (const [name, bin, args] of runtimes) {
    if (!existsSync(bin)) {
      console.log(`\n## ${name}: not installed (npm ci installs it), skipped`)
      continue
    }
    const r = spawnSync(bin, args, { cwd: project, encoding: 'utf8', env: { ...process.env, BENCH_ROUNDS: String(ROUNDS), BENCH_BATCH_MS: String(BATCH_MS) } })
    const line = r.stdout?.trim().split('\n').at(-1)
    if (r.status !== 0 || !line?.startsWith('{')) {
      console.log(`\n## ${name}: the bench failed (${r.status}): ${(r.stderr || r.stdout).slice(0, 400)}`)
      continue
    }
    const out = JSON.parse(line) as { version: string; samples: Record<string, number[]> }
    const g: GroupResult = { median: new Map(Object.entries(out.samples).map(([k, v]) => [k, median(v)])), samples: new Map(Object.entries(out.samples)) }
    const names = Object.keys(out.samples)
    console.log(`\n## ${name} ${out.version}: S3 GET of the same object URL, signed now (median of ${ROUNDS} interleaved rounds)\n`)
    console.log(`| case | µs/op | ${names[0]} is N× faster |`)
    console.log('| --- | ---: | ---: |')
    for (const n of names) console.log(`| ${n} | ${g.median.get(n)!.toFixed(2)} | ${n === names[0] ? '—' : pairedRatio(g, names[0]!, n).toFixed(2) + '×'} |`)
    const bunOwn = names.find((n) => n.startsWith('Bun S3Client.presign'))
    if (bunOwn) console.log(`\n- presignSync vs Bun's S3Client.presign: ${pairedRatio(g, names[0]!, bunOwn).toFixed(2)}× (target > 1×)`)
    const bunOwnToken = names.find((n) => n.startsWith('Bun S3Client.presign, ') && n.includes('token'))
    const oursToken = names.find((n) => n.startsWith('presignSync') && n.includes('token'))
    if (bunOwnToken && oursToken) console.log(`- with a ${token.length}-char session token: ${pairedRatio(g, oursToken, bunOwnToken).toFixed(2)}×`)
  }
}

// ---------- main ----------
console.log(`# sigv4-presign benchmark\n\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 10)}, ${ROUNDS} rounds`)

async function checkedCase(c: Case, creds?: { secretAccessKey: string; sessionToken?: string }): Promise<void> {
  useHashEngine(c.engine ?? 'auto')
  await checked(c.name, c.op, creds)
  useHashEngine('auto')
}

async function main(): Promise<void> {
  for (const sessionToken of [undefined, token]) {
    const cases: Case[] = Object.entries(contenders(sessionToken)).map(([name, c]) => ({ name, ...c }))
    for (const c of cases) await checkedCase(c, { secretAccessKey, sessionToken })
    const g = await group(`S3 GET of \`${path}\`, fixed date, cached signing key${sessionToken ? `, ${token.length}-char session token` : ''}`, cases, SYNC)
    console.log('')
    ratioLine(g, SYNC, 'aws4', 'presignSync vs aws4', '≥ 2.5×')
    console.log(`- presignSync / node:crypto floor (by hand): ${pairedRatio(g, FLOOR, SYNC).toFixed(2)}× (target ≤ 1.15×)`)
    console.log(`- presignSync / our string work + node:crypto: ${pairedRatio(g, OUR_STRINGS, SYNC).toFixed(2)}× (the hashing's share); our string work + node:crypto / floor: ${pairedRatio(g, FLOOR, OUR_STRINGS).toFixed(2)}× (the string work's)`)
    ratioLine(g, SYNC, SYNC_JS, 'presignSync, node:crypto engine vs pure-JS engine')
    ratioLine(g, SYNC_JS, 'aws4', 'presignSync, pure-JS engine (browsers) vs aws4')
    ratioLine(g, SYNC, 'aws4fetch (shared key cache)', 'presignSync vs aws4fetch', '≥ 40×')
    ratioLine(g, 'sigv4-presign presign (Web Crypto)', 'aws4fetch (shared key cache)', 'presign (Web Crypto) vs aws4fetch', '≥ 1.7×')
    ratioLine(g, 'sigv4-presign presign (Web Crypto)', '@smithy/signature-v4 + hash-node', 'presign (Web Crypto) vs smithy')
    ratioLine(g, 'sigv4-presign presign (Web Crypto)', 'AWS SDK getSignedUrl', 'presign (Web Crypto) vs AWS SDK')
  }

  for (const sessionToken of [undefined, token]) {
    const cases = verificationCases(sessionToken)
    for (const c of cases) {
      useHashEngine(c.engine ?? 'auto')
      await c.op()
    }
    const g = await group(`Verifying the presigned URL of \`${path}\`${sessionToken ? `, ${token.length}-char session token` : ''} (cached signing key)`, cases, VERIFY_SYNC)
    console.log('')
    console.log(`- verifyPresignedSync / presignSync of the same URL: ${pairedRatio(g, PRESIGN_SAME, VERIFY_SYNC).toFixed(2)}× (target ≤ 2×)`)
    ratioLine(g, VERIFY_SYNC, 'verifyPresigned (Web Crypto)', 'verifyPresignedSync vs verifyPresigned')
    ratioLine(g, VERIFY_SYNC, `${VERIFY_SYNC}, pure-JS hash engine`, 'verifyPresignedSync, node:crypto engine vs pure-JS engine')
    console.log(`- verifyPresignedSync / by hand with node:crypto: ${pairedRatio(g, 'by hand with node:crypto (split, sort, createHash/createHmac, timingSafeEqual)', VERIFY_SYNC).toFixed(2)}×`)
  }

  // The SHA-256 of the token case's canonical request: ours (the pure-JS engine), the fastest pure-JS SHA-256 we know
  // of (@noble/hashes), the one smithy pairs with for browsers (@aws-crypto/sha256-js), and node:crypto (our native engine uses hash()).
  const creq = plan(prepare({ url }, { credentials: { accessKeyId, secretAccessKey, sessionToken: token }, region, service: 's3', expiresIn, signingDate }), 'UNSIGNED-PAYLOAD').canonicalRequest
  const creqBytes = new TextEncoder().encode(creq)
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
  const hashes: Record<string, () => string> = {
    'sigv4-presign SHA-256 (pure JS)': () => sha256Hex(creq),
    '@noble/hashes sha256 (pure JS)': () => hex(nobleSha256(creqBytes)),
    '@aws-crypto/sha256-js (pure JS)': () => {
      const h = new AwsCryptoSha256()
      h.update(creqBytes)
      return hex(h.digestSync())
    },
    'node:crypto createHash (native)': () => createHash('sha256').update(creq).digest('hex'),
    'node:crypto hash() one-shot (native; our node:crypto engine)': () => oneShotHash('sha256', creq, 'hex'),
  }
  const expected = createHash('sha256').update(creqBytes).digest('hex')
  for (const [name, f] of Object.entries(hashes)) if (f() !== expected) throw new Error(`${name}: wrong SHA-256`)
  const blocks = Math.ceil((creqBytes.length + 9) / 64)
  const hg = await group(
    `SHA-256 of the token case's canonical request (${creqBytes.length} bytes, ${blocks} blocks)`,
    Object.entries(hashes).map(([name, op]) => ({ name, op, async: false })),
    'sigv4-presign SHA-256 (pure JS)',
  )
  console.log(`\n- our SHA-256: ${((hg.median.get('sigv4-presign SHA-256 (pure JS)')! / blocks) * 1000).toFixed(0)} ns per 64-byte block`)

  // Key cache misses: 2,048 rotating secrets.
  const secrets = Array.from({ length: 2048 }, (_, i) => `${secretAccessKey.slice(0, 30)}${String(i).padStart(10, '0')}`)
  let i = 0
  let j = 0
  let k = 0
  let m = 0
  let js = 0
  const next = (n: number) => secrets[n % secrets.length]!
  const rotating: Case[] = [
    { name: 'sigv4-presign presignSync', async: false, op: () => presignSync({ url }, { credentials: { accessKeyId, secretAccessKey: next(i++) }, region, service: 's3', expiresIn }) },
    { name: SYNC_JS, async: false, engine: 'js', op: () => presignSync({ url }, { credentials: { accessKeyId, secretAccessKey: next(js++) }, region, service: 's3', expiresIn }) },
    { name: 'sigv4-presign presign', async: true, op: () => presign({ url }, { credentials: { accessKeyId, secretAccessKey: next(j++) }, region, service: 's3', expiresIn }) },
    { name: 'aws4', async: false, op: () => aws4.sign({ host, path: `${path}?X-Amz-Expires=${expiresIn}`, service: 's3', region, signQuery: true }, { accessKeyId, secretAccessKey: next(k++) }) },
    {
      name: 'aws4fetch (shared key cache)',
      async: true,
      op: async () => (await new AwsV4Signer({ url: `${url}?X-Amz-Expires=${expiresIn}`, accessKeyId, secretAccessKey: next(m++), service: 's3', region, signQuery: true, cache: sharedAws4fetchCache as Map<string, ArrayBuffer> }).sign()).url,
    },
  ]
  for (const c of rotating) {
    const n = c.name === 'aws4' ? k : c.name === 'sigv4-presign presign' ? j : c.name === 'aws4fetch (shared key cache)' ? m : c.name === SYNC_JS ? js : i
    useHashEngine(c.engine ?? 'auto')
    const out = await c.op()
    useHashEngine('auto')
    check(`${c.name} (rotating)`, typeof out === 'string' ? out : out instanceof URL ? out.href : `https://${(out as { host: string }).host}${(out as { path: string }).path}`, { secretAccessKey: next(n) })
  }
  await group('S3 GET, 2,048 rotating secrets (signing-key cache misses)', rotating, 'sigv4-presign presignSync')

  // presign vs presignSync vs presignMany.
  const options: PresignOptions = { credentials: { accessKeyId, secretAccessKey }, region, service: 's3', expiresIn }
  const requests = Array.from({ length: 64 }, (_, n) => ({ url: `${url}?n=${n}` }))
  const many: Case[] = [
    { name: 'presignSync', async: false, op: () => presignSync({ url }, options) },
    { name: 'presign', async: true, op: () => presign({ url }, options) },
    { name: 'presignMany (64 per call, per URL)', async: true, perOp: 64, op: () => presignMany(requests, options) },
    { name: 'Promise.all of 64 presign (per URL)', async: true, perOp: 64, op: () => Promise.all(requests.map((r) => presign(r, options))) },
  ]
  for (const c of many) await checked(c.name, c.op)
  // What presignMany cannot go below on this design: one Web Crypto HMAC per URL, 64 in flight.
  const hmacKey = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const stsBytes = requests.map((_, n) => new TextEncoder().encode(`AWS4-HMAC-SHA256\n20261125T000000Z\n20261125/us-east-1/s3/aws4_request\n${String(n).padStart(64, '0')}`))
  many.push({ name: '64 bare crypto.subtle.sign in flight (per call)', async: true, perOp: 64, op: () => Promise.all(stsBytes.map((d) => crypto.subtle.sign('HMAC', hmacKey, d))) })
  const g = await group('presign vs presignSync vs presignMany', many, 'presignSync')
  console.log(`\n- presignMany per URL: ${g.median.get('presignMany (64 per call, per URL)')!.toFixed(1)} µs (target ≤ 30 µs)`)

  otherRuntimes()
  coldStart()
  lazyEngine()
  sizes()
}

await main()
