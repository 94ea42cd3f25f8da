// npm run bench: bundle bench/bench.ts (our src + peers) with esbuild, then run it in this process.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

// Written inside the project so that the peers' packages resolve from node_modules.
const out = fileURLToPath(new URL('./.out/bench.mjs', import.meta.url))
await build({
  entryPoints: [new URL('./bench.ts', import.meta.url).pathname],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: out,
  logLevel: 'warning',
})
await import(new URL('./.out/bench.mjs', import.meta.url).href)
