/**
 * Locates Google's Cloud Storage V4 signing conformance suite (data kept outside the project, in
 * ../shared/gcs-conformance-tests; override with GCS_CONFORMANCE_TESTS=/path). Absent outside CI: the tests are
 * skipped with a loud warning. Absent in CI: a failure.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { projectRoot } from '../helpers/suite.js'
import type { GcsConformanceSuite } from '../runtimes/gcs-cases.mjs'

export const gcsSuiteRoot = resolve(process.env['GCS_CONFORMANCE_TESTS'] ?? join(projectRoot, '../shared/gcs-conformance-tests'))
const suiteFile = join(gcsSuiteRoot, 'v4_signatures.json')
const keyFile = join(gcsSuiteRoot, 'test_service_account.not-a-test.json')
export const gcsSuitePresent = existsSync(suiteFile) && existsSync(keyFile)

/** `true` when the suite is there; a loud warning (outside CI) or an error (CI) when it is not. */
export function requireGcsSuite(): boolean {
  if (gcsSuitePresent) return true
  const msg =
    `\n!!! Google Cloud Storage conformance tests NOT FOUND at ${gcsSuiteRoot}\n` +
    '!!! Put gcs-conformance-tests in ../shared (as CI has it) or set GCS_CONFORMANCE_TESTS=/path/to/gcs-conformance-tests.\n'
  if (process.env['CI']) throw new Error(msg + '!!! CI must run them: failing.')
  console.warn(msg + '!!! Skipping the Cloud Storage conformance tests.')
  return false
}

/** The parsed v4_signatures.json. */
export function readGcsSuite(): GcsConformanceSuite {
  return JSON.parse(readFileSync(suiteFile, 'utf8')) as GcsConformanceSuite
}

/** The suite's dummy service-account key file, as text (its name says it is not a credential). */
export function readGcsKeyFileText(): string {
  return readFileSync(keyFile, 'utf8')
}
