import { PresignError } from '../core/errors.js'
import { checkVariants, partitionOf } from './partitions.js'

/**
 * An S3 Express One Zone directory bucket name: `BASE--ZONE-ID--x-s3`, e.g. `photos--usw2-az1--x-s3` or, in a
 * Local Zone, `photos--usw2-lax1-az1--x-s3` (botocore's endpoint rules; the whole name is one DNS label).
 */
const DIRECTORY_BUCKET = /^[a-z0-9](?:[a-z0-9-]{0,59}[a-z0-9])?--([a-z0-9]{1,8}(?:-[a-z0-9]{1,8})?-az\d{1,2})--x-s3$/

/** @internal Whether a bucket name is a directory bucket's (it ends in `--x-s3`): S3 signs those as `s3express`. */
export function isDirectoryBucket(bucket: string): boolean {
  return bucket.endsWith('--x-s3')
}

/**
 * @internal The zonal endpoint of a directory bucket, without the bucket label:
 * `s3express[-fips]-ZONE[.dualstack].REGION.SUFFIX`. Directory buckets take virtual-hosted requests only and have no
 * Transfer Acceleration.
 */
export function directoryBucketHost(bucket: string, region: string, switches: { readonly accelerate: boolean; readonly dualStack: boolean; readonly fips: boolean }): string {
  const zone = bucket.length > 63 ? undefined : DIRECTORY_BUCKET.exec(bucket)?.[1]
  if (zone === undefined) {
    throw new PresignError(
      'InvalidBucket',
      'location.bucket',
      'ends in "--x-s3", but is not a directory bucket name BASE--ZONE-ID--x-s3 (lower-case letters, digits and "-", at most 63 characters, a zone ID such as usw2-az1 or usw2-lax1-az1)',
    )
  }
  if (switches.accelerate) throw new PresignError('InvalidOption', 'location.accelerate', 'must be omitted: directory buckets have no Transfer Acceleration')
  const partition = partitionOf(region)
  checkVariants(partition, region, switches)
  return `s3express${switches.fips ? '-fips' : ''}-${zone}${switches.dualStack ? '.dualstack' : ''}.${region}.${partition.suffix}`
}
