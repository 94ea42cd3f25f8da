/**
 * The "beyond S3" recipes against vectors/botocore-tokens.json, generated from botocore and awscli by
 * scripts/gen-token-vectors.py (see its docstring). No Python at test time: this reads the JSON only.
 *
 * - RDS, DSQL, ElastiCache, MemoryDB, STS GetCallerIdentity and EKS: byte-identical to the reference.
 * - IoT and Transcribe WebSocket URLs: the same URL up to the order of query parameters (botocore puts
 *   X-Amz-Expires before X-Amz-SignedHeaders and IoT's appended token last; presign follows AWS's CRT suite).
 * - Every async recipe equals its Sync twin, and every result verifies with verifyPresigned.
 */
import { createHash, createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest'
import * as lib from '../../src/index.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'
import { projectRoot } from '../helpers/suite.js'

type Input = Record<string, unknown> & { credentials: lib.Credentials; region: string; signingDate: string }
interface TokenCase {
  name: string
  recipe: 'rds' | 'dsql' | 'elasticache' | 'memorydb' | 'sts' | 'eks' | 'iot' | 'transcribe'
  input: Input
  expected: string
}
const doc = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-tokens.json'), 'utf8')) as { counts: Record<string, number>; cases: TokenCase[] }
const cases = doc.cases

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (o: any) => any
const recipes: Record<TokenCase['recipe'], { async: AnyFn; sync: AnyFn; byteIdentical: boolean }> = {
  rds: { async: lib.rdsAuthToken, sync: lib.rdsAuthTokenSync, byteIdentical: true },
  dsql: { async: lib.dsqlAuthToken, sync: lib.dsqlAuthTokenSync, byteIdentical: true },
  elasticache: { async: lib.elastiCacheAuthToken, sync: lib.elastiCacheAuthTokenSync, byteIdentical: true },
  memorydb: { async: lib.memoryDbAuthToken, sync: lib.memoryDbAuthTokenSync, byteIdentical: true },
  sts: { async: lib.stsCallerIdentityUrl, sync: lib.stsCallerIdentityUrlSync, byteIdentical: true },
  eks: { async: lib.eksToken, sync: lib.eksTokenSync, byteIdentical: true },
  iot: { async: lib.iotWebSocketUrl, sync: lib.iotWebSocketUrlSync, byteIdentical: false },
  transcribe: { async: lib.transcribeStreamingUrl, sync: lib.transcribeStreamingUrlSync, byteIdentical: false },
}
const SERVICE: Record<TokenCase['recipe'], string> = {
  rds: 'rds-db', dsql: 'dsql', elasticache: 'elasticache', memorydb: 'memorydb', sts: 'sts', eks: 'sts', iot: 'iotdevicegateway', transcribe: 'transcribe',
}

/** Split a URL into the part before `?` and its sorted raw `key=value` parameters. */
function urlParts(url: string): { base: string; params: string[] } {
  const q = url.indexOf('?')
  return { base: url.slice(0, q), params: url.slice(q + 1).split('&').sort() }
}

function decodeBase64Url(b: string): string {
  return Buffer.from(b, 'base64url').toString('utf8')
}

/** The https URL a token or WebSocket URL stands for, and the headers its verifier sees. */
function asRequest(c: TokenCase, result: string): { url: string; headers: Record<string, string> } {
  switch (c.recipe) {
    case 'eks':
      return { url: decodeBase64Url(result.slice('k8s-aws-v1.'.length)), headers: { 'x-k8s-aws-id': c.input['clusterName'] as string } }
    case 'sts':
      return { url: result, headers: (c.input['headers'] as Record<string, string> | undefined) ?? {} }
    case 'iot':
    case 'transcribe':
      return { url: 'https' + result.slice('wss'.length), headers: {} }
    default: {
      // Scheme-stripped tokens: like botocore, the signed host has no ":443".
      const authority = result.slice(0, result.indexOf('/'))
      return { url: 'https://' + result, headers: { host: authority.toLowerCase().replace(/:443$/, '') } }
    }
  }
}

const counted: Record<string, number> = {}
describe('botocore token vectors', () => {
  test('there are many cases per recipe, as the generator says', () => {
    for (const recipe of Object.keys(recipes)) {
      const n = cases.filter((c) => c.recipe === recipe).length
      expect(n, recipe).toBe(doc.counts[recipe])
      expect(n, recipe).toBeGreaterThanOrEqual(80)
    }
  })

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = recipes[c.recipe]
    const got = (await r.async(c.input)) as string
    if (r.byteIdentical) expect(got).toBe(c.expected)
    else expect(urlParts(got)).toEqual(urlParts(c.expected))
    expect(r.sync(c.input)).toBe(got)

    const { url, headers } = asRequest(c, got)
    const verified = await lib.verifyPresigned(
      { method: 'GET', url, headers },
      {
        credentials: (id) => (id === c.input.credentials.accessKeyId ? c.input.credentials : undefined),
        region: c.input.region,
        service: SERVICE[c.recipe],
        now: Date.parse(c.input.signingDate),
        signSessionToken: c.recipe !== 'iot',
      },
    )
    expect(verified).toMatchObject({ ok: true })
    counted[c.recipe] = (counted[c.recipe] ?? 0) + 1
  })
  afterAll(() => console.log(`botocore token vectors passed: ${JSON.stringify(counted)} of ${JSON.stringify(doc.counts)}`))
})

const creds = { ...DOC_CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEXAMPLE/+=' }
const at = '2024-02-29T23:59:59Z'

describe('recipe details', () => {
  afterEach(() => vi.useRealTimers())

  test('RDS: host:port, Action and DBUser first, 900 s, scheme stripped; port 443 stays in the token', async () => {
    const t = await lib.rdsAuthToken({ hostname: 'MyDB.x.us-east-1.rds.amazonaws.com', port: 443, username: 'a b', region: 'us-east-1', credentials: creds, signingDate: at })
    expect(t).toMatch(/^MyDB\.x\.us-east-1\.rds\.amazonaws\.com:443\/\?Action=connect&DBUser=a%20b&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240229%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20240229T235959Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2F%2B%3D&X-Amz-Signature=[0-9a-f]{64}$/)
  })

  test('DSQL: DbConnect by default, DbConnectAdmin with admin: true', async () => {
    const base = { hostname: 'abc.dsql.us-east-1.on.aws', region: 'us-east-1', credentials: DOC_CREDENTIALS, signingDate: at }
    expect(await lib.dsqlAuthToken(base)).toMatch(/^abc\.dsql\.us-east-1\.on\.aws\/\?Action=DbConnect&X-Amz-Algorithm=.*&X-Amz-Expires=900&/)
    expect(await lib.dsqlAuthToken({ ...base, admin: true, expiresIn: 604800 })).toMatch(/^abc\.dsql\.us-east-1\.on\.aws\/\?Action=DbConnectAdmin&.*&X-Amz-Expires=604800&/)
  })

  test('ElastiCache: ResourceType=ServerlessCache only for serverless caches; MemoryDB signs with memorydb', async () => {
    const base = { cacheName: 'my-cache', userId: 'app', region: 'eu-west-1', credentials: DOC_CREDENTIALS, signingDate: at }
    expect(await lib.elastiCacheAuthToken(base)).toMatch(/^my-cache\/\?Action=connect&User=app&X-Amz-Algorithm=.*%2Felasticache%2F.*&X-Amz-Expires=900&/)
    expect(await lib.elastiCacheAuthToken({ ...base, serverless: true })).toMatch(/^my-cache\/\?Action=connect&User=app&ResourceType=ServerlessCache&X-Amz-/)
    expect(await lib.memoryDbAuthToken({ clusterName: 'my-cluster', userName: 'app', region: 'eu-west-1', credentials: DOC_CREDENTIALS, signingDate: at })).toMatch(
      /^my-cluster\/\?Action=connect&User=app&X-Amz-Algorithm=.*%2Fmemorydb%2F/,
    )
  })

  test('EKS: k8s-aws-v1. + base64url without padding of a 60 s GetCallerIdentity URL signing x-k8s-aws-id', async () => {
    const t = await lib.eksToken({ clusterName: 'prod', region: 'cn-north-1', credentials: DOC_CREDENTIALS, signingDate: at })
    expect(t).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/)
    const url = decodeBase64Url(t.slice(11))
    expect(url).toMatch(/^https:\/\/sts\.cn-north-1\.amazonaws\.com\.cn\/\?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=.*&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=[0-9a-f]{64}$/)
    const v = await lib.verifyPresigned({ method: 'GET', url, headers: { 'x-k8s-aws-id': 'prod' } }, { credentials: () => DOC_CREDENTIALS, service: 'sts', now: Date.parse(at) })
    expect(v.ok).toBe(true)
    const other = await lib.verifyPresigned({ method: 'GET', url, headers: { 'x-k8s-aws-id': 'staging' } }, { credentials: () => DOC_CREDENTIALS, service: 'sts', now: Date.parse(at) })
    expect(other).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })

  test('STS: extra signed headers, a custom host, default 60 s', async () => {
    const url = await lib.stsCallerIdentityUrl({ region: 'us-east-1', credentials: DOC_CREDENTIALS, signingDate: at, headers: { 'X-Vault-AWS-IAM-Server-ID': 'vault.example.com' }, host: 'sts.amazonaws.com' })
    expect(url).toMatch(/^https:\/\/sts\.amazonaws\.com\/\?Action=GetCallerIdentity&Version=2011-06-15&.*&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-vault-aws-iam-server-id&X-Amz-Signature=/)
  })

  test('MSK: base64url of a sorted query with an unsigned User-Agent', async () => {
    const t = await lib.mskAuthToken({ region: 'eu-west-1', credentials: creds, signingDate: at })
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/)
    const url = decodeBase64Url(t)
    expect(url).toMatch(/^https:\/\/kafka\.eu-west-1\.amazonaws\.com\/\?Action=kafka-cluster%3AConnect&User-Agent=sigv4-presign&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[^&]+&X-Amz-Date=20240229T235959Z&X-Amz-Expires=900&X-Amz-Security-Token=[^&]+&X-Amz-Signature=[0-9a-f]{64}&X-Amz-SignedHeaders=host$/)
    const custom = decodeBase64Url(await lib.mskAuthToken({ region: 'eu-west-1', credentials: creds, signingDate: at, userAgent: 'my-app/1.0 (x)' }))
    expect(custom).toContain('&User-Agent=my-app%2F1.0%20%28x%29&')
    // The User-Agent is not signed: the signature is the same.
    expect(custom.slice(custom.indexOf('X-Amz-Signature'))).toBe(url.slice(url.indexOf('X-Amz-Signature')))
    const v = await lib.verifyPresigned({ method: 'GET', url: url.replace(/&User-Agent=[^&]*/, '') }, { credentials: () => creds, service: 'kafka-cluster', now: Date.parse(at) })
    expect(v.ok).toBe(true)
  })

  test('IoT: wss://endpoint/mqtt, the session token appended after signing', async () => {
    const url = await lib.iotWebSocketUrl({ endpoint: 'abc-ats.iot.us-east-1.amazonaws.com', region: 'us-east-1', credentials: creds, signingDate: at })
    expect(url).toMatch(/^wss:\/\/abc-ats\.iot\.us-east-1\.amazonaws\.com\/mqtt\?X-Amz-Algorithm=.*%2Fiotdevicegateway%2F.*&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2F%2B%3D&X-Amz-Signature=[0-9a-f]{64}$/)
    const https = 'https' + url.slice(3)
    const opts = { credentials: () => creds, service: 'iotdevicegateway', now: Date.parse(at) }
    expect((await lib.verifyPresigned({ method: 'GET', url: https }, { ...opts, signSessionToken: false })).ok).toBe(true)
    expect(await lib.verifyPresigned({ method: 'GET', url: https }, opts)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })

  test('Transcribe: port 8443 signed, its parameters first, identify-language without a language code', async () => {
    const url = await lib.transcribeStreamingUrl({
      region: 'us-west-2', credentials: DOC_CREDENTIALS, signingDate: at, mediaEncoding: 'ogg-opus', sampleRate: 48000,
      params: { 'identify-language': true, 'language-options': 'en-US,fr-FR', 'vocabulary-name': 'my vocab' },
    })
    expect(url).toMatch(/^wss:\/\/transcribestreaming\.us-west-2\.amazonaws\.com:8443\/stream-transcription-websocket\?media-encoding=ogg-opus&sample-rate=48000&identify-language=true&language-options=en-US%2Cfr-FR&vocabulary-name=my%20vocab&X-Amz-Algorithm=.*&X-Amz-Expires=300&/)
    const v = await lib.verifyPresigned({ method: 'GET', url: 'https' + url.slice(3) }, { credentials: () => DOC_CREDENTIALS, service: 'transcribe', now: Date.parse(at) })
    expect(v.ok).toBe(true)
  })

  test('signingDate defaults to now', async () => {
    vi.useFakeTimers({ now: new Date('2031-05-06T07:08:09.500Z'), toFake: ['Date'] })
    const t = await lib.rdsAuthToken({ hostname: 'db', port: 5432, username: 'u', region: 'us-east-1', credentials: DOC_CREDENTIALS })
    expect(t).toContain('&X-Amz-Date=20310506T070809Z&')
    expect(lib.rdsAuthTokenSync({ hostname: 'db', port: 5432, username: 'u', region: 'us-east-1', credentials: DOC_CREDENTIALS })).toBe(t)
  })
})

describe("AWS's documented algorithms (independent node:crypto implementations of the docs' sample code)", () => {
  const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
  const hmac = (k: Buffer | string, s: string) => createHmac('sha256', k).update(s, 'utf8').digest()
  /** The signing steps of the AWS IoT ("SigV4Utils.getSignedUrl") and Transcribe WebSocket documentation. */
  function documented(opts: { host: string; path: string; query: [string, string][]; region: string; service: string; amzDate: string; expires: number; token?: string; tokenSigned: boolean }): string {
    const { accessKeyId, secretAccessKey } = DOC_CREDENTIALS
    const date = opts.amzDate.slice(0, 8)
    const scope = `${date}/${opts.region}/${opts.service}/aws4_request`
    const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase())
    const params: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', enc(`${accessKeyId}/${scope}`)],
      ['X-Amz-Date', opts.amzDate],
      ['X-Amz-Expires', String(opts.expires)],
      ['X-Amz-SignedHeaders', 'host'],
      ...opts.query.map(([k, v]) => [k, enc(v)] as [string, string]),
    ]
    if (opts.token && opts.tokenSigned) params.push(['X-Amz-Security-Token', enc(opts.token)])
    const canonicalQuerystring = params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&')
    const canonicalRequest = ['GET', opts.path, canonicalQuerystring, `host:${opts.host}\n`, 'host', sha('')].join('\n')
    const stringToSign = ['AWS4-HMAC-SHA256', opts.amzDate, scope, sha(canonicalRequest)].join('\n')
    let key = hmac('AWS4' + secretAccessKey, date)
    for (const part of [opts.region, opts.service, 'aws4_request']) key = hmac(key, part)
    let url = `wss://${opts.host}${opts.path}?${canonicalQuerystring}&X-Amz-Signature=${createHmac('sha256', key).update(stringToSign).digest('hex')}`
    if (opts.token && !opts.tokenSigned) url += '&X-Amz-Security-Token=' + enc(opts.token)
    return url
  }

  test('AWS IoT MQTT over WebSocket', async () => {
    for (const token of [undefined, 'IQoJb3JpZ2luX2VjEXAMPLE/+==']) {
      const credentials = { ...DOC_CREDENTIALS, sessionToken: token }
      const ours = await lib.iotWebSocketUrl({ endpoint: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com', region: 'eu-west-1', credentials, signingDate: at, expiresIn: 86400 })
      const theirs = documented({ host: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com', path: '/mqtt', query: [], region: 'eu-west-1', service: 'iotdevicegateway', amzDate: '20240229T235959Z', expires: 86400, token, tokenSigned: false })
      expect(urlParts(ours)).toEqual(urlParts(theirs))
    }
  })

  test('Amazon Transcribe streaming', async () => {
    const token = 'IQoJb3JpZ2luX2VjEXAMPLE/+=='
    const ours = await lib.transcribeStreamingUrl({ region: 'us-west-2', credentials: { ...DOC_CREDENTIALS, sessionToken: token }, signingDate: at, languageCode: 'en-US', mediaEncoding: 'flac', sampleRate: 16000, expiresIn: 250 })
    const theirs = documented({
      host: 'transcribestreaming.us-west-2.amazonaws.com:8443', path: '/stream-transcription-websocket',
      query: [['language-code', 'en-US'], ['media-encoding', 'flac'], ['sample-rate', '16000']],
      region: 'us-west-2', service: 'transcribe', amzDate: '20240229T235959Z', expires: 250, token, tokenSigned: true,
    })
    expect(urlParts(ours)).toEqual(urlParts(theirs))
  })
})

// docs/beyond-s3.md is the guide to the recipes; the README lists them and links to it.
describe('docs/beyond-s3.md: Beyond S3', () => {
  const section = readFileSync(join(projectRoot, 'docs', 'beyond-s3.md'), 'utf8')
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8')
  test('documents every recipe and the vector counts as generated', () => {
    expect(section.startsWith('# Beyond S3')).toBe(true)
    expect(readme).toContain('](docs/beyond-s3.md)')
    for (const name of ['rdsAuthToken', 'dsqlAuthToken', 'elastiCacheAuthToken', 'memoryDbAuthToken', 'eksToken', 'mskAuthToken', 'iotWebSocketUrl', 'transcribeStreamingUrl', 'stsCallerIdentityUrl']) {
      expect(section).toContain('`' + name + '(')
      expect(readme).toContain('`' + name + '`')
      expect(typeof (lib as Record<string, unknown>)[name + 'Sync']).toBe('function')
    }
    expect(section).toContain(`${cases.length} seeded random cases`)
    const c = doc.counts
    expect(section).toContain(`${c['rds']} RDS, ${c['dsql']} DSQL,\n  ${c['elasticache']} ElastiCache, ${c['memorydb']} MemoryDB, ${c['sts']} STS, ${c['eks']} EKS`)
  })
})
