/** The SigV4 algorithm name. */
export const ALGORITHM = 'AWS4-HMAC-SHA256'

/**
 * Credential scope `YYYYMMDD/region/service/aws4_request`.
 *
 * @param day - the UTC day of the signing date, `YYYYMMDD`
 */
export function credentialScope(day: string, region: string, service: string): string {
  return day + '/' + region + '/' + service + '/aws4_request'
}

/**
 * Task 2 of SigV4: the string to sign,
 * `AWS4-HMAC-SHA256\n<X-Amz-Date>\n<scope>\n<hex SHA-256 of the canonical request>`.
 */
export function stringToSign(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + canonicalRequestHash
}
