/**
 * S3's other signing names (vectors/botocore-s3-signing-names.json, by scripts/gen-s3-signing-name-vectors.py from
 * botocore's S3 client on access point, Object Lambda and Outposts ARNs): `presignDetailed` with the signing name as
 * `service` and no other option gives botocore's canonical request and signature (S3's rules: the path encoded once,
 * never normalized, UNSIGNED-PAYLOAD), and `verifyPresigned` accepts botocore's URL under that service.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { presignDetailed, verifyPresigned } from '../../src/index.js'
import { projectRoot } from '../helpers/suite.js'

interface Case {
  name: string
  method: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  signingName: string
  region: string
  expiresIn: number
  signingDate: string
  expected: { url: string; canonicalRequest: string; stringToSign: string; signature: string }
}
const doc = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-signing-names.json'), 'utf8')) as { cases: Case[] }

/** botocore's URL without its signing parameters: what a caller would give `presign`. */
const unsigned = (url: string) => url.replace(/\?.*$/, (q) => {
  const kept = q.slice(1).split('&').filter((p) => !p.startsWith('X-Amz-'))
  return kept.length ? '?' + kept.join('&') : ''
})

describe('S3 signing names (botocore S3 client, ARNs)', () => {
  test('the vectors cover s3, s3-object-lambda and s3-outposts', () => {
    expect(new Set(doc.cases.map((c) => c.signingName))).toEqual(new Set(['s3', 's3-object-lambda', 's3-outposts']))
  })
  test.each(doc.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const r = await presignDetailed(
      { method: c.method, url: unsigned(c.expected.url) },
      { credentials: c.credentials, region: c.region, service: c.signingName, expiresIn: c.expiresIn, signingDate: c.signingDate },
    )
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.stringToSign).toBe(c.expected.stringToSign)
    expect(r.signature).toBe(c.expected.signature)
    const v = await verifyPresigned(
      { method: c.method, url: c.expected.url },
      { credentials: (id) => (id === c.credentials.accessKeyId ? c.credentials : undefined), service: c.signingName, region: c.region, now: Date.parse(c.signingDate) },
    )
    expect(v.ok, JSON.stringify(v)).toBe(true)
  })
})
