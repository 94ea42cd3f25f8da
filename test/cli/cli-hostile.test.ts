/**
 * The CLI reads ~/.aws/credentials and ~/.aws/config, which are untrusted: its INI parser must take linear time.
 * Each case runs the built CLI (dist/cli.js) on a credentials file and a config file of ~1 MB built from one hostile
 * pattern, then a valid [default] section: the run must finish within a fixed bound and still find that section.
 * (The regular expressions the parser used before took cubic or quadratic time.)
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
