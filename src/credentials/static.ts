import type { Credentials } from '../core/credentials.js'
import type { IniSection } from './ini.js'
import { checkKeys, credentialsError, parseDate, vetCredentials } from './io.js'
import type { Context } from './types.js'

/**
 * @internal botocore's `EnvProvider`: `AWS_ACCESS_KEY_ID` (non-empty) with `AWS_SECRET_ACCESS_KEY`, the session token
 * from `AWS_SECURITY_TOKEN` then `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`. A key id without a secret is an error,
 * and so are keys presign would refuse and an expiration already past ({@link vetCredentials}).
 */
export function fromEnvironment(ctx: Context): Credentials | undefined {
  const { env } = ctx
  const accessKeyId = env['AWS_ACCESS_KEY_ID']
  if (!accessKeyId) return undefined
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY']
  if (!secretAccessKey) credentialsError('env.AWS_SECRET_ACCESS_KEY', 'is missing or empty, but AWS_ACCESS_KEY_ID is set')
  const sessionToken = env['AWS_SECURITY_TOKEN'] || env['AWS_SESSION_TOKEN'] || undefined
  const exp = env['AWS_CREDENTIAL_EXPIRATION']
  const expiration = exp ? parseDate(exp, 'env.AWS_CREDENTIAL_EXPIRATION') : undefined
  return vetCredentials(ctx, { accessKeyId, secretAccessKey, sessionToken, expiration }, 'env', ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CREDENTIAL_EXPIRATION'])
}

/**
 * @internal Static keys of a profile section (botocore's `SharedCredentialProvider` / `ConfigProvider`): present when
 * `aws_access_key_id` is; then `aws_secret_access_key` is required; the token from `aws_security_token` then
 * `aws_session_token`.
 */
export function fromSection(section: IniSection | undefined, field: string): Credentials | undefined {
  if (!section?.has('aws_access_key_id')) return undefined
  const accessKeyId = section.get('aws_access_key_id')!
  const secretAccessKey = section.get('aws_secret_access_key')
  if (!accessKeyId) credentialsError(field + '.aws_access_key_id', 'is empty')
  if (!secretAccessKey) credentialsError(field + '.aws_secret_access_key', 'is missing or empty, but aws_access_key_id is set')
  checkKeys(accessKeyId, secretAccessKey, field + '.aws_access_key_id', field + '.aws_secret_access_key')
  const sessionToken = section.get('aws_security_token') ?? section.get('aws_session_token')
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined }
}

/** @internal How error fields name a profile: `profile "NAME"`. */
export const profileField = (name: string): string => `profile ${JSON.stringify(name)}`
