import { fail, PresignError } from '../core/errors.js'
import { uriEncode } from '../core/uri-encode.js'
import type { PresignRequest } from '../sign/presign.js'
import { type PresignV4aOptions, presignV4a } from '../sign/sigv4a.js'
import { isMrapAlias } from './arn.js'
import { checkKeySegments } from './keys.js'

/** Where an object behind an S3 Multi-Region Access Point lives. */
export interface S3MultiRegionLocation {
  /** The access point alias, e.g. `mfzwi23gnjvgw.mrap`. */
  readonly alias: string
  /** Object key, unencoded. */
  readonly key: string
}

/**
 * Presign an object URL of an S3 Multi-Region Access Point
 * (`https://<alias>.accesspoint.s3-global.amazonaws.com/<key>`) with SigV4a, valid in every region by default.
 */
export async function presignS3MultiRegion(
  location: S3MultiRegionLocation,
  options: Omit<PresignV4aOptions, 'service' | 'regionSet'> & { readonly method?: string; readonly headers?: PresignRequest['headers']; readonly regionSet?: PresignV4aOptions['regionSet'] },
): Promise<string> {
  if (location === null || typeof location !== 'object') fail('InvalidOption', 'location', 'must be an object { alias, key }', location)
  if (options === null || typeof options !== 'object') fail('InvalidOption', 'options', 'must be an object { credentials, ... }', options)
  const alias = location.alias
  if (typeof alias !== 'string' || !isMrapAlias(alias)) {
    fail('InvalidBucket', 'location.alias', 'must be a Multi-Region Access Point alias such as "mfzwi23gnjvgw.mrap"', alias)
  }
  const key = location.key
  if (typeof key !== 'string' || key === '') {
    throw new PresignError('InvalidKey', 'location.key', 'must be a non-empty string')
  }
  checkKeySegments(key, 'location.key')
  const url = `https://${alias}.accesspoint.s3-global.amazonaws.com/${uriEncode(key, true, 'location.key')}`
  return presignV4a({ method: options.method, url, headers: options.headers }, { ...options, service: 's3', regionSet: options.regionSet ?? '*' })
}

