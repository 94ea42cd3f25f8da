/**
 * @internal S3's POST policy rules, shared by `presignPost` (which writes policies) and `verifyPost` (which checks
 * forms against them): the condition grammar, how a condition matches a field, which fields need none, and S3's
 * limits.
 */
import { utf8Length } from '../core/utf8.js'

/** @internal S3 refuses a form whose fields before the file exceed 20 KiB (`MaxPostPreDataLengthExceeded`, 20480). */
export const MAX_FIELD_BYTES = 20480
/** @internal S3 accepts at most 5 GB in one POST upload. */
export const MAX_POST_SIZE = 5368709120 // 5 GiB, written out: esbuild keeps `**` expressions in bundles that never use them
/** @internal S3's limit on an object key: 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024
/** @internal The placeholder S3 replaces with the uploaded file's name. */
export const FILENAME = '${filename}'

/** @internal Form fields S3 does not require a condition for. */
export const isExempt = (lower: string): boolean => lower === 'file' || lower === 'policy' || lower === 'x-amz-signature' || lower.startsWith('x-ignore-')

/** @internal A byte count: a safe integer >= 0. */
export const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

/** @internal A condition on a field, normalized: the name without `$`, lower-cased for matching. */
export interface FieldRule {
  readonly op: 'eq' | 'starts-with'
  readonly name: string
  readonly lower: string
  readonly value: string
  /** Where it came from, for messages (`options.conditions.other[2]`); `''` in a verified policy. */
  readonly source: string
}
/** @internal A `content-length-range`. */
export interface RangeRule {
  readonly op: 'range'
  readonly min: number
  readonly max: number
  readonly source: string
}
/** @internal One rule of a policy. */
export type Rule = FieldRule | RangeRule

/** @internal A rule on a field, its name lower-cased for matching. */
export function fieldRule(op: FieldRule['op'], name: string, value: string, source: string): FieldRule {
  return { op, name, lower: name.toLowerCase(), value, source }
}

/** @internal Why a condition does not parse: its bounds, its shape, an empty object, or a value that is no string. */
export interface ConditionProblem {
  readonly problem: 'bounds' | 'shape' | 'empty' | 'many' | 'value'
  /** For `value`: the field of an exact-match object whose value is not a string (absent for an array condition). */
  readonly name?: string | undefined
  /** For `value` and `shape`: the offending value. */
  readonly value?: unknown
}

/** A `content-length-range` bound: an integer, or (as S3 reads a policy) a string of digits. */
function bound(value: unknown, digitStrings: boolean): unknown {
  return digitStrings && typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value
}

/**
 * @internal Parse one policy condition: `{ "field": "value" }`, `["eq", "$field", "value"]`,
 * `["starts-with", "$field", "prefix"]` or `["content-length-range", min, max]`.
 *
 * @param digitStrings - accept bounds written as strings of digits, as S3 does when it reads a policy
 */
export function parseCondition(c: unknown, source: string, digitStrings: boolean): Rule[] | ConditionProblem {
  if (Array.isArray(c)) {
    const [op, a, b] = c as unknown[]
    if (c.length === 3 && op === 'content-length-range') {
      const min = bound(a, digitStrings)
      const max = bound(b, digitStrings)
      return isInt(min) && isInt(max) ? [{ op: 'range', min, max, source }] : { problem: 'bounds' }
    }
    if (c.length === 3 && (op === 'eq' || op === 'starts-with') && typeof a === 'string' && a.startsWith('$') && a.length > 1) {
      if (typeof b !== 'string') return { problem: 'value', value: b }
      return [fieldRule(op, a.slice(1), b, source)]
    }
    return { problem: 'shape', value: c }
  }
  if (c === null || typeof c !== 'object') return { problem: 'shape', value: c }
  const entries = Object.entries(c as Record<string, unknown>)
  // S3 refuses an exact-match object of any other size: "Simple-Conditions must have exactly one property specified".
  if (entries.length !== 1) return { problem: entries.length ? 'many' : 'empty' }
  const [[name, value]] = entries as [[string, unknown]]
  return typeof value === 'string' ? [fieldRule('eq', name, value, source)] : { problem: 'value', name, value }
}

/**
 * @internal `starts-with` as S3 applies it: a `Content-Type` holding a comma-separated list must match in every
 * element (spaces after a comma are skipped). So a `Content-Type` prefix with a comma matches nothing.
 */
export function startsWith(lower: string, value: string, prefix: string): boolean {
  if (lower !== 'content-type') return value.startsWith(prefix)
  return value.split(/,[ \t]*/).every((part) => part.startsWith(prefix))
}

/** @internal Does a field's value satisfy a rule on it? */
export function satisfies(rule: FieldRule, value: string): boolean {
  return rule.op === 'eq' ? value === rule.value : startsWith(rule.lower, value, rule.value)
}

/** @internal The size range every `content-length-range` allows together (S3's 5 GB at most); `min > max`: none. */
export function sizeRange(rules: readonly Rule[]): { min: number; max: number } {
  let min = 0
  let max = MAX_POST_SIZE
  for (const r of rules) {
    if (r.op !== 'range') continue
    min = Math.max(min, r.min)
    max = Math.min(max, r.max)
  }
  return { min, max }
}

/** @internal The size S3 counts for the fields before the file: their names and values in UTF-8. */
export function fieldBytes(name: string, value: string): number {
  return utf8Length(name) + utf8Length(value)
}

/** @internal A condition for an error message: one level deep and at most 200 characters, whatever its nesting. */
export function showCondition(cond: unknown): string {
  const shallow = (v: unknown): unknown => (v !== null && typeof v === 'object' ? (Array.isArray(v) ? '[...]' : '{...}') : v)
  const flat =
    Array.isArray(cond) ? cond.map(shallow)
    : cond !== null && typeof cond === 'object' ? Object.fromEntries(Object.entries(cond).map(([k, v]) => [k, shallow(v)]))
    : cond
  return String(JSON.stringify(flat)).slice(0, 200)
}
