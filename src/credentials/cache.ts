import type { Credentials } from '../core/credentials.js'
import { credentialsError } from './io.js'
import type { CredentialSource, ResolvedCredentials } from './types.js'

/** botocore's `_DEFAULT_ADVISORY_REFRESH_TIMEOUT`: within 15 minutes of expiry, refresh, but keep the old ones on failure. */
export const ADVISORY_REFRESH_MS = 15 * 60_000
/** botocore's `_DEFAULT_MANDATORY_REFRESH_TIMEOUT`: within 10 minutes of expiry, refresh or fail. */
export const MANDATORY_REFRESH_MS = 10 * 60_000

/** A function that returns current credentials, refreshing them ahead of their expiry. */
export interface CredentialsProvider {
  /** The current credentials: cached while they have more than 15 minutes left; concurrent calls share one refresh. */
  (): Promise<Credentials>
  /** Where the current credentials came from (`undefined` before the first call). */
  readonly source: CredentialSource | undefined
}

/**
 * @internal Cache what `load` resolves, as botocore's `RefreshableCredentials`: credentials without an expiry are kept
 * for good; with one, a call within the advisory window refreshes (keeping the old credentials if that fails), and
 * within the mandatory window (or after expiry) a failed refresh is thrown. One refresh at a time is shared. An
 * expiration that is not a valid `Date` is refused (a typed error): it would make every comparison false.
 */
export function cachingProvider(load: () => Promise<ResolvedCredentials>, now: () => number): CredentialsProvider {
  let current: ResolvedCredentials | undefined
  let inFlight: Promise<ResolvedCredentials> | undefined
  const refresh = (): Promise<ResolvedCredentials> => {
    inFlight ??= load().then(
      (r) => {
        inFlight = undefined
        const exp = r.credentials.expiration
        if (exp != null && !(exp instanceof Date && Number.isFinite(exp.getTime()))) {
          credentialsError(`credentials (${r.source}).expiration`, 'must be a valid Date or undefined (an invalid one would refresh at every call)')
        }
        current = r
        return r
      },
      (e: unknown) => {
        inFlight = undefined
        throw e
      },
    )
    return inFlight
  }
  const provider = async (): Promise<Credentials> => {
    const expiry = current?.credentials.expiration?.getTime()
    // No expiry: kept for good. An expiry that is not a number (never stored, see refresh) counts as expired.
    const left = expiry === undefined ? Number.POSITIVE_INFINITY : Number.isNaN(expiry) ? Number.NEGATIVE_INFINITY : expiry - now()
    if (current && left > ADVISORY_REFRESH_MS) return current.credentials
    if (current && left > MANDATORY_REFRESH_MS) {
      const kept = current.credentials
      return refresh().then((r) => r.credentials, () => kept)
    }
    return (await refresh()).credentials
  }
  Object.defineProperty(provider, 'source', { get: () => current?.source, enumerable: true })
  return provider as CredentialsProvider
}
