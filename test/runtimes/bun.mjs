// Bun: bun test/runtimes/bun.mjs <cases.json>  (Bun APIs only, no node: modules)
import * as gcs from '../../dist/gcs.js'
import * as index from '../../dist/index.js'
import { failureLines, runCases, summary } from './run-cases.mjs'

if (typeof Bun === 'undefined') throw new Error('not running in Bun')
const data = await Bun.file(Bun.argv[2]).json()
const result = await runCases({ ...index, gcs }, data)
for (const line of failureLines(result)) console.log(line)
console.log(summary('bun', result))
process.exit(result.failed === 0 && result.passed > 0 ? 0 : 1)
