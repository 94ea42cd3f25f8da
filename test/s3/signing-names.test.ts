/**
 * S3's other signing names (vectors/botocore-s3-signing-names.json, by scripts/gen-s3-signing-name-vectors.py from
 * botocore's S3 client on access point, Object Lambda and Outposts ARNs): `presignDetailed` with the signing name as
 * `service` and no other option gives botocore's canonical request and signature (S3's rules: the path encoded once,
 * never normalized, UNSIGNED-PAYLOAD), and `verifyPresigned` accepts botocore's URL under that service.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PresignError, presignDetailed, presignPost, presignS3Detailed, s3ObjectUrl, verifyPresigned } from '../../src/index.js'
import { projectRoot } from '../helpers/suite.js'

interface Case {
  name: string
  botocoreCall: { Bucket: string; Key: string; region: string }
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

describe('presignS3 with an access point ARN as the bucket (the same vectors)', () => {
  test.each(doc.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const location = { bucket: c.botocoreCall.Bucket, key: c.botocoreCall.Key, region: c.botocoreCall.region }
    const r = await presignS3Detailed(location, { credentials: c.credentials, method: c.method, expiresIn: c.expiresIn, signingDate: c.signingDate })
    expect(r.url.split('?')[0]).toBe(c.expected.url.split('?')[0])
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.signature).toBe(c.expected.signature)
    expect(r.credentialScope.split('/')[2]).toBe(c.signingName)
  })
  const ap = 'arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap'
  test.each<[string, Record<string, unknown>, string, string]>([
    ['another region than the ARN', { bucket: ap, region: 'eu-west-1' }, 'InvalidRegion', 'location.region'],
    ['an unknown partition', { bucket: ap.replace('arn:aws:', 'arn:aws-xx:'), region: 'us-east-1' }, 'InvalidBucket', 'location.bucket'],
    ['a prototype name as partition', { bucket: ap.replace('arn:aws:', 'arn:constructor:'), region: 'us-east-1' }, 'InvalidBucket', 'location.bucket'],
    ['a short account', { bucket: ap.replace('123456789012', '1234'), region: 'us-east-1' }, 'InvalidBucket', 'location.bucket'],
    ['another service', { bucket: ap.replace(':s3:', ':ec2:'), region: 'us-east-1' }, 'InvalidBucket', 'location.bucket'],
    ['a bucket resource', { bucket: 'arn:aws:s3:::my-bucket', region: 'us-east-1' }, 'InvalidBucket', 'location.bucket'],
    ['an Outposts ARN without its outpost', { bucket: 'arn:aws:s3-outposts:us-east-1:123456789012:accesspoint/x', region: 'us-east-1' }, 'InvalidBucket', 'location.bucket'],
    ['a custom endpoint', { bucket: ap, region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' }, 'InvalidOption', 'location.endpoint'],
    ['forcePathStyle', { bucket: ap, region: 'us-east-1', forcePathStyle: true }, 'InvalidOption', 'location.forcePathStyle'],
  ])('%s is a PresignError', (_, location, code, field) => {
    let thrown: unknown
    try {
      s3ObjectUrl({ key: 'k', ...location } as never)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(PresignError)
    expect(thrown).toMatchObject({ code, field })
  })
  test('partitions: aws-cn and aws-us-gov access points', () => {
    expect(s3ObjectUrl({ bucket: 'arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap', key: 'a b', region: 'cn-north-1' })).toBe(
      'https://ap-123456789012.s3-accesspoint.cn-north-1.amazonaws.com.cn/a%20b',
    )
    expect(s3ObjectUrl({ bucket: 'arn:aws-us-gov:s3:us-gov-west-1:123456789012:accesspoint/ap', key: 'k', region: 'us-gov-west-1' })).toBe(
      'https://ap-123456789012.s3-accesspoint.us-gov-west-1.amazonaws.com/k',
    )
  })
  test('presignPost refuses an access point (S3 takes POST uploads on buckets only)', async () => {
    await expect(presignPost({ bucket: 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap', key: 'k', region: 'us-east-1' }, { credentials: doc.cases[0]!.credentials })).rejects.toMatchObject({
      code: 'InvalidBucket',
    })
  })
})
