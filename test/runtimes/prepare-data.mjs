// Prepares the runtime test data: one JSON file with every case the runtime runners check, so
// that runtimes without a file system (the browser, workerd) get it over HTTP or as a module.
//
//   node test/runtimes/prepare-data.mjs [out.json]     (default: test/runtimes/.out/cases.json)
//
// - crt: AWS's CRT SigV4 suite (../shared/aws-sig-v4-test-suite/crt/v4, or SIGV4_TEST_SUITE), every
//   case with query-signing expectations, already parsed into presignDetailed() inputs and the
//   expected canonical request, string to sign, signature, method and URL. The mapping is the one
//   of test/aws-suite.test.ts (and the parsing that of test/helpers/suite.ts).
// - botocore: vectors/botocore-presign.json, as is (see test/vectors.test.ts).
// - s3: vectors/botocore-s3-client.json, as is (see test/s3.test.ts).
// - v4a: AWS's crt/v4a (SigV4a) query cases, mapped as in test/sigv4a.test.ts.
//
// A missing CRT suite is a loud warning outside CI and an error with CI=true (as in the unit tests).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const here = dirname(fileURLToPath(import.meta.url))
export const projectRoot = resolve(here, '../..')
export const outDir = join(here, '.out')
export const defaultDataFile = join(outDir, 'cases.json')

const read = (file) => readFileSync(file, 'utf8')

/** `METHOD target HTTP/1.1`, `Name:value` lines (obs-fold continuation lines unfolded with a space), blank line, body. */
function parseRawRequest(text) {
  const normalized = text.replace(/\r\n/g, '\n')
  const split = normalized.indexOf('\n\n')
  const head = split < 0 ? normalized : normalized.slice(0, split)
  const body = split < 0 ? '' : normalized.slice(split + 2)
  const lines = head.split('\n')
  const first = lines.shift()
  const m = /^(\S+) (.*) HTTP\/1\.1$/.exec(first)
  if (!m) throw new Error(`bad request line: ${first}`)
  const headers = []
  for (const line of lines) {
    if (line === '') continue
    if (/^[ \t]/.test(line)) {
      const last = headers[headers.length - 1]
      last[1] += ' ' + line.trim()
      continue
    }
    const i = line.indexOf(':')
    headers.push([line.slice(0, i), line.slice(i + 1)])
  }
  return { method: m[1], target: m[2], headers, body }
}

/** What any HTTP client does to a request target before sending it: percent-encode raw spaces and non-ASCII as UTF-8. */
const asSentOnTheWire = (target) => target.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch))

/** The query-signing cases of one CRT suite folder, sorted by name. */
function queryCaseDirs(folder, marker) {
  return readdirSync(folder)
    .filter((n) => statSync(join(folder, n)).isDirectory() && existsSync(join(folder, n, marker)))
    .sort()
    .map((name) => [name, join(folder, name)])
}

/**
 * One CRT case as request, options and the expected outputs, mapped as in test/aws-suite.test.ts: the suite's
 * signer encodes the path once and normalizes per case, and omit_session_token appends the token after signing.
 */
function crtCase(name, dir) {
  const ctx = JSON.parse(read(join(dir, 'context.json')))
  const req = parseRawRequest(read(join(dir, 'request.txt')))
  const host = req.headers.find(([n]) => n.toLowerCase() === 'host')[1].trim()
  const request = { method: req.method, url: `https://${host}${req.target}`, headers: req.headers.filter(([n]) => n.toLowerCase() !== 'host') }
  if (ctx.sign_body) request.body = req.body
  const credentials = { accessKeyId: ctx.credentials.access_key_id, secretAccessKey: ctx.credentials.secret_access_key }
  if (ctx.credentials.token !== undefined) credentials.sessionToken = ctx.credentials.token
  const signedLine = read(join(dir, 'query-signed-request.txt')).split('\n')[0]
  const m = /^(\S+) (.*) HTTP\/1\.1$/.exec(signedLine)
  if (!m) throw new Error(`${name}: bad signed request line: ${signedLine}`)
  return {
    ctx,
    name,
    request,
    options: {
      credentials,
      region: ctx.region,
      service: ctx.service,
      expiresIn: ctx.expiration_in_seconds,
      signingDate: ctx.timestamp,
      normalizePath: ctx.normalize,
      doubleEncodePath: false,
      signSessionToken: !ctx.omit_session_token,
    },
    expected: {
      canonicalRequest: read(join(dir, 'query-canonical-request.txt')),
      stringToSign: read(join(dir, 'query-string-to-sign.txt')),
      signature: read(join(dir, 'query-signature.txt')).trim(),
      method: m[1],
      url: `https://${host}${asSentOnTheWire(m[2])}`,
    },
  }
}

function crtCases(suiteRoot) {
  return queryCaseDirs(join(suiteRoot, 'crt', 'v4'), 'query-signed-request.txt').map(([name, dir]) => {
    const { ctx: _unused, ...c } = crtCase(name, dir)
    return c
  })
}

/** AWS's crt/v4a (SigV4a) query cases: same mapping, with the region as a one-region set. */
function v4aCases(suiteRoot) {
  return queryCaseDirs(join(suiteRoot, 'crt', 'v4a'), 'query-canonical-request.txt').map(([name, dir]) => {
    const { ctx, options, expected, ...c } = crtCase(name, dir)
    const { region, ...rest } = options
    // ECDSA signatures are randomized: the suite's must verify, ours must verify; bytes are not compared.
    return { ...c, options: { ...rest, regionSet: [region] }, expected: { ...expected, region: ctx.region } }
  })
}

/** Build the data object (and write it to `file`). Returns `{ file, data }`. */
export function prepareData(file = defaultDataFile) {
  const suiteRoot = resolve(process.env.SIGV4_TEST_SUITE ?? join(projectRoot, '../shared/aws-sig-v4-test-suite'))
  let crt = []
  let v4a = []
  if (existsSync(join(suiteRoot, 'crt', 'v4'))) {
    crt = crtCases(suiteRoot)
    v4a = v4aCases(suiteRoot)
  } else {
    const msg =
      `\n!!! AWS SigV4 test suite NOT FOUND at ${suiteRoot}/crt/v4\n` +
      '!!! Put aws-sig-v4-test-suite in ../shared (as CI has it) or set SIGV4_TEST_SUITE=/path/to/aws-sig-v4-test-suite.\n'
    if (process.env.CI) throw new Error(msg + '!!! CI must run it: failing.')
    console.warn(msg + '!!! The runtime tests run the botocore vectors only.')
  }
  const botocore = JSON.parse(read(join(projectRoot, 'vectors', 'botocore-presign.json')))
  const s3 = JSON.parse(read(join(projectRoot, 'vectors', 'botocore-s3-client.json')))
  const data = {
    description: 'Generated by test/runtimes/prepare-data.mjs; read by test/runtimes/run-cases.mjs.',
    crt,
    v4a,
    botocore: botocore.cases,
    s3: s3.cases,
    total: crt.length + v4a.length + botocore.cases.length + s3.cases.length,
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(data))
  return { file, data }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { file, data } = prepareData(process.argv[2] ? resolve(process.argv[2]) : undefined)
  console.log(`wrote ${file}: ${data.crt.length} crt/v4 + ${data.v4a.length} crt/v4a + ${data.botocore.length} botocore + ${data.s3.length} S3 client cases`)
}
