import { PresignError } from './errors.js'

/** `%XX` escapes: `split` with this puts text at even indexes and escapes at odd ones. */
const ESCAPES = /(%[\dA-Fa-f]{2})/

/** `encodeURIComponent`, with a lone UTF-16 surrogate (no UTF-8 encoding) as a typed error. */
function encodeUtf8(value: string, field: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    throw new PresignError('InvalidString', field, 'must be well-formed UTF-16 (no lone surrogates)')
  }
}

/** A stray `%` is rejected: it cannot be told apart from an escape. */
function unescaped(text: string, field: string): string {
  if (text.includes('%')) throw new PresignError('InvalidUrl', field, 'must write a "%" not followed by two hex digits as %25')
  return text
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
  if ((keepSlash ? /^[\w.~/-]*$/ : /^[\w.~-]*$/).test(value)) return value
  const out = encodeUtf8(value, field).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  return keepSlash ? out.replace(/%2F/g, '/') : out
}

/**
 * Re-encode an already percent-encoded URL component in SigV4's canonical
 * form: escapes are decoded byte by byte and every byte is re-encoded with
 * {@link uriEncode}'s rule; literal characters are encoded as UTF-8. `+` is a
 * literal plus (`%2B`), never a space (a query's `+` is read as a space before
 * this). With `keepSlash` (paths), `/` stays literal, and so does an encoded
 * `%2F`, which a server decodes to `/` too.
 *
 * @internal
 */
export function canonicalizeComponent(raw: string, field: string, keepSlash = false): string {
  if (!raw.includes('%')) return uriEncode(raw, keepSlash, field)
  return raw
    .split(ESCAPES)
    .map((part, i) => {
      if (!(i & 1)) return uriEncode(unescaped(part, field), keepSlash, field)
      const c = String.fromCharCode(parseInt(part.slice(1), 16))
      return /[\w.~-]/.test(c) || (keepSlash && c === '/') ? c : part.toUpperCase()
    })
    .join('')
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
  if (/^(?:[\w.~!$&'()*+,;=:@/-]|%[\dA-F]{2})*$/.test(raw)) return raw
  if (/[\0-\x1f\x7f]/.test(raw)) throw new PresignError('InvalidUrl', field, 'must percent-encode control characters')
  return raw
    .split(ESCAPES)
    .map((part, i) =>
      i & 1 ? part.toUpperCase() : unescaped(part, field).replace(/[^\w.~!$&'()*+,;=:@/-]+/g, (s) => encodeUtf8(s, field)),
    )
    .join('')
}
