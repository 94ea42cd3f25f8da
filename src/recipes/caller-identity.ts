import { collectHeaders, type HeadersInput } from '../core/canonical-request.js'
import { MAX_EXPIRES } from '../core/constants.js'
import { fail, PresignError } from '../core/errors.js'
import { presignSync } from '../sign/presign-sync.js'
import { presign } from '../sign/presign.js'
import { base64Url, botocoreOrder, checkExpiresIn, checkHostName, checkOptions, checkRegion, dnsSuffix, type Recipe, type ServiceTokenOptions, signing, type Unchecked } from './tokens.js'

/** Inputs of {@link stsCallerIdentityUrl}. */
export interface StsCallerIdentityUrlOptions extends ServiceTokenOptions {
  /**
   * Extra headers to sign, e.g. `{ 'x-vault-aws-iam-server-id': 'vault.example.com' }`. The
   * verifier must send them with exactly these values when it calls the URL, so a proof made
   * for one verifier is useless to another.
   */
  readonly headers?: HeadersInput | undefined
  /** Lifetime in seconds, an integer in 1..604800. Default 60. */
  readonly expiresIn?: number | undefined
  /** STS host name. Default: the Regional endpoint `sts.<region>.amazonaws.com` (`.amazonaws.com.cn` in China; `aws-global`: `sts.amazonaws.com`, signed for us-east-1). */
  readonly host?: string | undefined
}

/**
 * @internal STS's endpoint for a region as botocore resolves it: the Regional `sts.REGION.DNS-SUFFIX`, and for the
 * global pseudo-region `aws-global` the global `sts.amazonaws.com`, signed for us-east-1.
 */
export function stsRegionalEndpoint(region: string): { host: string; signingRegion: string } {
  return region === 'aws-global' ? { host: 'sts.amazonaws.com', signingRegion: 'us-east-1' } : { host: `sts.${region}.${dnsSuffix(region)}`, signingRegion: region }
}

function stsRecipe(o: Unchecked<ServiceTokenOptions & { readonly host?: string | undefined }>, headers: HeadersInput | undefined, field: string, expiresIn: number): Recipe {
  const region = checkRegion(o.region)
  // A host given is signed for the region given, as botocore signs for an endpoint_url.
  const endpoint = o.host === undefined ? stsRegionalEndpoint(region) : { host: checkHostName(o.host, 'options.host', 'sts.us-east-1.amazonaws.com'), signingRegion: region }
  const map = collectHeaders(headers, field)
  if (map.has('host')) throw new PresignError('InvalidHeader', `${field}["host"]`, 'must not be given: the host is options.host')
  return {
    request: { url: `https://${endpoint.host}/?Action=GetCallerIdentity&Version=2011-06-15`, headers },
    options: signing(o, endpoint.signingRegion, 'sts', expiresIn),
    finish: botocoreOrder,
  }
}

function callerIdentityRecipe(input: StsCallerIdentityUrlOptions): Recipe {
  const o = checkOptions(input)
  const expiresIn = checkExpiresIn(o.expiresIn, 60, MAX_EXPIRES, 'at most 7 days')
  return stsRecipe(o, o.headers as HeadersInput | undefined, 'options.headers', expiresIn)
}

/**
 * A presigned AWS STS `GetCallerIdentity` URL: a proof of identity. Whoever
 * receives it can `GET` it (sending the signed `headers`) and STS answers with
 * the signer's account, ARN and user id, without ever seeing a secret. This is
 * the pattern of Vault's AWS IAM auth method (with an `x-vault-aws-iam-server-id`
 * header) and of Kubernetes' aws-iam-authenticator (see {@link eksToken}),
 * here in its presigned GET form.
 *
 * The URL is `https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-…`
 * (service `sts`), byte-identical to botocore's `generate_presigned_url('get_caller_identity')`
 * with the same headers.
 *
 * @example
 * const url = await stsCallerIdentityUrl({ region: 'us-east-1', credentials, headers: { 'x-vault-aws-iam-server-id': 'vault.example.com' } })
 * @throws {PresignError} `InvalidHeader`, `InvalidOption` (host), `InvalidExpiresIn`, `InvalidRegion`, `InvalidCredentials`, `InvalidDate`
 */
export async function stsCallerIdentityUrl(options: StsCallerIdentityUrlOptions): Promise<string> {
  const r = callerIdentityRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link stsCallerIdentityUrl} computed synchronously (built-in SHA-256, no Web Crypto). Same URL.
 *
 * @throws {PresignError} as {@link stsCallerIdentityUrl}
 */
export function stsCallerIdentityUrlSync(options: StsCallerIdentityUrlOptions): string {
  const r = callerIdentityRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}

/** Inputs of {@link eksToken}. */
export interface EksTokenOptions extends ServiceTokenOptions {
  /** The EKS cluster name (or, for local clusters on AWS Outposts, the cluster id). */
  readonly clusterName: string
  /** Lifetime of the presigned URL in seconds, an integer in 1..900. Default 60, as `aws eks get-token`. */
  readonly expiresIn?: number | undefined
  /** STS host name. Default: the Regional endpoint `sts.<region>.amazonaws.com` (`aws-global`: `sts.amazonaws.com`, signed for us-east-1), as `aws eks get-token`. */
  readonly host?: string | undefined
}

const CLUSTER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/
const TOKEN_PREFIX = 'k8s-aws-v1.'

function eksRecipe(input: EksTokenOptions): Recipe {
  const o = checkOptions(input)
  const cluster = o.clusterName
  if (typeof cluster !== 'string' || !CLUSTER.test(cluster)) {
    fail('InvalidOption', 'options.clusterName', 'must be an EKS cluster name or id (1-100 of A-Z a-z 0-9 - _, starting with a letter or digit)', cluster)
  }
  // aws-iam-authenticator accepts tokens for 15 minutes after X-Amz-Date whatever X-Amz-Expires says.
  const expiresIn = checkExpiresIn(o.expiresIn, 60, 900, 'EKS accepts a token for 15 minutes at most')
  const r = stsRecipe(o, { 'x-k8s-aws-id': cluster }, 'options.clusterName', expiresIn)
  return { ...r, finish: (url) => TOKEN_PREFIX + base64Url(botocoreOrder(url)) }
}

/**
 * An Amazon EKS cluster bearer token, what `aws eks get-token` prints: the
 * Kubernetes API server (aws-iam-authenticator) calls the embedded presigned
 * STS `GetCallerIdentity` URL to learn who you are, and maps that ARN to
 * Kubernetes users and groups (access entries or `aws-auth`).
 *
 * The token is `k8s-aws-v1.` + base64url (no padding) of
 * {@link stsCallerIdentityUrl} with the signed header `x-k8s-aws-id: <clusterName>`
 * and `X-Amz-Expires=60`; byte-identical to `aws eks get-token` at the same
 * second. Send it as `Authorization: Bearer <token>`. Make a new one every
 * few minutes: EKS rejects tokens older than 15 minutes.
 *
 * @example
 * const token = await eksToken({ clusterName: 'prod', region: 'us-east-1', credentials })
 * @throws {PresignError} `InvalidOption` (clusterName, host), `InvalidExpiresIn`, `InvalidRegion`, `InvalidCredentials`, `InvalidDate`
 */
export async function eksToken(options: EksTokenOptions): Promise<string> {
  const r = eksRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link eksToken} computed synchronously (built-in SHA-256, no Web Crypto). Same token.
 *
 * @throws {PresignError} as {@link eksToken}
 */
export function eksTokenSync(options: EksTokenOptions): string {
  const r = eksRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}
