import { fail } from './errors.js'

/** A signing date: a `Date`, epoch milliseconds, or an ISO 8601 string. */
export type DateInput = Date | number | string

/** @internal Epoch ms of a date input, whole seconds, validated (years 1970..9999: `X-Amz-Date` has four year digits). */
export function toEpochMs(input: DateInput | undefined, field: string, now: () => number = Date.now): number {
  const ms =
    input === undefined ? now()
    : input instanceof Date ? input.getTime()
    : typeof input === 'number' ? input
    : typeof input === 'string' ? Date.parse(input)
    : NaN
  if (!(ms >= 0 && ms < 253402300800000)) {
    fail('InvalidDate', field, 'must be a Date, epoch ms or ISO 8601 string in years 1970..9999 (UTC)', input)
  }
  return ms - (ms % 1000)
}

let lastMs = -1
let lastAmzDate = ''

/** @internal `YYYYMMDDTHHMMSSZ` in UTC (the last one is remembered: most calls sign within the same second). */
export function toAmzDate(ms: number): string {
  if (ms !== lastMs) lastAmzDate = new Date((lastMs = ms)).toISOString().replace(/[-:]|\.\d+/g, '')
  return lastAmzDate
}
