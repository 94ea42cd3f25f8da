import type { Credentials } from '../core/credentials.js'
import type { IniSection } from './ini.js'
import { credentialsError, readSettingFile } from './io.js'
import { fromInstanceMetadata, fromContainer } from './metadata.js'
import { fromProcess } from './process.js'
import { fromSso, ssoConfig } from './sso.js'
import { fromEnvironment, fromSection, profileField } from './static.js'
import { assumeRole, assumeRoleWithWebIdentity, defaultSessionName } from './sts.js'
import type { Context, ResolvedCredentials } from './types.js'

const hasStatic = (p: IniSection): boolean => p.has('aws_access_key_id') || p.has('aws_secret_access_key')

/** @internal botocore's `_has_assume_role_config_vars`: `role_arn` without `web_identity_token_file`. */
export const usesAssumeRole = (p: IniSection | undefined): boolean => !!p?.has('role_arn') && !p.has('web_identity_token_file')

/** A web identity setting: the environment variable (unless disabled), else the profile's key. */
function webIdentitySetting(ctx: Context, name: string, key: string, envName: string, disableEnv: boolean): [string | undefined, string] {
  const fromEnv = disableEnv ? undefined : ctx.env[envName]
  return fromEnv !== undefined ? [fromEnv, 'env.' + envName] : [ctx.config.profiles.get(name)?.get(key), `${profileField(name)}.${key}`]
}

/**
 * @internal botocore's `AssumeRoleWithWebIdentityProvider`: `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`,
 * `AWS_ROLE_SESSION_NAME` (each one, unless `disableEnv`, before the profile's `web_identity_token_file`, `role_arn`,
 * `role_session_name`). The token file is read as it is, at each call.
 */
async function fromWebIdentity(ctx: Context, name: string, disableEnv: boolean): Promise<Credentials | undefined> {
  const [tokenFile, tokenField] = webIdentitySetting(ctx, name, 'web_identity_token_file', 'AWS_WEB_IDENTITY_TOKEN_FILE', disableEnv)
  if (!tokenFile) return undefined
  const [roleArn, roleField] = webIdentitySetting(ctx, name, 'role_arn', 'AWS_ROLE_ARN', disableEnv)
  if (!roleArn) credentialsError(roleField, 'is required with a web identity token file (AWS_ROLE_ARN or the profile\'s role_arn)')
  const [sessionName] = webIdentitySetting(ctx, name, 'role_session_name', 'AWS_ROLE_SESSION_NAME', disableEnv)
  const webIdentityToken = await readSettingFile(ctx, tokenFile, tokenField)
  if (webIdentityToken === '') credentialsError(tokenField, 'names an empty file')
  const params = { roleArn, roleSessionName: sessionName ?? defaultSessionName(ctx), webIdentityToken }
  return assumeRoleWithWebIdentity(ctx, params, tokenField)
}

/**
 * @internal botocore's `ProfileProviderBuilder.providers`, in its order: web identity, SSO, the credentials file,
 * `credential_process`, the config file (botocore's `LoginProvider`, for `aws login`, is not supported).
 */
export async function fromProfileProviders(ctx: Context, name: string, disableEnv: boolean): Promise<ResolvedCredentials | undefined> {
  const web = await fromWebIdentity(ctx, name, disableEnv)
  if (web) return { credentials: web, source: 'assume-role-with-web-identity' }
  const profile = ctx.config.profiles.get(name)
  const field = profileField(name)
  const sso = profile && ssoConfig(ctx, name, profile)
  if (sso) return { credentials: await fromSso(ctx, sso, name), source: 'sso' }
  const shared = fromSection(ctx.config.credentialsFile.get(name), `${field} (${ctx.credentialsPath})`)
  if (shared) return { credentials: shared, source: 'shared-credentials-file' }
  const command = profile?.get('credential_process')
  if (command !== undefined) return { credentials: await fromProcess(ctx, command, field + '.credential_process'), source: 'custom-process' }
  const config = fromSection(ctx.config.configFile.get(name), `${field} (${ctx.configPath})`)
  return config && { credentials: config, source: 'config-file' }
}

/** A `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer` (botocore's canonical names). */
async function fromCredentialSource(ctx: Context, source: string, field: string): Promise<Credentials> {
  const found = source === 'Environment' ? fromEnvironment(ctx) : source === 'EcsContainer' ? await fromContainer(ctx) : await fromInstanceMetadata(ctx)
  if (!found) credentialsError(field, `${source} has no credentials`)
  return found
}

/** The credentials that sign a role profile's `AssumeRole`: its `credential_source` or its `source_profile`. */
async function sourceCredentials(ctx: Context, name: string, profile: IniSection, visited: string[]): Promise<Credentials> {
  const field = profileField(name)
  const source = profile.get('credential_source')
  const sourceProfile = profile.get('source_profile')
  if (source !== undefined && sourceProfile !== undefined) credentialsError(field, 'sets both source_profile and credential_source')
  if (source === undefined && sourceProfile === undefined) credentialsError(field, 'sets role_arn but neither source_profile nor credential_source')
  if (source !== undefined) {
    if (!['Environment', 'Ec2InstanceMetadata', 'EcsContainer'].includes(source)) {
      credentialsError(field + '.credential_source', 'must be Environment, Ec2InstanceMetadata or EcsContainer')
    }
    return fromCredentialSource(ctx, source, field + '.credential_source')
  }
  const next = ctx.config.profiles.get(sourceProfile!)
  if (!next) credentialsError(field + '.source_profile', `names the profile ${JSON.stringify(sourceProfile)}, which does not exist`)
  // botocore's cycle rule: a profile seen before is an infinite loop, unless it is this one and has static keys.
  if (visited.includes(sourceProfile!) && (sourceProfile !== name || !hasStatic(next))) {
    credentialsError(field + '.source_profile', `makes a cycle: ${[...visited, sourceProfile].map((p) => JSON.stringify(p)).join(' -> ')}`)
  }
  visited.push(sourceProfile!)
  if (hasStatic(next) || !usesAssumeRole(next)) {
    const found = await fromProfileProviders(ctx, sourceProfile!, true)
    if (!found) credentialsError(field + '.source_profile', `the profile ${JSON.stringify(sourceProfile)} has no credentials`)
    return found.credentials
  }
  return fromAssumeRole(ctx, sourceProfile!, visited)
}

/**
 * @internal botocore's `AssumeRoleProvider`: a profile with `role_arn` (and no `web_identity_token_file`) calls STS
 * `AssumeRole` with `role_session_name`, `external_id`, `duration_seconds`. `mfa_serial` is refused: there is no prompt.
 */
export async function fromAssumeRole(ctx: Context, name: string, visited: string[] = [name]): Promise<Credentials> {
  const profile = ctx.config.profiles.get(name)!
  const field = profileField(name)
  if (profile.has('mfa_serial')) {
    credentialsError(field + '.mfa_serial', 'asks for an MFA code, which sigv4-presign cannot prompt for; run `aws sts assume-role` (or `aws configure export-credentials`) and export the result')
  }
  const duration = profile.get('duration_seconds')
  if (duration !== undefined && !/^\s*\d{1,6}\s*$/.test(duration)) credentialsError(field + '.duration_seconds', 'must be a whole number of seconds')
  const source = await sourceCredentials(ctx, name, profile, visited)
  const params = {
    roleArn: profile.get('role_arn')!,
    roleSessionName: profile.get('role_session_name') ?? defaultSessionName(ctx),
    externalId: profile.get('external_id'),
    durationSeconds: duration === undefined ? undefined : Number(duration.trim()),
  }
  return assumeRole(ctx, source, params, field)
}
