import { fail } from './errors.js'

/** @internal The parts of an absolute URL: scheme, authority, path, query (without `?`), fragment (with `#`). */
export const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#[^]*)?$/
/** @internal A host name or [IPv6] literal and an optional port: no user info. */
export const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/

/** @internal A `.` or `..` path segment, also written with `%2E` as URL parsers read it (`%2e%2E`, `.%2e`). */
export const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?=\/|$)/i

/** @internal A path of URL path characters only (RFC 3986 `pchar` and `/`; anything else percent-encoded). */
export const PATH_CHARS = /^(?:[\w.~!$&'()*+,;=:@/-]|%[\dA-Fa-f]{2})*$/

/**
 * @internal The path URL parsers (fetch, browsers, `new URL`) send for `path` (starting with `/`): its `.` and `..`
 * segments, also written with `%2E`, resolved as the URL Standard resolves them (one at the end leaves its `/`).
 */
export function sentPath(path: string): string {
  const segments = path.split('/')
  const out: string[] = []
  for (let i = 1; i < segments.length; i++) {
    const dots = segments[i]!.toLowerCase().replaceAll('%2e', '.')
    const last = i === segments.length - 1
    if (dots === '..') out.pop()
    if (dots === '..' || dots === '.') {
      if (last) out.push('')
    } else out.push(segments[i]!)
  }
  return '/' + out.join('/')
}

/** The last host found sent as written. */
let lastSent = ''

/** A host as the WHATWG URL parser (fetch, browsers, `new URL`) writes it, or `undefined` when it refuses it. */
function parsedHost(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname
  } catch {
    return undefined
  }
}

/**
 * @internal Check the host of an endpoint the library builds URLs on (lower-cased, without its port) is sent as
 * written, or throw a `PresignError` naming `field`. URL parsers read a host whose last label is a number as an IPv4
 * address (`127.1` and `2130706433` are sent as `127.0.0.1`; `999.1.1.1` and `foo.123` are no URL) and write an IPv6
 * literal in its shortest form (`[0:0:0:0:0:0:0:1]` is `[::1]`): a signature over the host as written could never
 * match. Only hosts that look like addresses are parsed (a name is sent as written), so a name costs one regex test.
 */
export function checkHost(host: string, field: string): void {
  // An address endpoint (127.0.0.1, MinIO's usual one) is parsed once, not at every presign.
  if (host === lastSent) return
  const sent = /^\[|(?:^|\.)(?:0x[\da-f]*|\d+)\.?$/.test(host) ? parsedHost(host) : host
  if (sent === host) lastSent = host
  else fail('InvalidUrl', field, `must have a host that URL parsers send as written (${host} ${sent ? `is sent as ${sent}` : 'is no host to them'})`)
}
