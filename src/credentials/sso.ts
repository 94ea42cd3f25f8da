import { createHash } from 'node:crypto'
import type { Credentials } from '../core/credentials.js'
import { partitionOf } from '../s3/partitions.js'
import { checkRegion, configuredEndpoint, endpointBase } from './endpoints.js'
import type { IniSection } from './ini.js'
import { credentialsError, httpRequest, isMissing, parseDate, parseJson, readFailure, requiredString, statusError } from './io.js'
import { profileField } from './static.js'
import type { Context } from './types.js'

/** @internal A profile's IAM Identity Center settings, its `[sso-session]` merged in. */
export interface SsoConfig {
  readonly startUrl: string
  readonly region: string
  readonly roleName: string
  readonly accountId: string
  /** The `sso_session` name (the token cache is keyed by it), or undefined for the legacy form (keyed by the start URL). */
  readonly session: string | undefined
}

const REQUIRED = ['sso_role_name', 'sso_account_id', 'sso_start_url', 'sso_region'] as const

/**
 * @internal botocore's `SSOProvider._load_sso_config`: a profile with `sso_role_name` or `sso_account_id` uses SSO;
 * `sso_session` merges `[sso-session NAME]` (a value that differs from the profile's is an error); all four settings
 * are then required.
 */
export function ssoConfig(ctx: Context, name: string, profile: IniSection): SsoConfig | undefined {
  if (!profile.has('sso_role_name') && !profile.has('sso_account_id')) return undefined
  const field = profileField(name)
  const merged = new Map(profile)
  const session = profile.get('sso_session')
  if (session !== undefined) {
    const section = ctx.config.ssoSessions.get(session)
    if (!section) credentialsError(field + '.sso_session', `names the sso-session ${JSON.stringify(session)}, which does not exist`)
    for (const [k, v] of section) {
      if (merged.has(k) && merged.get(k) !== v) credentialsError(`${field}.${k}`, `differs between the profile and sso-session ${JSON.stringify(session)}`)
      merged.set(k, v)
    }
  }
  const missing = REQUIRED.filter((k) => !merged.has(k))
  if (missing.length) credentialsError(field, `is configured for SSO but lacks ${missing.join(', ')}`)
  const [roleName, accountId, startUrl, region] = REQUIRED.map((k) => merged.get(k)!)
  return { startUrl: startUrl!, region: checkRegion(region!, field + '.sso_region'), roleName: roleName!, accountId: accountId!, session }
}

/** @internal `~/.aws/sso/cache/<sha1>.json`: sha1 of the session name, or of the start URL (legacy). */
export function ssoCachePath(ctx: Context, sso: SsoConfig): string {
  const key = createHash('sha1').update(sso.session ?? sso.startUrl, 'utf8').digest('hex')
  return `${ctx.homeDir}/.aws/sso/cache/${key}.json`
}

function loginHint(sso: SsoConfig, profile: string): string {
  return sso.session !== undefined ? `run \`aws sso login --sso-session ${sso.session}\`` : `run \`aws sso login --profile ${profile}\``
}

/** The cached access token; typed errors (saying to run `aws sso login`) when absent, malformed or expired. */
async function ssoToken(ctx: Context, sso: SsoConfig, profile: string): Promise<string> {
  const field = `${profileField(profile)} (SSO token cache)`
  let text: string
  try {
    text = await ctx.readFile(ssoCachePath(ctx, sso))
  } catch (e) {
    return credentialsError(field, isMissing(e) ? `has no cached token; ${loginHint(sso, profile)}` : `cannot be read (${readFailure(e)})`)
  }
  const json = parseJson(text, field)
  const token = requiredString(json, 'accessToken', field)
  const expiresAt = parseDate(json['expiresAt'], field + '.expiresAt')
  if (expiresAt.getTime() <= ctx.now()) credentialsError(field, `the SSO token expired at ${expiresAt.toISOString()}; ${loginHint(sso, profile)}`)
  return token
}

/**
 * @internal IAM Identity Center: `GET /federation/credentials?role_name=…&account_id=…` on
 * `https://portal.sso.REGION.amazonaws.com` (or `AWS_ENDPOINT_URL_SSO`…) with `x-amz-sso_bearer_token`.
 */
export async function fromSso(ctx: Context, sso: SsoConfig, profile: string): Promise<Credentials> {
  const token = await ssoToken(ctx, sso, profile)
  const field = `${profileField(profile)} (SSO GetRoleCredentials)`
  const configured = configuredEndpoint(ctx, 'sso')
  const base = configured ? endpointBase(configured, 'AWS_ENDPOINT_URL_SSO') : `https://portal.sso.${sso.region}.${partitionOf(sso.region).suffix}/`
  const url = `${base}federation/credentials?role_name=${encodeURIComponent(sso.roleName)}&account_id=${encodeURIComponent(sso.accountId)}`
  const answer = await httpRequest(ctx, field, url, { method: 'GET', headers: { 'x-amz-sso_bearer_token': token, accept: 'application/json' } }, ctx.timeouts.sso)
  if (answer.status === 401 || answer.status === 403) credentialsError(field, `the SSO token was refused (HTTP ${answer.status}); ${loginHint(sso, profile)}`)
  if (answer.status !== 200) statusError(field, answer.status)
  const role = parseJson(answer.text, field)['roleCredentials']
  if (role === null || typeof role !== 'object' || Array.isArray(role)) return credentialsError(field, 'the answer has no roleCredentials object')
  const r = role as Record<string, unknown>
  const exp = r['expiration']
  if (typeof exp !== 'number' || !Number.isFinite(exp)) credentialsError(field, 'the answer has no numeric roleCredentials.expiration')
  return {
    accessKeyId: requiredString(r, 'accessKeyId', field),
    secretAccessKey: requiredString(r, 'secretAccessKey', field),
    sessionToken: requiredString(r, 'sessionToken', field),
    expiration: new Date(exp),
  }
}
