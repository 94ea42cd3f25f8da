import { ALGORITHM, ALGORITHM_V4A, TERMINATOR } from './constants.js'

/**
 * Credential scope `YYYYMMDD/region/service/aws4_request`.
 *
 * @param day - the UTC day of the signing date, `YYYYMMDD`
 */
export function credentialScope(day: string, region: string, service: string): string {
  return day + '/' + region + '/' + service + '/' + TERMINATOR
}

/** @internal SigV4a credential scope `YYYYMMDD/service/aws4_request`: no region; the URL carries `X-Amz-Region-Set`. */
export function credentialScopeV4a(day: string, service: string): string {
  return day + '/' + service + '/' + TERMINATOR
}

/**
 * Task 2 of SigV4: the string to sign,
 * `AWS4-HMAC-SHA256\n<X-Amz-Date>\n<scope>\n<hex SHA-256 of the canonical request>`.
 */
export function stringToSign(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + canonicalRequestHash
}

/** @internal The SigV4a string to sign: as {@link stringToSign}, with `AWS4-ECDSA-P256-SHA256` and a SigV4a scope. */
export function stringToSignV4a(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return ALGORITHM_V4A + '\n' + amzDate + '\n' + scope + '\n' + canonicalRequestHash
}
