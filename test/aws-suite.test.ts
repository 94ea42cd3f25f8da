/**
 * AWS's published SigV4 suites (../shared/aws-sig-v4-test-suite):
 * - crt/v4: every case with query-signing expectations, through presignDetailed():
 *   canonical request, string to sign, signature and the signed URL, byte for byte;
 * - classic (and crt/v4 header expectations): the shared building blocks (canonical URI,
 *   query, headers, string to sign, signing key) against the expected canonical requests.
 */
import { createHmac } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import {
  canonicalHeaders,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  deriveSigningKey,
  presignDetailed,
  presignSyncDetailed,
  stringToSign,
} from '../src/index.js'
import { crtCase, listDirs, parseRawRequest, read, requireSuite, suiteRoot } from './helpers/suite.js'

const present = requireSuite()
const crt = join(suiteRoot, 'crt', 'v4')
const classic = join(suiteRoot, 'classic')

const crtCases = present ? listDirs(crt).filter((c) => existsSync(join(crt, c, 'query-signed-request.txt'))) : []
let crtRan = 0

describe.skipIf(!present)('crt/v4 query signing (presignDetailed)', () => {
  test('the suite has query cases', () => {
    expect(crtCases.length).toBeGreaterThan(0)
  })
  test.each(crtCases)('%s', async (name) => {
    const { request, options, expected } = crtCase(join(crt, name))
    const result = await presignDetailed(request, options)
    expect(presignSyncDetailed(request, options)).toEqual(result)
    expect(result.canonicalRequest).toBe(expected.canonicalRequest)
    expect(result.stringToSign).toBe(expected.stringToSign)
    expect(result.signature).toBe(expected.signature)
    expect(result.method).toBe(expected.method)
    expect(result.url).toBe(expected.url)
    crtRan++
  })
  afterAll(() => {
    console.log(`crt/v4 query suite: ${crtRan} of ${crtCases.length} cases passed byte for byte`)
  })
})

/** A header-signing case: check the building blocks produce the expected canonical request, string to sign and signature. */
interface HeaderCase {
  req: ReturnType<typeof parseRawRequest>
  uri: (path: string) => string
  creq: string
  sts: string
  signature: (sig: string) => void
  region: string
  service: string
  secret: string
  amzDate: string
}

async function checkHeaderCase(c: HeaderCase): Promise<void> {
  const { req } = c
  const q = req.target.indexOf('?')
  const path = q < 0 ? req.target : req.target.slice(0, q)
  const query = q < 0 ? '' : req.target.slice(q + 1)
  const { canonicalHeaders: ch, signedHeaders } = canonicalHeaders(req.headers)
  const payloadHash = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(req.body))).toString('hex')
  const creq = canonicalRequest({
    method: req.method,
    canonicalUri: c.uri(path),
    canonicalQuery: canonicalQueryString(query),
    canonicalHeaders: ch,
    signedHeaders,
    payloadHash,
  })
  expect(creq).toBe(c.creq)
  const hash = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(creq))).toString('hex')
  const sts = stringToSign(c.amzDate, credentialScope(c.amzDate.slice(0, 8), c.region, c.service), hash)
  expect(sts).toBe(c.sts.trimEnd())
  const key = await deriveSigningKey(c.secret, c.amzDate.slice(0, 8), c.region, c.service)
  c.signature(createHmac('sha256', key).update(sts).digest('hex'))
}

function classicCases(): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const walk = (dir: string, rel: string) => {
    for (const n of listDirs(dir)) {
      const d = join(dir, n)
      if (existsSync(join(d, `${n}.req`))) out.push([`${rel}${n}`, d])
      else walk(d, `${rel}${n}/`)
    }
  }
  if (present) walk(classic, '')
  return out
}

const CLASSIC = { region: 'us-east-1', service: 'service', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', amzDate: '20150830T123600Z' }
let classicRan = 0

describe.skipIf(!present)('classic suite: building blocks (canonical URI, query, headers, string to sign, key)', () => {
  const cases = classicCases()
  test('the suite has cases', () => {
    expect(cases.length).toBeGreaterThan(0)
  })
  test.each(cases)('%s', async (_name, dir) => {
    const n = dir.split('/').pop()!
    const req = parseRawRequest(read(join(dir, `${n}.req`)))
    const creq = read(join(dir, `${n}.creq`))
    // The session-token case adds X-Amz-Security-Token as a header while signing; it is in the signed request.
    if (creq.includes('\nx-amz-security-token:') && !req.headers.some(([h]) => h.toLowerCase() === 'x-amz-security-token')) {
      req.headers.push(parseRawRequest(read(join(dir, `${n}.sreq`))).headers.find(([h]) => h.toLowerCase() === 'x-amz-security-token')!)
    }
    await checkHeaderCase({
      ...CLASSIC,
      req,
      // The classic requests carry unencoded paths; AWS's rule encodes them (e.g. "$" -> %24) after normalizing.
      uri: (path) => canonicalUri(path),
      creq,
      sts: read(join(dir, `${n}.sts`)),
      signature: (sig) => expect(read(join(dir, `${n}.authz`))).toContain(`Signature=${sig}`),
    })
    classicRan++
  })
  afterAll(() => console.log(`classic suite: ${classicRan} of ${cases.length} cases passed`))
})

describe.skipIf(!present)('crt/v4 double-encoding cases (header-only): canonical URI of an encoded path', () => {
  const cases = present ? listDirs(crt).filter((c) => c.startsWith('double-')) : []
  test.each(cases)('%s', async (name) => {
    const dir = join(crt, name)
    const req = parseRawRequest(read(join(dir, 'request.txt')))
    const creq = read(join(dir, 'header-canonical-request.txt'))
    expect(creq.split('\n')[1]).toBe(canonicalUri(req.target.split('?')[0]!))
    if (!existsSync(join(dir, 'header-string-to-sign.txt'))) return
    const sts = read(join(dir, 'header-string-to-sign.txt'))
    const [, amzDate, scope] = sts.split('\n')
    await checkHeaderCase({
      req,
      uri: (path) => canonicalUri(path),
      creq,
      sts,
      signature: (sig) => expect(read(join(dir, 'header-signed-request.txt'))).toContain(`Signature=${sig}`),
      region: scope!.split('/')[1]!,
      service: scope!.split('/')[2]!,
      secret: CLASSIC.secret,
      amzDate: amzDate!,
    })
  })
})
