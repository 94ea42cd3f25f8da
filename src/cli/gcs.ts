/**
 * `sigv4-presign gs://BUCKET/KEY`: a Cloud Storage V4 signed URL with a service-account key file, like
 * `gcloud storage sign-url` / `gsutil signurl`, through `sigv4-presign/gcs`.
 */
import { readFileSync } from 'node:fs'
import { type GcsCredentials, type GcsLocation, type GcsPresignResult, presignGcsDetailed } from '../gcs/index.js'
import { type Args, type Env, flag, parseExpires, parseHeaders, UsageError } from './args.js'

/** `gs://BUCKET/KEY`: the key may contain `/`; `gs://BUCKET/` signs the bucket itself. */
function parseGsUri(uri: string): { bucket: string; key: string } | undefined {
  const rest = uri.slice('gs://'.length)
  const slash = rest.indexOf('/')
  return slash > 0 ? { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) } : undefined
}

/** Read a key file; a failure names the file and the reason, never its content. */
export function readKeyFile(path: string, from: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read the key file ${JSON.stringify(path)} (${from}): ${typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : 'an I/O error'}`)
  }
}

/** The signer: `--key-file`, then `GOOGLE_APPLICATION_CREDENTIALS` (a service-account key file, as Google's tools take it). */
function gcsCredentials(args: Args, env: Env): GcsCredentials {
  const given = flag(args, 'key-file')
  const path = given ?? (env['GOOGLE_APPLICATION_CREDENTIALS'] || undefined)
  if (path === undefined) {
    throw new UsageError('gs:// needs a service-account key file: pass --key-file sa.json or set GOOGLE_APPLICATION_CREDENTIALS')
  }
  return readKeyFile(path, given !== undefined ? '--key-file' : 'GOOGLE_APPLICATION_CREDENTIALS')
}

/**
 * Where the URL points: path style on `storage.googleapis.com` by default; `--virtual-hosted`, `--bucket-bound-hostname
 * HOST`, `--endpoint-url URL` (or `STORAGE_EMULATOR_HOST`, as Google's client libraries read it), `--universe-domain`.
 */
function gcsLocation(m: { bucket: string; key: string }, args: Args, env: Env): GcsLocation {
  const disposition = flag(args, 'response-content-disposition')
  return {
    bucket: m.bucket,
    key: m.key,
    virtualHostedStyle: args.flags.has('virtual-hosted') || undefined,
    bucketBoundHostname: flag(args, 'bucket-bound-hostname'),
    endpoint: flag(args, 'endpoint-url') ?? (env['STORAGE_EMULATOR_HOST'] || undefined),
    universeDomain: flag(args, 'universe-domain'),
    query: disposition === undefined ? undefined : { 'response-content-disposition': disposition },
  }
}

/** Presign a Cloud Storage object URL; the arguments are checked before the key file is read. */
export async function presignGcsCommand(uri: string, args: Args, env: Env): Promise<GcsPresignResult> {
  const m = parseGsUri(uri)
  if (!m) throw new UsageError(`${JSON.stringify(uri)} is not a Cloud Storage URI; write gs://BUCKET/KEY (the key may contain "/")`)
  const expiresIn = parseExpires(args)
  const headers = parseHeaders(args)
  const location = gcsLocation(m, args, env)
  const credentials = gcsCredentials(args, env)
  return presignGcsDetailed(location, { credentials, method: flag(args, 'method'), headers, expiresIn, region: flag(args, 'region') })
}
