/**
 * `sigv4-presign`: the `aws s3 presign` experience without the AWS CLI or an SDK (and `gs://` for Cloud Storage).
 * With the credentials entry, the only code that uses Node built-ins; the library never imports it.
 */
import type { CredentialSource } from '../credentials/types.js'
import type { SignedUrlDetails } from '../core/signed-url.js'
import { PresignError, type PresignResult, presignDetailed, presignS3Detailed } from '../index.js'
import { type Args, checkFlagsFor, type Env, flag, oneLine, parseArgs, parseBindings, parseExpires, parseHeaders, UsageError } from './args.js'
import { explainCommand } from './explain.js'
import { presignGcsCommand } from './gcs.js'
import { describeSettings, loadCredentials, loadSettings, type Settings } from './settings.js'

declare const __VERSION__: string | undefined

const HELP = `Usage:
  sigv4-presign s3://BUCKET/KEY [options]        presign an S3 object URL (like \`aws s3 presign\`);
                                                 BUCKET may be an access point ARN (s3://arn:aws:s3:...:accesspoint/NAME/KEY),
                                                 a Multi-Region one (s3://arn:aws:s3::ACCOUNT:accesspoint/ALIAS.mrap/KEY)
                                                 or a directory bucket (needs its CreateSession credentials)
  sigv4-presign gs://BUCKET/KEY --key-file sa.json [options]
                                                 a Google Cloud Storage V4 signed URL (GOOG4-RSA-SHA256) with a
                                                 service-account key file (or GOOGLE_APPLICATION_CREDENTIALS)
  sigv4-presign url URL --service S [options]    presign any URL for any AWS service
  sigv4-presign explain URL [options]            decode a presigned URL; verify it when credentials are available

Options:
  --expires-in SECONDS      1..604800 (default 3600)
  --method METHOD           GET, PUT, HEAD, DELETE, POST ... (default GET)
  --region REGION           signing region (default: AWS_REGION, AWS_DEFAULT_REGION, profile region)
  --endpoint-url URL        custom S3 endpoint (MinIO, R2, http://127.0.0.1:9000 ...); for gs://, an emulator or
                            private endpoint (or STORAGE_EMULATOR_HOST)
  --path-style              (s3) https://endpoint/bucket/key instead of https://bucket.endpoint/key
  --accelerate              (s3) S3 Transfer Acceleration (or s3.use_accelerate_endpoint = true in the profile)
  --dual-stack              (s3) the IPv4+IPv6 endpoint (or AWS_USE_DUALSTACK_ENDPOINT=true, use_dualstack_endpoint)
  --fips                    (s3) the FIPS endpoint (or AWS_USE_FIPS_ENDPOINT=true, use_fips_endpoint)
  --content-type TYPE       sign a Content-Type header (the client must send it)
  --content-length BYTES    (s3) sign the body's exact size: S3 refuses any other (a PUT that cannot grow)
  --checksum ALG:BASE64     (s3) sign x-amz-checksum-ALG (CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5, XXHASH64,
                            XXHASH3, XXHASH128): S3 refuses other bytes
  --content-md5 BASE64      (s3) sign Content-MD5: S3 refuses other bytes
  --response-content-disposition VALUE   ask S3 to send this Content-Disposition
  --key-file PATH           (gs) service-account JSON key file (default GOOGLE_APPLICATION_CREDENTIALS)
  --virtual-hosted          (gs) https://BUCKET.storage.googleapis.com/KEY instead of path style
  --bucket-bound-hostname H (gs) a CNAME / load balancer in front of the bucket: https://H/KEY (or http://H)
  --universe-domain D       (gs) storage.D instead of storage.googleapis.com
  --service SERVICE         (url) service of the credential scope, e.g. execute-api, sts
  --header 'Name: value'    (url, explain) a header the client will send; repeatable
  --profile NAME            profile in ~/.aws/credentials and ~/.aws/config
  --json                    print JSON: url, method, signedAt, expiresAt, signedHeaders, headers to send
  --debug                   say on stderr which profile, files and credential source are used (never a secret)
  -h, --help                this help
  -v, --version             the version

Credentials, as the AWS CLI resolves them (botocore's chain): AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN (unless --profile); the profile (--profile, AWS_DEFAULT_PROFILE, AWS_PROFILE) of ~/.aws/config and
~/.aws/credentials: assumed roles (role_arn), web identity, IAM Identity Center (run \`aws sso login\` first),
static keys, credential_process; then ECS/EKS container credentials and EC2 instance metadata. --debug says which.
A URL cannot outlive temporary credentials: --expires-in is then shortened to their remaining lifetime, with a
warning (for exported keys, set AWS_CREDENTIAL_EXPIRATION as \`aws configure export-credentials --format env\` does).`

/** A warning when the credentials' expiry shortened the URL's lifetime. */
function clampWarning(result: PresignResult, requested: number | undefined, source: CredentialSource): string | undefined {
  const effective = Math.round((result.expiresAt.getTime() - result.signedAt.getTime()) / 1000)
  if (effective >= (requested ?? 3600)) return undefined
  const from = source === 'env' ? 'AWS_CREDENTIAL_EXPIRATION' : `from ${source}`
  return `warning: the URL expires at ${result.expiresAt.toISOString()}, after ${effective} s instead of ${requested ?? 3600}: the credentials (${from}) expire then; sign with longer-lived credentials for a longer URL`
}

/** The URL, or with `--json` what the client needs to use it (S3 and Cloud Storage results alike). */
function output(result: SignedUrlDetails, json: boolean): string {
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

/** What both presign commands share: the session, the credentials, the `--debug` lines, the clamp warning. */
interface Session {
  readonly settings: Settings
  readonly warn: (s: string) => void
  readonly debug: ((s: string) => void) | undefined
}

async function presignS3Command(uri: string, args: Args, open: () => Promise<Session>): Promise<string> {
  const m = parseS3Uri(uri)
  if (!m) throw new UsageError(`${JSON.stringify(uri)} is not an S3 object URI; write s3://BUCKET/KEY or s3://ACCESS-POINT-ARN/KEY (the key may contain "/")`)
  const expiresIn = parseExpires(args)
  const headers = parseHeaders(args)
  const bindings = parseBindings(args)
  const session = await open()
  const { settings: conf } = session
  if (!conf.region) throw new UsageError('no region; pass --region REGION or set AWS_REGION (or region in ~/.aws/config)')
  const disposition = flag(args, 'response-content-disposition')
  const { credentials, source } = await loadCredentials(conf, session.debug)
  const result = await presignS3Detailed(
    {
      bucket: m.bucket,
      key: m.key,
      region: conf.region,
      endpoint: conf.endpoint,
      forcePathStyle: conf.addressing === undefined ? undefined : conf.addressing === 'path',
      accelerate: conf.accelerate,
      dualStack: conf.dualStack,
      fips: conf.fips,
      responseOverrides: disposition === undefined ? undefined : { contentDisposition: disposition },
    },
    { credentials, method: flag(args, 'method'), headers, expiresIn, ...bindings },
  )
  const warning = clampWarning(result, expiresIn, source)
  if (warning) session.warn(warning)
  return output(result, args.flags.has('json'))
}

async function presignUrlCommand(url: string | undefined, args: Args, open: () => Promise<Session>): Promise<string> {
  if (!url) throw new UsageError('url needs a URL: sigv4-presign url https://... --service SERVICE --region REGION')
  const service = flag(args, 'service')
  if (!service) throw new UsageError('url needs --service (e.g. s3, execute-api, sts)')
  const expiresIn = parseExpires(args)
  const headers = parseHeaders(args)
  const session = await open()
  const { settings: conf } = session
  if (!conf.region) throw new UsageError('no region; pass --region REGION or set AWS_REGION')
  const { credentials, source } = await loadCredentials(conf, session.debug)
  const result = await presignDetailed({ method: flag(args, 'method'), url, headers }, { credentials, region: conf.region, service, expiresIn })
  const warning = clampWarning(result, expiresIn, source)
  if (warning) session.warn(warning)
  return output(result, args.flags.has('json'))
}

type Io = { out: (s: string) => void; err: (s: string) => void }

/** One command; each reads the session (files, environment, credentials) only once its arguments have been checked. */
async function dispatch(args: Args, env: Env, io: Io, now: number): Promise<void> {
  const [first, second] = args.positional
  const warn = (s: string): void => io.err(`sigv4-presign: ${oneLine(s)}`)
  const debug = args.flags.has('debug') ? (s: string): void => io.err(`sigv4-presign: debug: ${oneLine(s)}`) : undefined
  const session = async (): Promise<Session> => {
    const settings = await loadSettings(args, env)
    debug?.(describeSettings(settings))
    return { settings, warn, debug }
  }
  if (first === undefined) throw new UsageError('nothing to do; try: sigv4-presign s3://BUCKET/KEY --expires-in 60 (see --help)')
  const command = first === 'url' || first === 'explain' ? first : first.startsWith('s3://') ? 's3' : first.startsWith('gs://') ? 'gs' : undefined
  if (command) checkFlagsFor(command, args)
  if (first === 'url') io.out(await presignUrlCommand(second, args, session))
  else if (first === 'explain') io.out(await explainCommand(second, args, async () => (await session()).settings, now))
  else if (first.startsWith('s3://')) io.out(await presignS3Command(first, args, session))
  else if (first.startsWith('gs://')) io.out(output(await presignGcsCommand(first, args, env), args.flags.has('json')))
  else throw new UsageError(`unknown command ${JSON.stringify(first)}; expected s3://BUCKET/KEY, gs://BUCKET/KEY, url or explain (see --help)`)
}

/** Run the CLI; returns the exit code. */
async function run(argv: readonly string[], env: Env, io: Io, now = Date.now()): Promise<number> {
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
    await dispatch(args, env, io, now)
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
