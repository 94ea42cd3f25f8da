// Deno: deno run --allow-read test/runtimes/deno.mjs <cases.json>  (Deno APIs only, no node: modules)
import * as gcs from '../../dist/gcs.js'
import * as index from '../../dist/index.js'
import { failureLines, runCases, summary } from './run-cases.mjs'

const data = JSON.parse(await Deno.readTextFile(Deno.args[0]))
const result = await runCases({ ...index, gcs }, data)
for (const line of failureLines(result)) console.log(line)
console.log(summary('deno', result))
Deno.exit(result.failed === 0 && result.passed > 0 ? 0 : 1)
