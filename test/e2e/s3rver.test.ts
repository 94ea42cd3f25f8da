/**
 * End-to-end against @20minutes/s3rver 5.0.0, in-process (always runs in `npm test`, ~1 s).
 *
 * s3rver really verifies SigV4 query signatures (lib/signature/v4.js), but it is lenient. Its
 * documented gaps (../../../shared/docs/s3-compatible-servers.md, re-measured by these cases):
 * - no region: a URL correctly signed for any region passes;
 * - unsigned `x-amz-meta-*` headers are accepted;
 * - query values are canonicalised with encodeURIComponent, which leaves !'()* bare, so a
 *   CORRECT signature over e.g. response-content-disposition=attachment; filename="r(1).bin" fails;
 * - virtual-hosted requests are verified against canonical URI /bucket/key instead of /key, so a
 *   correct virtual-hosted signature fails;
 * - plain unauthenticated requests are served (no ACLs).
 * Those cases assert and name the gap here; swift.test.ts asserts the real behaviour.
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { defineS3Cases, printObserved } from './helpers/s3-cases.js'
import { startS3rver } from './helpers/s3rver.js'
import type { S3Target } from './helpers/target.js'

let target: S3Target | undefined

describe('s3rver (in-process, lenient)', () => {
  beforeAll(async () => {
    target = await startS3rver()
  })
  afterAll(async () => {
    printObserved()
    await target?.stop()
  })

  defineS3Cases(() => target!, {
    wrongRegion: { gap: 's3rver has no region: it signs with whatever region the credential scope names' },
    unsignedMetaHeader: { gap: 's3rver does not check that every x-amz-* header is signed' },
    unknownAccessKey: { status: 403, code: 'InvalidAccessKeyId' },
    rfc3986QueryValues: { gap: "s3rver canonicalises query values with encodeURIComponent, leaving !'()* unescaped" },
    virtualHosted: { gap: 's3rver verifies virtual-hosted requests against canonical URI /bucket/key instead of /key' },
  })
})
