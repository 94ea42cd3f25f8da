/**
 * @internal Where a Cloud Storage request goes: the URL styles of Google's conformance suite (path style,
 * virtual-hosted, bucket-bound hostname), custom endpoints (emulators, private endpoints) and universe domains, with
 * the host that is signed and the path, encoded once as Cloud Storage computes it.
 */
import type { QueryParam } from '../core/canonical-request.js'
import { fail, PresignError } from '../core/errors.js'
import { uriEncode } from '../core/uri-encode.js'
import { checkHost, HOST_PORT, URL_PARTS } from '../core/url.js'
import { utf8Length } from '../core/utf8.js'
import { checkBoolean, checkRecord } from '../core/validate.js'
import { checkKeySegments } from '../s3/keys.js'

/** How a bucket is addressed: path style (the default), virtual-hosted, a bucket-bound hostname, an endpoint, a universe. */
export interface GcsBucketAddress {
  /** Bucket name: Cloud Storage's rules (3-63 of `a-z 0-9 - _ .`, up to 222 with dots, each dot-separated part at most 63; starts and ends with a letter or digit; not an IP address). */
  readonly bucket: string
  /**
   * Virtual-hosted style, `https://BUCKET.storage.googleapis.com/KEY`. Default `false`: path style,
   * `https://storage.googleapis.com/BUCKET/KEY`. Not with `bucketBoundHostname` or `endpoint`.
   */
  readonly virtualHostedStyle?: boolean | undefined
  /**
   * A bucket-bound hostname (a CNAME or a load balancer in front of the bucket): `cdn.example.com` (https) or
   * `http://cdn.example.com`; the URL is `SCHEME://HOST/KEY`.
   */
  readonly bucketBoundHostname?: string | undefined
  /**
   * A custom endpoint, path style: an emulator (`http://localhost:4443`) or a private endpoint
   * (`https://storage-myendpoint.p.googleapis.com`, or `host[:port]` for https). The port is kept in the URL as
   * written; the signed `host` is the host name alone, as Google's signers sign it. No path, query or fragment.
   */
  readonly endpoint?: string | undefined
  /** The universe domain (Trusted Partner Cloud): `storage.UNIVERSE`. Default `googleapis.com`. */
  readonly universeDomain?: string | undefined
}

/** Where a Cloud Storage object lives, and the query parameters of the request. */
export interface GcsLocation extends GcsBucketAddress {
  /** Object name, unencoded (e.g. `photos/a b.jpg`). Omit or `''` for the bucket itself (e.g. to list it). */
  readonly key?: string | undefined
  /** Other query parameters (unencoded), e.g. `{ 'response-content-disposition': 'attachment', generation: '42' }`; all are signed. */
  readonly query?: Readonly<Record<string, string>> | undefined
}

/** @internal The address of a location: origin as emitted, host as signed, path (encoded), query parameters (encoded, in order). */
export interface GcsTarget {
  readonly origin: string
  readonly host: string
  readonly path: string
  readonly query: QueryParam[]
}

/** The parameters a signed URL carries (lower case): a caller may not set them. */
const SIGNING_PARAMS = /* @__PURE__ */ new Set(['x-goog-algorithm', 'x-goog-credential', 'x-goog-date', 'x-goog-expires', 'x-goog-signedheaders', 'x-goog-signature'])

/** @internal A Cloud Storage bucket name, or `InvalidBucket`. */
export function checkBucket(bucket: unknown): string {
  const parts = typeof bucket === 'string' && /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket) ? bucket.split('.') : []
  const ok =
    parts.length > 0 &&
    (parts.length > 1 || (bucket as string).length <= 63) &&
    parts.every((p) => p.length > 0 && p.length <= 63) &&
    !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(bucket as string)
  if (!ok) {
    fail(
      'InvalidBucket',
      'location.bucket',
      "must follow Cloud Storage's naming rules: 3-63 characters (up to 222 with dots, each dot-separated part at most 63) of a-z 0-9 - _ ., starting and ending with a letter or digit, not an IP address",
      bucket,
    )
  }
  return bucket as string
}

/** @internal Cloud Storage's naming rule that S3 lacks: no carriage return or line feed in an object name. */
export function checkNoLineBreaks(name: string, field: string): void {
  if (/[\r\n]/.test(name)) throw new PresignError('InvalidKey', field, 'must not contain carriage returns or line feeds (Cloud Storage object naming rules)')
}

/** @internal An object name, encoded once for the path (`/` kept); `''` for none. */
export function encodeKey(key: unknown): string {
  if (key === undefined || key === '') return ''
  if (typeof key !== 'string') fail('InvalidKey', 'location.key', 'must be a string (the object name, unencoded)', key)
  if (utf8Length(key) > 1024) throw new PresignError('InvalidKey', 'location.key', 'is longer than 1024 bytes of UTF-8, the Cloud Storage limit')
  checkNoLineBreaks(key, 'location.key')
  checkKeySegments(key, 'location.key')
  return uriEncode(key, true, 'location.key')
}

/**
 * `http(s)://host[:port]` (or `host[:port]`, https) with at most a trailing `/`: the origin as written (host lower
 * case, port kept) and the host name that is signed (no port).
 */
function parseOrigin(value: unknown, field: string): { origin: string; host: string } {
  const text = typeof value === 'string' && value.length <= 1024 ? (value.includes('://') ? value : 'https://' + value) : ''
  const m = URL_PARTS.exec(text)
  const scheme = m?.[1]?.toLowerCase()
  const hp = m ? HOST_PORT.exec(m[2]!) : null
  const port = hp?.[2] === undefined ? 1 : Number(hp[2])
  if (!m || (scheme !== 'http' && scheme !== 'https') || !hp || !/^\/?$/.test(m[3]!) || m[4] !== undefined || m[5] !== undefined || port < 1 || port > 65535) {
    fail('InvalidUrl', field, 'must be http(s)://HOST[:PORT] or HOST[:PORT] (https): a host name or [IPv6] literal, an optional port in 1..65535, no user info, path, query or fragment', value)
  }
  const host = hp[1]!.toLowerCase()
  checkHost(host, field)
  return { origin: scheme + '://' + host + (hp[2] === undefined ? '' : ':' + hp[2]), host }
}

/** A universe domain: a DNS name such as `googleapis.com`. */
function checkUniverse(value: unknown): string {
  if (typeof value !== 'string' || !/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,63}$/i.test(value)) {
    fail('InvalidOption', 'location.universeDomain', 'must be a domain name such as "googleapis.com"', value)
  }
  return value.toLowerCase()
}

/** The address options that exclude each other: a bucket-bound hostname or an endpoint names the host itself. */
function checkExclusive(location: GcsBucketAddress, virtual: boolean): void {
  const other = virtual ? 'virtualHostedStyle' : location.endpoint !== undefined ? 'endpoint' : location.universeDomain !== undefined ? 'universeDomain' : undefined
  const clash =
    location.bucketBoundHostname !== undefined && other !== undefined ? ['bucketBoundHostname', other]
    : location.endpoint !== undefined && (virtual || location.universeDomain !== undefined) ? ['endpoint', virtual ? 'virtualHostedStyle' : 'universeDomain']
    : undefined
  if (clash) throw new PresignError('InvalidOption', `location.${clash[1]}`, `cannot be combined with location.${clash[0]}, which names the host itself`)
}

/**
 * @internal Origin, signed host and path of a location (`encodedKey` from {@link encodeKey}): the object's path is
 * `/BUCKET/KEY` on a shared host and `/KEY` on the bucket's own host (virtual-hosted, bucket-bound).
 */
export function gcsAddress(location: GcsBucketAddress, encodedKey: string): { origin: string; host: string; path: string } {
  const bucket = checkBucket(location.bucket)
  const virtual = checkBoolean(location.virtualHostedStyle, 'location.virtualHostedStyle', false)
  checkExclusive(location, virtual)
  if (location.bucketBoundHostname !== undefined) return { ...parseOrigin(location.bucketBoundHostname, 'location.bucketBoundHostname'), path: '/' + encodedKey }
  const bucketPath = '/' + bucket + (encodedKey ? '/' + encodedKey : '')
  if (location.endpoint !== undefined) return { ...parseOrigin(location.endpoint, 'location.endpoint'), path: bucketPath }
  const universe = location.universeDomain === undefined ? 'googleapis.com' : checkUniverse(location.universeDomain)
  if (!virtual) return { origin: 'https://storage.' + universe, host: 'storage.' + universe, path: bucketPath }
  if (bucket.includes('_')) throw new PresignError('InvalidBucket', 'location.bucket', 'has "_", which a host name cannot have; use path style (omit virtualHostedStyle)')
  const host = bucket + '.storage.' + universe
  return { origin: 'https://' + host, host, path: '/' + encodedKey }
}

/** @internal The location's query parameters, encoded (RFC 3986, `/` as `%2F`), in the given order; signing parameters refused. */
export function gcsQuery(query: unknown): QueryParam[] {
  const given = checkRecord(query, 'location.query')
  const params: QueryParam[] = []
  for (const name of Object.keys(given)) {
    const field = `location.query["${name}"]`
    const value = given[name]
    if (typeof value !== 'string') fail('InvalidOption', field, 'must be a string', value)
    if (name === '') throw new PresignError('InvalidOption', 'location.query', 'must not have an empty parameter name')
    if (SIGNING_PARAMS.has(name.toLowerCase())) throw new PresignError('AlreadySigned', field, `is a signing parameter, which the signer writes itself`)
    params.push({ key: uriEncode(name, false, field), value: uriEncode(value, false, field), hasEquals: true })
  }
  return params
}

/** @internal The whole target of a location. */
export function gcsTarget(location: GcsLocation): GcsTarget {
  if (location === null || typeof location !== 'object') fail('InvalidOption', 'location', 'must be an object { bucket, key?, ... }', location)
  return { ...gcsAddress(location, encodeKey(location.key)), query: gcsQuery(location.query) }
}

/**
 * Build the (unsigned) URL of a Cloud Storage object or bucket: path style
 * (`https://storage.googleapis.com/BUCKET/KEY`), virtual-hosted, a bucket-bound hostname, a custom endpoint or a
 * universe domain, the object name encoded as Cloud Storage's signers encode it (`/` kept, everything outside
 * `A-Za-z0-9-_.~` percent-encoded as UTF-8), with the location's query parameters.
 *
 * @example gcsObjectUrl({ bucket: 'my-bucket', key: 'a b.txt' }) === 'https://storage.googleapis.com/my-bucket/a%20b.txt'
 * @throws {PresignError} `InvalidBucket`, `InvalidKey`, `InvalidUrl` (bad endpoint or bucket-bound hostname), `InvalidOption`, `InvalidString`
 */
export function gcsObjectUrl(location: GcsLocation): string {
  const t = gcsTarget(location)
  let query = ''
  for (const q of t.query) query += (query ? '&' : '?') + q.key + '=' + q.value
  return t.origin + t.path + query
}
