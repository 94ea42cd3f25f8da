/**
 * `sigv4-presign gs://BUCKET/KEY`: a Cloud Storage V4 signed URL with a service-account key file, like
 * `gcloud storage sign-url` / `gsutil signurl`, through `sigv4-presign/gcs`.
 */
import { type GcsCredentials, type GcsLocation, type GcsPresignResult, PresignError, presignGcsDetailed } from '../gcs/index.js'
import { readFileAtMost } from '../credentials/io.js'
import { type Args, type Env, flag, parseExpires, parseHeaders, UsageError } from './args.js'

/** `gs://BUCKET/KEY`: the key may contain `/`; `gs://BUCKET/` signs the bucket itself. */
function parseGsUri(uri: string): { bucket: string; key: string } | undefined {
  const rest = uri.slice('gs://'.length)
  const slash = rest.indexOf('/')
  return slash > 0 ? { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) } : undefined
}

/**
 * The most bytes of a key file read: 65536 characters of UTF-8 (the library's bound on key-file text), far above a
 * real one (about 2.3 KB). A larger or endless file (`/dev/zero`) is refused after that many bytes, never read whole.
 */
const MAX_KEY_FILE_BYTES = 4 * 65536

/** Read a key file (bounded); a failure names the file and the reason, never its content. */
export async function readKeyFile(path: string, from: string): Promise<string> {
  try {
    return await readFileAtMost(path, MAX_KEY_FILE_BYTES)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EFBIG') {
      // The library's own error for a key file too long (the same field), with the file named.
      const why = `is the key file ${JSON.stringify(path)} (${from}), larger than ${MAX_KEY_FILE_BYTES} bytes; a service-account key file is about 2.3 KB of JSON`
      throw new PresignError('InvalidKeyFile', 'options.credentials', why)
    }
    throw new UsageError(`cannot read the key file ${JSON.stringify(path)} (${from}): ${typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : 'an I/O error'}`)
  }
}

/** The signer: `--key-file`, then `GOOGLE_APPLICATION_CREDENTIALS` (a service-account key file, as Google's tools take it). */
function gcsCredentials(args: Args, env: Env): Promise<GcsCredentials> {
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
  const virtual = args.flags.has('virtual-hosted')
  const bucketBoundHostname = flag(args, 'bucket-bound-hostname')
  const endpoint = flag(args, 'endpoint-url')
  // As in Google's client libraries, an explicit URL style wins over the environment's emulator, and the emulator
  // replaces the universe's endpoint (`--universe-domain` names where storage is, which the emulator stands in for).
  const emulator = virtual || bucketBoundHostname !== undefined || endpoint !== undefined ? undefined : env['STORAGE_EMULATOR_HOST'] || undefined
  return {
    bucket: m.bucket,
    key: m.key,
    virtualHostedStyle: virtual || undefined,
    bucketBoundHostname,
    endpoint: endpoint ?? emulator,
    universeDomain: emulator === undefined ? flag(args, 'universe-domain') : undefined,
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
  const credentials = await gcsCredentials(args, env)
  return presignGcsDetailed(location, { credentials, method: flag(args, 'method'), headers, expiresIn, region: flag(args, 'region') })
}
