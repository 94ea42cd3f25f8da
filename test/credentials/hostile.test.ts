/**
 * Hostile and broken sources: every failure is a PresignError (code InvalidCredentials) naming the source, in bounded
 * time, and never containing a secret.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import { ADVISORY_REFRESH_MS, MANDATORY_REFRESH_MS, createCredentialsProvider, resolveCredentials, shellSplit } from '../../src/credentials/index.js'
import { cachingProvider } from '../../src/credentials/cache.js'
import { parseDate } from '../../src/credentials/io.js'
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

/** A fetch that records every URL and header it is asked for, and answers `body` (JSON) with 200. */
function recordingFetch(body: unknown = { AccessKeyId: 'ASIAREC', SecretAccessKey: SECRET, Token: 'rec-token', Expiration: '2099-01-01T00:00:00Z' }) {
  const seen: Array<{ url: string; headers: Record<string, string> }> = []
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), headers: { ...(init?.headers as Record<string, string> | undefined) } })
    return new Response(JSON.stringify(body), { status: 200 })
  }) as typeof globalThis.fetch
  return { seen, fetch }
}

describe('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI stays on 169.254.170.2 (botocore: "Unsupported host")', () => {
  const TOKEN = 'container-auth-token-XYZ'
  test.each(['.evil.example/creds', '@evil.example/creds', ':80@evil.example/creds', ':8080/creds', 'creds', ''])('%j is refused before any request', async (relative) => {
    const { seen, fetch } = recordingFetch()
    const env = baseEnv(tempHome(), { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: relative, AWS_CONTAINER_AUTHORIZATION_TOKEN: TOKEN })
    const e = await failure(resolveCredentials({ env, homeDir: env['HOME'], fetch }))
    expect(e.field).toBe('env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI')
    expect(e.message).toMatch(/must be a path starting with "\/"/)
    expect(e.message).not.toContain(TOKEN)
    expect(seen).toEqual([])
  })

  test('a path is fetched from http://169.254.170.2 with the token', async () => {
    const { seen, fetch } = recordingFetch()
    const env = baseEnv(tempHome(), { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc', AWS_CONTAINER_AUTHORIZATION_TOKEN: TOKEN })
    expect(await resolveCredentials({ env, homeDir: env['HOME'], fetch })).toMatchObject({ source: 'container-role', credentials: { accessKeyId: 'ASIAREC' } })
    expect(seen).toEqual([{ url: 'http://169.254.170.2/v2/credentials/abc', headers: expect.objectContaining({ authorization: TOKEN }) }])
  })
})

describe('the STS region is a region name before any URL is built (botocore: InvalidRegionError)', () => {
  const WEB_TOKEN = 'web-identity-token-QRS'
  const ROLE = 'arn:aws:iam::123456789012:role/a'
  test.each([
    ['AWS_DEFAULT_REGION', { AWS_DEFAULT_REGION: 'x@evil.example/' }, {}, '', 'env.AWS_DEFAULT_REGION'],
    ['options.region', {}, { region: 'evil.example?' }, '', 'options.region'],
    ['the profile region', {}, {}, 'region = evil.example#\n', 'profile "default".region'],
    ['a dotted region', { AWS_DEFAULT_REGION: 'us-east-1.evil.example' }, {}, '', 'env.AWS_DEFAULT_REGION'],
  ] as const)('web identity with a bad region from %s', async (_name, extraEnv, options, config, field) => {
    const { seen, fetch } = recordingFetch()
    const home = tempHome({ token: WEB_TOKEN, '.aws/config': `[default]\n${config}` })
    const env = baseEnv(home, { AWS_WEB_IDENTITY_TOKEN_FILE: `${home}/token`, AWS_ROLE_ARN: ROLE, ...extraEnv })
    const e = await failure(resolveCredentials({ env, homeDir: home, fetch, ...options }))
    expect(e.field).toBe(field)
    expect(e.message).toMatch(/is not a region name such as us-east-1/)
    expect(e.message).not.toContain(WEB_TOKEN)
    expect(seen).toEqual([])
  })

  test('assume role with a bad profile region: no request', async () => {
    const { seen, fetch } = recordingFetch()
    const env = baseEnv(tempHome({ '.aws/config': roleConfig.replace('[default]\n', '[default]\nregion = x@evil.example/\n') }))
    const e = await failure(resolveCredentials({ env, homeDir: env['HOME'], fetch }))
    expect(e.field).toBe('profile "default".region')
    expect(seen).toEqual([])
  })
})

/** A process is gone: no such pid, or a zombie waiting for a reaper (Linux `/proc/PID/stat` state Z). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return true
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

describe.skipIf(process.platform === 'win32')('credential_process: the timeout and the cap do not wait for a held stdout', () => {
  test.each([
    ['a background child and exec', `sh -c 'echo $$ > HOME/pids; sleep 8 & echo $! >> HOME/pids; exec sleep 30'`, /did not finish within 500 ms/],
    ['a background child and a shell waiting for it', `sh -c 'echo $$ > HOME/pids; sleep 8 & echo $! >> HOME/pids; wait'`, /did not finish within 500 ms/],
    ['an output over the cap with a background child', `sh -c 'echo $$ > HOME/pids; sleep 30 & echo $! >> HOME/pids; exec head -c 100000 /dev/zero'`, /printed more than 65536 bytes/],
  ])('%s: settled at once, the process killed', async (_name, command, message) => {
    const home = tempHome({ '.aws/config': `[default]\ncredential_process = ${command}\n` })
    const env = baseEnv(home)
    const started = Date.now()
    const e = await failure(resolveCredentials({ env, homeDir: home, timeouts: { process: 500 } }))
    expect(e.message).toMatch(message)
    expect(Date.now() - started).toBeLessThan(4000)
    const [shell, background] = readFileSync(join(home, 'pids'), 'utf8').trim().split('\n').map(Number) as [number, number]
    expect(background).toBeGreaterThan(0)
    try {
      for (let i = 0; i < 40 && !gone(shell); i++) await new Promise((r) => setTimeout(r, 50))
      expect(gone(shell)).toBe(true)
    } finally {
      // What it started in the background is its own (as in botocore); the test stops it, so that none outlives the run.
      if (!gone(background)) process.kill(background, 'SIGKILL')
    }
  }, 20_000)
})

describe('shared file paths in messages are the values as given, never expanded', () => {
  test.each([
    ['a named profile not found', { AWS_CONFIG_FILE: '/nonexistent/$AWS_SECRET_ACCESS_KEY', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/${AWS_SECRET_ACCESS_KEY}' }, 'dev', /not found in "\/nonexistent\/\$AWS_SECRET_ACCESS_KEY" or "\/nonexistent\/\$\{AWS_SECRET_ACCESS_KEY\}"/],
    ['no credentials at all', { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/$AWS_SECRET_ACCESS_KEY' }, undefined, /none found: .*"\/nonexistent\/\$AWS_SECRET_ACCESS_KEY"/],
    ['an unreadable file', { AWS_CONFIG_FILE: 'HOME/$AWS_SECRET_ACCESS_KEY' }, undefined, /env\.AWS_CONFIG_FILE: cannot read ".*\/\$AWS_SECRET_ACCESS_KEY" \(EISDIR\)/],
  ] as const)('%s', async (_name, files, profile, message) => {
    // The secret names a folder under HOME: `HOME/$AWS_SECRET_ACCESS_KEY` expands to it (EISDIR).
    const home = tempHome({ [`${SECRET}/x`]: '' })
    const withHome = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.replace('HOME', home)]))
    const env = baseEnv(home, { AWS_SECRET_ACCESS_KEY: SECRET, ...withHome })
    const e = await failure(resolveCredentials({ env, homeDir: home, profile }))
    expect(e.message).toMatch(message)
  })
})

describe('IAM Identity Center roleCredentials.expiration: integer epoch ms, 1970 to the year 9999', () => {
  const START = 'https://example.awsapps.com/start'
  const config = `[default]\nsso_start_url = ${START}\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n`
  const cache = `.aws/sso/cache/${createHash('sha1').update(START).digest('hex')}.json`
  test.each([
    ['1e300', 1e300, /must be a whole number of epoch milliseconds/],
    ['-5', -5, /must be a whole number of epoch milliseconds/],
    ['a fraction', Date.now() + 3_600_000.5, /must be a whole number of epoch milliseconds/],
    ['the year 10000', 253_402_300_800_000, /must be a whole number of epoch milliseconds/],
    ['a string', '2099-01-01', /must be a whole number of epoch milliseconds/],
    ['already past', 1_000_000, /the credentials have expired \(expiration 1970-01-01T00:16:40.000Z\)/],
  ])('%s is a typed error naming the field', async (_name, expiration, message) => {
    const f = await fake((_req, res) => void res.end(JSON.stringify({ roleCredentials: { accessKeyId: 'ASIASSO', secretAccessKey: SECRET, sessionToken: 'sso-session', expiration } })))
    const home = tempHome({ '.aws/config': config, [cache]: JSON.stringify({ startUrl: START, region: 'us-east-1', accessToken: 'sso-access-token', expiresAt: '2099-01-01T00:00:00Z' }) })
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: f.origin })
    const e = await failure(resolveCredentials({ env, homeDir: home }))
    expect(e.field).toBe('profile "default" (SSO GetRoleCredentials).roleCredentials.expiration')
    expect(e.message).toMatch(message)
    expect(e.message).not.toContain('sso-access-token')
  })

  test('the cache refuses an Invalid Date expiration: a typed error, never cached', async () => {
    let calls = 0
    const provider = cachingProvider(async () => {
      calls++
      return { credentials: { accessKeyId: 'K', secretAccessKey: 's', expiration: new Date(Number.NaN) }, source: 'sso' }
    }, Date.now)
    const e = await failure(provider())
    expect(e.field).toBe('credentials (sso).expiration')
    await failure(provider())
    expect(calls).toBe(2)
    expect(provider.source).toBeUndefined()
  })
})

describe('dates, key ids and expiry of what a source resolved', () => {
  test.each(['2026-02-31T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T12:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '0000-01-01T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-01T00:00:00+24:00'])(
    'parseDate refuses %s',
    (value) => {
      expect(() => parseDate(value, 'f')).toThrow(/f: (is not a valid date-time|must be an ISO 8601)/)
    },
  )

  test('parseDate still takes real dates', () => {
    expect(parseDate('2024-02-29T23:59:59Z', 'f').toISOString()).toBe('2024-02-29T23:59:59.000Z')
    expect(parseDate('0001-01-01 00:00:00', 'f').toISOString()).toBe('0001-01-01T00:00:00.000Z')
    expect(parseDate('2026-01-01T00:00:00+05:30', 'f').toISOString()).toBe('2025-12-31T18:30:00.000Z')
  })

  const script = (fields: Record<string, unknown>) => `process.stdout.write(JSON.stringify(${JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROC', SecretAccessKey: SECRET, ...fields })}))`
  test.each([
    ['credential_process: an access key id with a space and a slash', processProfile(script({ AccessKeyId: 'AKID WITH/SLASH' })), {}, 'profile "default".credential_process.AccessKeyId', /must be a non-empty ASCII string without spaces or "\/"/],
    ['credential_process: an Expiration already past', processProfile(script({ Expiration: '2020-01-01T00:00:00Z' })), {}, 'profile "default".credential_process.Expiration', /the credentials have expired/],
    ['credential_process: an Expiration on 02-31', processProfile(script({ Expiration: '2099-02-31T00:00:00Z' })), {}, 'profile "default".credential_process.Expiration', /not a valid date-time/],
    ['the credentials file: an access key id with a space', { '.aws/credentials': `[default]\naws_access_key_id = AKID WITH/SLASH\naws_secret_access_key = ${SECRET}\n` }, {}, 'profile "default" (~/.aws/credentials).aws_access_key_id', /without spaces/],
    ['the environment: an access key id with a slash', {}, { AWS_ACCESS_KEY_ID: 'AKID/X', AWS_SECRET_ACCESS_KEY: SECRET }, 'env.AWS_ACCESS_KEY_ID', /without spaces or "\/"/],
    ['the environment: an expiration already past', {}, { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: SECRET, AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z' }, 'env.AWS_CREDENTIAL_EXPIRATION', /the credentials have expired \(expiration 2020-01-01T00:00:00.000Z\)/],
  ])('%s', async (_name, files, extraEnv, field, message) => {
    const env = baseEnv(tempHome(files), extraEnv)
    const e = await failure(resolveCredentials({ env, homeDir: env['HOME'] }))
    expect(e.field).toBe(field)
    expect(e.message).toMatch(message)
  })

  test('container and STS answers that are already expired', async () => {
    const { fetch } = recordingFetch({ AccessKeyId: 'ASIAREC', SecretAccessKey: SECRET, Token: 'rec-token', Expiration: '2020-01-01T00:00:00Z' })
    const env = baseEnv(tempHome(), { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/c' })
    expect((await failure(resolveCredentials({ env, homeDir: env['HOME'], fetch }))).field).toBe('container credentials.Expiration')
    const xml = `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>${SECRET}</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2020-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`
    const f = await fake((_req, res) => void res.end(xml))
    const env2 = baseEnv(tempHome({ '.aws/config': roleConfig }), { AWS_ENDPOINT_URL_STS: f.origin })
    const e = await failure(resolveCredentials({ env: env2, homeDir: env2['HOME'] }))
    expect(e.field).toBe('profile "default" (STS AssumeRole).Expiration')
    expect(e.message).toMatch(/the credentials have expired/)
  })
})
