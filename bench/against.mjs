// npm run bench:against -- REV: this checkout's build against the build of an earlier revision, for refactors that
// must be no bigger and no slower. First each function's browser bundle (min+gzip, as `npm run size`); then its speed
// on the workload of `npm run bench` (an S3 GET of a key that needs escapes, fixed date, cached signing key; with and
// without a 760-char session token), both builds in one process, interleaved round by round after a warm-up, every
// output first checked to be the same string in both. Medians of per-round µs/op and the ratio this / REV.
//
// BENCH_ENGINE=js|native pins the synchronous paths' SHA-256 in the builds that can choose (useHashEngine); a build
// from before that choice has only the built-in JS one, so compare with it under BENCH_ENGINE=js. REV is built in a
// temporary git worktree (its own tsup, this checkout's node_modules), removed afterwards. Run `npm run build` first.
// Figures from one run on one machine; compare ratios, not µs, across machines.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const project = new URL('..', import.meta.url).pathname
const rev = process.argv[2]
if (!rev) {
  console.error('usage: npm run bench:against -- REV   (a commit, tag or branch to compare this build with)')
  process.exit(2)
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 25)

const git = (...args) => execFileSync('git', ['-C', project, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
const commit = git('rev-parse', '--verify', `${rev}^{commit}`)
const here = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+changes' : '')

if (!existsSync(join(project, 'dist/index.js'))) {
  console.error('dist/index.js is missing: run npm run build first')
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'sigv4-against-'))
const tree = join(dir, 'tree')

/** Bundled min+gzip bytes of `names` from the package in `root` (all of it for `*`); `undefined` when not exported. */
async function bundleSize(root, names) {
  try {
    const contents = names === '*' ? `export * from './dist/index.js'` : `export { ${names} } from './dist/index.js'`
    const r = await build({ stdin: { contents, resolveDir: root, loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' })
    return gzipSync(r.outputFiles[0].contents, { level: 9 }).length
  } catch {
    return undefined
  }
}
const BUNDLES = ['presign', 'presignSync', 'presignS3', 'verifyPresigned', 'verifyPresignedSync', 'presignPost', 'verifyPost', 'rdsAuthToken', '*']
const sizes = []

let other
try {
  git('worktree', 'add', '--detach', '--quiet', tree, commit)
  symlinkSync(join(project, 'node_modules'), join(tree, 'node_modules'))
  console.log(`building ${rev} (${commit.slice(0, 7)}) in ${tree} ...`)
  execFileSync('npx', ['tsup', '--silent'], { cwd: tree, stdio: ['ignore', 'ignore', 'inherit'] })
  other = await import(pathToFileURL(join(tree, 'dist/index.js')).href)
  for (const names of BUNDLES) sizes.push([names, await bundleSize(tree, names), await bundleSize(project, names)])
} finally {
  git('worktree', 'remove', '--force', tree)
  rmSync(dir, { recursive: true, force: true })
}
const ours = await import(pathToFileURL(join(project, 'dist/index.js')).href)
const engine = process.env.BENCH_ENGINE
if (engine) for (const lib of [other, ours]) lib.useHashEngine?.(engine)

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const sessionToken = ('IQoJb3JpZ2luX2VjEXAMPLE/+' + 'A'.repeat(40)).repeat(12).slice(0, 760)
const url = 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/2026/some%20file%2Bname%20%C3%BC.jpg'
const signingDate = Date.parse('2026-11-25T12:00:00Z')
const options = (token) => ({ credentials: token ? { ...credentials, sessionToken: token } : credentials, region: 'us-east-1', service: 's3', expiresIn: 3600, signingDate })
const lookup = (id) => (id === credentials.accessKeyId ? credentials : undefined)

/** The cases both builds have: [name, (lib) => op | undefined], an op returning the value to compare. */
const cases = [
  ['presignSync', (lib) => lib.presignSync && (() => lib.presignSync({ method: 'GET', url }, options()))],
  ['presignSync, session token', (lib) => lib.presignSync && (() => lib.presignSync({ method: 'GET', url }, options(sessionToken)))],
  ['presign (Web Crypto)', (lib) => lib.presign && (() => lib.presign({ method: 'GET', url }, options()))],
  ['verifyPresignedSync', (lib) => lib.verifyPresignedSync && signedBy(lib, (signed) => () => lib.verifyPresignedSync({ method: 'GET', url: signed }, { credentials: lookup, now: signingDate + 1000 }).ok)],
  ['verifyPresigned', (lib) => lib.verifyPresigned && signedBy(lib, (signed) => () => lib.verifyPresigned({ method: 'GET', url: signed }, { credentials: lookup, now: signingDate + 1000 }).then((r) => r.ok))],
]
function signedBy(lib, make) {
  return lib.presignSync ? make(lib.presignSync({ method: 'GET', url }, options())) : undefined
}

/** µs per op of one batch of about BATCH_MS (a synchronous op runs without an await between calls). */
async function batch(op, isAsync) {
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < BATCH_MS) {
    if (isAsync) for (let i = 0; i < 50; i++) await op()
    else for (let i = 0; i < 50; i++) op()
    n += 50
    now = performance.now()
  }
  return ((now - start) * 1000) / n
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]

console.log(`\nthis build (${here}) against ${rev} (${commit.slice(0, 7)})\n`)
console.log(`| browser bundle (min+gzip bytes) | ${rev} | this | change |`)
console.log('| --- | ---: | ---: | ---: |')
for (const [names, a, b] of sizes) {
  const name = names === '*' ? 'whole package' : `${names} only`
  console.log(`| ${name} | ${a ?? 'absent'} | ${b ?? 'absent'} | ${a && b ? `${((b / a - 1) * 100).toFixed(1)} %` : '—'} |`)
}
console.log(`\nNode ${process.versions.node}, ${ROUNDS} rounds${engine ? `, hash engine ${engine}` : ''}\n`)
console.log(`| case | ${rev} µs/op | this µs/op | this / ${rev} |`)
console.log('| --- | ---: | ---: | ---: |')
let differs = false
for (const [name, make] of cases) {
  const a = make(other)
  const b = make(ours)
  if (!a || !b) {
    console.log(`| ${name} | ${a ? '' : 'absent'} | ${b ? '' : 'absent'} | — |`)
    continue
  }
  const isAsync = a() instanceof Promise
  const [ra, rb] = [await a(), await b()]
  if (ra !== rb) {
    differs = true
    console.log(`| ${name} | outputs differ: ${String(ra).slice(0, 60)} … vs ${String(rb).slice(0, 60)} … | | |`)
    continue
  }
  for (let i = 0; i < 3; i++) {
    await batch(a, isAsync)
    await batch(b, isAsync)
  }
  const ta = []
  const tb = []
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which build goes first, so that neither always runs on a warmer or cooler machine.
    if (r & 1) {
      tb.push(await batch(b, isAsync))
      ta.push(await batch(a, isAsync))
    } else {
      ta.push(await batch(a, isAsync))
      tb.push(await batch(b, isAsync))
    }
  }
  const [ma, mb] = [median(ta), median(tb)]
  console.log(`| ${name} | ${ma.toFixed(3)} | ${mb.toFixed(3)} | ${(mb / ma).toFixed(2)}× |`)
}
if (differs) {
  console.error('\nthe two builds produce different outputs for the same inputs')
  process.exit(1)
}
