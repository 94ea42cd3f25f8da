import { parseIni, sharedConfig } from './ini.js'
import type { Ini } from './ini.js'
import { credentialsError, defaultHome, defaultReadFile, defaultSpawn, expandPath, isMissing, readFailure } from './io.js'
import { fromContainer, fromInstanceMetadata, imdsDisabled } from './metadata.js'
import { fromAssumeRole, fromProfileProviders, usesAssumeRole } from './profile.js'
import { shellSplit } from './shlex.js'
import { atomicWriteFile } from './sso-token.js'
import { fromEnvironment, profileField } from './static.js'
import type { Context, CredentialsOptions, ResolvedCredentials } from './types.js'

/**
 * Read and parse one shared file (`given`, as the variable or the default names it; read at `expandPath(given)`);
 * absent is `undefined`, any other failure a typed error naming the variable and the path as given: never the
 * expanded path, in which a `$VAR` could have put a secret (`AWS_CONFIG_FILE=/x/$AWS_SECRET_ACCESS_KEY`).
 */
async function readIniFile(ctx: Pick<Context, 'env' | 'homeDir' | 'readFile'>, given: string, field: string): Promise<Ini | undefined> {
  let text: string
  try {
    text = await ctx.readFile(expandPath(ctx, given))
  } catch (e) {
    if (isMissing(e)) return undefined
    return credentialsError(field, `cannot read ${JSON.stringify(given)} (${readFailure(e)})`)
  }
  return parseIni(text)
}

/** @internal The options with their defaults, the shared files read once. */
export async function createContext(options: CredentialsOptions = {}): Promise<Context> {
  const env = options.env ?? process.env
  const homeDir = options.homeDir ?? defaultHome(env)
  const readFile = options.readFile ?? defaultReadFile
  const files = { env, homeDir, readFile }
  // As given, unexpanded: these name the files in messages; only readIniFile expands them.
  const configPath = env['AWS_CONFIG_FILE'] ?? '~/.aws/config'
  const credentialsPath = env['AWS_SHARED_CREDENTIALS_FILE'] ?? '~/.aws/credentials'
  const [configIni, credentialsIni] = await Promise.all([
    readIniFile(files, configPath, 'env.AWS_CONFIG_FILE'),
    readIniFile(files, credentialsPath, 'env.AWS_SHARED_CREDENTIALS_FILE'),
  ])
  const config = sharedConfig(configIni, credentialsIni, shellSplit)
  const named = options.profile ?? (env['AWS_DEFAULT_PROFILE'] || undefined) ?? (env['AWS_PROFILE'] || undefined)
  const profile = named ?? 'default'
  if (named !== undefined && !config.profiles.has(named)) {
    credentialsError(
      profileField(named),
      `not found in ${JSON.stringify(configPath)} or ${JSON.stringify(credentialsPath)}; check the name (--profile, AWS_PROFILE) or create it with \`aws configure --profile ${JSON.stringify(named)}\``,
    )
  }
  const t = options.timeouts ?? {}
  return {
    env, homeDir, readFile, configPath, credentialsPath, config, profile,
    fetch: options.fetch ?? globalThis.fetch,
    writeFile: options.writeFile ?? atomicWriteFile,
    spawn: options.spawn ?? defaultSpawn,
    now: options.now ?? Date.now,
    explicitProfile: options.profile !== undefined,
    region: options.region ?? (env['AWS_DEFAULT_REGION'] || undefined) ?? (config.profiles.get(profile)?.get('region') || undefined),
    timeouts: { imds: t.imds ?? 1000, container: t.container ?? 2000, sts: t.sts ?? 10_000, sso: t.sso ?? 10_000, process: t.process ?? 60_000 },
  }
}

/**
 * @internal The default chain on a context, in botocore's order (`create_credential_resolver`): environment (unless
 * the profile was named in the options), assume role, web identity, SSO, the credentials file, `credential_process`,
 * the config file, container credentials, EC2 instance metadata. The first source that is configured answers; an
 * error in it is thrown (as botocore does), except from instance metadata, which, last, only means "none".
 */
export async function resolveWithContext(ctx: Context): Promise<ResolvedCredentials> {
  const env = ctx.explicitProfile ? undefined : fromEnvironment(ctx)
  if (env) return { credentials: env, source: 'env' }
  if (usesAssumeRole(ctx.config.profiles.get(ctx.profile))) return { credentials: await fromAssumeRole(ctx, ctx.profile), source: 'assume-role' }
  const fromProfile = await fromProfileProviders(ctx, ctx.profile, ctx.explicitProfile)
  if (fromProfile) return fromProfile
  const container = await fromContainer(ctx)
  if (container) return { credentials: container, source: 'container-role' }
  let imdsFailure = 'disabled by AWS_EC2_METADATA_DISABLED'
  if (!imdsDisabled(ctx)) {
    try {
      return { credentials: await fromInstanceMetadata(ctx), source: 'iam-role' }
    } catch (e) {
      imdsFailure = (e as Error).message
    }
  }
  return credentialsError(
    'credentials',
    `none found: no AWS_ACCESS_KEY_ID, nothing usable in ${profileField(ctx.profile)} of ${JSON.stringify(ctx.configPath)} or ${JSON.stringify(ctx.credentialsPath)}, no container credentials, and instance metadata: ${imdsFailure}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile (\`aws configure\`, \`aws configure sso\`)`,
  )
}
