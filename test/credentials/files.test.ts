/**
 * Environment, shared files and credential_process: our resolver and botocore (scripts/credentials-oracle.py) on the
 * same temporary HOME and environment resolve the same credentials (or both fail).
 */
import { describe, expect, test } from 'vitest'
import { baseEnv, botocore, ours, tempHome } from './helpers.js'

const AKID = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

interface Case {
  readonly name: string
  readonly files?: Record<string, string>
  readonly env?: Record<string, string>
  readonly profile?: string
  /** What botocore's provider must be (ours has the same name), or 'error'. */
  readonly expect: string
}

const processScript = (json: string) => `#!/usr/bin/env node\nprocess.stdout.write(${JSON.stringify(json)})\n`

const CASES: Case[] = [
  { name: 'environment, with token and expiration', env: { AWS_ACCESS_KEY_ID: AKID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: 'tok', AWS_CREDENTIAL_EXPIRATION: '2099-01-01T00:00:00Z' }, expect: 'env' },
  { name: 'environment, AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN', env: { AWS_ACCESS_KEY_ID: AKID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SECURITY_TOKEN: 'old', AWS_SESSION_TOKEN: 'new' }, expect: 'env' },
  { name: 'environment key id without secret is an error', env: { AWS_ACCESS_KEY_ID: AKID }, expect: 'error' },
  { name: 'environment wins over the files', files: { '.aws/credentials': `[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n` }, env: { AWS_ACCESS_KEY_ID: AKID, AWS_SECRET_ACCESS_KEY: SECRET }, expect: 'env' },
  { name: 'an explicit profile skips the environment', files: { '.aws/credentials': `[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n` }, env: { AWS_ACCESS_KEY_ID: AKID, AWS_SECRET_ACCESS_KEY: SECRET }, profile: 'dev', expect: 'shared-credentials-file' },
  { name: 'credentials file default', files: { '.aws/credentials': `[default]\naws_access_key_id = ${AKID}\naws_secret_access_key = ${SECRET}\naws_session_token = t\n` }, expect: 'shared-credentials-file' },
  { name: 'AWS_PROFILE, [profile x] in config', files: { '.aws/config': `[profile x]\naws_access_key_id = AKIDX\naws_secret_access_key = sx\n[x]\naws_access_key_id = WRONG\naws_secret_access_key = w\n` }, env: { AWS_PROFILE: 'x' }, expect: 'config-file' },
  { name: 'AWS_DEFAULT_PROFILE before AWS_PROFILE', files: { '.aws/credentials': `[a]\naws_access_key_id = AKIDA\naws_secret_access_key = sa\n[b]\naws_access_key_id = AKIDB\naws_secret_access_key = sb\n` }, env: { AWS_PROFILE: 'a', AWS_DEFAULT_PROFILE: 'b' }, expect: 'shared-credentials-file' },
  { name: 'credentials file before config file', files: { '.aws/credentials': `[default]\naws_access_key_id = AKIDC\naws_secret_access_key = sc\n`, '.aws/config': `[default]\naws_access_key_id = AKIDF\naws_secret_access_key = sf\n` }, expect: 'shared-credentials-file' },
  { name: 'AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE', files: { 'c/creds': `[default]\naws_access_key_id = AKIDE\naws_secret_access_key = se\n`, '.aws/credentials': `[default]\naws_access_key_id = NO\naws_secret_access_key = no\n` }, env: { AWS_SHARED_CREDENTIALS_FILE: '~/c/creds', AWS_CONFIG_FILE: '~/c/none' }, expect: 'shared-credentials-file' },
  { name: 'INI rules: [DEFAULT], "key: value", comments, case of keys, continuation', files: { '.aws/credentials': `# c\n[DEFAULT]\naws_session_token = fromdefault\n[default]\nAWS_ACCESS_KEY_ID: ${AKID}\n; c\naws_secret_access_key = ${SECRET}\n` }, expect: 'shared-credentials-file' },
  { name: 'missing secret in the file is an error', files: { '.aws/credentials': `[default]\naws_access_key_id = ${AKID}\n` }, expect: 'error' },
  { name: 'a named profile that does not exist is an error', files: { '.aws/credentials': `[default]\naws_access_key_id = ${AKID}\naws_secret_access_key = s\n` }, env: { AWS_PROFILE: 'nope' }, expect: 'error' },
  { name: 'nothing at all', expect: 'none' },
  { name: 'credential_process with expiration', files: { 'bin/p.js': processScript(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDP', SecretAccessKey: 'sp', SessionToken: 'tp', Expiration: '2099-05-01T10:00:00Z' })), '.aws/config': '[default]\ncredential_process = node "HOME/bin/p.js" --flag \'a b\'\n' }, expect: 'custom-process' },
  { name: 'credential_process without expiration or token', files: { 'bin/p.js': processScript(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDP', SecretAccessKey: 'sp' })), '.aws/config': '[default]\ncredential_process = node HOME/bin/p.js\n' }, expect: 'custom-process' },
  { name: 'credential_process Version 2 is an error', files: { 'bin/p.js': processScript(JSON.stringify({ Version: 2, AccessKeyId: 'AKIDP', SecretAccessKey: 'sp' })), '.aws/config': '[default]\ncredential_process = node HOME/bin/p.js\n' }, expect: 'error' },
  { name: 'credential_process without AccessKeyId is an error', files: { 'bin/p.js': processScript(JSON.stringify({ Version: 1, SecretAccessKey: 'sp' })), '.aws/config': '[default]\ncredential_process = node HOME/bin/p.js\n' }, expect: 'error' },
  { name: 'credential_process failing is an error', files: { 'bin/p.js': '#!/usr/bin/env node\nprocess.stderr.write("secret-in-stderr");process.exit(3)\n', '.aws/config': '[default]\ncredential_process = node HOME/bin/p.js\n' }, expect: 'error' },
  { name: 'shared credentials file before credential_process', files: { 'bin/p.js': processScript('{}'), '.aws/config': '[default]\ncredential_process = node HOME/bin/p.js\n', '.aws/credentials': `[default]\naws_access_key_id = ${AKID}\naws_secret_access_key = ${SECRET}\n` }, expect: 'shared-credentials-file' },
  { name: 'credential_process before config file keys', files: { 'bin/p.js': processScript(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDP', SecretAccessKey: 'sp' })), '.aws/config': `[default]\ncredential_process = node HOME/bin/p.js\naws_access_key_id = ${AKID}\naws_secret_access_key = ${SECRET}\n` }, expect: 'custom-process' },
]

describe('environment, shared files and credential_process, against botocore', () => {
  test.each(CASES)('$name', async (c) => {
    const env = baseEnv(tempHome(c.files), c.env)
    const [mine, theirs] = await Promise.all([ours(env, c.profile), botocore(env, c.profile)])
    const kind = (o: typeof mine) => ('error' in o ? 'error' : 'none' in o ? 'none' : o.method)
    if (c.expect === 'none') expect(mine).toMatchObject({ error: 'PresignError' })
    else expect(kind(mine)).toBe(c.expect)
    if (!theirs) return
    if (c.expect === 'none') expect(theirs).toEqual({ none: true })
    else expect(kind(theirs)).toBe(c.expect)
    if (!('error' in mine) && !('none' in mine)) expect(mine).toEqual(theirs)
    if ('error' in mine) {
      expect(mine.message).not.toContain(SECRET)
      expect(mine.message).not.toContain('secret-in-stderr')
    }
  })
})
