import { MAX_EXPIRES } from '../core/constants.js'
import { fail } from '../core/errors.js'
import { uriEncode } from '../core/uri-encode.js'
import { presignSync } from '../sign/presign-sync.js'
import { presign } from '../sign/presign.js'
import { botocoreOrder, checkExpiresIn, checkHostName, checkOptions, checkRegion, checkText, type Recipe, type ServiceTokenOptions, signing, withoutScheme } from './tokens.js'

/** Inputs of {@link rdsAuthToken}. */
export interface RdsAuthTokenOptions extends ServiceTokenOptions {
  /** The DB instance or cluster endpoint you connect to, e.g. `mydb.123456789012.us-east-1.rds.amazonaws.com` (no scheme, no port). */
  readonly hostname: string
  /** The port you connect to, e.g. `5432` or `3306`: an integer in 1..65535. */
  readonly port: number
  /** The database user (created with `rds_iam` / `AWSAuthenticationPlugin`). */
  readonly username: string
}

function rdsRecipe(input: RdsAuthTokenOptions): Recipe {
  const o = checkOptions(input)
  const hostname = checkHostName(o.hostname, 'options.hostname', 'mydb.123456789012.us-east-1.rds.amazonaws.com')
  const port = o.port
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail('InvalidOption', 'options.port', 'must be an integer in 1..65535 (e.g. 5432 or 3306)', port)
  }
  const user = uriEncode(checkText(o.username, 'options.username', 'the database user'), false, 'options.username')
  const region = checkRegion(o.region)
  const authority = hostname + ':' + port
  return {
    request: { url: `https://${authority}/?Action=connect&DBUser=${user}` },
    options: signing(o, region, 'rds-db', 900),
    finish: (url) => withoutScheme(botocoreOrder(url), authority),
  }
}

/**
 * An Amazon RDS / Aurora IAM database authentication token: use it as the
 * password of `username` (over TLS). It is valid for 15 minutes, for opening
 * connections; an open connection stays open.
 *
 * The token is a presigned `GET https://hostname:port/?Action=connect&DBUser=…`
 * (service `rds-db`, 900 s) without its `https://`, byte-identical to botocore's
 * `generate_db_auth_token` (same parameter order and encoding). Like botocore,
 * the signed host omits the port when it is 443.
 *
 * @example
 * const password = await rdsAuthToken({ hostname, port: 5432, username: 'app', region: 'us-east-1', credentials })
 * @throws {PresignError} `InvalidOption` (hostname, port, username), `InvalidRegion`, `InvalidCredentials`, `InvalidDate`, `InvalidString`
 */
export async function rdsAuthToken(options: RdsAuthTokenOptions): Promise<string> {
  const r = rdsRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link rdsAuthToken} computed synchronously (built-in SHA-256, no Web Crypto),
 * for configuration that needs the password as a plain string. Same token.
 *
 * @throws {PresignError} as {@link rdsAuthToken}
 */
export function rdsAuthTokenSync(options: RdsAuthTokenOptions): string {
  const r = rdsRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}

/** Inputs of {@link dsqlAuthToken}. */
export interface DsqlAuthTokenOptions extends ServiceTokenOptions {
  /** The cluster endpoint, e.g. `abcdefghijklmnopqrst.dsql.us-east-1.on.aws` (no scheme, no port). */
  readonly hostname: string
  /** `true` for the `admin` role (`DbConnectAdmin`); default `false` (`DbConnect`, custom database roles). */
  readonly admin?: boolean | undefined
  /** Lifetime in seconds, an integer in 1..604800. Default 900 (15 minutes). */
  readonly expiresIn?: number | undefined
}

function dsqlRecipe(input: DsqlAuthTokenOptions): Recipe {
  const o = checkOptions(input)
  const hostname = checkHostName(o.hostname, 'options.hostname', 'abcdefghijklmnopqrst.dsql.us-east-1.on.aws')
  const admin = o.admin ?? false
  if (typeof admin !== 'boolean') {
    fail('InvalidOption', 'options.admin', 'must be true (DbConnectAdmin) or false (DbConnect)', admin)
  }
  const expiresIn = checkExpiresIn(o.expiresIn, 900, MAX_EXPIRES, 'Aurora DSQL accepts up to one week')
  const region = checkRegion(o.region)
  return {
    request: { url: `https://${hostname}/?Action=${admin ? 'DbConnectAdmin' : 'DbConnect'}` },
    options: signing(o, region, 'dsql', expiresIn),
    finish: (url) => withoutScheme(botocoreOrder(url), hostname),
  }
}

/**
 * An Amazon Aurora DSQL authentication token: the password for the `admin`
 * role (`admin: true`, action `DbConnectAdmin`) or for a custom database role
 * (action `DbConnect`). Use it with user `admin` (or your role), database
 * `postgres`, over TLS.
 *
 * The token is a presigned `GET https://hostname/?Action=DbConnect[Admin]`
 * (service `dsql`) without its `https://`, byte-identical to botocore's
 * `generate_db_connect_auth_token` / `generate_db_connect_admin_auth_token`.
 *
 * @example
 * const password = await dsqlAuthToken({ hostname, region: 'us-east-1', credentials, admin: true })
 * @throws {PresignError} `InvalidOption` (hostname, admin), `InvalidExpiresIn`, `InvalidRegion`, `InvalidCredentials`, `InvalidDate`
 */
export async function dsqlAuthToken(options: DsqlAuthTokenOptions): Promise<string> {
  const r = dsqlRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link dsqlAuthToken} computed synchronously (built-in SHA-256, no Web Crypto). Same token.
 *
 * @throws {PresignError} as {@link dsqlAuthToken}
 */
export function dsqlAuthTokenSync(options: DsqlAuthTokenOptions): string {
  const r = dsqlRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}
