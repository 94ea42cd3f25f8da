/**
 * The built CLI (dist/cli.js) on `gs://BUCKET/KEY`: a Cloud Storage V4 signed URL with the conformance suite's dummy
 * service-account key, compared with what @google-cloud/storage's getSignedUrl signs at the same instant (its Date
 * frozen; it signs locally, no network), and its errors (exit 2, one line, never the key). The last block calls
 * src/cli/gcs.ts directly (no build needed): the key file's size bound, and STORAGE_EMULATOR_HOST yielding to an
 * explicit addressing style.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test, vi } from 'vitest'
import { parseArgs } from '../../src/cli/args.js'
import { presignGcsCommand, readKeyFile } from '../../src/cli/gcs.js'
import { parseAmzDate } from '../../src/core/time.js'
import { PresignError } from '../../src/gcs/index.js'
import { gcsSuitePresent, readGcsKeyFileText, requireGcsSuite } from '../gcs/gcs-suite.js'
import { projectRoot } from '../helpers/suite.js'

const cli = join(projectRoot, 'dist', 'cli.js')
const built = existsSync(cli)
if (!built) console.warn('!!! dist/cli.js not built: run `npm run build` (npm test does) to test the CLI')
requireGcsSuite()

const dir = mkdtempSync(join(tmpdir(), 'sigv4-cli-gcs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const keyText = gcsSuitePresent ? readGcsKeyFileText() : '{}'
const key = JSON.parse(keyText) as { client_email: string; private_key: string }
const keyPath = join(dir, 'sa.json')
writeFileSync(keyPath, keyText)
/** A stretch of the private key's base64 body: no output may contain it. */
const keyPiece = key.private_key?.split('\n')[3] ?? 'no-key'

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env }, encoding: 'utf8', timeout: 20_000 })
  expect(r.stdout + r.stderr).not.toContain(keyPiece)
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() }
}

/** The URL with its query parameters sorted: @google-cloud/storage orders them differently (same bytes otherwise). */
const sortedQuery = (url: string): string => {
  const q = url.indexOf('?')
  return url.slice(0, q) + '?' + url.slice(q + 1).split('&').sort().join('&')
}

/** @google-cloud/storage's URL for the same object, method, headers, style and instant as our URL. */
async function theirs(url: string, o: { bucket: string; key: string; action: 'read' | 'write'; headers?: Record<string, string>; cfg?: Record<string, unknown>; client?: Record<string, string> }) {
  const { Storage } = await import('@google-cloud/storage')
  const params = new URL(url).searchParams
  const ms = parseAmzDate(params.get('X-Goog-Date')!)!
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const storage = new Storage({ projectId: 'dummy-project-id', credentials: { client_email: key.client_email, private_key: key.private_key }, ...o.client })
  warn.mockRestore()
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(ms)
  try {
    const expires = ms + Number(params.get('X-Goog-Expires')) * 1000
    const [signed] = await storage.bucket(o.bucket).file(o.key).getSignedUrl({ version: 'v4', action: o.action, accessibleAt: new Date(ms), expires, extensionHeaders: o.headers ?? {}, ...o.cfg })
    return signed
  } finally {
    vi.useRealTimers()
  }
}

describe.skipIf((!built || !gcsSuitePresent) && !process.env['CI'])('sigv4-presign gs://BUCKET/KEY', () => {
  test('path style GET, a key with spaces, "+" and unicode: the URL @google-cloud/storage signs at the same instant', async () => {
    const r = run(['gs://my-bucket/photos/a b+é.jpg', '--key-file', keyPath, '--expires-in', '600'])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/^https:\/\/storage\.googleapis\.com\/my-bucket\/photos\/a%20b%2B%C3%A9\.jpg\?X-Goog-Algorithm=GOOG4-RSA-SHA256&/)
    expect(sortedQuery(r.out)).toBe(sortedQuery(await theirs(r.out, { bucket: 'my-bucket', key: 'photos/a b+é.jpg', action: 'read' })))
  })

  test('PUT with --content-type, --virtual-hosted, GOOGLE_APPLICATION_CREDENTIALS, --json', async () => {
    const r = run(['gs://my-bucket/up/x.txt', '--method', 'PUT', '--content-type', 'text/plain', '--virtual-hosted', '--json'], { GOOGLE_APPLICATION_CREDENTIALS: keyPath })
    expect(r.code, r.err).toBe(0)
    const j = JSON.parse(r.out) as { url: string; method: string; headers: Record<string, string>; signedHeaders: string[]; expiresIn: number }
    expect(j).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/plain' }, signedHeaders: ['content-type', 'host'], expiresIn: 3600 })
    expect(j.url).toMatch(/^https:\/\/my-bucket\.storage\.googleapis\.com\/up\/x\.txt\?/)
    const boto = await theirs(j.url, { bucket: 'my-bucket', key: 'up/x.txt', action: 'write', headers: { 'content-type': 'text/plain' }, cfg: { virtualHostedStyle: true } })
    expect(sortedQuery(j.url)).toBe(sortedQuery(boto))
  })

  test('--bucket-bound-hostname and an emulator endpoint (STORAGE_EMULATOR_HOST)', async () => {
    const cname = run(['gs://my-bucket/k', '--key-file', keyPath, '--bucket-bound-hostname', 'cdn.example.com'])
    expect(cname.out).toMatch(/^https:\/\/cdn\.example\.com\/k\?/)
    expect(sortedQuery(cname.out)).toBe(sortedQuery(await theirs(cname.out, { bucket: 'my-bucket', key: 'k', action: 'read', cfg: { cname: 'https://cdn.example.com' } })))
    const emulator = run(['gs://my-bucket/k', '--key-file', keyPath], { STORAGE_EMULATOR_HOST: 'http://127.0.0.1:4443' })
    expect(emulator.code, emulator.err).toBe(0)
    expect(emulator.out).toMatch(/^http:\/\/127\.0\.0\.1:4443\/my-bucket\/k\?/)
  })

  test.each([
    ['no key file', ['gs://b/k'], {}, /gs:\/\/ needs a service-account key file: pass --key-file sa\.json or set GOOGLE_APPLICATION_CREDENTIALS/],
    ['unreadable key file', ['gs://b/k', '--key-file', '/nonexistent/sa.json'], {}, /cannot read the key file "\/nonexistent\/sa\.json" \(--key-file\): ENOENT/],
    ['not a key file', ['gs://b/k', '--key-file', join(projectRoot, 'package.json')], {}, /options\.credentials/],
    ['bad URI', ['gs://bucket-only'], {}, /is not a Cloud Storage URI; write gs:\/\/BUCKET\/KEY/],
    ['expiry checked before the key file is read', ['gs://b/k', '--key-file', '/nonexistent/sa.json', '--expires-in', '604801'], {}, /--expires-in must be a whole number of seconds in 1\.\.604800/],
    ['bad bucket', ['gs://Bad_Bucket!/k', '--key-file', keyPath], {}, /bucket/],
  ] as const)('error: %s (exit 2, one line)', (_name, args, env, message) => {
    const r = run([...args], { ...env })
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err.split('\n')).toHaveLength(1)
    expect(r.err).toMatch(message)
  })

  test('a key file whose private key is broken: a typed error, never the key', () => {
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, JSON.stringify({ ...key, private_key: key.private_key.replace('MII', 'XXX') }))
    const r = run(['gs://my-bucket/k', '--key-file', broken])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/^sigv4-presign: .*private_key/)
  })
})

describe('src/cli/gcs.ts, called directly: the key file is read bounded; STORAGE_EMULATOR_HOST yields to an explicit style', () => {
  // Pins a fixed defect: the CLI read a key file whole, unbounded (`--key-file /dev/zero` grew to gigabytes and never ended).
  test.skipIf(!existsSync('/dev/zero'))('--key-file /dev/zero (an endless file) is refused after a bounded read', async () => {
    const start = performance.now()
    // The library's error for a key file too long (test/cli/cli-hostile.test.ts expects its field on 1 MB files).
    await expect(readKeyFile('/dev/zero', '--key-file')).rejects.toThrow(PresignError)
    await expect(readKeyFile('/dev/zero', '--key-file')).rejects.toThrow(/^options\.credentials: is the key file "\/dev\/zero" \(--key-file\), larger than 262144 bytes/)
    expect(performance.now() - start).toBeLessThan(2000)
  })

  // Pins the same fix: the bound refuses what is over it and nothing else.
  test('a key file over the bound is refused; one at the bound, and a real one, are read', async () => {
    const big = join(dir, 'big.json')
    writeFileSync(big, 'x'.repeat(4 * 65536 + 1))
    await expect(readKeyFile(big, 'GOOGLE_APPLICATION_CREDENTIALS')).rejects.toThrow(/\(GOOGLE_APPLICATION_CREDENTIALS\), larger than 262144 bytes/)
    writeFileSync(big, 'é'.repeat(2 * 65536))
    expect(await readKeyFile(big, '--key-file')).toBe('é'.repeat(2 * 65536))
    expect(await readKeyFile(keyPath, '--key-file')).toBe(keyText)
    await expect(readKeyFile(join(dir, 'absent.json'), '--key-file')).rejects.toThrow(/cannot read the key file .*absent\.json" \(--key-file\): ENOENT/)
    await expect(readKeyFile(dir, '--key-file')).rejects.toThrow(/: EISDIR$/)
  })

  const env = { STORAGE_EMULATOR_HOST: 'http://localhost:4443' }
  /** Google's library's URL for the same object, with `env`'s emulator variable set, at the instant `r` was signed. */
  async function googleUnderEmulator(r: { signedAt: Date; expiresAt: Date }, storageOptions: object, cfg: object): Promise<string> {
    const { Storage } = await import('@google-cloud/storage')
    const saved = process.env['STORAGE_EMULATOR_HOST']
    process.env['STORAGE_EMULATOR_HOST'] = env.STORAGE_EMULATOR_HOST
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(r.signedAt)
    try {
      const storage = new Storage({ projectId: 'dummy-project-id', credentials: key, ...storageOptions })
      const [theirs] = await storage.bucket('my-bucket').file('k').getSignedUrl({ version: 'v4', action: 'read', accessibleAt: r.signedAt, expires: r.expiresAt.getTime(), ...cfg })
      return theirs
    } finally {
      vi.useRealTimers()
      warn.mockRestore()
      if (saved === undefined) delete process.env['STORAGE_EMULATOR_HOST']
      else process.env['STORAGE_EMULATOR_HOST'] = saved
    }
  }

  // Pins a fixed defect: the CLI let STORAGE_EMULATOR_HOST clash with an explicit --bucket-bound-hostname or
  // --virtual-hosted (exit 2), where Google's client library lets the explicit style win.
  test.skipIf(!gcsSuitePresent)('STORAGE_EMULATOR_HOST yields to --bucket-bound-hostname and --virtual-hosted, as in @google-cloud/storage', async () => {
    for (const [flags, cfg, origin] of [
      [['--bucket-bound-hostname', 'cdn.example.com'], { cname: 'https://cdn.example.com' }, 'https://cdn.example.com/k?'],
      [['--virtual-hosted'], { virtualHostedStyle: true }, 'https://my-bucket.storage.googleapis.com/k?'],
    ] as const) {
      const r = await presignGcsCommand('gs://my-bucket/k', parseArgs(['gs://my-bucket/k', '--key-file', keyPath, ...flags]), env)
      expect(r.url.startsWith(origin)).toBe(true)
      expect(sortedQuery(r.url)).toBe(sortedQuery(await googleUnderEmulator(r, {}, cfg)))
    }
    // Alone, the emulator is still the endpoint; an explicit --endpoint-url still wins over it.
    const emulated = await presignGcsCommand('gs://my-bucket/k', parseArgs(['gs://my-bucket/k', '--key-file', keyPath]), env)
    expect(emulated.url.startsWith('http://localhost:4443/my-bucket/k?')).toBe(true)
    const flagged = await presignGcsCommand('gs://my-bucket/k', parseArgs(['gs://my-bucket/k', '--key-file', keyPath, '--endpoint-url', 'http://127.0.0.1:9000']), env)
    expect(flagged.url.startsWith('http://127.0.0.1:9000/my-bucket/k?')).toBe(true)
  })

  // Found in review: STORAGE_EMULATOR_HOST and --universe-domain exited 2 with "location.universeDomain: cannot be
  // combined with location.endpoint", naming an option the user never gave.
  test.skipIf(!gcsSuitePresent)('STORAGE_EMULATOR_HOST stands in for --universe-domain\'s endpoint, as in @google-cloud/storage', async () => {
    const r = await presignGcsCommand('gs://my-bucket/k', parseArgs(['gs://my-bucket/k', '--key-file', keyPath, '--universe-domain', 'example.goog']), env)
    expect(r.url.startsWith('http://localhost:4443/my-bucket/k?')).toBe(true)
    expect(sortedQuery(r.url)).toBe(sortedQuery(await googleUnderEmulator(r, { universeDomain: 'example.goog' }, {})))
    // Without the emulator, --universe-domain is the endpoint; with --endpoint-url too, the user combined both: a clash.
    const universe = await presignGcsCommand('gs://my-bucket/k', parseArgs(['gs://my-bucket/k', '--key-file', keyPath, '--universe-domain', 'example.goog']), {})
    expect(universe.url.startsWith('https://storage.example.goog/my-bucket/k?')).toBe(true)
    const both = parseArgs(['gs://my-bucket/k', '--key-file', keyPath, '--universe-domain', 'example.goog', '--endpoint-url', 'http://127.0.0.1:9000'])
    await expect(presignGcsCommand('gs://my-bucket/k', both, env)).rejects.toMatchObject({ field: 'location.universeDomain' })
  })
})
