import type { HeadersInput } from '../core/canonical-request.js'
import type { Credentials } from '../core/credentials.js'
import { fail, PresignError } from '../core/errors.js'
import type { DateInput } from '../core/time.js'
import { uriEncode } from '../core/uri-encode.js'
import { checkHost, DOT_SEGMENT, PATH_CHARS } from '../core/url.js'
import { checkBoolean, checkRecord } from '../core/validate.js'
import { presignDetailed, type PresignResult } from '../sign/presign.js'
import { presignV4aDetailed } from '../sign/sigv4a.js'
import { accessPointArn } from './arn.js'
import { directoryBucketHost, isDirectoryBucket } from './directory-bucket.js'
import { type S3BodyBindings, withBindings } from './bindings.js'
import { checkKeySegments } from './keys.js'
import { checkVariants, partitionOf } from './partitions.js'

/** Where an S3 object lives. */
export interface S3Location {
  /**
   * Bucket name, a directory bucket (`BASE--ZONE-ID--x-s3`, signed as `s3express` with CreateSession credentials),
   * or an access point ARN: `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME`, an Object Lambda access point
   * (`arn:aws:s3-object-lambda:…:accesspoint/NAME`), an Outposts one (`arn:aws:s3-outposts:…:outpost/OP-ID/accesspoint/NAME`)
   * or a Multi-Region one (`arn:aws:s3::ACCOUNT:accesspoint/ALIAS`, signed with SigV4a). A Regional ARN's region must
   * be `region`.
   */
  readonly bucket: string
  /** Object key, unencoded (e.g. `photos/a b.jpg`). Omit or `''` for the bucket itself. */
  readonly key?: string | undefined
  /** Region, e.g. `us-east-1` (R2: `auto`). */
  readonly region: string
  /**
   * Custom endpoint for S3-compatible servers or special AWS endpoints, e.g.
   * `http://127.0.0.1:9000`, `https://<account>.r2.cloudflarestorage.com`,
   * `https://s3.dualstack.us-east-1.amazonaws.com`. An endpoint path prefix is kept.
   */
  readonly endpoint?: string | undefined
  /**
   * `true`: `endpoint/bucket/key`; `false`: `bucket.endpoint/key`. Default: virtual-hosted on AWS
   * endpoints when the bucket name allows it (DNS-compatible, and no dots over https), path style
   * otherwise and on custom endpoints (IP addresses, localhost, MinIO, R2…).
   */
  readonly forcePathStyle?: boolean | undefined
  /** `versionId` query parameter. */
  readonly versionId?: string | undefined
  /** `response-*` overrides S3 applies to a GET response. */
  readonly responseOverrides?: S3ResponseOverrides | undefined
  /** Other query parameters (unencoded), e.g. `{ partNumber: '1', uploadId }`. */
  readonly query?: Readonly<Record<string, string>> | undefined
  /**
   * S3 Transfer Acceleration: `https://bucket.s3-accelerate.amazonaws.com/key` (signed for `region`). Needs a
   * DNS-compatible bucket name without dots, and no endpoint, path style, FIPS or ARN.
   */
  readonly accelerate?: boolean | undefined
  /** The dual-stack (IPv4 and IPv6) endpoint: `s3.dualstack.REGION.amazonaws.com` (with `accelerate`: `s3-accelerate.dualstack.amazonaws.com`); access points and directory buckets have theirs. */
  readonly dualStack?: boolean | undefined
  /** The FIPS endpoint `s3-fips.REGION.amazonaws.com` (with `dualStack`: `s3-fips.dualstack.REGION…`), in the Regions that have one; access points and directory buckets have theirs. */
  readonly fips?: boolean | undefined
}

/** Response headers S3 sets on a GET through a presigned URL (`response-content-type` …). */
export interface S3ResponseOverrides {
  /** `response-content-type`: the `Content-Type` S3 sends. */
  readonly contentType?: string | undefined
  /** `response-content-disposition`, e.g. `attachment; filename="a.pdf"`. */
  readonly contentDisposition?: string | undefined
  /** `response-content-language`. */
  readonly contentLanguage?: string | undefined
  /** `response-content-encoding`. */
  readonly contentEncoding?: string | undefined
  /** `response-cache-control`, e.g. `private, max-age=600`. */
  readonly cacheControl?: string | undefined
  /** `response-expires`: an HTTP date. */
  readonly expires?: string | undefined
}

/** Options of {@link presignS3}. */
export interface PresignS3Options extends S3BodyBindings {
  /** Who signs. */
  readonly credentials: Credentials
  /** Method the client will use. Default `GET`. */
  readonly method?: string | undefined
  /** Headers the client will send (e.g. `content-type` for a PUT); all are signed. */
  readonly headers?: HeadersInput | undefined
  /** Lifetime in seconds, 1..604800. Default 3600. */
  readonly expiresIn?: number | undefined
  /** When the signature starts to be valid. Default: now. */
  readonly signingDate?: DateInput | undefined
  /** Cache-friendly URLs: see `PresignOptions.cacheWindow`. */
  readonly cacheWindow?: number | undefined
  /** Payload hash; default `UNSIGNED-PAYLOAD`. */
  readonly payloadHash?: string | undefined
  /** When `credentials.expiration` comes first: `'clamp'` (default) or `'error'`; see `PresignOptions.credentialExpiry`. */
  readonly credentialExpiry?: 'clamp' | 'error' | undefined
}

const OVERRIDES: ReadonlyArray<readonly [keyof S3ResponseOverrides, string]> = [
  ['cacheControl', 'response-cache-control'],
  ['contentDisposition', 'response-content-disposition'],
  ['contentEncoding', 'response-content-encoding'],
  ['contentLanguage', 'response-content-language'],
  ['contentType', 'response-content-type'],
  ['expires', 'response-expires'],
]

const BUCKET = /^[A-Za-z0-9._-]{1,255}$/
const DNS_BUCKET = /^[a-z0-9](?:[a-z0-9.-]{1,61})[a-z0-9]$/
const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i
/** `scheme://host[:port][/prefix]`: host name or [IPv6] literal, no user info, query or fragment. */
const ENDPOINT = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?(\/[^?#]*)?$/i

function isDnsCompatible(bucket: string, https: boolean): boolean {
  if (!DNS_BUCKET.test(bucket) || bucket.includes('..') || IP.test(bucket)) return false
  if (https && bucket.includes('.')) return false
  return bucket.split('.').every((label) => label !== '' && !label.startsWith('-') && !label.endsWith('-'))
}

/** Where a request to S3 goes: scheme, host (with port), path prefix, whether it is AWS, whether the host is an IP. */
interface Endpoint {
  readonly scheme: string
  readonly host: string
  readonly prefix: string
  readonly aws: boolean
  readonly ipHost: boolean
}

/** The endpoint switches of a location, type-checked. */
function switchesOf(location: S3Location): { accelerate: boolean; dualStack: boolean; fips: boolean } {
  return {
    accelerate: checkBoolean(location.accelerate, 'location.accelerate', false),
    dualStack: checkBoolean(location.dualStack, 'location.dualStack', false),
    fips: checkBoolean(location.fips, 'location.fips', false),
  }
}

/** The AWS endpoint of a location: Regional, dual-stack, FIPS, accelerated, or a combination S3 has, in the region's partition. */
function awsEndpoint(location: S3Location, region: string): Endpoint & { readonly accelerate: boolean } {
  const { accelerate, dualStack, fips } = switchesOf(location)
  const partition = partitionOf(region)
  const suffix = '.' + partition.suffix
  let host: string
  if (accelerate) {
    if (fips) throw new PresignError('InvalidOption', 'location.accelerate', 'cannot be combined with fips: S3 Transfer Acceleration has no FIPS endpoint')
    if (!partition.accelerate) {
      throw new PresignError('InvalidOption', 'location.accelerate', `is not available in ${region}: S3 Transfer Acceleration exists only in the aws partition`)
    }
    host = 's3-accelerate' + (dualStack ? '.dualstack' : '') + suffix
  } else {
    checkVariants(partition, region, { dualStack, fips })
    host = (fips ? 's3-fips.' : 's3.') + (dualStack ? 'dualstack.' : '') + region + suffix
  }
  return { scheme: 'https', host, prefix: '', aws: true, ipHost: false, accelerate }
}

/** The zonal endpoint of a directory bucket, which takes virtual-hosted requests only. */
function directoryEndpoint(location: S3Location, bucket: string, region: string): Endpoint & { readonly accelerate: boolean } {
  const host = directoryBucketHost(bucket, region, switchesOf(location))
  if (location.forcePathStyle === true) throw new PresignError('InvalidOption', 'location.forcePathStyle', 'must be omitted or false: directory buckets take virtual-hosted requests only')
  return { scheme: 'https', host, prefix: '', aws: true, ipHost: false, accelerate: false }
}

/** A location that names an endpoint takes none of the AWS endpoint switches. */
function checkNoSwitches(location: S3Location, why: string): void {
  for (const name of ['accelerate', 'dualStack', 'fips'] as const) {
    if (location[name] !== undefined) throw new PresignError('InvalidOption', `location.${name}`, `must be omitted ${why}`)
  }
}

/** A custom endpoint (`http://127.0.0.1:9000`, MinIO, R2 …), validated; a path prefix is kept without its trailing `/`. */
function customEndpoint(endpoint: unknown): Endpoint {
  const m = typeof endpoint === 'string' ? ENDPOINT.exec(endpoint) : null
  const port = m?.[3] === undefined ? undefined : Number(m[3])
  const rawPrefix = m?.[4] ?? ''
  if (
    !m ||
    (port !== undefined && (port < 1 || port > 65535)) ||
    // URL parsers would rewrite anything else in it ("\\" is "/", a tab is dropped, %2e%2e is ".."): another object.
    !PATH_CHARS.test(rawPrefix) ||
    DOT_SEGMENT.test(rawPrefix)
  ) {
    throw new PresignError(
      'InvalidUrl',
      'location.endpoint',
      'must be an http(s) URL with a host name or [IPv6] literal, an optional port in 1..65535 and an optional path prefix of URL path characters (others percent-encoded) without "." or ".." segments (%2E counts as "."), and no user info, query or fragment, e.g. http://127.0.0.1:9000',
    )
  }
  const hostname = m[2]!.toLowerCase()
  checkHost(hostname, 'location.endpoint')
  return {
    scheme: m[1]!.toLowerCase(),
    host: hostname + (m[3] === undefined ? '' : ':' + m[3]),
    prefix: rawPrefix.replace(/\/+$/, ''),
    aws: /(^|\.)amazonaws\.com(\.cn)?$/.test(hostname),
    ipHost: IP.test(hostname),
  }
}

/** The query parameters, encoded: `query`, the `response-*` overrides, then `versionId`. */
function queryParams(location: S3Location): string[] {
  const params: string[] = []
  const query = checkRecord(location.query, 'location.query')
  const add = (name: string, value: unknown, field: string, own = false): void => {
    if (value === undefined) return
    if (typeof value !== 'string') fail('InvalidOption', field, 'must be a string', value)
    // One parameter, one value: S3 would read one of the two, and which is not the URL's to decide.
    if (!own && Object.hasOwn(query, name)) throw new PresignError('InvalidOption', `location.query["${name}"]`, `must be omitted: ${field} gives ${name}`)
    params.push(uriEncode(name, false, field) + '=' + uriEncode(value, false, field))
  }
  for (const name of Object.keys(query)) add(name, query[name], `location.query["${name}"]`, true)
  const overrides = checkRecord(location.responseOverrides, 'location.responseOverrides') as S3ResponseOverrides
  for (const [option, name] of OVERRIDES) add(name, overrides[option], `location.responseOverrides.${option}`)
  add('versionId', location.versionId, 'location.versionId')
  return params
}

/**
 * Build the (unsigned) URL of an S3 object: virtual-hosted or path style,
 * key encoded with S3's rule (`/` kept, everything outside `A-Za-z0-9-_.~`
 * percent-encoded), with `versionId`, `response-*` and extra query
 * parameters.
 *
 * @throws {PresignError} `InvalidBucket`, `InvalidKey` (e.g. a `.`/`..` segment, which no WHATWG
 *   URL can carry), `InvalidUrl` (bad endpoint), `InvalidRegion`, `InvalidOption` (e.g.
 *   `forcePathStyle: false` with an IP-address endpoint), `InvalidString` (lone surrogate)
 */
export function s3ObjectUrl(location: S3Location): string {
  return s3Address(location).url
}

/** @internal Where a request to a location goes, and how S3 signs it. */
export interface S3Address {
  readonly url: string
  /** `s3`, `s3-object-lambda`, `s3-outposts` or `s3express` (directory buckets). */
  readonly signingName: string
  /** A Multi-Region Access Point: signed with SigV4a for every region. */
  readonly multiRegion: boolean
}

/**
 * @internal The URL of a location and how S3 signs requests to it. `subresources` (encoded, `name` or
 * `name=value`, e.g. `uploads` or `uploadId=…`) come first in the query, as S3's API puts them.
 */
export function s3Address(location: S3Location, subresources: readonly string[] = []): S3Address {
  if (location === null || typeof location !== 'object') fail('InvalidOption', 'location', 'must be an object { bucket, key, region, ... }', location)
  const { bucket } = location
  if (typeof bucket === 'string' && bucket.startsWith('arn:')) return arnAddress(location, bucket, subresources)
  const url = bucketUrl(location, subresources)
  return { url, signingName: isDirectoryBucket(bucket) ? 's3express' : 's3', multiRegion: false }
}

/** @internal The URL of an object in a bucket (a name, not an ARN): virtual-hosted or path style. */
export function bucketUrl(location: S3Location, subresources: readonly string[] = []): string {
  const base = bucketBase(location)
  const key = location.key ?? ''
  if (typeof key !== 'string') {
    fail('InvalidKey', 'location.key', 'must be a string', key)
  }
  checkKeySegments(key, 'location.key')
  const params = subresources.concat(queryParams(location))
  return base + '/' + uriEncode(key, true, 'location.key') + (params.length ? '?' + params.join('&') : '')
}

/**
 * @internal Where a bucket's objects are, without the final `/`: `scheme://bucket.host` (virtual-hosted) or
 * `scheme://host/bucket` (path style; a valid name needs no escapes), after an endpoint's path prefix.
 */
export function bucketBase(location: S3Location): string {
  if (location === null || typeof location !== 'object') fail('InvalidOption', 'location', 'must be an object { bucket, key, region, ... }', location)
  const { bucket, region } = location
  if (typeof bucket !== 'string' || !BUCKET.test(bucket)) {
    fail('InvalidBucket', 'location.bucket', 'must be 1–255 characters from a-z 0-9 . - _ (S3 bucket naming rules)', bucket)
  }
  if (typeof region !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(region)) {
    fail('InvalidRegion', 'location.region', 'must be a region such as "us-east-1"', region)
  }
  // On AWS's own endpoints the region is part of the host: one DNS label (botocore's InvalidRegionError otherwise).
  if (location.endpoint === undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(region)) {
    fail('InvalidRegion', 'location.region', 'must be a region such as "us-east-1" (one host name label of letters, digits and "-")', region)
  }
  if (location.endpoint !== undefined) checkNoSwitches(location, 'with a custom endpoint (name the endpoint itself)')
  const { scheme, host, prefix, aws, ipHost, accelerate } =
    location.endpoint !== undefined ? { ...customEndpoint(location.endpoint), accelerate: false } : isDirectoryBucket(bucket) ? directoryEndpoint(location, bucket, region) : awsEndpoint(location, region)
  // AWS's endpoints virtual-host a DNS-compatible bucket by default, and a custom one does so for a directory bucket
  // on a host name (botocore's endpoint rules; on an IP address it is path style).
  const hosted = aws || (isDirectoryBucket(bucket) && !ipHost)
  const virtual = !checkBoolean(location.forcePathStyle, 'location.forcePathStyle', !(hosted && isDnsCompatible(bucket, scheme === 'https')))
  if (accelerate && (!virtual || !isDnsCompatible(bucket, true))) {
    throw new PresignError('InvalidOption', 'location.accelerate', 'needs a virtual-hosted bucket: a DNS-compatible name without dots, and no forcePathStyle')
  }
  if (virtual && ipHost) {
    throw new PresignError(
      'InvalidOption',
      'location.forcePathStyle',
      'is false, but the endpoint host is an IP address, which cannot take a bucket sub-domain (no URL parser accepts "bucket.127.0.0.1"); omit forcePathStyle or set it to true',
    )
  }
  if (virtual && !isDnsCompatible(bucket, false)) {
    throw new PresignError('InvalidBucket', 'location.bucket', 'is not a valid host name label (lower-case letters, digits, "-", "."), so it cannot be virtual-hosted; use forcePathStyle: true')
  }
  return scheme + '://' + (virtual ? bucket + '.' + host + prefix : host + prefix + '/' + bucket)
}

/** An access point ARN's URL: its own host, the key as the path, and how S3 signs requests to it. */
function arnAddress(location: S3Location, arn: string, subresources: readonly string[]): S3Address {
  const { region } = location
  if (typeof region !== 'string') fail('InvalidRegion', 'location.region', 'must be a region such as "us-east-1"', region)
  if (location.endpoint !== undefined || location.forcePathStyle !== undefined) {
    throw new PresignError('InvalidOption', location.endpoint !== undefined ? 'location.endpoint' : 'location.forcePathStyle', 'must be omitted with an access point ARN, which has its own host')
  }
  const { accelerate, dualStack, fips } = switchesOf(location)
  if (accelerate) throw new PresignError('InvalidOption', 'location.accelerate', 'must be omitted with an access point ARN: access points have no Transfer Acceleration')
  const key = location.key ?? ''
  if (typeof key !== 'string') fail('InvalidKey', 'location.key', 'must be a string', key)
  checkKeySegments(key, 'location.key')
  const ap = accessPointArn(arn, region, { dualStack, fips })
  const params = subresources.concat(queryParams(location))
  const url = 'https://' + ap.host + '/' + uriEncode(key, true, 'location.key') + (params.length ? '?' + params.join('&') : '')
  return { url, signingName: ap.signingName, multiRegion: ap.multiRegion }
}

/**
 * Presign an S3 object URL in one call (`s3ObjectUrl` + `presign` with service `s3`).
 *
 * @example
 * const url = await presignS3(
 *   { bucket: 'examplebucket', key: 'photos/a b.jpg', region: 'us-east-1' },
 *   { credentials, method: 'PUT', headers: { 'content-type': 'image/jpeg' }, expiresIn: 300 },
 * )
 */
export async function presignS3(location: S3Location, options: PresignS3Options): Promise<string> {
  return (await presignS3Detailed(location, options)).url
}

/** {@link presignS3} returning every intermediate step (see {@link presignDetailed}). */
export async function presignS3Detailed(location: S3Location, options: PresignS3Options): Promise<PresignResult> {
  return presignS3Request(location, options, [])
}

/** @internal {@link presignS3Detailed} with S3 subresources first in the query (see {@link s3Address}). */
export function presignS3Request(location: S3Location, options: PresignS3Options, subresources: readonly string[]): Promise<PresignResult> {
  if (location === null || typeof location !== 'object') {
    fail('InvalidOption', 'location', 'must be an object { bucket, key, region, ... }', location)
  }
  if (options === null || typeof options !== 'object') {
    fail('InvalidOption', 'options', 'must be an object { credentials, ... }', options)
  }
  const address = s3Address(location, subresources)
  const request = { method: options.method, url: address.url, headers: withBindings(options.headers, options) }
  const signing = {
    credentials: options.credentials,
    service: address.signingName,
    expiresIn: options.expiresIn,
    signingDate: options.signingDate,
    cacheWindow: options.cacheWindow,
    payloadHash: options.payloadHash,
    credentialExpiry: options.credentialExpiry,
  }
  if (address.signingName === 's3express' && !(options.credentials as Partial<Credentials> | null | undefined)?.sessionToken) {
    throw new PresignError(
      'InvalidCredentials',
      'options.credentials.sessionToken',
      'is required for a directory bucket: sign with the session credentials S3 Express CreateSession returned for this bucket ({ accessKeyId, secretAccessKey, sessionToken })',
    )
  }
  // A Multi-Region Access Point: SigV4a, valid in every region (botocore's X-Amz-Region-Set=*).
  if (address.multiRegion) return presignV4aDetailed(request, { ...signing, regionSet: '*' })
  return presignDetailed(request, { ...signing, region: location.region })
}
