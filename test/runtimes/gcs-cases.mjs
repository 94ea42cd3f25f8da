// Google's Cloud Storage V4 signing conformance suite (googleapis/conformance-tests, storage/v1/v4_signatures.json),
// run against the library. Plain ESM, importing only its sibling compare.mjs, no Node built-ins, no file system: it runs in Node, Deno, Bun, a
// browser page and a workerd worker alike (see test/runtimes/run-cases.mjs for the harness it plugs into).
//
//   const results = await runGcsConformance(lib, suite, keyFile)   // [{ name, ok, detail }]
//
// `lib` is the module namespace of the gcs entry (src/gcs/index.ts, later dist/gcs.js): presignGcsDetailed,
// presignGcs, presignGcsPost. `suite` is the parsed v4_signatures.json, `keyFile` the parsed (or raw)
// test_service_account.not-a-test.json.
//
// - signingV4Tests: the canonical request, the string to sign and the URL, byte for byte; presignGcs gives the
//   same URL. One case of the suite contradicts itself (KNOWN_SUITE_DEFECTS): it is checked for exactly that.
// - postPolicyV4Tests: the URL, every form field (the same set of names, each value byte for byte: the base64 policy
//   with its \uXXXX escapes, the RSA signature) and the decoded policy.
//
// How the suite's client settings map to a location (the library has one `endpoint`, no environment variable):
// `hostname` (with `scheme`, default https) takes precedence over `clientEndpoint` (a bare `host:port` takes
// `scheme`), which takes precedence over `emulatorHostname`; `universeDomain` applies when none is given.
import { check } from './compare.mjs'

/**
 * Cases whose expectations contradict each other. "Universe domain with virtual hosted style" expects the canonical
 * request path `/test-bucket/test-object`, but its string to sign (and so its signature and URL) hashes the canonical
 * request with `/test-object`, the path of a virtual-hosted request (as in the suite's "Virtual Hosted Style"). We
 * check: the suite's canonical request does not hash to its string to sign (the defect is still there), ours does, and
 * ours differs from the suite's in the path line only.
 */
export const KNOWN_SUITE_DEFECTS = {
  'Universe domain with virtual hosted style':
    "expectedCanonicalRequest's path is /BUCKET/OBJECT, but expectedStringToSign hashes the canonical request with /OBJECT (the virtual-hosted path)",
}


/** The suite's client settings as one `endpoint` (see the precedence above), or `undefined`. */
function endpointOf(c) {
  const scheme = c.scheme || 'https'
  if (c.hostname) return `${scheme}://${c.hostname}`
  if (c.clientEndpoint) return c.clientEndpoint.includes('://') ? c.clientEndpoint : `${scheme}://${c.clientEndpoint}`
  return c.emulatorHostname || undefined
}

/** The address fields of a suite input: URL style, bucket-bound hostname (with its scheme), endpoint, universe. */
function addressOf(c) {
  const address = { bucket: c.bucket }
  if (c.urlStyle === 'VIRTUAL_HOSTED_STYLE') address.virtualHostedStyle = true
  if (c.urlStyle === 'BUCKET_BOUND_HOSTNAME') address.bucketBoundHostname = `${c.scheme || 'https'}://${c.bucketBoundHostname}`
  const endpoint = endpointOf(c)
  if (endpoint !== undefined) address.endpoint = endpoint
  else if (c.universeDomain) address.universeDomain = c.universeDomain
  return address
}

/** The library's inputs for a signingV4Tests case. */
export function signingCaseInput(c, keyFile) {
  const location = { ...addressOf(c), key: c.object }
  if (c.queryParameters) location.query = c.queryParameters
  const options = { credentials: keyFile, method: c.method, expiresIn: Number(c.expiration), signingDate: c.timestamp }
  if (c.headers) options.headers = c.headers
  return { location, options }
}

/** The library's inputs for a postPolicyV4Tests case: `fields` are exact conditions (so also form fields), in order, after `startsWith`. */
export function postCaseInput(c, keyFile) {
  const input = c.policyInput
  const location = { ...addressOf(input), key: input.object }
  const other = []
  if (input.conditions?.startsWith) other.push(['starts-with', input.conditions.startsWith[0], input.conditions.startsWith[1]])
  for (const [name, value] of Object.entries(input.fields ?? {})) other.push({ [name]: value })
  const conditions = {}
  if (input.conditions?.contentLengthRange) conditions.contentLengthRange = input.conditions.contentLengthRange
  if (other.length) conditions.other = other
  return { location, options: { credentials: keyFile, expiresIn: Number(input.expiration), signingDate: input.timestamp, conditions } }
}

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')
const sha256 = async (text) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))

/** The defective case: the suite's canonical request is wrong in its path line only, and ours is the one its string to sign hashes. */
async function checkDefective(c, r) {
  const hashed = c.expectedStringToSign.split('\n').pop()
  if ((await sha256(c.expectedCanonicalRequest)) === hashed) throw new Error('the suite no longer contradicts itself: remove it from KNOWN_SUITE_DEFECTS')
  check('sha256(canonicalRequest) in the string to sign', await sha256(r.canonicalRequest), hashed)
  const ours = r.canonicalRequest.split('\n')
  const theirs = c.expectedCanonicalRequest.split('\n')
  check('canonicalRequest lines', String(ours.length), String(theirs.length))
  for (let i = 0; i < ours.length; i++) if (i !== 1) check(`canonicalRequest line ${i + 1}`, ours[i], theirs[i])
  check('canonicalRequest path (virtual-hosted)', ours[1], theirs[1].replace(`/${c.bucket}/`, '/'))
}

/** One signingV4Tests case; throws on the first mismatch. */
export async function runSigningCase(lib, c, keyFile) {
  const { location, options } = signingCaseInput(c, keyFile)
  const r = await lib.presignGcsDetailed(location, options)
  if (c.description in KNOWN_SUITE_DEFECTS) await checkDefective(c, r)
  else check('canonicalRequest', r.canonicalRequest, c.expectedCanonicalRequest)
  check('stringToSign', r.stringToSign, c.expectedStringToSign)
  check('url', r.url, c.expectedUrl)
  check('presignGcs url', await lib.presignGcs(location, options), r.url)
}

/** One postPolicyV4Tests case; throws on the first mismatch. */
export async function runPostCase(lib, c, keyFile) {
  const { location, options } = postCaseInput(c, keyFile)
  const r = await lib.presignGcsPost(location, options)
  const expected = c.policyOutput
  check('url', r.url, expected.url)
  check('field names', Object.keys(r.fields).sort().join(' '), Object.keys(expected.fields).sort().join(' '))
  for (const name of Object.keys(expected.fields)) check(`fields[${JSON.stringify(name)}]`, r.fields[name], expected.fields[name])
  const decoded = atob(r.fields.policy)
  if (!/^[\x20-\x7e]*$/.test(decoded)) throw new Error('the policy JSON is not printable ASCII (non-ASCII must be \\u-escaped)')
  check('decoded policy', JSON.stringify(JSON.parse(decoded)), JSON.stringify(JSON.parse(expected.expectedDecodedPolicy)))
}

/**
 * Every case of the suite. `{ name, ok, detail }` per case: `signing/<description>` or `post/<description>`; `detail`
 * is the first mismatch (or the error) of a failed case.
 */
export async function runGcsConformance(lib, suite, keyFile) {
  const results = []
  const run = async (name, fn) => {
    try {
      await fn()
      results.push({ name, ok: true, detail: '' })
    } catch (e) {
      results.push({ name, ok: false, detail: String(e?.stack ? e.stack : e) })
    }
  }
  for (const c of suite.signingV4Tests ?? []) await run(`signing/${c.description}`, () => runSigningCase(lib, c, keyFile))
  for (const c of suite.postPolicyV4Tests ?? []) await run(`post/${c.description}`, () => runPostCase(lib, c, keyFile))
  return results
}
