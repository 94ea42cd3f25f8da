import { PresignError } from '../core/errors.js'
import { checkVariants, partitionNamed, partitionNames, partitionOf } from './partitions.js'

/** @internal An S3 access point ARN, parsed: where requests to it go, and how S3 signs them. */
export interface AccessPointArn {
  /** The host: `NAME-ACCOUNT.s3-accesspoint.REGION.SUFFIX`, its Object Lambda, Outposts or Multi-Region form. */
  readonly host: string
  /** `s3`, `s3-object-lambda` or `s3-outposts`. */
  readonly signingName: string
  /** A Multi-Region Access Point is signed with SigV4a for every region (`*`); the others with SigV4. */
  readonly multiRegion: boolean
}

/** @internal The endpoint switches of a location that apply to access points. */
export interface AccessPointSwitches {
  readonly dualStack: boolean
  readonly fips: boolean
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
/** @internal A Multi-Region Access Point alias (`mfzwi23gnjvgw.mrap`): at most 63 characters, each dot-separated label a DNS label. */
export const isMrapAlias = (alias: string): boolean => alias.length <= 63 && alias.split('.').every((label) => LABEL.test(label))
const ACCOUNT = /^\d{12}$/
const OUTPOST = /^op-[0-9a-f]{17}$/

const invalid = (why: string): never => {
  throw new PresignError(
    'InvalidBucket',
    'location.bucket',
    `is an ARN, but ${why}; supported: arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME, arn:PARTITION:s3::ACCOUNT:accesspoint/MRAP-ALIAS (Multi-Region), arn:PARTITION:s3-object-lambda:REGION:ACCOUNT:accesspoint/NAME, arn:PARTITION:s3-outposts:REGION:ACCOUNT:outpost/OP-ID/accesspoint/NAME (partitions ${partitionNames()})`,
  )
}

const unsupported = (switchName: 'dualStack' | 'fips', what: string): never => {
  throw new PresignError('InvalidOption', `location.${switchName}`, `must be omitted: ${what} has no ${switchName === 'fips' ? 'FIPS' : 'dual-stack'} endpoint`)
}

/**
 * @internal Parse an access point ARN given as `location.bucket` (botocore's endpoint rules: the account and name
 * form the first label; Object Lambda, Outposts and Multi-Region access points have their own hosts). A Regional
 * ARN's region must be the location's region (S3 refuses a request signed for another one); a Multi-Region ARN's
 * partition must be the region's.
 */
export function accessPointArn(arn: string, region: string, switches: AccessPointSwitches): AccessPointArn {
  const [, partitionName = '', service, arnRegion, account, ...resource] = arn.split(':')
  const partition = partitionNamed(partitionName)
  if (!partition) invalid(`its partition ${JSON.stringify(partitionName.slice(0, 32))} is not supported`)
  if (account === undefined || !ACCOUNT.test(account)) invalid('its account is not 12 digits')
  // The resource's parts are separated by "/" or ":" (accesspoint/NAME, accesspoint:NAME), as botocore reads them.
  const path = resource.join(':').split(/[/:]/)
  if (service === 's3' && arnRegion === '') return multiRegion(path, partition!.name, partition!.suffix, region, switches)
  if (arnRegion === undefined || !LABEL.test(arnRegion)) invalid('it has no valid region')
  if (partitionOf(arnRegion!) !== partition) invalid(`its region ${arnRegion} is not in its partition ${partitionName}`)
  if (arnRegion !== region) {
    throw new PresignError('InvalidRegion', 'location.region', `must be the ARN's region (${arnRegion}): S3 refuses a request to an access point signed for another region`)
  }
  const { suffix } = partition!
  checkVariants(partition!, region, switches)
  if (service === 's3' || service === 's3-object-lambda') {
    if (path.length !== 2 || path[0] !== 'accesspoint' || !LABEL.test(path[1]!)) invalid('its resource is not accesspoint/NAME')
    if (service === 's3-object-lambda' && switches.dualStack) unsupported('dualStack', 'S3 Object Lambda')
    const kind = (service === 's3' ? 's3-accesspoint' : 's3-object-lambda') + (switches.fips ? '-fips' : '') + (switches.dualStack ? '.dualstack' : '')
    return { host: `${path[1]}-${account}.${kind}.${region}.${suffix}`, signingName: service, multiRegion: false }
  }
  if (service === 's3-outposts') {
    if (path.length !== 4 || path[0] !== 'outpost' || !OUTPOST.test(path[1]!) || path[2] !== 'accesspoint' || !LABEL.test(path[3]!)) {
      invalid('its resource is not outpost/OP-ID/accesspoint/NAME')
    }
    if (switches.dualStack) unsupported('dualStack', 'S3 on Outposts')
    if (switches.fips) unsupported('fips', 'S3 on Outposts')
    return { host: `${path[3]}-${account}.${path[1]}.s3-outposts.${region}.${suffix}`, signingName: service, multiRegion: false }
  }
  return invalid(`its service ${JSON.stringify(String(service).slice(0, 32))} is not s3, s3-object-lambda or s3-outposts`)
}

/** A Multi-Region Access Point ARN (no region): `ALIAS.accesspoint.s3-global.SUFFIX`, signed with SigV4a. */
function multiRegion(path: string[], partitionName: string, suffix: string, region: string, switches: AccessPointSwitches): AccessPointArn {
  if (path.length !== 2 || path[0] !== 'accesspoint' || !isMrapAlias(path[1]!)) invalid('its resource is not accesspoint/ALIAS')
  if (partitionOf(region).name !== partitionName) {
    throw new PresignError('InvalidRegion', 'location.region', `must be a region of the ARN's partition (${partitionName}): a Multi-Region Access Point is reached through its own partition`)
  }
  if (switches.dualStack) unsupported('dualStack', 'a Multi-Region Access Point')
  if (switches.fips) unsupported('fips', 'a Multi-Region Access Point')
  return { host: `${path[1]}.accesspoint.s3-global.${suffix}`, signingName: 's3', multiRegion: true }
}
