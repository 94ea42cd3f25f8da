// Cloudflare's workerd (npm package "workerd"): node test/runtimes/workerd.mjs <cases.json>
// A worker (ES modules: the worker, dist/index.js and dist/gcs.js as "sigv4-presign" and "sigv4-presign/gcs", run-cases.mjs, gcs-cases.mjs and
// the data as a JSON module) is served by `workerd serve` on 127.0.0.1; one fetch runs every case
// and answers with the counts; then workerd is stopped.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { distEsm, distGcsEsm, fetchWhenUp, findRuntime, freePort, here, outDir, start, workerdConfig } from './tools.mjs'

const WORKER = `import * as lib from 'sigv4-presign'
import * as gcs from 'sigv4-presign/gcs'
import { runCases } from 'run-cases.mjs'
import data from 'cases.json'

export default {
  async fetch() {
    return Response.json(await runCases({ ...lib, gcs }, data))
  },
}
`

/**
 * Serve `modules` ([name, kind, file] with files in `dir`) with workerd on 127.0.0.1, fetch `/`
 * once and stop it. Returns `{ status, body, log, version }`.
 */
export async function runInWorkerd(dir, modules, { bindings, timeoutMs = 120_000 } = {}) {
  const found = findRuntime('workerd')
  if (!found.bin) throw new Error(found.missing)
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    writeFileSync(join(dir, 'config.capnp'), workerdConfig({ port, modules, bindings }))
    const server = start(found.bin, ['serve', join(dir, 'config.capnp'), '--verbose'], { timeoutMs, cwd: dir })
    try {
      const exited = server.done.then((r) => {
        throw new Error(`workerd exited (code ${r.code}, signal ${r.signal}):\n${r.stdout}${r.stderr}`)
      })
      const res = await Promise.race([fetchWhenUp(`http://127.0.0.1:${port}/`, timeoutMs), exited])
      return { status: res.status, body: await res.text(), log: server.output(), version: found.version }
    } catch (e) {
      // Another process may have taken the port between freePort() and workerd's bind: try again.
      if (attempt < 3 && /Address already in use/i.test(server.output())) continue
      throw e
    } finally {
      server.stop()
      await server.done
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = join(outDir, 'workerd')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'worker.mjs'), WORKER)
  copyFileSync(distEsm, join(dir, 'index.js'))
  copyFileSync(distGcsEsm, join(dir, 'gcs.js'))
  copyFileSync(join(here, 'run-cases.mjs'), join(dir, 'run-cases.mjs'))
  copyFileSync(join(here, 'gcs-cases.mjs'), join(dir, 'gcs-cases.mjs'))
  copyFileSync(join(here, 'compare.mjs'), join(dir, 'compare.mjs'))
  copyFileSync(process.argv[2], join(dir, 'cases.json'))
  const { status, body, log, version } = await runInWorkerd(dir, [
    ['worker.mjs', 'esModule', 'worker.mjs'],
    ['sigv4-presign', 'esModule', 'index.js'],
    ['sigv4-presign/gcs', 'esModule', 'gcs.js'],
    ['run-cases.mjs', 'esModule', 'run-cases.mjs'],
    ['gcs-cases.mjs', 'esModule', 'gcs-cases.mjs'],
    ['compare.mjs', 'esModule', 'compare.mjs'],
    ['cases.json', 'json', 'cases.json'],
  ])
  let result
  try {
    result = JSON.parse(body)
  } catch {
    console.log(`workerd answered ${status}: ${body.slice(0, 2000)}\n${log.slice(-4000)}`)
    result = { passed: 0, failed: 1, failures: [] }
  }
  console.log(`${version}: HTTP ${status}`)
  for (const f of result.failures) console.log(`  FAIL ${f.suite}/${f.name}: ${f.message.split('\n').slice(0, 3).join(' | ')}`)
  console.log(`workerd: ${result.passed} passed, ${result.failed} failed`)
  process.exitCode = result.failed === 0 && result.passed > 0 ? 0 : 1
}
