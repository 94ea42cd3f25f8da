import { fail } from '../core/errors.js'
import { uriEncode } from '../core/uri-encode.js'
import { presignSync } from '../sign/presign-sync.js'
import { presign } from '../sign/presign.js'
import { base64Url, checkExpiresIn, checkOptions, checkRegion, type Recipe, type ServiceTokenOptions, signing } from './tokens.js'

/** Inputs of {@link mskAuthToken}. */
export interface MskAuthTokenOptions extends ServiceTokenOptions {
  /** Lifetime in seconds, an integer in 1..900. Default 900 (15 minutes). */
  readonly expiresIn?: number | undefined
  /** The `User-Agent` query parameter (not signed; MSK logs it). Default `sigv4-presign`. */
  readonly userAgent?: string | undefined
}

const USER_AGENT = /^[\x20-\x7e]{1,256}$/

function mskRecipe(input: MskAuthTokenOptions): Recipe {
  const o = checkOptions(input)
  const region = checkRegion(o.region)
  const expiresIn = checkExpiresIn(o.expiresIn, 900, 900, 'MSK accepts 15 minutes at most')
  const ua = o.userAgent ?? 'sigv4-presign'
  if (typeof ua !== 'string' || !USER_AGENT.test(ua)) {
    fail('InvalidOption', 'options.userAgent', 'must be 1-256 printable ASCII characters', ua)
  }
  return {
    request: { url: `https://kafka.${region}.amazonaws.com/?Action=kafka-cluster%3AConnect` },
    options: signing(o, region, 'kafka-cluster', expiresIn),
    finish: (url) => {
      // As aws-msk-iam-sasl-signer-js: User-Agent added after signing, parameters sorted by name.
      const q = url.indexOf('?')
      const params = (url.slice(q + 1) + '&User-Agent=' + uriEncode(ua)).split('&')
      params.sort((a, b) => {
        const ka = a.slice(0, a.indexOf('='))
        const kb = b.slice(0, b.indexOf('='))
        return ka < kb ? -1 : ka > kb ? 1 : 0
      })
      return base64Url(url.slice(0, q + 1) + params.join('&'))
    },
  }
}

/**
 * An Amazon MSK IAM authentication token for SASL/OAUTHBEARER (e.g. KafkaJS's
 * `oauthBearerProvider: async () => ({ value: token })`), in the format of
 * AWS's `aws-msk-iam-sasl-signer-js`: base64url (no padding) of a presigned
 * `GET https://kafka.<region>.amazonaws.com/?Action=kafka-cluster%3AConnect`
 * (service `kafka-cluster`, 900 s) with an unsigned `User-Agent` parameter and
 * the parameters sorted by name. With `userAgent: 'aws-msk-iam-sasl-signer-js/1.0.3'`
 * it is byte-identical to that package's token at the same second.
 *
 * @example
 * const token = await mskAuthToken({ region: 'us-east-1', credentials })
 * @throws {PresignError} `InvalidOption` (userAgent), `InvalidExpiresIn`, `InvalidRegion`, `InvalidCredentials`, `InvalidDate`
 */
export async function mskAuthToken(options: MskAuthTokenOptions): Promise<string> {
  const r = mskRecipe(options)
  return r.finish(await presign(r.request, r.options))
}

/**
 * {@link mskAuthToken} computed synchronously (built-in SHA-256, no Web Crypto). Same token.
 *
 * @throws {PresignError} as {@link mskAuthToken}
 */
export function mskAuthTokenSync(options: MskAuthTokenOptions): string {
  const r = mskRecipe(options)
  return r.finish(presignSync(r.request, r.options))
}
