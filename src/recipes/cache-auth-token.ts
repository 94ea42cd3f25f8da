import { fail } from '../core/errors.js'
import { uriEncode } from '../core/uri-encode.js'
import { presignSync } from '../sign/presign-sync.js'
import { presign } from '../sign/presign.js'
import { botocoreOrder, checkOptions, checkRegion, checkText, type Recipe, type ServiceTokenOptions, type Unchecked, signing, withoutScheme } from './tokens.js'

/** Inputs of {@link elastiCacheAuthToken}. */
export interface ElastiCacheAuthTokenOptions extends ServiceTokenOptions {
  /** The replication group id, or the serverless cache name, e.g. `my-cache`: the name, not the endpoint. */
  readonly cacheName: string
  /** The IAM-enabled ElastiCache user id (for IAM users, user id and user name are the same). */
  readonly userId: string
  /** `true` for a serverless cache (adds `ResourceType=ServerlessCache`). Default `false`. */
  readonly serverless?: boolean | undefined
}

/** Inputs of {@link memoryDbAuthToken}. */
export interface MemoryDbAuthTokenOptions extends ServiceTokenOptions {
  /** The MemoryDB cluster name, e.g. `my-cluster`: the name, not the endpoint. */
  readonly clusterName: string
  /** The IAM-enabled MemoryDB user name. */
  readonly userName: string
}

/** ElastiCache and MemoryDB names: letters, digits and hyphens (they are stored lower-cased). */
const CACHE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

function cacheRecipe<T extends ServiceTokenOptions>(
  service: 'elasticache' | 'memorydb',
  o: Unchecked<T>,
  nameField: keyof T & string,
  userField: keyof T & string,
  serverless: boolean,
): Recipe {
  const name = o[nameField]
  if (typeof name !== 'string' || !CACHE_NAME.test(name)) {
    const hint = typeof name === 'string' && name.includes('.') ? ' (the name, not the endpoint host)' : ''
    fail('InvalidOption', `options.${nameField}`, `must be a ${service === 'memorydb' ? 'MemoryDB cluster' : 'cache'} name of letters, digits and "-" such as "my-cache"${hint}`, name)
  }
  const user = uriEncode(checkText(o[userField], `options.${userField}`, 'the IAM-enabled user'), false, `options.${userField}`)
  const region = checkRegion(o.region)
  return {
    request: { url: `https://${name}/?Action=connect&User=${user}${serverless ? '&ResourceType=ServerlessCache' : ''}` },
    options: signing(o, region, service, 900),
    finish: (url) => withoutScheme(botocoreOrder(url), name),
  }
}

function elastiCacheRecipe(input: ElastiCacheAuthTokenOptions): Recipe {
  const o = checkOptions(input)
  const serverless = o.serverless ?? false
  if (typeof serverless !== 'boolean') {
    fail('InvalidOption', 'options.serverless', 'must be true (serverless cache) or false (replication group)', serverless)
  }
  return cacheRecipe<ElastiCacheAuthTokenOptions>('elasticache', o, 'cacheName', 'userId', serverless)
}

/**
 * An Amazon ElastiCache (Valkey / Redis OSS 7+) IAM authentication token: the
 * password of `userId` in `AUTH userId token` / `HELLO 3 AUTH userId token`
 * (TLS required). Valid for 15 minutes; re-authenticate within 12 hours.
 *
 * Following AWS's documented algorithm, it is a presigned
 * `GET https://cacheName/?Action=connect&User=…[&ResourceType=ServerlessCache]`
 * (service `elasticache`, 900 s) without its `https://`: the host is the cache
 * *name*, not its endpoint. Byte-identical to botocore signing the same request.
 *
 * @example
 * const password = await elastiCacheAuthToken({ cacheName: 'my-cache', userId: 'app', region: 'us-east-1', credentials })
 * @throws {PresignError} `InvalidOption` (cacheName, userId, serverless), `InvalidRegion`, `InvalidCredentials`, `InvalidDate`, `InvalidString`
 */
export async function elastiCacheAuthToken(options: ElastiCacheAuthTokenOptions): Promise<string> {
  const r = elastiCacheRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link elastiCacheAuthToken} computed synchronously (built-in SHA-256, no Web Crypto). Same token.
 *
 * @throws {PresignError} as {@link elastiCacheAuthToken}
 */
export function elastiCacheAuthTokenSync(options: ElastiCacheAuthTokenOptions): string {
  const r = elastiCacheRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}

/**
 * An Amazon MemoryDB IAM authentication token: the password of `userName` in
 * `AUTH userName token` (TLS required). Valid for 15 minutes.
 *
 * A presigned `GET https://clusterName/?Action=connect&User=…` (service
 * `memorydb`, 900 s) without its `https://`, as for ElastiCache. Byte-identical
 * to botocore signing the same request.
 *
 * @example
 * const password = await memoryDbAuthToken({ clusterName: 'my-cluster', userName: 'app', region: 'us-east-1', credentials })
 * @throws {PresignError} `InvalidOption` (clusterName, userName), `InvalidRegion`, `InvalidCredentials`, `InvalidDate`, `InvalidString`
 */
export async function memoryDbAuthToken(options: MemoryDbAuthTokenOptions): Promise<string> {
  const r = cacheRecipe<MemoryDbAuthTokenOptions>('memorydb', checkOptions(options), 'clusterName', 'userName', false)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link memoryDbAuthToken} computed synchronously (built-in SHA-256, no Web Crypto). Same token.
 *
 * @throws {PresignError} as {@link memoryDbAuthToken}
 */
export function memoryDbAuthTokenSync(options: MemoryDbAuthTokenOptions): string {
  const r = cacheRecipe<MemoryDbAuthTokenOptions>('memorydb', checkOptions(options), 'clusterName', 'userName', false)
  return r.finish(presignSync(r.request, r.options))
}
