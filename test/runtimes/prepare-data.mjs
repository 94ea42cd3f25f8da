// Prepares the runtime test data: one JSON file with every case the runtime runners check, so
// that runtimes without a file system (the browser, workerd) get it over HTTP or as a module.
//
//   node test/runtimes/prepare-data.mjs [out.json]     (default: test/runtimes/.out/cases.json)
//
// - crt: AWS's CRT SigV4 suite (../shared/aws-sig-v4-test-suite/crt/v4, or SIGV4_TEST_SUITE), every
//   case with query-signing expectations, already parsed into presignDetailed() inputs and the
//   expected canonical request, string to sign, signature, method and URL, by test/helpers/crt-cases.mjs
//   (the mapping the unit tests use too).
// - botocore: vectors/botocore-presign.json, as is (see test/vectors.test.ts).
// - s3: vectors/botocore-s3-client.json, as is (see test/s3/object-url.test.ts).
// - v4a: AWS's crt/v4a (SigV4a) query cases, the same mapping with the region as a one-region set.
// - signingNames: vectors/botocore-s3-signing-names.json, as is (see test/s3/signing-names.test.ts).
// - endpoints: vectors/botocore-s3-endpoints.json's cases, as is (see test/s3/endpoints.test.ts).
// - addresses: vectors/botocore-s3-addresses.json's cases, as is (see test/s3/addresses.test.ts).
// - gcs: Google's Cloud Storage conformance suite (../shared/gcs-conformance-tests, or GCS_CONFORMANCE_TESTS):
//   its signing and POST policy cases and its dummy key file, as they are (see test/gcs/conformance.test.ts).
//
// A missing suite is a loud warning outside CI and an error with CI=true (as in the unit tests).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { crtCase } from '../helpers/crt-cases.mjs'

export const here = dirname(fileURLToPath(import.meta.url))
export const projectRoot = resolve(here, '../..')
export const outDir = join(here, '.out')
export const defaultDataFile = join(outDir, 'cases.json')

const read = (file) => readFileSync(file, 'utf8')

/** The query-signing cases of one CRT suite folder, sorted by name. */
function queryCaseDirs(folder, marker) {
  return readdirSync(folder)
    .filter((n) => statSync(join(folder, n)).isDirectory() && existsSync(join(folder, n, marker)))
    .sort()
    .map((name) => [name, join(folder, name)])
}

function crtCases(suiteRoot) {
  return queryCaseDirs(join(suiteRoot, 'crt', 'v4'), 'query-signed-request.txt').map(([name, dir]) => {
    const { ctx: _unused, ...c } = crtCase(dir)
    return { name, ...c }
  })
}

/** AWS's crt/v4a (SigV4a) query cases: same mapping, with the region as a one-region set. */
function v4aCases(suiteRoot) {
  return queryCaseDirs(join(suiteRoot, 'crt', 'v4a'), 'query-canonical-request.txt').map(([name, dir]) => {
    const { ctx, options, expected, ...c } = crtCase(dir)
    const { region, ...rest } = options
    // ECDSA signatures are randomized: the suite's must verify, ours must verify; bytes are not compared.
    const publicKey = JSON.parse(read(join(dir, 'public-key.json')))
    return { name, ...c, options: { ...rest, regionSet: [region] }, expected: { ...expected, region: ctx.region, publicKey } }
  })
}

/** Google's suite: `{ signing, post, keyFile }`, or empty lists (loudly; an error in CI) when it is absent. */
function gcsCases() {
  const root = resolve(process.env.GCS_CONFORMANCE_TESTS ?? join(projectRoot, '../shared/gcs-conformance-tests'))
  const suiteFile = join(root, 'v4_signatures.json')
  const keyFile = join(root, 'test_service_account.not-a-test.json')
  if (existsSync(suiteFile) && existsSync(keyFile)) {
    const suite = JSON.parse(read(suiteFile))
    return { signing: suite.signingV4Tests, post: suite.postPolicyV4Tests, keyFile: read(keyFile) }
  }
  const msg =
    `\n!!! Google Cloud Storage conformance tests NOT FOUND at ${root}\n` +
    '!!! Put gcs-conformance-tests in ../shared (as CI has it) or set GCS_CONFORMANCE_TESTS=/path/to/gcs-conformance-tests.\n'
  if (process.env.CI) throw new Error(msg + '!!! CI must run them: failing.')
  console.warn(msg + '!!! The runtime tests run without the Cloud Storage cases.')
  return { signing: [], post: [], keyFile: '' }
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
  const signingNames = JSON.parse(read(join(projectRoot, 'vectors', 'botocore-s3-signing-names.json')))
  const endpoints = JSON.parse(read(join(projectRoot, 'vectors', 'botocore-s3-endpoints.json')))
  const addresses = JSON.parse(read(join(projectRoot, 'vectors', 'botocore-s3-addresses.json')))
  const gcs = gcsCases()
  const data = {
    description: 'Generated by test/runtimes/prepare-data.mjs; read by test/runtimes/run-cases.mjs.',
    crt,
    v4a,
    botocore: botocore.cases,
    s3: s3.cases,
    signingNames: signingNames.cases,
    endpoints: endpoints.cases,
    addresses: addresses.cases,
    gcs,
    total:
      crt.length + v4a.length + botocore.cases.length + s3.cases.length + signingNames.cases.length + endpoints.cases.length + addresses.cases.length + gcs.signing.length + gcs.post.length,
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(data))
  return { file, data }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { file, data } = prepareData(process.argv[2] ? resolve(process.argv[2]) : undefined)
  console.log(`wrote ${file}: ${data.crt.length} crt/v4 + ${data.v4a.length} crt/v4a + ${data.botocore.length} botocore + ${data.s3.length} S3 client + ${data.signingNames.length} S3 signing-name + ${data.endpoints.length} S3 endpoint + ${data.addresses.length} S3 address + ${data.gcs.signing.length + data.gcs.post.length} Cloud Storage cases`)
}
