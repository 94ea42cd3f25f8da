/**
 * The "beyond S3" recipes at their edges, found by a review (2026-12-02): STS's global pseudo-region and lower-case
 * signing parameters in Transcribe's params. Each test failed before its fix. Oracles: botocore and awscli (python3),
 * run as subprocesses with the clock frozen, as scripts/gen-token-vectors.py does.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { eksToken, eksTokenSync, PresignError, stsCallerIdentityUrl, stsCallerIdentityUrlSync, transcribeStreamingUrl, transcribeStreamingUrlSync } from '../../src/index.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/+==' }
const signingDate = '2024-03-05T06:07:08Z'

/** What botocore (STS presigned GetCallerIdentity, with `endpoint_url` if given) and awscli (`aws eks get-token`) produce at `signingDate`. */
const ORACLE = String.raw`
import base64, datetime, json, sys
from unittest import mock
import botocore.session
from awscli.customizations.eks.get_token import STSClientFactory, TokenGenerator
c = json.load(sys.stdin)
s = botocore.session.Session()
s.set_credentials(c['ak'], c['sk'], c['token'])
dt = datetime.datetime(2024, 3, 5, 6, 7, 8)
with mock.patch('botocore.auth.get_current_datetime', lambda *a, **k: dt):
    sts = s.create_client('sts', region_name=c['region'], endpoint_url=c.get('endpoint')).generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET')
    eks = TokenGenerator(STSClientFactory(s).get_sts_client(region_name=c['region'])).get_token(c['cluster'])
print(json.dumps({'sts': sts, 'eks': eks}))
`
function oracle(region: string, cluster: string, endpoint?: string): { sts: string; eks: string } {
  const input = JSON.stringify({ ak: credentials.accessKeyId, sk: credentials.secretAccessKey, token: credentials.sessionToken, region, cluster, endpoint })
  const env = { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' }
  const r = spawnSync('python3', ['-c', ORACLE], { input, encoding: 'utf8', env })
  if (r.status !== 0) throw new Error('botocore/awscli oracle failed: ' + r.stderr)
  return JSON.parse(r.stdout) as { sts: string; eks: string }
}

/** The error an async call rejects with and its Sync twin throws (undefined if they succeed). */
async function errors<T>(async: (o: T) => Promise<string>, sync: (o: T) => string, input: T): Promise<unknown[]> {
  const a = await async(input).then(() => undefined, (e: unknown) => e)
  let s: unknown
  try {
    sync(input)
  } catch (e) {
    s = e
  }
  return [a, s]
}

describe('recipes edge cases', () => {
  // Region "aws-global" (botocore's global STS pseudo-region, which the library's own src/credentials/endpoints.ts maps
  // to https://sts.amazonaws.com/ signed for us-east-1) gives https://sts.aws-global.amazonaws.com/ (no such host)
  // with the scope ".../aws-global/sts/...". botocore and `aws eks get-token --region aws-global` give
  // https://sts.amazonaws.com/ signed for us-east-1. Expected: the oracle's URL/token, or a typed InvalidRegion.
  test('stsCallerIdentityUrl and eksToken with region "aws-global": as botocore/awscli (sts.amazonaws.com, us-east-1) or InvalidRegion', async () => {
    const expected = oracle('aws-global', 'prod')
    expect(expected.sts.startsWith('https://sts.amazonaws.com/?Action=GetCallerIdentity&')).toBe(true)
    expect(expected.sts).toContain('%2Fus-east-1%2Fsts%2Faws4_request')
    const base = { credentials, region: 'aws-global', signingDate }
    for (const [async, sync, input, want] of [
      [stsCallerIdentityUrl, stsCallerIdentityUrlSync, base, expected.sts],
      [eksToken, eksTokenSync, { ...base, clusterName: 'prod' }, expected.eks],
    ] as const) {
      const [thrown] = await errors(async as (o: typeof input) => Promise<string>, sync as (o: typeof input) => string, input)
      expect(thrown).toBeUndefined()
      const ours = await (async as (o: typeof input) => Promise<string>)(input)
      expect(ours).toBe(want)
      expect((sync as (o: typeof input) => string)(input)).toBe(want)
    }
  })

  // A lower-case signing parameter in transcribeStreamingUrl's params ("x-amz-date", "x-amz-signature", …) passes the
  // recipe's own name check and is refused later by presign as AlreadySigned on field "request.url", an input the
  // caller never gave. Its upper-case twin ("X-Amz-Expires") is InvalidOption on options.params["X-Amz-Expires"]
  // (test/recipes/tokens-errors.test.ts), as the recipe's @throws documents. Expected: the same for the lower case.
  test.each(['x-amz-date', 'x-amz-expires', 'x-amz-signature', 'x-amz-security-token', 'x-amz-credential'])(
    'transcribeStreamingUrl: params["%s"] is InvalidOption on options.params[...], not AlreadySigned on request.url',
    async (name) => {
      const input = { credentials, region: 'us-east-1', signingDate, languageCode: 'en-US', mediaEncoding: 'pcm' as const, sampleRate: 16000, params: { [name]: '1' } }
      for (const thrown of await errors(transcribeStreamingUrl, transcribeStreamingUrlSync, input)) {
        expect(thrown).toBeInstanceOf(PresignError)
        const err = thrown as PresignError
        expect([err.code, err.field]).toEqual(['InvalidOption', `options.params["${name}"]`])
        expect(err.message.startsWith(`options.params["${name}"]: `)).toBe(true)
      }
    },
  )

  // A host given is signed for the region given, aws-global too, as botocore signs for an endpoint_url
  // (.../aws-global/sts/aws4_request): only the default host becomes sts.amazonaws.com signed for us-east-1.
  test('stsCallerIdentityUrl: region aws-global with an explicit host is signed as botocore signs it with endpoint_url', async () => {
    const expected = oracle('aws-global', 'prod', 'https://sts.example.com').sts
    expect(expected).toContain('%2Faws-global%2Fsts%2Faws4_request')
    const ours = await stsCallerIdentityUrl({ credentials, region: 'aws-global', host: 'sts.example.com', signingDate: '2024-03-05T06:07:08Z' })
    expect(ours).toBe(expected)
  })
})
