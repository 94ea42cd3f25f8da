/**
 * Where the CLI's credentials, region and endpoint come from: the shared files and environment read once, through the
 * same rules as `sigv4-presign/credentials` (botocore's), so the CLI works wherever `aws s3 presign` does.
 */
import { createContext, resolveWithContext } from '../credentials/chain.js'
import { configuredEndpoint, sessionSetting } from '../credentials/endpoints.js'
import type { Context, ResolvedCredentials } from '../credentials/types.js'
import { type Args, type Env, flag } from './args.js'

/** The session: the profile's files and environment, and the S3 settings taken from them and from the flags. */
export interface Settings {
  readonly context: Context
  /** `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`. */
  readonly region: string | undefined
  /** `--endpoint-url`, then the configured endpoint URL of S3 (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `[services]`, `endpoint_url`). */
  readonly endpoint: string | undefined
  /** `--path-style` or the profile's `s3.addressing_style` (`path` or `virtual`; `auto` or none: `undefined`). */
  readonly addressing: 'path' | 'virtual' | undefined
  /** S3 endpoint switches (flag, environment or profile, as botocore reads them); `undefined` when off. */
  readonly accelerate: true | undefined
  readonly dualStack: true | undefined
  readonly fips: true | undefined
}

/** Read the shared files once and settle the region, endpoint and S3 switches; credentials are resolved on demand. */
export async function loadSettings(args: Args, env: Env): Promise<Settings> {
  const base = await createContext({ profile: flag(args, 'profile'), env })
  const region = flag(args, 'region') ?? (env['AWS_REGION'] || undefined) ?? (env['AWS_DEFAULT_REGION'] || undefined) ?? sessionSetting(base, 'region')
  // STS calls (assume role, web identity) use the session's region, as the AWS CLI's --region does.
  const context: Context = { ...base, region: region ?? base.region }
  const endpoint = flag(args, 'endpoint-url') ?? configuredEndpoint(context, 's3')
  // A flag, else the environment variable when set, else the profile's key (botocore's chain: AWS_USE_FIPS_ENDPOINT=false
  // wins over the profile's use_fips_endpoint = true), or the nested s3 key when it is true (botocore takes
  // `s3 = / use_dualstack_endpoint = true` whatever the chain says). As in botocore, FIPS and dual-stack from the
  // environment or the profile do not apply to a configured endpoint (the flags do, and clash with it).
  const isTrue = (value: string | undefined): boolean => value?.toLowerCase() === 'true'
  const on = (name: string, envName: string | undefined, key: string | undefined, s3Key?: string): true | undefined => {
    if (args.flags.has(name)) return true
    if (name !== 'accelerate' && endpoint !== undefined) return undefined
    const chained = envName !== undefined && env[envName] ? env[envName] : key === undefined ? undefined : sessionSetting(context, key)
    return isTrue(chained) || (s3Key !== undefined && isTrue(sessionSetting(context, s3Key))) || undefined
  }
  const accelerate = on('accelerate', undefined, undefined, 's3.use_accelerate_endpoint')
  const style = sessionSetting(context, 's3.addressing_style')
  return {
    context,
    region,
    endpoint,
    // Acceleration needs virtual hosting: botocore lets it override the profile's addressing style (not --path-style).
    addressing: args.flags.has('path-style') ? 'path' : accelerate ? undefined : style === 'path' || style === 'virtual' ? style : undefined,
    accelerate,
    dualStack: on('dual-stack', 'AWS_USE_DUALSTACK_ENDPOINT', 'use_dualstack_endpoint', 's3.use_dualstack_endpoint'),
    fips: on('fips', 'AWS_USE_FIPS_ENDPOINT', 'use_fips_endpoint'),
  }
}

/** The credentials through botocore's default chain; with `--debug`, one line on where they came from (no secret). */
export async function loadCredentials(settings: Settings, debug: ((line: string) => void) | undefined): Promise<ResolvedCredentials> {
  const resolved = await resolveWithContext(settings.context)
  const { accessKeyId, expiration } = resolved.credentials
  debug?.(
    `credentials: ${resolved.source} (profile ${JSON.stringify(settings.context.profile)}), access key id ${JSON.stringify(accessKeyId)}${expiration ? `, expire at ${expiration.toISOString()}` : ', no expiry'}`,
  )
  return resolved
}

/** `--debug`: which files and settings the session uses. */
export function describeSettings(settings: Settings): string {
  const { context: c, region, endpoint } = settings
  return `profile ${JSON.stringify(c.profile)} of ${JSON.stringify(c.configPath)} and ${JSON.stringify(c.credentialsPath)}; region ${JSON.stringify(region ?? null)}; endpoint ${JSON.stringify(endpoint ?? null)}`
}
