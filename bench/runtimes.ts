/**
 * The presign bench under Bun and Deno (bench.ts runs it with each when installed; run.mjs bundles it): presignSync
 * on each hash engine, with and without a 760-char session token, and on Bun its built-in `S3Client.presign` for the
 * same object URL (virtual-hosted, the same key). Everything is signed now, as Bun's S3Client only can. The cases
 * are interleaved round by round after a warm-up, as in bench.ts; every URL is first checked with
 * verifyPresignedSync. Prints one JSON line: { version, samples: { case: µs per round } }.
 */
import { useHashEngine } from '../src/core/hash-engine.js'
import { presignSync } from '../src/sign/presign-sync.js'
import { verifyPresignedSync } from '../src/verify/verify-presigned-sync.js'

interface Runtime {
  Bun?: { version: string; S3Client: new (o: Record<string, unknown>) => { presign(key: string, o: { expiresIn: number }): string } }
  Deno?: { version: { deno: string } }
  process?: { env: Record<string, string | undefined> }
}
const g = globalThis as Runtime
const env = (name: string): string | undefined => g.process?.env[name]
const ROUNDS = Number(env('BENCH_ROUNDS') ?? 15)
const BATCH_MS = Number(env('BENCH_BATCH_MS') ?? 25)

const accessKeyId = 'AKIAIOSFODNN7EXAMPLE'
const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const token = ('IQoJb3JpZ2luX2VjEXAMPLE/+' + 'A'.repeat(40)).repeat(12).slice(0, 760)
const key = 'photos/2026/some file+name ü.jpg'
const url = 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/2026/some%20file%2Bname%20%C3%BC.jpg'
const region = 'us-east-1'

interface Case {
  name: string
  engine?: 'js' | 'auto'
  op: () => string
}
const options = (sessionToken?: string) => ({ credentials: { accessKeyId, secretAccessKey, sessionToken }, region, service: 's3', expiresIn: 3600 })
const plain = options()
const withToken = options(token)
const cases: Case[] = [
  { name: 'presignSync', op: () => presignSync({ url }, plain) },
  { name: 'presignSync, pure-JS hash engine', engine: 'js', op: () => presignSync({ url }, plain) },
  { name: `presignSync, ${token.length}-char session token`, op: () => presignSync({ url }, withToken) },
  { name: `presignSync, pure-JS hash engine, ${token.length}-char session token`, engine: 'js', op: () => presignSync({ url }, withToken) },
]
if (g.Bun) {
  const client = (sessionToken?: string) => new g.Bun!.S3Client({ accessKeyId, secretAccessKey, sessionToken, bucket: 'examplebucket', region, virtualHostedStyle: true })
  const bunPlain = client()
  const bunToken = client(token)
  cases.push({ name: 'Bun S3Client.presign', op: () => bunPlain.presign(key, { expiresIn: 3600 }) })
  cases.push({ name: `Bun S3Client.presign, ${token.length}-char session token`, op: () => bunToken.presign(key, { expiresIn: 3600 }) })
}

// Every case signs the same object URL, and verifies.
for (const c of cases) {
  useHashEngine(c.engine ?? 'auto')
  const signed = c.op()
  if (!signed.startsWith(url + '?')) throw new Error(`${c.name}: another URL: ${signed}`)
  const creds = { accessKeyId, secretAccessKey, sessionToken: c.name.includes('token') ? token : undefined }
  const r = verifyPresignedSync({ method: 'GET', url: signed }, { credentials: (id) => (id === accessKeyId ? creds : undefined), region })
  if (!r.ok) throw new Error(`${c.name}: does not verify: ${r.message}`)
}

function batch(c: Case, n: number): number {
  useHashEngine(c.engine ?? 'auto')
  const t0 = performance.now()
  for (let i = 0; i < n; i++) c.op()
  return ((performance.now() - t0) * 1000) / n
}
function calibrate(c: Case): number {
  for (let n = 1; ; n *= 4) {
    const us = batch(c, n) * n
    if (us >= (BATCH_MS * 1000) / 4 || n >= 1 << 20) return Math.max(1, Math.round((n * BATCH_MS * 1000) / Math.max(us, 1)))
  }
}
const sizes = cases.map(calibrate)
const samples: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, [] as number[]]))
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < cases.length; i++) {
    const k = (i + r) % cases.length
    samples[cases[k]!.name]!.push(batch(cases[k]!, sizes[k]!))
  }
}
useHashEngine('auto')
console.log(JSON.stringify({ version: g.Bun ? g.Bun.version : g.Deno ? g.Deno.version.deno : 'unknown', samples }))
