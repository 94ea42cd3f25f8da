import { PresignError } from './errors.js'

const HEX = '0123456789ABCDEF'
const PCT: string[] = []
for (let i = 0; i < 256; i++) PCT.push('%' + HEX[i >> 4] + HEX[i & 15])

/** 1 for RFC 3986 unreserved characters `A-Za-z0-9-_.~`. */
const UNRESERVED = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z0-9\-_.~]/.test(ch)) UNRESERVED[c] = 1
}

/**
 * Characters that may stay literal in a path as sent on the wire: unreserved,
 * sub-delims, `:`, `@`, `/` and `%` (the start of an escape). Anything else
 * (space, `"<>\^`{|}`, non-ASCII) is percent-encoded the way an HTTP client
 * would send it.
 */
const WIRE_SAFE = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z0-9\-_.~!$&'()*+,;=:@/%]/.test(ch)) WIRE_SAFE[c] = 1
}

const ONLY_UNRESERVED = /^[A-Za-z0-9\-_.~]*$/

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
    out.push(PCT[c]!)
    return i
  }
  if (c < 0x800) {
    out.push(PCT[0xc0 | (c >> 6)]! + PCT[0x80 | (c & 63)]!)
    return i
  }
  if (c >= 0xd800 && c <= 0xdfff) {
    const next = s.charCodeAt(i + 1)
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
      throw new PresignError(
        'InvalidString',
        field,
        `contains a lone UTF-16 surrogate at index ${i}; it has no UTF-8 encoding (fix the string, e.g. with String.prototype.toWellFormed())`,
      )
    }
    const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
    out.push(
      PCT[0xf0 | (cp >> 18)]! + PCT[0x80 | ((cp >> 12) & 63)]! + PCT[0x80 | ((cp >> 6) & 63)]! + PCT[0x80 | (cp & 63)]!,
    )
    return i + 1
  }
  out.push(PCT[0xe0 | (c >> 12)]! + PCT[0x80 | ((c >> 6) & 63)]! + PCT[0x80 | (c & 63)]!)
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
    if (c < 128 && (UNRESERVED[c] === 1 || (c === 47 && keepSlash))) out.push(value[i]!)
    else i = pushUtf8(out, value, i, field)
  }
  return out.join('')
}

function malformedEscape(field: string, index: number): PresignError {
  return new PresignError(
    'InvalidUrl',
    field,
    `has a "%" at index ${index} that is not followed by two hex digits; write a literal "%" as %25`,
  )
}

/**
 * Re-encode an already percent-encoded URL component in SigV4's canonical
 * form: escapes are decoded byte by byte and every byte is re-encoded with
 * {@link uriEncode}'s rule; literal characters are encoded as UTF-8. `+` is a
 * literal plus (`%2B`), never a space.
 *
 * @internal
 */
export function canonicalizeComponent(raw: string, field: string): string {
  if (ONLY_UNRESERVED.test(raw)) return raw
  const out: string[] = []
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 37) {
      const hi = hexValue(raw.charCodeAt(i + 1))
      const lo = hexValue(raw.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) throw malformedEscape(field, i)
      const b = (hi << 4) | lo
      out.push(b < 128 && UNRESERVED[b] === 1 ? String.fromCharCode(b) : PCT[b]!)
      i += 2
    } else if (c < 128 && UNRESERVED[c] === 1) {
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
  let clean = true
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c >= 128 || WIRE_SAFE[c] !== 1 || (c === 37 && !/^[0-9A-F]{2}$/.test(raw.slice(i + 1, i + 3)))) {
      clean = false
      break
    }
  }
  if (clean) return raw
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
      out.push(PCT[(hi << 4) | lo]!)
      i += 2
    } else if (c < 128 && WIRE_SAFE[c] === 1) {
      out.push(raw[i]!)
    } else {
      i = pushUtf8(out, raw, i, field)
    }
  }
  return out.join('')
}
