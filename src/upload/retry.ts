/** Backoff between retries, and waits that an abort cuts short. */

/**
 * The default delay before retry `attempt` (1 for the first retry): exponential from 0.5 s, capped at 20 s, with
 * jitter (a random value between half of it and all of it), so that parallel parts do not retry in lockstep.
 *
 * @example
 * uploadMultipart(file, backend, { retryDelay: (attempt) => Math.min(60_000, defaultRetryDelay(attempt) * 2) })
 */
export function defaultRetryDelay(attempt: number): number {
  const base = Math.min(20_000, 500 * 2 ** Math.max(0, attempt - 1))
  return base / 2 + Math.random() * (base / 2)
}

/** @internal Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** @internal `promise`, or a rejection as soon as `signal` aborts (for callbacks that may ignore their signal). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {})
    return Promise.reject(signal.reason)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/** @internal A request's stall watch (see {@link stallGuard}). */
export interface StallGuard {
  /** Aborts when the upload's signal does, or once `ms` pass without {@link StallGuard.touch} (a stall, then). */
  readonly signal: AbortSignal
  /** A sign of life: the wait starts again. */
  touch(): void
  /** Stop watching (free the timer and the listener). */
  stop(): void
}

/** @internal Watch one request for `ms` without a sign of life (each touch sets the timer again). */
export function stallGuard(parent: AbortSignal, ms: number): StallGuard {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const onAbort = (): void => controller.abort(parent.reason)
  const touch = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => controller.abort(new Error(`no sign of life for ${ms} ms`)), ms)
  }
  touch()
  if (parent.aborted) onAbort()
  else parent.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    touch,
    stop: () => {
      clearTimeout(timer)
      parent.removeEventListener('abort', onAbort)
    },
  }
}
