// Node-side helpers for the runtime tests: finding the runtime binaries, running processes with a
// time limit (each in its own process group, killed with its children on timeout or exit),
// a free loopback port and a tiny static file server bound to 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const here = fileURLToPath(new URL('.', import.meta.url))
export const projectRoot = resolve(here, '../..')
export const nodeModules = join(projectRoot, 'node_modules')
export const outDir = join(here, '.out')
export const distEsm = join(projectRoot, 'dist', 'index.js')
export const distCjs = join(projectRoot, 'dist', 'index.cjs')
export const distGcsEsm = join(projectRoot, 'dist', 'gcs.js')
export const distGcsCjs = join(projectRoot, 'dist', 'gcs.cjs')

/** The documented example (AWS S3 docs): every snippet of docs/runtimes.md must print a URL with this signature. */
export const DOC_SIGNATURE = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'

/** Chromium flags for this machine's closed network (no background connections, no sandbox as root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** How to get each runtime, printed when one is missing. */
export const INSTALL = {
  deno: 'npm ci (dev dependency "deno": the binary comes in the optional package @deno/<platform>)',
  bun: 'npm ci (dev dependency "bun": the binary comes in the optional package @oven/bun-<platform>)',
  workerd: 'npm ci (dev dependency "workerd": the binary comes in the optional package @cloudflare/workerd-<platform>)',
  chromium:
    'apt-get update && apt-get install -y --no-install-recommends chromium (Debian, /usr/bin/chromium; or set CHROMIUM_BIN), and npm ci for playwright-core. Never `npx playwright install`.',
}

function versionOf(name, bin) {
  try {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' })
    if (r.status !== 0) return undefined
    const line = (r.stdout || r.stderr).trim().split('\n')[0].trim()
    // "deno 2.9.6 (stable, …)", "1.4.5", "workerd 2026-11-17", "Chromium 156.0.8078.79 built on Debian …"
    return line.replace(/ \(.*\)$/, '').replace(/ built on .*$/, '').replace(/^(\d)/, `${name} $1`) || undefined
  } catch {
    return undefined
  }
}

const platformDirs = (scope, test) => {
  const dir = join(nodeModules, scope)
  return existsSync(dir) ? readdirSync(dir).filter(test).map((n) => join(dir, n)) : []
}

function candidates(name) {
  const env = { deno: 'DENO_BIN', bun: 'BUN_BIN', workerd: 'WORKERD_BIN', chromium: 'CHROMIUM_BIN' }[name]
  const list = process.env[env] ? [process.env[env]] : []
  if (name === 'deno') {
    list.push(join(nodeModules, 'deno', 'deno'))
    list.push(...platformDirs('@deno', (n) => n.startsWith(`${process.platform}-`)).map((d) => join(d, 'deno')))
  } else if (name === 'bun') {
    // The postinstall script moves the binary to bun/bin/bun.exe; without it, it is still in @oven/bun-<platform>.
    list.push(join(nodeModules, 'bun', 'bin', 'bun.exe'))
    list.push(...platformDirs('@oven', (n) => n.startsWith(`bun-${process.platform}-`)).map((d) => join(d, 'bin', 'bun')))
  } else if (name === 'workerd') {
    list.push(join(nodeModules, 'workerd', 'bin', 'workerd'))
    list.push(...platformDirs('@cloudflare', (n) => n.startsWith(`workerd-${process.platform}-`)).map((d) => join(d, 'bin', 'workerd')))
  } else if (name === 'chromium') {
    list.push('/usr/bin/chromium')
  }
  return list
}

/** The first working binary of a runtime: `{ bin, version }`, or `{ missing: reason }`. */
export function findRuntime(name) {
  for (const bin of candidates(name)) {
    if (!existsSync(bin)) continue
    const version = versionOf(name, bin)
    if (version) return { bin, version }
  }
  if (name === 'chromium' && !existsSync(join(nodeModules, 'playwright-core'))) return { missing: 'playwright-core is not installed' }
  return { missing: `no working ${name} binary (looked at ${candidates(name).join(', ')})` }
}

/** The one line `<runtime>: N passed, M failed` in a runner's output, as numbers. */
export function parseSummary(runtime, output) {
  const re = new RegExp(`^${runtime.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+) passed, (\\d+) failed$`, 'm')
  const m = re.exec(output)
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined
}

const live = new Set()
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {}
  }
}
process.on('exit', () => {
  for (const c of live) killGroup(c, 'SIGKILL')
})
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    for (const c of live) killGroup(c, 'SIGKILL')
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[sig])
  })
}

/**
 * Start a process in its own process group. It (and everything it started) is killed on
 * `stop()`, when `timeoutMs` passes, and when this process exits.
 */
export function start(cmd, args, { timeoutMs = 120_000, env, cwd = projectRoot, echo = false } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let stdout = ''
  let stderr = ''
  let timedOut = false
  child.stdout.on('data', (d) => {
    stdout += d
    if (echo) process.stdout.write(d)
  })
  child.stderr.on('data', (d) => {
    stderr += d
    if (echo) process.stderr.write(d)
  })
  const stop = () => {
    killGroup(child, 'SIGTERM')
    setTimeout(() => killGroup(child, 'SIGKILL'), 2000).unref()
  }
  const timer = setTimeout(() => {
    timedOut = true
    stop()
  }, timeoutMs)
  const done = new Promise((resolvePromise) => {
    const finish = (code, signal, error) => {
      clearTimeout(timer)
      live.delete(child)
      // Whatever it left behind in its group goes too.
      killGroup(child, 'SIGKILL')
      resolvePromise({ code, signal, error, stdout, stderr, timedOut })
    }
    child.on('error', (error) => finish(null, null, error))
    child.on('close', (code, signal) => finish(code, signal))
  })
  return { child, done, stop, output: () => stdout + stderr }
}

/** Run a process to completion (see `start`). */
export function run(cmd, args, options) {
  return start(cmd, args, options).done
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const s = createNetServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolvePromise(port))
    })
  })
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json' }

/**
 * A static server on 127.0.0.1 (random port): `routes` maps a URL path to a file or `{ body, type }`;
 * with `root`, other paths are files under it. Returns `{ origin, close() }`.
 */
export async function staticServer({ routes = {}, root } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    let route = routes[path]
    if (route === undefined && root) {
      const file = normalize(join(root, path))
      if (file.startsWith(root + sep) && existsSync(file)) route = file
    }
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    const body = typeof route === 'string' ? readFileSync(route) : route.body
    const type = typeof route === 'string' ? (TYPES[extname(route)] ?? 'application/octet-stream') : route.type
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
  })
  await new Promise((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise))
  const origin = `http://127.0.0.1:${server.address().port}`
  return {
    origin,
    close: () =>
      new Promise((resolvePromise) => {
        server.closeAllConnections?.()
        server.close(() => resolvePromise())
      }),
  }
}

/** Fetch `url` until it answers (a server starting up), for at most `timeoutMs`. */
export async function fetchWhenUp(url, timeoutMs = 30_000, init) {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(Math.max(1000, until - Date.now())) })
    } catch (e) {
      if (Date.now() > until) throw e
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

/** The workerd config (Cap'n Proto text) for one worker served on 127.0.0.1:`port`. */
export function workerdConfig({ port, modules, bindings = {}, compatibilityDate = '2025-01-01' }) {
  const mods = modules.map(([name, kind, file]) => `    (name = ${JSON.stringify(name)}, ${kind} = embed ${JSON.stringify(file)}),`).join('\n')
  const binds = Object.entries(bindings)
    .map(([name, text]) => `    (name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)}),`)
    .join('\n')
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .mainWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const mainWorker :Workerd.Worker = (
  modules = [
${mods}
  ],
  bindings = [
${binds}
  ],
  compatibilityDate = "${compatibilityDate}",
);
`
}
