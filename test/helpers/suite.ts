/**
 * Locates AWS's published SigV4 test suites (data kept outside the project, in
 * ../shared/aws-sig-v4-test-suite; override with SIGV4_TEST_SUITE=/path).
 * Absent outside CI: the suites are skipped with a loud warning. Absent in CI: a failure.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const suiteRoot = resolve(process.env['SIGV4_TEST_SUITE'] ?? join(projectRoot, '../shared/aws-sig-v4-test-suite'))
export const suitePresent = existsSync(join(suiteRoot, 'crt', 'v4')) && existsSync(join(suiteRoot, 'classic'))

export function requireSuite(): boolean {
  if (suitePresent) return true
  const msg =
    `\n!!! AWS SigV4 test suites NOT FOUND at ${suiteRoot}\n` +
    '!!! Put aws-sig-v4-test-suite in ../shared (as CI has it) or set SIGV4_TEST_SUITE=/path/to/aws-sig-v4-test-suite.\n'
  if (process.env['CI']) throw new Error(msg + '!!! CI must run them: failing.')
  console.warn(msg + '!!! Skipping the suite tests.')
  return false
}

export function listDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort()
}

export function read(file: string): string {
  return readFileSync(file, 'utf8')
}

export { type CrtCase, type CrtContext, type RawRequest, asSentOnTheWire, crtCase, parseRawRequest } from './crt-cases.mjs'
