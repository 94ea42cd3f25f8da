/** core/time: ISO 8601 signing dates (a date-time without a zone is UTC), X-Amz-Date parsing. */
import { describe, expect, test } from 'vitest'
import { parseAmzDate, toEpochMs } from '../../src/core/time.js'

const iso = (s: string) => {
  try {
    return new Date(toEpochMs(s, 'options.signingDate')).toISOString()
  } catch (e) {
    return (e as { code: string }).code
  }
}

describe('toEpochMs', () => {
  test.each([
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T10:00', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01T10:00:00', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01T10:00:00.5', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01T10:00:00.123456Z', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01T10:00:00+02:00', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01T10:0012345', 'InvalidDate'],
    ['2026-12-01 10:00:00', 'InvalidDate'],
    ['Tue, 01 Dec 2026 10:00:00 GMT', 'InvalidDate'],
    ['soon', 'InvalidDate'],
    ['+010000-01-01T00:00:00Z', 'InvalidDate'],
  ])('%s -> %s', (input, expected) => {
    expect(iso(input)).toBe(expected)
  })
})

describe('parseAmzDate', () => {
  test('valid dates, and impossible ones refused', () => {
    expect(parseAmzDate('20130524T000000Z')).toBe(Date.parse('2013-05-24T00:00:00Z'))
    for (const bad of ['20230231T000000Z', '20230101T240000Z', '20230101T000060Z', '2023-01-01T00:00:00Z', '20230101T000000']) expect(parseAmzDate(bad)).toBeUndefined()
  })
})
