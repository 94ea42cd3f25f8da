/**
 * OpenStack Swift with its s3api middleware (Debian 12: Swift 2.30), the strict end-to-end authority.
 *
 * startSwift() writes a throw-away cluster into a temp dir: swift.conf, one-device rings (by
 * scripts/swift/make_rings.py) and four servers (proxy, account, container, object), each
 * `workers = 0`, bound to 127.0.0.1 on free ports, each started under coreutils `timeout` so that
 * none outlives MAX_LIFETIME_S even if the test process dies. The proxy pipeline is the one
 * measured in ../../../../shared/docs/s3-compatible-servers.md, with scripts/swift/noop_cache.py
 * standing in for memcached (tempauth demands a cache object), and creates the bucket with a
 * presigned PUT. stop() terminates every process group and removes the temp dir.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { presignS3 } from '../../../src/index.js'
import { freePorts, projectRoot, requireBinaries, tempDir, which } from './env.js'
import type { S3Target } from './target.js'

export const SWIFT_INSTALL =
  'apt-get update && apt-get install -y --no-install-recommends swift-proxy swift-account swift-container swift-object'
const BINARIES = ['swift-proxy-server', 'swift-account-server', 'swift-container-server', 'swift-object-server', 'timeout']

/** Hard cap on each Swift process's life (seconds), enforced by `timeout`; the tests need < 2 min. */
const MAX_LIFETIME_S = Number(process.env['SWIFT_E2E_MAX_LIFETIME'] ?? 300)

const swiftScripts = join(projectRoot, 'scripts', 'swift')
/** This folder: ./swift_s3_cors.py (the `corsEveryS3Answer` filter). */
const helpersDir = join(projectRoot, 'test', 'e2e', 'helpers')

/** The Python that runs Swift (from swift-proxy-server's #! line: Debian's, whatever python3 is first on PATH). */
function swiftPython(): string {
  const script = which('swift-proxy-server')
  const shebang = script ? /^#!\s*(\S+)/.exec(readFileSync(script, 'utf8').slice(0, 200))?.[1] : undefined
  return shebang ?? '/usr/bin/python3'
}

/** Swift present: true. Absent: loud skip outside CI, failure with CI=true. */
export function requireSwift(): boolean {
  return requireBinaries('OpenStack Swift (s3api)', BINARIES, SWIFT_INSTALL)
}

export interface SwiftOptions {
  bucket?: string
  /** Page origin allowed for CORS (s3api preflight + proxy `cors_allow_origin`). */
  corsOrigin?: string
  /**
   * With `corsOrigin`: also give CORS headers (Access-Control-Allow-Origin, `Access-Control-Expose-Headers: ETag`) to
   * the answers s3api writes itself, which have none on Swift 2.30 (CreateMultipartUpload, CompleteMultipartUpload,
   * ListParts, AbortMultipartUpload, every S3 error): a paste filter, ./swift_s3_cors.py, plays the bucket CORS rule
   * S3 would apply. Off by default (the other tests run the measured pipeline unchanged).
   */
  corsEveryS3Answer?: boolean
}

/** tempauth user test:tester (the ':' travels as %3A inside X-Amz-Credential: a strictness check). */
const CREDENTIALS = { accessKeyId: 'test:tester', secretAccessKey: 'testing' }

const alive = new Set<ChildProcess>()
let exitHookInstalled = false
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

function ini(sections: Record<string, Record<string, string | number>>): string {
  return Object.entries(sections)
    .map(([name, kv]) => `[${name}]\n` + Object.entries(kv).map(([k, v]) => `${k} = ${v}\n`).join(''))
    .join('\n')
}

const filters = (...names: string[]): Record<string, Record<string, string>> =>
  Object.fromEntries(names.map((n) => [`filter:${n}`, { use: `egg:swift#${n.replace('-', '_')}` }]))

export async function startSwift(options: SwiftOptions = {}): Promise<S3Target> {
  const bucket = options.bucket ?? 'e2e-bucket'
  // Everything below, including the servers' start-up, must finish within 45 s (the hooks allow 60).
  const deadline = Date.now() + 45_000
  const tmp = tempDir('swift')
  const dir = tmp.dir
  const [proxyPort, accountPort, containerPort, objectPort] = (await freePorts(4)) as [number, number, number, number]
  const log: string[] = []
  const note = (line: string): void => {
    log.push(line)
    if (log.length > 400) log.splice(0, log.length - 400)
  }
  const children: ChildProcess[] = []

  const stop = async (): Promise<void> => {
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null)
    await Promise.all(
      running.map(
        (c) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => killGroup(c, 'SIGKILL'), 5_000)
            c.once('exit', () => {
              clearTimeout(timer)
              done()
            })
            killGroup(c, 'SIGTERM')
          }),
      ),
    )
    for (const c of children) alive.delete(c)
    tmp.remove()
  }

  try {
    mkdirSync(join(dir, 'srv', 'd1'), { recursive: true })
    mkdirSync(join(dir, 'cache'))
    writeFileSync(
      join(dir, 'swift.conf'),
      ini({
        'swift-hash': { swift_hash_path_suffix: 'sigv4-e2e-suffix', swift_hash_path_prefix: 'sigv4-e2e-prefix' },
        'storage-policy:0': { name: 'gold', default: 'yes' },
      }),
    )
    const common = { bind_ip: '127.0.0.1', workers: 0, swift_dir: dir, devices: join(dir, 'srv'), mount_check: 'false', recon_cache_path: join(dir, 'cache') }
    const backends = [
      ['account', accountPort],
      ['container', containerPort],
      ['object', objectPort],
    ] as const
    for (const [kind, port] of backends) {
      writeFileSync(
        join(dir, `${kind}-server.conf`),
        ini({
          DEFAULT: { ...common, bind_port: port },
          'pipeline:main': { pipeline: `healthcheck ${kind}-server` },
          [`app:${kind}-server`]: { use: `egg:swift#${kind}` },
          ...filters('healthcheck'),
        }),
      )
    }
    // The three rings in one Python process (nine swift-ring-builder runs take ~9 s).
    const rings = spawnSync(swiftPython(), [join(swiftScripts, 'make_rings.py'), dir, ...backends.map(([k, p]) => `${k}=${p}`)], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    for (const [kind] of backends) {
      if (!existsSync(join(dir, `${kind}.ring.gz`))) throw new Error(`make_rings.py wrote no ${kind}.ring.gz: ${rings.stdout}${rings.stderr}${rings.error ?? ''}`)
    }

    const s3api: Record<string, string> = {
      use: 'egg:swift#s3api',
      location: 'us-east-1',
      // Host `bucket.localhost:PORT` is virtual-hosted style; Host 127.0.0.1 stays path style.
      storage_domain: 'localhost',
    }
    const proxyApp: Record<string, string> = { use: 'egg:swift#proxy', account_autocreate: 'true' }
    const s3cors = Boolean(options.corsOrigin && options.corsEveryS3Answer)
    if (options.corsOrigin) {
      // s3api answers the preflight (OPTIONS with X-Amz-Credential); the proxy adds
      // Access-Control-Allow-Origin to the real responses.
      s3api['cors_preflight_allow_origin'] = options.corsOrigin
      proxyApp['cors_allow_origin'] = options.corsOrigin
    }
    writeFileSync(
      join(dir, 'proxy-server.conf'),
      ini({
        DEFAULT: { bind_ip: '127.0.0.1', bind_port: proxyPort, workers: 0, swift_dir: dir },
        'pipeline:main': {
          pipeline: `catch_errors ${s3cors ? 's3cors ' : ''}gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server`,
        },
        'app:proxy-server': proxyApp,
        'filter:cache': { 'paste.filter_factory': 'noop_cache:filter_factory' },
        'filter:s3api': s3api,
        'filter:tempauth': { use: 'egg:swift#tempauth', user_test_tester: 'testing .admin' },
        ...(s3cors ? { 'filter:s3cors': { 'paste.filter_factory': 'swift_s3_cors:filter_factory', allow_origin: options.corsOrigin!, expose_headers: 'ETag' } } : {}),
        ...filters('catch_errors', 'gatekeeper', 'healthcheck', 'proxy-logging', 'listing_formats', 'copy', 'slo', 'dlo'),
      }),
    )

    if (!exitHookInstalled) {
      exitHookInstalled = true
      process.once('exit', () => {
        for (const c of alive) killGroup(c, 'SIGKILL')
      })
    }
    const pythonPath = [swiftScripts, s3cors ? helpersDir : '', process.env['PYTHONPATH']].filter(Boolean).join(':')
    for (const [kind, port] of [...backends, ['proxy', proxyPort] as const]) {
      const child = spawn(
        'timeout',
        ['--kill-after=5', String(MAX_LIFETIME_S), `swift-${kind}-server`, join(dir, `${kind}-server.conf`), '-v'],
        { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONPATH: pythonPath } },
      )
      children.push(child)
      alive.add(child)
      for (const stream of [child.stdout, child.stderr]) {
        let rest = ''
        stream?.setEncoding('utf8')
        stream?.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n')
          rest = lines.pop() ?? ''
          for (const line of lines) if (line) note(`${kind}: ${line}`)
        })
      }
      child.on('exit', (code, signal) => {
        alive.delete(child)
        note(`${kind}: exited (${signal ?? code}) [port ${port}]`)
      })
    }

    // Ready when every server answers GET /healthcheck with OK.
    for (const port of [accountPort, containerPort, objectPort, proxyPort]) {
      for (;;) {
        const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null)
        if (dead) throw new Error(`a Swift server exited during start-up`)
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthcheck`, { signal: AbortSignal.timeout(2_000) })
          if (res.ok && (await res.text()) === 'OK') break
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`Swift did not answer /healthcheck on port ${port} within 45 s of the start`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }

    // Swift has no configured buckets: create it with a presigned PUT (also a first signature check).
    const createUrl = await presignS3(
      { bucket, key: '', region: 'us-east-1', endpoint: `http://127.0.0.1:${proxyPort}` },
      { credentials: CREDENTIALS, method: 'PUT', expiresIn: 60 },
    )
    const created = await fetch(createUrl, { method: 'PUT', signal: AbortSignal.timeout(15_000) })
    if (created.status !== 200) throw new Error(`creating bucket ${bucket}: ${created.status} ${await created.text()}`)
  } catch (e) {
    await stop()
    throw new Error(`${(e as Error).message}\n--- Swift logs ---\n${log.join('\n')}`)
  }

  let stopped = false
  return {
    name: 'swift',
    endpoint: `http://127.0.0.1:${proxyPort}`,
    vhostEndpoint: `http://localhost:${proxyPort}`,
    region: 'us-east-1',
    bucket,
    credentials: CREDENTIALS,
    logs: () => log.slice(-60).join('\n'),
    async stop() {
      if (stopped) return
      stopped = true
      await stop()
    },
  }
}
