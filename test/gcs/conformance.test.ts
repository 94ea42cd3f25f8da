/**
 * Google's Cloud Storage V4 signing conformance suite (../shared/gcs-conformance-tests, see its SOURCE.md): all 29
 * signingV4Tests (canonical request, string to sign and URL, byte for byte) and all 11 postPolicyV4Tests (URL and
 * every form field, byte for byte), through test/runtimes/gcs-cases.mjs, the runner the runtime matrix reuses.
 * The key file is passed both as its JSON text and as the parsed object.
 */
import { afterAll, describe, expect, test } from 'vitest'
import * as gcs from '../../src/gcs/index.js'
import { KNOWN_SUITE_DEFECTS, runGcsConformance, runPostCase, runSigningCase } from '../runtimes/gcs-cases.mjs'
import { readGcsKeyFileText, readGcsSuite, requireGcsSuite } from './gcs-suite.js'

const present = requireGcsSuite()
const suite = present ? readGcsSuite() : { signingV4Tests: [], postPolicyV4Tests: [] }
const keyText = present ? readGcsKeyFileText() : ''
const counts = { signing: 0, post: 0 }

describe.skipIf(!present)('Cloud Storage V4 conformance suite', () => {
  test('the suite has its 29 signing and 11 POST policy cases', () => {
    expect(suite.signingV4Tests).toHaveLength(29)
    expect(suite.postPolicyV4Tests).toHaveLength(11)
  })

  test.each(suite.signingV4Tests.map((c) => [c.description, c] as const))('signing: %s', async (_name, c) => {
    await runSigningCase(gcs, c, keyText)
    await runSigningCase(gcs, c, JSON.parse(keyText))
    counts.signing++
  })

  test.each(suite.postPolicyV4Tests.map((c) => [c.description, c] as const))('POST policy: %s', async (_name, c) => {
    await runPostCase(gcs, c, keyText)
    await runPostCase(gcs, c, JSON.parse(keyText))
    counts.post++
  })

  test('runGcsConformance (the runtime matrix entry point) passes every case', async () => {
    const results = await runGcsConformance(gcs, suite, JSON.parse(keyText))
    expect(results.filter((r) => !r.ok)).toEqual([])
    expect(results).toHaveLength(40)
  })

  test('the one self-contradictory case is still named in the suite', () => {
    for (const name of Object.keys(KNOWN_SUITE_DEFECTS)) expect(suite.signingV4Tests.map((c) => c.description)).toContain(name)
  })

  test('a mismatch is reported, not swallowed', async () => {
    const c = { ...suite.signingV4Tests[0]!, expectedUrl: suite.signingV4Tests[0]!.expectedUrl.replace('Signature=9', 'Signature=8') }
    await expect(runSigningCase(gcs, c, keyText)).rejects.toThrow(/url: differ/)
    const [r] = await runGcsConformance(gcs, { signingV4Tests: [c], postPolicyV4Tests: [] }, keyText)
    expect(r).toMatchObject({ name: `signing/${c.description}`, ok: false })
  })

  afterAll(() => {
    console.log(`GCS conformance: ${counts.signing} of ${suite.signingV4Tests.length} signing and ${counts.post} of ${suite.postPolicyV4Tests.length} POST policy cases passed byte for byte`)
  })
})
