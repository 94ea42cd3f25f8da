/**
 * Live oracles for the recipes whose reference is a program rather than a library call with a frozen clock:
 *
 * - `aws eks get-token` (the AWS CLI, run as a subprocess with credentials in its environment; it presigns
 *   locally, no network): our `eksToken` at the CLI token's own X-Amz-Date is byte-identical; our token
 *   verifies with `verifyPresigned` and botocore, re-signing the decoded URL at its own date, computes
 *   the same signature.
 * - `aws-msk-iam-sasl-signer-js` (AWS's MSK signer, a dev dependency), with the clock frozen: byte-identical
 *   over random inputs; each side's token verifies with `verifyPresigned`, and botocore re-signs ours.
 *
 * Outside CI a missing `aws` CLI or python3/botocore is a loud skip; with CI=true it is a failure.
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { type Credentials, eksToken, mskAuthToken, verifyPresigned } from '../../src/index.js'

const run = promisify(execFile)
const CI = Boolean(process.env['CI'])

function available(cmd: string, args: string[], what: string, install: string): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status === 0) return true
  const msg = `\n!!! ${what} is NOT available (${cmd} ${args.join(' ')} failed).\n!!! Install it: ${install}\n`
  if (CI) throw new Error(msg + '!!! CI must run the token oracles: failing.')
  console.warn(msg + '!!! Skipping these oracle tests.')
  return false
}

const hasAws = available('aws', ['--version'], 'The AWS CLI', 'apt-get install awscli, or pip install awscli')
const hasBotocore = available('python3', ['-c', 'import botocore'], 'python3 with botocore', 'pip install botocore')

/** Re-sign presigned GET URLs with botocore at their own X-Amz-Date; returns botocore's signatures. */
const RESIGN = String.raw`
import datetime, json, sys
from unittest import mock
from urllib.parse import parse_qsl, quote, urlsplit
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for c in json.load(sys.stdin):
    parts = urlsplit(c['url'])
    q = parse_qsl(parts.query, keep_blank_values=True)
    auth = dict((k, v) for k, v in q if k.startswith('X-Amz-'))
    own = [(k, v) for k, v in q if not k.startswith('X-Amz-') and k not in c['unsigned']]
    key_id, day, region, service, _ = auth['X-Amz-Credential'].split('/')
    dt = datetime.datetime.strptime(auth['X-Amz-Date'], '%Y%m%dT%H%M%SZ')
    url = '%s://%s%s?%s' % (parts.scheme, parts.netloc, parts.path, '&'.join('%s=%s' % (k, quote(v, safe='-_.~')) for k, v in own))
    request = AWSRequest(method='GET', url=url, headers=c['headers'])
    token = None if c['tokenUnsigned'] else auth.get('X-Amz-Security-Token')
    creds = Credentials(key_id, c['secretAccessKey'], token)
    with mock.patch('botocore.auth.get_current_datetime', lambda *a, **k: dt):
        botocore.auth.SigV4QueryAuth(creds, service, region, expires=int(auth['X-Amz-Expires'])).add_auth(request)
    out.append(dict(parse_qsl(urlsplit(request.url).query))['X-Amz-Signature'])
print(json.dumps(out))
`
interface Resign { url: string; headers: Record<string, string>; secretAccessKey: string; unsigned: string[]; tokenUnsigned: boolean }
function botocoreSignatures(cases: Resign[]): string[] {
  const r = spawnSync('python3', ['-c', RESIGN], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error('botocore re-signing failed: ' + r.stderr)
  return JSON.parse(r.stdout) as string[]
}
const signatureOf = (url: string) => new URL(url).searchParams.get('X-Amz-Signature')
const decode = (b64url: string) => Buffer.from(b64url, 'base64url').toString('utf8')

/** A small seeded PRNG (mulberry32), so random inputs are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-south-2', 'sa-east-1', 'cn-north-1', 'us-gov-west-1', 'il-central-1']
function randomInputs(n: number, seed: number): { region: string; credentials: Credentials; date: Date }[] {
  const rnd = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const chars = (alphabet: string, len: number) => Array.from({ length: len }, () => pick([...alphabet])).join('')
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const out = []
  for (let i = 0; i < n; i++) {
    const x = rnd()
    const sessionToken = x < 0.4 ? undefined : x < 0.85 ? 'IQoJb3JpZ2luX2Vj' + chars(B64, 50 + Math.floor(rnd() * 500)) + pick(['', '=', '==']) : chars(" !'()*+/=&?%é😀~", 12)
    out.push({
      region: pick(REGIONS),
      credentials: { accessKeyId: pick(['AKIA', 'ASIA']) + chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16), secretAccessKey: chars(B64, 40), sessionToken },
      date: new Date(Date.UTC(2000, 0, 1) + Math.floor(rnd() * 80 * 365 * 86400) * 1000),
    })
  }
  return out
}

describe.skipIf(!hasAws)('aws eks get-token (AWS CLI, live)', () => {
  const runs = [
    { clusterName: 'prod', region: 'us-east-1', sessionToken: undefined },
    { clusterName: 'My_Cluster-2', region: 'eu-west-1', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/+==' },
    { clusterName: 'c', region: 'cn-north-1', sessionToken: undefined },
    { clusterName: 'a1b2c3d4-aaaa-bbbb-cccc-0123456789ab', region: 'us-gov-west-1', sessionToken: "tok en!'()*" },
  ]
  const home = mkdtempSync(join(tmpdir(), 'eks-get-token-'))

  test('our token is byte-identical at the CLI token’s second, verifies, and botocore re-signs it to the same signature', async () => {
    const results = await Promise.all(
      runs.map(async (r, i) => {
        const credentials = { accessKeyId: `AKIAEKS${i}EXAMPLE0000`, secretAccessKey: `eks/secret+${i}/wJalrXUtnFEMI/K7MDENG`, sessionToken: r.sessionToken }
        const env: NodeJS.ProcessEnv = {
          PATH: process.env['PATH'],
          HOME: home,
          AWS_CONFIG_FILE: join(home, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          ...(r.sessionToken ? { AWS_SESSION_TOKEN: r.sessionToken } : {}),
        }
        const { stdout } = await run('aws', ['eks', 'get-token', '--cluster-name', r.clusterName, '--region', r.region, '--output', 'json'], { env, timeout: 60_000 })
        const cred = JSON.parse(stdout) as { kind: string; status: { token: string; expirationTimestamp: string } }
        expect(cred.kind).toBe('ExecCredential')
        return { ...r, credentials, cli: cred.status.token }
      }),
    )
    const resign: Resign[] = []
    for (const r of results) {
      expect(r.cli).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/)
      const cliUrl = decode(r.cli.slice(11))
      const amzDate = new URL(cliUrl).searchParams.get('X-Amz-Date')!
      const signingDate = `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`
      const ours = await eksToken({ clusterName: r.clusterName, region: r.region, credentials: r.credentials, signingDate })
      expect(ours).toBe(r.cli)
      const url = decode(ours.slice(11))
      const v = await verifyPresigned(
        { method: 'GET', url, headers: { 'x-k8s-aws-id': r.clusterName } },
        { credentials: () => r.credentials, service: 'sts', region: r.region, now: Date.parse(signingDate) },
      )
      expect(v).toMatchObject({ ok: true, signedHeaders: ['host', 'x-k8s-aws-id'] })
      resign.push({ url, headers: { 'x-k8s-aws-id': r.clusterName }, secretAccessKey: r.credentials.secretAccessKey, unsigned: [], tokenUnsigned: false })
    }
    if (hasBotocore) expect(botocoreSignatures(resign)).toEqual(resign.map((c) => signatureOf(c.url)))
    console.log(`aws eks get-token: ${results.length} CLI tokens byte-identical${hasBotocore ? ', re-signed by botocore' : ''}`)
  })
})

describe('aws-msk-iam-sasl-signer-js (AWS MSK signer, clock frozen)', () => {
  afterEach(() => vi.useRealTimers())
  const require = createRequire(import.meta.url)
  const { version } = JSON.parse(readFileSync(require.resolve('aws-msk-iam-sasl-signer-js/package.json'), 'utf8')) as { version: string }
  const userAgent = `aws-msk-iam-sasl-signer-js/${version}`
  const inputs = randomInputs(80, 7)

  test('byte-identical tokens over random inputs; each side verifies; botocore re-signs ours', async () => {
    const resign: Resign[] = []
    for (const { region, credentials, date } of inputs) {
      vi.useFakeTimers({ now: date, toFake: ['Date'] })
      const theirs = await generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: async () => ({ ...credentials }) })
      vi.useRealTimers()
      const ours = await mskAuthToken({ region, credentials, signingDate: date, userAgent })
      expect(ours).toBe(theirs.token)
      expect(theirs.expiryTime).toBe(date.getTime() + 900_000)
      for (const token of [ours, theirs.token]) {
        const url = decode(token).replace(/&User-Agent=[^&]*/, '') // not signed
        const v = await verifyPresigned({ method: 'GET', url }, { credentials: () => credentials, service: 'kafka-cluster', region, now: date })
        expect(v.ok).toBe(true)
      }
      resign.push({ url: decode(ours), headers: {}, secretAccessKey: credentials.secretAccessKey, unsigned: ['User-Agent'], tokenUnsigned: false })
    }
    if (hasBotocore) expect(botocoreSignatures(resign)).toEqual(resign.map((c) => signatureOf(c.url)))
    console.log(`aws-msk-iam-sasl-signer-js ${version}: ${inputs.length} tokens byte-identical${hasBotocore ? ', re-signed by botocore' : ''}`)
  })
})
