// Runs the snippets of docs/runtimes.md (the per-runtime examples the README links to), exactly as
// written, each in its runtime, against the PACKED package (`npm pack`, unpacked into
// node_modules/sigv4-presign of a scratch folder, so `import 'sigv4-presign'` resolves as it does for
// a user), and checks that each prints the AWS documentation example URL (signature aeeed9bb…d404).
//
//   node test/runtimes/doc-snippets.mjs      (after npm run build; npm run test:runtimes runs it)
//
// A snippet is a fenced block whose info string has `runtime=<name>`: node-esm, node-cjs, deno,
// bun, browser (an HTML page, run in headless Chromium from 127.0.0.1) and worker (a Cloudflare
// Worker module, run in workerd with the credentials as text bindings). Each must appear exactly once
// in the file; a block with an unknown runtime, or a missing file, is a failure.
// Prints `doc-snippets: N passed, M failed` (and `, K skipped` outside CI when a runtime is missing).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInChromium } from './browser.mjs'
import { DOC_SIGNATURE, INSTALL, findRuntime, outDir, projectRoot, run, staticServer } from './tools.mjs'
import { runInWorkerd } from './workerd.mjs'

const EXPECTED_URL =
  'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
  `&X-Amz-SignedHeaders=host&X-Amz-Expires=86400&X-Amz-Signature=${DOC_SIGNATURE}`
const RUNTIMES = ['node-esm', 'node-cjs', 'deno', 'bun', 'browser', 'worker']
/** The guide that holds the snippets (linked from README.md). */
export const SNIPPETS_FILE = join('docs', 'runtimes.md')

/** The fenced code blocks of docs/runtimes.md that name a runtime: `[{ lang, runtime, code }]`. */
export function runtimeSnippets(markdown) {
  if (!markdown.startsWith('# Runtimes\n')) throw new Error(`${SNIPPETS_FILE} does not start with "# Runtimes"`)
  const blocks = []
  for (const m of markdown.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    const runtime = /(?:^|\s)runtime=(\S+)/.exec(m[2])?.[1]
    if (runtime) blocks.push({ lang: m[1], runtime, code: m[3] })
  }
  return blocks
}

/** `npm pack` the project as built (no prepare/prepack scripts: dist/ is what the runtime tests ran) and unpack it as `<dir>/node_modules/sigv4-presign`. */
async function installPacked(dir) {
  const pack = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { timeoutMs: 120_000 })
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stdout}${pack.stderr}`)
  const [{ filename, files }] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))
  const target = join(dir, 'node_modules', 'sigv4-presign')
  mkdirSync(target, { recursive: true })
  const untar = await run('tar', ['-xzf', join(dir, filename), '-C', target, '--strip-components=1'], { timeoutMs: 60_000 })
  if (untar.code !== 0) throw new Error(`tar failed:\n${untar.stderr}`)
  return { version: JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).version, files: files.length }
}

/** Run one snippet; resolves to what it printed. */
async function runSnippet(dir, { runtime, code }, bins) {
  const proc = async (cmd, args, file, env) => {
    writeFileSync(join(dir, file), code)
    const r = await run(cmd, [...args, file], { cwd: dir, timeoutMs: 90_000, env })
    if (r.code !== 0 || r.timedOut) throw new Error(`exit ${r.code}${r.timedOut ? ' (timed out)' : ''}:\n${r.stdout}${r.stderr}`)
    return r.stdout
  }
  switch (runtime) {
    case 'node-esm':
      return proc(process.execPath, [], 'main.mjs')
    case 'node-cjs':
      return proc(process.execPath, [], 'main.cjs')
    case 'deno':
      return proc(bins.deno, ['run', '--no-lock'], 'main.ts', { DENO_DIR: join(outDir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' })
    case 'bun':
      return proc(bins.bun, [], 'main.ts', { NO_COLOR: '1' })
    case 'browser': {
      writeFileSync(join(dir, 'index.html'), `<!doctype html>\n<meta charset="utf-8">\n<title>docs/runtimes.md snippet</title>\n${code}`)
      const server = await staticServer({ root: dir, routes: { '/': join(dir, 'index.html') } })
      try {
        const { console: lines } = await runInChromium(server.origin + '/', { timeoutMs: 60_000, consoleUntil: /X-Amz-Signature=/ })
        return lines.join('\n')
      } finally {
        await server.close()
      }
    }
    case 'worker': {
      writeFileSync(join(dir, 'worker.js'), code)
      const { status, body } = await runInWorkerd(
        dir,
        [
          ['worker.js', 'esModule', 'worker.js'],
          ['sigv4-presign', 'esModule', 'node_modules/sigv4-presign/dist/index.js'],
        ],
        { bindings: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, timeoutMs: 60_000 },
      )
      if (status !== 200) throw new Error(`worker answered ${status}: ${body}`)
      return body
    }
    default:
      throw new Error(`unknown runtime=${runtime}`)
  }
}

const NEEDS = { deno: 'deno', bun: 'bun', browser: 'chromium', worker: 'workerd' }

export async function main() {
  const snippets = runtimeSnippets(readFileSync(join(projectRoot, SNIPPETS_FILE), 'utf8'))
  let passed = 0
  let failed = 0
  let skipped = 0
  const fail = (what, why) => {
    failed++
    console.log(`snippet/${what}: FAILED ${why}`)
  }
  for (const name of RUNTIMES) {
    const n = snippets.filter((s) => s.runtime === name).length
    if (n !== 1) fail(name, `${SNIPPETS_FILE} has ${n} snippets with runtime=${name}, expected 1`)
  }
  for (const s of snippets) if (!RUNTIMES.includes(s.runtime)) fail(s.runtime, `unknown runtime=${s.runtime} (known: ${RUNTIMES.join(', ')})`)

  const dir = join(outDir, 'snippets')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const pkg = await installPacked(dir)
  // As `npm install sigv4-presign` leaves it (Deno reads node_modules through package.json too).
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { 'sigv4-presign': pkg.version } }, null, 2))
  for (const f of readdirSync(dir)) if (f.endsWith('.tgz')) rmSync(join(dir, f))
  console.log(`doc-snippets: packed sigv4-presign@${pkg.version} (${pkg.files} files) into ${dir}/node_modules`)

  const bins = {}
  for (const s of snippets) {
    if (!RUNTIMES.includes(s.runtime)) continue
    const need = NEEDS[s.runtime]
    if (need) {
      const found = findRuntime(need)
      if (!found.bin) {
        if (process.env.CI) {
          fail(s.runtime, `${need} is missing (${found.missing}); install: ${INSTALL[need]}`)
        } else {
          skipped++
          console.log(`snippet/${s.runtime}: SKIPPED, ${need} is missing (${found.missing}); install: ${INSTALL[need]}`)
        }
        continue
      }
      bins[need] = found.bin
    }
    try {
      const printed = await runSnippet(dir, s, bins)
      const line = printed.split('\n').map((l) => l.trim()).find((l) => l.startsWith('https://'))
      if (line !== EXPECTED_URL) throw new Error(`printed ${JSON.stringify(printed.slice(0, 600))}, expected the URL ${EXPECTED_URL}`)
      passed++
      console.log(`snippet/${s.runtime}: ok (X-Amz-Signature=${DOC_SIGNATURE.slice(0, 8)}…)`)
    } catch (e) {
      fail(s.runtime, String(e?.message ? e.message : e))
    }
  }
  console.log(`doc-snippets: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  return { passed, failed, skipped, expected: RUNTIMES.length }
}

if (import.meta.url.endsWith('/doc-snippets.mjs') && process.argv[1]?.endsWith('doc-snippets.mjs')) {
  const r = await main()
  process.exitCode = r.failed === 0 && r.passed + r.skipped === r.expected ? 0 : 1
}
