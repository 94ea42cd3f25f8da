import { ALGORITHM_V4A } from '../core/constants.js'
import { importHmacKey, sha256Hex, subtle, toHex, utf8 } from '../core/crypto.js'
import { describe, fail, PresignError } from '../core/errors.js'
import { KeyCache } from '../core/key-cache.js'
import { MAX_REGIONS, REGION_PATTERN } from '../core/region-set.js'
import { credentialScopeV4a, stringToSign } from '../core/string-to-sign.js'
import { uriEncode } from '../core/uri-encode.js'
import { plan, prepare, type PresignOptions, type PresignRequest, type PresignResult, result } from './presign.js'

/** Order of the P-256 group. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

const bigHex = (n: bigint): string => n.toString(16).padStart(64, '0')
const hexBytes = (hex: string): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/**
 * SigV4a key derivation (NIST SP 800-108 HMAC-SHA256 in counter mode): the P-256 private key of a secret
 * access key, as 64 hex digits. Tries counters 1, 2, … until the candidate is at most n − 2; key = candidate + 1.
 */
export async function deriveV4aPrivateKey(accessKeyId: string, secretAccessKey: string): Promise<string> {
  const key = await importHmacKey(utf8('AWS4A' + secretAccessKey))
  const label = utf8('AWS4-ECDSA-P256-SHA256')
  const id = utf8(accessKeyId)
  for (let counter = 1; counter <= 254; counter++) {
    const fixed = new Uint8Array(4 + label.length + 1 + id.length + 1 + 4)
    fixed.set([0, 0, 0, 1])
    fixed.set(label, 4)
    fixed.set(id, 5 + label.length)
    fixed[5 + label.length + id.length] = counter
    fixed.set([0, 0, 1, 0], 6 + label.length + id.length)
    const candidate = BigInt('0x' + toHex(await subtle().sign('HMAC', key, fixed)))
    if (candidate <= N - 2n) return bigHex(candidate + 1n)
  }
  // Probability ~2^-8000: unreachable in practice, but never loop forever.
  throw new PresignError('InvalidCredentials', 'options.credentials', 'cannot derive a SigV4a key from these credentials')
}

/** PKCS#8 DER of a P-256 private key without its public key (Web Crypto derives it). */
function pkcs8(privateKeyHex: string): Uint8Array<ArrayBuffer> {
  const prefix = '304102010030130607' + '2a8648ce3d0201' + '0608' + '2a8648ce3d030107' + '0427302502010104' + '20'
  return hexBytes(prefix + privateKeyHex)
}

/** The SigV4a key pair of a credential: the private key (non-extractable) for signing, the public key for verifying. */
export interface V4aKeys {
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  /** Public point, 64 hex digits each. */
  readonly x: string
  readonly y: string
}

/** The same small LRU as the signing keys (64 entries), keyed by access key id and secret. */
const cache = /* @__PURE__ */ new KeyCache<Promise<V4aKeys>>()

const b64urlToHex = (s: string): string => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4))
  let hex = ''
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0')
  return hex
}
const hexToB64url = (hex: string): string => {
  let bin = ''
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16))
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

async function deriveKeys(accessKeyId: string, secretAccessKey: string): Promise<V4aKeys> {
  const d = await deriveV4aPrivateKey(accessKeyId, secretAccessKey)
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' }
  // Imported once extractable only to read the public point, then again non-extractable for signing.
  const jwk = await subtle().exportKey('jwk', await subtle().importKey('pkcs8', pkcs8(d), algorithm, true, ['sign']))
  const privateKey = await subtle().importKey('pkcs8', pkcs8(d), algorithm, false, ['sign'])
  const publicKey = await subtle().importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, ext: true }, algorithm, true, ['verify'])
  return { privateKey, publicKey, x: b64urlToHex(jwk.x!), y: b64urlToHex(jwk.y!) }
}

/** The SigV4a keys of a credential, derived once and cached (LRU of 64). */
export function v4aKeys(accessKeyId: string, secretAccessKey: string): Promise<V4aKeys> {
  const parts = [accessKeyId, secretAccessKey]
  return cache.get(parts, () => {
    const keys = deriveKeys(accessKeyId, secretAccessKey)
    keys.catch(() => cache.drop(parts, keys)) // a failed derivation is not kept
    return keys
  })
}

/** Import a P-256 public key from its point (64 hex digits each), e.g. for verifying against published keys. */
export function importV4aPublicKey(x: string, y: string): Promise<CryptoKey> {
  return subtle().importKey('jwk', { kty: 'EC', crv: 'P-256', x: hexToB64url(x), y: hexToB64url(y), ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify'])
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` of a P1363 `r‖s` signature, as hex (what AWS expects). */
export function p1363ToDer(sig: Uint8Array): string {
  const int = (bytes: Uint8Array): string => {
    let i = 0
    while (i < bytes.length - 1 && bytes[i] === 0) i++
    let hex = toHex(bytes.subarray(i))
    if (bytes[i]! >= 0x80) hex = '00' + hex
    return '02' + (hex.length / 2).toString(16).padStart(2, '0') + hex
  }
  const body = int(sig.subarray(0, 32)) + int(sig.subarray(32, 64))
  return '30' + (body.length / 2).toString(16).padStart(2, '0') + body
}

/** P1363 `r‖s` (64 bytes) of a DER signature in hex; `undefined` when it is not a well-formed P-256 signature. */
export function derToP1363(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined
  const b = hexBytes(hex)
  // Strict DER (X.690), as the AWS CRT verifies: short-form lengths (a P-256 signature is at most 72 bytes), and each
  // INTEGER positive and minimal (one 0x00 only before a byte with its high bit set), so no signature has two spellings.
  if (b[0] !== 0x30 || b[1] !== b.length - 2 || b[1]! > 0x7f) return undefined
  const out = new Uint8Array(64)
  let pos = 2
  for (let k = 0; k < 2; k++) {
    if (b[pos] !== 0x02) return undefined
    const len = b[pos + 1]!
    let v = b.subarray(pos + 2, pos + 2 + len)
    if (v.length !== len || len === 0 || v[0]! > 0x7f || (v[0] === 0 && (len === 1 || v[1]! < 0x80))) return undefined
    if (v[0] === 0) v = v.subarray(1)
    if (v.length > 32) return undefined
    out.set(v, k * 32 + 32 - v.length)
    pos += 2 + len
  }
  return pos === b.length ? out : undefined
}

/** Options of {@link presignV4a}: those of `presign` without `region`, plus the region set. */
export interface PresignV4aOptions extends Omit<PresignOptions, 'region'> {
  /** Regions the signature is valid in: a list such as `['us-east-1', 'eu-west-1']` (entries may use `*` wildcards), or `'*'` for all. */
  readonly regionSet: readonly string[] | '*'
}

function encodeRegionSet(regionSet: unknown): string {
  const field = 'options.regionSet'
  if (regionSet === '*') return '%2A'
  if (!Array.isArray(regionSet) || regionSet.length === 0 || regionSet.length > MAX_REGIONS) {
    fail('InvalidRegion', field, `must be '*' or an array of 1..${MAX_REGIONS} regions`, regionSet)
  }
  for (const r of regionSet) {
    if (typeof r !== 'string' || !REGION_PATTERN.test(r)) {
      throw new PresignError('InvalidRegion', field, `has an invalid region ${typeof r === 'string' ? JSON.stringify(r.slice(0, 64)) : describe(r)}; use names like "us-east-1" or wildcards like "us-*"`)
    }
  }
  return uriEncode(regionSet.join(','))
}

/**
 * Presign with SigV4a (`AWS4-ECDSA-P256-SHA256`): an ECDSA P-256 signature valid in a set of regions, as
 * S3 Multi-Region Access Points require. Same request rules as `presign`; the key is derived from the
 * secret as AWS specifies and kept as a non-extractable `CryptoKey`. Returns every step.
 */
export async function presignV4aDetailed(request: PresignRequest, options: PresignV4aOptions): Promise<PresignResult> {
  const regionSet = encodeRegionSet(options?.regionSet)
  // The scope has no region; prepare() validates a placeholder one.
  const p = prepare(request, { ...options, region: 'aws-global' })
  // SigV4a scopes have no region: the URL carries X-Amz-Region-Set instead.
  const v4a = { algorithm: ALGORITHM_V4A, scope: credentialScopeV4a(p.day, p.service), regionSet }
  const pl = plan(p, p.payloadHash ?? (await sha256Hex(p.body!)), v4a)
  const sts = stringToSign(p.amzDate, pl.credentialScope, await sha256Hex(pl.canonicalRequest), ALGORITHM_V4A)
  const { privateKey } = await v4aKeys(p.accessKeyId, p.secretAccessKey)
  const der = p1363ToDer(new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, utf8(sts))))
  return result(p, pl, sts, der)
}

/** {@link presignV4aDetailed}, returning only the URL. */
export async function presignV4a(request: PresignRequest, options: PresignV4aOptions): Promise<string> {
  return (await presignV4aDetailed(request, options)).url
}
