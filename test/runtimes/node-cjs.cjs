// Node, CommonJS entry: node test/runtimes/node-cjs.cjs <cases.json>
'use strict'
const { readFileSync } = require('node:fs')
const lib = require('../../dist/index.cjs')
const gcs = require('../../dist/gcs.cjs')

async function main() {
  if (!require.resolve('../../dist/index.cjs').endsWith('.cjs') || typeof lib.presign !== 'function' || typeof gcs.presignGcs !== 'function') throw new Error('not the CJS build')
  const { failureLines, runCases, summary } = await import('./run-cases.mjs')
  const result = await runCases({ ...lib, gcs }, JSON.parse(readFileSync(process.argv[2], 'utf8')))
  for (const line of failureLines(result)) console.log(line)
  console.log(summary('node-cjs', result))
  process.exitCode = result.failed === 0 && result.passed > 0 ? 0 : 1
}
main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
