/** Bundles for the tree-shaking tests, with bench/size.mjs's settings. */
import { build } from 'esbuild'
import { projectRoot } from './suite.js'

/** A browser bundle of `contents` (its imports resolved from the project root): esbuild, minified ESM. */
export async function bundle(contents: string): Promise<string> {
  const r = await build({
    stdin: { contents, resolveDir: projectRoot, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  })
  return r.outputFiles[0]!.text
}
