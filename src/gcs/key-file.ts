/**
 * @internal Cloud Storage's service-account keys: the JSON key file (strictly validated), its PKCS#8 PEM private key
 * (parsed with bounded, linear steps and checked to be RSA before Web Crypto sees it), and the key imported once as a
 * non-extractable RSASSA-PKCS1-v1_5 `CryptoKey` (SHA-256), kept in a small bounded cache.
 *
 * No message, property or result of this module ever contains the private key or a piece of it: bad input is
 * described by what is wrong with it, never by its content (not even by a JSON parser's message, which quotes input).
 */
import { base64ToBytes } from '../core/base64.js'
import { subtle, toHex, utf8 } from '../core/crypto.js'
import { fail, PresignError } from '../core/errors.js'
import { KeyCache } from '../core/key-cache.js'

/**
 * A service-account key file as Google Cloud creates it (`gcloud iam service-accounts keys create`, the console's
 * JSON key). Only `client_email` and `private_key` are used; every other field is ignored.
 */
export interface GcsServiceAccountKey {
  /** The key file's type: `service_account` when present (other types, such as `authorized_user`, are refused). */
  readonly type?: string | undefined
  /** The service account, e.g. `signer@project.iam.gserviceaccount.com`: the signer named in `X-Goog-Credential`. */
  readonly client_email: string
  /** The RSA private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Never in a URL, an error or a result. */
  readonly private_key: string
  /** Any other field of the key file (`project_id`, `private_key_id`, …), ignored. */
  readonly [field: string]: unknown
}

/** @internal A key file validated: the signer's email and its PEM key. */
export interface CheckedKeyFile {
  readonly clientEmail: string
  readonly privateKey: string
}

/** The longest key file read as JSON text: real ones are about 2.3 KB. */
const MAX_KEY_FILE = 65536
/** The longest PEM private key read: a PKCS#8 RSA 8192-bit key is about 6.5 KB. */
const MAX_PEM = 16384
const BEGIN = '-----BEGIN PRIVATE KEY-----'
const END = '-----END PRIVATE KEY-----'
/** The DER of OID 1.2.840.113549.1.1.1 (rsaEncryption), as hex. */
const RSA_OID = '2a864886f70d010101'
/** Other key algorithms a PKCS#8 file may hold, by OID (hex), for a message that says what the key is. */
const OTHER_OIDS: Readonly<Record<string, string>> = {
  '2a8648ce3d0201': 'an EC key',
  '2b6570': 'an Ed25519 key',
  '2b6571': 'an Ed448 key',
  '2a864886f70d01010a': 'an RSASSA-PSS key',
  '2a8648ce380401': 'a DSA key',
}

/** What a value is, without any of its content. */
const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : 'a ' + typeof value)

/** A field of a key file: `options.credentials` (an object) or `options.credentials` (JSON text), then the name. */
const at = (field: string, name: string): string => field + '.' + name

/** The key file as an object: parsed from JSON text (bounded) or given; a parser's message, which quotes its input, is never kept. */
function keyFileObject(input: unknown, field: string): Record<string, unknown> {
  let value = input
  if (typeof input === 'string') {
    if (input.length > MAX_KEY_FILE) throw new PresignError('InvalidKeyFile', field, `is longer than ${MAX_KEY_FILE} characters; a service-account key file is about 2.3 KB of JSON`)
    try {
      value = JSON.parse(input)
    } catch {
      throw new PresignError('InvalidKeyFile', field, 'is not valid JSON; pass the service-account key file (its text or the parsed object)')
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('InvalidKeyFile', field, 'must be a service-account key file: { "type": "service_account", "client_email": ..., "private_key": ... } or its JSON text', value)
  }
  return value as Record<string, unknown>
}

/** The service account's email: `name@domain`, printable ASCII without spaces or `/` (it goes into the credential scope). */
function checkClientEmail(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 254 || !/^[\x21-\x2e\x30-\x3f\x41-\x7e]+@[\x21-\x2e\x30-\x3f\x41-\x7e]+$/.test(value)) {
    fail('InvalidKeyFile', field, 'must be the service account\'s email (e.g. "signer@project.iam.gserviceaccount.com"): ASCII, no spaces or "/"', value)
  }
  return value
}

/**
 * @internal Validate a service-account key file (an object or its JSON text): `type` (if present) is
 * `service_account`, `client_email` is an email, and `private_key` a non-empty string. With `checkPem`, the PEM is
 * also parsed and checked to be a PKCS#8 RSA key (signing does that once, when it imports the key).
 */
export function checkKeyFile(input: unknown, field: string, checkPem: boolean): CheckedKeyFile {
  const file = keyFileObject(input, field)
  const type = file['type']
  if (type !== undefined && type !== 'service_account') {
    const what = typeof type === 'string' && /^[a-z_]{1,40}$/.test(type) ? `"${type}"` : 'not a string'
    throw new PresignError('InvalidKeyFile', at(field, 'type'), `is ${what}; signing needs a service-account key file ("type": "service_account") or an HMAC key { accessId, secret }`)
  }
  const clientEmail = checkClientEmail(file['client_email'], at(field, 'client_email'))
  const privateKey = file['private_key']
  // The key is described by its type only, never by its length or content.
  if (typeof privateKey !== 'string' || privateKey === '') {
    throw new PresignError('InvalidKeyFile', at(field, 'private_key'), `must be a PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----..."), got ${typeof privateKey === 'string' ? 'an empty string' : typeOf(privateKey)}`)
  }
  if (checkPem) pkcs8Der(privateKey, at(field, 'private_key'))
  return { clientEmail, privateKey }
}

/** Why a PEM that is not an unencrypted PKCS#8 private key is refused, from its first line (a fixed, bounded pattern). */
function notPkcs8(text: string, field: string): never {
  const label = /^-----BEGIN ([A-Z0-9 ]{1,40})-----/.exec(text)?.[1]
  const why =
    label === 'RSA PRIVATE KEY' ? 'is a PKCS#1 RSA key ("BEGIN RSA PRIVATE KEY"); convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in key.pem'
    : label === 'ENCRYPTED PRIVATE KEY' ? 'is encrypted ("BEGIN ENCRYPTED PRIVATE KEY"); decrypt it to an unencrypted PKCS#8 key first'
    : label === 'EC PRIVATE KEY' ? 'is an EC key; GOOG4-RSA-SHA256 needs an RSA key'
    : label !== undefined ? `is a PEM "${label}", not a PKCS#8 private key ("-----BEGIN PRIVATE KEY-----")`
    : 'is not a PEM private key; it must start with "-----BEGIN PRIVATE KEY-----" and end with "-----END PRIVATE KEY-----"'
  throw new PresignError('InvalidKeyFile', field, why)
}

/** The DER bytes of a PEM's body: whitespace (and the literal `\n` of a key pasted from an environment variable) removed, strict base64. */
function pemBytes(pem: string, field: string): Uint8Array {
  if (pem.length > MAX_PEM) throw new PresignError('InvalidKeyFile', field, `is longer than ${MAX_PEM} characters; a PKCS#8 RSA key is at most a few KB`)
  const text = pem.replace(/\\[nr]/g, '\n').trim()
  if (!text.startsWith(BEGIN)) notPkcs8(text, field)
  if (!text.endsWith(END)) throw new PresignError('InvalidKeyFile', field, 'must end with "-----END PRIVATE KEY-----"')
  const b64 = text.slice(BEGIN.length, text.length - END.length).replace(/[\t\n\r ]+/g, '')
  if (b64.length === 0 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new PresignError('InvalidKeyFile', field, 'has a PEM body that is not base64')
  }
  return base64ToBytes(b64)
}

/** One DER header at `pos`: tag, content start and length (short and long forms up to 3 length bytes), or `undefined` past the end. */
function derHeader(der: Uint8Array, pos: number): { tag: number; start: number; length: number } | undefined {
  const tag = der[pos]
  let length = der[pos + 1]
  if (tag === undefined || length === undefined) return undefined
  let start = pos + 2
  if (length & 0x80) {
    const n = length & 0x7f
    if (n < 1 || n > 3 || start + n > der.length) return undefined
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i]!
    start += n
  }
  return start + length <= der.length ? { tag, start, length } : undefined
}

/**
 * The PKCS#8 DER of a PEM private key, checked to hold an RSA key: `SEQUENCE { INTEGER version, SEQUENCE { OID, … },
 * OCTET STRING, … }` with the OID rsaEncryption. Web Crypto checks the rest when it imports the key.
 */
export function pkcs8Der(pem: string, field: string): Uint8Array<ArrayBuffer> {
  const der = pemBytes(pem, field)
  const outer = derHeader(der, 0)
  const version = outer?.tag === 0x30 && outer.start + outer.length === der.length ? derHeader(der, outer.start) : undefined
  const algorithm = version?.tag === 0x02 ? derHeader(der, version.start + version.length) : undefined
  const oid = algorithm?.tag === 0x30 ? derHeader(der, algorithm.start) : undefined
  if (oid?.tag !== 0x06) throw new PresignError('InvalidKeyFile', field, 'is not a PKCS#8 private key (its DER structure is not PrivateKeyInfo)')
  const id = toHex(der.subarray(oid.start, oid.start + oid.length))
  if (id !== RSA_OID) {
    throw new PresignError('InvalidKeyFile', field, `is ${OTHER_OIDS[id] ?? 'not an RSA key'}; GOOG4-RSA-SHA256 needs the RSA key of a service-account key file`)
  }
  return der as Uint8Array<ArrayBuffer>
}

/** RSASSA-PKCS1-v1_5 with SHA-256: GOOG4-RSA-SHA256's signature. */
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

/** The imported keys, by PEM (the same small LRU as the signing keys: at most 64 entries). */
let keys = /* @__PURE__ */ new KeyCache<Promise<CryptoKey>>()

/**
 * @internal The private key as a non-extractable Web Crypto key, imported once per PEM and cached (a failed import is
 * not kept, and its error names the field, never the key).
 */
export function rsaKey(pem: string, field: string): Promise<CryptoKey> {
  const parts = [pem]
  return keys.get(parts, () => {
    const der = pkcs8Der(pem, field)
    const key = subtle()
      .importKey('pkcs8', der, RSA, false, ['sign'])
      .catch(() => {
        keys.drop(parts, key)
        throw new PresignError('InvalidKeyFile', field, 'could not be imported as an RSA PKCS#8 private key (Web Crypto refused it)')
      })
    return key
  })
}

/** @internal The hex GOOG4-RSA-SHA256 signature of a string to sign (or a base64 policy) under the key of `pem`. */
export async function rsaSignHex(pem: string, field: string, text: string): Promise<string> {
  return toHex(await subtle().sign(RSA, await rsaKey(pem, field), utf8(text)))
}

/** @internal Forget every imported service-account key. */
export function clearRsaKeys(): void {
  keys = new KeyCache()
}
