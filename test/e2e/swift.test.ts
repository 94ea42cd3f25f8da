/**
 * End-to-end against OpenStack Swift's s3api (Debian packages; strict, production-grade): the
 * authority. The test starts a four-process Swift cluster on 127.0.0.1 (free ports, temp dir,
 * configs written by helpers/swift.ts), waits for /healthcheck, runs every case, and stops every
 * process in afterAll; each process also runs under `timeout`, so none outlives the run.
 *
 * Swift absent: outside CI the file is skipped with a loud warning and the install command,
 *   apt-get update && apt-get install -y --no-install-recommends swift-proxy swift-account swift-container swift-object
 * With CI=true its absence is a failure (.ci/run installs it).
 *
 * What Swift answers where it differs from s3rver:
 * - wrong region: 400 AuthorizationQueryParametersError "... the region 'eu-west-3' is wrong;
 *   expecting 'us-east-1'" (real S3 answers the same way), not 403 SignatureDoesNotMatch;
 * - unknown access key: tempauth answers 403 SignatureDoesNotMatch (real S3: InvalidAccessKeyId);
 * - session tokens: signed over, never validated (there is no STS).
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { defineS3Cases, printObserved } from './helpers/s3-cases.js'
import { requireSwift, startSwift } from './helpers/swift.js'
import type { S3Target } from './helpers/target.js'

const present = requireSwift()
let target: S3Target | undefined

describe.skipIf(!present)('OpenStack Swift s3api (strict)', () => {
  beforeAll(async () => {
    target = await startSwift()
  }, 60_000)
  afterAll(async () => {
    printObserved()
    await target?.stop()
  }, 30_000)

  defineS3Cases(() => target!, {
    wrongRegion: { status: 400, code: 'AuthorizationQueryParametersError', message: /the region 'eu-west-3' is wrong; expecting 'us-east-1'/ },
    unsignedMetaHeader: { status: 403, code: 'AccessDenied', message: /^There were headers present in the request which were not signed$/ },
    unknownAccessKey: { status: 403, code: 'SignatureDoesNotMatch' },
    rfc3986QueryValues: true,
    virtualHosted: true,
  })
})
