/**
 * Assume role and web identity against a fake STS on 127.0.0.1 that has botocore check every signature it receives
 * (botocore's header form and our presigned form, both with botocore.auth: helpers.ts fakeSts, fake-sts.test.ts): our
 * resolver and botocore resolve the same credentials and send the same parameters.
 */
import { describe, expect, test } from 'vitest'
import { baseEnv, botocore, fakeSts, inMinutes, ours, tempHome } from './helpers.js'

const SOURCE = { id: 'AKIASOURCE', secret: 'source/secret+key' }

async function compare(files: Record<string, string>, env: Record<string, string> = {}, profile?: string) {
  const secrets = new Map([[SOURCE.id, SOURCE.secret]])
  const exp = inMinutes(60)
  const sts = await fakeSts(secrets, {
    'arn:aws:iam::123456789012:role/a': { accessKeyId: 'ASIAROLEA', secretAccessKey: 'role-a-secret', sessionToken: 'token-a', expiration: exp },
    'arn:aws:iam::123456789012:role/b': { accessKeyId: 'ASIAROLEB', secretAccessKey: 'role-b-secret', sessionToken: 'token-b', expiration: exp },
  })
  const home = tempHome(files)
  const withHome = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('HOME', home)]))
  const fullEnv = baseEnv(home, { AWS_ENDPOINT_URL_STS: sts.origin, AWS_DEFAULT_REGION: 'us-east-1', ...withHome })
  const mine = await ours(fullEnv, profile)
  const oursCalls = sts.calls.splice(0)
  const theirs = await botocore(fullEnv, profile)
  const theirCalls = sts.calls.splice(0)
  return { mine, theirs, oursCalls, theirCalls }
}

const SOURCE_PROFILE = `[profile src]\naws_access_key_id = ${SOURCE.id}\naws_secret_access_key = ${SOURCE.secret}\n`

describe('assume role, against botocore and a fake STS', () => {
  test.each([
    ['role_arn + source_profile, every parameter', `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\nrole_session_name = me\nexternal_id = ext-1\nduration_seconds = 900\n${SOURCE_PROFILE}`],
    ['default session name', `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\n${SOURCE_PROFILE}`],
    ['a chain of two roles', `[default]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = mid\nrole_session_name = s2\n[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\nrole_session_name = s1\n${SOURCE_PROFILE}`],
    ['a profile that is its own source, with static keys', `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = default\nrole_session_name = self\naws_access_key_id = ${SOURCE.id}\naws_secret_access_key = ${SOURCE.secret}\n`],
  ])('%s', async (_name, config) => {
    const r = await compare({ '.aws/config': config })
    expect(r.mine).toMatchObject({ method: 'assume-role' })
    expect(r.oursCalls.every((c) => c.form === 'presigned')).toBe(true)
    if (!r.theirs) return
    expect(r.mine).toEqual({ ...r.theirs })
    expect(r.theirCalls.every((c) => c.form === 'header')).toBe(true)
    const norm = (calls: typeof r.oursCalls) => calls.map((c) => ({ ...c, form: undefined, params: { ...c.params, RoleSessionName: c.params['RoleSessionName']!.replace(/^botocore-session-\d+$/, 'botocore-session-N') } }))
    expect(norm(r.oursCalls)).toEqual(norm(r.theirCalls))
  })

  test('credential_source = Environment', async () => {
    const r = await compare({ '.aws/config': '[default]\nrole_arn = arn:aws:iam::123456789012:role/a\ncredential_source = Environment\nrole_session_name = env-src\n' }, { AWS_ACCESS_KEY_ID: SOURCE.id, AWS_SECRET_ACCESS_KEY: SOURCE.secret }, 'default')
    expect(r.mine).toMatchObject({ method: 'assume-role', accessKeyId: 'ASIAROLEA' })
    if (r.theirs) expect(r.mine).toEqual(r.theirs)
    if (r.theirs) expect(r.oursCalls.map((c) => c.params)).toEqual(r.theirCalls.map((c) => c.params))
  })

  test.each([
    ['a cycle', '[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = x\n[profile x]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = default\n', /cycle/],
    ['mfa_serial', `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n${SOURCE_PROFILE}`, /MFA/],
    ['a missing source profile', '[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = gone\n', /does not exist/],
    ['both source_profile and credential_source', `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\ncredential_source = Environment\n${SOURCE_PROFILE}`, /both/],
    ['an unknown role (STS answers an Error XML)', `[default]\nrole_arn = arn:aws:iam::123456789012:role/zzz\nsource_profile = src\n${SOURCE_PROFILE}`, /HTTP 403: AccessDenied not authorized/],
    ['a wrong source secret (the fake refuses the signature)', `[default]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = src\n[profile src]\naws_access_key_id = ${SOURCE.id}\naws_secret_access_key = wrong-secret\n`, /SignatureDoesNotMatch/],
  ])('%s is an error, for botocore too', async (_name, config, message) => {
    const r = await compare({ '.aws/config': config })
    expect(r.mine).toMatchObject({ error: 'PresignError', message: expect.stringMatching(message) })
    expect(JSON.stringify(r.mine)).not.toMatch(/source\/secret|wrong-secret/)
    if (r.theirs && !/MFA/.test(String(message))) expect(r.theirs).toHaveProperty('error')
  })
})

describe('web identity, against botocore and a fake STS', () => {
  test.each([
    ['environment form', {}, { AWS_WEB_IDENTITY_TOKEN_FILE: 'HOME/token', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/a', AWS_ROLE_SESSION_NAME: 'pod' }],
    ['profile form', { '.aws/config': '[default]\nweb_identity_token_file = HOME/token\nrole_arn = arn:aws:iam::123456789012:role/b\n' }, {}],
  ] as const)('%s', async (_name, files, env) => {
    const fullFiles = { token: 'eyJ.web.token', ...files }
    const r2 = await compare(fullFiles, env)
    expect(r2.mine).toMatchObject({ method: 'assume-role-with-web-identity' })
    expect(r2.oursCalls[0]?.params).toMatchObject({ Action: 'AssumeRoleWithWebIdentity', WebIdentityToken: 'eyJ.web.token' })
    if (!r2.theirs) return
    expect(r2.mine).toEqual(r2.theirs)
    const norm = (c: Record<string, string>) => ({ ...c, RoleSessionName: c['RoleSessionName']!.replace(/^botocore-session-\d+$/, 'N') })
    expect(r2.oursCalls.map((c) => norm(c.params))).toEqual(r2.theirCalls.map((c) => norm(c.params)))
  })

  test('a token file that is a directory is an error naming the setting', async () => {
    const r = await compare({ 'tokendir/x': '' }, { AWS_WEB_IDENTITY_TOKEN_FILE: 'HOME/tokendir', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/a' })
    expect(r.mine).toMatchObject({ error: 'PresignError', message: expect.stringMatching(/AWS_WEB_IDENTITY_TOKEN_FILE: cannot read the file it names \(EISDIR\)/) })
  })
})
