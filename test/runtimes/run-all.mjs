// Runs the vector suites against the BUILT package in every runtime, then the snippets of docs/runtimes.md:
//
//   npm run test:runtimes        (= npm run build && node test/runtimes/run-all.mjs)
//
// Runtimes: Node ESM (dist/index.js), Node CJS (dist/index.cjs), Deno, Bun (npm packages "deno",
// "bun"), headless Chromium (Debian's /usr/bin/chromium via playwright-core) and workerd (npm
// package "workerd"). Each runner prints `<runtime>: N passed, M failed`; this prints a table and
// exits non-zero unless every runtime passed the same N as Node ESM, N > 0, with no failure, and
// every snippet of docs/runtimes.md passed. Outside CI a runtime whose binary is missing is SKIPPED (loudly, with
// how to install it); with CI=true it is a failure. Every process runs with a time limit in its own
// process group and is killed on timeout or exit.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { prepareData } from './prepare-data.mjs'
import { INSTALL, distCjs, distEsm, findRuntime, here, outDir, parseSummary, run } from './tools.mjs'

const started = Date.now()
const CI = !!process.env.CI
if (!existsSync(distEsm) || !existsSync(distCjs)) {
  console.error('!!! dist/index.js or dist/index.cjs is missing: run `npm run build` first (npm run test:runtimes does).')
  process.exit(1)
}
const { file: data, data: cases } = prepareData()
console.log(
  `test:runtimes: ${cases.total} cases per runtime (${cases.crt.length} crt/v4, ${cases.v4a.length} crt/v4a, ${cases.botocore.length} botocore, ${cases.s3.length} S3 client, ${cases.signingNames.length} S3 signing names, ${cases.endpoints.length} S3 endpoints, ${cases.addresses.length} S3 addresses)`,
)

const denoEnv = { DENO_DIR: join(outDir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }
const script = (name) => join(here, name)
const RUNTIMES = [
  { name: 'node-esm', version: () => `node ${process.version}`, cmd: () => [process.execPath, [script('node-esm.mjs'), data]] },
  { name: 'node-cjs', version: () => `node ${process.version}`, cmd: () => [process.execPath, [script('node-cjs.cjs'), data]] },
  {
    name: 'deno',
    needs: 'deno',
    cmd: (bin) => [bin, ['run', '--no-config', '--no-lock', `--allow-read=${data}`, script('deno.mjs'), data]],
    env: denoEnv,
  },
  { name: 'bun', needs: 'bun', cmd: (bin) => [bin, [script('bun.mjs'), data]], env: { NO_COLOR: '1' } },
  { name: 'chromium', needs: 'chromium', cmd: () => [process.execPath, [script('browser.mjs'), data]] },
  { name: 'workerd', needs: 'workerd', cmd: () => [process.execPath, [script('workerd.mjs'), data]] },
]

const rows = []
for (const rt of RUNTIMES) {
  let bin
  let version = rt.version?.()
  if (rt.needs) {
    const found = findRuntime(rt.needs)
    if (!found.bin) {
      const why = `${found.missing}; install: ${INSTALL[rt.needs]}`
      console.log(`\n!!! ${rt.name}: ${CI ? 'MISSING (a failure in CI)' : 'SKIPPED'}: ${why}\n`)
      rows.push({ name: rt.name, version: '-', status: CI ? 'MISSING' : 'SKIPPED' })
      continue
    }
    bin = found.bin
    version = found.version
  }
  const [cmd, args] = rt.cmd(bin)
  const t0 = Date.now()
  const r = await run(cmd, args, { timeoutMs: 180_000, env: rt.env })
  const out = (r.stdout + r.stderr).trim()
  const counts = parseSummary(rt.name, out)
  console.log(`--- ${rt.name} (${version}${bin ? `, ${bin}` : ''}; ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  console.log(out.split('\n').slice(-40).join('\n'))
  if (r.timedOut) console.log(`!!! ${rt.name}: timed out, killed`)
  rows.push({ name: rt.name, version, ...counts, exit: r.code, timedOut: r.timedOut })
}

// The snippets of docs/runtimes.md (its own runner: it packs the package and runs each snippet in its runtime).
{
  const t0 = Date.now()
  const r = await run(process.execPath, [script('doc-snippets.mjs')], { timeoutMs: 300_000 })
  const out = (r.stdout + r.stderr).trim()
  console.log(`--- doc-snippets (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  console.log(out)
  const m = /^doc-snippets: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m.exec(out)
  rows.push({
    name: 'doc-snippets',
    version: 'docs/runtimes.md',
    ...(m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) } : {}),
    exit: r.code,
    timedOut: r.timedOut,
  })
}

// Verdict: every runtime passed the same N as Node ESM (N > 0, N = every case), none failed.
const reference = rows[0].passed
for (const row of rows) {
  if (row.status) continue
  const problems = []
  if (row.passed === undefined) problems.push('no summary line')
  if (row.timedOut) problems.push('timed out')
  if (row.exit !== 0) problems.push(`exit ${row.exit}`)
  if (row.failed > 0) problems.push(`${row.failed} failed`)
  if (row.name === 'doc-snippets') {
    if (row.passed + (CI ? 0 : row.skipped) !== 6 || (CI && row.skipped)) problems.push('expected 6 snippets to pass')
  } else {
    if (!(reference > 0)) problems.push('node-esm passed no case')
    if (row.passed !== reference) problems.push(`passed ${row.passed}, node-esm ${reference}`)
    if (row.passed + (row.failed ?? 0) !== cases.total) problems.push(`ran ${row.passed + (row.failed ?? 0)} of ${cases.total} cases`)
  }
  row.status = problems.length ? `FAILED: ${problems.join(', ')}` : 'ok'
}

const pad = (s, n) => String(s ?? '').padEnd(n)
const lpad = (s, n) => String(s ?? '-').padStart(n)
console.log(`\n${pad('runtime', 16)} ${pad('version', 28)} ${lpad('passed', 7)} ${lpad('failed', 7)}  status`)
for (const r of rows) {
  console.log(`${pad(r.name, 16)} ${pad(r.version, 28)} ${lpad(r.passed, 7)} ${lpad(r.failed, 7)}  ${r.status}`)
}
const bad = rows.filter((r) => r.status !== 'ok' && r.status !== 'SKIPPED')
const skipped = rows.filter((r) => r.status === 'SKIPPED')
if (skipped.length) console.log(`\n!!! SKIPPED (not installed): ${skipped.map((r) => r.name).join(', ')}. With CI=true that is a failure.`)
const total = rows.reduce((n, r) => n + (r.passed ?? 0), 0)
const failedTotal = rows.reduce((n, r) => n + (r.failed ?? 0), 0) + bad.filter((r) => !r.failed).length
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)
console.log(`test:runtimes: ${total} passed, ${failedTotal} failed`)
process.exitCode = bad.length === 0 ? 0 : 1
