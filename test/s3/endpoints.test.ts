/**
 * S3's AWS endpoint forms (vectors/botocore-s3-endpoints.json, by scripts/gen-s3-endpoint-vectors.py from botocore's
 * S3 client): Transfer Acceleration, dual-stack, FIPS and their combinations give botocore's host, path, canonical
 * request and signature; the combinations S3 does not have are typed errors.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PresignError, type S3Location, presignS3Detailed, s3ObjectUrl } from '../../src/index.js'
import { projectRoot } from '../helpers/suite.js'

interface Case {
  name: string
  location: S3Location
  method: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  expiresIn: number
  signingDate: string
  expected: { url: string; canonicalRequest: string; signature: string }
}
interface Refused {
  name: string
  location: S3Location
  botocoreError?: string
  botocoreUrl?: string
}
const doc = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-endpoints.json'), 'utf8')) as { cases: Case[]; refused: Refused[] }

describe('S3 endpoints: accelerate, dual-stack, FIPS (botocore S3 client)', () => {
  test.each(doc.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const r = await presignS3Detailed(c.location, { credentials: c.credentials, method: c.method, expiresIn: c.expiresIn, signingDate: c.signingDate })
    expect(r.url.split('?')[0]).toBe(c.expected.url.split('?')[0])
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.signature).toBe(c.expected.signature)
  })
  test('every form is covered', () => {
    const forms = new Set(doc.cases.map((c) => c.name.split(' ')[0]))
    expect(forms).toEqual(new Set(['accelerate', 'accelerate-dualstack', 'dualstack', 'fips', 'fips-dualstack']))
  })
  test.each(doc.refused.map((r) => [r.name, r] as const))('%s is a PresignError (botocore: %s)', (_, r) => {
    // botocore refuses all but "fips in a Region without FIPS", for which it builds a host AWS does not document.
    if (r.botocoreUrl) expect(r.name).toBe('fips in a Region without FIPS')
    let thrown: unknown
    try {
      s3ObjectUrl(r.location)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(PresignError)
    expect((thrown as PresignError).code).toMatch(/^Invalid(Option|Bucket)$/)
  })
  test.each<[string, S3Location, string]>([
    ['accelerate with path style', { bucket: 'my-bucket', key: 'k', region: 'us-east-1', accelerate: true, forcePathStyle: true }, 'location.accelerate'],
    ['a switch with a custom endpoint', { bucket: 'my-bucket', key: 'k', region: 'us-east-1', dualStack: true, endpoint: 'http://127.0.0.1:9000' }, 'location.dualStack'],
    ['accelerate with an access point ARN', { bucket: 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap', key: 'k', region: 'us-east-1', accelerate: true }, 'location.accelerate'],
    ["'true' as a switch", { bucket: 'my-bucket', key: 'k', region: 'us-east-1', accelerate: 'true' as never }, 'location.accelerate'],
  ])('%s is a PresignError naming the field', (_, location, field) => {
    expect(() => s3ObjectUrl(location)).toThrow(PresignError)
    try {
      s3ObjectUrl(location)
    } catch (e) {
      expect((e as PresignError).field).toBe(field)
    }
  })
})
