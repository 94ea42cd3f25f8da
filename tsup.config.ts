import { readFileSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'

/**
 * The credentials entry uses the library through '../index.js': in dist it imports the package's own index (./index.js
 * or ./index.cjs) instead of a copy, so that there is one PresignError class and one signing-key cache.
 */
const packageIndexExternal: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'package-index-external',
  setup(build) {
    const target = build.initialOptions.format === 'cjs' ? './index.cjs' : './index.js'
    build.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: target, external: true }))
  },
}

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

/**
 * One package entry, built on its own (ESM, CJS, types), so that no entry imports a shared chunk: each dist file
 * stands alone, as the runtime tests and workers load them.
 */
const entry = (name: string, source: string, extra: Options = {}): Options => ({
  entry: { [name]: source },
  format: ['esm', 'cjs'],
  dts: true,
  clean: false,
  sourcemap: false,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  ...extra,
})

export default defineConfig([
  entry('index', 'src/index.ts'),
  // sigv4-presign/upload: the browser's multipart uploader.
  entry('upload', 'src/upload/index.ts'),
  // sigv4-presign/checksums: CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256 and MD5 in S3's base64 form.
  entry('checksums', 'src/checksums/index.ts'),
  // sigv4-presign/gcs: Google Cloud Storage V4 signed URLs and POST policies (RSA and HMAC), on the same core steps.
  entry('gcs', 'src/gcs/index.ts'),
  // sigv4-presign/credentials: the AWS CLI's credential chain (files, processes, STS, SSO, containers, IMDS); Node.
  entry('credentials', 'src/credentials/index.ts', { target: 'node20', platform: 'node', treeshake: false, esbuildPlugins: [packageIndexExternal] }),
  {
    // The command line: the only code that may use Node built-ins; never imported by the library.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: false,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define: { __VERSION__: JSON.stringify(version) },
  },
])
