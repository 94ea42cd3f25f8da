/** @internal Checks of option values shared by every entry point: each turns a bad value into a `PresignError`. */
import { fail, PresignError, type PresignErrorCode } from './errors.js'

/** @internal An integer number of seconds in `1..max`, or a `PresignError`. */
export function checkSeconds(value: unknown, field: string, code: PresignErrorCode, max: number, rule: string): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) fail(code, field, 'must ' + rule, value)
  return value as number
}

/** @internal A region or service name of a credential scope: 1-63 of `A-Z a-z 0-9 . _ -`. */
export function checkName(value: unknown, field: string, code: 'InvalidRegion' | 'InvalidService', example: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][\w.-]{0,62}$/.test(value)) {
    fail(code, field, `must be 1-63 of A-Z a-z 0-9 . _ - (e.g. "${example}")`, value)
  }
  return value
}

/** The payload hashes SigV4 signs in a presigned request: the body's SHA-256 (64 lower-case hex digits) or `UNSIGNED-PAYLOAD`. */
const PAYLOAD_HASH = /^(?:[0-9a-f]{64}|UNSIGNED-PAYLOAD)$/

/** @internal A payload hash given (`options.payloadHash`, a header): `undefined`, 64 lower-case hex digits or `UNSIGNED-PAYLOAD`. */
export function checkPayloadHash(value: unknown, field = 'options.payloadHash'): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || !PAYLOAD_HASH.test(value))) {
    fail('InvalidPayloadHash', field, 'must be 64 lower-case hex digits or "UNSIGNED-PAYLOAD"', value)
  }
  return value
}

/**
 * @internal The payload hash a signed `x-amz-content-sha256` header declares (its values as given): SigV4 signs the
 * header's value in place of the body's hash, presigned requests too (botocore, the AWS SDKs, S3, MinIO). `undefined`
 * without the header, `null` when its value is no payload hash.
 */
export function declaredPayloadHash(values: readonly string[] | undefined): string | null | undefined {
  const value = values?.join(',')
  return value === undefined ? undefined : PAYLOAD_HASH.test(value) ? value : null
}

/** @internal `true`/`false`/`undefined` (the default), or a `PresignError`: a string `'false'` must never mean true. */
export function checkBoolean<F extends boolean | undefined>(value: unknown, field: string, fallback: F): boolean | F {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail('InvalidOption', field, 'must be true or false', value)
  return value
}

/**
 * @internal An object of named values, `{ name: value }` (`undefined`: none, `{}`); a string, an array or `null` is a
 * typed error (not `?0=a&1=b`).
 */
export function checkRecord(value: unknown, field: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('InvalidOption', field, 'must be an object { name: value }', value)
  // A Map or URLSearchParams has no own enumerable entries: read as an object, it would silently lose them all.
  if (Symbol.iterator in value) throw new PresignError('InvalidOption', field, 'must be a plain object { name: value }, not a Map or URLSearchParams (use Object.fromEntries)')
  return value as Record<string, unknown>
}

/** @internal Throw for a request that is not an object (a caller's mistake, not a bad request from the network). */
export function checkObject(value: unknown, field: string, shape: string): void {
  if (value === null || typeof value !== 'object') throw new PresignError('InvalidOption', field, `must be an object ${shape}`)
}

/** @internal An HTTP method (1-32 letters), upper-cased; `undefined` is `GET`. */
export function checkMethod(value: unknown, field: string): string {
  const method = value ?? 'GET'
  if (typeof method !== 'string' || !/^[A-Za-z]{1,32}$/.test(method)) fail('InvalidMethod', field, 'must be an HTTP method such as GET or PUT', method)
  return method.toUpperCase()
}
