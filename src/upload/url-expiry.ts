/** When a presigned URL stops working, read from its own query (`X-Amz-Date` + `X-Amz-Expires`). */
import { parseAmzDate } from '../core/time.js'

/** At most this long before its expiry, a URL is re-requested rather than sent: 30 s (less for short-lived URLs). */
const MARGIN_MS = 30_000

/** @internal A presigned URL's lifetime: `X-Amz-Date` (epoch ms) and `X-Amz-Expires` (ms), or `undefined` if it has none. */
export function urlLifetime(url: string): { signedAt: number; lifetime: number } | undefined {
  const query = url.indexOf('?')
  if (query < 0) return undefined
  let date: string | undefined
  let expires: string | undefined
  for (const pair of url.slice(query + 1).split('&')) {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    if (name === 'X-Amz-Date') date = pair.slice(eq + 1)
    else if (name === 'X-Amz-Expires') expires = pair.slice(eq + 1)
  }
  const signedAt = date === undefined ? undefined : parseAmzDate(date)
  if (signedAt === undefined || expires === undefined || !/^\d{1,7}$/.test(expires)) return undefined
  return { signedAt, lifetime: Number(expires) * 1000 }
}

/**
 * @internal The local time after which a URL received at `receivedAt` should be re-requested instead of sent, or
 * `Infinity` for a URL without an expiry. The deadline is `X-Amz-Date + X-Amz-Expires` minus a margin (30 s, or a
 * quarter of the lifetime if that is shorter). A URL that already looks expired when it arrives means the clocks
 * disagree (or the backend signs in the past): it is then trusted for its lifetime from its arrival and sent, and S3
 * has the last word (its 403 "Request has expired" makes the uploader ask once more). So a fresh URL is never
 * re-requested before it was tried, and no clock skew makes the uploader ask for URLs in a loop.
 */
export function urlDeadline(url: string, receivedAt: number): number {
  const life = urlLifetime(url)
  if (!life) return Number.POSITIVE_INFINITY
  const margin = Math.min(MARGIN_MS, life.lifetime / 4)
  const expiresAt = life.signedAt + life.lifetime
  return (expiresAt > receivedAt ? expiresAt : receivedAt + life.lifetime) - margin
}
