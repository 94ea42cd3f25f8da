import { PresignError } from './errors.js'

const HEX = '0123456789ABCDEF'
const pct = (b: number): string => '%' + HEX[b >> 4] + HEX[b & 15]

/** RFC 3986 unreserved: `A-Za-z0-9-_.~`. */
const isUnreserved = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c === 126

/**
 * A path as an HTTP client sends it: unreserved, sub-delims, `:`, `@`, `/` and
 * well-formed `%XX` escapes (hex in upper case). Anything else (space,
 * `"<>\^`{|}`, non-ASCII, a lower-case escape) needs rewriting.
 */
const WIRE_CLEAN = /^(?:[\w\-.~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/
const WIRE_SAFE_CHAR = /[\w\-.~!$&'()*+,;=:@/]/

const ONLY_UNRESERVED = /^[\w\-.~]*$/
const ONLY_UNRESERVED_OR_SLASH = /^[\w\-.~/]*$/

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 65 && code <= 70) return code - 55
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

/** Append the UTF-8 bytes of the code point starting at `s[i]`, percent-encoded. Returns the index of the last code unit used. */
function pushUtf8(out: string[], s: string, i: number, field: string): number {
  const c = s.charCodeAt(i)
  if (c < 0x80) {
    out.push(pct(c))
    return i
  }
  if (c < 0x800) {
    out.push(pct(0xc0 | (c >> 6)) + pct(0x80 | (c & 63)))
    return i
  }
  if (c >= 0xd800 && c <= 0xdfff) {
    const next = s.charCodeAt(i + 1)
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
      throw new PresignError(
        'InvalidString',
        field,
        `has a lone UTF-16 surrogate at index ${i}, which has no UTF-8 encoding`,
      )
    }
    const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
    out.push(pct(0xf0 | (cp >> 18)) + pct(0x80 | ((cp >> 12) & 63)) + pct(0x80 | ((cp >> 6) & 63)) + pct(0x80 | (cp & 63)))
    return i + 1
  }
  out.push(pct(0xe0 | (c >> 12)) + pct(0x80 | ((c >> 6) & 63)) + pct(0x80 | (c & 63)))
  return i
}

/**
 * SigV4 `UriEncode()`: percent-encode the UTF-8 bytes of `value`, leaving only
 * the RFC 3986 unreserved characters `A-Za-z0-9-_.~` literal (and `/` when
 * `keepSlash` is true, as for S3 object keys). Hex digits are upper case and a
 * space is `%20`, never `+`. Unlike `encodeURIComponent`, `!'()*` are escaped.
 *
 * @param value - any well-formed string (a lone UTF-16 surrogate is a `PresignError` with code `InvalidString`)
 * @param keepSlash - leave `/` unescaped (default `false`)
 * @param field - the name used in error messages
 * @example uriEncode("a b/c!") === "a%20b%2Fc%21"
 */
export function uriEncode(value: string, keepSlash = false, field = 'value'): string {
  if (ONLY_UNRESERVED.test(value)) return value
  const out: string[] = []
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (isUnreserved(c) || (c === 47 && keepSlash)) out.push(value[i]!)
    else i = pushUtf8(out, value, i, field)
  }
  return out.join('')
}

function malformedEscape(field: string, index: number): PresignError {
  return new PresignError(
    'InvalidUrl',
    field,
    `has a "%" not followed by two hex digits at index ${index} (write "%" as %25)`,
  )
}

/**
 * Re-encode an already percent-encoded URL component in SigV4's canonical
 * form: escapes are decoded byte by byte and every byte is re-encoded with
 * {@link uriEncode}'s rule; literal characters are encoded as UTF-8. `+` is a
 * literal plus (`%2B`), never a space. With `keepSlash` (paths), `/` stays
 * literal, and so does an encoded `%2F`, which a server decodes to `/` too.
 *
 * @internal
 */
export function canonicalizeComponent(raw: string, field: string, keepSlash = false): string {
  if ((keepSlash ? ONLY_UNRESERVED_OR_SLASH : ONLY_UNRESERVED).test(raw)) return raw
  const out: string[] = []
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 37) {
      const hi = hexValue(raw.charCodeAt(i + 1))
      const lo = hexValue(raw.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) throw malformedEscape(field, i)
      const b = (hi << 4) | lo
      out.push(isUnreserved(b) || (b === 47 && keepSlash) ? String.fromCharCode(b) : pct(b))
      i += 2
    } else if (isUnreserved(c) || (c === 47 && keepSlash)) {
      out.push(raw[i]!)
    } else {
      i = pushUtf8(out, raw, i, field)
    }
  }
  return out.join('')
}

/**
 * The path exactly as an HTTP client sends it: existing escapes kept (hex
 * digits upper-cased), characters that cannot appear literally in a URL path
 * (space, `"<>\^`{|}`, non-ASCII) percent-encoded as UTF-8. Control characters
 * are rejected.
 *
 * @internal
 */
export function toWirePath(raw: string, field: string): string {
  if (WIRE_CLEAN.test(raw)) return raw
  const out: string[] = []
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c < 32 || c === 127) {
      throw new PresignError('InvalidUrl', field, `contains a control character at index ${i}; percent-encode it`)
    }
    if (c === 37) {
      const hi = hexValue(raw.charCodeAt(i + 1))
      const lo = hexValue(raw.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) throw malformedEscape(field, i)
      out.push(pct((hi << 4) | lo))
      i += 2
    } else if (WIRE_SAFE_CHAR.test(raw[i]!)) {
      out.push(raw[i]!)
    } else {
      i = pushUtf8(out, raw, i, field)
    }
  }
  return out.join('')
}
