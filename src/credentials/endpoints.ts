import { partitionOf } from '../s3/partitions.js'
import { credentialsError } from './io.js'
import type { Context } from './types.js'

/** botocore's `LEGACY_GLOBAL_STS_REGIONS`: with `sts_regional_endpoints = legacy` these use `sts.amazonaws.com`. */
const LEGACY_GLOBAL_STS_REGIONS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'ap-northeast-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'aws-global', 'ca-central-1', 'eu-central-1', 'eu-north-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
])

/** @internal A setting of the session's profile (botocore's scoped config). */
export const sessionSetting = (ctx: Context, key: string): string | undefined => ctx.config.profiles.get(ctx.profile)?.get(key)

const isTrue = (v: string | undefined): boolean => v?.toLowerCase() === 'true'

/**
 * @internal An endpoint URL configured as botocore's `ConfiguredEndpointProvider` finds it (`serviceId` in its
 * snake_case form: `sts`, `sso`, `s3`, `sso_oidc`): `AWS_ENDPOINT_URL_<ID>`,
 * `AWS_ENDPOINT_URL`, the profile's `[services NAME]` section (`<id> =` then `endpoint_url = …`), the profile's
 * `endpoint_url`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or `ignore_configured_endpoint_urls` is true.
 */
export function configuredEndpoint(ctx: Context, serviceId: string): string | undefined {
  const { env } = ctx
  const ignore = env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? sessionSetting(ctx, 'ignore_configured_endpoint_urls')
  if (isTrue(ignore)) return undefined
  const servicesName = sessionSetting(ctx, 'services')
  let fromServices: string | undefined
  if (servicesName !== undefined) {
    const section = ctx.config.services.get(servicesName)
    if (!section) credentialsError(`profile ${JSON.stringify(ctx.profile)}.services`, `names the services section ${JSON.stringify(servicesName)}, which does not exist`)
    fromServices = section.get(`${serviceId}.endpoint_url`)
  }
  return env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase()}`] || env['AWS_ENDPOINT_URL'] || fromServices || sessionSetting(ctx, 'endpoint_url') || undefined
}

/**
 * @internal A region name fit for a host name (the library's region rule, as its recipes check `options.region`: one
 * DNS label of lower-case letters, digits and `-`, at most 63), or a typed error naming `field`.
 */
export function checkRegion(region: string, field: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(region)) credentialsError(field, 'is not a region name such as us-east-1 (lower-case letters, digits and "-", at most 63)')
  return region
}

/**
 * The setting the session's region came from, for errors: the first of `AWS_DEFAULT_REGION`, `AWS_REGION` (the
 * command line's) and the profile's `region` that holds it, else `options.region` (or `--region`).
 */
function regionField(ctx: Context): string {
  const region = ctx.region
  if (ctx.env['AWS_DEFAULT_REGION'] === region) return 'env.AWS_DEFAULT_REGION'
  if (ctx.env['AWS_REGION'] === region) return 'env.AWS_REGION'
  if (sessionSetting(ctx, 'region') === region) return `profile ${JSON.stringify(ctx.profile)}.region`
  return 'options.region'
}

/** @internal The STS endpoint (origin and path) and the region to sign for. */
export interface StsEndpoint {
  readonly url: string
  readonly signingRegion: string
}

/**
 * @internal The STS endpoint as botocore picks it: a configured endpoint URL first; then `sts_regional_endpoints`
 * (`AWS_STS_REGIONAL_ENDPOINTS` or the profile; default `regional` in botocore ≥ 1.35): without a region, or with
 * `legacy` and one of the legacy global regions, `https://sts.amazonaws.com` signed for us-east-1; otherwise
 * `https://sts.REGION.DNS-SUFFIX`. The region must be a region name ({@link checkRegion}), whichever endpoint is used.
 */
export function stsEndpoint(ctx: Context): StsEndpoint {
  // Checked before any URL is built: `x@evil.example/` or `evil.example?` would send the call (and a web identity
  // token) to another host. botocore raises InvalidRegionError.
  const region = ctx.region === undefined ? undefined : checkRegion(ctx.region, regionField(ctx))
  const configured = configuredEndpoint(ctx, 'sts')
  const signingRegion = region === undefined || region === 'aws-global' ? 'us-east-1' : region
  if (configured) return { url: endpointBase(configured, 'AWS_ENDPOINT_URL_STS'), signingRegion }
  const mode = ctx.env['AWS_STS_REGIONAL_ENDPOINTS'] ?? sessionSetting(ctx, 'sts_regional_endpoints') ?? 'regional'
  if (mode !== 'regional' && mode !== 'legacy') credentialsError('sts_regional_endpoints', 'must be "regional" or "legacy"')
  if (region === undefined || region === 'aws-global' || (mode === 'legacy' && LEGACY_GLOBAL_STS_REGIONS.has(region))) {
    return { url: 'https://sts.amazonaws.com/', signingRegion: 'us-east-1' }
  }
  return { url: `https://sts.${region}.${partitionOf(region).suffix}/`, signingRegion }
}

/** @internal An endpoint URL's origin and path (a `/` added when it has none); a typed error when it is no http(s) URL. */
export function endpointBase(endpoint: string, field: string): string {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return credentialsError(field, 'is not a URL')
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    credentialsError(field, 'must be an http: or https: URL without credentials, query or fragment')
  }
  return url.origin + (url.pathname.endsWith('/') ? url.pathname : url.pathname + '/')
}
