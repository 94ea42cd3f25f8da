// npm run bench: bundle bench/bench.ts (our src + peers) with esbuild, then run it in this process. bench/runtimes.ts
// (our src only) is bundled beside it for the Bun and Deno runs that bench.ts starts.
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
await build({
  entryPoints: [new URL('./runtimes.ts', import.meta.url).pathname],
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2022',
  outfile: fileURLToPath(new URL('./.out/runtimes.mjs', import.meta.url)),
  logLevel: 'warning',
})
await import(new URL('./.out/bench.mjs', import.meta.url).href)
