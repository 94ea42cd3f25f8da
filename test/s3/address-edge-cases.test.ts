/**
 * S3 addressing at its edges, found by a review (2026-12-02) as differences from botocore's S3 client
 * (`generate_presigned_url`, clock frozen, as scripts/gen-s3-*.py run it): regions that are no host label, Multi-Region
 * aliases, long directory bucket names, directory buckets on a custom host, access point ARNs written with ":". Each
 * test failed before its fix. botocore is run live (python3 -c), one batch per test.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { PresignError, type S3Location, presignS3, presignS3MultiRegion } from '../../src/index.js'

interface BotoCase {
  bucket: string
  key: string
  region: string
  endpoint?: string
  addressing?: 'virtual' | 'path' | 'auto'
  /** Directory bucket: stub CreateSession to return these very credentials, and let botocore pick s3express. */
  express?: boolean
  /** Multi-Region Access Point: no signature_version (SigV4a); only whether the endpoint resolves is compared. */
  mrap?: boolean
}
interface BotoResult {
  url?: string
  error?: string
}

const SIGNING_DATE = '2026-03-04T05:06:07Z'
const CREDENTIALS = { accessKeyId: 'ASIAREVIEWEXAMPLE', secretAccessKey: 'reviewSecretKeyExample/0123456789abcdefgh', sessionToken: 'review-session-token' }
const EXPIRES = 900

const ORACLE = String.raw`
import datetime, json, os, sys
from unittest import mock
sys.path.insert(0, os.environ['SCRIPTS_DIR'])
from oracle_common import isolate_from_aws_environment
isolate_from_aws_environment()
import botocore.auth, botocore.session
from botocore.config import Config
from botocore.stub import Stubber
inp = json.load(sys.stdin)
creds, date = inp['credentials'], datetime.datetime.strptime(inp['date'], '%Y-%m-%dT%H:%M:%SZ')
out = []
for c in inp['cases']:
    try:
        s = botocore.session.Session()
        s.set_credentials(creds['accessKeyId'], creds['secretAccessKey'], creds['sessionToken'])
        extra = {} if c.get('express') or c.get('mrap') else {'signature_version': 's3v4'}
        cfg = Config(s3={'addressing_style': c.get('addressing', 'virtual'), 'us_east_1_regional_endpoint': 'regional'},
                     request_checksum_calculation='when_required', **extra)
        cl = s.create_client('s3', region_name=c['region'], endpoint_url=c.get('endpoint'), config=cfg)
        if c.get('express'):
            stub = Stubber(cl)
            stub.add_response('create_session', {'Credentials': {'AccessKeyId': creds['accessKeyId'], 'SecretAccessKey': creds['secretAccessKey'],
                'SessionToken': creds['sessionToken'], 'Expiration': datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)}}, {'Bucket': c['bucket']})
            stub.activate()
        with mock.patch.object(botocore.auth, 'get_current_datetime', lambda *a, **k: date):
            url = cl.generate_presigned_url('get_object', Params={'Bucket': c['bucket'], 'Key': c['key']}, ExpiresIn=inp['expires'], HttpMethod='GET')
        out.append({'url': url})
    except Exception as e:
        out.append({'error': type(e).__name__ + ': ' + str(e)})
json.dump(out, sys.stdout)
`

/** botocore's presigned GET for each case (or its error class and message). */
function botocore(cases: BotoCase[]): BotoResult[] {
  const input = JSON.stringify({ cases, credentials: CREDENTIALS, date: SIGNING_DATE, expires: EXPIRES })
  const env = { ...process.env, SCRIPTS_DIR: fileURLToPath(new URL('../../scripts/', import.meta.url)) }
  return JSON.parse(execFileSync('python3', ['-c', ORACLE], { input, env, maxBuffer: 1 << 26 }).toString()) as BotoResult[]
}

/** The URL before `?` and its parameters sorted (botocore's parameter order is not ours; neither is signed). */
function parts(url: string): { base: string; params: string[] } {
  const [base = '', query = ''] = url.split('?')
  return { base, params: query.split('&').sort() }
}

function locationOf(c: BotoCase): S3Location {
  return { bucket: c.bucket, key: c.key, region: c.region, ...(c.endpoint === undefined ? {} : { endpoint: c.endpoint }) }
}

async function ours(c: BotoCase): Promise<string> {
  return presignS3(locationOf(c), { credentials: CREDENTIALS, expiresIn: EXPIRES, signingDate: SIGNING_DATE })
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (url) => ({ resolved: url }),
    (e: unknown) => e,
  )
}

describe('S3 addressing edge cases (botocore differential)', () => {
  // A region that is no DNS label (trailing ".", "_", inner ".", trailing "-") goes into the AWS host as is
  // (https://my-bucket.s3.us-east-1..amazonaws.com/k); botocore refuses it (InvalidRegionError) before building any URL.
  test('a region that is no host label is refused on AWS endpoints, as botocore refuses it', async () => {
    const cases: BotoCase[] = ['us-east-1.', 'us_east_1', 'us.east.1', 'us-gov-'].map((region) => ({ bucket: 'my-bucket', key: 'k', region }))
    const boto = botocore(cases)
    for (const [i, c] of cases.entries()) {
      expect(boto[i]!.error, c.region).toMatch(/^InvalidRegionError/)
      const e = await rejection(ours(c))
      expect(e, `${c.region}: ${JSON.stringify(e)}`).toBeInstanceOf(PresignError)
      expect((e as PresignError).code).toBe('InvalidRegion')
    }
  })

  // A Multi-Region Access Point alias with an empty label or a label that starts/ends with "-" (abc..mrap, a.-b.mrap,
  // a-.b.mrap) gives the host abc..mrap.accesspoint.s3-global.amazonaws.com; botocore: EndpointResolutionError
  // "Invalid Access Point Name".
  test('a Multi-Region Access Point ARN whose alias has an empty or "-"-edged label is refused, as botocore refuses it', async () => {
    const cases: BotoCase[] = ['abc..mrap', 'a.-b.mrap', 'a-.b.mrap'].map((alias) => ({
      bucket: `arn:aws:s3::123456789012:accesspoint/${alias}`,
      key: 'k',
      region: 'us-east-1',
      mrap: true,
    }))
    const boto = botocore(cases)
    for (const [i, c] of cases.entries()) {
      expect(boto[i]!.error, c.bucket).toMatch(/^EndpointResolutionError: Invalid Access Point Name/)
      const e = await rejection(ours(c))
      expect(e, `${c.bucket}: ${JSON.stringify(e)}`).toBeInstanceOf(PresignError)
      expect((e as PresignError).code).toBe('InvalidBucket')
    }
  })

  // presignS3MultiRegion checks the alias with a looser pattern still (/^[a-z0-9][a-z0-9.-]{0,62}$/): "abc.", "abc-" and
  // "abc..mrap" give hosts with an empty or "-"-ended label (abc..accesspoint.s3-global.amazonaws.com); botocore refuses
  // the same alias as an ARN (EndpointResolutionError), and presignS3 refuses "abc." and "abc-" already.
  test('presignS3MultiRegion refuses an alias that is no valid host name, as botocore refuses its ARN', async () => {
    const aliases = ['abc.', 'abc-', 'abc..mrap']
    const boto = botocore(aliases.map((alias) => ({ bucket: `arn:aws:s3::123456789012:accesspoint/${alias}`, key: 'k', region: 'us-east-1', mrap: true })))
    for (const [i, alias] of aliases.entries()) {
      expect(boto[i]!.error, alias).toMatch(/^EndpointResolutionError/)
      const e = await rejection(presignS3MultiRegion({ alias, key: 'k' }, { credentials: CREDENTIALS, signingDate: SIGNING_DATE }))
      expect(e, `${alias}: ${JSON.stringify(e)}`).toBeInstanceOf(PresignError)
      expect((e as PresignError).code).toBe('InvalidBucket')
    }
  })

  // A directory bucket name of 59..63 characters whose base is longer than 42 (e.g. 43 × "a" + "--usw2-az1--x-s3") is
  // refused (InvalidBucket, "at most 63 characters"), though it is 63 or shorter; botocore presigns it on
  // BUCKET.s3express-usw2-az1.us-west-2.amazonaws.com.
  test('a directory bucket name of up to 63 characters with a long base name is presigned as botocore does', async () => {
    const cases: BotoCase[] = [43, 47].map((n) => ({ bucket: 'a'.repeat(n) + '--usw2-az1--x-s3', key: 'k', region: 'us-west-2', express: true }))
    const boto = botocore(cases)
    for (const [i, c] of cases.entries()) {
      expect(c.bucket.length).toBeLessThanOrEqual(63)
      expect(boto[i]!.url, boto[i]!.error).toBeDefined()
      const got = await rejection(ours(c))
      const url = (got as { resolved?: unknown }).resolved
      expect(typeof url === 'string' ? parts(url) : got, c.bucket).toEqual(parts(boto[i]!.url!))
    }
  })

  // A directory bucket on a custom host-name endpoint, forcePathStyle omitted: ours is path style
  // (https://custom.example.com/b--usw2-az1--x-s3/k), which docs/reference.md says is "as botocore does"; botocore
  // (addressing_style auto, path or virtual alike) virtual-hosts it: https://b--usw2-az1--x-s3.custom.example.com/k.
  test('a directory bucket on a custom host-name endpoint is addressed as botocore addresses it', async () => {
    const cases: BotoCase[] = (['auto', 'path'] as const).map((addressing) => ({
      bucket: 'b--usw2-az1--x-s3',
      key: 'k',
      region: 'us-west-2',
      endpoint: 'https://custom.example.com',
      addressing,
      express: true,
    }))
    const boto = botocore(cases)
    for (const [i, c] of cases.entries()) {
      expect(boto[i]!.url, boto[i]!.error).toBeDefined()
      expect(parts(await ours(c)), c.addressing).toEqual(parts(boto[i]!.url!))
    }
  })

  // Access point ARNs with ":" between the resource parts (arn:aws:s3:us-west-2:123456789012:accesspoint:myap, the form
  // of the SDKs' own S3 endpoint tests, also for Object Lambda and Outposts) are refused (InvalidBucket); botocore
  // presigns them on the same host as the "/" form (myap-123456789012.s3-accesspoint.us-west-2.amazonaws.com).
  test('access point ARNs with ":" resource delimiters are presigned as botocore presigns them', async () => {
    const cases: BotoCase[] = [
      'arn:aws:s3:us-west-2:123456789012:accesspoint:myap',
      'arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint:myol',
      'arn:aws:s3-outposts:us-west-2:123456789012:outpost:op-0123456789abcdef0:accesspoint:myap',
    ].map((bucket) => ({ bucket, key: 'k', region: 'us-west-2' }))
    const boto = botocore(cases)
    for (const [i, c] of cases.entries()) {
      expect(boto[i]!.url, boto[i]!.error).toBeDefined()
      const got = await rejection(ours(c))
      const url = (got as { resolved?: unknown }).resolved
      expect(typeof url === 'string' ? parts(url) : got, c.bucket).toEqual(parts(boto[i]!.url!))
    }
  })
})

describe('one value per query parameter', () => {
  // versionId and the response-* overrides are also query parameters: given twice (location.query and their own
  // option), the URL carried both (versionId=a&versionId=b), and S3 reads one of them. The multipart presigners refuse it.
  test('a location.query name that an option also gives is InvalidOption on location.query', async () => {
    for (const [query, extra] of [
      [{ versionId: 'a' }, { versionId: 'b' }],
      [{ 'response-content-type': 'text/plain' }, { responseOverrides: { contentType: 'image/png' } }],
    ] as const) {
      const e = await rejection(presignS3({ bucket: 'b', key: 'k', region: 'us-east-1', query, ...extra }, { credentials: CREDENTIALS, signingDate: SIGNING_DATE }))
      const name = Object.keys(query)[0]!
      expect(e instanceof PresignError && [e.code, e.field]).toEqual(['InvalidOption', `location.query["${name}"]`])
    }
    // Names differ in case: two parameters, as S3 reads them.
    expect(await presignS3({ bucket: 'b', key: 'k', region: 'us-east-1', query: { VersionId: 'a' }, versionId: 'b' }, { credentials: CREDENTIALS, signingDate: SIGNING_DATE })).toContain('VersionId=a&versionId=b')
  })
})
