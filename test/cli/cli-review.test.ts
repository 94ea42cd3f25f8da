/**
 * The CLI's s3:// and url commands and `explain`, as found in the review of 2026-12-02 (each test failed before its
 * fix, except the last, which pins edges found correct): option parsing, options a command does not read, botocore's
 * precedence of the environment and the profile, and explain on SigV4a URLs. The built CLI (dist/cli.js) runs as a
 * child with a temporary HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE; no network (instance metadata
 * disabled). Where a test says what `aws s3 presign` gives, it runs the AWS CLI (v1, botocore) in the same environment.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'
import { projectRoot } from '../helpers/suite.js'

const cli = join(projectRoot, 'dist', 'cli.js')
const built = existsSync(cli)

const dir = mkdtempSync(join(tmpdir(), 'sigv4-cli-review-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const KEYS = { AWS_ACCESS_KEY_ID: DOC_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: DOC_SECRET }

/** A config file in the temp dir; aws CLI v1 needs signature_version = s3v4 to presign with SigV4. */
let n = 0
function config(text: string): string {
  const path = join(dir, `config-${n++}`)
  writeFileSync(path, text)
  return path
}

function baseEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...KEYS,
    ...extra,
  }
}

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { env: baseEnv(env), encoding: 'utf8', timeout: 20_000 })
  expect(r.stdout + r.stderr).not.toContain(DOC_SECRET)
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() }
}

/** `aws s3 presign URI` in the same environment: the URL before its query; undefined without the AWS CLI. */
function awsBase(uri: string, args: string[], env: Record<string, string>): string | undefined {
  const r = spawnSync('aws', ['s3', 'presign', uri, ...args], { env: baseEnv(env), encoding: 'utf8', timeout: 30_000 })
  if (r.error || r.status !== 0) {
    if (r.error) console.warn(`!!! aws CLI unavailable, skipping the aws s3 presign cross-check: ${r.error.message}`)
    else throw new Error(`aws s3 presign failed: ${r.stderr}`)
    return undefined
  }
  return r.stdout.trim().split('?')[0]
}

const base = (url: string): string => url.split('?')[0]!

describe.skipIf(!built && !process.env['CI'])('CLI: the review of 2026-12-02', () => {
  // --- option parsing (src/cli/args.ts parseArgs) ---

  test('a boolean flag written --fips=false is not taken as --fips', () => {
    const r = run(['s3://my-bucket/k', '--region', 'us-east-1', '--fips=false'])
    // Either refused as bad usage, or honoured: never the FIPS host the user said "false" to.
    if (r.code === 0) expect(r.out).not.toContain('s3-fips')
    else expect(r.code).toBe(2)
    const json = run(['s3://my-bucket/k', '--region', 'us-east-1', '--path-style=no'])
    if (json.code === 0) expect(base(json.out)).toBe('https://my-bucket.s3.us-east-1.amazonaws.com/k')
    else expect(json.code).toBe(2)
  })

  test('an unknown short option (-e 60) is a usage error, not a positional argument silently ignored', () => {
    const r = run(['s3://my-bucket/k', '--region', 'us-east-1', '-e', '60'])
    expect([r.code, r.out]).toEqual([2, ''])
    expect(r.err).toMatch(/^sigv4-presign: .*"-e"/)
  })

  test('extra positional arguments are a usage error, not silently dropped', () => {
    const r = run(['s3://my-bucket/k', 's3://other-bucket/j', '--region', 'us-east-1'])
    expect([r.code, r.out]).toEqual([2, ''])
    const e = run(['explain', 'https://b/k?X-Amz-Credential=a%2F20260101%2Fr%2Fs%2Faws4_request&X-Amz-Date=20260101T000000Z', 'extra'])
    expect([e.code, e.out]).toEqual([2, ''])
  })

  // --- options a command does not read (src/cli/args.ts ONLY_FOR / checkFlagsFor) ---

  test('url refuses --response-content-disposition and --endpoint-url, s3:// refuses --service, rather than signing without them', () => {
    // args.ts ONLY_FOR: "ignoring one would sign a URL that binds less ... or points elsewhere ... than asked".
    const cases: string[][] = [
      ['url', 'https://abc.execute-api.us-east-1.amazonaws.com/prod/x', '--service', 'execute-api', '--region', 'us-east-1', '--response-content-disposition', 'attachment'],
      ['url', 'https://abc.execute-api.us-east-1.amazonaws.com/prod/x', '--service', 'execute-api', '--region', 'us-east-1', '--endpoint-url', 'https://other.example.com'],
      ['s3://my-bucket/k', '--region', 'us-east-1', '--service', 'sts'],
    ]
    const accepted = cases.filter((args) => {
      const r = run(args)
      if (r.code !== 0) return false
      // Accepted is fine only if the option took effect.
      if (args.includes('--response-content-disposition')) return !r.out.includes('response-content-disposition=attachment')
      if (args.includes('--endpoint-url')) return !r.out.startsWith('https://other.example.com/')
      return !r.out.includes('%2Fsts%2Faws4_request')
    })
    expect(accepted.map((a) => a.join(' '))).toEqual([])
  })

  // --- settings precedence against botocore (src/cli/settings.ts loadSettings) ---

  test('AWS_USE_FIPS_ENDPOINT=false / AWS_USE_DUALSTACK_ENDPOINT=false override the profile, as in botocore (env first)', () => {
    const conf = config('[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\ns3 =\n  signature_version = s3v4\n')
    const env = { AWS_CONFIG_FILE: conf, AWS_DEFAULT_REGION: 'us-west-2', AWS_USE_FIPS_ENDPOINT: 'false', AWS_USE_DUALSTACK_ENDPOINT: 'false' }
    const r = run(['s3://my-bucket/k'], env)
    expect(r.code, r.err).toBe(0)
    const aws = awsBase('s3://my-bucket/k', [], env)
    // aws s3 presign: https://my-bucket.s3.amazonaws.com/k (v1's legacy global host); neither FIPS nor dual-stack.
    if (aws !== undefined) expect(aws).not.toMatch(/fips|dualstack/)
    expect(base(r.out)).toBe('https://my-bucket.s3.us-west-2.amazonaws.com/k')
    // Each alone, too.
    expect(base(run(['s3://my-bucket/k'], { ...env, AWS_USE_DUALSTACK_ENDPOINT: 'true' }).out)).toBe('https://my-bucket.s3.dualstack.us-west-2.amazonaws.com/k')
    expect(base(run(['s3://my-bucket/k'], { ...env, AWS_USE_FIPS_ENDPOINT: 'true' }).out)).toBe('https://my-bucket.s3-fips.us-west-2.amazonaws.com/k')
  })

  test('the nested s3 = / use_dualstack_endpoint = true holds whatever the environment says; its false yields to it, as in aws', () => {
    const cases: Array<[string, string, boolean]> = [
      ['true', 'false', true],
      ['false', 'true', true],
      ['false', 'false', false],
    ]
    for (const [nested, envValue, dualStack] of cases) {
      const env = { AWS_DEFAULT_REGION: 'us-west-2', AWS_USE_DUALSTACK_ENDPOINT: envValue, AWS_CONFIG_FILE: config(`[default]\ns3 =\n  signature_version = s3v4\n  use_dualstack_endpoint = ${nested}\n`) }
      const aws = awsBase('s3://my-bucket/k', [], env)
      if (aws !== undefined) expect(aws.includes('dualstack'), `aws, nested ${nested}, env ${envValue}`).toBe(dualStack)
      const r = run(['s3://my-bucket/k'], env)
      expect([r.code, base(r.out).includes('.dualstack.')], `nested ${nested}, env ${envValue}`).toEqual([0, dualStack])
    }
  })

  test('s3 = / addressing_style = virtual with a custom endpoint gives a virtual-hosted URL, as aws s3 presign does', () => {
    const conf = config('[default]\nregion = eu-west-1\nendpoint_url = https://minio.example.com\ns3 =\n  signature_version = s3v4\n  addressing_style = virtual\n')
    const env = { AWS_CONFIG_FILE: conf }
    const aws = awsBase('s3://my-bucket/k', [], env)
    if (aws !== undefined) expect(aws).toBe('https://my-bucket.minio.example.com/k')
    const r = run(['s3://my-bucket/k'], env)
    expect(r.code, r.err).toBe(0)
    expect(base(r.out)).toBe('https://my-bucket.minio.example.com/k')
  })

  test('FIPS / dual-stack from the environment or profile are dropped with a configured endpoint, as botocore does', () => {
    const s3v4 = config('[default]\ns3 =\n  signature_version = s3v4\n')
    const cases: Array<[string[], Record<string, string>]> = [
      [['--endpoint-url', 'http://127.0.0.1:9000'], { AWS_CONFIG_FILE: s3v4, AWS_USE_FIPS_ENDPOINT: 'true' }],
      [['--endpoint-url', 'http://127.0.0.1:9000'], { AWS_CONFIG_FILE: s3v4, AWS_USE_DUALSTACK_ENDPOINT: 'true' }],
      [[], { AWS_CONFIG_FILE: s3v4, AWS_USE_DUALSTACK_ENDPOINT: 'true', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' }],
      [[], { AWS_CONFIG_FILE: config('[default]\nuse_fips_endpoint = true\nendpoint_url = http://127.0.0.1:9000\ns3 =\n  signature_version = s3v4\n') }],
    ]
    for (const [args, extra] of cases) {
      const env = { AWS_DEFAULT_REGION: 'us-west-2', ...extra }
      const aws = awsBase('s3://my-bucket/k', args, env)
      if (aws !== undefined) expect(aws).toBe('http://127.0.0.1:9000/my-bucket/k')
      const r = run(['s3://my-bucket/k', ...args], env)
      expect([r.code, r.err], JSON.stringify(extra)).toEqual([0, ''])
      expect(base(r.out)).toBe('http://127.0.0.1:9000/my-bucket/k')
    }
  })

  test('s3 = / use_accelerate_endpoint = true with addressing_style = path: accelerate wins, as in botocore', () => {
    const env = { AWS_DEFAULT_REGION: 'us-west-2', AWS_CONFIG_FILE: config('[default]\ns3 =\n  signature_version = s3v4\n  addressing_style = path\n  use_accelerate_endpoint = true\n') }
    const aws = awsBase('s3://my-bucket/k', [], env)
    if (aws !== undefined) expect(aws).toBe('https://my-bucket.s3-accelerate.amazonaws.com/k')
    const r = run(['s3://my-bucket/k'], env)
    expect([r.code, r.err]).toEqual([0, ''])
    expect(base(r.out)).toBe('https://my-bucket.s3-accelerate.amazonaws.com/k')
  })

  // --- explain (src/cli/explain.ts) ---

  test('explain on a SigV4a URL the CLI made (Multi-Region access point): scope read right, signature valid', () => {
    const made = run(['s3://arn:aws:s3::123456789012:accesspoint/abc.mrap/k', '--region', 'us-west-2'])
    expect(made.code, made.err).toBe(0)
    expect(new URL(made.out).searchParams.get('X-Amz-Algorithm')).toBe('AWS4-ECDSA-P256-SHA256')
    const r = run(['explain', made.out])
    expect(r.code, r.err).toBe(0)
    // SigV4a's scope is AKID/DAY/SERVICE/aws4_request (the regions are X-Amz-Region-Set): it was shown as region "s3",
    // service "aws4_request", and verified as that service ("INVALID: ScopeMismatch").
    expect(r.out).not.toMatch(/scope: .* \/ s3 \/ aws4_request/)
    expect(r.out).toMatch(/scope: +\d{8} \/ SigV4a, regions \* \/ s3/)
    expect(r.out).toContain('signature:      valid for these credentials')
  })

  // --- verified correct ---

  test('verified correct: --flag=value and --flag value alike, last repeated value wins, key encoding matches aws s3 presign', () => {
    const a = run(['s3://my-bucket/k', '--region=us-east-1', '--expires-in=60', '--expires-in', '120'])
    expect(a.code, a.err).toBe(0)
    expect(new URL(a.out).searchParams.get('X-Amz-Expires')).toBe('120')
    const conf = config('[default]\ns3 =\n  signature_version = s3v4\n')
    const key = "s3://my-bucket/a b+c~!'()*é//x/$@:,[]{}|^`\"<>\\?#%41;="
    const env = { AWS_CONFIG_FILE: conf, AWS_DEFAULT_REGION: 'eu-west-1' }
    const aws = awsBase(key, [], env)
    const ours = run([key], env)
    expect(ours.code, ours.err).toBe(0)
    if (aws !== undefined) expect(new URL(base(ours.out)).pathname).toBe(new URL(aws).pathname)
  })
})
