import { PresignError } from '../core/errors.js'

/**
 * @internal The AWS partitions (botocore's `partitions.json`): which regions each has, its DNS suffix, and which S3
 * endpoint variants it offers.
 */
export interface Partition {
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f` or `aws-eusc`. */
  readonly name: string
  /** DNS suffix of its S3 hosts, e.g. `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`. */
  readonly suffix: string
  /** S3 has dual-stack hosts (`s3.dualstack.REGION.SUFFIX`) there (botocore refuses them in aws-iso-e and aws-iso-f). */
  readonly dualStack: boolean
  /** S3 has FIPS hosts there: every region but those of `aws` outside AWS's FIPS endpoint list, and none in China. */
  readonly fips: (region: string) => boolean
  /** S3 Transfer Acceleration exists there (only in `aws`: AWS documents it nowhere else). */
  readonly accelerate: boolean
}

/** The Regions of the `aws` partition where S3 has FIPS endpoints (AWS's FIPS endpoint list). */
const AWS_FIPS_REGIONS: ReadonlySet<string> = /* @__PURE__ */ new Set(['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1'])

const always = (): boolean => true
const never = (): boolean => false
const AWS: Partition = { name: 'aws', suffix: 'amazonaws.com', dualStack: true, fips: (region) => AWS_FIPS_REGIONS.has(region), accelerate: true }

/** Every partition but `aws` (the default), with the pattern of its region names, tried in this order. */
const OTHERS: ReadonlyArray<readonly [RegExp, Partition]> = [
  [/^cn-\w+-\d+$/, { name: 'aws-cn', suffix: 'amazonaws.com.cn', dualStack: true, fips: never, accelerate: false }],
  [/^us-gov-\w+-\d+$/, { name: 'aws-us-gov', suffix: 'amazonaws.com', dualStack: true, fips: always, accelerate: false }],
  [/^us-iso-\w+-\d+$/, { name: 'aws-iso', suffix: 'c2s.ic.gov', dualStack: true, fips: always, accelerate: false }],
  [/^us-isob-\w+-\d+$/, { name: 'aws-iso-b', suffix: 'sc2s.sgov.gov', dualStack: true, fips: always, accelerate: false }],
  [/^eu-isoe-\w+-\d+$/, { name: 'aws-iso-e', suffix: 'cloud.adc-e.uk', dualStack: false, fips: always, accelerate: false }],
  [/^us-isof-\w+-\d+$/, { name: 'aws-iso-f', suffix: 'csp.hci.ic.gov', dualStack: false, fips: always, accelerate: false }],
  [/^eusc-de-\w+-\d+$/, { name: 'aws-eusc', suffix: 'amazonaws.eu', dualStack: true, fips: always, accelerate: false }],
]

/** @internal The partition of a region (botocore's rule: the first whose pattern matches; `aws` otherwise). */
export function partitionOf(region: string): Partition {
  for (const [pattern, partition] of OTHERS) if (pattern.test(region)) return partition
  return AWS
}

/** @internal The partition of that name, or `undefined`. */
export function partitionNamed(name: string): Partition | undefined {
  return name === 'aws' ? AWS : OTHERS.find(([, p]) => p.name === name)?.[1]
}

/** @internal The names of every partition, for error messages. */
export function partitionNames(): string {
  return ['aws', ...OTHERS.map(([, p]) => p.name)].join(', ')
}

/**
 * @internal Refuse an endpoint variant the partition or region does not have, naming the switch: S3 has no such
 * host, so a URL to one could only fail.
 */
export function checkVariants(partition: Partition, region: string, switches: { readonly dualStack: boolean; readonly fips: boolean }): void {
  if (switches.dualStack && !partition.dualStack) {
    throw new PresignError('InvalidOption', 'location.dualStack', `is not available in ${region}: the ${partition.name} partition has no S3 dual-stack endpoints`)
  }
  if (switches.fips && !partition.fips(region)) {
    const where = partition.name === 'aws' ? `S3 has FIPS endpoints in ${[...AWS_FIPS_REGIONS].join(', ')} and the other partitions but China` : `the ${partition.name} partition has no S3 FIPS endpoints`
    throw new PresignError('InvalidOption', 'location.fips', `is not available in ${region}: ${where}`)
  }
}
