import { fail } from './errors.js'

/** A signing date: a `Date`, epoch milliseconds, or an ISO 8601 string. */
export type DateInput = Date | number | string

/** ISO 8601 as `Date.parse` reads it everywhere: a date, then an optional time (seconds, fraction) and zone. */
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?$/

/** Epoch ms of an ISO 8601 string (the fraction cut to ms); a date-time without a zone is UTC, not local time. */
function parseIso(text: string): number {
  const m = ISO_DATE.exec(text)
  // Date.parse rolls an impossible day over (2023-02-30 is March 2nd): the day must read back as written.
  const day = m?.[1]
  const dayMs = day ? Date.parse(day) : NaN
  if (Number.isNaN(dayMs) || new Date(dayMs).toISOString().slice(0, 10) !== day) return NaN
  return Date.parse(text.replace(/(\.\d{3})\d+/, '$1') + (m![2] && !m![5] ? 'Z' : ''))
}

/** @internal 10000-01-01T00:00:00Z in epoch ms: every date here is earlier (`X-Amz-Date` has four year digits). */
export const YEAR_10000_MS = 253402300800000

/**
 * @internal A `Date`'s time value, `NaN` for an object that only claims to be one (`Object.create(Date.prototype)`
 * passes `instanceof Date` and has none: `getTime` throws a `TypeError`).
 */
export function timeOf(date: Date): number {
  try {
    return date.getTime()
  } catch {
    return NaN
  }
}

/**
 * @internal Epoch ms of a date input, whole seconds, validated (years 1970..9999: `X-Amz-Date` has four year digits).
 * A string must be ISO 8601 (`2026-12-01`, `2026-12-01T10:00:00.5Z`, `…+02:00`); a date-time without
 * a zone, such as `2026-12-01T10:00:00`, is read as UTC, never in the machine's local time zone.
 */
export function toEpochMs(input: DateInput | undefined, field: string): number {
  const ms =
    input === undefined ? Date.now()
    : input instanceof Date ? timeOf(input)
    : typeof input === 'number' ? input
    : typeof input === 'string' ? parseIso(input)
    : NaN
  return wholeSeconds(ms, field, input)
}

/** @internal `ms` cut to whole seconds, or a `PresignError` naming `field` when it is not in years 1970..9999. */
export function wholeSeconds(ms: number, field: string, input: unknown): number {
  if (!(ms >= 0 && ms < YEAR_10000_MS)) {
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

/** `X-Amz-Date`: `YYYYMMDD'T'HHMMSS'Z'`. */
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** @internal Epoch ms of a UTC date and time given as digit strings; `undefined` for an impossible one (Feb 31, 24:00). */
export function utcMs(y: string, mo: string, d: string, h: string, mi: string, s: string): number | undefined {
  const [Y, M, D, H, I, S] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number]
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  const back = new Date(0)
  back.setUTCFullYear(Y, M - 1, D)
  const ms = back.getTime() + ((H * 60 + I) * 60 + S) * 1000
  if (back.getUTCFullYear() !== Y || back.getUTCMonth() !== M - 1 || back.getUTCDate() !== D || H > 23 || I > 59 || S > 59) return undefined
  return ms
}

/** @internal Epoch ms of an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`), or `undefined`. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value)
  return m ? utcMs(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!) : undefined
}

/**
 * @internal When a POST policy signed at `signedAtMs` for `expiresIn` seconds expires, in epoch ms, or a `PresignError`
 * when that is past year 9999 (the policy writes its expiration as an ISO date with four year digits).
 */
export function policyExpiryMs(signedAtMs: number, expiresIn: number): number {
  const ms = signedAtMs + expiresIn * 1000
  if (ms >= YEAR_10000_MS) {
    fail('InvalidExpiresIn', 'options.expiresIn', 'must end the policy by 9999-12-31T23:59:59Z (four year digits)', expiresIn)
  }
  return ms
}
