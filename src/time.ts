import { PresignError, describe } from './errors.js'

/** A signing date: a `Date`, epoch milliseconds, or an ISO 8601 string. */
export type DateInput = Date | number | string

/** @internal Epoch ms of a date input, whole seconds, validated. */
export function toEpochMs(input: DateInput | undefined, field: string, now: () => number = Date.now): number {
  let ms: number
  if (input === undefined) ms = now()
  else if (input instanceof Date) ms = input.getTime()
  else if (typeof input === 'number') ms = input
  else if (typeof input === 'string') ms = Date.parse(input)
  else throw new PresignError('InvalidDate', field, `must be a Date, epoch milliseconds or an ISO 8601 string, got ${describe(input)}`)
  // Years 1970..9999: X-Amz-Date has exactly four year digits.
  if (!Number.isFinite(ms) || ms < 0 || ms >= 253402300800000) {
    throw new PresignError('InvalidDate', field, 'must be a valid date between 1970-01-01 and 9999-12-31 (UTC)')
  }
  return Math.floor(ms / 1000) * 1000
}

let lastMs = -1
let lastAmzDate = ''

/** @internal `YYYYMMDDTHHMMSSZ` in UTC (the last one is remembered: most calls sign within the same second). */
export function toAmzDate(ms: number): string {
  if (ms === lastMs) return lastAmzDate
  const iso = new Date(ms).toISOString()
  lastMs = ms
  return (lastAmzDate = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + 'T' + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z')
}
