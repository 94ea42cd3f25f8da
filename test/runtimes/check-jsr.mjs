// JSR packaging check (part of `npm run lint:package`): jsr.json has package.json's version and
// exports the TypeScript source, and `deno publish --dry-run` (the npm-installed deno) passes:
// it type-checks the public API and fails on slow types. Needs no network.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { INSTALL, findRuntime, outDir, projectRoot, run } from './tools.mjs'

const jsr = JSON.parse(readFileSync(join(projectRoot, 'jsr.json'), 'utf8'))
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'))
const problems = []
if (jsr.version !== pkg.version) problems.push(`jsr.json version ${jsr.version} is not package.json's ${pkg.version}`)
const expected = { '.': './src/index.ts', './upload': './src/upload/index.ts', './checksums': './src/checksums/index.ts', './credentials': './src/credentials/index.ts', './gcs': './src/gcs/index.ts' }
if (JSON.stringify(jsr.exports) !== JSON.stringify(expected)) problems.push(`jsr.json exports ${JSON.stringify(jsr.exports)}, expected ${JSON.stringify(expected)}`)

const deno = findRuntime('deno')
if (!deno.bin) {
  problems.push(`deno is missing (${deno.missing}); install: ${INSTALL.deno}`)
} else {
  const r = await run(deno.bin, ['publish', '--dry-run', '--allow-dirty'], {
    timeoutMs: 180_000,
    env: { DENO_DIR: join(outDir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  })
  process.stdout.write(`${deno.version}: deno publish --dry-run --allow-dirty\n${r.stdout}${r.stderr}`)
  if (r.code !== 0 || r.timedOut) problems.push(`deno publish --dry-run failed (exit ${r.code}${r.timedOut ? ', timed out' : ''})`)
}
for (const p of problems) console.error(`!!! ${p}`)
console.log(problems.length ? `jsr: FAILED (${problems.length} problems)` : `jsr: ${jsr.name}@${jsr.version} ok`)
process.exitCode = problems.length ? 1 : 0
