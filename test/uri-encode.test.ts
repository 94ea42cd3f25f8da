import { describe, expect, test } from 'vitest'
import { PresignError, uriEncode } from '../src/index.js'
import { canonicalizeComponent, toWirePath } from '../src/uri-encode.js'

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
