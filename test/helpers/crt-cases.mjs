// AWS's CRT SigV4 suites (crt/v4, crt/v4a) read into presign inputs and expected outputs. Plain JavaScript, so that
// both the vitest files (through ./suite.ts and crt-cases.d.mts) and test/runtimes/prepare-data.mjs (plain node)
// use this one mapping.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const read = (file) => readFileSync(file, 'utf8')

/** Parse `METHOD target HTTP/1.1`, `Name:value` lines (obs-fold continuation lines unfolded with a space), blank line, body. */
export function parseRawRequest(text) {
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
export function asSentOnTheWire(target) {
  return target.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch))
}

/**
 * One CRT query case (the folder `dir`) as presign request, options and expected outputs. The suite's signer encodes
 * the path once (none of its query cases double-encodes) and normalizes per case, and omit_session_token appends the
 * token after signing. For crt/v4a, replace `region` with `regionSet: [region]`; its signatures are randomized.
 */
export function crtCase(dir) {
  const ctx = JSON.parse(read(join(dir, 'context.json')))
  const req = parseRawRequest(read(join(dir, 'request.txt')))
  const host = req.headers.find(([n]) => n.toLowerCase() === 'host')[1].trim()
  const request = { method: req.method, url: `https://${host}${req.target}`, headers: req.headers.filter(([n]) => n.toLowerCase() !== 'host') }
  if (ctx.sign_body) request.body = req.body
  const credentials = { accessKeyId: ctx.credentials.access_key_id, secretAccessKey: ctx.credentials.secret_access_key }
  if (ctx.credentials.token !== undefined) credentials.sessionToken = ctx.credentials.token
  const signedLine = read(join(dir, 'query-signed-request.txt')).split('\n')[0]
  const m = /^(\S+) (.*) HTTP\/1\.1$/.exec(signedLine)
  if (!m) throw new Error(`${dir}: bad signed request line: ${signedLine}`)
  return {
    ctx,
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
