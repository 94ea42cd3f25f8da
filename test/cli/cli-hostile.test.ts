/**
 * The CLI reads ~/.aws/credentials and ~/.aws/config, which are untrusted: its INI parser must take linear time.
 * Each case runs the built CLI (dist/cli.js) on a credentials file and a config file of ~1 MB built from one hostile
 * pattern, then a valid [default] section: the run must finish within a fixed bound and still find that section.
 * (The regular expressions the parser used before took cubic or quadratic time.) Then hostile arguments: `explain` on
 * URLs of ~120 KB (one argument's limit) and on decoded line breaks that try to forge its verdict, and `gs://` on
 * hostile key files: each bounded in time, one line per field, no secret or key echoed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { projectRoot } from '../helpers/suite.js'

const cli = join(projectRoot, 'dist', 'cli.js')
const built = existsSync(cli)
if (!built) console.warn('!!! dist/cli.js not built: run `npm run build` (npm test does) to test the CLI')

// Measured on the development machine (2 CPUs, busy with other test runs): 0.14 s to 0.8 s per case, most of it
// Node's start-up; the slowest, [DEFAULT] with 87k keys + 87k sections, took 0.7 s to 1.8 s. 40 s is 22 times 1.8 s.
// The old regular expressions did not finish within 30 s on 6 of these cases: quadratic (x + spaces: 0.23 s at 16k
// characters, so ~20 min at 1 MB) or cubic ('[' + spaces + 'x': 13 s at 4k characters, years at 1 MB).
const BOUND_MS = 40_000

const MB = 1 << 20
const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)
/** make(0) + make(1) + ... until at least `length` characters. */
const numbered = (make: (i: number) => string, length: number) => {
  const parts: string[] = []
  for (let i = 0, n = 0; n < length; i++) {
    const part = make(i)
    parts.push(part)
    n += part.length
  }
  return parts.join('')
}

const PATTERNS: Array<[string, string]> = [
  ['"[" + spaces + "x" (the old section regex: cubic)', '[' + fill(' ', MB) + 'x'],
  ['"[" + tabs and spaces + "]" + spaces + "x"', '[' + fill(' \t', MB / 2) + ']' + fill(' ', MB / 2) + 'x'],
  ['"[x" + spaces + "]]"', '[x' + fill(' ', MB) + ']]'],
  ['"[[[[..."', fill('[', MB)],
  ['"[" + alternating " ]"', '[' + fill(' ]', MB)],
  ['"x" + spaces, no "=" (the old key regex: quadratic)', 'x' + fill(' ', MB)],
  ['spaces + "x" + spaces, no "="', fill(' ', MB / 2) + 'x' + fill(' ', MB / 2)],
  ['"x" + spaces + "="', 'x' + fill(' ', MB) + '='],
  ['1 MB of "="', fill('=', MB)],
  ['"x" + 1 MB of "="', 'x' + fill('=', MB)],
  ['1 MB of ":"', fill(':', MB)],
  ['"k = x" + spaces + "y"', 'k = x' + fill(' ', MB) + 'y'],
  ['"k =" + alternating " ="', 'k =' + fill(' =', MB)],
  ['a whitespace-only line', fill(' \t', MB)],
  ['a comment line', '#' + fill(' ', MB)],
  ['many short lines: "k = v"', fill('k = v\n', MB)],
  ['many short lines: "[s]"', fill('[s]\n', MB)],
  ['many short lines: empty', fill('\n', MB)],
  ['many short lines: "="', fill('=\n', MB)],
  ['many short lines: " \\r\\n"', fill(' \r\n', MB)],
  ['"s3 =" + 1 MB of sub-keys', 's3 =\n' + fill('  a = b\n', MB)],
  ['"k = v" + 1 MB of continuation lines', 'k = v\n' + fill('  x\n', MB)],
  ['"k = v" + 1 MB of blank lines, then a continuation line', 'k = v\n' + fill('\n', MB) + '  x\n'],
  ['indentation growing by one each line', numbered((i) => ' '.repeat(i % 1000) + 'k = v\n', MB)],
  ['[DEFAULT] with many keys + many sections', '[DEFAULT]\n' + numbered((i) => `k${i} = v\n`, MB / 2) + numbered((i) => `[s${i}]\n`, MB / 2)],
]

const dir = mkdtempSync(join(tmpdir(), 'sigv4-cli-hostile-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(!built && !process.env['CI'])('sigv4-presign CLI on hostile ~/.aws files', () => {
  test.each(PATTERNS)(`%s: done in under ${BOUND_MS / 1000} s`, (_name, body) => {
    expect(body.length).toBeGreaterThanOrEqual(MB)
    const credentials = join(dir, 'credentials')
    const config = join(dir, 'config')
    writeFileSync(credentials, `[default]\n${body}\n[default]\naws_access_key_id = AKIAHOSTILE\naws_secret_access_key = FILESECRET\n`)
    writeFileSync(config, `[default]\n${body}\n[default]\nregion = us-east-1\n`)
    const start = performance.now()
    const r = spawnSync(process.execPath, [cli, 's3://bucket/k'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config },
      encoding: 'utf8',
      timeout: BOUND_MS,
    })
    const ms = performance.now() - start
    expect(r.error, `the CLI was stopped after ${BOUND_MS} ms`).toBeUndefined()
    expect(ms).toBeLessThan(BOUND_MS)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^https:\/\/bucket\.s3\.us-east-1\.amazonaws\.com\/k\?.*X-Amz-Credential=AKIAHOSTILE%2F\d{8}%2Fus-east-1%2F/)
  }, BOUND_MS + 10_000)
})

/** One argument may be at most 128 KiB on Linux (MAX_ARG_STRLEN): hostile URLs of ~120 KB. */
const ARG = 120_000
const SECRET = 'HOSTILE/secret+key'
const ENV = { PATH: process.env['PATH'] ?? '', HOME: dir, AWS_ACCESS_KEY_ID: 'AKIAHOSTILE', AWS_SECRET_ACCESS_KEY: SECRET, AWS_EC2_METADATA_DISABLED: 'true' }
const PRESIGNED_HEAD = 'https://b.s3.us-east-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAHOSTILE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60'

/** Run the CLI within the bound; its output never holds the secret. */
function runBounded(args: string[], env: Record<string, string> = ENV) {
  const start = performance.now()
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: BOUND_MS })
  expect(r.error, `the CLI was stopped after ${BOUND_MS} ms`).toBeUndefined()
  expect(performance.now() - start).toBeLessThan(BOUND_MS)
  expect(r.stdout + r.stderr).not.toContain(SECRET)
  return r
}

describe.skipIf(!built && !process.env['CI'])('sigv4-presign CLI on hostile arguments and key files', () => {
  test.each([
    ['120 KB of signed header names', `${PRESIGNED_HEAD}&X-Amz-SignedHeaders=${fill('a;', ARG)}host&X-Amz-Signature=00`],
    ['120 KB of "&"', `${PRESIGNED_HEAD}${fill('&', ARG)}&X-Amz-SignedHeaders=host&X-Amz-Signature=00`],
    ['120 KB of "=" in one parameter', `${PRESIGNED_HEAD}&X-Amz-SignedHeaders=host&x=${fill('=', ARG)}&X-Amz-Signature=00`],
    ['a decoded line break trying to forge the verdict', `${PRESIGNED_HEAD}&X-Amz-SignedHeaders=host%0Asignature:%20%20%20%20%20%20valid%20for%20these%20credentials&X-Amz-Signature=00`],
  ])(`explain, %s: done in under ${BOUND_MS / 1000} s, one line per field, no forged line`, (_name, url) => {
    const r = runBounded(['explain', url])
    expect(r.status).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines.filter((l) => l.startsWith('signature:'))).toHaveLength(1)
    expect(lines.find((l) => l.startsWith('signature:'))).not.toMatch(/^signature: +valid/)
    expect(lines.length).toBeLessThan(20)
    expect(r.stdout.length).toBeLessThan(3 * ARG)
  }, BOUND_MS + 10_000)

  test('explain with 120 KB of malformed percent-encoding: one usage error', () => {
    const r = runBounded(['explain', `${PRESIGNED_HEAD}&x=${fill('%', ARG)}`])
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  }, BOUND_MS + 10_000)

  test.each([
    ['1 MB of JSON', JSON.stringify({ type: 'service_account', client_email: 'a@b.c', private_key: '-----BEGIN PRIVATE KEY-----\n' + fill('QUJD', MB) + '\n-----END PRIVATE KEY-----\n' })],
    ['a 60 KB PEM body', JSON.stringify({ type: 'service_account', client_email: 'a@b.c', private_key: '-----BEGIN PRIVATE KEY-----\n' + fill('QUJD', 60_000) + '\n-----END PRIVATE KEY-----\n' })],
    ['1 MB of "["', fill('[', MB)],
    ['1 MB of nested objects', fill('{"a":', MB)],
  ])(`gs:// with a key file of %s: a typed error in under ${BOUND_MS / 1000} s, no key echoed`, (_name, text) => {
    const file = join(dir, 'hostile-key.json')
    writeFileSync(file, text)
    const r = runBounded(['gs://my-bucket/k', '--key-file', file], { PATH: process.env['PATH'] ?? '', HOME: dir })
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^sigv4-presign: options\.credentials/)
    expect(r.stderr).not.toContain('QUJDQUJD')
    expect(r.stderr.length).toBeLessThan(1000)
  }, BOUND_MS + 10_000)
})
