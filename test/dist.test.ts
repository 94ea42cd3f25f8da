/** The built package (npm test builds it first): both entry points work and expose the same API. */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import * as source from '../src/index.js'
import { projectRoot } from './helpers/suite.js'

const esm = join(projectRoot, 'dist/index.js')
const cjs = join(projectRoot, 'dist/index.cjs')
const built = existsSync(esm) && existsSync(cjs)
if (!built) console.warn('!!! dist/ not built: run `npm run build` (npm test does) to test the package entry points')

const docRequest = { url: 'https://examplebucket.s3.amazonaws.com/test.txt' }
const docOptions = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 's3',
  expiresIn: 86400,
  signingDate: '2013-05-24T00:00:00Z',
}

describe.skipIf(!built && !process.env['CI'])('built package', () => {
  test('ESM entry', async () => {
    const mod = (await import(esm)) as typeof source
    expect(Object.keys(mod).sort()).toEqual(Object.keys(source).sort())
    expect(await mod.presign(docRequest, docOptions)).toContain('X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
  })
  test('CommonJS entry', async () => {
    const mod = createRequire(import.meta.url)(cjs) as typeof source
    expect(Object.keys(mod).sort()).toEqual(Object.keys(source).sort())
    expect(await mod.presign(docRequest, docOptions)).toContain('X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
    expect(new mod.PresignError('InvalidUrl', 'f', 'm')).toBeInstanceOf(Error)
  })
})
