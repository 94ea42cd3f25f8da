/**
 * Bad input to the "beyond S3" recipes: a PresignError with a stable code and field, a message that starts
 * with the field, and never a secret or session token. The async recipe rejects; its Sync twin throws the same.
 */
import { describe, expect, test } from 'vitest'
import * as lib from '../../src/index.js'
import { PresignError, type PresignErrorCode } from '../../src/index.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'

const TOKEN = 'FQoGZXIvYXdzEXAMPLESESSIONTOKEN/+=='
const credentials = { ...DOC_CREDENTIALS, sessionToken: TOKEN }
const common = { credentials, region: 'us-east-1', signingDate: '2024-01-01T00:00:00Z' }

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (o: any) => any
const recipes: Record<string, { async: AnyFn; sync: AnyFn; valid: Record<string, unknown> }> = {
  rds: { async: lib.rdsAuthToken, sync: lib.rdsAuthTokenSync, valid: { ...common, hostname: 'db.example.com', port: 5432, username: 'app' } },
  dsql: { async: lib.dsqlAuthToken, sync: lib.dsqlAuthTokenSync, valid: { ...common, hostname: 'abc.dsql.us-east-1.on.aws' } },
  elasticache: { async: lib.elastiCacheAuthToken, sync: lib.elastiCacheAuthTokenSync, valid: { ...common, cacheName: 'my-cache', userId: 'app' } },
  memorydb: { async: lib.memoryDbAuthToken, sync: lib.memoryDbAuthTokenSync, valid: { ...common, clusterName: 'my-cluster', userName: 'app' } },
  eks: { async: lib.eksToken, sync: lib.eksTokenSync, valid: { ...common, clusterName: 'prod' } },
  sts: { async: lib.stsCallerIdentityUrl, sync: lib.stsCallerIdentityUrlSync, valid: { ...common } },
  msk: { async: lib.mskAuthToken, sync: lib.mskAuthTokenSync, valid: { ...common } },
  iot: { async: lib.iotWebSocketUrl, sync: lib.iotWebSocketUrlSync, valid: { ...common, endpoint: 'abc-ats.iot.us-east-1.amazonaws.com' } },
  transcribe: { async: lib.transcribeStreamingUrl, sync: lib.transcribeStreamingUrlSync, valid: { ...common, languageCode: 'en-US', mediaEncoding: 'pcm', sampleRate: 16000 } },
}

function check(caught: unknown, code: PresignErrorCode, field: string): void {
  expect(caught, 'expected a PresignError').toBeInstanceOf(PresignError)
  const err = caught as PresignError
  expect([err.code, err.field]).toEqual([code, field])
  expect(err.message.startsWith(field + ': ')).toBe(true)
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '', JSON.stringify(Object.entries(err))]) {
    expect(text).not.toContain(DOC_SECRET)
    expect(text).not.toContain(TOKEN)
  }
}

type Case = [recipe: string, label: string, code: PresignErrorCode, field: string, patch: Record<string, unknown>]
const all = Object.keys(recipes)
const cases: Case[] = [
  // Shared inputs, for every recipe.
  ...all.flatMap((r): Case[] => [
    [r, 'no credentials', 'InvalidCredentials', 'options.credentials', { credentials: undefined }],
    [r, 'empty secret', 'InvalidCredentials', 'options.credentials.secretAccessKey', { credentials: { accessKeyId: 'AKIA', secretAccessKey: '' } }],
    [r, 'no region', 'InvalidRegion', 'options.region', { region: undefined }],
    [r, 'region with a dot', 'InvalidRegion', 'options.region', { region: 'us-east-1.evil.com' }],
    [r, 'upper-case region', 'InvalidRegion', 'options.region', { region: 'US-EAST-1' }],
    [r, 'region with a slash', 'InvalidRegion', 'options.region', { region: 'us/east' }],
    [r, 'bad signing date', 'InvalidDate', 'options.signingDate', { signingDate: 'yesterday' }],
  ]),
  // RDS
  ['rds', 'hostname with a scheme', 'InvalidOption', 'options.hostname', { hostname: 'https://db.example.com' }],
  ['rds', 'hostname with a port', 'InvalidOption', 'options.hostname', { hostname: 'db.example.com:5432' }],
  ['rds', 'hostname with a path', 'InvalidOption', 'options.hostname', { hostname: 'db.example.com/x' }],
  ['rds', 'hostname with user info', 'InvalidOption', 'options.hostname', { hostname: 'u@db.example.com' }],
  ['rds', 'empty hostname', 'InvalidOption', 'options.hostname', { hostname: '' }],
  ['rds', 'hostname with an empty label', 'InvalidOption', 'options.hostname', { hostname: 'db..example.com' }],
  ['rds', 'hostname with a space', 'InvalidOption', 'options.hostname', { hostname: 'db example.com' }],
  ['rds', 'missing port', 'InvalidOption', 'options.port', { port: undefined }],
  ['rds', 'port 0', 'InvalidOption', 'options.port', { port: 0 }],
  ['rds', 'port 65536', 'InvalidOption', 'options.port', { port: 65536 }],
  ['rds', 'port 5432.5', 'InvalidOption', 'options.port', { port: 5432.5 }],
  ['rds', 'port as a string', 'InvalidOption', 'options.port', { port: '5432' }],
  ['rds', 'port NaN', 'InvalidOption', 'options.port', { port: Number.NaN }],
  ['rds', 'empty username', 'InvalidOption', 'options.username', { username: '' }],
  ['rds', 'missing username', 'InvalidOption', 'options.username', { username: undefined }],
  ['rds', 'username with a lone surrogate', 'InvalidString', 'options.username', { username: 'a\ud800b' }],
  // DSQL
  ['dsql', 'hostname with a scheme', 'InvalidOption', 'options.hostname', { hostname: 'https://abc.dsql.us-east-1.on.aws' }],
  ['dsql', 'admin as a string', 'InvalidOption', 'options.admin', { admin: 'yes' }],
  ['dsql', 'expiresIn 0', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 0 }],
  ['dsql', 'expiresIn over a week', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 604801 }],
  ['dsql', 'expiresIn 1.5', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 1.5 }],
  // ElastiCache / MemoryDB
  ['elasticache', 'endpoint instead of the name', 'InvalidOption', 'options.cacheName', { cacheName: 'my-cache.abc123.cache.amazonaws.com' }],
  ['elasticache', 'empty cache name', 'InvalidOption', 'options.cacheName', { cacheName: '' }],
  ['elasticache', 'cache name with an underscore', 'InvalidOption', 'options.cacheName', { cacheName: 'my_cache' }],
  ['elasticache', 'empty user id', 'InvalidOption', 'options.userId', { userId: '' }],
  ['elasticache', 'user id not a string', 'InvalidOption', 'options.userId', { userId: 42 }],
  ['elasticache', 'serverless as a string', 'InvalidOption', 'options.serverless', { serverless: 'true' }],
  ['memorydb', 'endpoint instead of the name', 'InvalidOption', 'options.clusterName', { clusterName: 'clustercfg.my-cluster.abc.memorydb.us-east-1.amazonaws.com' }],
  ['memorydb', 'empty user name', 'InvalidOption', 'options.userName', { userName: '' }],
  ['memorydb', 'user name with a lone surrogate', 'InvalidString', 'options.userName', { userName: '\udc00' }],
  // EKS / STS
  ['eks', 'empty cluster name', 'InvalidOption', 'options.clusterName', { clusterName: '' }],
  ['eks', 'cluster name with a space', 'InvalidOption', 'options.clusterName', { clusterName: 'my cluster' }],
  ['eks', 'cluster name too long', 'InvalidOption', 'options.clusterName', { clusterName: 'a'.repeat(101) }],
  ['eks', 'cluster ARN', 'InvalidOption', 'options.clusterName', { clusterName: 'arn:aws:eks:us-east-1:123456789012:cluster/prod' }],
  ['eks', 'expiresIn over 15 minutes', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 901 }],
  ['eks', 'custom host with a scheme', 'InvalidOption', 'options.host', { host: 'https://sts.amazonaws.com' }],
  ['sts', 'expiresIn over a week', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 604801 }],
  ['sts', 'expiresIn negative', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: -60 }],
  ['sts', 'a host header', 'InvalidHeader', 'options.headers["host"]', { headers: { Host: 'sts.amazonaws.com' } }],
  ['sts', 'a header name that is not a token', 'InvalidHeader', 'options.headers', { headers: { 'bad name': 'x' } }],
  ['sts', 'a header value with a line break', 'InvalidHeader', 'options.headers["x-a"]', { headers: { 'x-a': 'a\nb' } }],
  ['sts', 'custom host with a path', 'InvalidOption', 'options.host', { host: 'sts.amazonaws.com/x' }],
  // MSK
  ['msk', 'expiresIn over 15 minutes', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 901 }],
  ['msk', 'empty user agent', 'InvalidOption', 'options.userAgent', { userAgent: '' }],
  ['msk', 'user agent with a line break', 'InvalidOption', 'options.userAgent', { userAgent: 'a\nb' }],
  // IoT
  ['iot', 'endpoint as a wss URL', 'InvalidOption', 'options.endpoint', { endpoint: 'wss://abc-ats.iot.us-east-1.amazonaws.com/mqtt' }],
  ['iot', 'missing endpoint', 'InvalidOption', 'options.endpoint', { endpoint: undefined }],
  ['iot', 'expiresIn over a week', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 604801 }],
  // Transcribe
  ['transcribe', 'expiresIn over 300 s', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 301 }],
  ['transcribe', 'expiresIn 0', 'InvalidExpiresIn', 'options.expiresIn', { expiresIn: 0 }],
  ['transcribe', 'unknown media encoding', 'InvalidOption', 'options.mediaEncoding', { mediaEncoding: 'mp3' }],
  ['transcribe', 'sample rate too low', 'InvalidOption', 'options.sampleRate', { sampleRate: 4000 }],
  ['transcribe', 'sample rate too high', 'InvalidOption', 'options.sampleRate', { sampleRate: 96000 }],
  ['transcribe', 'sample rate as a string', 'InvalidOption', 'options.sampleRate', { sampleRate: '16000' }],
  ['transcribe', 'no language and no identification', 'InvalidOption', 'options.languageCode', { languageCode: undefined }],
  ['transcribe', 'identify-language false and no language', 'InvalidOption', 'options.languageCode', { languageCode: undefined, params: { 'identify-language': false } }],
  ['transcribe', 'a malformed language code', 'InvalidOption', 'options.languageCode', { languageCode: 'en US' }],
  ['transcribe', 'params not an object', 'InvalidOption', 'options.params', { params: 'vocabulary-name=x' }],
  ['transcribe', 'language-code in params', 'InvalidOption', 'options.params["language-code"]', { params: { 'language-code': 'en-US' } }],
  ['transcribe', 'an X-Amz parameter', 'InvalidOption', 'options.params["X-Amz-Expires"]', { params: { 'X-Amz-Expires': '900' } }],
  ['transcribe', 'a parameter value that is an object', 'InvalidOption', 'options.params["vocabulary-name"]', { params: { 'vocabulary-name': {} } }],
  ['transcribe', 'a parameter value that is NaN', 'InvalidOption', 'options.params["number-of-channels"]', { params: { 'number-of-channels': Number.NaN } }],
]

describe('recipes reject bad input with typed errors', () => {
  test.each(all)('%s: the valid base input works', async (r) => {
    const { async, sync, valid } = recipes[r]!
    expect(await async(valid)).toBe(sync(valid))
  })
  test.each(all)('%s: options that are not an object', async (r) => {
    const { async, sync } = recipes[r]!
    for (const bad of [undefined, null, 'x', 42]) {
      check(await async(bad).then(() => undefined, (e: unknown) => e), 'InvalidOption', 'options')
      let thrown: unknown
      try {
        sync(bad)
      } catch (e) {
        thrown = e
      }
      check(thrown, 'InvalidOption', 'options')
    }
  })
  test.each(cases)('%s: %s', async (r, _label, code, field, patch) => {
    const { async, sync, valid } = recipes[r]!
    const input = { ...valid, ...patch }
    check(await async(input).then(() => undefined, (e: unknown) => e), code, field)
    let thrown: unknown
    try {
      sync(input)
    } catch (e) {
      thrown = e
    }
    check(thrown, code, field)
  })
})
