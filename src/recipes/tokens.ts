/**
 * Shared pieces of the "beyond S3" recipes (database and cluster auth tokens,
 * WebSocket URLs): input checks, the AWS partition DNS suffix, botocore's query
 * parameter order and base64url. Pure functions, no module state.
 *
 * @internal
 */
import type { Credentials } from '../core/credentials.js'
import { fail } from '../core/errors.js'
import type { DateInput } from '../core/time.js'
import type { PresignOptions, PresignRequest } from '../sign/presign.js'

/** What every recipe needs: who signs, where, and when. */
export interface ServiceTokenOptions {
  /** Who signs: `{ accessKeyId, secretAccessKey, sessionToken? }`. */
  readonly credentials: Credentials
  /** AWS Region, e.g. `us-east-1`. */
  readonly region: string
  /** When the signature starts to be valid: `Date`, epoch ms or ISO 8601 string. Default: now. */
  readonly signingDate?: DateInput | undefined
}

/** @internal What to presign, and how to turn the presigned URL into the recipe's result. */
export interface Recipe {
  readonly request: PresignRequest
  readonly options: PresignOptions
  readonly finish: (url: string) => string
}

/**
 * @internal A recipe's options before their checks: the option type's own fields, each `unknown` until checked.
 * Reading a field the option type does not have (a renamed one, a typo) is a compile error.
 */
export type Unchecked<T> = { readonly [K in keyof T]-?: unknown }

/** @internal The options object itself (each field is checked where it is read). */
export function checkOptions<T extends object>(options: T): Unchecked<T> {
  if (options === null || typeof options !== 'object') {
    fail('InvalidOption', 'options', 'must be an object', options)
  }
  return options as Unchecked<T>
}

const REGION = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** @internal A region is a lower-case DNS label (it may become part of a host name). */
export function checkRegion(value: unknown): string {
  if (typeof value !== 'string' || !REGION.test(value)) {
    fail('InvalidRegion', 'options.region', 'must be an AWS Region such as "us-east-1" (lower-case letters, digits and "-")', value)
  }
  return value
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/

/** @internal A DNS host name (or IPv4 address): no scheme, port, path, user info or empty label. */
export function checkHostName(value: unknown, field: string, example: string): string {
  if (typeof value !== 'string' || !HOST_NAME.test(value) || value.includes('..')) {
    const hint = typeof value === 'string' && /[:/@]/.test(value) ? ' (no scheme, port or path)' : ''
    fail('InvalidOption', field, `must be a host name such as "${example}"${hint}`, value)
  }
  return value
}

/** @internal An integer number of seconds in `1..max`, or `fallback` when absent. */
export function checkExpiresIn(value: unknown, fallback: number, max: number, why: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    fail('InvalidExpiresIn', 'options.expiresIn', `must be an integer number of seconds in 1..${max} (${why})`, value)
  }
  return value
}

/** @internal A non-empty string (encoded later, so any character is fine). */
export function checkText(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || value === '') {
    fail('InvalidOption', field, `must be a non-empty string (${what})`, value)
  }
  return value
}

/** @internal The options every recipe passes on to `presign`. */
export function signing(o: Unchecked<ServiceTokenOptions>, region: string, service: string, expiresIn: number): PresignOptions {
  return { credentials: o.credentials as Credentials, region, service, expiresIn, signingDate: o.signingDate as DateInput | undefined }
}

/**
 * @internal The DNS suffix of the AWS partition a Region belongs to (botocore's
 * `partitions.json`): `amazonaws.com`, `amazonaws.com.cn` for `cn-*`, and the
 * isolated and sovereign partitions.
 */
export function dnsSuffix(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn'
  if (region.startsWith('eusc-')) return 'amazonaws.eu'
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov'
  if (region.startsWith('us-isof-')) return 'csp.hci.ic.gov'
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov'
  if (region.startsWith('eu-isoe-')) return 'cloud.adc-e.uk'
  return 'amazonaws.com'
}

const AUTH_ORDER = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
]

/**
 * @internal Reorder a presigned URL's query as botocore emits it: the request's
 * own parameters first (in their order), then `X-Amz-Algorithm`, `Credential`,
 * `Date`, `Expires`, `SignedHeaders`, `Security-Token`, `Signature`.
 * (`presign` puts `SignedHeaders` before `Expires`, as AWS's CRT suite does.)
 * The order is not part of the signature; this only makes tokens byte-identical
 * to the SDKs' ones.
 */
export function botocoreOrder(url: string): string {
  const q = url.indexOf('?')
  const rank = (param: string): number => AUTH_ORDER.indexOf(param.slice(0, param.indexOf('=')))
  const params = url.slice(q + 1).split('&')
  const own = params.filter((p) => rank(p) < 0)
  const auth = params.filter((p) => rank(p) >= 0).sort((a, b) => rank(a) - rank(b))
  return url.slice(0, q + 1) + own.concat(auth).join('&')
}

/** @internal `https://host/path?query` → `authority/path?query` (the "scheme stripped" token form). */
export function withoutScheme(url: string, authority: string): string {
  return authority + url.slice(url.indexOf('/', url.indexOf('//') + 2))
}

/** @internal `https://…` → `wss://…`. */
export function toWss(url: string): string {
  return 'wss' + url.slice(url.indexOf(':'))
}

/** @internal base64url without padding of an ASCII string (a presigned URL is ASCII). */
export function base64Url(ascii: string): string {
  return btoa(ascii).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
