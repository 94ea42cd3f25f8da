/** The built CLI (dist/cli.js), run as a subprocess with a temporary HOME and a clean environment. */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { presign, verifyPresigned } from '../../src/index.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'
import { projectRoot } from '../helpers/suite.js'

const cli = join(projectRoot, 'dist', 'cli.js')
const built = existsSync(cli)
if (!built) console.warn('!!! dist/cli.js not built: run `npm run build` (npm test does) to test the CLI')
const version = (JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(projectRoot, 'package.json'), 'utf8'))) as { version: string }).version

const homes: string[] = []
let home = ''
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'sigv4-cli-home-'))
  homes.push(home)
})
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true })
})

const ENV_KEYS = { AWS_ACCESS_KEY_ID: DOC_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: DOC_SECRET }

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: home, ...env }, encoding: 'utf8', timeout: 20_000 })
  expect(r.stdout + r.stderr).not.toContain(DOC_SECRET)
  expect(r.stdout + r.stderr).not.toContain('FILESECRET')
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() }
}

function writeAws(files: { credentials?: string; config?: string }) {
  mkdirSync(join(home, '.aws'), { recursive: true })
  if (files.credentials !== undefined) writeFileSync(join(home, '.aws', 'credentials'), files.credentials)
  if (files.config !== undefined) writeFileSync(join(home, '.aws', 'config'), files.config)
}

const q = (url: string, name: string) => new URL(url).searchParams.get(name)

async function verifies(url: string, secret: string = DOC_SECRET, method = 'GET', headers: Record<string, string> = {}) {
  const service = q(url, 'X-Amz-Credential')!.split('/')[3]
  // The URL's own token: this checks the signature under `secret` (the tests check the token's value themselves).
  const sessionToken = q(url, 'X-Amz-Security-Token') ?? undefined
  return (await verifyPresigned({ method, url, headers }, { credentials: (id) => ({ accessKeyId: id, secretAccessKey: secret, sessionToken }), service })).ok
}

function botocoreSignature(url: string, secret: string, method = 'GET'): string | undefined {
  const script = `
import sys, datetime
from unittest import mock
from urllib.parse import urlsplit, parse_qsl, urlencode, quote
import botocore.auth, botocore.credentials, botocore.awsrequest
url, secret, method = sys.argv[1], sys.argv[2], sys.argv[3]
parts = urlsplit(url)
params = dict(parse_qsl(parts.query, keep_blank_values=True))
akid, day, region, service, _ = params['X-Amz-Credential'].split('/')
date = datetime.datetime.strptime(params['X-Amz-Date'], '%Y%m%dT%H%M%SZ')
rest = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith('X-Amz-')]
bare = parts.scheme + '://' + parts.netloc + parts.path + ('?' + urlencode(rest, quote_via=quote) if rest else '')
creds = botocore.credentials.Credentials(akid, secret, params.get('X-Amz-Security-Token'))
cls = botocore.auth.S3SigV4QueryAuth if service in ('s3', 's3-object-lambda', 's3-outposts') else botocore.auth.SigV4QueryAuth
auth = cls(creds, service, region, expires=int(params['X-Amz-Expires']))
req = botocore.awsrequest.AWSRequest(method=method, url=bare)
with mock.patch('botocore.auth.get_current_datetime', return_value=date):
    auth.add_auth(req)
print(dict(parse_qsl(urlsplit(req.url).query))['X-Amz-Signature'])
`
  const r = spawnSync('python3', ['-c', script, url, secret, method], { encoding: 'utf8', timeout: 20_000 })
  if (r.status !== 0) {
    if (process.env['CI']) throw new Error(`python3/botocore failed: ${r.stderr}`)
    console.warn(`!!! python3 with botocore unavailable, skipping the botocore cross-check: ${r.stderr.split('\n').at(-2)}`)
    return undefined
  }
  return r.stdout.trim()
}

interface Botocore {
  accessKey?: string | null
  secretKey?: string | null
  region?: string | null
  s3?: unknown
  error?: string
}

/** What botocore (the AWS CLI's library) resolves from the files in `home` for `profile`; undefined without python3/botocore. */
function botocoreProfile(profile?: string): Botocore | undefined {
  const script = `
import json, botocore.session
try:
    s = botocore.session.Session()
    c = s.get_credentials()
    cfg = s.get_scoped_config()
    print(json.dumps({'accessKey': c and c.access_key, 'secretKey': c and c.secret_key, 'region': cfg.get('region'), 's3': cfg.get('s3')}))
except Exception as e:
    print(json.dumps({'error': type(e).__name__}))
`
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true' }
  if (profile !== undefined) env['AWS_PROFILE'] = profile
  const r = spawnSync('python3', ['-c', script], { env, encoding: 'utf8', timeout: 20_000 })
  if (r.status !== 0) {
    if (process.env['CI']) throw new Error(`python3/botocore failed: ${r.stderr}`)
    console.warn(`!!! python3 with botocore unavailable, skipping the botocore cross-check: ${r.stderr.split('\n').at(-2)}`)
    return undefined
  }
  return JSON.parse(r.stdout) as Botocore
}

/** Our CLI and botocore resolve the same access key id and region for `profile` (or both find no credentials). */
function sameAsBotocore(profile: string | undefined, expected: Botocore) {
  const boto = botocoreProfile(profile)
  if (boto === undefined) return
  expect(boto).toMatchObject(expected)
}

describe.skipIf(!built && !process.env['CI'])('sigv4-presign CLI', () => {
  test('README first command: env credentials, s3://bucket/key, --expires-in 60', async () => {
    const r = run(['s3://examplebucket/test.txt', '--expires-in', '60'], { ...ENV_KEYS, AWS_REGION: 'us-east-1' })
    expect(r.code).toBe(0)
    expect(r.err).toBe('')
    expect(r.out).toMatch(/^https:\/\/examplebucket\.s3\.us-east-1\.amazonaws\.com\/test\.txt\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Expires=60&X-Amz-Signature=[0-9a-f]{64}$/)
    expect(await verifies(r.out)).toBe(true)
    const boto = botocoreSignature(r.out, DOC_SECRET)
    if (boto !== undefined) expect(boto).toBe(q(r.out, 'X-Amz-Signature'))
  })

  test('keys with spaces and unicode; PUT with content-type; response-content-disposition; botocore agrees', async () => {
    const r = run(['s3://my-bucket/dir/a b+é.txt', '--method', 'PUT', '--content-type', 'text/plain', '--response-content-disposition', 'attachment; filename="x.txt"', '--json'], { ...ENV_KEYS, AWS_REGION: 'eu-west-1' })
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out)
    expect(Object.keys(j).sort()).toEqual(['expiresAt', 'expiresIn', 'headers', 'method', 'signedAt', 'signedHeaders', 'url'])
    expect(j.method).toBe('PUT')
    expect(j.expiresIn).toBe(3600)
    expect(Date.parse(j.expiresAt) - Date.parse(j.signedAt)).toBe(3600_000)
    expect(j.signedHeaders).toEqual(['content-type', 'host'])
    expect(j.headers).toEqual({ 'content-type': 'text/plain' })
    expect(j.url).toContain('/dir/a%20b%2B%C3%A9.txt?response-content-disposition=attachment%3B%20filename%3D%22x.txt%22&')
    expect(await verifies(j.url, DOC_SECRET, 'PUT', { 'content-type': 'text/plain' })).toBe(true)
  })

  test('s3://ACCESS-POINT-ARN/KEY, as aws s3 presign takes it: Object Lambda and Outposts hosts, their signing names; botocore agrees', async () => {
    const cases: Array<[string, string, string]> = [
      ['arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/my-olap', 'https://my-olap-123456789012.s3-object-lambda.us-east-1.amazonaws.com/a%20b/c%2Bd.txt', 's3-object-lambda'],
      ['arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap', 'https://my-ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/a%20b/c%2Bd.txt', 's3'],
      ['arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-0123456789abcdef0/accesspoint/my-ap', 'https://my-ap-123456789012.op-0123456789abcdef0.s3-outposts.us-east-1.amazonaws.com/a%20b/c%2Bd.txt', 's3-outposts'],
    ]
    for (const [arn, base, service] of cases) {
      const r = run([`s3://${arn}/a b/c+d.txt`], { ...ENV_KEYS, AWS_REGION: 'us-east-1' })
      expect(r.code, r.err).toBe(0)
      expect(r.out.split('?')[0]).toBe(base)
      expect(q(r.out, 'X-Amz-Credential')!.split('/')[3]).toBe(service)
      expect(await verifies(r.out)).toBe(true)
      const theirs = botocoreSignature(r.out, DOC_SECRET)
      if (theirs !== undefined) expect(q(r.out, 'X-Amz-Signature')).toBe(theirs)
    }
    const wrong = run(['s3://arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap/k'], { ...ENV_KEYS, AWS_REGION: 'eu-west-1' })
    expect([wrong.code, wrong.err]).toEqual([2, expect.stringContaining("location.region: must be the ARN's region (us-east-1)")])
    expect(run(['s3://arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap'], { ...ENV_KEYS, AWS_REGION: 'us-east-1' }).code).toBe(2)
  })

  test('--accelerate, --dual-stack, --fips, their environment and profile forms; Multi-Region ARNs; directory buckets', async () => {
    const base = (args: string[], env: Record<string, string> = {}) => {
      const r = run(args, { ...ENV_KEYS, AWS_REGION: 'us-west-2', ...env })
      expect(r.code, r.err).toBe(0)
      return r.out.split('?')[0]
    }
    expect(base(['s3://my-bucket/k', '--accelerate'])).toBe('https://my-bucket.s3-accelerate.amazonaws.com/k')
    expect(base(['s3://my-bucket/k', '--accelerate', '--dual-stack'])).toBe('https://my-bucket.s3-accelerate.dualstack.amazonaws.com/k')
    expect(base(['s3://my-bucket/k', '--fips', '--dual-stack'])).toBe('https://my-bucket.s3-fips.dualstack.us-west-2.amazonaws.com/k')
    expect(base(['s3://my-bucket/k'], { AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toBe('https://my-bucket.s3-fips.dualstack.us-west-2.amazonaws.com/k')
    const config = join(home, 'switch-config')
    writeFileSync(config, '[default]\nuse_fips_endpoint = true\ns3 =\n  use_accelerate_endpoint = false\n  use_dualstack_endpoint = true\n')
    expect(base(['s3://my-bucket/k'], { AWS_CONFIG_FILE: config })).toBe('https://my-bucket.s3-fips.dualstack.us-west-2.amazonaws.com/k')
    expect(base(['s3://arn:aws:s3:us-west-2:123456789012:accesspoint/ap/k', '--fips'])).toBe('https://ap-123456789012.s3-accesspoint-fips.us-west-2.amazonaws.com/k')
    const mrap = run(['s3://arn:aws:s3::123456789012:accesspoint/abc.mrap/a b'], { ...ENV_KEYS, AWS_REGION: 'us-west-2' })
    expect(mrap.out.split('?')[0]).toBe('https://abc.mrap.accesspoint.s3-global.amazonaws.com/a%20b')
    expect([q(mrap.out, 'X-Amz-Algorithm'), q(mrap.out, 'X-Amz-Region-Set')]).toEqual(['AWS4-ECDSA-P256-SHA256', '*'])
    const express = run(['s3://b--usw2-az1--x-s3/k'], { ...ENV_KEYS, AWS_SESSION_TOKEN: 'session-token', AWS_REGION: 'us-west-2' })
    expect(express.out.split('?')[0]).toBe('https://b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/k')
    expect(q(express.out, 'X-Amz-S3session-Token')).toBe('session-token')
    const refused = run(['s3://my-bucket/k', '--accelerate', '--fips'], { ...ENV_KEYS, AWS_REGION: 'us-west-2' })
    expect([refused.code, refused.err]).toEqual([2, expect.stringContaining('location.accelerate: cannot be combined with fips')])
    const noSession = run(['s3://b--usw2-az1--x-s3/k'], { ...ENV_KEYS, AWS_REGION: 'us-west-2' })
    expect([noSession.code, noSession.err]).toEqual([2, expect.stringContaining('CreateSession')])
  })

  test('--content-length, --checksum, --content-md5 sign the body; AWS_CREDENTIAL_EXPIRATION shortens the URL with a warning', async () => {
    const r = run(['s3://b/k', '--method', 'PUT', '--content-length', '9', '--checksum', 'crc32:y/Q5Jg==', '--content-md5', 'JfnnlDI7RTiF9RgfG2JNCw==', '--json'], { ...ENV_KEYS, AWS_REGION: 'us-east-1' })
    expect(r.code, r.err).toBe(0)
    const j = JSON.parse(r.out) as { url: string; headers: Record<string, string>; signedHeaders: string[] }
    expect(j.headers).toEqual({ 'content-length': '9', 'x-amz-checksum-crc32': 'y/Q5Jg==', 'content-md5': 'JfnnlDI7RTiF9RgfG2JNCw==' })
    expect(j.signedHeaders).toEqual(['content-length', 'content-md5', 'host', 'x-amz-checksum-crc32'])
    expect(await verifies(j.url, DOC_SECRET, 'PUT', j.headers)).toBe(true)
    for (const [args, message] of [
      [['--content-length', '-3'], '--content-length must be a whole number'],
      [['--checksum', 'y/Q5Jg=='], '--checksum must look like ALGORITHM:BASE64'],
      [['--checksum', 'crc16:AAAA'], 'options.checksum.algorithm'],
    ] as const) {
      const bad = run(['s3://b/k', '--method', 'PUT', ...args], { ...ENV_KEYS, AWS_REGION: 'us-east-1' })
      expect([bad.code, bad.err]).toEqual([2, expect.stringContaining(message)])
    }
    const soon = new Date(Date.now() + 600_000).toISOString()
    const temp = { ...ENV_KEYS, AWS_SESSION_TOKEN: 'token', AWS_REGION: 'us-east-1', AWS_CREDENTIAL_EXPIRATION: soon }
    const clamped = run(['s3://b/k', '--expires-in', '3600'], temp)
    expect(clamped.code, clamped.err).toBe(0)
    expect(Number(q(clamped.out, 'X-Amz-Expires'))).toBeLessThanOrEqual(600)
    expect(clamped.err).toMatch(/^sigv4-presign: warning: the URL expires at .* instead of 3600: the credentials \(AWS_CREDENTIAL_EXPIRATION\) expire then/)
    expect(run(['s3://b/k', '--expires-in', '60'], temp).err).toBe('')
    const expired = run(['s3://b/k'], { ...temp, AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z' })
    expect([expired.code, expired.err]).toEqual([2, expect.stringContaining('the credentials have expired')])
    expect(run(['s3://b/k'], { ...temp, AWS_CREDENTIAL_EXPIRATION: 'tomorrow' }).code).toBe(2)
  })

  test('url: any service, --header, botocore agrees', async () => {
    const r = run(['url', 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15', '--service', 'sts', '--region', 'us-east-1'], ENV_KEYS)
    expect(r.code).toBe(0)
    expect(await verifies(r.out)).toBe(true)
    const boto = botocoreSignature(r.out, DOC_SECRET)
    if (boto !== undefined) expect(boto).toBe(q(r.out, 'X-Amz-Signature'))
    const h = run(['url', 'https://abc.execute-api.us-east-1.amazonaws.com/prod/x', '--service', 'execute-api', '--region', 'us-east-1', '--header', 'x-api-key: k1', '--json'], ENV_KEYS)
    expect(JSON.parse(h.out).signedHeaders).toEqual(['host', 'x-api-key'])
  })

  test('profile from ~/.aws/credentials, region from [profile x] in ~/.aws/config; comments and spaces', async () => {
    writeAws({
      credentials: `# comment\n[default]\naws_access_key_id=AKIADEFAULT\naws_secret_access_key=FILESECRET-default\n\n; another comment\n[dev]\n  aws_access_key_id   =   AKIADEV  \naws_secret_access_key = FILESECRET-dev\naws_session_token = TOKENDEV\n`,
      config: `[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-central-1\n`,
    })
    const d = run(['s3://b1/k'])
    expect(d.code).toBe(0)
    expect(q(d.out, 'X-Amz-Credential')).toMatch(/^AKIADEFAULT\/\d{8}\/us-west-2\/s3\/aws4_request$/)
    expect(await verifies(d.out, 'FILESECRET-default')).toBe(true)
    const p = run(['s3://b1/k', '--profile', 'dev'])
    expect(q(p.out, 'X-Amz-Credential')).toMatch(/^AKIADEV\/\d{8}\/eu-central-1\//)
    expect(q(p.out, 'X-Amz-Security-Token')).toBe('TOKENDEV')
    expect(await verifies(p.out, 'FILESECRET-dev')).toBe(true)
    const e = run(['s3://b1/k'], { AWS_PROFILE: 'dev' })
    expect(q(e.out, 'X-Amz-Credential')).toMatch(/^AKIADEV\//)
  })

  test('resolution order: --profile > env keys > AWS_PROFILE; --region > AWS_REGION > AWS_DEFAULT_REGION > config', () => {
    writeAws({ credentials: '[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = FILESECRET\n', config: '[profile dev]\nregion = ap-south-1\n[default]\nregion = sa-east-1\n' })
    const cred = (out: string) => q(out, 'X-Amz-Credential')!.split('/')
    expect(cred(run(['s3://b/k'], { ...ENV_KEYS, AWS_PROFILE: 'dev' }).out)[0]).toBe(DOC_CREDENTIALS.accessKeyId)
    expect(cred(run(['s3://b/k', '--profile', 'dev'], ENV_KEYS).out)[0]).toBe('AKIADEV')
    expect(cred(run(['s3://b/k'], ENV_KEYS).out)[2]).toBe('sa-east-1')
    expect(cred(run(['s3://b/k'], { ...ENV_KEYS, AWS_DEFAULT_REGION: 'eu-west-3' }).out)[2]).toBe('eu-west-3')
    expect(cred(run(['s3://b/k'], { ...ENV_KEYS, AWS_DEFAULT_REGION: 'eu-west-3', AWS_REGION: 'eu-north-1' }).out)[2]).toBe('eu-north-1')
    expect(cred(run(['s3://b/k', '--region', 'us-east-2'], { ...ENV_KEYS, AWS_REGION: 'eu-north-1' }).out)[2]).toBe('us-east-2')
    expect(cred(run(['s3://b/k', '--profile', 'dev']).out)[2]).toBe('ap-south-1')
  })

  test('AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE; keys in the config file; missing files are fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigv4-cli-files-'))
    homes.push(dir)
    writeFileSync(join(dir, 'creds'), '[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = FILESECRET\n')
    writeFileSync(join(dir, 'conf'), '[profile ci]\nregion = ca-central-1\n[profile cfgonly]\naws_access_key_id = AKIACFG\naws_secret_access_key = FILESECRET2\nregion = me-south-1\n')
    const env = { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds'), AWS_CONFIG_FILE: join(dir, 'conf') }
    expect(q(run(['s3://b/k', '--profile', 'ci'], env).out, 'X-Amz-Credential')).toMatch(/^AKIACI\/\d{8}\/ca-central-1\//)
    expect(q(run(['s3://b/k', '--profile', 'cfgonly'], env).out, 'X-Amz-Credential')).toMatch(/^AKIACFG\/\d{8}\/me-south-1\//)
    const none = run(['s3://b/k', '--region', 'us-east-1'], { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nope'), AWS_CONFIG_FILE: join(dir, 'nope2'), ...ENV_KEYS })
    expect(none.code).toBe(0)
  })

  test('endpoint_url and s3.addressing_style from config; --endpoint-url and --path-style flags', () => {
    writeAws({ credentials: '[minio]\naws_access_key_id = minioadmin\naws_secret_access_key = FILESECRET\n', config: '[profile minio]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\n[profile vh]\nregion = us-east-1\ns3 =\n  addressing_style = path\n' })
    expect(run(['s3://bucket/key.txt', '--profile', 'minio']).out).toMatch(/^http:\/\/127\.0\.0\.1:9000\/bucket\/key\.txt\?/)
    expect(run(['s3://bucket/key.txt', '--endpoint-url', 'https://acct.r2.cloudflarestorage.com', '--region', 'auto'], ENV_KEYS).out).toMatch(/^https:\/\/acct\.r2\.cloudflarestorage\.com\/bucket\/key\.txt\?/)
    expect(run(['s3://bucket/key.txt', '--region', 'us-east-1', '--path-style'], ENV_KEYS).out).toMatch(/^https:\/\/s3\.us-east-1\.amazonaws\.com\/bucket\/key\.txt\?/)
    writeAws({ credentials: '[vh]\naws_access_key_id = AKIAVH\naws_secret_access_key = FILESECRET\n' })
    expect(run(['s3://bucket/key.txt', '--profile', 'vh']).out).toMatch(/^https:\/\/s3\.us-east-1\.amazonaws\.com\/bucket\/key\.txt\?/)
  })

  test('AWS_DEFAULT_PROFILE; ";" comments inside an s3 = block; no bare [NAME] profiles in config; AWS_ENDPOINT_URL_S3 first', () => {
    writeAws({
      credentials: '[p]\naws_access_key_id = AKIADEFPROF\naws_secret_access_key = FILESECRET\n',
      config: '[profile p]\nregion = us-east-1\ns3 =\n; note = a comment, not a key, between the parent key and its sub-key\n  addressing_style = path\n',
    })
    const out = run(['s3://bucket/key.txt'], { AWS_DEFAULT_PROFILE: 'p' }).out
    expect(q(out, 'X-Amz-Credential')).toMatch(/^AKIADEFPROF\//)
    expect(out).toMatch(/^https:\/\/s3\.us-east-1\.amazonaws\.com\/bucket\/key\.txt\?/)
    // A bare [NAME] section in the config file is not a profile (the AWS CLI reads only [profile NAME] there).
    writeAws({ credentials: '', config: '[bare]\naws_access_key_id = AKIABARE\naws_secret_access_key = FILESECRET\nregion = us-east-1\n' })
    expect(run(['s3://bucket/k', '--profile', 'bare']).err).toMatch(/profile "bare": not found/)
    const both = { ...ENV_KEYS, AWS_ENDPOINT_URL: 'http://127.0.0.1:9001', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9002' }
    expect(run(['s3://bucket/k', '--region', 'us-east-1'], both).out).toMatch(/^http:\/\/127\.0\.0\.1:9002\/bucket\/k\?/)
  })

  // The INI rules below are botocore's (Python's RawConfigParser); each test shows a case where the old parser differed.
  test('INI: option names are lower-cased, section names keep their case, as in botocore', async () => {
    writeAws({
      credentials: '[Dev]\nAWS_ACCESS_KEY_ID = AKIAUPPER\nAws_Secret_Access_Key = FILESECRET-upper\n',
      config: '[profile Dev]\nREGION = eu-west-1\n',
    })
    const r = run(['s3://b/k', '--profile', 'Dev'])
    expect(r.code).toBe(0)
    expect(q(r.out, 'X-Amz-Credential')).toMatch(/^AKIAUPPER\/\d{8}\/eu-west-1\//)
    expect(await verifies(r.out, 'FILESECRET-upper')).toBe(true)
    sameAsBotocore('Dev', { accessKey: 'AKIAUPPER', secretKey: 'FILESECRET-upper', region: 'eu-west-1' })
    expect(run(['s3://b/k', '--profile', 'dev']).err).toMatch(/profile "dev": not found/)
    sameAsBotocore('dev', { error: 'ProfileNotFound' })
  })

  test('INI: nested sub-keys may be tab-indented; their names keep their case; same-indent lines are not nested', () => {
    writeAws({
      credentials: '[tab]\naws_access_key_id = AKIATAB\naws_secret_access_key = FILESECRET\n[upper]\naws_access_key_id = AKIAUP\naws_secret_access_key = FILESECRET\n[flat]\naws_access_key_id = AKIAFLAT\naws_secret_access_key = FILESECRET\n',
      config:
        '[profile tab]\nregion = us-east-1\ns3 =\n\taddressing_style = path\n' +
        '[profile upper]\nregion = us-east-1\nS3 =\n  Addressing_Style = path\n' +
        '[profile flat]\n  s3 =\n  addressing_style = path\nregion = us-east-1\n',
    })
    const pathStyle = /^https:\/\/s3\.us-east-1\.amazonaws\.com\/bucket\/k\?/
    expect(run(['s3://bucket/k', '--profile', 'tab']).out).toMatch(pathStyle)
    sameAsBotocore('tab', { s3: { addressing_style: 'path' } })
    // botocore lower-cases "S3" but not the sub-key: it reads {'Addressing_Style': 'path'} and so keeps virtual-hosted style.
    expect(run(['s3://bucket/k', '--profile', 'upper']).out).toMatch(/^https:\/\/bucket\.s3\.us-east-1\.amazonaws\.com\/k\?/)
    sameAsBotocore('upper', { s3: { Addressing_Style: 'path' } })
    // "  s3 =" then a line at the same indentation: s3 is empty and addressing_style a key of its own.
    expect(run(['s3://bucket/k', '--profile', 'flat']).out).toMatch(/^https:\/\/bucket\.s3\.us-east-1\.amazonaws\.com\/k\?/)
    sameAsBotocore('flat', { s3: '', region: 'us-east-1' })
  })

  test('INI: [DEFAULT] gives its keys to every section of its file and is not a profile itself', () => {
    writeAws({
      credentials: '[DEFAULT]\naws_access_key_id = AKIADEFSECT\naws_secret_access_key = FILESECRET\n[dev]\n',
      config: '[DEFAULT]\nregion = ap-northeast-1\n[profile dev]\n',
    })
    expect(q(run(['s3://b/k', '--profile', 'dev']).out, 'X-Amz-Credential')).toMatch(/^AKIADEFSECT\/\d{8}\/ap-northeast-1\//)
    sameAsBotocore('dev', { accessKey: 'AKIADEFSECT', region: 'ap-northeast-1' })
    expect(run(['s3://b/k', '--profile', 'DEFAULT']).err).toMatch(/profile "DEFAULT": not found/)
    sameAsBotocore('DEFAULT', { error: 'ProfileNotFound' })
    const none = run(['s3://b/k', '--region', 'us-east-1'])
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/credentials: none found/)
    sameAsBotocore(undefined, { accessKey: null, region: null })
  })

  test('INI: "key: value", text after a [section] header, ";"/"#" and "=" inside values, as in botocore', async () => {
    writeAws({
      credentials: '[default] # work account\naws_access_key_id: AKIACOLON\naws_secret_access_key = FILESECRET=x==\n[inline]\naws_access_key_id = AKIAINLINE\naws_secret_access_key = FILESECRET ; # not a comment\n',
      config: '[default] ; the default\nregion: us-east-1\n[profile inline]\nregion = us-east-1\n',
    })
    const d = run(['s3://b/k'])
    expect(d.code).toBe(0)
    expect(q(d.out, 'X-Amz-Credential')).toMatch(/^AKIACOLON\/\d{8}\/us-east-1\//)
    expect(await verifies(d.out, 'FILESECRET=x==')).toBe(true)
    sameAsBotocore(undefined, { accessKey: 'AKIACOLON', secretKey: 'FILESECRET=x==', region: 'us-east-1' })
    const i = run(['s3://b/k', '--profile', 'inline'])
    expect(await verifies(i.out, 'FILESECRET ; # not a comment')).toBe(true)
    sameAsBotocore('inline', { secretKey: 'FILESECRET ; # not a comment' })
  })

  test('INI: a line indented deeper than its key continues the value, as in botocore', async () => {
    writeAws({
      // botocore reads aws_access_key_id = "AKIACONT\naws_secret_access_key = FILESECRET" and no secret.
      credentials: '[default]\naws_access_key_id = AKIACONT\n    aws_secret_access_key = FILESECRET\n[even]\n  aws_access_key_id = AKIAEVEN\n  aws_secret_access_key = FILESECRET-even\n',
      config: '[default]\nregion = us-east-1\n[profile even]\nregion = us-east-1\n',
    })
    const r = run(['s3://b/k'])
    expect(r.code).toBe(2)
    // Our chain, like botocore's, refuses a key id without its secret.
    expect(r.err).toMatch(/profile "default" .*aws_secret_access_key: is missing or empty, but aws_access_key_id is set/)
    sameAsBotocore(undefined, { error: 'PartialCredentialsError' })
    // Keys indented alike are separate keys.
    const even = run(['s3://b/k', '--profile', 'even'])
    expect(q(even.out, 'X-Amz-Credential')).toMatch(/^AKIAEVEN\//)
    expect(await verifies(even.out, 'FILESECRET-even')).toBe(true)
    sameAsBotocore('even', { accessKey: 'AKIAEVEN' })
  })

  test('an option one kind of URL reads is refused by the others (exit 2), before any key file or credential is read', () => {
    const cases: Array<[string[], string]> = [
      ...[['--content-length', '5'], ['--checksum', 'CRC32:AAAAAA=='], ['--content-md5', '1B2M2Y8AsgTpgAmY7PhCfg=='], ['--accelerate'], ['--dual-stack'], ['--fips'], ['--path-style']].map(
        (flag): [string[], string] => [['gs://my-bucket/k', '--key-file', join(home, 'no-such-key.json'), '--method', 'PUT', ...flag], `${flag[0]} is for s3:// URLs only`],
      ),
      ...[['--key-file', 'sa.json'], ['--virtual-hosted'], ['--bucket-bound-hostname', 'cdn.example.com'], ['--universe-domain', 'example.com']].flatMap((flag): Array<[string[], string]> => [
        [['s3://b/k', '--region', 'us-east-1', ...flag], `${flag[0]} is for gs:// URLs only`],
        [['url', 'https://h.example/', '--service', 's', '--region', 'r', ...flag], `${flag[0]} is for gs:// URLs only`],
      ]),
    ]
    for (const [args, message] of cases) {
      const r = run(args, ENV_KEYS)
      expect([r.code, r.out], args.join(' ')).toEqual([2, ''])
      expect(r.err).toContain(message)
      expect(r.err).not.toContain('no-such-key') // refused before the key file is looked for
    }
  })

  test('user-controlled text in an error is JSON-quoted: a "\\n" in it cannot split or forge stderr lines', () => {
    const forged = 'x" not found\nsigv4-presign: forged line'
    const p = run(['s3://b/k', '--profile', 'a\nb'])
    expect(p.code).toBe(2)
    expect(p.err.split('\n')).toHaveLength(1)
    expect(p.err).toContain('profile "a\\nb": not found')
    expect(p.err).toContain('--profile "a\\nb"')
    const dir = join(home, 'a\nb')
    mkdirSync(dir)
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['s3://b/k', '--profile', forged], {}, JSON.stringify(forged)],
      [['s3://b/k'], { AWS_PROFILE: 'a\r\nb' }, '"a\\r\\nb"'],
      [['s3://b/k', `--x\ny`], ENV_KEYS, '"--x\\ny"'],
      [['list\nx'], ENV_KEYS, '"list\\nx"'],
      [['s3://b\n'], ENV_KEYS, '"s3://b\\n"'],
      [['s3://b/k', '--region', 'r', '--expires-in', '1\n2'], ENV_KEYS, '"1\\n2"'],
      [['url', 'https://h/', '--service', 's', '--region', 'r', '--header', 'x\ny'], ENV_KEYS, '"x\\ny"'],
      [['s3://b/k', '--region', 'r'], { AWS_SHARED_CREDENTIALS_FILE: dir }, JSON.stringify(dir)], // EISDIR
      [['s3://b/k', '--profile', 'p\u0085\u2028'], {}, '"p\\u0085\\u2028"'],
    ]
    for (const [args, env, quoted] of cases) {
      const r = run(args, env)
      expect(r.code).toBe(2)
      expect(r.err.split(/\r?\n|\r|\u0085|\u2028|\u2029/)).toHaveLength(1)
      expect(r.err).toContain(quoted)
    }
  })

  test('explain: under two minutes left is shown in seconds', async () => {
    const url = await presign({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', expiresIn: 100 })
    expect(run(['explain', url], ENV_KEYS).out).toMatch(/time left:\s+(9\d|100) s\n/)
  })

  test.each([
    ['no credentials', ['s3://b/k', '--region', 'us-east-1'], { AWS_EC2_METADATA_DISABLED: 'true' }, /credentials: none found: .*instance metadata: disabled .*; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile/],
    ['arguments before credentials', ['s3://b/k', '--expires-in', '604801', '--region', 'us-east-1'], { AWS_EC2_METADATA_DISABLED: 'true' }, /--expires-in must be a whole number of seconds in 1\.\.604800/],
    ['arguments before credentials (url)', ['url', 'https://h/', '--service', 'x', '--region', 'r', '--header', 'nocolon'], { AWS_EC2_METADATA_DISABLED: 'true' }, /--header must look like 'Name: value'/],
    ['bad s3 URI', ['s3://bucket-only'], ENV_KEYS, /is not an S3 object URI; write s3:\/\/BUCKET\/KEY/],
    ['expiry 0', ['s3://b/k', '--expires-in', '0', '--region', 'us-east-1'], ENV_KEYS, /--expires-in must be a whole number of seconds in 1\.\.604800/],
    ['expiry too long', ['s3://b/k', '--expires-in', '604801', '--region', 'us-east-1'], ENV_KEYS, /1\.\.604800/],
    ['expiry not a number', ['s3://b/k', '--expires-in', 'soon', '--region', 'us-east-1'], ENV_KEYS, /got "soon"/],
    ['unknown profile', ['s3://b/k', '--profile', 'ghost'], {}, /profile "ghost": not found/],
    ['unknown AWS_PROFILE', ['s3://b/k'], { AWS_PROFILE: 'ghost' }, /profile "ghost": not found/],
    ['no region', ['s3://b/k'], ENV_KEYS, /no region; pass --region/],
    ['unknown option', ['s3://b/k', '--frobnicate'], ENV_KEYS, /unknown option "--frobnicate"/],
    ['unknown command', ['list'], ENV_KEYS, /unknown command "list"/],
    ['url without --service', ['url', 'https://h/'], ENV_KEYS, /url needs --service/],
    ['bad header', ['url', 'https://h/', '--service', 'x', '--region', 'r', '--header', 'nocolon'], ENV_KEYS, /--header must look like 'Name: value'/],
    ['header without a name', ['url', 'https://h/', '--service', 'x', '--region', 'r', '--header', ': v'], ENV_KEYS, /--header must look like 'Name: value'/],
    ['bad bucket', ['s3://Bad Bucket/k', '--region', 'us-east-1'], ENV_KEYS, /location\.bucket/],
  ] as const)('error: %s (exit 2, one line, names the fix)', (_name, args, env, message) => {
    const r = run([...args], { ...env })
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err.split('\n')).toHaveLength(1)
    expect(r.err).toMatch(/^sigv4-presign: /)
    expect(r.err).toMatch(message)
  })

  test('--help and --version', () => {
    const h = run(['--help'])
    expect(h.code).toBe(0)
    expect(h.out).toContain('sigv4-presign s3://BUCKET/KEY')
    expect(h.out).toContain('--expires-in')
    expect(run(['-v']).out).toBe(version)
    expect(run(['--version']).out).toBe(version)
  })

  test('explain: decodes, verifies with available credentials, says why it fails', async () => {
    const fresh = await presign({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, { credentials: { ...DOC_CREDENTIALS, sessionToken: 'T' }, region: 'us-east-1', service: 's3', expiresIn: 600 })
    const ok = run(['explain', fresh], { ...ENV_KEYS, AWS_SESSION_TOKEN: 'T' })
    expect(ok.code).toBe(0)
    expect(ok.out).toContain(`access key id:  ${DOC_CREDENTIALS.accessKeyId}`)
    expect(ok.out).toMatch(/scope:\s+\d{8} \/ us-east-1 \/ s3/)
    expect(ok.out).toMatch(/time left:\s+(9|10) min/)
    expect(ok.out).toContain('session token:  present')
    expect(ok.out).toContain('signature:      valid for these credentials')
    const old = await presign({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', expiresIn: 60, signingDate: Date.now() - 3600_000 })
    const expired = run(['explain', old], ENV_KEYS)
    expect(expired.out).toMatch(/time left:\s+expired 59 min ago/)
    expect(expired.out).toContain('INVALID: Expired (AccessDenied): Request has expired')
    const tampered = run(['explain', fresh.replace('/k?', '/j?')], { ...ENV_KEYS, AWS_SESSION_TOKEN: 'T' })
    // Keys without the URL's token: S3's answer to a token that is not the credentials' one.
    expect(run(['explain', fresh], ENV_KEYS).out).toContain('INVALID: InvalidToken')
    expect(tampered.out).toContain('INVALID: SignatureDoesNotMatch')
    expect(tampered.out).toContain('canonical request:')
    const nocreds = run(['explain', fresh])
    expect(nocreds.code).toBe(0)
    expect(nocreds.out).toMatch(/signature: {6}not checked \(no credentials found: credentials: none found: .*instance metadata: /)
    // A + in the query is shown as the verifier (and S3) read it: a space; %2B is a plus.
    const plusId = await presign({ url: 'https://b.s3.us-east-1.amazonaws.com/k' }, { credentials: { ...DOC_CREDENTIALS, accessKeyId: 'AK+ID' }, region: 'us-east-1', service: 's3' })
    expect(run(['explain', plusId]).out).toContain('access key id:  AK+ID\n')
    expect(run(['explain', plusId.replace('AK%2BID', 'AK+ID')]).out).toContain('access key id:  AK ID\n')
    const notPresigned = run(['explain', 'https://b/k'])
    expect(notPresigned.code).toBe(2)
  })
})
