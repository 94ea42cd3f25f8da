import { ALGORITHM, TERMINATOR } from './constants.js'

/**
 * Credential scope `YYYYMMDD/region/service/aws4_request`.
 *
 * @param day - the UTC day of the signing date, `YYYYMMDD`
 * @param terminator - the scope's last element: `aws4_request` (the default), Cloud Storage's `goog4_request`
 */
export function credentialScope(day: string, region: string, service: string, terminator: string = TERMINATOR): string {
  return day + '/' + region + '/' + service + '/' + terminator
}

/** @internal SigV4a credential scope `YYYYMMDD/service/aws4_request`: no region; the URL carries `X-Amz-Region-Set`. */
export function credentialScopeV4a(day: string, service: string): string {
  return day + '/' + service + '/' + TERMINATOR
}

/**
 * Task 2 of SigV4: the string to sign,
 * `AWS4-HMAC-SHA256\n<X-Amz-Date>\n<scope>\n<hex SHA-256 of the canonical request>`.
 *
 * @param algorithm - its first line: `AWS4-HMAC-SHA256` (the default), SigV4a's `AWS4-ECDSA-P256-SHA256` (with a SigV4a
 *   scope), Cloud Storage's `GOOG4-RSA-SHA256` or `GOOG4-HMAC-SHA256`
 */
export function stringToSign(amzDate: string, scope: string, canonicalRequestHash: string, algorithm: string = ALGORITHM): string {
  return algorithm + '\n' + amzDate + '\n' + scope + '\n' + canonicalRequestHash
}
