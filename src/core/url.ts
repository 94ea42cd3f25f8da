import { fail } from './errors.js'

/** @internal The parts of an absolute URL: scheme, authority, path, query (without `?`), fragment (with `#`). */
export const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#[^]*)?$/
/** @internal A host name or [IPv6] literal and an optional port: no user info. */
export const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/

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
