/**
 * Hostile and broken sources: every failure is a PresignError (code InvalidCredentials) naming the source, in bounded
 * time, and never containing a secret.
 */
import { describe, expect, test } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import { ADVISORY_REFRESH_MS, MANDATORY_REFRESH_MS, createCredentialsProvider, resolveCredentials, shellSplit } from '../../src/credentials/index.js'
import { cachingProvider } from '../../src/credentials/cache.js'
import type { ResolvedCredentials } from '../../src/credentials/index.js'
import { baseEnv, fake, ours, tempHome } from './helpers.js'

const SECRET = 'very/secret+key'

async function failure(promise: Promise<unknown>): Promise<PresignError> {
  const e = await promise.then(() => undefined, (x: unknown) => x)
  expect(e).toBeInstanceOf(PresignError)
  expect((e as PresignError).code).toBe('InvalidCredentials')
  expect(JSON.stringify({ ...(e as PresignError), message: (e as Error).message })).not.toContain(SECRET)
  return e as PresignError
}

const processProfile = (script: string) => ({ 'bin/p.js': `#!/usr/bin/env node\n${script}\n`, '.aws/config': '[default]\ncredential_process = node HOME/bin/p.js\n' })

describe('credential_process', () => {
  test.each([
    ['a huge output', 'process.stdout.write("x".repeat(10 * 1024 * 1024))', /printed more than 65536 bytes/],
    ['malformed JSON holding the secret', `process.stdout.write('{"Version":1,"SecretAccessKey":"${SECRET}"')`, /is not JSON/],
    ['a JSON array', 'process.stdout.write("[1]")', /not a JSON object/],
    ['a non-string secret', 'process.stdout.write(JSON.stringify({Version:1,AccessKeyId:"A",SecretAccessKey:5}))', /no SecretAccessKey/],
    ['a bad Expiration', `process.stdout.write(JSON.stringify({Version:1,AccessKeyId:"A",SecretAccessKey:"${SECRET}",Expiration:"tomorrow"}))`, /Expiration: must be an ISO 8601/],
    ['a failure with the secret on stderr', `process.stderr.write("${SECRET}"); process.exit(1)`, /exited with code 1/],
    ['a process that never ends', 'setInterval(() => {}, 1000)', /did not finish within 1500 ms/],
  ])('%s', async (_name, script, message) => {
    const env = baseEnv(tempHome(processProfile(script)))
    // 1.5 s: a node process starts in ~50 ms on a quiet machine, but in several hundred on a loaded 2-core one.
    const e = await failure(resolveCredentials({ env, homeDir: env['HOME'], timeouts: { process: 1500 } }))
    expect(e.message).toMatch(message)
    expect(e.field.startsWith('profile "default".credential_process')).toBe(true)
  })

  test('an unclosed quote, and a program that does not exist', async () => {
    const env = baseEnv(tempHome({ '.aws/config': `[default]\ncredential_process = node "unclosed\n` }))
    expect((await failure(resolveCredentials({ env, homeDir: env['HOME'] }))).message).toMatch(/not a valid command line/)
    const env2 = baseEnv(tempHome({ '.aws/config': `[default]\ncredential_process = /nonexistent/prog --key ${SECRET}\n` }))
    expect((await failure(resolveCredentials({ env: env2, homeDir: env2['HOME'] }))).message).toMatch(/cannot run "\/nonexistent\/prog" \(ENOENT\)/)
  })

  test('shellSplit follows shlex.split (POSIX)', () => {
    expect(shellSplit(`a "b c" 'd e' f\\ g "h\\"i" 'j\\k' "l\\m" x''y ''`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i', 'j\\k', 'l\\m', 'xy', ''])
    expect(shellSplit('a $HOME;| b')).toEqual(['a', '$HOME;|', 'b'])
    expect(shellSplit('"open')).toBeUndefined()
    expect(shellSplit('end\\')).toBeUndefined()
  })
})

const roleConfig = `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\n[profile src]\naws_access_key_id = AKIASRC\naws_secret_access_key = ${SECRET}\naws_session_token = src-session-token\n`

describe('STS answers', () => {
  test.each([
    ['HTML with 200', 200, '<html><body>hello</body></html>', /root element is <html>/],
    ['truncated XML', 200, '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>', /unclosed element|mismatched/],
    ['two AccessKeyId', 200, '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><AccessKeyId>B</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>', /has 2 <AccessKeyId>/],
    ['a DOCTYPE', 200, '<!DOCTYPE x [<!ENTITY a "b">]><AssumeRoleResponse/>', /DOCTYPE/],
    ['an Error XML echoing the secret and token', 403, `<ErrorResponse><Error><Code>AccessDenied</Code><Message>no for ${SECRET} src-session-token</Message></Error></ErrorResponse>`, /HTTP 403: AccessDenied no for <redacted> <redacted>/],
    ['HTML with 500', 500, '<html>oops</html>', /HTTP 500 \(not an STS error document\)/],
    ['a body over 64 KB', 200, 'x'.repeat(200_000), /larger than 65536/],
  ])('%s', async (_name, status, body, message) => {
    const f = await fake((_req, res) => void res.writeHead(status).end(body))
    const env = baseEnv(tempHome({ '.aws/config': roleConfig }), { AWS_ENDPOINT_URL_STS: f.origin })
    const e = await failure(resolveCredentials({ env, homeDir: env['HOME'] }))
    expect(e.message).toMatch(message)
    expect(e.message).not.toContain('src-session-token')
    expect(e.field).toBe('profile "default" (STS AssumeRole)')
  })

  test('an STS that never answers times out', async () => {
    const f = await fake(() => undefined)
    const env = baseEnv(tempHome({ '.aws/config': roleConfig }), { AWS_ENDPOINT_URL_STS: f.origin })
    const start = Date.now()
    const e = await failure(resolveCredentials({ env, homeDir: env['HOME'], timeouts: { sts: 200 } }))
    expect(e.message).toMatch(/no answer within 200 ms/)
    expect(Date.now() - start).toBeLessThan(3000)
  })
})

describe('metadata endpoints', () => {
  test('an IMDS that never answers: the chain ends with no credentials, within the timeout', async () => {
    const f = await fake(() => undefined)
    const env: Record<string, string> = { ...baseEnv(tempHome(), { AWS_EC2_METADATA_SERVICE_ENDPOINT: f.origin }), AWS_EC2_METADATA_DISABLED: 'false' }
    const start = Date.now()
    const e = await failure(resolveCredentials({ env, homeDir: env['HOME'], timeouts: { imds: 200 } }))
    expect(e.message).toMatch(/none found.*no answer within 200 ms/)
    expect(Date.now() - start).toBeLessThan(3000)
  })

  test('credential_source = Ec2InstanceMetadata with an IMDS refusing tokenless requests', async () => {
    const f = await fake((req, res) => void res.writeHead(req.method === 'PUT' ? 404 : 401).end())
    const env: Record<string, string> = { ...baseEnv(tempHome({ '.aws/config': '[default]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Ec2InstanceMetadata\n' }), { AWS_EC2_METADATA_SERVICE_ENDPOINT: f.origin }), AWS_EC2_METADATA_DISABLED: 'false' }
    expect((await failure(resolveCredentials({ env, homeDir: env['HOME'] }))).message).toMatch(/HTTP 401/)
  })

  test('container answers: non-JSON, missing Token, a redirect elsewhere', async () => {
    for (const [status, body, headers, message] of [
      [200, `not json ${SECRET}`, {}, /not JSON/],
      [200, JSON.stringify({ AccessKeyId: 'A', SecretAccessKey: SECRET, Expiration: '2099-01-01T00:00:00Z' }), {}, /no Token/],
      [302, '', { location: 'http://example.com/' }, /HTTP 302/],
    ] as const) {
      const f = await fake((_req, res) => void res.writeHead(status, headers).end(body))
      const env = baseEnv(tempHome(), { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${f.origin}/c` })
      expect((await failure(resolveCredentials({ env, homeDir: env['HOME'] }))).message).toMatch(message)
    }
  })

  test('a container token with a line break is refused', async () => {
    const env = baseEnv(tempHome({ tok: 'abc\n' }), { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/c' })
    const r = await ours({ ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: `${env['HOME']}/tok` })
    expect(r).toMatchObject({ message: expect.stringMatching(/AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: holds a line break/) })
  })
})

describe('chain order', () => {
  test('the config file comes before container credentials; explicit profile skips web identity variables', async () => {
    const env = baseEnv(tempHome({ '.aws/config': '[default]\naws_access_key_id = AKIACFG\naws_secret_access_key = s\n' }), { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/c', AWS_WEB_IDENTITY_TOKEN_FILE: '/nonexistent', AWS_ROLE_ARN: 'arn:aws:iam::1:role/a' })
    expect(await ours(env, 'default')).toMatchObject({ accessKeyId: 'AKIACFG', method: 'config-file' })
    expect(await ours(env)).toMatchObject({ error: 'PresignError', message: expect.stringMatching(/AWS_WEB_IDENTITY_TOKEN_FILE/) })
  })
})

describe('caching and refresh (a fake clock)', () => {
  const creds = (id: string, exp: number): ResolvedCredentials => ({ credentials: { accessKeyId: id, secretAccessKey: 's', expiration: new Date(exp) }, source: 'sso' })

  test('cached until 15 minutes before expiry; advisory refresh failures keep the old; mandatory ones throw', async () => {
    let now = 0
    let calls = 0
    let fail = false
    const expiry = 60 * 60_000
    const provider = cachingProvider(async () => {
      calls++
      if (fail) throw new Error('down')
      return creds(`K${calls}`, now + expiry)
    }, () => now)
    expect((await provider()).accessKeyId).toBe('K1')
    expect(provider.source).toBe('sso')
    now = expiry - ADVISORY_REFRESH_MS - 1
    expect((await provider()).accessKeyId).toBe('K1')
    expect(calls).toBe(1)
    fail = true
    now = expiry - ADVISORY_REFRESH_MS + 1
    expect((await provider()).accessKeyId).toBe('K1')
    expect(calls).toBe(2)
    now = expiry - MANDATORY_REFRESH_MS + 1
    await expect(provider()).rejects.toThrow('down')
    fail = false
    expect((await provider()).accessKeyId).toBe('K4')
  })

  test('concurrent callers share one refresh', async () => {
    let calls = 0
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => (release = r))
    const provider = cachingProvider(async () => {
      calls++
      await gate
      return creds('K', Date.now() + 3_600_000)
    }, Date.now)
    const all = Promise.all(Array.from({ length: 20 }, () => provider()))
    release()
    expect((await all).every((c) => c.accessKeyId === 'K')).toBe(true)
    expect(calls).toBe(1)
  })

  test('createCredentialsProvider resolves once for static credentials', async () => {
    let reads = 0
    const env = { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: SECRET, HOME: '/nonexistent' }
    const provider = createCredentialsProvider({ env, readFile: async () => { reads++; throw Object.assign(new Error('x'), { code: 'ENOENT' }) } })
    await provider()
    await provider()
    expect(reads).toBe(2) // one context: the two shared files, read once
  })
})
