/**
 * The built CLI (dist/cli.js) resolving credentials through the chain of sigv4-presign/credentials: IAM Identity
 * Center (SSO) against a fake portal on 127.0.0.1 with botocore re-signing the printed URL from the same
 * environment, credential_process, `--debug`, and `explain` on URLs that sign headers the client must send.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { presign, verifyPresigned } from '../../src/index.js'
import { fake, inMinutes, tempHome } from '../credentials/helpers.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'
import { projectRoot } from '../helpers/suite.js'

const cli = join(projectRoot, 'dist', 'cli.js')
const built = existsSync(cli)
if (!built) console.warn('!!! dist/cli.js not built: run `npm run build` (npm test does) to test the CLI')

/** Never printed; the session token goes in the URL (X-Amz-Security-Token) but never to stderr. */
const SECRETS = ['sso/role+secret', 'sso-access-token-value', 'process/secret', DOC_SECRET]
const SESSION_TOKEN = 'sso-session-token-value'

interface Ran {
  readonly code: number | null
  readonly out: string
  readonly err: string
}

/** Run a program without blocking the event loop (the fakes answer from this process). */
function runAsync(file: string, args: readonly string[], env: Record<string, string>, stdin = ''): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stdout.on('data', (c: Buffer) => (out += c))
    child.stderr.on('data', (c: Buffer) => (err += c))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out: out.trim(), err: err.trim() })
    })
    child.stdin.end(stdin)
  })
}

async function runCli(args: readonly string[], env: Record<string, string>): Promise<Ran> {
  const r = await runAsync(process.execPath, [cli, ...args], { PATH: process.env['PATH'] ?? '', ...env })
  for (const secret of SECRETS) expect(r.out + r.err).not.toContain(secret)
  expect(r.err).not.toContain(SESSION_TOKEN)
  return r
}

/**
 * botocore, in `env`, resolves the profile's credentials (calling the same fakes) and signs the URL again at its own
 * X-Amz-Date and X-Amz-Expires: its access key id and signature. Undefined (loudly) without python3/botocore.
 */
async function botocoreResign(url: string, env: Record<string, string>, profile: string): Promise<{ accessKey: string; signature: string } | undefined> {
  const script = `
import json, os, sys, datetime
from unittest import mock
from urllib.parse import urlsplit, parse_qsl, urlencode, quote
spec = json.load(sys.stdin)
for k in list(os.environ):
    if k.startswith('AWS_') or k == 'HOME':
        del os.environ[k]
os.environ.update(spec['env'])
import botocore.session, botocore.auth, botocore.awsrequest  # after HOME is set: botocore fixes the SSO cache folder at import
creds = botocore.session.Session(profile=spec['profile']).get_credentials().get_frozen_credentials()
parts = urlsplit(spec['url'])
params = dict(parse_qsl(parts.query, keep_blank_values=True))
akid, day, region, service, _ = params['X-Amz-Credential'].split('/')
date = datetime.datetime.strptime(params['X-Amz-Date'], '%Y%m%dT%H%M%SZ')
rest = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith('X-Amz-')]
bare = parts.scheme + '://' + parts.netloc + parts.path + ('?' + urlencode(rest, quote_via=quote) if rest else '')
auth = botocore.auth.S3SigV4QueryAuth(creds, service, region, expires=int(params['X-Amz-Expires']))
req = botocore.awsrequest.AWSRequest(method='GET', url=bare)
with mock.patch('botocore.auth.get_current_datetime', return_value=date):
    auth.add_auth(req)
print(json.dumps({'accessKey': creds.access_key, 'signature': dict(parse_qsl(urlsplit(req.url).query))['X-Amz-Signature']}))
`
  const r = await runAsync('python3', ['-c', script], { PATH: process.env['PATH'] ?? '' }, JSON.stringify({ env, profile, url }))
  if (r.code !== 0) {
    if (process.env['CI']) throw new Error(`python3/botocore failed: ${r.err}`)
    console.warn(`!!! python3 with botocore unavailable, skipping the botocore re-signing: ${r.err.split('\n').at(-1)}`)
    return undefined
  }
  return JSON.parse(r.out) as { accessKey: string; signature: string }
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')
const q = (url: string, name: string) => new URL(url).searchParams.get(name)

/** A fake IAM Identity Center portal: GetRoleCredentials for one account/role with one bearer token. */
async function ssoPortal(expiration: number) {
  return fake((req, res) => {
    const url = new URL(req.url, 'http://x')
    const ok = url.pathname === '/federation/credentials' && url.searchParams.get('account_id') === '111122223333' && url.searchParams.get('role_name') === 'Dev'
    if (!ok || req.headers['x-amz-sso_bearer_token'] !== 'sso-access-token-value') return void res.writeHead(401).end('{"message":"Session token not found or invalid"}')
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ roleCredentials: { accessKeyId: 'ASIASSOCLI', secretAccessKey: 'sso/role+secret', sessionToken: SESSION_TOKEN, expiration } }))
  })
}

const SSO_CONFIG = `[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
region = eu-west-1
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
`
const ssoToken = (expiresAt: string) => JSON.stringify({ startUrl: 'https://example.awsapps.com/start', region: 'us-east-1', accessToken: 'sso-access-token-value', expiresAt })

describe.skipIf(!built && !process.env['CI'])('sigv4-presign CLI with the credentials chain', () => {
  test('IAM Identity Center: s3://… with an SSO cache and the portal; botocore, re-signing from the same environment, gets the same signature', async () => {
    const expiration = Date.now() + 30 * 60_000
    const portal = await ssoPortal(expiration)
    const home = tempHome({ '.aws/config': SSO_CONFIG, [`.aws/sso/cache/${sha1('corp')}.json`]: ssoToken(inMinutes(120)) })
    const env = { HOME: home, AWS_ENDPOINT_URL_SSO: portal.origin, AWS_EC2_METADATA_DISABLED: 'true' }
    const r = await runCli(['s3://my-bucket/reports/a b+é.csv', '--profile', 'dev', '--expires-in', '3600', '--debug'], env)
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/^https:\/\/my-bucket\.s3\.eu-west-1\.amazonaws\.com\/reports\/a%20b%2B%C3%A9\.csv\?/)
    expect(q(r.out, 'X-Amz-Credential')).toMatch(/^ASIASSOCLI\/\d{8}\/eu-west-1\/s3\/aws4_request$/)
    expect(q(r.out, 'X-Amz-Security-Token')).toBe(SESSION_TOKEN)
    // The credentials expire in 30 minutes: the URL is cut to their lifetime, with a warning naming the source.
    expect(Number(q(r.out, 'X-Amz-Expires'))).toBeLessThanOrEqual(1800)
    expect(Number(q(r.out, 'X-Amz-Expires'))).toBeGreaterThan(1700)
    expect(r.err).toMatch(/sigv4-presign: warning: the URL expires at .* instead of 3600: the credentials \(from sso\) expire then/)
    expect(r.err).toMatch(/sigv4-presign: debug: profile "dev" of ".*\/\.aws\/config"/)
    expect(r.err).toContain('sigv4-presign: debug: credentials: sso (profile "dev"), access key id "ASIASSOCLI", expire at ')
    const seen = portal.requests.splice(0)
    expect(seen).toHaveLength(1)
    const verified = await verifyPresigned({ method: 'GET', url: r.out }, { credentials: () => ({ accessKeyId: 'ASIASSOCLI', secretAccessKey: 'sso/role+secret', sessionToken: SESSION_TOKEN }) })
    expect(verified.ok).toBe(true)
    const boto = await botocoreResign(r.out, { ...env, PATH: process.env['PATH'] ?? '' }, 'dev')
    if (boto === undefined) return
    expect(portal.requests).toHaveLength(1)
    expect(boto).toEqual({ accessKey: 'ASIASSOCLI', signature: q(r.out, 'X-Amz-Signature') })
  })

  test('IAM Identity Center: an expired token says to run aws sso login, exit 2, no token shown', async () => {
    const portal = await ssoPortal(Date.now() + 3600_000)
    const home = tempHome({ '.aws/config': SSO_CONFIG, [`.aws/sso/cache/${sha1('corp')}.json`]: ssoToken('2020-01-01T00:00:00Z') })
    const r = await runCli(['s3://b/k', '--profile', 'dev'], { HOME: home, AWS_ENDPOINT_URL_SSO: portal.origin, AWS_EC2_METADATA_DISABLED: 'true' })
    expect(r.code).toBe(2)
    expect(r.err.split('\n')).toHaveLength(1)
    expect(r.err).toMatch(/^sigv4-presign: .*aws sso login --sso-session corp/)
    expect(portal.requests).toHaveLength(0)
  })

  test('credential_process: the process is run without a shell; its credentials sign; --debug names the source', async () => {
    const script = `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'AKIAPROC', SecretAccessKey: 'process/secret', Expiration: '${inMinutes(90)}' }))`
    const home = tempHome({ 'bin/creds.js': script })
    const config = `[profile proc]\ncredential_process = "${process.execPath}" "${join(home, 'bin', 'creds.js')}"\nregion = us-west-2\n`
    const withConfig = tempHome({ '.aws/config': config })
    const r = await runCli(['s3://b/k', '--profile', 'proc', '--debug', '--expires-in', '600'], { HOME: withConfig, AWS_EC2_METADATA_DISABLED: 'true' })
    expect(r.code, r.err).toBe(0)
    expect(q(r.out, 'X-Amz-Credential')).toMatch(/^AKIAPROC\/\d{8}\/us-west-2\//)
    expect(q(r.out, 'X-Amz-Expires')).toBe('600')
    expect(r.err).toContain('debug: credentials: custom-process (profile "proc")')
    const verified = await verifyPresigned({ method: 'GET', url: r.out }, { credentials: () => ({ accessKeyId: 'AKIAPROC', secretAccessKey: 'process/secret' }) })
    expect(verified.ok).toBe(true)
  })

  test('explain: a URL that signs content-type names the headers it needs, then checks the signature with them', async () => {
    const url = await presign(
      { method: 'PUT', url: 'https://b.s3.us-east-1.amazonaws.com/k', headers: { 'content-type': 'text/plain' } },
      { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', expiresIn: 600 },
    )
    const home = tempHome()
    const env = (secret: string) => ({ HOME: home, AWS_ACCESS_KEY_ID: DOC_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: secret })
    const missing = await runCli(['explain', url], env('wrong/secret'))
    expect(missing.code).toBe(0)
    expect(missing.out).toContain("signature:      not checked: the URL signs content-type, which the client must send; check it with --header 'content-type: VALUE'")
    expect(missing.out).not.toContain('MissingSignedHeader')
    const wrong = await runCli(['explain', url, '--header', 'content-type: text/plain'], env('wrong/secret'))
    expect(wrong.out).toContain('signature:      INVALID: SignatureDoesNotMatch')
    const right = await runCli(['explain', url, '--header', 'Content-Type: text/plain'], env(DOC_SECRET))
    expect(right.out).toContain('signature:      valid for these credentials (method PUT)')
    const named = await runCli(['explain', url, '--header', 'content-type: text/plain', '--method', 'PUT'], env(DOC_SECRET))
    expect(named.out).toMatch(/^signature: {6}valid for these credentials$/m)
    const otherValue = await runCli(['explain', url, '--header', 'content-type: text/html'], env(DOC_SECRET))
    expect(otherValue.out).toContain('signature:      INVALID: SignatureDoesNotMatch')
  })

  test('arguments are checked before any credentials are looked for', async () => {
    const home = tempHome({ '.aws/config': SSO_CONFIG })
    // No token cache: were credentials resolved first, the SSO error would come first.
    const r = await runCli(['s3://b/k', '--profile', 'dev', '--expires-in', '604801'], { HOME: home, AWS_EC2_METADATA_DISABLED: 'true' })
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/--expires-in must be a whole number of seconds in 1\.\.604800/)])
    const bad = await runCli(['s3://b/k', '--profile', 'dev', '--checksum', 'nocolon'], { HOME: home, AWS_EC2_METADATA_DISABLED: 'true' })
    expect(bad.err).toMatch(/--checksum must look like ALGORITHM:BASE64/)
  })
})
