/**
 * Bad and hostile input to the Cloud Storage signers: every case is a PresignError with a stable code, a field and a
 * message naming the field, and no message, stack or property (nor any result) ever contains the private key (not
 * even a 12-character piece of its base64) or the HMAC secret. Malformed key files, PKCS#1, encrypted and non-RSA
 * keys (EC and Ed25519 made here with Web Crypto, RSA-PSS), expiry out of range, bad buckets, keys, endpoints,
 * headers and query parameters; the parsers are bounded and linear (1 MB of hostile input is refused in
 * milliseconds).
 */
import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  type GcsCredentials,
  type GcsLocation,
  type GcsPostLocation,
  parseGcsKeyFile,
  PresignError,
  type PresignErrorCode,
  presignGcs,
  presignGcsDetailed,
  presignGcsPost,
  type PresignGcsOptions,
  type PresignGcsPostOptions,
} from '../../src/gcs/index.js'
import { rejection as expectRejection } from '../helpers/fixtures.js'

const HMAC = { accessId: 'GOOG1EXAMPLEACCESSID0123456789', secret: 'hMaC/Secret+Value0123456789abcdefghijklmn' }
const EMAIL = 'signer@dummy-project-id.iam.gserviceaccount.com'

const toPem = (der: ArrayBuffer, label: string): string =>
  `-----BEGIN ${label}-----\n${(Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`

/** The keys: a valid RSA key (Web Crypto) and every kind of key that must be refused. */
const keys: Record<string, string> = {}
/** Every piece of secret material that must never appear: the PEMs' base64 bodies and the HMAC secret. */
const secrets: string[] = [HMAC.secret]

beforeAll(async () => {
  const rsa = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair
  keys['rsa'] = toPem(await crypto.subtle.exportKey('pkcs8', rsa.privateKey), 'PRIVATE KEY')
  const ec = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  keys['ec'] = toPem(await crypto.subtle.exportKey('pkcs8', ec.privateKey), 'PRIVATE KEY')
  const ed = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
  keys['ed25519'] = toPem(await crypto.subtle.exportKey('pkcs8', ed.privateKey), 'PRIVATE KEY')
  const nodeRsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  keys['pkcs1'] = nodeRsa.export({ type: 'pkcs1', format: 'pem' }) as string
  keys['encrypted'] = nodeRsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass phrase' }) as string
  keys['pss'] = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  // PrivateKeyInfo { 0, { rsaEncryption, NULL }, OCTET STRING { 01 02 03 } }: our structural check passes, Web Crypto refuses it.
  const bogus = Uint8Array.from([0x30, 0x17, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x03, 0x01, 0x02, 0x03])
  keys['bogusRsa'] = toPem(bogus.buffer, 'PRIVATE KEY')
  for (const pem of Object.values(keys)) secrets.push(pem.replace(/-----[^-]+-----|\s/g, ''))
})

const keyFile = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'service_account', client_email: EMAIL, private_key: keys['rsa'], ...extra })

/** No secret, nor any 12-character piece of one, in any text an error or a result exposes. */
function expectNoSecret(value: unknown): void {
  const texts = value instanceof Error ? [value.message, String(value), value.stack ?? '', JSON.stringify(value), JSON.stringify(Object.entries(value)), String((value as { cause?: unknown }).cause ?? '')] : [JSON.stringify(value)]
  for (const secret of secrets) {
    for (let i = 0; i + 12 <= secret.length; i += 3) {
      const piece = secret.slice(i, i + 12)
      for (const text of texts) if (text.includes(piece)) throw new Error(`secret material ${JSON.stringify(piece)} found in ${JSON.stringify(text.slice(0, 200))}`)
    }
  }
}

/** A rejection (see test/helpers/fixtures.ts) whose error holds no piece of a key, and no `cause`. */
const rejection = (run: () => Promise<unknown>): Promise<PresignError> =>
  expectRejection(run, (err) => {
    expectNoSecret(err)
    expect('cause' in err).toBe(false)
  })

type Case = [label: string, code: PresignErrorCode, field: string, message: RegExp | undefined, location: () => Partial<Record<keyof GcsLocation, unknown>>, options: () => Partial<Record<keyof PresignGcsOptions, unknown>>]

const none = () => ({})
const creds = (credentials: () => unknown) => () => ({ credentials: credentials() })
const loc = (location: Partial<Record<keyof GcsLocation, unknown>>) => () => location

const keyFileCases: Case[] = [
  ['credentials missing', 'InvalidCredentials', 'options.credentials', undefined, none, creds(() => undefined)],
  ['credentials null', 'InvalidCredentials', 'options.credentials', undefined, none, creds(() => null)],
  ['key file text not JSON', 'InvalidKeyFile', 'options.credentials', /not valid JSON/, none, creds(() => 'client_email: x')],
  ['key file text cut inside the private key', 'InvalidKeyFile', 'options.credentials', /not valid JSON/, none, creds(() => JSON.stringify(keyFile()).slice(0, 900))],
  ['key file text with a stray comma after the key', 'InvalidKeyFile', 'options.credentials', /not valid JSON/, none, creds(() => JSON.stringify(keyFile()).replace('"private_key":', ',"private_key":'))],
  ['key file text of an array', 'InvalidKeyFile', 'options.credentials', /service-account key file/, none, creds(() => '[1,2]')],
  ['key file text of null', 'InvalidKeyFile', 'options.credentials', /service-account key file/, none, creds(() => 'null')],
  ['key file a number', 'InvalidKeyFile', 'options.credentials', /service-account key file/, none, creds(() => 42)],
  ['key file text over 64 KiB', 'InvalidKeyFile', 'options.credentials', /longer than 65536/, none, creds(() => JSON.stringify(keyFile({ pad: 'x'.repeat(70000) })))],
  ['type authorized_user', 'InvalidKeyFile', 'options.credentials.type', /"authorized_user"/, none, creds(() => keyFile({ type: 'authorized_user' }))],
  ['type not a string', 'InvalidKeyFile', 'options.credentials.type', /not a string/, none, creds(() => keyFile({ type: 7 }))],
  ['client_email missing', 'InvalidKeyFile', 'options.credentials.client_email', /email/, none, creds(() => keyFile({ client_email: undefined }))],
  ['client_email without @', 'InvalidKeyFile', 'options.credentials.client_email', /email/, none, creds(() => keyFile({ client_email: 'signer' }))],
  ['client_email with a slash', 'InvalidKeyFile', 'options.credentials.client_email', /email/, none, creds(() => keyFile({ client_email: 'a/b@c.d' }))],
  ['client_email with a space', 'InvalidKeyFile', 'options.credentials.client_email', /email/, none, creds(() => keyFile({ client_email: 'a b@c.d' }))],
  ['private_key missing', 'InvalidKeyFile', 'options.credentials.private_key', /PKCS#8/, none, creds(() => keyFile({ private_key: undefined }))],
  ['private_key empty', 'InvalidKeyFile', 'options.credentials.private_key', /empty string/, none, creds(() => keyFile({ private_key: '' }))],
  ['private_key a number', 'InvalidKeyFile', 'options.credentials.private_key', /a number/, none, creds(() => keyFile({ private_key: 12345 }))],
  ['PKCS#1 RSA key', 'InvalidKeyFile', 'options.credentials.private_key', /PKCS#1.*openssl pkcs8 -topk8 -nocrypt/, none, creds(() => keyFile({ private_key: keys['pkcs1'] }))],
  ['encrypted PKCS#8 key', 'InvalidKeyFile', 'options.credentials.private_key', /encrypted/, none, creds(() => keyFile({ private_key: keys['encrypted'] }))],
  ['EC key (Web Crypto, PKCS#8)', 'InvalidKeyFile', 'options.credentials.private_key', /is an EC key; GOOG4-RSA-SHA256 needs/, none, creds(() => keyFile({ private_key: keys['ec'] }))],
  ['Ed25519 key (Web Crypto, PKCS#8)', 'InvalidKeyFile', 'options.credentials.private_key', /is an Ed25519 key/, none, creds(() => keyFile({ private_key: keys['ed25519'] }))],
  ['RSA-PSS key', 'InvalidKeyFile', 'options.credentials.private_key', /is an RSASSA-PSS key/, none, creds(() => keyFile({ private_key: keys['pss'] }))],
  ['EC key as JSON text', 'InvalidKeyFile', 'options.credentials.private_key', /is an EC key/, none, creds(() => JSON.stringify(keyFile({ private_key: keys['ec'] })))],
  ['a certificate', 'InvalidKeyFile', 'options.credentials.private_key', /PEM "CERTIFICATE"/, none, creds(() => keyFile({ private_key: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' }))],
  ['not a PEM', 'InvalidKeyFile', 'options.credentials.private_key', /not a PEM private key/, none, creds(() => keyFile({ private_key: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' }))],
  ['PEM without its END line', 'InvalidKeyFile', 'options.credentials.private_key', /must end with/, none, creds(() => keyFile({ private_key: keys['rsa']!.replace('-----END PRIVATE KEY-----', '') }))],
  ['PEM body not base64', 'InvalidKeyFile', 'options.credentials.private_key', /not base64/, none, creds(() => keyFile({ private_key: keys['rsa']!.replace(/\n(.)/, '\n*$1') }))],
  ['PEM body with bad padding', 'InvalidKeyFile', 'options.credentials.private_key', /not base64/, none, creds(() => keyFile({ private_key: keys['rsa']!.replace(/\n-----END/, 'A\n-----END') }))],
  ['PEM over 16 KiB', 'InvalidKeyFile', 'options.credentials.private_key', /longer than 16384/, none, creds(() => keyFile({ private_key: keys['rsa']!.replace('\n', '\n' + ' '.repeat(17000)) }))],
  ['DER not PrivateKeyInfo', 'InvalidKeyFile', 'options.credentials.private_key', /not a PKCS#8 private key/, none, creds(() => keyFile({ private_key: '-----BEGIN PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END PRIVATE KEY-----' }))],
  ['DER cut short', 'InvalidKeyFile', 'options.credentials.private_key', /not a PKCS#8 private key/, none, creds(() => keyFile({ private_key: `-----BEGIN PRIVATE KEY-----\n${secrets[1]!.slice(0, 400)}\n-----END PRIVATE KEY-----` }))],
  ['RSA OID but no RSA key inside', 'InvalidKeyFile', 'options.credentials.private_key', /could not be imported/, none, creds(() => keyFile({ private_key: keys['bogusRsa'] }))],
  ['HMAC access id empty', 'InvalidCredentials', 'options.credentials.accessId', /non-empty ASCII/, none, creds(() => ({ ...HMAC, accessId: '' }))],
  ['HMAC access id with a slash', 'InvalidCredentials', 'options.credentials.accessId', /without spaces or "\/"/, none, creds(() => ({ ...HMAC, accessId: 'GOOG1/x' }))],
  ['HMAC access id not a string', 'InvalidCredentials', 'options.credentials.accessId', /non-empty ASCII/, none, creds(() => ({ ...HMAC, accessId: 7 }))],
  ['HMAC secret missing', 'InvalidCredentials', 'options.credentials.secret', /non-empty string/, none, creds(() => ({ accessId: HMAC.accessId }))],
  ['HMAC secret empty', 'InvalidCredentials', 'options.credentials.secret', /non-empty string/, none, creds(() => ({ ...HMAC, secret: '' }))],
  ['HMAC secret with a lone surrogate', 'InvalidCredentials', 'options.credentials.secret', /lone surrogate/, none, creds(() => ({ ...HMAC, secret: HMAC.secret + '\uD800' }))],
]

const optionCases: Case[] = [
  ['options null', 'InvalidOption', 'options', undefined, none, () => null as never],
  ['expiresIn 0', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, none, () => ({ expiresIn: 0 })],
  ['expiresIn -1', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, none, () => ({ expiresIn: -1 })],
  ['expiresIn 1.5', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, none, () => ({ expiresIn: 1.5 })],
  ['expiresIn NaN', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, none, () => ({ expiresIn: Number.NaN })],
  ['expiresIn Infinity', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, none, () => ({ expiresIn: Number.POSITIVE_INFINITY })],
  ['expiresIn 604801', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, none, () => ({ expiresIn: 604801 })],
  ['expiresIn a string', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, none, () => ({ expiresIn: '60' })],
  ['signingDate not a date', 'InvalidDate', 'options.signingDate', undefined, none, () => ({ signingDate: 'yesterday' })],
  ['signingDate before 1970', 'InvalidDate', 'options.signingDate', undefined, none, () => ({ signingDate: -1000 })],
  ['region with a space', 'InvalidRegion', 'options.region', undefined, none, () => ({ region: 'us east' })],
  ['region empty', 'InvalidRegion', 'options.region', undefined, none, () => ({ region: '' })],
  ['method with a space', 'InvalidMethod', 'options.method', undefined, none, () => ({ method: 'GET X' })],
  ['header name with a newline', 'InvalidHeader', 'options.headers', /HTTP tokens as header names/, none, () => ({ headers: { 'x-a\nb': '1' } })],
  ['header name with a colon', 'InvalidHeader', 'options.headers', undefined, none, () => ({ headers: { 'x-a:b': '1' } })],
  ['header value with CRLF', 'InvalidHeader', 'options.headers["x-a"]', undefined, none, () => ({ headers: { 'x-a': 'one\r\nx-evil: 1' } })],
  ['header value non-ASCII', 'InvalidHeader', 'options.headers["x-goog-meta-name"]', undefined, none, () => ({ headers: { 'x-goog-meta-name': 'café' } })],
  ['host header differing from the URL', 'InvalidHeader', 'options.headers["host"]', /storage\.googleapis\.com/, none, () => ({ headers: { host: 'evil.example' } })],
  ['x-goog-content-sha256 not hex', 'InvalidHeader', 'options.headers["x-goog-content-sha256"]', /hex SHA-256/, none, () => ({ headers: { 'x-goog-content-sha256': 'zz' } })],
  ['location null', 'InvalidOption', 'location', undefined, () => null as never, none],
]

const bucketCases: Case[] = [
  ...['', 'ab', 'Bucket', '-abc', 'abc-', '_abc', 'a'.repeat(64), `a.${'b'.repeat(64)}`, 'a'.repeat(223), '192.168.1.1', 'a..b', 'bu cket', 'b/x', 'bücket', 'bucket\n'].map(
    (bucket): Case => [`bucket ${JSON.stringify(bucket.length > 20 ? bucket.slice(0, 8) + '…' : bucket)}`, 'InvalidBucket', 'location.bucket', /naming rules/, loc({ bucket }), none],
  ),
  ['bucket not a string', 'InvalidBucket', 'location.bucket', /naming rules/, loc({ bucket: 42 }), none],
  ['bucket missing', 'InvalidBucket', 'location.bucket', /naming rules/, loc({ bucket: undefined }), none],
  ['bucket with "_", virtual-hosted', 'InvalidBucket', 'location.bucket', /"_"/, loc({ bucket: 'my_bucket', virtualHostedStyle: true }), none],
]

const locationCases: Case[] = [
  ['key "."', 'InvalidKey', 'location.key', /"\." or "\.\."/, loc({ key: '.' }), none],
  ['key with a ".." segment', 'InvalidKey', 'location.key', /"\." or "\.\."/, loc({ key: 'a/../b' }), none],
  ['key with a line feed', 'InvalidKey', 'location.key', /line feeds/, loc({ key: 'a\nb' }), none],
  ['key with a lone surrogate', 'InvalidString', 'location.key', /lone surrogates/, loc({ key: 'a\uD800' }), none],
  ['key over 1024 bytes', 'InvalidKey', 'location.key', /1024 bytes/, loc({ key: 'é'.repeat(513) }), none],
  ['key not a string', 'InvalidKey', 'location.key', undefined, loc({ key: 42 }), none],
  ...['ftp://x.example', 'http://x.example/prefix', 'http://x.example?q=1', 'http://x.example#f', 'http://user@x.example', 'http://x.example:0', 'http://x.example:70000', '', 'http://bücher.example', 'http://', 42].map(
    (endpoint): Case => [`endpoint ${JSON.stringify(endpoint)}`, 'InvalidUrl', 'location.endpoint', /http\(s\):\/\/HOST\[:PORT\]/, loc({ endpoint }), none],
  ),
  ['bucket-bound hostname with a path', 'InvalidUrl', 'location.bucketBoundHostname', undefined, loc({ bucketBoundHostname: 'https://cdn.example.com/x' }), none],
  ['virtual-hosted and an endpoint', 'InvalidOption', 'location.virtualHostedStyle', /location\.endpoint/, loc({ virtualHostedStyle: true, endpoint: 'http://localhost:9000' }), none],
  ['an endpoint and a universe domain', 'InvalidOption', 'location.universeDomain', /location\.endpoint/, loc({ universeDomain: 'domain.com', endpoint: 'http://localhost:9000' }), none],
  ['a bucket-bound hostname and an endpoint', 'InvalidOption', 'location.endpoint', /location\.bucketBoundHostname/, loc({ bucketBoundHostname: 'cdn.example.com', endpoint: 'http://localhost:9000' }), none],
  ['a bucket-bound hostname, virtual-hosted', 'InvalidOption', 'location.virtualHostedStyle', /location\.bucketBoundHostname/, loc({ bucketBoundHostname: 'cdn.example.com', virtualHostedStyle: true }), none],
  ['virtualHostedStyle a string', 'InvalidOption', 'location.virtualHostedStyle', /true or false/, loc({ virtualHostedStyle: 'false' }), none],
  ['universe domain not a domain', 'InvalidOption', 'location.universeDomain', /domain name/, loc({ universeDomain: 'not a domain' }), none],
  // Found in review: empty labels and a label of just "-" were accepted (https://storage.a..com/...).
  ...['a..com', 'a.-.com', '.a.com', 'a-.com'].map((universeDomain): Case => [`universe domain ${JSON.stringify(universeDomain)}`, 'InvalidOption', 'location.universeDomain', /domain name/, loc({ universeDomain }), none]),
  ['query a string', 'InvalidOption', 'location.query', undefined, loc({ query: 'a=b' }), none],
  ['query value a number', 'InvalidOption', 'location.query["a"]', undefined, loc({ query: { a: 1 } }), none],
  ['query with an empty name', 'InvalidOption', 'location.query', undefined, loc({ query: { '': 'x' } }), none],
  ['query with X-Goog-Signature', 'AlreadySigned', 'location.query["X-Goog-Signature"]', /signing parameter/, loc({ query: { 'X-Goog-Signature': 'x' } }), none],
  ['query with x-goog-date', 'AlreadySigned', 'location.query["x-goog-date"]', /signing parameter/, loc({ query: { 'x-goog-date': '1' } }), none],
  ['query value with a lone surrogate', 'InvalidString', 'location.query["a"]', undefined, loc({ query: { a: '\uDC00' } }), none],
]

const base = (): { location: GcsLocation; options: PresignGcsOptions } => ({
  location: { bucket: 'test-bucket', key: 'test-object' },
  options: { credentials: keyFile() as GcsCredentials, signingDate: '2019-02-01T09:00:00Z', expiresIn: 60 },
})

describe('presignGcs rejects bad input with typed errors that never contain a secret', () => {
  test.each([...keyFileCases, ...optionCases, ...bucketCases, ...locationCases])('%s', async (_label, code, field, message, location, options) => {
    const b = base()
    const l = location()
    const o = options()
    const loc2 = l === null ? null : { ...b.location, ...l }
    const opt2 = o === null ? null : { ...b.options, ...o }
    const err = await rejection(() => presignGcs(loc2 as GcsLocation, opt2 as PresignGcsOptions))
    expect([err.code, err.field]).toEqual([code, field])
    if (message) expect(err.message).toMatch(message)
    // presignGcsDetailed validates the same way.
    const again = await rejection(() => presignGcsDetailed(loc2 as GcsLocation, opt2 as PresignGcsOptions))
    expect([again.code, again.field, again.message]).toEqual([err.code, err.field, err.message])
  })
})

describe('presignGcsPost rejects bad input with the same errors (and its own)', () => {
  const post = (location: Partial<GcsPostLocation>, options: Partial<PresignGcsPostOptions>) =>
    presignGcsPost({ bucket: 'test-bucket', key: 'k', ...location } as GcsPostLocation, { credentials: keyFile() as GcsCredentials, ...options })

  test.each([...keyFileCases.filter(([, code]) => code === 'InvalidKeyFile' || code === 'InvalidCredentials')])('%s', async (_label, code, field, message, _location, options) => {
    const err = await rejection(() => post({}, options() as Partial<PresignGcsPostOptions>))
    expect([err.code, err.field]).toEqual([code, field])
    if (message) expect(err.message).toMatch(message)
  })

  const postCases: Array<[string, PresignErrorCode, string, RegExp, Partial<GcsPostLocation>, Partial<Record<keyof PresignGcsPostOptions, unknown>>]> = [
    ['expiresIn 0', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, {}, { expiresIn: 0 }],
    ['expiresIn 604801', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, {}, { expiresIn: 604801 }],
    ['expiresIn 1.5', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, {}, { expiresIn: 1.5 }],
    ['expiresIn NaN', 'InvalidExpiresIn', 'options.expiresIn', /1\.\.604800/, {}, { expiresIn: Number.NaN }],
    // Found in review: the policy's expiration was written as "+010000-01-01T00:59:59Z".
    ['an expiration in year 10000', 'InvalidExpiresIn', 'options.expiresIn', /9999-12-31T23:59:59Z/, {}, { signingDate: '9999-12-31T23:59:59Z', expiresIn: 3600 }],
    ['bad bucket', 'InvalidBucket', 'location.bucket', /naming rules/, { bucket: 'Bad_Bucket' }, {}],
    ['no key and no prefix', 'InvalidKey', 'location.key', /exactly one/, { key: undefined }, {}],
    ['key and prefix', 'InvalidKey', 'location.key', /exactly one/, { keyPrefix: 'a/' }, {}],
    ['key over 1024 bytes', 'InvalidKey', 'location.key', /the Cloud Storage limit/, { key: 'x'.repeat(1025) }, {}],
    ['prefix too long', 'InvalidKey', 'location.keyPrefix', /a Cloud Storage object name/, { key: undefined, keyPrefix: 'x'.repeat(1020) }, {}],
    ['a condition on x-goog-signature', 'InvalidOption', 'options.conditions.other[0]', /set by presignGcsPost/, {}, { conditions: { other: [{ 'x-goog-signature': 'x' }] } }],
    ['a condition on bucket', 'InvalidOption', 'options.conditions.other[0]', /location\.bucket/, {}, { conditions: { other: [['eq', '$bucket', 'x']] } }],
    ['a field x-goog-date', 'InvalidOption', 'options.fields["x-goog-date"]', /set by presignGcsPost/, {}, { fields: { 'x-goog-date': '20200101T000000Z' } }],
    ['a field no condition covers', 'InvalidOption', 'options.fields["foo"]', /Cloud Storage would reject/, {}, { fields: { foo: 'bar' } }],
    ['contradictory conditions', 'InvalidOption', 'options.conditions.other[0]', /no upload could satisfy/, {}, { conditions: { contentType: 'image/png', other: [['starts-with', '$Content-Type', 'text/']] } }],
    ['bad range', 'InvalidOption', 'options.conditions.contentLengthRange', /greater than max/, {}, { conditions: { contentLengthRange: [10, 1] } }],
    ['unknown condition', 'InvalidOption', 'options.conditions.size', /not a known condition/, {}, { conditions: { size: 1 } }],
    ['endpoint with a path', 'InvalidUrl', 'location.endpoint', /HOST\[:PORT\]/, { endpoint: 'http://localhost:9000/x' }, {}],
  ]
  test.each(postCases)('%s', async (_label, code, field, message, location, options) => {
    const err = await rejection(() => post(location, options as Partial<PresignGcsPostOptions>))
    expect([err.code, err.field]).toEqual([code, field])
    expect(err.message).toMatch(message)
  })
})

describe('parseGcsKeyFile', () => {
  test('returns the signer and key of a valid key file (object or text) and refuses every bad one', async () => {
    const parsed = parseGcsKeyFile(keyFile() as never)
    expect(parsed).toEqual({ type: 'service_account', client_email: EMAIL, private_key: keys['rsa'] })
    expect(parseGcsKeyFile(JSON.stringify(keyFile()))).toEqual(parsed)
    for (const [label, code, field, message, , options] of keyFileCases) {
      const credentials = (options() as { credentials?: unknown }).credentials
      if (code !== 'InvalidKeyFile' || /could not be imported/.test(String(message))) continue
      const err = await rejection(async () => parseGcsKeyFile(credentials as never))
      expect([label, err.code, err.field]).toEqual([label, code, field.replace('options.credentials', 'keyFile')])
    }
  })
})

describe('results never contain a secret', () => {
  test('signed URLs, detailed results and POST policies, RSA and HMAC', async () => {
    for (const credentials of [keyFile() as GcsCredentials, JSON.stringify(keyFile()), HMAC]) {
      const r = await presignGcsDetailed({ bucket: 'test-bucket', key: 'a b', query: { x: '1' } }, { credentials, method: 'PUT', headers: { 'content-type': 'text/plain' } })
      expectNoSecret(r)
      expectNoSecret(await presignGcs({ bucket: 'test-bucket', key: 'a b' }, { credentials }))
      expectNoSecret(await presignGcsPost({ bucket: 'test-bucket', keyPrefix: 'u/' }, { credentials, conditions: { contentLengthRange: [1, 10], metadata: { a: 'b' } } }))
    }
  })

  test('the imported key is used, not echoed: a bad RSA key fails again on a second call (a failed import is not cached)', async () => {
    const bad = keyFile({ private_key: keys['bogusRsa'] }) as GcsCredentials
    for (let i = 0; i < 2; i++) {
      const err = await rejection(() => presignGcs({ bucket: 'test-bucket', key: 'k' }, { credentials: bad }))
      expect(err.code).toBe('InvalidKeyFile')
    }
  })
})

describe('the parsers are bounded and linear: 1 MB of hostile input is refused at once', () => {
  const MB = 1 << 20
  const hostile: Array<[string, () => Promise<unknown>]> = [
    ['key file text', () => presignGcs({ bucket: 'test-bucket' }, { credentials: '{"a":' + '['.repeat(MB) })],
    ['PEM of whitespace', () => presignGcs({ bucket: 'test-bucket' }, { credentials: keyFile({ private_key: '-----BEGIN PRIVATE KEY-----' + ' \n'.repeat(MB) }) as GcsCredentials })],
    ['PEM label', () => presignGcs({ bucket: 'test-bucket' }, { credentials: keyFile({ private_key: '-----BEGIN ' + 'A'.repeat(MB) }) as GcsCredentials })],
    ['client_email', () => presignGcs({ bucket: 'test-bucket' }, { credentials: keyFile({ client_email: 'a@'.repeat(MB) }) as GcsCredentials })],
    ['endpoint', () => presignGcs({ bucket: 'test-bucket', endpoint: 'http://' + 'a:'.repeat(MB) }, { credentials: HMAC })],
    ['bucket', () => presignGcs({ bucket: 'a.'.repeat(MB) }, { credentials: HMAC })],
    ['universe domain', () => presignGcs({ bucket: 'test-bucket', universeDomain: 'a-'.repeat(MB) + '.' }, { credentials: HMAC })],
    ['object name', () => presignGcs({ bucket: 'test-bucket', key: '%é/'.repeat(MB / 2) }, { credentials: HMAC })],
    ['header name', () => presignGcs({ bucket: 'test-bucket' }, { credentials: HMAC, headers: { ['a'.repeat(MB) + ':']: 'x' } })],
  ]
  test.each(hostile)('%s', async (_label, run) => {
    const start = performance.now()
    const err = await rejection(run)
    expect(err).toBeInstanceOf(PresignError)
    expect(performance.now() - start).toBeLessThan(1000)
  })
})

describe('a numeric HMAC secret, CR/LF in presignGcsPost object names, a query that is not a plain object', () => {
  // These check their errors with test/helpers/fixtures.ts's rejection (imported as expectRejection), as they were
  // written, not with this file's `rejection` (which also looks for pieces of the generated keys).

  // Pins a fixed defect: a numeric HMAC secret was printed in the error ("got 1234567890123").
  test('a numeric HMAC secret is described by its type, never printed', async () => {
    const secret = 1234567890123
    for (const run of [
      () => presignGcs({ bucket: 'test-bucket', key: 'k' }, { credentials: { accessId: HMAC.accessId, secret: secret as never } }),
      () => presignGcsPost({ bucket: 'test-bucket', key: 'k' }, { credentials: { accessId: HMAC.accessId, secret: secret as never } }),
    ]) {
      const err = await expectRejection(run)
      expect([err.code, err.field]).toEqual(['InvalidCredentials', 'options.credentials.secret'])
      expect(err.message).toMatch(/non-empty string/)
      for (const text of [err.message, String(err), err.stack ?? '', JSON.stringify(err)]) expect(text).not.toContain(String(secret))
    }
  })

  // Pins a fixed defect: presignGcsPost signed a policy for an object name with CR or LF, which Cloud Storage cannot
  // create (presignGcs refuses it).
  test.each([
    ['key with a line feed', { key: 'a\nb' }, 'location.key'],
    ['key with a carriage return', { key: 'up/a\rb.txt' }, 'location.key'],
    ['key ending in ${filename} with a line feed', { key: 'up\n/${filename}' }, 'location.key'],
    ['keyPrefix with a carriage return', { keyPrefix: 'up\r/' }, 'location.keyPrefix'],
  ])('presignGcsPost refuses CR/LF in object names, as presignGcs does: %s', async (_label, where, field) => {
    const location = { bucket: 'test-bucket', ...where }
    const err = await expectRejection(() => presignGcsPost(location, { credentials: HMAC }))
    expect([err.code, err.field]).toEqual(['InvalidKey', field])
    expect(err.message).toMatch(/carriage returns or line feeds/)
    if ('key' in where) {
      const url = await expectRejection(() => presignGcs({ bucket: 'test-bucket', key: where.key.replace('${filename}', 'f') }, { credentials: HMAC }))
      expect(url.code).toBe('InvalidKey')
    }
  })

  // Pins a fixed defect: location.query as a Map or URLSearchParams was read as an empty object, so the URL was signed
  // without its parameters.
  test('location.query as a Map or URLSearchParams is refused, not signed as an empty query', async () => {
    for (const query of [new Map([['generation', '42']]), new URLSearchParams({ generation: '42' })]) {
      const err = await expectRejection(() => presignGcs({ bucket: 'test-bucket', key: 'k', query } as unknown as GcsLocation, { credentials: HMAC }))
      expect([err.code, err.field]).toEqual(['InvalidOption', 'location.query'])
      expect(err.message).toMatch(/plain object/)
    }
    // A plain object (also one without a prototype) still works.
    const url = await presignGcs({ bucket: 'test-bucket', key: 'k', query: Object.assign(Object.create(null) as object, { generation: '42' }) }, { credentials: HMAC })
    expect(url).toContain('&generation=42&')
  })
})
