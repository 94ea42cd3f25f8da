import { PresignError } from '../core/errors.js'

/** @internal An S3 access point ARN, parsed: where requests to it go, and the name S3 signs them under. */
export interface AccessPointArn {
  /** The host: `NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com`, or its Object Lambda or Outposts form. */
  readonly host: string
  /** `s3`, `s3-object-lambda` or `s3-outposts`. */
  readonly signingName: string
  readonly region: string
}

/** The AWS partitions whose S3 access points this library addresses, with their DNS suffix. */
const PARTITIONS: Readonly<Record<string, string>> = { aws: 'amazonaws.com', 'aws-cn': 'amazonaws.com.cn', 'aws-us-gov': 'amazonaws.com' }
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const ACCOUNT = /^\d{12}$/
const OUTPOST = /^op-[0-9a-f]{17}$/

const invalid = (why: string): never => {
  throw new PresignError(
    'InvalidBucket',
    'location.bucket',
    `is an ARN, but ${why}; supported: arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME, arn:aws:s3-object-lambda:REGION:ACCOUNT:accesspoint/NAME, arn:aws:s3-outposts:REGION:ACCOUNT:outpost/OP-ID/accesspoint/NAME (partitions aws, aws-cn, aws-us-gov)`,
  )
}

/**
 * @internal Parse an access point ARN given as `location.bucket` (botocore's endpoint rules: the account and name
 * form the first label; Object Lambda and Outposts have their own host and signing name). Its region must be the
 * location's region: S3 refuses a request signed for another one.
 */
export function accessPointArn(arn: string, region: string): AccessPointArn {
  const [, partition, service, arnRegion, account, ...resource] = arn.split(':')
  const suffix = partition === undefined ? undefined : PARTITIONS[partition]
  if (!suffix || !Object.hasOwn(PARTITIONS, partition!)) invalid(`its partition ${JSON.stringify(String(partition).slice(0, 32))} is not supported`)
  if (arnRegion === undefined || !LABEL.test(arnRegion)) invalid('it has no valid region')
  if (account === undefined || !ACCOUNT.test(account)) invalid('its account is not 12 digits')
  if (arnRegion !== region) {
    throw new PresignError('InvalidRegion', 'location.region', `must be the ARN's region (${arnRegion}): S3 refuses a request to an access point signed for another region`)
  }
  const path = resource.join(':').split('/')
  if (service === 's3' || service === 's3-object-lambda') {
    if (path.length !== 2 || path[0] !== 'accesspoint' || !LABEL.test(path[1]!)) invalid('its resource is not accesspoint/NAME')
    const kind = service === 's3' ? 's3-accesspoint' : 's3-object-lambda'
    return { host: `${path[1]}-${account}.${kind}.${arnRegion}.${suffix}`, signingName: service, region: arnRegion! }
  }
  if (service === 's3-outposts') {
    if (path.length !== 4 || path[0] !== 'outpost' || !OUTPOST.test(path[1]!) || path[2] !== 'accesspoint' || !LABEL.test(path[3]!)) {
      invalid('its resource is not outpost/OP-ID/accesspoint/NAME')
    }
    return { host: `${path[3]}-${account}.${path[1]}.s3-outposts.${arnRegion}.${suffix}`, signingName: service, region: arnRegion! }
  }
  return invalid(`its service ${JSON.stringify(String(service).slice(0, 32))} is not s3, s3-object-lambda or s3-outposts`)
}
