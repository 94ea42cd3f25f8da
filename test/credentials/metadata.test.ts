/**
 * Container credentials, EC2 instance metadata (IMDSv2) and IAM Identity Center (SSO) against loopback fakes: our
 * resolver and botocore, pointed at the same fake, resolve the same credentials.
 */
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { baseEnv, botocore, fake, inMinutes, ours, tempHome } from './helpers.js'

const ROLE = { AccessKeyId: 'ASIAMETA', SecretAccessKey: 'meta/secret', Token: 'meta-token' }

describe('container credentials, against botocore', () => {
  test.each([
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', (_home: string) => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'auth-tok' })],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', (home: string) => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: `${home}/ctok` })],
  ])('FULL_URI on 127.0.0.1 with %s', async (_name, tokenEnv) => {
    const exp = inMinutes(60)
    const f = await fake((req, res) => {
      if (req.url !== '/creds' || req.headers['authorization'] !== 'auth-tok') return void res.writeHead(401).end()
      res.end(JSON.stringify({ ...ROLE, Expiration: exp }))
    })
    const home = tempHome({ ctok: 'auth-tok' })
    const env = baseEnv(home, { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${f.origin}/creds`, ...tokenEnv(home) })
    const [mine, theirs] = await Promise.all([ours(env), botocore(env)])
    expect(mine).toEqual({ accessKeyId: ROLE.AccessKeyId, secretAccessKey: ROLE.SecretAccessKey, sessionToken: ROLE.Token, expiration: Date.parse(exp), method: 'container-role' })
    if (theirs) expect(mine).toEqual(theirs)
  })

  test('FULL_URI to a host that is neither loopback nor ECS/EKS is refused (botocore refuses it too)', async () => {
    const env = baseEnv(tempHome(), { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://example.com/creds' })
    const mine = await ours(env)
    expect(mine).toMatchObject({ error: 'PresignError', message: expect.stringMatching(/AWS_CONTAINER_CREDENTIALS_FULL_URI: must be https/) })
  })
})

describe('EC2 instance metadata (IMDSv2), against botocore', () => {
  test('token PUT, role name, credentials', async () => {
    const exp = inMinutes(60)
    const f = await fake((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token' && req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return void res.end('imds-token')
      if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return void res.writeHead(401).end()
      if (req.url === '/latest/meta-data/iam/security-credentials/') return void res.end('my-role')
      if (req.url === '/latest/meta-data/iam/security-credentials/my-role') return void res.end(JSON.stringify({ Code: 'Success', ...ROLE, Expiration: exp }))
      res.writeHead(404).end()
    })
    const env = { ...baseEnv(tempHome(), { AWS_EC2_METADATA_SERVICE_ENDPOINT: `${f.origin}/` }), AWS_EC2_METADATA_DISABLED: 'false' }
    const [mine, theirs] = await Promise.all([ours(env), botocore(env)])
    expect(mine).toEqual({ accessKeyId: ROLE.AccessKeyId, secretAccessKey: ROLE.SecretAccessKey, sessionToken: ROLE.Token, expiration: Date.parse(exp), method: 'iam-role' })
    if (theirs) expect(mine).toEqual(theirs)
    expect(f.requests.filter((r) => r.method === 'GET').every((r) => r.headers['x-aws-ec2-metadata-token'] === 'imds-token')).toBe(true)
  })
})

describe('IAM Identity Center (SSO), against botocore', () => {
  const portal = async (exp: number) =>
    fake((req, res) => {
      if (req.headers['x-amz-sso_bearer_token'] !== 'sso-access-token') return void res.writeHead(401).end('{"message":"unauthorized"}')
      if (!req.url.startsWith('/federation/credentials?role_name=Dev&account_id=111122223333')) return void res.writeHead(404).end()
      res.end(JSON.stringify({ roleCredentials: { accessKeyId: 'ASIASSO', secretAccessKey: 'sso/secret', sessionToken: 'sso-token', expiration: exp } }))
    })
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')
  const token = (expiresAt: string) => JSON.stringify({ startUrl: 'https://example.awsapps.com/start', region: 'us-east-1', accessToken: 'sso-access-token', expiresAt })

  test.each([
    ['sso_session form', `[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n`, sha1('corp')],
    ['legacy form', `[default]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n`, sha1('https://example.awsapps.com/start')],
  ])('%s', async (_name, config, key) => {
    const exp = Date.now() + 3_600_000
    const f = await portal(exp - (exp % 1000))
    const home = tempHome({ '.aws/config': config, [`.aws/sso/cache/${key}.json`]: token(inMinutes(120)) })
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: f.origin })
    const mine = await ours(env)
    const theirs = await botocore(env)
    expect(mine).toEqual({ accessKeyId: 'ASIASSO', secretAccessKey: 'sso/secret', sessionToken: 'sso-token', expiration: exp - (exp % 1000), method: 'sso' })
    if (theirs) expect(mine).toEqual(theirs)
  })

  test('an expired token says to run aws sso login, and never shows the token', async () => {
    const config = `[default]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n`
    const home = tempHome({ '.aws/config': config, [`.aws/sso/cache/${sha1('https://example.awsapps.com/start')}.json`]: token('2020-01-01T00:00:00Z') })
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9' })
    const mine = await ours(env)
    expect(mine).toMatchObject({ error: 'PresignError', message: expect.stringMatching(/expired.*aws sso login --profile default/) })
    expect(JSON.stringify(mine)).not.toContain('sso-access-token')
    const theirs = await botocore(env)
    if (theirs) expect(theirs).toHaveProperty('error')
  })
})
