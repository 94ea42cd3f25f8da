/**
 * The rest of S3's address forms (vectors/botocore-s3-addresses.json, by scripts/gen-s3-address-vectors.py from
 * botocore's S3 client): buckets and access points in every partition with dual-stack and FIPS, Multi-Region Access
 * Point ARNs (SigV4a through the AWS CRT) and S3 Express One Zone directory buckets (`s3express`, the CreateSession
 * token in X-Amz-S3session-Token). The same URL as botocore, parameter for parameter; each verifies under its signing
 * name; every combination S3 does not have is a typed error.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PresignError, type S3Location, presign, presignS3, presignS3Detailed, s3ObjectUrl, verifyPresigned } from '../../src/index.js'
import { projectRoot } from '../helpers/suite.js'

interface Case {
  name: string
  location: S3Location
  method: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  expiresIn: number
  signingDate: string
  signingName: string
  expected: { url: string; canonicalRequest?: string; signature?: string }
}
interface Refused {
  name: string
  location: S3Location
  botocoreError?: string
  botocoreUrl?: string
}
const doc = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-addresses.json'), 'utf8')) as { cases: Case[]; refused: Refused[] }
const sigv4 = doc.cases.filter((c) => c.expected.signature !== undefined)
const multiRegion = doc.cases.filter((c) => c.expected.signature === undefined)

/** The part before `?` and the sorted raw parameters, without `X-Amz-Signature` when `unsigned`. */
function parts(url: string, unsigned = false): { base: string; params: string[] } {
  const [base = '', query = ''] = url.split('?')
  return { base, params: query.split('&').filter((p) => !(unsigned && p.startsWith('X-Amz-Signature='))).sort() }
}

async function verify(c: Case, url: string) {
  const lookup = (id: string) => (id === c.credentials.accessKeyId ? c.credentials : undefined)
  return verifyPresigned({ method: c.method, url }, { credentials: lookup, service: c.signingName, region: c.location.region, now: Date.parse(c.signingDate) })
}

describe('S3 addresses: partitions, access point variants, directory buckets (botocore, SigV4)', () => {
  test('every form is covered', () => {
    const forms = new Set(doc.cases.map((c) => c.name.split(' ')[0]))
    expect(forms).toEqual(new Set(['bucket', 'accesspoint', 'object-lambda', 'express', 'mrap']))
    const partitions = new Set(doc.cases.filter((c) => c.name.startsWith('bucket')).map((c) => c.name.split(' ')[1]))
    expect(partitions).toEqual(new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']))
    expect(sigv4.some((c) => c.location.dualStack && c.location.fips && c.name.startsWith('express'))).toBe(true)
  })
  test.each(sigv4.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const r = await presignS3Detailed(c.location, { credentials: c.credentials, method: c.method, expiresIn: c.expiresIn, signingDate: c.signingDate })
    expect(parts(r.url)).toEqual(parts(c.expected.url))
    expect(r.canonicalRequest).toBe(c.expected.canonicalRequest)
    expect(r.signature).toBe(c.expected.signature)
    expect(r.credentialScope.split('/')[2]).toBe(c.signingName)
    expect((await verify(c, c.expected.url)).ok).toBe(true)
  })
  test('presign with service s3express gives botocore signature with no other option', async () => {
    const c = sigv4.find((x) => x.signingName === 's3express')!
    // The object URLs of these vectors have no query of their own.
    const r = await presign({ method: c.method, url: c.expected.url.split('?')[0]! }, { credentials: c.credentials, region: c.location.region, service: 's3express', expiresIn: c.expiresIn, signingDate: c.signingDate })
    expect(parts(r)).toEqual(parts(c.expected.url))
  })
})

describe('Multi-Region Access Point ARNs (botocore with the AWS CRT, SigV4a)', () => {
  test('there are cases in several partitions', () => {
    expect(multiRegion.length).toBeGreaterThanOrEqual(20)
    expect(new Set(multiRegion.map((c) => c.name.split(' ')[1])).size).toBeGreaterThan(2)
  })
  test.each(multiRegion.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const url = await presignS3(c.location, { credentials: c.credentials, method: c.method, expiresIn: c.expiresIn, signingDate: c.signingDate })
    // ECDSA signatures are random: every other parameter is botocore's, and both signatures verify.
    expect(parts(url, true)).toEqual(parts(c.expected.url, true))
    expect(await verify(c, url)).toMatchObject({ ok: true, region: '*' })
    expect(await verify(c, c.expected.url)).toMatchObject({ ok: true, region: '*' })
    const tampered = c.expected.url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=7')
    expect((await verify(c, tampered)).ok).toBe(false)
  })
})

describe('combinations S3 does not have are typed errors', () => {
  test.each(doc.refused.map((r) => [r.name, r] as const))('%s', (_, r) => {
    // botocore refuses all but accelerate outside the aws partition, where it builds hosts AWS does not document.
    if (r.botocoreUrl) expect(r.name).toMatch(/^accelerate in .*not documented by AWS/)
    let thrown: unknown
    try {
      s3ObjectUrl(r.location)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(PresignError)
    expect((thrown as PresignError).code).toMatch(/^Invalid(Option|Bucket|Region)$/)
  })
  test.each<[string, S3Location, string]>([
    ['a directory bucket with path style', { bucket: 'b--usw2-az1--x-s3', key: 'k', region: 'us-west-2', forcePathStyle: true }, 'location.forcePathStyle'],
    ['an ARN whose region is not in its partition', { bucket: 'arn:aws-cn:s3:us-east-1:123456789012:accesspoint/ap', key: 'k', region: 'us-east-1' }, 'location.bucket'],
    ['an unknown partition', { bucket: 'arn:aws-mars:s3:us-east-1:123456789012:accesspoint/ap', key: 'k', region: 'us-east-1' }, 'location.bucket'],
    ['a Multi-Region ARN with a bad alias', { bucket: 'arn:aws:s3::123456789012:accesspoint/-x', key: 'k', region: 'us-east-1' }, 'location.bucket'],
    ['a Multi-Region ARN with an endpoint', { bucket: 'arn:aws:s3::123456789012:accesspoint/a.mrap', key: 'k', region: 'us-east-1', endpoint: 'https://example.com' }, 'location.endpoint'],
    ['a directory bucket name over 63 characters', { bucket: 'a'.repeat(50) + '--usw2-az1--x-s3', key: 'k', region: 'us-west-2' }, 'location.bucket'],
  ])('%s names %s', (_, location, field) => {
    expect(() => s3ObjectUrl(location)).toThrow(expect.objectContaining({ field }))
  })
  test('a directory bucket needs the CreateSession session credentials', async () => {
    const location = { bucket: 'b--usw2-az1--x-s3', key: 'k', region: 'us-west-2' }
    await expect(presignS3(location, { credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } })).rejects.toMatchObject({
      code: 'InvalidCredentials',
      field: 'options.credentials.sessionToken',
    })
  })
})
