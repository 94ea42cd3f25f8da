/**
 * `sigv4-presign explain URL`: what a presigned URL says (who signed it, for what scope, until when, which headers the
 * client must send), and whether its signature holds for the credentials at hand.
 */
import { parseQuery } from '../core/canonical-request.js'
import { ALGORITHM_V4A } from '../core/constants.js'
import type { Credentials } from '../core/credentials.js'
import { parseAmzDate } from '../core/time.js'
import { type VerifyFailure, verifyPresigned } from '../index.js'
import { type CredentialParts, parseCredential } from '../verify/shared.js'
import { type Args, flag, oneLine, parseHeaders, UsageError } from './args.js'
import { loadCredentials, type Settings } from './settings.js'

/** The methods tried, in this order, when `--method` is not given (the URL does not say which one it was signed for). */
const METHODS = ['GET', 'PUT', 'HEAD', 'DELETE', 'POST'] as const
/** The most signed headers `explain` names when it needs their values. */
const MAX_NAMED = 8

/** The decoded query of a presigned URL, for display: control characters and line breaks escaped. */
function queryParams(url: string): Map<string, string> {
  const q = url.indexOf('?')
  const params = new Map<string, string>()
  try {
    // Read as the verifier reads a query (parseQuery: a `+` is a space), then decoded. Shown, never signed (the check
    // reads the URL itself): a decoded line break must not forge an output line.
    for (const p of parseQuery(q < 0 ? '' : url.slice(q + 1), 'url')) {
      if (p.hasEquals) params.set(decodeURIComponent(p.key), oneLine(decodeURIComponent(p.value)))
    }
  } catch {
    throw new UsageError('the URL has malformed percent-encoding in its query')
  }
  return params
}

function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000)
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  if (s < 172800) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86400)} days`
}

/** The credential scope, read as the verifier reads it (SigV4a: no region, the URL's region set instead). */
const scopeOf = (params: ReadonlyMap<string, string>): CredentialParts | undefined =>
  parseCredential(params.get('X-Amz-Credential')!, params.get('X-Amz-Algorithm') === ALGORITHM_V4A)
/** The access key id of the URL's credential, even of a malformed one (its first segment). */
const keyIdOf = (params: ReadonlyMap<string, string>, scope: CredentialParts | undefined): string => scope?.accessKeyId ?? params.get('X-Amz-Credential')!.split('/')[0]!

/** The lines that decode the URL, without checking anything. */
function describeUrl(params: ReadonlyMap<string, string>, now: number): string[] {
  const scope = scopeOf(params)
  const date = params.get('X-Amz-Date')!
  const signedAt = parseAmzDate(date) ?? NaN
  const expiresAt = signedAt + Number(params.get('X-Amz-Expires')) * 1000
  const token = params.has('X-Amz-Security-Token') || params.has('X-Amz-S3session-Token')
  const where = scope?.region ?? `SigV4a, regions ${params.get('X-Amz-Region-Set')}`
  return [
    `access key id:  ${keyIdOf(params, scope)}`,
    `scope:          ${scope ? `${scope.day} / ${where} / ${scope.service}` : `malformed (${params.get('X-Amz-Credential')})`}`,
    `signed at:      ${Number.isFinite(signedAt) ? new Date(signedAt).toISOString() : `invalid (${date})`}`,
    `expires at:     ${Number.isFinite(expiresAt) ? new Date(expiresAt).toISOString() : 'invalid'} (X-Amz-Expires ${params.get('X-Amz-Expires')})`,
    `time left:      ${!Number.isFinite(expiresAt) ? 'unknown' : expiresAt >= now ? duration(expiresAt - now) : `expired ${duration(now - expiresAt)} ago`}`,
    `signed headers: ${params.get('X-Amz-SignedHeaders')}`,
    `session token:  ${token ? 'present' : 'none'}`,
  ]
}

/**
 * The signature check: it needs every signed header but `host` (the URL cannot carry their values, only the client
 * knows them: `--header`), and the method (`--method`; otherwise each common one is tried).
 */
async function checkSignature(url: string, params: ReadonlyMap<string, string>, args: Args, settings: Settings, now: number): Promise<string[]> {
  const headers = parseHeaders(args)
  const given = new Set(headers.map(([name]) => name.toLowerCase()))
  const needed = (params.get('X-Amz-SignedHeaders') ?? '').split(';').filter((h) => h && h !== 'host' && !given.has(h))
  if (needed.length) {
    // A hostile URL may list thousands: name the first few.
    const shown = needed.slice(0, MAX_NAMED)
    const more = needed.length > MAX_NAMED ? ` (and ${needed.length - MAX_NAMED} more)` : ''
    return [`signature:      not checked: the URL signs ${shown.join(', ')}${more}, which the client must send; check it with ${shown.map((h) => `--header '${h}: VALUE'`).join(' ')}`]
  }
  const scope = scopeOf(params)
  const accessKeyId = keyIdOf(params, scope)
  let credentials: Credentials
  try {
    credentials = (await loadCredentials(settings, undefined)).credentials
  } catch (e) {
    return [`signature:      not checked (no credentials found: ${(e as Error).message})`]
  }
  if (credentials.accessKeyId !== accessKeyId) return [`signature:      not checked (your credentials are for ${credentials.accessKeyId}, not ${accessKeyId})`]
  const explicit = flag(args, 'method')
  const options = { credentials: () => credentials, service: scope?.service ?? 's3', now, clockSkew: 900 }
  let first: VerifyFailure | undefined
  for (const method of explicit === undefined ? METHODS : [explicit]) {
    const result = await verifyPresigned({ method, url, headers }, options)
    if (result.ok) return [`signature:      valid for these credentials${explicit === undefined ? ` (method ${method})` : ''}`]
    first ??= result
    if (result.code !== 'SignatureDoesNotMatch') break
  }
  const lines = [`signature:      INVALID: ${first!.code} (${first!.s3Code}): ${first!.message}`]
  if (first!.canonicalRequest) lines.push('canonical request:', first!.canonicalRequest, 'string to sign:', first!.stringToSign ?? '')
  return lines
}

/** Decode a presigned URL; check its signature when the credentials are at hand. */
export async function explainCommand(url: string | undefined, args: Args, settings: () => Promise<Settings>, now: number): Promise<string> {
  if (!url) throw new UsageError('explain needs a presigned URL')
  const params = queryParams(url)
  if (!params.get('X-Amz-Credential') || !params.get('X-Amz-Date')) throw new UsageError('this is not a SigV4 presigned URL (no X-Amz-Credential / X-Amz-Date)')
  parseHeaders(args)
  const lines = describeUrl(params, now)
  lines.push(...(await checkSignature(url, params, args, await settings(), now)))
  return lines.join('\n')
}
