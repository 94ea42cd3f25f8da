// node bench/checksums.mjs: throughput (MB/s, 10^6 bytes per second) of sigv4-presign/checksums against the fastest
// pure-JS peers on npm, WASM (hash-wasm) and native code (node:crypto, zlib.crc32, aws-crt, Web Crypto) for reference,
// on 1 KiB, 64 KiB and 16 MiB inputs. All candidates of one algorithm and size run interleaved, round by round (the
// order rotated each round) after a warm-up; each figure is the median of the rounds. No pass/fail: it only prints.
//
// It needs no build: esbuild bundles src/checksums/index.ts (the source) and each peer into bench/.out/. Peers are
// bundled for the browser (platform 'browser'), so each is the code a browser gets (the AWS SDK's JavaScript CRCs,
// not its CRT binding). A peer that is not installed is listed as such. Every candidate is first checked to give the
// same digest as ours on two inputs, and left out (loudly) if it does not.
//
// Env: BENCH_ROUNDS (default 9), BENCH_SIZES (bytes, default 1024,65536,16777216), BENCH_ONLY (e.g. CRC32C,SHA256),
// BENCH_SAMPLE_BYTES (bytes hashed per sample at the small sizes, default 8 MiB).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { arch, cpus } from 'node:os'
import zlib from 'node:zlib'
import { build } from 'esbuild'

const project = new URL('..', import.meta.url).pathname
const out = new URL('./.out/', import.meta.url)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9)
const SIZES = (process.env.BENCH_SIZES ?? '1024,65536,16777216').split(',').map(Number)
const ONLY = process.env.BENCH_ONLY?.split(',')
const SAMPLE_BYTES = Number(process.env.BENCH_SAMPLE_BYTES ?? 8 << 20)

// ------------------------------------------------------------------------------------------------ building

// `browserOnly`: the peer takes a Node path when it sees `process` (js-sha1, js-sha256 and js-md5 hash Buffers with
// node:crypto there); hiding `process` keeps it on its JavaScript code, as in a browser.
async function bundle(name, contents, platform = 'browser', browserOnly = false) {
  const outfile = new URL(`${name}.mjs`, out).pathname
  const define = browserOnly ? { process: 'undefined' } : {}
  await build({ stdin: { contents, resolveDir: project, loader: 'ts' }, bundle: true, format: 'esm', platform, outfile, define, logLevel: 'silent' })
  return import(`${new URL(`${name}.mjs`, out).href}?${Date.now()}`)
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(`${project}node_modules/${pkg}/package.json`, 'utf8')).version
  } catch {
    return undefined
  }
}

const ours = await bundle('checksums', `export * from './src/checksums/index.ts'`, 'neutral')
const core = await bundle('core-sha256', `export { sha256 } from './src/core/sha256.ts'`, 'neutral')

// A peer: [algorithm, label, kind, package (for its version), module source exporting an async factory of (bytes) => digest].
const PEERS = [
  ['CRC32', 'crc-32 (SheetJS)', 'JS', 'crc-32', `import C from 'crc-32'; export default async () => (d) => C.buf(d)`],
  ['CRC32', '@aws-crypto/crc32', 'JS', '@aws-crypto/crc32', `import { crc32 } from '@aws-crypto/crc32'; export default async () => (d) => crc32(d)`],
  ['CRC32', 'AWS SDK v3 browser (@smithy/core Crc32Js)', 'JS', '@smithy/core',
    `import { Crc32Js } from '@smithy/core/checksum'; export default async () => (d) => { const h = new Crc32Js(); h.update(d); return h.digestSync() }`],
  ['CRC32', 'hash-wasm crc32', 'WASM', 'hash-wasm', wasm(`createCRC32()`)],
  ['CRC32C', 'crc-32/crc32c (SheetJS)', 'JS', 'crc-32', `import C from 'crc-32/crc32c'; export default async () => (d) => C.buf(d)`],
  ['CRC32C', '@aws-crypto/crc32c', 'JS', '@aws-crypto/crc32c', `import { crc32c } from '@aws-crypto/crc32c'; export default async () => (d) => crc32c(d)`],
  ['CRC32C', 'AWS SDK v3 browser (@aws-sdk/checksums Crc32cJs)', 'JS', '@aws-sdk/checksums',
    `import { Crc32c } from '@aws-sdk/checksums/crc'; export default async () => async (d) => { const h = new Crc32c(); h.update(d); return h.digest() }`],
  ['CRC32C', 'hash-wasm crc32 (0x82f63b78)', 'WASM', 'hash-wasm', wasm(`createCRC32(0x82f63b78)`)],
  ['CRC64NVME', '@aws-sdk/crc64-nvme (the AWS SDK\'s JS CRC64NVME)', 'JS', '@aws-sdk/crc64-nvme',
    `import { Crc64Nvme } from '@aws-sdk/crc64-nvme'; export default async () => async (d) => { const h = new Crc64Nvme(); h.update(d); return h.digest() }`],
  ['CRC64NVME', 'hash-wasm crc64 (NVME polynomial)', 'WASM', 'hash-wasm', wasm(`createCRC64('9a6c9329ac4bc9b5')`)],
  ['SHA1', '@noble/hashes sha1 (legacy)', 'JS', '@noble/hashes', `import { sha1 } from '@noble/hashes/legacy.js'; export default async () => (d) => sha1(d)`],
  ['SHA1', 'js-sha1', 'JS', 'js-sha1', `import s from 'js-sha1'; export default async () => (d) => s.arrayBuffer(d)`],
  ['SHA1', 'AWS SDK v3 browser (@aws-sdk/checksums Sha1Js)', 'JS', '@aws-sdk/checksums',
    `import { Sha1Js } from '@aws-sdk/checksums/sha'; export default async () => async (d) => { const h = new Sha1Js(); h.update(d); return h.digest() }`],
  ['SHA1', 'hash-wasm sha1', 'WASM', 'hash-wasm', wasm(`createSHA1()`)],
  ['SHA256', '@noble/hashes sha256', 'JS', '@noble/hashes', `import { sha256 } from '@noble/hashes/sha2.js'; export default async () => (d) => sha256(d)`],
  ['SHA256', '@aws-crypto/sha256-js', 'JS', '@aws-crypto/sha256-js',
    `import { Sha256 } from '@aws-crypto/sha256-js'; export default async () => (d) => { const h = new Sha256(); h.update(d); return h.digestSync() }`],
  ['SHA256', 'js-sha256', 'JS', 'js-sha256', `import s from 'js-sha256'; export default async () => (d) => s.sha256.arrayBuffer(d)`],
  ['SHA256', 'hash-wasm sha256', 'WASM', 'hash-wasm', wasm(`createSHA256()`)],
  ['MD5', 'spark-md5', 'JS', 'spark-md5', `import S from 'spark-md5'; export default async () => (d) => S.ArrayBuffer.hash(d.buffer)`],
  ['MD5', 'js-md5', 'JS', 'js-md5', `import m from 'js-md5'; export default async () => (d) => m.arrayBuffer(d)`],
  ['MD5', '@noble/hashes md5 (legacy)', 'JS', '@noble/hashes', `import { md5 } from '@noble/hashes/legacy.js'; export default async () => (d) => md5(d)`],
  ['MD5', 'AWS SDK v3 browser (@smithy/core Md5Js)', 'JS', '@smithy/core',
    `import { Md5Js } from '@smithy/core/checksum'; export default async () => async (d) => { const h = new Md5Js(); h.update(d); return h.digest() }`],
  ['MD5', 'hash-wasm md5', 'WASM', 'hash-wasm', wasm(`createMD5()`)],
]

function wasm(create) {
  return `import * as w from 'hash-wasm'; export default async () => { const h = await w.${create}; return (d) => { h.init(); h.update(d); return h.digest('binary') } }`
}

const CREATE = { CRC32: 'createCrc32', CRC32C: 'createCrc32c', CRC64NVME: 'createCrc64Nvme', SHA1: 'createSha1', SHA256: 'createSha256', MD5: 'createMd5' }
const NODE = { SHA1: 'sha1', SHA256: 'sha256', MD5: 'md5' }

/** The same bytes as a Blob, made once per input (outside the timing). */
const blobs = new WeakMap()
function blobOf(d) {
  if (!blobs.has(d)) blobs.set(d, new Blob([d]))
  return blobs.get(d)
}

/** Every candidate of one algorithm: [label, kind, fn]. `fn(bytes)` returns the digest (bytes, a number, hex), maybe a promise. */
async function candidates(algorithm) {
  const create = ours[CREATE[algorithm]]
  const oneShot = ours[algorithm.toLowerCase()]
  const list = [[`ours: ${CREATE[algorithm]}().update(d).digest()`, 'JS', (d) => create().update(d).digest()]]
  if (algorithm === 'SHA1' || algorithm === 'SHA256') {
    list.push([`ours: await ${algorithm.toLowerCase()}(d) (Web Crypto from 16 KiB)`, 'JS + Web Crypto', async (d) => Buffer.from(await oneShot(d), 'base64')])
  }
  const viaBlob = algorithm === 'SHA1' || algorithm === 'SHA256' ? ' (Web Crypto if one slice)' : ''
  list.push([`ours: await ${algorithm.toLowerCase()}(blob), 4 MiB slices${viaBlob}`, 'JS', async (d) => Buffer.from(await oneShot(blobOf(d)), 'base64')])
  if (algorithm === 'SHA256') list.push(['core/sha256.ts (presignSync\'s one-shot)', 'JS', core.sha256])
  for (const [alg, label, kind, pkg, source] of PEERS) {
    if (alg !== algorithm) continue
    const v = version(pkg)
    try {
      const mod = await bundle(`peer-${label.replace(/[^a-z0-9]+/gi, '-')}`, source, 'browser', pkg.startsWith('js-'))
      list.push([`${label} ${v ?? ''}`.trim(), kind, await mod.default()])
    } catch (e) {
      console.log(`  (${label}: not installed or failed to load: ${String(e.message ?? e).split('\n')[0]})`)
    }
  }
  if (NODE[algorithm]) {
    const name = NODE[algorithm]
    list.push(['node:crypto createHash', 'native', (d) => createHash(name).update(d).digest()])
    if (algorithm !== 'MD5') list.push(['Web Crypto subtle.digest', 'native', (d) => crypto.subtle.digest(algorithm === 'SHA1' ? 'SHA-1' : 'SHA-256', d)])
  }
  if (algorithm === 'CRC32' && typeof zlib.crc32 === 'function') list.push(['node:zlib crc32', 'native', (d) => zlib.crc32(d)])
  const crt = await awsCrt()
  if (crt && algorithm.startsWith('CRC')) {
    const fn = { CRC32: crt.crc32, CRC32C: crt.crc32c, CRC64NVME: crt.crc64nvme }[algorithm]
    list.push([`aws-crt checksums.${fn.name} ${version('aws-crt') ?? ''}`.trim(), 'native', (d) => fn(d)])
  }
  return list
}

let crtModule
async function awsCrt() {
  if (crtModule === undefined) crtModule = await import('aws-crt').then((m) => (m.default ?? m).checksums, () => null)
  return crtModule
}

// ------------------------------------------------------------------------------------------------ checking and timing

function hex(value) {
  if (typeof value === 'number') return (value >>> 0).toString(16).padStart(8, '0')
  if (typeof value === 'string') return value.toLowerCase()
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Seeded bytes (xorshift32), each size its own standalone buffer (spark-md5 hashes `d.buffer`). */
function randomBytes(n, seed) {
  const d = new Uint8Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    d[i] = s
  }
  return d
}

async function digestOf(fn, d) {
  return hex(await fn(d))
}

/** One sample: `ops` calls on `d`; MB/s. */
async function sample(fn, d, ops) {
  let sink = 0
  const t = performance.now()
  for (let i = 0; i < ops; i++) {
    let r = fn(d)
    if (r instanceof Promise) r = await r
    sink ^= typeof r === 'number' ? r : 1
  }
  const ms = performance.now() - t
  globalThis.__sink = sink
  return (d.length * ops) / (ms / 1000) / 1e6
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function measure(list, size) {
  const d = randomBytes(size, 0x9e3779b9 ^ size)
  const ops = Math.max(1, Math.round(SAMPLE_BYTES / size))
  for (const [, , fn] of list) await sample(fn, d, ops)
  const rates = list.map(() => [])
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < list.length; k++) {
      const i = (k + r) % list.length
      rates[i].push(await sample(list[i][2], d, ops))
    }
  }
  return rates.map(median)
}

// ------------------------------------------------------------------------------------------------ running

const kib = (n) => (n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`)
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1))
console.log(`# sigv4-presign/checksums throughput, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${arch()}, ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}`)
console.log(`${ROUNDS} interleaved rounds, median; MB/s = 10^6 bytes/s; "ours ×" = our hasher's MB/s ÷ the row's (above 1: ours is faster).`)
console.log('Kinds: JS = pure JavaScript; WASM = WebAssembly (hash-wasm); native = C/C++/assembly (node:crypto, zlib, aws-crt, Web Crypto).\n')
const summary = []
for (const algorithm of Object.keys(CREATE)) {
  if (ONLY && !ONLY.includes(algorithm)) continue
  const all = await candidates(algorithm)
  const list = []
  const probes = [randomBytes(1000, 7), randomBytes(65536 + 13, 11)]
  const want = await Promise.all(probes.map((p) => digestOf(all[0][2], p)))
  for (const c of all) {
    const got = await Promise.all(probes.map((p) => digestOf(c[2], p).catch((e) => `error ${e}`)))
    if (got.every((g, i) => g === want[i])) list.push(c)
    else console.log(`  LEFT OUT ${c[0]}: digest ${got[0]} != ours ${want[0]}`)
  }
  const bySize = []
  for (const size of SIZES) bySize.push(await measure(list, size))
  console.log(`## ${algorithm}\n`)
  console.log(`| implementation | kind | ${SIZES.map(kib).join(' | ')} |`)
  console.log(`| --- | --- | ${SIZES.map(() => '---:').join(' | ')} |`)
  list.forEach(([label, kind], i) => {
    const cells = SIZES.map((_, s) => (i === 0 ? `**${fmt(bySize[s][0])}**` : `${fmt(bySize[s][i])} (ours ${(bySize[s][0] / bySize[s][i]).toFixed(2)}×)`))
    console.log(`| ${label} | ${kind} | ${cells.join(' | ')} |`)
  })
  const peerRows = list.map((c, i) => [c, i]).filter(([c, i]) => i > 0 && c[1] === 'JS' && !c[0].startsWith('ours') && !c[0].startsWith('core/'))
  const best = SIZES.map((_, s) => {
    const [c, i] = peerRows.reduce((a, b) => (bySize[s][b[1]] > bySize[s][a[1]] ? b : a), peerRows[0] ?? [undefined, -1])
    return c ? `${(bySize[s][0] / bySize[s][i]).toFixed(2)}× (${c[0].split(' ')[0]})` : '—'
  })
  summary.push(`| ${algorithm} | ${best.join(' | ')} |`)
  console.log('')
}
console.log(`## Ours ÷ the fastest pure-JS peer at each size\n`)
console.log(`| algorithm | ${SIZES.map(kib).join(' | ')} |`)
console.log(`| --- | ${SIZES.map(() => '---:').join(' | ')} |`)
for (const line of summary) console.log(line)
