import { createHash, randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { partitionOf } from '../s3/partitions.js'
import { configuredEndpoint, endpointBase } from './endpoints.js'
import { YEAR_10000_MS } from '../core/time.js'
import { MAX_RESPONSE_BYTES, credentialsError, httpRequest, isMissing, parseDate, parseJson, readFailure } from './io.js'
import type { SsoConfig } from './sso.js'
import { profileField } from './static.js'
import type { Context } from './types.js'

/** botocore's `SSOTokenProvider._REFRESH_WINDOW`: a cached token with less than 15 minutes left is refreshed. */
export const SSO_TOKEN_REFRESH_WINDOW_MS = 15 * 60_000

/** botocore's `SSOTokenProvider._refresh_access_token`: the cache keys a refresh needs. */
const REFRESH_KEYS = ['refreshToken', 'clientId', 'clientSecret', 'registrationExpiresAt'] as const

/** @internal `~/.aws/sso/cache/<sha1>.json`: sha1 of the session name, or of the start URL (legacy). */
export function ssoCachePath(ctx: Context, sso: SsoConfig): string {
  const key = createHash('sha1').update(sso.session ?? sso.startUrl, 'utf8').digest('hex')
  return `${ctx.homeDir}/.aws/sso/cache/${key}.json`
}

/** @internal What to run when the token is missing or expired. */
export function loginHint(sso: SsoConfig, profile: string): string {
  return sso.session !== undefined ? `run \`aws sso login --sso-session ${sso.session}\`` : `run \`aws sso login --profile ${profile}\``
}

/** A token as read from the cache or made by a refresh; `failure` says why a refresh that was due did not happen. */
interface LoadedToken {
  readonly accessToken: string
  readonly expiresAt: number
  readonly failure?: string | undefined
}

/** Loads of `[sso-session]` tokens under way, by cache file: concurrent callers share one read and one refresh. */
const loading = new Map<string, Promise<LoadedToken>>()

/**
 * @internal The access token for GetRoleCredentials, as botocore finds it. Legacy form (no `sso_session`): the cached
 * token, an error once expired (`SSOCredentialFetcher`). `[sso-session]` form (`SSOTokenProvider`): with less than
 * 15 minutes left, refreshed through SSO OIDC `CreateToken` and written back; if that cannot be done the cached token
 * serves while it is valid; an expired token is an error that says to run `aws sso login --sso-session NAME`.
 */
export async function ssoAccessToken(ctx: Context, sso: SsoConfig, profile: string): Promise<string> {
  const field = `${profileField(profile)} (SSO token cache)`
  const path = ssoCachePath(ctx, sso)
  let token: LoadedToken
  if (sso.session === undefined) token = await readToken(ctx, path, field, sso, profile)
  else {
    let shared = loading.get(path)
    if (!shared) {
      shared = loadSessionToken(ctx, sso, path, field, profile).finally(() => loading.delete(path))
      loading.set(path, shared)
    }
    token = await shared
  }
  if (token.expiresAt <= ctx.now()) {
    const why = token.failure === undefined ? '' : ` and could not be refreshed (${token.failure})`
    credentialsError(field, `the SSO token expired at ${new Date(token.expiresAt).toISOString()}${why}; ${loginHint(sso, profile)}`)
  }
  return token.accessToken
}

/** Read and check the cache file; `json` is what was read, for a refresh. */
async function readCache(ctx: Context, path: string, field: string, sso: SsoConfig, profile: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await ctx.readFile(path)
  } catch (e) {
    return credentialsError(field, isMissing(e) ? `has no cached token; ${loginHint(sso, profile)}` : `cannot be read (${readFailure(e)})`)
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_RESPONSE_BYTES) credentialsError(field, `is larger than ${MAX_RESPONSE_BYTES} bytes`)
  return parseJson(text, field)
}

async function readToken(ctx: Context, path: string, field: string, sso: SsoConfig, profile: string): Promise<LoadedToken & { json: Record<string, unknown> }> {
  const json = await readCache(ctx, path, field, sso, profile)
  const accessToken = json['accessToken']
  if (typeof accessToken !== 'string' || accessToken === '') credentialsError(field, `has no accessToken string; ${loginHint(sso, profile)}`)
  return { json, accessToken, expiresAt: parseDate(json['expiresAt'], field + '.expiresAt').getTime() }
}

/** botocore's `SSOTokenProvider._refresher`: read; refresh inside the window; keep the cached token if that fails. */
async function loadSessionToken(ctx: Context, sso: SsoConfig, path: string, field: string, profile: string): Promise<LoadedToken> {
  const cached = await readToken(ctx, path, field, sso, profile)
  if (cached.expiresAt - ctx.now() >= SSO_TOKEN_REFRESH_WINDOW_MS) return cached
  const refreshed = await refreshToken(ctx, sso, cached.json, field)
  if (typeof refreshed === 'string') return { ...cached, failure: refreshed }
  await writeCache(ctx, path, field, refreshed.cache)
  return refreshed
}

/** The registration's fields, or why a refresh cannot be tried (botocore: a missing key, an expired registration). */
function registration(ctx: Context, json: Record<string, unknown>, field: string): Record<(typeof REFRESH_KEYS)[number], string> | string {
  const missing = REFRESH_KEYS.filter((k) => typeof json[k] !== 'string' || json[k] === '')
  if (missing.length) return `the cache has no ${missing.join(', ')}`
  const expiry = parseDate(json['registrationExpiresAt'], field + '.registrationExpiresAt')
  if (expiry.getTime() <= ctx.now()) return `the client registration expired at ${expiry.toISOString()}`
  return json as Record<(typeof REFRESH_KEYS)[number], string>
}

/**
 * botocore's `_attempt_create_token`: `POST /token` on `https://oidc.REGION.amazonaws.com` (or
 * `AWS_ENDPOINT_URL_SSO_OIDC`…), unsigned, `{grantType: 'refresh_token', clientId, clientSecret, refreshToken}`. The
 * new cache entry has botocore's keys in its order (the registration kept, `refreshToken` only if the answer has one).
 * Returns the reason instead when no refresh can be had; the reason never holds a secret or the answer's body.
 */
async function refreshToken(ctx: Context, sso: SsoConfig, json: Record<string, unknown>, field: string): Promise<(LoadedToken & { cache: Record<string, string> }) | string> {
  const reg = registration(ctx, json, field)
  if (typeof reg === 'string') return reg
  const configured = configuredEndpoint(ctx, 'sso_oidc')
  const base = configured ? endpointBase(configured, 'AWS_ENDPOINT_URL_SSO_OIDC') : `https://oidc.${sso.region}.${partitionOf(sso.region).suffix}/`
  const body = JSON.stringify({ grantType: 'refresh_token', clientId: reg.clientId, clientSecret: reg.clientSecret, refreshToken: reg.refreshToken })
  const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body }
  let answer: Record<string, unknown>
  try {
    const http = await httpRequest(ctx, 'SSO OIDC CreateToken', `${base}token`, init, ctx.timeouts.sso)
    if (http.status !== 200) return `SSO OIDC CreateToken answered HTTP ${http.status}`
    answer = parseJson(http.text, 'SSO OIDC CreateToken')
  } catch (e) {
    return (e as Error).message
  }
  const { accessToken, expiresIn, refreshToken: next } = answer
  const expiresAt = tokenExpiry(ctx, expiresIn)
  if (typeof accessToken !== 'string' || accessToken === '') return 'SSO OIDC CreateToken: the answer has no accessToken string'
  if (expiresAt === undefined) return 'SSO OIDC CreateToken: the answer has no positive expiresIn number (whole seconds, ending before the year 10000)'
  const cache: Record<string, string> = {
    startUrl: sso.startUrl, region: sso.region, accessToken, expiresAt: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    clientId: reg.clientId, clientSecret: reg.clientSecret, registrationExpiresAt: reg.registrationExpiresAt,
  }
  if (typeof next === 'string' && next !== '') cache['refreshToken'] = next
  return { accessToken, expiresAt, cache }
}

/**
 * The refreshed token's expiry, `now + expiresIn`, in epoch ms; `undefined` unless `expiresIn` is a positive whole
 * number of seconds ending before the year 10000: a later `expiresAt` (`+033715-…`) would be a cache file that
 * neither this resolver nor botocore could read again.
 */
function tokenExpiry(ctx: Context, expiresIn: unknown): number | undefined {
  if (typeof expiresIn !== 'number' || !Number.isSafeInteger(expiresIn) || expiresIn <= 0) return undefined
  const expiresAt = ctx.now() + expiresIn * 1000
  return expiresAt < YEAR_10000_MS ? expiresAt : undefined
}

/** Write the refreshed token as botocore does (`json.dumps`, atomically, mode 0600); a failure is an error, as in botocore. */
async function writeCache(ctx: Context, path: string, field: string, cache: Record<string, string>): Promise<void> {
  try {
    await ctx.writeFile(path, pythonJson(cache))
  } catch (e) {
    credentialsError(field, `cannot write the refreshed token (${readFailure(e)})`)
  }
}

/** Python's `json.dumps` of a flat object of strings (`", "` and `": "` separators, `ensure_ascii`): botocore's bytes. */
export function pythonJson(obj: Readonly<Record<string, string>>): string {
  const str = (s: string) => `"${s.replace(/[^ -~]|["\\]/g, escapeChar)}"`
  return `{${Object.entries(obj).map(([k, v]) => `${str(k)}: ${str(v)}`).join(', ')}}`
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }
const escapeChar = (c: string): string => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * @internal Replace a file's content atomically, as botocore's `JSONFileCache`: a temporary file in the same folder
 * (created exclusively, mode 0600), written and synced, then renamed over the file.
 */
export async function atomicWriteFile(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (e) {
    await unlink(temp).catch(() => undefined)
    throw e
  }
}
