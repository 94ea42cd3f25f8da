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

/** A raw HTTP request as written in the suites' request files. */
export interface RawRequest {
  method: string
  target: string
  headers: Array<[string, string]>
  body: string
}

/** Parse `METHOD target HTTP/1.1`, `Name:value` lines (obs-fold continuation lines unfolded with a space), blank line, body. */
export function parseRawRequest(text: string): RawRequest {
  const normalized = text.replace(/\r\n/g, '\n')
  const split = normalized.indexOf('\n\n')
  const head = split < 0 ? normalized : normalized.slice(0, split)
  const body = split < 0 ? '' : normalized.slice(split + 2)
  const lines = head.split('\n')
  const first = lines.shift()!
  const m = /^(\S+) (.*) HTTP\/1\.1$/.exec(first)
  if (!m) throw new Error(`bad request line: ${first}`)
  const headers: Array<[string, string]> = []
  for (const line of lines) {
    if (line === '') continue
    if (/^[ \t]/.test(line)) {
      const last = headers[headers.length - 1]!
      last[1] += ' ' + line.trim()
      continue
    }
    const i = line.indexOf(':')
    headers.push([line.slice(0, i), line.slice(i + 1)])
  }
  return { method: m[1]!, target: m[2]!, headers, body }
}

/** What any HTTP client does to a request target before sending it: percent-encode raw spaces and non-ASCII as UTF-8. */
export function asSentOnTheWire(target: string): string {
  return target.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch))
}

/** A CRT suite case's context.json. */
export interface CrtContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  expiration_in_seconds: number
  normalize: boolean
  region: string
  service: string
  sign_body: boolean
  timestamp: string
  omit_session_token?: boolean
}
