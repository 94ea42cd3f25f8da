/**
 * `sigv4-presign`: the `aws s3 presign` experience without the AWS CLI or an SDK.
 * The only module that uses Node built-ins; the library never imports it.
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { MAX_EXPIRES } from '../core/constants.js'
import type { Credentials } from '../core/credentials.js'
import { type Ini, iniSection, parseIni } from '../credentials/ini.js'
import { presignDetailed, PresignError, type PresignResult, type PresignS3Options, presignS3Detailed, type S3ChecksumAlgorithm, verifyPresigned } from '../index.js'

declare const __VERSION__: string | undefined

const HELP = `Usage:
  sigv4-presign s3://BUCKET/KEY [options]        presign an S3 object URL (like \`aws s3 presign\`);
                                                 BUCKET may be an access point ARN (s3://arn:aws:s3:...:accesspoint/NAME/KEY),
                                                 a Multi-Region one (s3://arn:aws:s3::ACCOUNT:accesspoint/ALIAS.mrap/KEY)
                                                 or a directory bucket (needs its CreateSession credentials)
  sigv4-presign url URL --service S [options]    presign any URL for any AWS service
  sigv4-presign explain URL [options]            decode a presigned URL; verify it when credentials are available

Options:
  --expires-in SECONDS      1..604800 (default 3600)
  --method METHOD           GET, PUT, HEAD, DELETE, POST ... (default GET)
  --region REGION           signing region (default: AWS_REGION, AWS_DEFAULT_REGION, profile region)
  --endpoint-url URL        custom S3 endpoint (MinIO, R2, http://127.0.0.1:9000 ...)
  --path-style              https://endpoint/bucket/key instead of https://bucket.endpoint/key
  --accelerate              S3 Transfer Acceleration (or s3.use_accelerate_endpoint = true in the profile)
  --dual-stack              the IPv4+IPv6 endpoint (or AWS_USE_DUALSTACK_ENDPOINT=true, use_dualstack_endpoint)
  --fips                    the FIPS endpoint (or AWS_USE_FIPS_ENDPOINT=true, use_fips_endpoint)
  --content-type TYPE       sign a Content-Type header (the client must send it)
  --content-length BYTES    (s3) sign the body's exact size: S3 refuses any other (a PUT that cannot grow)
  --checksum ALG:BASE64     (s3) sign x-amz-checksum-ALG (CRC32, CRC32C, CRC64NVME, SHA1, SHA256): S3 refuses other bytes
  --content-md5 BASE64      (s3) sign Content-MD5: S3 refuses other bytes
  --response-content-disposition VALUE   ask S3 to send this Content-Disposition
  --service SERVICE         (url) service of the credential scope, e.g. execute-api, sts
  --header 'Name: value'    (url, explain) a header the client will send; repeatable
  --profile NAME            profile in ~/.aws/credentials and ~/.aws/config
  --json                    print JSON: url, method, signedAt, expiresAt, signedHeaders, headers to send
  -h, --help                this help
  -v, --version             the version

Credentials, as the AWS CLI resolves them: --profile; AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN;
AWS_PROFILE; ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE).
Static keys only: credential_process, SSO, assumed roles and instance metadata are not supported. With temporary
credentials set AWS_CREDENTIAL_EXPIRATION (as \`aws configure export-credentials --format env\` does): a URL cannot
outlive its credentials, so --expires-in is then shortened to their remaining lifetime, with a warning.`

/** A usage error: one line on stderr, exit code 2. User-controlled text in its message is quoted with JSON.stringify. */
class UsageError extends Error {}

/** Escape what JSON.stringify leaves raw (DEL, C1 controls, U+2028/U+2029) and any line break, so an error is one stderr line. */
const oneLine = (s: string): string => s.replace(/[\0-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

type Env = Readonly<Record<string, string | undefined>>

interface Args {
  positional: string[]
  flags: Map<string, string[]>
}

const VALUE_FLAGS = new Set([
  'expires-in',
  'method',
  'region',
  'endpoint-url',
  'content-type',
  'content-length',
  'checksum',
  'content-md5',
  'response-content-disposition',
  'service',
  'header',
  'profile',
])
const BOOL_FLAGS = new Set(['path-style', 'accelerate', 'dual-stack', 'fips', 'json', 'help', 'version'])

function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = []
  const flags = new Map<string, string[]>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h') flags.set('help', ['true'])
    else if (arg === '-v') flags.set('version', ['true'])
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq < 0 ? undefined : eq)
      if (BOOL_FLAGS.has(name)) {
        flags.set(name, ['true'])
        continue
      }
      if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown option ${JSON.stringify(`--${name}`)}; see --help`)
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1)
      if (value === undefined) throw new UsageError(`--${name} needs a value`)
      flags.set(name, [...(flags.get(name) ?? []), value])
    } else positional.push(arg)
  }
  return { positional, flags }
}

const flag = (args: Args, name: string): string | undefined => args.flags.get(name)?.at(-1)

function readIni(path: string): Ini | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const { code, syscall, message } = e as NodeJS.ErrnoException
    if (code === 'ENOENT') return undefined
    // Node's message is "<CODE>: <description>, <syscall>[ '<path>']": keep what precedes the syscall, not the raw path.
    const cut = syscall ? message.indexOf(`, ${syscall}`) : -1
    throw new UsageError(`cannot read ${JSON.stringify(path)}: ${cut > 0 ? message.slice(0, cut) : JSON.stringify(message)}`)
  }
  return parseIni(text)
}

interface Resolved {
  credentials: Credentials
  region: string | undefined
  endpoint: string | undefined
  pathStyle: boolean
  /** S3 endpoint switches (flag, environment or profile, as botocore reads them); `undefined` when off. */
  accelerate: true | undefined
  dualStack: true | undefined
  fips: true | undefined
}

const UNSUPPORTED = ['credential_process', 'sso_session', 'sso_start_url', 'role_arn', 'web_identity_token_file', 'credential_source']

/** Resolve credentials, region and endpoint the way the AWS CLI does (static credentials only). */
function resolveConfig(args: Args, env: Env, home: string, needCredentials = true): Resolved | undefined {
  const explicitProfile = flag(args, 'profile')
  const profile = explicitProfile ?? env['AWS_PROFILE'] ?? env['AWS_DEFAULT_PROFILE'] ?? 'default'
  const credentialsFile = env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials')
  const configFile = env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config')
  const creds = readIni(credentialsFile)
  const config = readIni(configFile)
  const fromCredentials = iniSection(creds, profile)
  // As in the AWS CLI, a named profile's config section is [profile NAME]; a bare [NAME] there is not a profile.
  const fromConfig = iniSection(config, profile === 'default' ? 'default' : `profile ${profile}`)
  const profileNamed = explicitProfile !== undefined || env['AWS_PROFILE'] !== undefined || env['AWS_DEFAULT_PROFILE'] !== undefined
  if (profileNamed && !fromCredentials && !fromConfig) {
    throw new UsageError(
      `profile ${JSON.stringify(profile)} not found in ${JSON.stringify(credentialsFile)} or ${JSON.stringify(configFile)}; check the name (--profile / AWS_PROFILE) or create it with \`aws configure --profile ${JSON.stringify(profile)}\``,
    )
  }

  let credentials: Credentials | undefined
  // An explicit --profile overrides the environment's keys, as in the AWS CLI.
  if (explicitProfile === undefined && env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) {
    credentials = {
      accessKeyId: env['AWS_ACCESS_KEY_ID'],
      secretAccessKey: env['AWS_SECRET_ACCESS_KEY'],
      sessionToken: env['AWS_SESSION_TOKEN'] || undefined,
      expiration: credentialExpiration(env['AWS_CREDENTIAL_EXPIRATION']),
    }
  } else {
    for (const source of [fromCredentials, fromConfig]) {
      const id = source?.get('aws_access_key_id')
      const secret = source?.get('aws_secret_access_key')
      if (id && secret) {
        credentials = { accessKeyId: id, secretAccessKey: secret, sessionToken: source?.get('aws_session_token') || undefined }
        break
      }
    }
  }
  if (!credentials && needCredentials) {
    const found = UNSUPPORTED.filter((k) => fromConfig?.has(k) || fromCredentials?.has(k))
    if (found.length) {
      throw new UsageError(
        `profile ${JSON.stringify(profile)} uses ${found.join(', ')}, which sigv4-presign does not support (static keys only); export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (e.g. from \`aws configure export-credentials --profile ${JSON.stringify(profile)} --format env\`)`,
      )
    }
    throw new UsageError(
      'no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use --profile NAME with keys in ~/.aws/credentials (instance metadata and SSO are not supported)',
    )
  }
  const region = flag(args, 'region') ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? fromConfig?.get('region')
  const endpoint =
    flag(args, 'endpoint-url') ?? env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'] ?? fromConfig?.get('s3.endpoint_url') ?? fromConfig?.get('endpoint_url')
  const pathStyle = args.flags.has('path-style') || fromConfig?.get('s3.addressing_style') === 'path'
  const on = (name: string, envName: string | undefined, ...keys: string[]): true | undefined =>
    args.flags.has(name) || (envName !== undefined && env[envName]?.toLowerCase() === 'true') || keys.some((k) => fromConfig?.get(k)?.toLowerCase() === 'true') || undefined
  const accelerate = on('accelerate', undefined, 's3.use_accelerate_endpoint')
  const dualStack = on('dual-stack', 'AWS_USE_DUALSTACK_ENDPOINT', 'use_dualstack_endpoint', 's3.use_dualstack_endpoint')
  const fips = on('fips', 'AWS_USE_FIPS_ENDPOINT', 'use_fips_endpoint')
  return credentials ? { credentials, region, endpoint, pathStyle, accelerate, dualStack, fips } : undefined
}

/** `AWS_CREDENTIAL_EXPIRATION` (ISO 8601, as `aws configure export-credentials` writes it). */
function credentialExpiration(text: string | undefined): Date | undefined {
  if (!text) return undefined
  const date = new Date(text)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`AWS_CREDENTIAL_EXPIRATION must be an ISO 8601 date-time such as 2026-12-01T18:00:00Z, got ${JSON.stringify(text)}`)
  }
  return date
}

/** `--content-length`, `--checksum ALG:VALUE` and `--content-md5`: what a PUT URL binds the body to. */
function parseBindings(args: Args): Pick<PresignS3Options, 'contentLength' | 'checksum' | 'contentMD5'> {
  const length = flag(args, 'content-length')
  if (length !== undefined && !/^\d{1,16}$/.test(length)) throw new UsageError(`--content-length must be a whole number of bytes, got ${JSON.stringify(length)}`)
  const checksum = flag(args, 'checksum')
  const i = checksum?.indexOf(':') ?? -1
  if (checksum !== undefined && i <= 0) throw new UsageError(`--checksum must look like ALGORITHM:BASE64, e.g. CRC32:y/Q5Jg==, got ${JSON.stringify(checksum)}`)
  return {
    contentLength: length === undefined ? undefined : Number(length),
    checksum: checksum === undefined ? undefined : { algorithm: checksum.slice(0, i).toUpperCase() as S3ChecksumAlgorithm, value: checksum.slice(i + 1) },
    contentMD5: flag(args, 'content-md5'),
  }
}

/** A warning when the credentials' expiry shortened the URL's lifetime. */
function clampWarning(result: PresignResult, requested: number | undefined): string | undefined {
  const effective = Math.round((result.expiresAt.getTime() - result.signedAt.getTime()) / 1000)
  if (effective >= (requested ?? 3600)) return undefined
  return `warning: the URL expires at ${result.expiresAt.toISOString()}, after ${effective} s instead of ${requested ?? 3600}: the credentials expire then (AWS_CREDENTIAL_EXPIRATION); sign with longer-lived credentials for a longer URL`
}

function parseExpires(args: Args): number | undefined {
  const text = flag(args, 'expires-in')
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_EXPIRES) {
    throw new UsageError(`--expires-in must be a whole number of seconds in 1..${MAX_EXPIRES} (7 days), got ${JSON.stringify(text)}`)
  }
  return Number(text)
}

function parseHeaders(args: Args): Array<[string, string]> {
  const headers: Array<[string, string]> = []
  for (const h of args.flags.get('header') ?? []) {
    const i = h.indexOf(':')
    if (i <= 0) throw new UsageError(`--header must look like 'Name: value', got ${JSON.stringify(h)}`)
    headers.push([h.slice(0, i).trim(), h.slice(i + 1).trim()])
  }
  const contentType = flag(args, 'content-type')
  if (contentType !== undefined) headers.push(['content-type', contentType])
  return headers
}

function output(result: PresignResult, json: boolean): string {
  if (!json) return result.url
  return JSON.stringify(
    {
      url: result.url,
      method: result.method,
      signedAt: result.signedAt.toISOString(),
      expiresAt: result.expiresAt.toISOString(),
      expiresIn: Math.round((result.expiresAt.getTime() - result.signedAt.getTime()) / 1000),
      signedHeaders: result.signedHeaders,
      headers: result.headers,
    },
    null,
    2,
  )
}

/**
 * `s3://BUCKET/KEY`, or as `aws s3 presign` takes it, `s3://ACCESS-POINT-ARN/KEY`: the ARN ends after
 * `accesspoint/NAME` (Outposts: `outpost/ID/accesspoint/NAME`).
 */
function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const rest = uri.slice('s3://'.length)
  const parts = rest.split('/')
  const bucketParts = !rest.startsWith('arn:') ? 1 : parts[0]!.includes(':s3-outposts:') ? 4 : 2
  const key = parts.slice(bucketParts).join('/')
  return parts[0] && parts.length > bucketParts && key ? { bucket: parts.slice(0, bucketParts).join('/'), key } : undefined
}

async function presignS3Command(uri: string, args: Args, env: Env, home: string, warn: (s: string) => void): Promise<string> {
  const m = parseS3Uri(uri)
  if (!m) throw new UsageError(`${JSON.stringify(uri)} is not an S3 object URI; write s3://BUCKET/KEY or s3://ACCESS-POINT-ARN/KEY (the key may contain "/")`)
  const conf = resolveConfig(args, env, home)!
  if (!conf.region) throw new UsageError('no region; pass --region REGION or set AWS_REGION (or region in ~/.aws/config)')
  const disposition = flag(args, 'response-content-disposition')
  const expiresIn = parseExpires(args)
  const result = await presignS3Detailed(
    {
      bucket: m.bucket,
      key: m.key,
      region: conf.region,
      endpoint: conf.endpoint,
      forcePathStyle: conf.pathStyle ? true : undefined,
      accelerate: conf.accelerate,
      dualStack: conf.dualStack,
      fips: conf.fips,
      responseOverrides: disposition === undefined ? undefined : { contentDisposition: disposition },
    },
    { credentials: conf.credentials, method: flag(args, 'method'), headers: parseHeaders(args), expiresIn, ...parseBindings(args) },
  )
  const warning = clampWarning(result, expiresIn)
  if (warning) warn(warning)
  return output(result, args.flags.has('json'))
}

async function presignUrlCommand(url: string | undefined, args: Args, env: Env, home: string, warn: (s: string) => void): Promise<string> {
  if (!url) throw new UsageError('url needs a URL: sigv4-presign url https://... --service SERVICE --region REGION')
  const service = flag(args, 'service')
  if (!service) throw new UsageError('url needs --service (e.g. s3, execute-api, sts)')
  const conf = resolveConfig(args, env, home)!
  if (!conf.region) throw new UsageError('no region; pass --region REGION or set AWS_REGION')
  const expiresIn = parseExpires(args)
  const result = await presignDetailed({ method: flag(args, 'method'), url, headers: parseHeaders(args) }, { credentials: conf.credentials, region: conf.region, service, expiresIn })
  const warning = clampWarning(result, expiresIn)
  if (warning) warn(warning)
  return output(result, args.flags.has('json'))
}

function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000)
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  if (s < 172800) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86400)} days`
}

async function explainCommand(url: string | undefined, args: Args, env: Env, home: string, now: number): Promise<string> {
  if (!url) throw new UsageError('explain needs a presigned URL')
  const q = url.indexOf('?')
  const params = new Map<string, string>()
  for (const pair of (q < 0 ? '' : url.slice(q + 1)).split('&')) {
    const eq = pair.indexOf('=')
    if (eq < 0) continue
    try {
      params.set(decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1)))
    } catch {
      throw new UsageError('the URL has malformed percent-encoding in its query')
    }
  }
  const credential = params.get('X-Amz-Credential')
  const date = params.get('X-Amz-Date')
  if (!credential || !date) throw new UsageError('this is not a SigV4 presigned URL (no X-Amz-Credential / X-Amz-Date)')
  const [accessKeyId, day, region, service] = credential.split('/')
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date)
  const signedAt = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN
  const expires = Number(params.get('X-Amz-Expires'))
  const expiresAt = signedAt + expires * 1000
  const lines = [
    `access key id:  ${accessKeyId}`,
    `scope:          ${day} / ${region} / ${service}`,
    `signed at:      ${Number.isFinite(signedAt) ? new Date(signedAt).toISOString() : `invalid (${date})`}`,
    `expires at:     ${Number.isFinite(expiresAt) ? new Date(expiresAt).toISOString() : 'invalid'} (X-Amz-Expires ${params.get('X-Amz-Expires')})`,
    `time left:      ${!Number.isFinite(expiresAt) ? 'unknown' : expiresAt >= now ? duration(expiresAt - now) : `expired ${duration(now - expiresAt)} ago`}`,
    `signed headers: ${params.get('X-Amz-SignedHeaders')}`,
    `session token:  ${params.has('X-Amz-Security-Token') ? 'present' : 'none'}`,
  ]
  const conf = resolveConfig(args, env, home, false)
  if (!conf) {
    lines.push('signature:      not checked (no credentials found)')
  } else if (conf.credentials.accessKeyId !== accessKeyId) {
    lines.push(`signature:      not checked (your credentials are for ${conf.credentials.accessKeyId}, not ${accessKeyId})`)
  } else {
    const result = await verifyPresigned(
      { method: flag(args, 'method') ?? 'GET', url, headers: parseHeaders(args) },
      { credentials: () => conf.credentials, service: service ?? 's3', now, clockSkew: 900 },
    )
    if (result.ok) lines.push('signature:      valid for these credentials')
    else {
      lines.push(`signature:      INVALID: ${result.code} (${result.s3Code}): ${result.message}`)
      if (result.canonicalRequest) lines.push('canonical request:', result.canonicalRequest, 'string to sign:', result.stringToSign ?? '')
    }
  }
  return lines.join('\n')
}

/** Run the CLI; returns the exit code. */
async function run(argv: readonly string[], env: Env, io: { out: (s: string) => void; err: (s: string) => void }, home = homedir(), now = Date.now()): Promise<number> {
  try {
    const args = parseArgs(argv)
    if (args.flags.has('help')) {
      io.out(HELP)
      return 0
    }
    if (args.flags.has('version')) {
      io.out(typeof __VERSION__ === 'string' ? __VERSION__ : 'dev')
      return 0
    }
    const [first, second] = args.positional
    const warn = (s: string): void => io.err(`sigv4-presign: ${oneLine(s)}`)
    if (first === undefined) throw new UsageError('nothing to do; try: sigv4-presign s3://BUCKET/KEY --expires-in 60 (see --help)')
    if (first === 'url') io.out(await presignUrlCommand(second, args, env, home, warn))
    else if (first === 'explain') io.out(await explainCommand(second, args, env, home, now))
    else if (first.startsWith('s3://')) io.out(await presignS3Command(first, args, env, home, warn))
    else throw new UsageError(`unknown command ${JSON.stringify(first)}; expected s3://BUCKET/KEY, url or explain (see --help)`)
    return 0
  } catch (e) {
    if (e instanceof UsageError || e instanceof PresignError) {
      io.err(`sigv4-presign: ${oneLine(e.message)}`)
      return 2
    }
    io.err(`sigv4-presign: unexpected error: ${oneLine((e as Error).message)}`)
    return 1
  }
}

run(process.argv.slice(2), process.env, { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') }).then((code) => {
  process.exitCode = code
})
