import type { Credentials } from '../core/credentials.js'
import { credentialsError, httpRequest, parseDate, parseJson, readSettingFile, requiredString, statusError, vetCredentials } from './io.js'
import { sessionSetting } from './endpoints.js'
import type { Context } from './types.js'

/** botocore's `ContainerMetadataFetcher._ALLOWED_HOSTS`, besides loopback addresses: ECS and EKS Pod Identity. */
const CONTAINER_HOSTS: ReadonlySet<string> = /* @__PURE__ */ new Set(['169.254.170.2', '169.254.170.23', 'fd00:ec2::23', 'localhost'])

/** Loopback addresses as Python's `ip_address(host).is_loopback`: 127.0.0.0/8 and ::1. */
function isLoopback(host: string): boolean {
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return host.split('.').every((p) => Number(p) <= 255)
  return host === '::1' || /^(?:0{1,4}:){7}0{0,3}1$/.test(host) || host === '0:0:0:0:0:0:0:1'
}

/**
 * @internal The container credentials URL: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on `http://169.254.170.2`, or
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which must be https:, or http: to a loopback address or one of ECS's and
 * EKS Pod Identity's hosts (botocore's rule).
 */
export function containerUrl(ctx: Context): string | undefined {
  const relative = ctx.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']
  if (relative !== undefined) return relativeContainerUrl(relative)
  const full = ctx.env['AWS_CONTAINER_CREDENTIALS_FULL_URI']
  if (full === undefined) return undefined
  const field = 'env.AWS_CONTAINER_CREDENTIALS_FULL_URI'
  let url: URL
  try {
    url = new URL(full)
  } catch {
    return credentialsError(field, 'is not a URL')
  }
  if (url.protocol === 'https:') return full
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  if (url.protocol !== 'http:' || !(isLoopback(host) || CONTAINER_HOSTS.has(host))) {
    credentialsError(field, `must be https:, or http: to a loopback address or one of ${[...CONTAINER_HOSTS].join(', ')}`)
  }
  return full
}

/**
 * `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on `http://169.254.170.2`: a path (`/…`), and the URL made of it must still
 * be that host on port 80 without userinfo (`.evil.example/c`, `@evil.example/c` or `:80@evil.example/c` would send the
 * authorization token elsewhere; botocore refuses them as an unsupported host).
 */
function relativeContainerUrl(relative: string): string {
  const field = 'env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'
  const rule = 'must be a path starting with "/", fetched from http://169.254.170.2 (no host, port or user of its own)'
  if (!relative.startsWith('/')) credentialsError(field, rule)
  let url: URL
  try {
    url = new URL(`http://169.254.170.2${relative}`)
  } catch {
    return credentialsError(field, rule)
  }
  if (url.hostname !== '169.254.170.2' || url.port !== '' || url.username !== '' || url.password !== '') credentialsError(field, rule)
  return url.href
}

/** The `Authorization` value: `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`'s content, else `AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
async function containerToken(ctx: Context): Promise<string | undefined> {
  const file = ctx.env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE']
  const field = file !== undefined ? 'env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE' : 'env.AWS_CONTAINER_AUTHORIZATION_TOKEN'
  const token = file !== undefined ? await readSettingFile(ctx, file, field) : ctx.env['AWS_CONTAINER_AUTHORIZATION_TOKEN']
  if (token !== undefined && /[\r\n]/.test(token)) credentialsError(field, 'holds a line break, which no header value may hold')
  return token
}

/** @internal ECS / EKS Pod Identity credentials: `GET` the container URL; `{AccessKeyId, SecretAccessKey, Token, Expiration}`. */
export async function fromContainer(ctx: Context): Promise<Credentials | undefined> {
  const url = containerUrl(ctx)
  if (url === undefined) return undefined
  const field = 'container credentials'
  const token = await containerToken(ctx)
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token !== undefined) headers['authorization'] = token
  const answer = await httpRequest(ctx, field, url, { method: 'GET', headers }, ctx.timeouts.container)
  if (answer.status !== 200) statusError(field, answer.status)
  return metadataCredentials(ctx, parseJson(answer.text, field), field)
}

/** The credentials of a container or IMDS JSON answer (`Token` and `Expiration` required, as botocore requires them), vetted. */
function metadataCredentials(ctx: Context, json: Record<string, unknown>, field: string): Credentials {
  return vetCredentials(ctx, {
    accessKeyId: requiredString(json, 'AccessKeyId', field),
    secretAccessKey: requiredString(json, 'SecretAccessKey', field),
    sessionToken: requiredString(json, 'Token', field),
    expiration: parseDate(json['Expiration'], field + '.Expiration'),
  }, field)
}

/** @internal The IMDS base URL: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, `ec2_metadata_service_endpoint`, the IPv6 mode, or 169.254.169.254. */
export function imdsBase(ctx: Context): string {
  const custom = ctx.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] ?? sessionSetting(ctx, 'ec2_metadata_service_endpoint')
  const mode = ctx.env['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'] ?? sessionSetting(ctx, 'ec2_metadata_service_endpoint_mode')
  const base = custom || (mode?.toLowerCase() === 'ipv6' ? 'http://[fd00:ec2::254]' : 'http://169.254.169.254')
  if (!/^https?:\/\/[^/?#@]+(?:\/[^?#]*)?$/.test(base)) credentialsError('env.AWS_EC2_METADATA_SERVICE_ENDPOINT', 'is not an http: URL')
  return base.endsWith('/') ? base : base + '/'
}

/** @internal IMDS is off: `AWS_EC2_METADATA_DISABLED=true`. */
export const imdsDisabled = (ctx: Context): boolean => ctx.env['AWS_EC2_METADATA_DISABLED']?.toLowerCase() === 'true'

/**
 * @internal EC2 instance metadata with IMDSv2: `PUT latest/api/token` (TTL 21600 s), then the role name, then its
 * credentials, each with the token. As botocore: a 403/404/405 token answer falls back to IMDSv1 (no token).
 */
export async function fromInstanceMetadata(ctx: Context): Promise<Credentials> {
  const field = 'EC2 instance metadata'
  if (imdsDisabled(ctx)) credentialsError(field, 'is disabled by AWS_EC2_METADATA_DISABLED')
  const base = imdsBase(ctx)
  const ms = ctx.timeouts.imds
  const put = await httpRequest(ctx, field, base + 'latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' } }, ms)
  if (put.status !== 200 && put.status !== 403 && put.status !== 404 && put.status !== 405) statusError(field + ' token', put.status)
  const headers: Record<string, string> = put.status === 200 ? { 'x-aws-ec2-metadata-token': put.text } : {}
  if (put.status === 200 && (put.text === '' || /[\r\n]/.test(put.text))) credentialsError(field, 'answered an invalid token')
  const path = base + 'latest/meta-data/iam/security-credentials/'
  const roles = await httpRequest(ctx, field, path, { method: 'GET', headers }, ms)
  if (roles.status !== 200) statusError(field + ' role name', roles.status)
  const role = roles.text.split('\n')[0]!.trim()
  if (role === '' || !/^[\w+=,.@-]{1,128}$/.test(role)) credentialsError(field, 'answered no valid role name (no instance profile?)')
  const creds = await httpRequest(ctx, field, path + role, { method: 'GET', headers }, ms)
  if (creds.status !== 200) statusError(field + ' credentials', creds.status)
  const json = parseJson(creds.text, field)
  if (json['Code'] !== undefined && json['Code'] !== 'Success') credentialsError(field, `answered Code ${JSON.stringify(String(json['Code']).slice(0, 64))}`)
  return metadataCredentials(ctx, json, field)
}
