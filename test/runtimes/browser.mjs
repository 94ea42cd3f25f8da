// Headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_BIN) driven by playwright-core:
//   node test/runtimes/browser.mjs <cases.json>
// Serves a page, dist/index.js, run-cases.mjs and the data from 127.0.0.1 (a secure context, so
// crypto.subtle exists), and runs the cases in the page as ES modules.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, distEsm, distGcsEsm, findRuntime, here, staticServer } from './tools.mjs'

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>sigv4-presign runtime test</title>
<script type="module">
  const done = (result) => { window.__result = result }
  try {
    const lib = await import('/dist/index.js')
    const gcs = await import('/dist/gcs.js')
    const { runCases } = await import('/run-cases.mjs')
    const data = await (await fetch('/cases.json')).json()
    const result = await runCases({ ...lib, gcs }, data)
    done({ ...result, secure: window.isSecureContext, subtle: !!globalThis.crypto?.subtle })
  } catch (e) {
    done({ passed: 0, failed: 1, failures: [{ suite: 'page', name: 'load', message: String(e && e.stack || e) }] })
  }
</script>`

/**
 * Open `url` in headless Chromium (a fresh profile, the flags above) and wait for `window.__result`
 * or, with `consoleUntil`, for a console message matching it. Returns `{ result, console, version }`.
 */
export async function runInChromium(url, { timeoutMs = 120_000, consoleUntil } = {}) {
  const found = findRuntime('chromium')
  if (!found.bin) throw new Error(found.missing)
  const profile = mkdtempSync(join(tmpdir(), 'sigv4-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: found.bin,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  })
  let timer
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    const lines = []
    const errors = []
    let seen
    const consoleSeen = new Promise((r) => (seen = r))
    page.on('console', (m) => {
      lines.push(m.text())
      if (consoleUntil?.test(m.text())) seen()
    })
    page.on('pageerror', (e) => errors.push(String(e)))
    const fail = (why) =>
      new Error(`${why}${errors.length ? '\npage errors: ' + errors.join('\n') : ''}${lines.length ? '\nconsole: ' + lines.join('\n') : ''}`)
    await page.goto(url, { timeout: 30_000 })
    if (consoleUntil) {
      const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(fail(`no console message matching ${consoleUntil}`)), timeoutMs)))
      await Promise.race([consoleSeen, timeout])
      return { console: lines, version: context.browser()?.version() ?? found.version }
    }
    try {
      await page.waitForFunction(() => window.__result !== undefined, null, { timeout: timeoutMs })
    } catch (e) {
      throw fail(`no result from the page: ${e.message}`)
    }
    return { result: await page.evaluate(() => window.__result), console: lines, version: context.browser()?.version() ?? found.version }
  } finally {
    clearTimeout(timer)
    await context.close().catch(() => {})
    rmSync(profile, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dataFile = process.argv[2]
  const server = await staticServer({
    routes: {
      '/': { body: PAGE, type: 'text/html; charset=utf-8' },
      '/dist/index.js': distEsm,
      '/dist/gcs.js': distGcsEsm,
      '/run-cases.mjs': join(here, 'run-cases.mjs'),
      '/gcs-cases.mjs': join(here, 'gcs-cases.mjs'),
      '/compare.mjs': join(here, 'compare.mjs'),
      '/cases.json': dataFile,
    },
  })
  const watchdog = setTimeout(() => {
    console.error('browser: timed out')
    process.exit(1)
  }, 170_000)
  try {
    const { result, version } = await runInChromium(server.origin + '/')
    console.log(`chromium ${version} at ${server.origin}: isSecureContext=${result.secure}, crypto.subtle=${result.subtle}`)
    for (const f of result.failures) console.log(`  FAIL ${f.suite}/${f.name}: ${f.message.split('\n').slice(0, 3).join(' | ')}`)
    console.log(`chromium: ${result.passed} passed, ${result.failed} failed`)
    process.exitCode = result.failed === 0 && result.passed > 0 ? 0 : 1
  } finally {
    clearTimeout(watchdog)
    await server.close()
  }
}
