import type { Credentials } from '../core/credentials.js'
import { presignSync, uriEncode } from '../index.js'
import { stsEndpoint } from './endpoints.js'
import { credentialsError, httpRequest, parseDate, vetCredentials } from './io.js'
import { child, leaf, parseXml } from './sts-xml.js'
import type { Context } from './types.js'

/** @internal The parameters of an `AssumeRole` or `AssumeRoleWithWebIdentity` call. */
export interface AssumeRoleParams {
  readonly roleArn: string
  readonly roleSessionName: string
  readonly externalId?: string | undefined
  readonly durationSeconds?: number | undefined
  /** For `AssumeRoleWithWebIdentity`: the token (the request is then unsigned). */
  readonly webIdentityToken?: string | undefined
}

/** @internal botocore's default session name: `botocore-session-<epoch seconds>`. */
export const defaultSessionName = (ctx: Context): string => `botocore-session-${Math.floor(ctx.now() / 1000)}`

/** The query string of the call, in a fixed order. */
function stsQuery(action: string, p: AssumeRoleParams): string {
  const params: [string, string][] = [['Action', action], ['Version', '2011-06-15'], ['RoleArn', p.roleArn], ['RoleSessionName', p.roleSessionName]]
  if (p.externalId !== undefined) params.push(['ExternalId', p.externalId])
  if (p.durationSeconds !== undefined) params.push(['DurationSeconds', String(p.durationSeconds)])
  if (p.webIdentityToken !== undefined) params.push(['WebIdentityToken', p.webIdentityToken])
  return params.map(([k, v]) => `${k}=${uriEncode(v)}`).join('&')
}

/**
 * @internal Call STS `AssumeRole` with `source` credentials: a GET presigned with this library's `presignSync`
 * (service `sts`, 60 s), fetched with the STS timeout, its XML answer parsed strictly.
 */
export async function assumeRole(ctx: Context, source: Credentials, params: AssumeRoleParams, field: string): Promise<Credentials> {
  const { url, signingRegion } = stsEndpoint(ctx)
  const unsigned = url + '?' + stsQuery('AssumeRole', params)
  let signed: string
  try {
    signed = presignSync({ method: 'GET', url: unsigned }, { credentials: source, region: signingRegion, service: 'sts', expiresIn: 60, signingDate: ctx.now() })
  } catch (e) {
    return credentialsError(field, `cannot sign the STS AssumeRole request with the source credentials (${(e as Error).message})`)
  }
  const secrets = [source.secretAccessKey, source.sessionToken]
  return stsCall(ctx, signed, 'AssumeRole', field, secrets)
}

/** @internal Call STS `AssumeRoleWithWebIdentity`: an unsigned GET carrying the token. */
export function assumeRoleWithWebIdentity(ctx: Context, params: AssumeRoleParams, field: string): Promise<Credentials> {
  const { url } = stsEndpoint(ctx)
  return stsCall(ctx, url + '?' + stsQuery('AssumeRoleWithWebIdentity', params), 'AssumeRoleWithWebIdentity', field, [params.webIdentityToken])
}

async function stsCall(ctx: Context, url: string, action: string, field: string, secrets: ReadonlyArray<string | undefined>): Promise<Credentials> {
  const where = `${field} (STS ${action})`
  const answer = await httpRequest(ctx, where, url, { method: 'GET', headers: { accept: 'text/xml' } }, ctx.timeouts.sts)
  if (answer.status !== 200) stsError(answer.status, answer.text, where, secrets)
  return vetCredentials(ctx, parseStsCredentials(answer.text, action, where), where)
}

/** @internal The credentials of an STS `<ActionResponse><ActionResult><Credentials>` answer, strictly. */
export function parseStsCredentials(xml: string, action: string, field: string): Credentials {
  const root = parseXml(xml, field)
  if (root.name !== `${action}Response`) credentialsError(field, `the answer's root element is <${root.name.slice(0, 64)}>, not <${action}Response>`)
  const creds = child(child(root, `${action}Result`, field), 'Credentials', field)
  return {
    accessKeyId: leaf(creds, 'AccessKeyId', field),
    secretAccessKey: leaf(creds, 'SecretAccessKey', field),
    sessionToken: leaf(creds, 'SessionToken', field),
    expiration: parseDate(leaf(creds, 'Expiration', field), field + '.Expiration'),
  }
}

/** A non-200 STS answer as a typed error: the error code and message from an `<ErrorResponse>`, secrets removed. */
function stsError(status: number, text: string, field: string, secrets: ReadonlyArray<string | undefined>): never {
  let detail = ''
  try {
    const error = child(parseXml(text, field), 'Error', field)
    const code = leaf(error, 'Code', field)
    const message = error.children.some((c) => c.name === 'Message') ? leaf(error, 'Message', field) : ''
    detail = `: ${/^[\w.]{1,64}$/.test(code) ? code : 'an invalid error code'}${message ? ' ' + redact(message, secrets).slice(0, 300) : ''}`
  } catch {
    detail = ' (not an STS error document)'
  }
  return credentialsError(field, `answered HTTP ${status}${detail}`)
}

/** Cut every known secret (and anything of 40+ base64 characters, like a key or token) out of a server's message. */
function redact(message: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = message
  for (const s of secrets) if (s) out = out.split(s).join('<redacted>')
  return out.replace(/[A-Za-z0-9+/=]{40,}/g, '<redacted>')
}
