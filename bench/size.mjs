// npm run size: minified + gzipped size of browser ESM bundles of the built package (dist/), per entry,
// against budgets. Exits 1 when a budget is exceeded. Prints every figure on every run.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'

const project = new URL('..', import.meta.url).pathname
// Budgets in bytes (min+gzip): what was measured when they were set, plus ~3%. Lower them as the code shrinks;
// raising one needs a reason in the commit message. See README "Performance".
const entries = [
  ['presign only', `export { presign } from './dist/index.js'`, 5800],
  ['presignSync only', `export { presignSync } from './dist/index.js'`, 7730],
  ['presignS3 only', `export { presignS3 } from './dist/index.js'`, 11380],
  ['verifyPresigned only', `export { verifyPresigned } from './dist/index.js'`, 7750],
  ['verifyPresignedSync only', `export { verifyPresignedSync } from './dist/index.js'`, 9040],
  ['presignPost only', `export { presignPost } from './dist/index.js'`, 8390],
  ['verifyPost only', `export { verifyPost } from './dist/index.js'`, 5850],
  ['rdsAuthToken only', `export { rdsAuthToken } from './dist/index.js'`, 6430],
  ['presignUploadParts only', `export { presignUploadParts } from './dist/index.js'`, 12370],
  ['whole package', `export * from './dist/index.js'`, 32540],
  // sigv4-presign/upload, the browser's multipart uploader (its own entry: no signing code).
  ['uploadMultipart only', `export { uploadMultipart } from './dist/upload.js'`, 10030],
  ['whole upload entry', `export * from './dist/upload.js'`, 10100],
  // sigv4-presign/checksums: each algorithm alone, and the whole entry.
  ['crc32c only (checksums)', `export { crc32c } from './dist/checksums.js'`, 2400],
  ['crc64nvme only (checksums)', `export { crc64nvme } from './dist/checksums.js'`, 2520],
  ['sha256 only (checksums)', `export { sha256 } from './dist/checksums.js'`, 3900],
  ['md5 only (checksums)', `export { md5 } from './dist/checksums.js'`, 3560],
  ['whole checksums entry', `export * from './dist/checksums.js'`, 6880],
  // sigv4-presign/gcs: Cloud Storage V4 signed URLs and POST policies.
  ['presignGcs only (gcs)', `export { presignGcs } from './dist/gcs.js'`, 6950],
  ['presignGcsPost only (gcs)', `export { presignGcsPost } from './dist/gcs.js'`, 8620],
  ['whole gcs entry', `export * from './dist/gcs.js'`, 10620],
  // sigv4-presign/credentials is for Node (node: modules): bundled for Node, its import of the package index left
  // out, so the figure is the entry's own code.
  ['whole credentials entry (Node, own code)', `export * from './dist/credentials.js'`, 12450, 'node'],
]
const peers = [
  ['aws4fetch (whole package, reference)', `export * from 'aws4fetch'`],
  ['@smithy/signature-v4 + @aws-crypto/sha256-js (reference)', `export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js'`],
  // What the gcs entry replaces: Google's Node client (it does not bundle for browsers or workers).
  ['@google-cloud/storage Storage (Node, reference)', `export { Storage } from '@google-cloud/storage'`, 'node'],
  // What the credentials entry replaces: the AWS SDK's Node chain (bundled for Node, with its STS/SSO clients).
  ['@aws-sdk/credential-provider-node defaultProvider (Node, reference)', `export { defaultProvider } from '@aws-sdk/credential-provider-node'`, 'node'],
]

/** The credentials entry imports the package's index (one PresignError); that is measured on its own above. */
const packageIndexExternal = {
  name: 'package-index-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/index\.c?js$/ }, (args) => (args.importer.startsWith(`${project}dist/`) ? { path: args.path, external: true } : undefined))
  },
}

async function measure(contents, platform = 'browser') {
  const r = await build({
    stdin: { contents, resolveDir: project, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    plugins: platform === 'node' ? [packageIndexExternal] : [],
    write: false,
    logLevel: 'silent',
  })
  const code = r.outputFiles[0].contents
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length }
}

let failed = false
console.log('| entry | min bytes | min+gzip bytes | budget (min+gzip) |')
console.log('| --- | ---: | ---: | ---: |')
const measured = new Map()
for (const [name, contents, budget, platform] of entries) {
  const { min, gz } = await measure(contents, platform)
  const over = gz > budget
  failed ||= over
  measured.set(name, gz)
  console.log(`| ${name} | ${min} | ${gz} | ${budget}${over ? ' **EXCEEDED**' : ''} |`)
}
for (const [name, contents, platform] of peers) {
  try {
    const { min, gz } = await measure(contents, platform)
    measured.set(name, gz)
    console.log(`| ${name} | ${min} | ${gz} | — |`)
  } catch {
    console.log(`| ${name} | not installed | | |`)
  }
}
// The goal the budgets do not meet yet (see README "Performance"): a presign-only bundle smaller than aws4fetch's
// whole client. Printed on every run so that the gap stays visible.
const reference = measured.get(peers[0][0])
if (reference) {
  const ratio = measured.get('presign only') / reference
  console.log(`\npresign only is ${ratio.toFixed(2)}× aws4fetch's whole client (goal: below 1×${ratio < 1 ? ', met' : ', not met'})`)
}
if (failed) {
  console.error('size budget exceeded')
  process.exit(1)
}
