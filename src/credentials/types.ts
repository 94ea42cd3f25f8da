import type { Credentials } from '../core/credentials.js'
import type { SharedConfig } from './ini.js'

/** What a `credential_process` run gave back. */
export interface SpawnResult {
  /** Exit code; `null` when the process was killed (e.g. by the timeout). */
  readonly code: number | null
  /** Standard output (at most `maxBytes` of it). */
  readonly stdout: string
  /** True when the output exceeded `maxBytes` (the process is then killed). */
  readonly truncated?: boolean | undefined
  /** True when the process was killed because it ran past the timeout. */
  readonly timedOut?: boolean | undefined
}

/** Run `file` with `args`, without a shell; standard error is discarded, never shown. */
export type SpawnFunction = (file: string, args: readonly string[], options: { readonly timeoutMs: number; readonly maxBytes: number; readonly env: Readonly<Record<string, string | undefined>> }) => Promise<SpawnResult>

/** Timeouts of each kind of call, in milliseconds. */
export interface CredentialTimeouts {
  /** Each EC2 instance metadata request. Default 1000 (botocore's `metadata_service_timeout`). */
  readonly imds?: number | undefined
  /** Each container credentials request. Default 2000 (botocore's `ContainerMetadataFetcher`). */
  readonly container?: number | undefined
  /** Each STS request. Default 10000. */
  readonly sts?: number | undefined
  /** Each IAM Identity Center (SSO) request. Default 10000. */
  readonly sso?: number | undefined
  /** A `credential_process` run. Default 60000. */
  readonly process?: number | undefined
}

/** Options of {@link resolveCredentials} and {@link createCredentialsProvider}; every one is optional. */
export interface CredentialsOptions {
  /**
   * The profile. Naming it here is like `aws --profile NAME`: the `AWS_ACCESS_KEY_ID`… and web identity variables are
   * then ignored. Default: `AWS_DEFAULT_PROFILE`, then `AWS_PROFILE` (botocore's order), then `default`.
   */
  readonly profile?: string | undefined
  /**
   * Region of the STS calls. Default: `AWS_DEFAULT_REGION`, then the profile's `region` (botocore does not read
   * `AWS_REGION`). It must be a region name (lower-case letters, digits and `-`), or STS calls are a typed error.
   */
  readonly region?: string | undefined
  /** Environment variables. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** Home folder (`~`). Default: `HOME` (or `USERPROFILE`), then `os.homedir()`. */
  readonly homeDir?: string | undefined
  /** Every HTTP request goes through it. Default `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Read a UTF-8 file; a rejection with `code` `ENOENT` means absent. Default: `node:fs`, at most 16 MiB (`EFBIG` beyond). */
  readonly readFile?: ((path: string) => Promise<string>) | undefined
  /**
   * Replace a file's content (the refreshed IAM Identity Center token in `~/.aws/sso/cache`). Default: as botocore, a
   * temporary file in the same folder (mode 0600), synced, then renamed over the file.
   */
  readonly writeFile?: ((path: string, text: string) => Promise<void>) | undefined
  /** Run a `credential_process`. Default: `child_process.spawn` without a shell. */
  readonly spawn?: SpawnFunction | undefined
  /** The clock, in epoch ms (for expiry checks and refresh). Default `Date.now`. */
  readonly now?: (() => number) | undefined
  /** Timeouts per kind of call. */
  readonly timeouts?: CredentialTimeouts | undefined
}

/** Where credentials came from: botocore's provider `METHOD` names. */
export type CredentialSource =
  | 'env'
  | 'assume-role'
  | 'assume-role-with-web-identity'
  | 'sso'
  | 'shared-credentials-file'
  | 'custom-process'
  | 'config-file'
  | 'container-role'
  | 'iam-role'

/** Credentials with the source that gave them. */
export interface ResolvedCredentials {
  /** The credentials (`expiration` set for temporary ones). */
  readonly credentials: Credentials
  /** Which provider of the chain gave them. */
  readonly source: CredentialSource
}

/** @internal Everything a provider needs, with the defaults applied. */
export interface Context {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homeDir: string
  readonly fetch: typeof globalThis.fetch
  readonly readFile: (path: string) => Promise<string>
  readonly writeFile: (path: string, text: string) => Promise<void>
  readonly spawn: SpawnFunction
  readonly now: () => number
  readonly timeouts: Required<{ [K in keyof CredentialTimeouts]: number }>
  /** The profile of the session. */
  readonly profile: string
  /** The profile was given in the options (`--profile`): environment credentials are skipped. */
  readonly explicitProfile: boolean
  /** Region of STS calls, if any. */
  readonly region: string | undefined
  readonly config: SharedConfig
  /**
   * The config file as `AWS_CONFIG_FILE` (or the default, `~/.aws/config`) names it, unexpanded: for messages, which
   * must never show the expanded path (a `$VAR` in it could be a secret).
   */
  readonly configPath: string
  /** The credentials file as `AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`) names it, unexpanded, as `configPath`. */
  readonly credentialsPath: string
}
