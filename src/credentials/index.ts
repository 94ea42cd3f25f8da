/**
 * `sigv4-presign/credentials`: AWS credentials resolved as the AWS CLI and botocore resolve them, without an SDK, for
 * Node (it reads files, runs `credential_process` and calls STS, IAM Identity Center, ECS/EKS and EC2 metadata).
 * Every call goes through the injectable `fetch`, `readFile`, `spawn` and `env` of {@link CredentialsOptions}.
 *
 * @module
 */
import { cachingProvider } from './cache.js'
import type { CredentialsProvider } from './cache.js'
import { createContext, resolveWithContext } from './chain.js'
import type { CredentialsOptions, ResolvedCredentials } from './types.js'

export type { CredentialsProvider } from './cache.js'
export { ADVISORY_REFRESH_MS, MANDATORY_REFRESH_MS } from './cache.js'
export type { Credentials } from '../core/credentials.js'
export type { CredentialSource, CredentialsOptions, CredentialTimeouts, ResolvedCredentials, SpawnFunction, SpawnResult } from './types.js'
export { parseIni, iniSection, sharedConfig } from './ini.js'
export type { Ini, IniSection, Sections, SharedConfig } from './ini.js'
export { shellSplit } from './shlex.js'

/**
 * Resolve credentials once, through botocore's default chain: environment, assume role (`role_arn` with
 * `source_profile` or `credential_source`), web identity, IAM Identity Center (SSO), the shared credentials file,
 * `credential_process`, the config file, container credentials (ECS, EKS Pod Identity), EC2 instance metadata.
 *
 * @returns the credentials and the source that gave them.
 * @throws {PresignError} code `InvalidCredentials`, `field` naming the profile, setting or endpoint, when a source is
 *   misconfigured or fails, or none has credentials. No message contains a secret.
 */
export async function resolveCredentials(options: CredentialsOptions = {}): Promise<ResolvedCredentials> {
  return resolveWithContext(await createContext(options))
}

/**
 * A provider that resolves through the default chain on first use and caches the result: temporary credentials are
 * refreshed 15 minutes ahead of their expiry (on failure the old ones serve until 10 minutes before it), and
 * concurrent callers share one refresh. The shared files are read again at each refresh.
 *
 * ```ts
 * import { createCredentialsProvider } from 'sigv4-presign/credentials'
 * const credentials = createCredentialsProvider()
 * const url = await presign(request, { credentials: await credentials(), region: 'us-east-1', service: 's3' })
 * ```
 */
export function createCredentialsProvider(options: CredentialsOptions = {}): CredentialsProvider {
  return cachingProvider(() => resolveCredentials(options), options.now ?? Date.now)
}
