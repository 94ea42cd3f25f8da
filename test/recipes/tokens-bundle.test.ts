/**
 * Tree-shaking of the "beyond S3" recipes, measured with esbuild on the TypeScript sources (the same bundler
 * settings as bench/size.mjs, which measures dist/): a bundle that imports only `presign` gets nothing of them,
 * and each async recipe brings neither the other recipes nor the synchronous SHA-256 of the Sync twins.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { bundle } from '../helpers/bundle.js'
import { projectRoot } from '../helpers/suite.js'

/** Each recipe: its module, and a string only its own code contains. */
const RECIPES: [name: string, module: string, mark: string][] = [
  ['rdsAuthToken', 'db-auth-token', 'rds-db'],
  ['dsqlAuthToken', 'db-auth-token', 'DbConnect'],
  ['elastiCacheAuthToken', 'cache-auth-token', 'ServerlessCache'],
  ['memoryDbAuthToken', 'cache-auth-token', 'memorydb'],
  ['eksToken', 'caller-identity', 'k8s-aws-v1.'],
  ['stsCallerIdentityUrl', 'caller-identity', 'GetCallerIdentity'],
  ['mskAuthToken', 'msk-auth-token', 'kafka-cluster'],
  ['iotWebSocketUrl', 'websocket-urls', 'iotdevicegateway'],
  ['transcribeStreamingUrl', 'websocket-urls', 'transcribestreaming'],
]
/** SHA-256's first round constant 0x428a2f98, as esbuild prints it: only the synchronous path has it. */
const SYNC_SHA256 = '1116352408'

describe('tree-shaking (esbuild, minified)', () => {
  test('importing only presign from the package entry gets none of the recipes: no bigger than presign.ts alone', async () => {
    const fromIndex = await bundle(`export { presign } from './src/index.ts'`)
    const alone = await bundle(`export { presign } from './src/sign/presign.ts'`)
    // Identical code; minified identifiers may be assigned differently.
    expect(fromIndex.length).toBeLessThanOrEqual(alone.length)
    for (const [, , mark] of RECIPES) expect(fromIndex).not.toContain(mark)
    expect(fromIndex).not.toContain(SYNC_SHA256)
  })

  // dist/index.js is one flat file, so there esbuild can only drop unused top-level statements one by one, not whole
  // modules: a module-level value it must keep (a spread, a method call) lands in every bundle. npm test builds dist.
  test.skipIf(!existsSync(join(projectRoot, 'dist/index.js')) && !process.env['CI'])(
    'importing only presign from the built package keeps no top-level value of the other modules',
    async () => {
      const fromDist = await bundle(`export { presign } from './dist/index.js'`)
      const alone = await bundle(`export { presign } from './src/sign/presign.ts'`)
      // tsup's output differs from the sources in small ways (identifier order); a leaked statement is 100+ bytes.
      expect(fromDist.length, 'presign-only from dist/ vs src/sign/presign.ts alone (is dist/ built from these sources? npm run build)').toBeLessThanOrEqual(alone.length + 32)
      expect(fromDist).not.toContain('"bucket"')
      expect(fromDist).not.toContain(SYNC_SHA256)
    },
  )

  test.each(RECIPES)('%s brings only its own module, and no synchronous SHA-256', async (name, module, mark) => {
    const code = await bundle(`export { ${name} } from './src/index.ts'`)
    expect(code).toContain(mark)
    for (const [other, otherModule, otherMark] of RECIPES) if (otherModule !== module) expect(code, other).not.toContain(otherMark)
    expect(code).not.toContain(SYNC_SHA256)
  })

  test('a Sync twin brings the synchronous SHA-256 (the check above is meaningful)', async () => {
    expect(await bundle(`export { rdsAuthTokenSync } from './src/index.ts'`)).toContain(SYNC_SHA256)
  })
})
