/**
 * Stable error codes thrown by this library. They never change meaning between
 * minor versions; match on `error.code`, not on the message.
 */
export type PresignErrorCode =
  | 'InvalidCredentials'
  | 'InvalidExpiresIn'
  | 'InvalidDate'
  | 'InvalidUrl'
  | 'AlreadySigned'
  | 'InvalidRegion'
  | 'InvalidService'
  | 'InvalidMethod'
  | 'InvalidHeader'
  | 'InvalidPayloadHash'
  | 'InvalidBucket'
  | 'InvalidKey'
  | 'InvalidOption'
  | 'InvalidString'
  | 'CryptoUnavailable'
  | 'InvalidXml'
  | 'InvalidPartPlan'
  | 'InvalidKeyFile'

/**
 * The only kind of error this library throws for bad input.
 *
 * - `code` is stable (see {@link PresignErrorCode});
 * - `field` names the offending input (e.g. `options.expiresIn`, `request.url`);
 * - the message names the field and the allowed values. It never contains a
 *   secret access key or a session token, and neither does any other property.
 */
export class PresignError extends Error {
  /** Stable machine-readable code. */
  declare readonly code: PresignErrorCode
  /** Dotted path of the input that was rejected, e.g. `options.expiresIn`. */
  declare readonly field: string

  /** @internal */
  constructor(code: PresignErrorCode, field: string, message: string) {
    super(`${field}: ${message}`)
    // Assigned, not declared as class fields (no field initializers in bundles); own keys stay code, field, name.
    this.code = code
    this.field = field
    this.name = 'PresignError'
  }
}

/** @internal Describe a value for an error message without echoing long or secret input. */
export function describe(value: unknown): string {
  const type = typeof value
  if (type === 'string') return value ? `a string of length ${(value as string).length}` : 'an empty string'
  return value == null || type === 'number' ? String(value) : Array.isArray(value) ? 'an array' : type === 'object' ? 'an object' : 'a ' + type
}

/** @internal Describe a secret (a secret key, a session token) by its type only: {@link describe} would print a number. */
export function describeSecret(value: unknown): string {
  return typeof value === 'number' ? 'a number' : describe(value)
}

/** @internal Throw a `PresignError`: `<field>: <message>[, got <described value>]`. */
export function fail(code: PresignErrorCode, field: string, message: string, ...got: unknown[]): never {
  throw new PresignError(code, field, message + (got.length ? ', got ' + describe(got[0]) : ''))
}
