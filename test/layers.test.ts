/**
 * The layers of src/ (CONTRIBUTING.md, "Where each rule lives"): a module imports only from its own folder or from
 * folders before it in LAYERS, and only src/credentials/ (sigv4-presign/credentials, a Node entry of its own) and
 * src/cli/ may import a Node built-in.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { projectRoot } from './helpers/suite.js'

const LAYERS = ['core', 'checksums', 'sign', 'verify', 's3', 'gcs', 'upload', 'recipes', 'credentials', 'cli']
/** The layers that may use node: modules and the public entry '../index.js' (as a user would). */
const NODE_LAYERS = ['credentials', 'cli']
const src = join(projectRoot, 'src')

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'\n]*?from\s+'([^']+)'/gm)].map((m) => m[1]!)
}

describe('src/ layers', () => {
  test('every folder imports only from itself and the layers before it; only credentials and the CLI use node: modules', () => {
    const problems: string[] = []
    let checked = 0
    for (const layer of LAYERS) {
      for (const name of readdirSync(join(src, layer))) {
        const file = join(src, layer, name)
        for (const spec of imports(file)) {
          checked++
          if (spec.startsWith('node:')) {
            if (!NODE_LAYERS.includes(layer)) problems.push(`${layer}/${name} imports ${spec}`)
            continue
          }
          // The credentials entry and the CLI may use the public entry point like any user.
          if (NODE_LAYERS.includes(layer) && spec === '../index.js') continue
          const target = /^\.\.\/([a-z0-9]+)\//.exec(spec)?.[1] ?? (spec.startsWith('./') ? layer : undefined)
          if (target === undefined) problems.push(`${layer}/${name} imports ${spec}`)
          else if (LAYERS.indexOf(target) > LAYERS.indexOf(layer)) problems.push(`${layer}/${name} imports the later layer ${target} (${spec})`)
        }
      }
    }
    expect(problems).toEqual([])
    expect(checked).toBeGreaterThan(50)
  })
})
