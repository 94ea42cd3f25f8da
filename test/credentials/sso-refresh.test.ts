/**
 * IAM Identity Center token refresh (`[sso-session NAME]` profiles) against a loopback fake SSO OIDC (`POST /token`)
 * and a fake SSO portal (`GET /federation/credentials`): our resolver and botocore, run in the same HOME (the cache
 * file reset between the two runs) against the same fakes, resolve the same credentials, send the same CreateToken
 * body and leave byte-identical cache files (the new `expiresAt` aside, which depends on the second of the run).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createCredentialsProvider } from '../../src/credentials/index.js'
import type { CredentialsOptions } from '../../src/credentials/index.js'
import { pythonJson } from '../../src/credentials/sso-token.js'
import { type Outcome, type SeenRequest, baseEnv, botocore, fake, ours, tempHome } from './helpers.js'

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')
const START = 'https://example.awsapps.com/start'
const SESSION_CONFIG = `[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = ${START}\nsso_region = us-east-1\n`
const LEGACY_CONFIG = `[default]\nsso_start_url = ${START}\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n`
const SESSION_CACHE = `.aws/sso/cache/${sha1('corp')}.json`
const LEGACY_CACHE = `.aws/sso/cache/${sha1(START)}.json`
const OLD = { accessToken: 'old-access-token-AAAA', refreshToken: 'old-refresh-token-BBBB', clientId: 'client-id-CCCC', clientSecret: 'client-secret-DDDD' }
const NEW = { accessToken: 'new-access-token-EEEE', refreshToken: 'new-refresh-token-FFFF' }
const SECRETS = [OLD.accessToken, OLD.refreshToken, OLD.clientSecret, NEW.accessToken, NEW.refreshToken]
const MINUTE = 60_000

/** An ISO time `ms` from now, whole seconds, as the AWS CLI writes it. */
const iso = (ms: number, now = Date.now()) => new Date(Math.floor((now + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z')

/** A cache entry as `aws sso login` writes it (with its extra keys), expiring in `ms`. */
function cacheEntry(ms: number, change: Record<string, string | undefined> = {}, now = Date.now()): string {
  const entry: Record<string, string | undefined> = {
    startUrl: START, region: 'us-east-1', accessToken: OLD.accessToken, expiresAt: iso(ms, now), clientId: OLD.clientId,
    clientSecret: OLD.clientSecret, registrationExpiresAt: iso(90 * 24 * 60 * MINUTE, now), refreshToken: OLD.refreshToken, scopes: 'sso:account:access',
    ...change,
  }
  return JSON.stringify(Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)))
}

/** Role credentials per bearer token: the old token gives ASIAOLD, the refreshed one ASIANEW. */
const EXPIRATION = Math.floor((Date.now() + 3 * 60 * MINUTE) / 1000) * 1000
function portalHandler(req: SeenRequest, res: ServerResponse, expiration = EXPIRATION): void {
  const byToken: Record<string, string> = { [OLD.accessToken]: 'ASIAOLD', [NEW.accessToken]: 'ASIANEW' }
  const id = byToken[String(req.headers['x-amz-sso_bearer_token'])]
  if (!id) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Session token not found or invalid"}')
  if (!req.url.startsWith('/federation/credentials?role_name=Dev&account_id=111122223333')) return void res.writeHead(404).end()
  res.end(JSON.stringify({ roleCredentials: { accessKeyId: id, secretAccessKey: `${id}/secret`, sessionToken: `${id}-session`, expiration } }))
}
const portal = (expiration = EXPIRATION) => fake((req, res) => portalHandler(req, res, expiration))

type OidcAnswer = { status: number; body: string; delayMs?: number } | 'hang'
const GOOD: OidcAnswer = { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, tokenType: 'Bearer', expiresIn: 28800, refreshToken: NEW.refreshToken }) }
const REFUSED: OidcAnswer = { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: `Invalid refresh token ${OLD.refreshToken} of ${OLD.clientSecret}` }) }

/** The fake SSO OIDC: `POST /token` answers `answer` (after `delayMs`), or never when `hang`. */
async function oidcHandler(answer: OidcAnswer, req: SeenRequest, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/token') return void res.writeHead(404).end()
  if (answer === 'hang') return
  if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs))
  res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
}
const oidc = (answer: OidcAnswer) => fake((req, res) => oidcHandler(answer, req, res))

interface Run {
  readonly outcome: Outcome | undefined
  readonly oidcCalls: SeenRequest[]
  readonly bearers: string[]
  readonly cache: string
  readonly mode: number
  readonly files: string[]
}

interface Setup {
  readonly config?: string
  readonly cachePath?: string
  readonly entry: string
  readonly answer?: OidcAnswer
  readonly oidcOrigin?: string
}

/** Our resolver, then botocore, on the same HOME and fakes; the cache file is put back between the two. */
async function compare(setup: Setup, extra: CredentialsOptions = {}): Promise<{ mine: Run; theirs: Run | undefined; original: string }> {
  const cachePath = setup.cachePath ?? SESSION_CACHE
  const home = tempHome({ '.aws/config': setup.config ?? SESSION_CONFIG })
  const sso = await portal()
  const token = await oidc(setup.answer ?? GOOD)
  const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: sso.origin, AWS_ENDPOINT_URL_SSO_OIDC: setup.oidcOrigin ?? token.origin })
  const file = join(home, cachePath)
  const reset = () => {
    rmSync(file, { force: true })
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, setup.entry)
  }
  const collect = (outcome: Outcome | undefined): Run => ({
    outcome,
    oidcCalls: token.requests.splice(0),
    bearers: sso.requests.splice(0).map((r) => String(r.headers['x-amz-sso_bearer_token'])),
    cache: readFileSync(file, 'utf8'),
    mode: statSync(file).mode & 0o777,
    files: readdirSync(join(home, '.aws/sso/cache')).sort(),
  })
  reset()
  const mine = collect(await ours(env, undefined, extra))
  reset()
  const raw = await botocore(env)
  const theirs = raw ? collect(raw) : undefined
  return { mine, theirs, original: setup.entry }
}

const body = (r: SeenRequest) => ({ method: r.method, url: r.url, contentType: r.headers['content-type'], json: JSON.parse(r.body) as unknown })
const EXPECTED_BODY = { grantType: 'refresh_token', clientId: OLD.clientId, clientSecret: OLD.clientSecret, refreshToken: OLD.refreshToken }
const creds = (id: string, expiration = EXPIRATION) => ({ accessKeyId: id, secretAccessKey: `${id}/secret`, sessionToken: `${id}-session`, expiration, method: 'sso' })

function expectNoSecret(outcome: Outcome | undefined): void {
  const text = JSON.stringify(outcome)
  for (const s of SECRETS) expect(text).not.toContain(s)
}

/** The cache as refreshed: botocore's keys in its order, the new `expiresAt` within the run's seconds. */
function expectRefreshedCache(run: Run, withRefreshToken: boolean): void {
  const json = JSON.parse(run.cache) as Record<string, string>
  expect(Object.keys(json)).toEqual(['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', ...(withRefreshToken ? ['refreshToken'] : [])])
  expect(json).toMatchObject({ startUrl: START, region: 'us-east-1', accessToken: NEW.accessToken, clientId: OLD.clientId, clientSecret: OLD.clientSecret })
  if (withRefreshToken) expect(json['refreshToken']).toBe(NEW.refreshToken)
  expect(json['expiresAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  expect(Math.abs(Date.parse(json['expiresAt']!) - (Date.now() + 28800_000))).toBeLessThan(30_000)
  expect(run.mode).toBe(0o600)
  expect(run.files).toEqual([SESSION_CACHE.split('/').at(-1)]) // no temporary file left behind
}

/** No CreateToken call: the cached token gives ASIAOLD, the cache stays as it was; botocore (when present) agrees. */
function expectNoRefresh({ mine, theirs, original }: { mine: Run; theirs: Run | undefined; original: string }): void {
  expect(mine.outcome).toEqual(creds('ASIAOLD'))
  expect(mine.oidcCalls).toHaveLength(0)
  expect(mine.cache).toBe(original)
  if (!theirs) return
  expect(theirs.outcome).toEqual(mine.outcome)
  expect(theirs.oidcCalls).toHaveLength(0)
}

/** Ours and botocore's cache files are the same bytes, once each one's `expiresAt` is blanked. */
const sameBytes = (a: string, b: string) => expect(a.replace(/"expiresAt": "[^"]*"/, '"expiresAt": ""')).toBe(b.replace(/"expiresAt": "[^"]*"/, '"expiresAt": ""'))

describe('SSO token refresh ([sso-session]), against botocore, a fake SSO OIDC and a fake SSO portal', () => {
  test('a fresh token (60 minutes left): no refresh, the cache untouched', async () => {
    const r = await compare({ entry: cacheEntry(60 * MINUTE) })
    expectNoRefresh(r)
    if (r.theirs) expect(r.theirs.cache).toBe(r.original)
  })

  test.each([
    ['inside the 15-minute window (5 minutes left)', 5 * MINUTE],
    ['already expired (a minute ago)', -MINUTE],
  ])('a token %s: refreshed once with the right body, the cache rewritten, the new token used', async (_name, left) => {
    const { mine, theirs } = await compare({ entry: cacheEntry(left) })
    expect(mine.outcome).toEqual(creds('ASIANEW'))
    expect(mine.oidcCalls.map(body)).toEqual([{ method: 'POST', url: '/token', contentType: 'application/json', json: EXPECTED_BODY }])
    expect(mine.oidcCalls[0]!.headers['authorization']).toBeUndefined()
    expect(mine.bearers).toEqual([NEW.accessToken])
    expectRefreshedCache(mine, true)
    if (!theirs) return
    expect(theirs.outcome).toEqual(mine.outcome)
    expect(theirs.oidcCalls.map(body)).toEqual(mine.oidcCalls.map(body))
    expect(Object.keys(JSON.parse(theirs.oidcCalls[0]!.body) as object)).toEqual(Object.keys(JSON.parse(mine.oidcCalls[0]!.body) as object))
    expect(theirs.bearers).toEqual(mine.bearers)
    expectRefreshedCache(theirs, true)
    sameBytes(mine.cache, theirs.cache)
  })

  test('an answer without refreshToken: the new cache has none (botocore drops the old one)', async () => {
    const answer = { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, tokenType: 'Bearer', expiresIn: 28800 }) }
    const { mine, theirs } = await compare({ entry: cacheEntry(5 * MINUTE), answer })
    expect(mine.outcome).toEqual(creds('ASIANEW'))
    expectRefreshedCache(mine, false)
    if (!theirs) return
    expect(theirs.outcome).toEqual(mine.outcome)
    sameBytes(mine.cache, theirs.cache)
  })

  test('non-ASCII and escapes in the cache are written as Python json.dumps writes them', async () => {
    const config = SESSION_CONFIG.replace(START, 'https://exämple.awsapps.com/start/"q"\\😀')
    const entry = cacheEntry(5 * MINUTE, { startUrl: 'https://exämple.awsapps.com/start/"q"\\😀', registrationExpiresAt: iso(90 * 24 * 60 * MINUTE).replace('Z', '+00:00') })
    const { mine, theirs } = await compare({ config, entry })
    expect(mine.outcome).toEqual(creds('ASIANEW'))
    expect(mine.cache).toContain('"startUrl": "https://ex\\u00e4mple.awsapps.com/start/\\"q\\"\\\\\\ud83d\\ude00"')
    if (!theirs) return
    expect(theirs.outcome).toEqual(mine.outcome)
    sameBytes(mine.cache, theirs.cache)
  })

  test('a refused refresh (HTTP 400 invalid_grant) with the token still valid: the old token is used, the cache untouched', async () => {
    const { mine, theirs, original } = await compare({ entry: cacheEntry(5 * MINUTE), answer: REFUSED })
    expect(mine.outcome).toEqual(creds('ASIAOLD'))
    expect(mine.oidcCalls).toHaveLength(1)
    expect(mine.bearers).toEqual([OLD.accessToken])
    expect(mine.cache).toBe(original)
    if (!theirs) return
    expect(theirs.outcome).toEqual(mine.outcome)
    expect(theirs.oidcCalls.map(body)).toEqual(mine.oidcCalls.map(body))
    expect(theirs.cache).toBe(original)
  })

  test('a refused refresh with the token expired: an error that says to run aws sso login --sso-session, no secret in it', async () => {
    const { mine, theirs, original } = await compare({ entry: cacheEntry(-MINUTE), answer: REFUSED })
    expect(mine.outcome).toMatchObject({ error: 'PresignError', message: expect.stringMatching(/expired at .* and could not be refreshed \(SSO OIDC CreateToken answered HTTP 400\); run `aws sso login --sso-session corp`/) })
    expectNoSecret(mine.outcome)
    expect(mine.oidcCalls).toHaveLength(1)
    expect(mine.bearers).toEqual([])
    expect(mine.cache).toBe(original)
    if (!theirs) return
    expect(theirs.outcome).toMatchObject({ error: 'TokenRetrievalError', message: expect.stringMatching(/Token has expired and refresh failed/) })
    expect(theirs.oidcCalls).toHaveLength(1)
    expect(theirs.cache).toBe(original)
  })

  test.each([
    ['valid', 5 * MINUTE],
    ['expired', -MINUTE],
  ])('an expired client registration: no refresh attempt (token %s)', async (state, left) => {
    const { mine, theirs } = await compare({ entry: cacheEntry(left, { registrationExpiresAt: iso(-MINUTE) }) })
    expect(mine.oidcCalls).toHaveLength(0)
    if (state === 'valid') expect(mine.outcome).toEqual(creds('ASIAOLD'))
    else expect(mine.outcome).toMatchObject({ message: expect.stringMatching(/could not be refreshed \(the client registration expired at .*\); run `aws sso login --sso-session corp`/) })
    expectNoSecret(mine.outcome)
    if (!theirs) return
    expect(theirs.oidcCalls).toHaveLength(0)
    if (state === 'valid') expect(theirs.outcome).toEqual(mine.outcome)
    else expect(theirs.outcome).toMatchObject({ error: 'TokenRetrievalError' })
  })

  test.each(['refreshToken', 'clientId', 'clientSecret', 'registrationExpiresAt'])('no %s in the cache: no refresh attempt, the cached token used', async (key) => {
    expectNoRefresh(await compare({ entry: cacheEntry(5 * MINUTE, { [key]: undefined }) }))
  })

  test('no refresh fields and an expired token: the error names the missing keys and aws sso login', async () => {
    const entry = cacheEntry(-MINUTE, { refreshToken: undefined, clientId: undefined, clientSecret: undefined, registrationExpiresAt: undefined })
    const { mine, theirs } = await compare({ entry })
    expect(mine.outcome).toMatchObject({ message: expect.stringMatching(/the cache has no refreshToken, clientId, clientSecret, registrationExpiresAt\); run `aws sso login --sso-session corp`/) })
    if (theirs) expect(theirs.outcome).toMatchObject({ error: 'TokenRetrievalError' })
  })

  test('the legacy form (no sso_session) never refreshes, as botocore', async () => {
    expectNoRefresh(await compare({ config: LEGACY_CONFIG, cachePath: LEGACY_CACHE, entry: cacheEntry(5 * MINUTE) }))
  })

  test('concurrent callers share one refresh (5 resolves and 5 providers at once: one CreateToken)', async () => {
    const slow = { ...(GOOD as { status: number; body: string }), delayMs: 300 }
    const entry = cacheEntry(5 * MINUTE)
    const home = tempHome({ '.aws/config': SESSION_CONFIG, [SESSION_CACHE]: entry })
    const sso = await portal()
    const token = await oidc(slow)
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: sso.origin, AWS_ENDPOINT_URL_SSO_OIDC: token.origin })
    const providers = Array.from({ length: 5 }, () => createCredentialsProvider({ env, homeDir: home }))
    const [resolved, provided] = await Promise.all([Promise.all(Array.from({ length: 5 }, () => ours(env))), Promise.all(providers.map((p) => p()))])
    expect(resolved).toEqual(Array.from({ length: 5 }, () => creds('ASIANEW')))
    expect(provided.map((c) => c.accessKeyId)).toEqual(Array(5).fill('ASIANEW'))
    expect(token.requests).toHaveLength(1)
    expect(await ours(env)).toEqual(creds('ASIANEW')) // the rewritten cache is fresh: no second refresh
    expect(token.requests).toHaveLength(1)
    const refreshed = readFileSync(join(home, SESSION_CACHE), 'utf8')
    writeFileSync(join(home, SESSION_CACHE), entry)
    const theirs = await botocore(env)
    if (!theirs) return
    expect(theirs).toEqual(creds('ASIANEW'))
    expect(token.requests).toHaveLength(2)
    sameBytes(refreshed, readFileSync(join(home, SESSION_CACHE), 'utf8'))
  })
})

describe('where we differ from botocore on purpose: any failed refresh falls back to a valid cached token', () => {
  test.each([
    ['the endpoint refuses connections', 'refused'],
    ['a 200 answer without expiresIn', 'malformed'],
  ] as const)('%s: the old token is used (botocore raises instead)', async (_name, kind) => {
    const answer = { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken }) }
    const setup = kind === 'refused' ? { entry: cacheEntry(5 * MINUTE), oidcOrigin: 'http://127.0.0.1:9' } : { entry: cacheEntry(5 * MINUTE), answer }
    const { mine, theirs, original } = await compare(setup)
    expect(mine.outcome).toEqual(creds('ASIAOLD'))
    expect(mine.cache).toBe(original)
    if (theirs) expect(theirs.outcome).toMatchObject({ error: kind === 'refused' ? 'EndpointConnectionError' : 'KeyError' })
  })

  test('an OIDC endpoint that never answers times out (timeouts.sso), then the old token is used', async () => {
    const home = tempHome({ '.aws/config': SESSION_CONFIG, [SESSION_CACHE]: cacheEntry(5 * MINUTE) })
    const sso = await portal()
    const token = await oidc('hang')
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: sso.origin, AWS_ENDPOINT_URL_SSO_OIDC: token.origin })
    const started = Date.now()
    expect(await ours(env, undefined, { timeouts: { sso: 300 } })).toEqual(creds('ASIAOLD'))
    expect(Date.now() - started).toBeLessThan(5000)
    const expired = tempHome({ '.aws/config': SESSION_CONFIG, [SESSION_CACHE]: cacheEntry(-MINUTE) })
    const r = await ours({ ...env, HOME: expired }, undefined, { timeouts: { sso: 300 } })
    expect(r).toMatchObject({ message: expect.stringMatching(/could not be refreshed \(SSO OIDC CreateToken: no answer within 300 ms\); run `aws sso login --sso-session corp`/) })
  })
})

describe('SSO token refresh: boundaries on a fake clock, write failures, hostile caches (ours only)', () => {
  const NOW = Date.parse('2030-01-01T00:00:00Z')
  // The portal's role credentials expire 3 hours after the fake clock's now: expired ones are refused.
  const LATER = NOW + 3 * 60 * MINUTE
  const late = (id: string) => creds(id, LATER)
  async function at(entry: string, extra: CredentialsOptions = {}) {
    const home = tempHome({ '.aws/config': SESSION_CONFIG, [SESSION_CACHE]: entry })
    const sso = await portal(LATER)
    const token = await oidc(GOOD)
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: sso.origin, AWS_ENDPOINT_URL_SSO_OIDC: token.origin })
    const outcome = await ours(env, undefined, { now: () => NOW, ...extra })
    return { outcome, calls: token.requests.length, cache: readFileSync(join(home, SESSION_CACHE), 'utf8') }
  }
  const stamp = (ms: number) => new Date(NOW + ms).toISOString()
  const entryAt = (change: Record<string, string | undefined>) => cacheEntry(0, change, NOW)

  test('15 minutes left exactly: no refresh; a millisecond less: refresh (botocore: remaining < 900 s)', async () => {
    expect(await at(entryAt({ expiresAt: stamp(15 * MINUTE) }))).toMatchObject({ outcome: late('ASIAOLD'), calls: 0 })
    const r = await at(entryAt({ expiresAt: stamp(15 * MINUTE - 1) }))
    expect(r).toMatchObject({ outcome: late('ASIANEW'), calls: 1 })
    expect(JSON.parse(r.cache)).toMatchObject({ expiresAt: '2030-01-01T08:00:00Z' }) // now + expiresIn, whole seconds
  })

  test('a registration expiring exactly now is expired (botocore: remaining <= 0); a token expiring now is expired', async () => {
    expect(await at(entryAt({ expiresAt: stamp(MINUTE), registrationExpiresAt: stamp(0) }))).toMatchObject({ outcome: late('ASIAOLD'), calls: 0 })
    expect(await at(entryAt({ expiresAt: stamp(MINUTE), registrationExpiresAt: stamp(1) }))).toMatchObject({ outcome: late('ASIANEW'), calls: 1 })
    const r = await at(entryAt({ expiresAt: stamp(0), registrationExpiresAt: stamp(0) }))
    expect(r).toMatchObject({ calls: 0, outcome: { message: expect.stringMatching(/expired at 2030-01-01T00:00:00.000Z and could not be refreshed/) } })
  })

  test('a cache that cannot be written after a refresh is an error naming the cache (as botocore), no secret in it', async () => {
    const writeFile = async () => Promise.reject(Object.assign(new Error(`EACCES ${NEW.accessToken}`), { code: 'EACCES' }))
    const r = await at(entryAt({ expiresAt: stamp(MINUTE) }), { writeFile })
    expect(r.outcome).toMatchObject({ error: 'PresignError', message: 'profile "default" (SSO token cache): cannot write the refreshed token (EACCES)' })
    expectNoSecret(r.outcome)
  })

  test('the injected writeFile receives the cache path and botocore-format text', async () => {
    const writes: Array<[string, string]> = []
    const r = await at(entryAt({ expiresAt: stamp(MINUTE) }), { writeFile: async (p, t) => void writes.push([p, t]) })
    expect(r.outcome).toEqual(late('ASIANEW'))
    expect(writes).toHaveLength(1)
    expect(writes[0]![0]).toMatch(new RegExp(`/\\.aws/sso/cache/${sha1('corp')}\\.json$`))
    expect(writes[0]![1]).toBe(
      pythonJson({ startUrl: START, region: 'us-east-1', accessToken: NEW.accessToken, expiresAt: '2030-01-01T08:00:00Z', clientId: OLD.clientId, clientSecret: OLD.clientSecret, registrationExpiresAt: iso(90 * 24 * 60 * MINUTE, NOW), refreshToken: NEW.refreshToken }),
    )
  })

  test.each([
    ['a cache file over 64 KB', () => entryAt({ expiresAt: stamp(MINUTE), scopes: 'x'.repeat(70_000) }), /larger than 65536 bytes/],
    ['a cache file that is not JSON', () => `{"accessToken": "${OLD.accessToken}", `, /not JSON/],
    ['a cache file that is a JSON array', () => `["${OLD.accessToken}"]`, /not a JSON object/],
    ['an accessToken that is not a string', () => entryAt({ expiresAt: stamp(MINUTE) }).replace(`"${OLD.accessToken}"`, '42'), /no accessToken string; run `aws sso login --sso-session corp`/],
    ['a malformed registrationExpiresAt (inside the window)', () => entryAt({ expiresAt: stamp(MINUTE), registrationExpiresAt: `soon ${OLD.clientSecret}` }), /registrationExpiresAt: must be an ISO 8601/],
  ])('%s is a typed error naming the cache, no secret in it', async (_name, entry, message) => {
    const r = await at(entry())
    expect(r.outcome).toMatchObject({ error: 'PresignError', message: expect.stringMatching(message) })
    expect(r.calls).toBe(0)
    expectNoSecret(r.outcome)
  })

  test.each([
    ['HTTP 500 with secrets in the body', { status: 500, body: `{"error":"server_error","error_description":"${OLD.refreshToken} ${OLD.clientSecret}"}` }, /CreateToken answered HTTP 500/],
    ['a non-JSON 200', { status: 200, body: `token=${NEW.accessToken}` }, /CreateToken: the answer is not JSON/],
    ['a 200 without accessToken', { status: 200, body: JSON.stringify({ expiresIn: 3600, refreshToken: NEW.refreshToken }) }, /no accessToken string/],
    ['a 200 with expiresIn 0', { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, expiresIn: 0 }) }, /no positive expiresIn number/],
    ['a 200 with a string expiresIn', { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, expiresIn: '3600' }) }, /no positive expiresIn number/],
    ['a 200 with an absurd expiresIn', { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, expiresIn: 1e300 }) }, /no positive expiresIn number/],
    ['a 200 with an expiresIn past the year 9999', { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, expiresIn: 1e12 }) }, /no positive expiresIn number \(whole seconds, ending before the year 10000\)/],
    ['a 200 with a fractional expiresIn', { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, expiresIn: 3600.5 }) }, /no positive expiresIn number/],
    ['a redirect', { status: 307, body: '' }, /CreateToken answered HTTP 307/],
  ])('a CreateToken answer that is %s: the expired-token error gives the reason, no secret', async (_name, answer, reason) => {
    const home = tempHome({ '.aws/config': SESSION_CONFIG, [SESSION_CACHE]: entryAt({ expiresAt: stamp(-MINUTE) }) })
    const token = await oidc(answer)
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SSO_OIDC: token.origin })
    const r = await ours(env, undefined, { now: () => NOW })
    expect(r).toMatchObject({ error: 'PresignError', message: expect.stringMatching(reason) })
    expect(r).toMatchObject({ message: expect.stringMatching(/run `aws sso login --sso-session corp`/) })
    expectNoSecret(r)
    expect(token.requests).toHaveLength(1)
  })

  test('an expiresIn that would end after the year 9999 is never written to the cache; the still-valid token serves', async () => {
    const answer = { status: 200, body: JSON.stringify({ accessToken: NEW.accessToken, expiresIn: 1e12, refreshToken: NEW.refreshToken }) }
    const entry = entryAt({ expiresAt: stamp(MINUTE) })
    const home = tempHome({ '.aws/config': SESSION_CONFIG, [SESSION_CACHE]: entry })
    const sso = await portal(LATER)
    const token = await oidc(answer)
    const env = baseEnv(home, { AWS_ENDPOINT_URL_SSO: sso.origin, AWS_ENDPOINT_URL_SSO_OIDC: token.origin })
    expect(await ours(env, undefined, { now: () => NOW })).toEqual(late('ASIAOLD'))
    expect(token.requests).toHaveLength(1)
    expect(readFileSync(join(home, SESSION_CACHE), 'utf8')).toBe(entry)
  })

  test('the OIDC endpoint follows AWS_ENDPOINT_URL and [services] sso_oidc, as botocore', async () => {
    const sso = await portal()
    const token = await oidc(GOOD)
    const both = await fake((req, res) => (req.url === '/token' ? oidcHandler(GOOD, req, res) : portalHandler(req, res)))
    const home = tempHome({ '.aws/config': SESSION_CONFIG, [SESSION_CACHE]: cacheEntry(5 * MINUTE) })
    expect(await ours(baseEnv(home, { AWS_ENDPOINT_URL: both.origin }))).toEqual(creds('ASIANEW'))
    expect(both.requests.map((r) => r.url.split('?')[0])).toEqual(['/token', '/federation/credentials'])
    const services = SESSION_CONFIG.replace('sso_role_name = Dev\n', 'sso_role_name = Dev\nservices = local\n') + `[services local]\nsso_oidc =\n  endpoint_url = ${token.origin}\n`
    const home2 = tempHome({ '.aws/config': services, [SESSION_CACHE]: cacheEntry(5 * MINUTE) })
    expect(await ours(baseEnv(home2, { AWS_ENDPOINT_URL_SSO: sso.origin }))).toEqual(creds('ASIANEW'))
    expect(token.requests).toHaveLength(1)
  })
})
