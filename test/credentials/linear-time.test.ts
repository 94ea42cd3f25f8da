/**
 * Linear-time guards and size bounds for the parsers of sigv4-presign/credentials: the STS XML answers
 * (src/credentials/sts-xml.ts, sts.ts), credential_process command lines (shlex.ts), the shared config and
 * credentials files (ini.ts), and the paths, dates and JSON of io.ts / process.ts. Their input is a file, a process's
 * output or an HTTP answer: every byte is untrusted.
 *
 * - Each hostile pattern is parsed at 4 KiB and at 1 MiB (256 times the input). One 1 MiB run must cost under 50
 *   times what 256 runs of 4 KiB cost (their results kept, so both allocate and retain as much): a linear parser
 *   costs 1 to 15 times as much per byte at 1 MiB (the garbage collector: measured here), a quadratic one 256 times.
 *   And the median at 1 MiB must stay under a bound at least 20 times the median measured on the development
 *   machine (2 vCPUs, Node 20, shared with other test runs; written next to it), as in test/linear-time.test.ts.
 * - What has a size bound refuses more with a typed error (PresignError, code InvalidCredentials, a field naming the
 *   source) that never contains a secret: STS answers (64 KiB), credential_process output (64 KiB), files read by
 *   the default readFile (16 MiB: the shared files, token files; /dev/zero too).
 * - Fixed-seed properties: random bytes and token soups never make a parser throw anything but that PresignError.
 * LINEAR_MEASURE=1 prints every median; HOSTILE_SEED=random HOSTILE_SCALE=20 fuzzes.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import { parseIni, resolveCredentials, sharedConfig, shellSplit } from '../../src/credentials/index.js'
import type { CredentialsOptions, SpawnFunction } from '../../src/credentials/index.js'
import { MAX_FILE_BYTES, MAX_RESPONSE_BYTES, expandPath, parseDate, parseJson } from '../../src/credentials/io.js'
import { MAX_PROCESS_OUTPUT, processOutput } from '../../src/credentials/process.js'
import { parseXml } from '../../src/credentials/sts-xml.js'
import { parseStsCredentials } from '../../src/credentials/sts.js'
import { FC_SEED } from '../helpers/hostile.js'
import { baseEnv, tempHome } from './helpers.js'

const SCALE = Number(process.env['HOSTILE_SCALE']) || 1
const KiB = 1024
const SMALL = 4 * KiB
const LARGE = 256 * SMALL // 1 MiB
const F = 'field'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENxyz'

/** What a run gave: 'ok' and its value, or the PresignError (any other throw fails the test). */
type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: PresignError }

async function settle(run: (input: string) => unknown, input: string): Promise<Outcome> {
  try {
    return { ok: true, value: await run(input) }
  } catch (e) {
    if (!(e instanceof PresignError)) throw e
    return { ok: false, error: e }
  }
}

/** A PresignError of this module: code InvalidCredentials, its field starting with `field`, no secret in it. */
function expectCredentialsError(e: unknown, field: string): asserts e is PresignError {
  expect(e).toBeInstanceOf(PresignError)
  const error = e as PresignError
  expect(error.code).toBe('InvalidCredentials')
  expect(error.field.startsWith(field), error.field).toBe(true)
  const text = JSON.stringify({ ...error, message: error.message })
  expect(text).not.toContain(SECRET)
  expect(text).not.toContain(TOKEN)
  expect(error.message.length).toBeLessThan(2000)
}

/**
 * The median per-run time of `run(input)` in ms: `samples` samples of `reps` runs each, every result (or error) kept
 * until the sample ends, so that many small runs allocate and retain what one large run does.
 */
async function medianPerRun(run: (input: string) => unknown, input: string, reps: number, samples: number): Promise<number> {
  const times: number[] = []
  for (let s = 0; s < samples; s++) {
    const kept: Outcome[] = []
    const t = performance.now()
    for (let r = 0; r < reps; r++) kept.push(await settle(run, input))
    times.push((performance.now() - t) / reps)
    expect(kept).toHaveLength(reps)
  }
  return times.sort((a, b) => a - b)[Math.floor(samples / 2)]!
}

/** Below this, a 4 KiB run is timed as this long (timer noise), so a fast input cannot fail the ratio on a pause. */
const FLOOR_MS = 0.01
/** How many times the linear cost per byte the large input may take: at least 20 (the GC alone reaches 15). */
const MARGIN = 50

/**
 * One hostile pattern, `make(n)` about n characters long: its outcome at 1 MiB is `expected` ('ok', a RegExp for
 * the error's message, or a check of the value); one run at 1 MiB costs under MARGIN times the linear extrapolation
 * of a run at 4 KiB, and its median stays under `boundMs`, at least 20 times `measuredMs` (the development machine's).
 */
async function linear(
  label: string,
  make: (n: number) => string,
  run: (input: string) => unknown,
  expected: 'ok' | RegExp | ((value: unknown) => void),
  measuredMs: number,
  boundMs: number,
): Promise<void> {
  expect(boundMs, `${label}: the bound must be at least 20x the measured median`).toBeGreaterThanOrEqual(20 * measuredMs)
  const small = make(SMALL)
  const large = make(LARGE)
  const factor = large.length / small.length
  expect(factor, `${label}: the large input is about 256 times the small one`).toBeGreaterThan(200)
  for (let i = 0; i < 16; i++) await settle(run, small) // warm-up
  large.indexOf('\u0001') // flattens the string (repeat() builds a rope), so no run pays for that
  const largeTimes: number[] = []
  let outcome: Outcome | undefined
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const o = await settle(run, large)
    largeTimes.push(performance.now() - t)
    outcome ??= o
  }
  const largeMs = largeTimes.sort((a, b) => a - b)[1]!
  if (!outcome) throw new Error('no run')
  if (expected instanceof RegExp) {
    expect(outcome.ok, `${label}: expected a refusal`).toBe(false)
    if (!outcome.ok) {
      expectCredentialsError(outcome.error, F)
      expect(outcome.error.message).toMatch(expected)
    }
  } else {
    if (!outcome.ok) throw outcome.error
    if (typeof expected === 'function') expected(outcome.value)
  }
  const smallMs = await medianPerRun(run, small, Math.round(factor), 3)
  const perByte = largeMs / factor / Math.max(smallMs, FLOOR_MS)
  if (process.env['LINEAR_MEASURE']) {
    console.log(`${label}: 1 MiB median ${largeMs.toFixed(2)} ms (measured ${measuredMs} ms, bound ${boundMs} ms); 4 KiB ${smallMs.toFixed(4)} ms; ${perByte.toFixed(1)} times the cost per byte`)
  }
  expect(largeMs, `${label}: ${largeMs.toFixed(0)} ms at 1 MiB`).toBeLessThan(boundMs)
  expect(perByte, `${label}: ${smallMs.toFixed(4)} ms at 4 KiB, ${largeMs.toFixed(2)} ms at ${factor.toFixed(0)} times the input`).toBeLessThan(MARGIN)
}

/**
 * [label, make(n): the input of about n characters, the outcome at 1 MiB, the median at 1 MiB measured on the
 * development machine in ms (the larger of two full runs, on a machine shared with other test runs), bound in ms]
 */
type Case = [label: string, make: (n: number) => string, expected: 'ok' | RegExp | ((value: unknown) => void), measuredMs: number, boundMs: number]

/** A string of up to `max` of `tokens`. */
const soup = (tokens: readonly string[], max = 40) => fc.array(fc.constantFrom(...tokens), { maxLength: max }).map((a) => a.join(''))

// =================================================================================================
// STS XML
// =================================================================================================

const xml = (s: string) => parseXml(s, F)
const assumeRole = (s: string) => parseStsCredentials(s, 'AssumeRole', F)
const answer = (credentials: string) => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>${credentials}</Credentials></AssumeRoleResult></AssumeRoleResponse>`
const CREDENTIALS = `<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>${SECRET}</SecretAccessKey><SessionToken>${TOKEN}</SessionToken><Expiration>2099-12-01T12:00:00Z</Expiration>`
const MALFORMED = /not the XML STS sends \(a comment, DOCTYPE, CDATA section or malformed tag\)/

describe('STS XML answers: 4 KiB, then 1 MiB (the answers are capped at 64 KiB; the parser is not)', () => {
  const cases: Case[] = [
    ['< x n', (n) => '<'.repeat(n), MALFORMED, 0.1, 1000],
    ['<a> x n/3 (nesting)', (n) => '<a>'.repeat(n / 3), /nesting deeper than 32/, 0.3, 1000],
    ['<a/> x n/4 in a root', (n) => `<r>${'<a/>'.repeat(n / 4)}</r>`, 'ok', 330, 8000],
    ['<a>x</a> x n/8 in a root', (n) => `<r>${'<a>x</a>'.repeat(n / 8)}</r>`, 'ok', 190, 4000],
    ['32-deep nests, one after another', (n) => `<r>${('<a>'.repeat(31) + '</a>'.repeat(31)).repeat(n / 217)}</r>`, 'ok', 455, 10000],
    ['x<a/> x n/5 (text between elements)', (n) => `<r>${'x<a/>'.repeat(n / 5)}</r>`, 'ok', 304, 8000],
    ['& x n in a leaf', (n) => `<r>${'&'.repeat(n)}</r>`, /a bare "&"/, 1097, 25000],
    ['&amp; x n/5 in a leaf', (n) => `<r>${'&amp;'.repeat(n / 5)}</r>`, 'ok', 286, 6000],
    ['&#x x n/3 in a leaf', (n) => `<r>${'&#x'.repeat(n / 3)}</r>`, /a bare "&"/, 501, 15000],
    ['&#x1F600; x n/9 in a leaf', (n) => `<r>${'&#x1F600;'.repeat(n / 9)}</r>`, 'ok', 216, 5000],
    ['a character reference of n digits', (n) => `<r>&#${'9'.repeat(n)};</r>`, /a bare "&"/, 1.0, 1000],
    ['CR LF x n/2 in a leaf', (n) => `<r>${'\r\n'.repeat(n / 2)}</r>`, 'ok', 1.1, 1000],
    ['n spaces in a tag', (n) => `<r${' '.repeat(n)}>`, /a malformed tag/, 0.1, 1000],
    ['n/7 attributes on the root', (n) => `<r${' a="b"'.repeat(n / 7)}/>`, /a malformed tag/, 0.1, 1000],
    ['attributes on n/18 elements', (n) => `<r>${'<a b="c" d=\'e\'/>'.repeat(n / 18)}</r>`, 'ok', 86, 2000],
    ['an unterminated attribute of n characters', (n) => `<r a="${'x'.repeat(n)}`, /a malformed tag/, 0.1, 1000],
    ['</ x n/2', (n) => `<r>${'</'.repeat(n / 2)}`, /a mismatched closing tag/, 0.1, 1000],
    ['a closing tag of n characters without >', (n) => `<r></r${'x'.repeat(n)}`, /a mismatched closing tag/, 0.1, 1000],
    ['a name of n characters', (n) => `<${'a'.repeat(n)}/>`, /a malformed tag/, 0.1, 1000],
    ['names of 99 characters, n/102 of them', (n) => `<r>${`<${'a'.repeat(99)}/>`.repeat(n / 102)}</r>`, 'ok', 13, 1000],
    ['prefixed names x n/9', (n) => `<r>${'<p:a></a>'.repeat(n / 9)}</r>`, 'ok', 176, 4000],
    ['an unterminated declaration', (n) => `<?xml ${' '.repeat(n)}`, MALFORMED, 0.1, 1000],
    ['<!----> x n/7', (n) => `<r>${'<!---->'.repeat(n / 7)}</r>`, MALFORMED, 0.1, 1000],
    ['n spaces, then the root', (n) => `${' '.repeat(n)}<r/>`, 'ok', 1.9, 1000],
    ['the root, n spaces, then text', (n) => `<r/>${' '.repeat(n)}x`, /text outside the root element/, 2.5, 1000],
  ]
  test.each(cases)('%s', async (label, make, expected, measured, bound) => {
    await linear(label, make, xml, expected, measured, bound)
  })

  const stsCases: Case[] = [
    ['n/28 <AccessKeyId> in <Credentials>', (n) => answer('<AccessKeyId>a</AccessKeyId>'.repeat(n / 28)), /the answer has \d+ <AccessKeyId> in <Credentials>/, 81, 2000],
    ['a session token of n characters', (n) => answer(CREDENTIALS.replace(TOKEN, 'T'.repeat(n))), (v) => expect((v as { sessionToken: string }).sessionToken).toHaveLength(LARGE), 1.0, 1000],
    ['a session token of n/5 &amp;', (n) => answer(CREDENTIALS.replace(TOKEN, '&amp;'.repeat(n / 5))), 'ok', 250, 5000],
    ['n/8 unknown elements around the credentials', (n) => answer(CREDENTIALS + '<x>y</x>'.repeat(n / 8)), 'ok', 209, 5000],
    ['an expiration of n characters', (n) => answer(CREDENTIALS.replace('2099-12-01T12:00:00Z', '2099-12-01T12:00:00.' + '1'.repeat(n))), /Expiration/, 1.5, 1000],
    ['a root name of n characters', (n) => `<${'A'.repeat(n)}/>`, /a malformed tag/, 0.1, 1000],
  ]
  test.each(stsCases)('parseStsCredentials: %s', async (label, make, expected, measured, bound) => {
    await linear(label, make, assumeRole, expected, measured, bound)
  })
})

// =================================================================================================
// credential_process command lines
// =================================================================================================

const words = (expected: (string | undefined)[] | undefined | ((w: string[]) => boolean)) => (value: unknown) => {
  if (typeof expected === 'function') expect(expected(value as string[])).toBe(true)
  else expect(value).toEqual(expected)
}

describe('shellSplit (credential_process, [profile "…"] headers): 4 KiB, then 1 MiB', () => {
  const cases: Case[] = [
    ['" x n', (n) => '"'.repeat(n), words(['']), 7.1, 1000],
    ["' x n", (n) => "'".repeat(n), words(['']), 7.4, 1000],
    ['\\ x n', (n) => '\\'.repeat(n), words((w) => w.length === 1 && w[0]!.length === LARGE / 2), 119, 3000],
    ['"\\\\ x n/2"', (n) => `"${'\\\\'.repeat(n / 2)}"`, words((w) => w.length === 1 && w[0]!.length === LARGE / 2), 121, 3000],
    ['"\\" x n/2" (escaped quotes)', (n) => `"${'\\"'.repeat(n / 2)}"`, words((w) => w.length === 1 && w[0] === '"'.repeat(LARGE / 2)), 131, 3000],
    ['"\\a x n/2" (kept backslashes)', (n) => `"${'\\a'.repeat(n / 2)}"`, words((w) => w.length === 1 && w[0]!.length === LARGE), 325, 8000],
    ['a<space> x n/2 (many words)', (n) => 'a '.repeat(n / 2), words((w) => w.length === LARGE / 2), 112, 3000],
    ["'' x n/3 (many empty words)", (n) => "'' ".repeat(n / 3), words((w) => w.length === Math.floor(LARGE / 3) && w.every((x) => x === '')), 82, 2000],
    ['\\<space> x n/2 (one word of spaces)', (n) => '\\ '.repeat(n / 2), words([' '.repeat(LARGE / 2)]), 130, 3000],
    ['a"b"\'c\'\\d x n/9 (one word)', (n) => 'a"b"\'c\'\\d'.repeat(n / 9), words((w) => w.length === 1), 104, 3000],
    ['an unclosed quote after n characters', (n) => '"' + 'a'.repeat(n), words(undefined), 117, 3000],
    ['a trailing backslash after n characters', (n) => 'a'.repeat(n) + '\\', words(undefined), 184, 4000],
  ]
  test.each(cases)('%s', async (label, make, expected, measured, bound) => {
    await linear(label, make, shellSplit, expected, measured, bound)
  })
})

// =================================================================================================
// Shared config and credentials files
// =================================================================================================

/** Parse as the resolver does (config file, then a credentials file), and read the profiles it would read. */
function shared(text: string) {
  const config = sharedConfig(parseIni(text), parseIni(text), shellSplit)
  for (const name of ['default', 'p0', 'a', 'missing']) config.profiles.get(name)
  return config
}
const ini = (n: number, line: string, head = '[default]\n') => head + line.repeat((n - head.length) / line.length)
const numbered = (n: number, line: (i: number) => string, head = '') => {
  const out = [head]
  for (let i = 0, size = head.length; size < n; i++) {
    const l = line(i)
    out.push(l)
    size += l.length
  }
  return out.join('')
}

describe('parseIni and sharedConfig (~/.aws/config, ~/.aws/credentials): 4 KiB, then 1 MiB', () => {
  const cases: Case[] = [
    ['[ x n (one line)', (n) => '['.repeat(n), 'ok', 2.1, 1000],
    ['[ lines', (n) => '[\n'.repeat(n / 2), 'ok', 107, 3000],
    ['[a] x n/4 (one section, repeated)', (n) => '[a]\n'.repeat(n / 4), 'ok', 62, 2000],
    ['[] and [[]] lines', (n) => '[]\n[[]]\n'.repeat(n / 9), 'ok', 58, 2000],
    ['distinct sections [s0]…', (n) => numbered(n, (i) => `[s${i}]\n`), 'ok', 597, 15000],
    ['distinct profiles [profile p0]…', (n) => numbered(n, (i) => `[profile p${i}]\n`), 'ok', 552, 15000],
    ['= lines', (n) => ini(n, '=\n'), 'ok', 75, 2000],
    ['= x n (one line)', (n) => ini(n, '='), 'ok', 0.1, 1000],
    [': x n (one line)', (n) => ini(n, ':'), 'ok', 0.1, 1000],
    ['a line of n characters without = or :', (n) => ini(n, 'a'), 'ok', 0.1, 1000],
    ['k = v, one key n/6 times', (n) => ini(n, 'k = v\n'), 'ok', 54, 2000],
    ['distinct keys k0 = v…', (n) => numbered(n, (i) => `k${i} = v\n`, '[default]\n'), 'ok', 418, 10000],
    ['continuation lines', (n) => ini(n, '  x\n', '[default]\nk =\n'), 'ok', 75, 2000],
    ['blank lines inside a continuation', (n) => ini(n, '\n  x\n\n\n', '[default]\nk = v\n'), 'ok', 258, 6000],
    ['n spaces of indentation', (n) => `[default]\nk = v\n${' '.repeat(n)}x\n`, 'ok', 3.2, 1000],
    ['# and ; comment lines', (n) => ini(n, '#\n;\n'), 'ok', 42, 1000],
    ['CR LF lines', (n) => ini(n, 'k = v\r\n'), 'ok', 39, 1000],
    ['nested s3 = block of n/10 sub-keys', (n) => ini(n, '  k = v\n', '[default]\ns3 =\n'), 'ok', 142, 3000],
    ['[profile "\\\\…"] header of n characters', (n) => `[profile "${'\\'.repeat(n)}"]\n`, 'ok', 96, 2000],
    ['[profile a a a …] header of n/2 words', (n) => `[profile ${'a '.repeat(n / 2)}]\n`, 'ok', 63, 2000],
    ['[DEFAULT] with n/20 keys, then n/30 profiles', (n) => numbered(n / 2, (i) => `k${i} = v\n`, '[DEFAULT]\n') + numbered(n / 2, (i) => `[profile p${i}]\n`), 'ok', 466, 10000],
  ]
  test.each(cases)('%s', async (label, make, expected, measured, bound) => {
    await linear(label, make, shared, expected, measured, bound)
  })

  test('resolveCredentials on a 1 MiB config of distinct profiles, the one it needs last', async () => {
    const files = (n: number) => numbered(n, (i) => `[profile p${i}]\nregion = us-east-1\nk${i} = ${'v'.repeat(20)}\n`) + `[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = ${SECRET}\n`
    const resolve = (text: string) => resolveCredentials({ env: { HOME: '/nonexistent' }, homeDir: '/nonexistent', readFile: async (p) => (p.endsWith('config') ? text : Promise.reject(Object.assign(new Error('x'), { code: 'ENOENT' }))) })
    await linear('resolveCredentials, 1 MiB config', files, resolve, (v) => expect(v).toMatchObject({ source: 'config-file', credentials: { accessKeyId: 'AKIAEXAMPLE' } }), 102, 3000)
  })
})

// =================================================================================================
// io.ts: paths, dates, JSON
// =================================================================================================

const paths = { env: { a: 'A', HOME: '/h' }, homeDir: '/h' }
const expand = (s: string) => expandPath(paths, s)
const same = (n: number) => (v: unknown) => expect((v as string).length).toBeGreaterThan(n - 100)

describe('expandPath, parseDate, parseJson, processOutput: 4 KiB, then 1 MiB', () => {
  const cases: Array<[string, (n: number) => string, (s: string) => unknown, Case[2], number, number]> = [
    // One pattern over the whole path retried ${… to the end at every ${: 390 s at 1 MiB before the fix.
    ['expandPath: ${ x n/2', (n) => '${'.repeat(n / 2), expand, same(LARGE), 1.1, 1000],
    ['expandPath: ${ then n characters', (n) => '${' + 'x'.repeat(n), expand, same(LARGE), 1.2, 1000],
    ['expandPath: ${ x n/2, then }', (n) => '${'.repeat(n / 2) + '}', expand, same(LARGE), 0.6, 1000],
    ['expandPath: $a x n/2 (each one set)', (n) => '$a'.repeat(n / 2), expand, (v) => expect(v).toBe('A'.repeat(LARGE / 2)), 425, 10000],
    ['expandPath: ${a} x n/4', (n) => '${a}'.repeat(n / 4), expand, (v) => expect(v).toBe('A'.repeat(LARGE / 4)), 207, 5000],
    ['expandPath: ${unset} x n/8', (n) => '${unset}'.repeat(n / 8), expand, same(LARGE), 131, 3000],
    ['expandPath: $ x n', (n) => '$'.repeat(n), expand, same(LARGE), 3.3, 1000],
    ['parseDate: n spaces, then a date', (n) => ' '.repeat(n) + '2026-01-01T00:00:00Z', (s) => parseDate(s, F), 'ok', 1.9, 1000],
    ['parseDate: n fraction digits', (n) => '2026-01-01T00:00:00.' + '1'.repeat(n), (s) => parseDate(s, F), /must be an ISO 8601 date-time/, 0.1, 1000],
    ['parseDate: n digits', (n) => '1'.repeat(n), (s) => parseDate(s, F), /must be an ISO 8601 date-time/, 0.1, 1000],
    ['parseJson: [ x n', (n) => '['.repeat(n), (s) => parseJson(s, F), /the answer is not JSON/, 267, 6000],
    ['parseJson: [ x n/2 then ] x n/2', (n) => '['.repeat(n / 2) + ']'.repeat(n / 2), (s) => parseJson(s, F), /not a JSON object/, 193, 4000],
    ['parseJson: {"a": x n/5', (n) => '{"a":'.repeat(n / 5), (s) => parseJson(s, F), /the answer is not JSON/, 12, 1000],
    ['parseJson: a string of n/2 \\\\', (n) => `{"k":"${'\\\\'.repeat(n / 2)}"}`, (s) => parseJson(s, F), 'ok', 7.1, 1000],
    ['parseJson: n/8 keys', (n) => numbered(n, (i) => `"k${i}":1,`, '{') + '"z":1}', (s) => parseJson(s, F), 'ok', 122, 3000],
    ['processOutput: n/2-deep arrays in a key', (n) => `{"Version":1,"a":${'['.repeat(n / 2)}${']'.repeat(n / 2)}}`, (s) => processOutput(s, F), /no AccessKeyId/, 123, 3000],
    ['processOutput: a secret of n characters', (n) => JSON.stringify({ Version: 1, AccessKeyId: 'A', SecretAccessKey: 'S'.repeat(n) }), (s) => processOutput(s, F), 'ok', 5.8, 1000],
    ['processOutput: an Expiration of n characters', (n) => JSON.stringify({ Version: 1, AccessKeyId: 'A', SecretAccessKey: SECRET, Expiration: '2026-01-01T00:00:00' + '0'.repeat(n) }), (s) => processOutput(s, F), /must be an ISO 8601/, 12, 1000],
  ]
  test.each(cases)('%s', async (label, make, run, expected, measured, bound) => {
    await linear(label, make, run, expected, measured, bound)
  })
})

describe('expandPath: the linear version is the one-pattern expansion (botocore: os.path.expandvars)', () => {
  /** The expansion before it was made linear: one pattern, $NAME or ${NAME} (up to the first }), over the whole path. */
  const onePattern = (env: Record<string, string>, path: string) =>
    path.replace(/\$(\w+)|\$\{([^}]*)\}/g, (all, a?: string, b?: string) => (Object.hasOwn(env, (a ?? b)!) ? env[(a ?? b)!]! : all))
  test('the same on random paths of $, {, }, names and separators', () => {
    const env = { a: 'A', ab: 'AB', 'x y': 'XY', '': 'EMPTY', 'a$b': 'ADB', 'a}': 'no', b: '~' }
    fc.assert(
      fc.property(soup(['$', '{', '}', 'a', 'b', ' ', 'x', 'y', '~', '/', '$a', '${', '${a}', '$$', '_', '0', 'é'], 16), (path) => {
        const want = onePattern(env, path)
        expect(expandPath({ env, homeDir: '/home' }, path)).toBe(want === '~' || want.startsWith('~/') ? '/home' + want.slice(1) : want)
      }),
      { numRuns: 5000 * SCALE, seed: FC_SEED },
    )
  })
  test('a name of an Object.prototype member is not a variable (it was expanded to a function source)', () => {
    expect(expandPath({ env: { HOME: '/h' }, homeDir: '/h' }, '/x/$constructor/${toString}/$__proto__/c')).toBe('/x/$constructor/${toString}/$__proto__/c')
    expect(expandPath({ env: process.env, homeDir: '/h' }, '$hasOwnProperty')).toBe('$hasOwnProperty')
  })
})

// =================================================================================================
// Size bounds
// =================================================================================================

/** The error of a resolution that must fail. */
async function refusal(options: CredentialsOptions, field: string): Promise<PresignError> {
  const start = performance.now()
  const e = await resolveCredentials(options).then(
    () => undefined,
    (x: unknown) => x,
  )
  expectCredentialsError(e, field)
  expect(performance.now() - start, 'refused in bounded time').toBeLessThan(5000)
  return e
}

const ROLE_CONFIG = `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\n[profile src]\naws_access_key_id = AKIASRC\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`
const noFile = async (): Promise<string> => Promise.reject(Object.assign(new Error('x'), { code: 'ENOENT' }))

describe('size bounds: refused with a typed error naming the source, never a secret', () => {
  const stsOptions = (body: string): CredentialsOptions => ({
    env: { HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' },
    homeDir: '/nonexistent',
    readFile: async (p) => (p.endsWith('config') ? ROLE_CONFIG : noFile()),
    fetch: async () => new Response(body, { status: 200 }),
  })

  test(`an STS answer of ${MAX_RESPONSE_BYTES} bytes is read; one byte more (or 1 MiB holding the secrets) is refused`, async () => {
    const valid = answer(CREDENTIALS)
    const padded = valid.replace('</AssumeRoleResponse>', ' '.repeat(MAX_RESPONSE_BYTES - valid.length) + '</AssumeRoleResponse>')
    expect(new TextEncoder().encode(padded).length).toBe(MAX_RESPONSE_BYTES)
    expect((await resolveCredentials(stsOptions(padded))).credentials).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: TOKEN })
    const field = 'profile "default" (STS AssumeRole)'
    expect((await refusal(stsOptions(padded.replace('</Assume', ' </Assume')), field)).message).toMatch(/the answer is larger than 65536 bytes/)
    expect((await refusal(stsOptions(`${SECRET} ${TOKEN} `.repeat(LARGE / 80)), field)).message).toMatch(/the answer is larger than 65536 bytes/)
  })

  test('an STS answer nested 33 deep is refused; 32 is read', () => {
    const nest = (d: number) => '<a>'.repeat(d) + '</a>'.repeat(d)
    expect(parseXml(nest(32), F).name).toBe('a')
    expect(() => parseXml(nest(33), F)).toThrow(/nesting deeper than 32/)
  })

  test(`credential_process output over ${MAX_PROCESS_OUTPUT} bytes (1 MiB holding the secret) is refused; the process is stopped`, async () => {
    const script = `process.stdout.write(${JSON.stringify(`{"Version":1,"SecretAccessKey":"${SECRET}"} `)}.repeat(20000))`
    const config = `[default]\ncredential_process = "${process.execPath}" -e '${script}'\n`
    const env = baseEnv(tempHome({ '.aws/config': config }))
    const e = await refusal({ env, homeDir: env['HOME'], timeouts: { process: 5000 } }, 'profile "default".credential_process')
    expect(e.message).toMatch(/printed more than 65536 bytes/)
  })

  test('a command line with an unclosed quote or a trailing backslash is refused before anything runs', async () => {
    const spawn: SpawnFunction = () => Promise.reject(new Error('must not run'))
    for (const line of [`node "${SECRET}`, `node ${SECRET}\\`]) {
      const e = await refusal({ env: { HOME: '/nonexistent' }, homeDir: '/nonexistent', spawn, readFile: async (p) => (p.endsWith('config') ? `[default]\ncredential_process = ${line}\n` : noFile()) }, 'profile "default".credential_process')
      expect(e.message).toMatch(/not a valid command line/)
    }
  })

  test(`a config or credentials file over ${MAX_FILE_BYTES} bytes is refused (EFBIG); one of ${MAX_FILE_BYTES} is read`, async () => {
    const home = tempHome()
    const keys = `[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = ${SECRET}\n`
    const filler = `# ${SECRET}\n`
    const exact = keys + filler.repeat(Math.floor((MAX_FILE_BYTES - keys.length) / filler.length))
    const padded = exact + '#'.repeat(MAX_FILE_BYTES - exact.length - 1) + '\n'
    expect(padded.length).toBe(MAX_FILE_BYTES)
    writeFileSync(join(home, 'exact'), padded)
    writeFileSync(join(home, 'over'), padded + '\n')
    const env = (extra: Record<string, string>) => baseEnv(home, extra)
    const read = await resolveCredentials({ env: env({ AWS_SHARED_CREDENTIALS_FILE: join(home, 'exact') }), homeDir: home })
    expect(read).toMatchObject({ source: 'shared-credentials-file', credentials: { accessKeyId: 'AKIAFILE' } })
    const e1 = await refusal({ env: env({ AWS_SHARED_CREDENTIALS_FILE: join(home, 'over') }), homeDir: home }, 'env.AWS_SHARED_CREDENTIALS_FILE')
    expect(e1.message).toMatch(/cannot read ".*over" \(EFBIG: larger than 16777216 bytes\)/)
    const e2 = await refusal({ env: env({ AWS_CONFIG_FILE: join(home, 'over') }), homeDir: home }, 'env.AWS_CONFIG_FILE')
    expect(e2.message).toMatch(/EFBIG/)
  })

  test.skipIf(!existsSync('/dev/zero'))('AWS_CONFIG_FILE=/dev/zero (an endless file) is refused after 16 MiB', async () => {
    const env = baseEnv(tempHome(), { AWS_CONFIG_FILE: '/dev/zero' })
    const e = await refusal({ env, homeDir: env['HOME'] }, 'env.AWS_CONFIG_FILE')
    expect(e.message).toMatch(/cannot read "\/dev\/zero" \(EFBIG: larger than 16777216 bytes\)/)
  })

  test('a web identity token file over 16 MiB is refused (EFBIG), naming the setting', async () => {
    const home = tempHome()
    writeFileSync(join(home, 'token'), TOKEN.repeat(Math.ceil((MAX_FILE_BYTES + 1) / TOKEN.length)))
    const env = baseEnv(home, { AWS_WEB_IDENTITY_TOKEN_FILE: join(home, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/a' })
    const fetchNever = async (): Promise<Response> => Promise.reject(new Error('must not be called'))
    const e = await refusal({ env, homeDir: home, fetch: fetchNever }, 'env.AWS_WEB_IDENTITY_TOKEN_FILE')
    expect(e.message).toMatch(/cannot read the file it names \(EFBIG: larger than 16777216 bytes\)/)
  })
})

// =================================================================================================
// Properties
// =================================================================================================

/** Random bytes as the parsers may get them: decoded as UTF-8 (invalid bytes become U+FFFD) or one char per byte. */
const bytes = fc.tuple(fc.uint8Array({ maxLength: 400 }), fc.boolean()).map(([b, utf8]) => (utf8 ? new TextDecoder().decode(b) : String.fromCharCode(...b)))

/** `fn` returns, or throws this module's PresignError for `field`; anything else thrown fails. 'ok' or 'refused'. */
function only(fn: () => unknown, field = F): 'ok' | 'refused' {
  try {
    fn()
    return 'ok'
  } catch (e) {
    expectCredentialsError(e, field)
    return 'refused'
  }
}

const XML_TOKENS = [
  '<', '>', '/', '</', '/>', '<?xml version="1.0"?>', '<!--', '-->', '<![CDATA[', ']]>', '<!DOCTYPE x>', '&', ';', '&amp;', '&#', '&#x', '&#60;', '&lol;',
  '"', "'", '=', ' ', '\n', 'a', ':', 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"', '\u0000', '\ud800', '\ufeff', '😀',
  '<AssumeRoleResponse>', '</AssumeRoleResponse>', '<AssumeRoleResult>', '</AssumeRoleResult>', '<Credentials>', '</Credentials>',
  '<AccessKeyId>', '</AccessKeyId>', '<SecretAccessKey>', '</SecretAccessKey>', '<SessionToken>', '</SessionToken>', '<Expiration>', '</Expiration>',
  '<ErrorResponse>', '<Error>', '<Code>', '<Message>', SECRET, TOKEN, '2026-12-01T12:00:00Z', 'ASIA',
]
const SHELL_TOKENS = ['"', "'", '\\', ' ', '\t', '\n', '\r', 'a', '$HOME', '|', ';', '*', '\\"', "\\'", '\\\\', '""', "''", '😀', '\u0000']
const INI_TOKENS = [
  '[default]\n', '[profile p]\n', '[profile "p q"]\n', '[profile \'p\n', '[sso-session s]\n', '[services s]\n', '[DEFAULT]\n', '[p]\n', '[\n', ']\n', '[]\n',
  'aws_access_key_id = AKIA\n', `aws_secret_access_key = ${SECRET}\n`, `aws_session_token = ${TOKEN}\n`, 'role_arn = arn:aws:iam::1:role/r\n', 'source_profile = p\n',
  'source_profile = default\n', 'credential_source = Environment\n', 'credential_process = run "a b\n', 'credential_process = run a\n', 'web_identity_token_file = /t\n',
  'sso_session = s\n', 'sso_start_url = https://x.awsapps.com/start\n', 'sso_region = us-east-1\n', 'sso_account_id = 1\n', 'sso_role_name = r\n', 'region = us-east-1\n',
  'services = s\n', 'sts =\n', '  endpoint_url = http://127.0.0.1:9\n', 'duration_seconds = 900\n', 'duration_seconds = x\n', 'mfa_serial = m\n', 'external_id = e\n',
  '  continued\n', '\n', '# c\n', '; c\n', 'k: v\n', '=\n', ':\n', '\r\n', ' = v\n', 'role_session_name = ${HOME}\n', 'sts_regional_endpoints = legacy\n',
]
const JSON_TOKENS = [
  '{', '}', '[', ']', ',', ':', '"', '"Version"', '1', '2', '"1"', 'null', 'true', '"AccessKeyId"', '"A"', '"SecretAccessKey"', `"${SECRET}"`, '"SessionToken"', `"${TOKEN}"`,
  '"Expiration"', '"2026-12-01T12:00:00Z"', '"tomorrow"', '"2026-13-01T00:00:00Z"', '1e400', '-0', '\\u0000', '\\', ' ',
]
/** A shared file: a token soup (the lines that make credentials 4 times as likely), half the time under [default]. */
const LIKELY = ['aws_access_key_id = AKIA\n', `aws_secret_access_key = ${SECRET}\n`, 'credential_process = run a\n', 'role_arn = arn:aws:iam::1:role/r\n', 'source_profile = p\n', 'web_identity_token_file = /t\n']
const iniFile = (max: number) => fc.tuple(fc.boolean(), soup([...INI_TOKENS, ...LIKELY, ...LIKELY, ...LIKELY], max)).map(([head, body]) => (head ? '[default]\n' : '') + body)
const PROCESS_JSON = JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROC', SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: '2099-01-01T00:00:00Z' })
const WEB_ANSWER = answer(CREDENTIALS).replaceAll('AssumeRole', 'AssumeRoleWithWebIdentity')

describe('properties (fixed seed): random input never throws anything but a typed PresignError without secrets', () => {
  test('STS XML: random bytes and token soups', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, soup(XML_TOKENS)), (s) => {
        only(() => parseXml(s, F))
        for (const action of ['AssumeRole', 'AssumeRoleWithWebIdentity']) only(() => parseStsCredentials(s, action, F))
      }),
      { numRuns: 3000 * SCALE, seed: FC_SEED },
    )
  })

  test('STS XML: a valid answer cut, or with tokens inserted, deleted or replaced', () => {
    const valid = answer(CREDENTIALS)
    let ok = 0
    let refused = 0
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom('', ...XML_TOKENS)), { minLength: 1, maxLength: 3 }), (edits) => {
        const s = edits.reduce((x, [at, len, token]) => x.slice(0, at % (x.length + 1)) + token + x.slice((at % (x.length + 1)) + len), valid)
        if (only(() => parseStsCredentials(s, 'AssumeRole', F)) === 'ok') ok++
        else refused++
      }),
      { numRuns: 2000 * SCALE, seed: FC_SEED },
    )
    expect(ok).toBeGreaterThan(50 * SCALE) // edits inside text keep it valid
    expect(refused).toBeGreaterThan(500 * SCALE)
  })

  test('shellSplit: never throws; an array of strings or undefined, the same twice', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, soup(SHELL_TOKENS)), (s) => {
        const words = shellSplit(s)
        expect(words === undefined || (Array.isArray(words) && words.every((w) => typeof w === 'string'))).toBe(true)
        expect(shellSplit(s)).toEqual(words)
      }),
      { numRuns: 3000 * SCALE, seed: FC_SEED },
    )
  })

  test('parseIni and sharedConfig: never throw, whatever the bytes; every section reads', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, soup(INI_TOKENS)), fc.oneof(bytes, soup(INI_TOKENS)), (a, b) => {
        const config = sharedConfig(parseIni(a), parseIni(b), shellSplit)
        for (const sections of [config.profiles, config.credentialsFile, config.configFile, config.ssoSessions, config.services]) {
          for (const name of [...sections.keys()]) for (const [k, v] of sections.get(name)!) expect(typeof k === 'string' && typeof v === 'string').toBe(true)
        }
      }),
      { numRuns: 2000 * SCALE, seed: FC_SEED },
    )
  })

  test('parseJson, parseDate, processOutput, expandPath: returns or the typed error', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, soup(JSON_TOKENS)), (s) => {
        only(() => parseJson(s, F))
        only(() => parseDate(s, F))
        only(() => processOutput(s, F))
        expect(typeof expandPath(paths, s)).toBe('string')
      }),
      { numRuns: 3000 * SCALE, seed: FC_SEED },
    )
  })

  test('resolveCredentials on random files, process output and HTTP answers: credentials or the typed error, never a secret', async () => {
    const home = tempHome()
    let resolved = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(iniFile(30), iniFile(10), fc.oneof(fc.constant(PROCESS_JSON), bytes, soup(JSON_TOKENS)), fc.oneof(fc.constant(answer(CREDENTIALS)), fc.constant(WEB_ANSWER), bytes, soup(XML_TOKENS, 60)), fc.constantFrom(200, 200, 400, 403, 500), async (config, credentials, stdout, body, status) => {
        const options: CredentialsOptions = {
          env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true' },
          homeDir: home,
          readFile: async (p) => (p.endsWith('/.aws/config') ? config : p.endsWith('/.aws/credentials') ? credentials : p === '/t' ? TOKEN : noFile()),
          spawn: async () => ({ code: 0, stdout }),
          fetch: async () => new Response(body, { status }),
          timeouts: { sts: 1000, sso: 1000, process: 1000 },
        }
        try {
          await resolveCredentials(options)
          resolved++
        } catch (e) {
          expectCredentialsError(e, '')
          refused++
        }
      }),
      { numRuns: 500 * SCALE, seed: FC_SEED },
    )
    expect(resolved).toBeGreaterThan(10 * SCALE) // not vacuous: static keys, processes and STS answers do resolve
    expect(refused).toBeGreaterThan(100 * SCALE)
  })
})
