// Node, ESM entry: node test/runtimes/node-esm.mjs <cases.json>
import { readFile } from 'node:fs/promises'
import * as gcs from '../../dist/gcs.js'
import * as index from '../../dist/index.js'
import { failureLines, runCases, summary } from './run-cases.mjs'

const data = JSON.parse(await readFile(process.argv[2], 'utf8'))
const result = await runCases({ ...index, gcs }, data)
for (const line of failureLines(result)) console.log(line)
console.log(summary('node-esm', result))
process.exitCode = result.failed === 0 && result.passed > 0 ? 0 : 1
