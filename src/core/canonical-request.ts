import { fail } from './errors.js'
import { canonicalizeComponent, uriEncode } from './uri-encode.js'

/** Headers as accepted by this library: a plain object (array values are repeated headers), or any iterable of `[name, value]` pairs (a `Headers` object, `[['a','1'],['a','2']]`). */
export type HeadersInput =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>

/** How the canonical URI is derived from the path. */
export interface CanonicalUriOptions {
  /** Remove `.` / `..` segments and collapse empty segments (`//`). Default: `true` (every service but S3). */
  normalize?: boolean
  /**
   * `true` (every service but S3): URI-encode every segment of the path as sent once more (`%20` becomes
   * `%2520`). `false` (S3): the path is encoded once, as S3 does it: escapes decoded, then `UriEncode`
   * with `/` kept, so a path that is already S3-encoded is unchanged and a literal `+` or `(` becomes
   * `%2B` or `%28`.
   */
  doubleEncode?: boolean
}

/** Remove `.`/`..` segments and empty segments, keeping a leading and a trailing `/` (AWS's rule for non-S3 services). */
function normalizePath(path: string): string {
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '..') out.pop()
    else if (segment && segment !== '.') out.push(segment)
  }
  return (path[0] === '/' ? '/' : '') + out.join('/') + (out.length && path.endsWith('/') ? '/' : '')
}

/**
 * Task 1, step 2 of SigV4: the canonical URI.
 *
 * `path` is the path as sent on the wire (already percent-encoded). For S3
 * (`{ normalize: false, doubleEncode: false }`) it is never normalized and is
 * encoded once, as S3 computes it (for an S3-encoded path that is the path
 * itself); for every other service it is normalized and each segment is encoded
 * again (`%20` becomes `%2520`). An empty path is `/`.
 *
 * @example canonicalUri('/a/./b//c%20d') === '/a/b/c%2520d'
 * @example canonicalUri('/a/./b//c%20d+(1)', { normalize: false, doubleEncode: false }) === '/a/./b//c%20d%2B%281%29'
 */
export function canonicalUri(path: string, options: CanonicalUriOptions = {}): string {
  return canonicalPath(path, options.normalize ?? true, options.doubleEncode ?? true)
}

/** @internal {@link canonicalUri} with both options given, as arguments: what the signers call (no options object). */
export function canonicalPath(path: string, normalize: boolean, doubleEncode: boolean): string {
  let p = path === '' ? '/' : path
  if (normalize) p = normalizePath(p) || '/'
  return doubleEncode ? uriEncode(p, true, 'path') : canonicalizeComponent(p, 'path', true)
}

/** @internal One query parameter in canonical encoding; `hasEquals` records whether the URL wrote `k=` or bare `k`. */
export interface QueryParam {
  readonly key: string
  readonly value: string
  readonly hasEquals: boolean
}

/** @internal Split a raw query string (without `?`) into canonically encoded parameters, in URL order. */
export function parseQuery(query: string, field = 'query'): QueryParam[] {
  const params: QueryParam[] = []
  for (const pair of query ? query.split('&') : []) {
    const eq = pair.indexOf('=')
    if (pair) {
      params.push({
        key: canonicalQueryComponent(eq < 0 ? pair : pair.slice(0, eq), field),
        value: eq < 0 ? '' : canonicalQueryComponent(pair.slice(eq + 1), field),
        hasEquals: eq >= 0,
      })
    }
  }
  return params
}

/**
 * A query key or value in canonical encoding. A literal `+` in a query is a space (`%20`), as HTML forms, `URL`'s
 * `searchParams`, S3, Swift's s3api and botocore's signer read it; write `%2B` for a plus. (In a path `+` is a plus.)
 */
function canonicalQueryComponent(raw: string, field: string): string {
  return canonicalizeComponent(raw.includes('+') ? raw.replace(/\+/g, '%20') : raw, field)
}

/** @internal Canonical query string of already canonically encoded parameters: sorted by key, then value. */
export function joinCanonicalQuery(params: readonly QueryParam[]): string {
  const sorted = params.slice().sort((a, b) =>
    a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.value !== b.value ? (a.value < b.value ? -1 : 1) : 0,
  )
  let out = ''
  for (const p of sorted) out += '&' + p.key + '=' + p.value
  return out.slice(1)
}

/**
 * Task 1, step 3 of SigV4: the canonical query string of a raw query (with or
 * without the leading `?`), as written in a URL.
 *
 * Keys and values are percent-decoded and re-encoded with RFC 3986's rule
 * (`A-Za-z0-9-_.~` literal, upper-case hex, space as `%20`), sorted by encoded
 * key then encoded value; duplicates are kept and a bare key becomes `key=`. A
 * literal `+` is a space, as S3 and botocore read a query (`%2B` is a plus).
 *
 * @example canonicalQueryString('b=2&a=x y&a=!') === 'a=%21&a=x%20y&b=2'
 * @example canonicalQueryString('q=a+b&p=a%2Bb') === 'p=a%2Bb&q=a%20b'
 */
export function canonicalQueryString(query: string): string {
  return joinCanonicalQuery(parseQuery(query.startsWith('?') ? query.slice(1) : query))
}

/**
 * @internal Normalize header input into `lowercase name -> trimmed values` in input order.
 *
 * @param names - the header names accepted: HTTP tokens (the default); Cloud Storage's signer also takes `/`
 */
export function collectHeaders(headers: HeadersInput | undefined, field: string, names = /^[!#$%&'*+\-.^_`|~\w]+$/): Map<string, string[]> {
  const map = new Map<string, string[]>()
  if (headers == null) return map
  if (typeof headers !== 'object') fail('InvalidHeader', field, 'must be an object or [name, value] pairs', headers)
  const entries = Symbol.iterator in headers ? (headers as Iterable<unknown>) : Object.entries(headers)
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) fail('InvalidHeader', field, 'must have [name, value] pairs as entries')
    const [name, value] = entry as [unknown, unknown]
    if (typeof name !== 'string' || !names.test(name)) {
      fail('InvalidHeader', field, `must have HTTP tokens as header names, got ${JSON.stringify(String(name).slice(0, 64))}`)
    }
    for (let v of Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value]) {
      if (typeof v === 'number' && Number.isFinite(v)) v = String(v)
      if (typeof v !== 'string' || /[^\t\x20-\x7e]/.test(v)) {
        fail('InvalidHeader', `${field}["${name}"]`, 'must be printable ASCII (strings, numbers or an array of them)', v)
      }
      const lower = name.toLowerCase()
      let list = map.get(lower)
      if (!list) map.set(lower, (list = []))
      // SigV4's Trimall: trim and collapse runs of spaces and tabs.
      list.push(v.replace(/[\t ]+/g, ' ').trim())
    }
  }
  return map
}

/** @internal Set `host` to the URL's host; a `host` the caller gave must be that one (in any case). */
export function setHost(headers: Map<string, string[]>, host: string, field: string): void {
  const given = headers.get('host')
  if (given && given.join(',').toLowerCase() !== host) fail('InvalidHeader', field + '["host"]', `must be omitted or equal the URL's host (${host})`)
  headers.set('host', [host])
}

/** @internal The headers the client must send (all but `host`), values joined by `,`. */
export function headersToSend(headers: ReadonlyMap<string, readonly string[]>): Record<string, string> {
  // Object.fromEntries: a header named `__proto__` becomes an own property, like any other.
  return Object.fromEntries([...headers].filter(([name]) => name !== 'host').map(([name, values]) => [name, values.join(',')]))
}

/** The canonical headers block and the matching `SignedHeaders` list. */
export interface CanonicalHeaders {
  /** `name:value\n` lines, sorted by name (each line ends with `\n`). */
  readonly canonicalHeaders: string
  /** Lower-case names joined by `;`, e.g. `content-type;host`. */
  readonly signedHeaders: string
}

/** @internal Canonical headers of a collected header map. */
export function formatCanonicalHeaders(map: ReadonlyMap<string, readonly string[]>): CanonicalHeaders {
  const names = [...map.keys()].sort()
  let lines = ''
  for (const name of names) lines += name + ':' + map.get(name)!.join(',') + '\n'
  return { canonicalHeaders: lines, signedHeaders: names.join(';') }
}

/**
 * Task 1, steps 4–5 of SigV4: canonical headers and signed headers.
 *
 * Names are lower-cased and sorted; values are trimmed with inner runs of
 * spaces collapsed; repeated headers are joined by `,` in the order given (not
 * `", "` as the Fetch `Headers` class does). Every header passed here is signed,
 * so pass exactly the headers the client will send, including `host`.
 *
 * @example canonicalHeaders({ Host: 'h', 'X-A': ['1', ' 2  3 '] }).canonicalHeaders === 'host:h\nx-a:1,2 3\n'
 */
export function canonicalHeaders(headers: HeadersInput): CanonicalHeaders {
  return formatCanonicalHeaders(collectHeaders(headers, 'headers'))
}

/** The parts of a canonical request. */
export interface CanonicalRequestParts {
  /** HTTP method, upper case. */
  readonly method: string
  /** Output of {@link canonicalUri}. */
  readonly canonicalUri: string
  /** Output of {@link canonicalQueryString}. */
  readonly canonicalQuery: string
  /** `canonicalHeaders` of {@link canonicalHeaders}. */
  readonly canonicalHeaders: string
  /** `signedHeaders` of {@link canonicalHeaders}. */
  readonly signedHeaders: string
  /** Hex SHA-256 of the payload, or `UNSIGNED-PAYLOAD`. */
  readonly payloadHash: string
}

/**
 * Task 1 of SigV4: join the parts into the canonical request
 * (`METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED\nPAYLOAD`).
 */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return joinCanonicalRequest(parts.method, parts.canonicalUri, parts.canonicalQuery, parts.canonicalHeaders, parts.signedHeaders, parts.payloadHash)
}

/** @internal {@link canonicalRequest} with its parts as arguments, in their order: what the signers call (no parts object). */
export function joinCanonicalRequest(method: string, uri: string, query: string, headers: string, signedHeaders: string, payloadHash: string): string {
  return method + '\n' + uri + '\n' + query + '\n' + headers + '\n' + signedHeaders + '\n' + payloadHash
}
