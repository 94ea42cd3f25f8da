import type { Credentials } from '../core/credentials.js'
import { partitionOf } from '../s3/partitions.js'
import { checkRegion, configuredEndpoint, endpointBase } from './endpoints.js'
import type { IniSection } from './ini.js'
import { YEAR_10000_MS } from '../core/time.js'
import { credentialsError, httpRequest, parseJson, requiredString, statusError, vetCredentials } from './io.js'
import { loginHint, ssoAccessToken } from './sso-token.js'
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

/**
 * @internal IAM Identity Center: `GET /federation/credentials?role_name=…&account_id=…` on
 * `https://portal.sso.REGION.amazonaws.com` (or `AWS_ENDPOINT_URL_SSO`…) with `x-amz-sso_bearer_token`, the token
 * from the cache (refreshed first for an `[sso-session]`: see {@link ssoAccessToken}).
 */
export async function fromSso(ctx: Context, sso: SsoConfig, profile: string): Promise<Credentials> {
  const token = await ssoAccessToken(ctx, sso, profile)
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
  const credentials = {
    accessKeyId: requiredString(r, 'accessKeyId', field),
    secretAccessKey: requiredString(r, 'secretAccessKey', field),
    sessionToken: requiredString(r, 'sessionToken', field),
    expiration: ssoExpiration(r['expiration'], field + '.roleCredentials.expiration'),
  }
  return vetCredentials(ctx, credentials, field, ['roleCredentials.accessKeyId', 'roleCredentials.secretAccessKey', 'roleCredentials.expiration'])
}

/**
 * @internal `roleCredentials.expiration`: an integer of epoch milliseconds after 1970 and before the year 10000 (a
 * float, 1e300 or a negative number would make an Invalid Date or 1969, and a cache that refreshes at every call).
 */
export function ssoExpiration(exp: unknown, field: string): Date {
  if (typeof exp !== 'number' || !Number.isInteger(exp) || exp <= 0 || exp >= YEAR_10000_MS) {
    credentialsError(field, 'must be a whole number of epoch milliseconds between 1970 and the year 10000')
  }
  return new Date(exp)
}
