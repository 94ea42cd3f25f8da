/**
 * An S3-only bundle carries no Cloud Storage code: the gcs entry is its own bundle, and the core steps it shares take
 * Cloud Storage's names (`GOOG4`, `goog4_request`, `X-Goog-*`) only from it. From the sources, and from dist/ when
 * built (a flat file keeps what a module-level value drags in).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { bundle } from '../helpers/bundle.js'
import { projectRoot } from '../helpers/suite.js'

/** Strings only Cloud Storage's code contains. */
const MARKS = ['GOOG4', 'goog4_request', 'X-Goog-', 'x-goog-', 'storage.googleapis.com']
const S3_ENTRIES = ['presign', 'presignSync', 'presignS3', 'verifyPresigned', 'verifyPresignedSync', 'presignPost', 'presignUploadParts', '*']
const exportOf = (name: string, from: string) => (name === '*' ? `export * from '${from}'` : `export { ${name} } from '${from}'`)
const dist = join(projectRoot, 'dist', 'index.js')

describe('S3 bundles carry no Cloud Storage code', () => {
  test.each(S3_ENTRIES)('%s from src/index.ts', async (name) => {
    const code = await bundle(exportOf(name, './src/index.ts'))
    for (const mark of MARKS) expect(code, mark).not.toContain(mark)
  })

  test.runIf(existsSync(dist) || process.env['CI'])('presign and the whole package from dist/index.js', async () => {
    for (const name of ['presign', '*']) {
      const code = await bundle(exportOf(name, './dist/index.js'))
      for (const mark of MARKS) expect(code, `${name}: ${mark}`).not.toContain(mark)
    }
  })

  test('the gcs bundle does carry them (the marks are real)', async () => {
    const code = await bundle(exportOf('presignGcs', './src/gcs/index.ts'))
    for (const mark of ['GOOG4', 'goog4_request', 'X-Goog-', 'storage.']) expect(code).toContain(mark)
  })
})
