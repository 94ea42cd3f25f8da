/**
 * The project's own vectors (vectors/botocore-presign.json), generated from botocore by
 * scripts/gen-vectors.py (`npm run vectors`). No Python at test time: this reads the JSON only.
 *
 * The canonical request, string to sign and signature must be identical. The whole URL
 * must be identical too, up to the order of query parameters: botocore appends
 * X-Amz-Expires before X-Amz-SignedHeaders, we follow AWS's CRT suite
 * (SignedHeaders before Expires); parameter order is not part of the signature.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { presignDetailed, presignSyncDetailed } from '../src/index.js'
import { projectRoot } from './helpers/suite.js'

interface VectorCase {
  name: string
  request: { method: string; url: string; headers: Record<string, string>; body?: string }
  options: {
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
    region: string
    service: string
    expiresIn: number
    signingDate: string
  }
  expected: { url: string; canonicalRequest: string; stringToSign: string; signature: string }
}

const dir = join(projectRoot, 'vectors')
const files = ['botocore-presign.json']
const cases: VectorCase[] = files.flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: VectorCase[] }).cases)

/** Split a URL into the part before `?` and its sorted list of raw `key=value` parameters. */
function urlParts(url: string): { base: string; params: string[] } {
  const q = url.indexOf('?')
  return { base: url.slice(0, q), params: url.slice(q + 1).split('&').sort() }
}

let passed = 0
describe('botocore vectors', () => {
  test('there are at least 500 vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(500)
  })
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await presignDetailed(c.request, c.options)
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.stringToSign).toBe(c.expected.stringToSign)
    expect(r.signature).toBe(c.expected.signature)
    expect(urlParts(r.url)).toEqual(urlParts(c.expected.url))
    // The synchronous path is byte-identical.
    expect(presignSyncDetailed(c.request, c.options)).toEqual(r)
    passed++
  })
  afterAll(() => console.log(`botocore vectors: ${passed} of ${cases.length} passed`))
})
