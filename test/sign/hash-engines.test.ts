/**
 * Every vector suite through the synchronous paths on BOTH hash engines (the runtime's node:crypto and the built-in
 * pure-JS SHA-256, chosen with useHashEngine): botocore's presign vectors, its S3 client's (object URLs, addresses
 * and partitions, endpoints, signing names), the service tokens' Sync twins, and AWS's crt/v4 query suite. Each
 * result must be the expected one byte for byte, and `verifyPresignedSync` must give `verifyPresigned`'s result for
 * every expected URL, for it with a wrong secret, and for it with a tampered signature.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { useHashEngine } from '../../src/core/hash-engine.js'
import * as lib from '../../src/index.js'
import { s3Address } from '../../src/s3/object-url.js'
import { verifyPresignedSync } from '../../src/verify/verify-presigned-sync.js'
import { crtCase, listDirs, projectRoot, requireSuite, suiteRoot } from '../helpers/suite.js'

const ENGINES = ['native', 'js'] as const
const vectors = <T>(file: string): T => JSON.parse(readFileSync(join(projectRoot, 'vectors', file), 'utf8')) as T
const urlParts = (url: string) => {
  const q = url.indexOf('?')
  return q < 0 ? { base: url, params: [] } : { base: url.slice(0, q), params: url.slice(q + 1).split('&').sort() }
}

interface Expected {
  url: string
  canonicalRequest?: string
  stringToSign?: string
  signature?: string
}
function expectSigned(r: lib.PresignResult, expected: Expected): void {
  if (expected.canonicalRequest !== undefined) expect(r.canonicalRequest).toBe(expected.canonicalRequest)
  if (expected.stringToSign !== undefined) expect(r.stringToSign).toBe(expected.stringToSign)
  if (expected.signature !== undefined) expect(r.signature).toBe(expected.signature)
  expect(urlParts(r.url)).toEqual(urlParts(expected.url))
}

/** `verifyPresignedSync` gives `verifyPresigned`'s result: for the URL, under a wrong secret, with a tampered signature. */
async function expectSameVerification(request: lib.VerifyRequest, options: Omit<lib.VerifyOptions, 'credentials'> & { credentials: lib.Credentials }): Promise<void> {
  const { credentials, ...rest } = options
  const lookup = (id: string) => (id === credentials.accessKeyId ? credentials : undefined)
  const wrong = (id: string) => (id === credentials.accessKeyId ? { ...credentials, secretAccessKey: credentials.secretAccessKey + 'x' } : undefined)
  const tampered = { ...request, url: request.url.replace(/X-Amz-Signature=(.)/, (_, c: string) => 'X-Amz-Signature=' + (c === '0' ? '1' : '0')) }
  for (const [req, creds] of [[request, lookup], [request, wrong], [tampered, lookup]] as const) {
    const expected = await lib.verifyPresigned(req, { ...rest, credentials: creds })
    expect(verifyPresignedSync(req, { ...rest, credentials: creds })).toEqual(expected)
  }
  expect((await lib.verifyPresigned(request, { ...rest, credentials: lookup })).ok).toBe(true)
}

/** The S3 request presignS3 signs for a location (its URL and signing name), signed by the synchronous path. */
function presignS3Sync(location: lib.S3Location, o: { credentials: lib.Credentials; method?: string; headers?: Record<string, string>; expiresIn?: number; signingDate: string }): lib.PresignResult {
  const address = s3Address(location)
  return lib.presignSyncDetailed(
    { method: o.method, url: address.url, headers: o.headers },
    { credentials: o.credentials, region: location.region, service: address.signingName, expiresIn: o.expiresIn, signingDate: o.signingDate },
  )
}

const ran = new Map<string, number>()
const count = (suite: string) => ran.set(suite, (ran.get(suite) ?? 0) + 1)
afterAll(() => {
  useHashEngine('auto')
  console.log(`hash engines: ${[...ran].map(([s, n]) => `${s} ${n}`).join(', ')}`)
})

describe.each(ENGINES)('%s hash engine', (engine) => {
  test('is in effect', () => {
    expect(useHashEngine(engine)).toBe(engine)
  })

  test('botocore presign vectors: presignSyncDetailed byte for byte, verifyPresignedSync as verifyPresigned', async () => {
    type Case = { name: string; request: { method: string; url: string; headers: Record<string, string>; body?: string }; options: lib.PresignOptions & { signingDate: string; credentials: lib.Credentials }; expected: Expected }
    const { cases } = vectors<{ cases: Case[] }>('botocore-presign.json')
    expect(cases.length).toBeGreaterThanOrEqual(500)
    for (const c of cases) {
      useHashEngine(engine)
      expectSigned(lib.presignSyncDetailed(c.request, c.options), c.expected)
      await expectSameVerification(
        { method: c.request.method, url: c.expected.url, headers: c.request.headers, body: c.request.body },
        { credentials: c.options.credentials, service: c.options.service, region: c.options.region, now: Date.parse(c.options.signingDate) },
      )
      count(`${engine} botocore-presign`)
    }
  })

  test('botocore S3 client vectors: object URLs, addresses and partitions, endpoints (the request presignS3 signs)', async () => {
    type Case = { name: string; location: lib.S3Location; options?: { credentials: lib.Credentials; method: string; headers?: Record<string, string>; expiresIn: number; signingDate: string }; credentials?: lib.Credentials; method?: string; expiresIn?: number; signingDate?: string; expected: Expected }
    const files = ['botocore-s3-client.json', 'botocore-s3-addresses.json', 'botocore-s3-endpoints.json']
    for (const file of files) {
      const cases = vectors<{ cases: Case[] }>(file).cases.filter((c) => c.expected.signature !== undefined) // SigV4a (MRAP) cases have none
      expect(cases.length, file).toBeGreaterThanOrEqual(100)
      for (const c of cases) {
        useHashEngine(engine)
        const o = c.options ?? { credentials: c.credentials!, method: c.method!, expiresIn: c.expiresIn!, signingDate: c.signingDate! }
        const r = presignS3Sync(c.location, o)
        expect(r.canonicalRequest, `${file} ${c.name}`).toBe(c.expected.canonicalRequest)
        expect(r.signature, `${file} ${c.name}`).toBe(c.expected.signature)
        expect(r).toEqual(await lib.presignS3Detailed(c.location, o))
        await expectSameVerification(
          { method: o.method, url: c.expected.url, headers: o.headers },
          { credentials: o.credentials, service: r.credentialScope.split('/')[2], region: c.location.region, now: Date.parse(o.signingDate) },
        )
        count(`${engine} ${file.replace('.json', '')}`)
      }
    }
  })

  test('botocore S3 signing names (access point, Object Lambda, Outposts ARNs)', async () => {
    type Case = { name: string; method: string; credentials: lib.Credentials; signingName: string; region: string; expiresIn: number; signingDate: string; expected: Expected & { stringToSign: string } }
    const { cases } = vectors<{ cases: Case[] }>('botocore-s3-signing-names.json')
    const unsigned = (url: string) => url.replace(/\?.*$/, (q) => {
      const kept = q.slice(1).split('&').filter((p) => !p.startsWith('X-Amz-'))
      return kept.length ? '?' + kept.join('&') : ''
    })
    for (const c of cases) {
      useHashEngine(engine)
      const r = lib.presignSyncDetailed({ method: c.method, url: unsigned(c.expected.url) }, { credentials: c.credentials, region: c.region, service: c.signingName, expiresIn: c.expiresIn, signingDate: c.signingDate })
      expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
      expect(r.stringToSign).toBe(c.expected.stringToSign)
      expect(r.signature).toBe(c.expected.signature)
      await expectSameVerification({ method: c.method, url: c.expected.url }, { credentials: c.credentials, service: c.signingName, region: c.region, now: Date.parse(c.signingDate) })
      count(`${engine} botocore-s3-signing-names`)
    }
  })

  test('botocore and awscli service tokens: every recipe`s Sync twin', async () => {
    type Case = { name: string; recipe: string; input: Record<string, unknown>; expected: string }
    const sync: Record<string, [(o: never) => string, boolean]> = {
      rds: [lib.rdsAuthTokenSync, true],
      dsql: [lib.dsqlAuthTokenSync, true],
      elasticache: [lib.elastiCacheAuthTokenSync, true],
      memorydb: [lib.memoryDbAuthTokenSync, true],
      sts: [lib.stsCallerIdentityUrlSync, true],
      eks: [lib.eksTokenSync, true],
      iot: [lib.iotWebSocketUrlSync, false],
      transcribe: [lib.transcribeStreamingUrlSync, false],
    }
    const { cases } = vectors<{ cases: Case[] }>('botocore-tokens.json')
    expect(new Set(cases.map((c) => c.recipe))).toEqual(new Set(Object.keys(sync)))
    for (const c of cases) {
      useHashEngine(engine)
      const [recipe, byteIdentical] = sync[c.recipe]!
      const got = recipe(c.input as never)
      if (byteIdentical) expect(got, c.name).toBe(c.expected)
      else expect(urlParts(got), c.name).toEqual(urlParts(c.expected))
      count(`${engine} botocore-tokens`)
    }
  })

  test.skipIf(!requireSuite())('AWS crt/v4 query suite: presignSyncDetailed byte for byte, verifyPresignedSync as verifyPresigned', async () => {
    const dir = join(suiteRoot, 'crt', 'v4')
    const names = listDirs(dir).filter((n) => existsSync(join(dir, n, 'query-signed-request.txt')))
    expect(names).toHaveLength(38)
    for (const name of names) {
      useHashEngine(engine)
      const { request, options, expected } = crtCase(join(dir, name))
      const r = lib.presignSyncDetailed(request, options)
      expect(r.canonicalRequest, name).toBe(expected.canonicalRequest)
      expect(r.stringToSign, name).toBe(expected.stringToSign)
      expect(r.signature, name).toBe(expected.signature)
      expect(r.url, name).toBe(expected.url)
      const { normalizePath, signSessionToken, service, region, credentials } = options
      const verifyRequest = { method: r.method, url: r.url, headers: request.headers, body: request.body }
      await expectSameVerification(verifyRequest, { credentials, service, region, normalizePath, doubleEncodePath: false, signSessionToken, now: Date.parse(options.signingDate) })
      count(`${engine} crt/v4`)
    }
  })
})
