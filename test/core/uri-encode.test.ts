import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { PresignError, uriEncode } from '../../src/index.js'
import { canonicalizeComponent, toWirePath } from '../../src/core/uri-encode.js'

describe('uriEncode (RFC 3986, SigV4 UriEncode)', () => {
  test('keeps only unreserved characters', () => {
    expect(uriEncode('AZaz09-_.~')).toBe('AZaz09-_.~')
    expect(uriEncode("a b+c!'()*")).toBe('a%20b%2Bc%21%27%28%29%2A')
  })
  test('space is %20, never +; hex is upper case', () => {
    expect(uriEncode(' ')).toBe('%20')
    expect(uriEncode('\u00ff')).toBe('%C3%BF')
  })
  test('slash is encoded unless kept', () => {
    expect(uriEncode('a/b')).toBe('a%2Fb')
    expect(uriEncode('a/b', true)).toBe('a/b')
  })
  test('UTF-8 of 1, 2, 3 and 4 byte code points', () => {
    expect(uriEncode('é日😀')).toBe('%C3%A9%E6%97%A5%F0%9F%98%80')
  })
  test('a lone surrogate is a typed error naming the field', () => {
    for (const s of ['\uD800', 'a\uDC00', '\uD83D x']) {
      expect(() => uriEncode(s, false, 'location.key')).toThrowError(PresignError)
      try {
        uriEncode(s, false, 'location.key')
      } catch (e) {
        expect((e as PresignError).code).toBe('InvalidString')
        expect((e as PresignError).field).toBe('location.key')
      }
    }
  })
})

describe('canonicalizeComponent (query keys and values as written in a URL)', () => {
  test('decodes escapes and re-encodes canonically', () => {
    expect(canonicalizeComponent('%7e%41%2f', 'q')).toBe('~A%2F')
    expect(canonicalizeComponent('a+b', 'q')).toBe('a%2Bb')
    expect(canonicalizeComponent('a%20b', 'q')).toBe('a%20b')
    expect(canonicalizeComponent('ሴ', 'q')).toBe('%E1%88%B4')
    expect(canonicalizeComponent('%FF', 'q')).toBe('%FF')
  })
  test('rejects a % without two hex digits', () => {
    expect(() => canonicalizeComponent('100%', 'q')).toThrowError(/two hex digits/)
  })
})

describe('toWirePath (the path as an HTTP client sends it)', () => {
  test('keeps escapes, sub-delims, : and @; upper-cases hex', () => {
    expect(toWirePath("/a%2fb/!$&'()*+,;=:@", 'u')).toBe("/a%2Fb/!$&'()*+,;=:@")
  })
  test('encodes space, non-ASCII and characters a URL cannot carry', () => {
    expect(toWirePath('/a b/é/"<>`{}|\\^', 'u')).toBe('/a%20b/%C3%A9/%22%3C%3E%60%7B%7D%7C%5C%5E')
  })
  test('rejects control characters', () => {
    expect(() => toWirePath('/a\tb', 'u')).toThrowError(/control character/)
  })
})

/**
 * Byte-level references, written from the SigV4 and RFC 3986 texts and independent of encodeURIComponent:
 * every UTF-8 byte (or decoded %XX byte) is kept when unreserved (or a kept "/") and written %XX otherwise.
 */
const utf8Bytes = (s: string): number[] => [...new TextEncoder().encode(s)]
const pct = (b: number): string => '%' + b.toString(16).toUpperCase().padStart(2, '0')
const unreserved = (b: number): boolean => /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
const encodeBytes = (bytes: number[], keepSlash: boolean): string =>
  bytes.map((b) => (unreserved(b) || (keepSlash && b === 0x2f) ? String.fromCharCode(b) : pct(b))).join('')
/** Raw URL text: literal characters mixed with escapes in either case, no stray "%". */
const rawComponent = fc.array(
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 3 }).filter((x) => !x.includes('%')),
    fc.integer({ min: 0, max: 255 }).map((b) => '%' + b.toString(16).padStart(2, '0')),
    fc.integer({ min: 0, max: 255 }).map((b) => pct(b)),
    fc.constantFrom('/', '+', ' ', '%2f', '%7E', '~', '!', '=', 'é'),
  ),
  { maxLength: 12 },
).map((parts) => parts.join(''))
/** The bytes a raw component stands for: escapes decoded, literal characters as UTF-8. */
const rawBytes = (raw: string): number[] =>
  raw.split(/(%[0-9A-Fa-f]{2})/).flatMap((part, i) => (i % 2 ? [parseInt(part.slice(1), 16)] : utf8Bytes(part)))

describe('encoders against byte-level references (fast-check)', () => {
  test('uriEncode of any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.boolean(), (s, keepSlash) => {
        expect(uriEncode(s, keepSlash)).toBe(encodeBytes(utf8Bytes(s), keepSlash))
      }),
      { numRuns: 2000 },
    )
  })
  test('canonicalizeComponent of raw URL text', () => {
    fc.assert(
      fc.property(rawComponent, fc.boolean(), (raw, keepSlash) => {
        expect(canonicalizeComponent(raw, 'q', keepSlash)).toBe(encodeBytes(rawBytes(raw), keepSlash))
      }),
      { numRuns: 2000 },
    )
  })
  test('toWirePath keeps escapes (upper-cased) and URL path characters, and encodes the rest as UTF-8', () => {
    const keep = /[A-Za-z0-9\-_.~!$&'()*+,;=:@/]/
    fc.assert(
      fc.property(rawComponent.filter((raw) => !/[\0-\x1f\x7f]/.test(raw)), (raw) => {
        const expected = raw
          .split(/(%[0-9A-Fa-f]{2})/)
          .map((part, i) => (i % 2 ? part.toUpperCase() : [...part].map((c) => (keep.test(c) ? c : utf8Bytes(c).map(pct).join(''))).join('')))
          .join('')
        expect(toWirePath(raw, 'u')).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })
})
