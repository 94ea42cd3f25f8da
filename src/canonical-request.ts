import { PresignError, describe } from './errors.js'
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
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  const lead = path.startsWith('/') ? '/' : ''
  const trail = path.endsWith('/') && out.length > 0 ? '/' : ''
  return lead + out.join('/') + trail
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
  let p = path === '' ? '/' : path
  if (options.normalize ?? true) p = normalizePath(p) || '/'
  return options.doubleEncode ?? true ? uriEncode(p, true, 'path') : canonicalizeComponent(p, 'path', true)
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
  if (query === '') return params
  for (const pair of query.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const rawKey = eq < 0 ? pair : pair.slice(0, eq)
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1)
    params.push({
      key: canonicalizeComponent(rawKey, field),
      value: canonicalizeComponent(rawValue, field),
      hasEquals: eq >= 0,
    })
  }
  return params
}

function compareParams(a: QueryParam, b: QueryParam): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1
  if (a.value !== b.value) return a.value < b.value ? -1 : 1
  return 0
}

/** @internal Canonical query string of already canonically encoded parameters. */
export function joinCanonicalQuery(params: readonly QueryParam[]): string {
  const sorted = params.slice().sort(compareParams)
  let out = ''
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!
    out += (i === 0 ? '' : '&') + p.key + '=' + p.value
  }
  return out
}

/**
 * Task 1, step 3 of SigV4: the canonical query string of a raw query (with or
 * without the leading `?`), as written in a URL.
 *
 * Keys and values are percent-decoded and re-encoded with RFC 3986's rule
 * (`A-Za-z0-9-_.~` literal, upper-case hex, space as `%20`; a literal `+` is
 * `%2B`), sorted by encoded key then encoded value; duplicates are kept and a
 * bare key becomes `key=`.
 *
 * @example canonicalQueryString('b=2&a=x y&a=!') === 'a=%21&a=x%20y&b=2'
 */
export function canonicalQueryString(query: string): string {
  return joinCanonicalQuery(parseQuery(query.startsWith('?') ? query.slice(1) : query))
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const BAD_VALUE = /[^\t\x20-\x7e]/

/** Trim and collapse runs of spaces/tabs, SigV4's `Trimall`. */
function trimAll(value: string): string {
  return value.replace(/[\t ]+/g, ' ').trim()
}

function checkValue(name: string, value: string, field: string): string {
  if (BAD_VALUE.test(value)) {
    throw new PresignError(
      'InvalidHeader',
      `${field}["${name}"]`,
      'must be printable ASCII without line breaks (encode other text first)',
    )
  }
  return trimAll(value)
}

/** @internal Normalize header input into `lowercase name -> trimmed values` in input order. */
export function collectHeaders(headers: HeadersInput | undefined, field = 'request.headers'): Map<string, string[]> {
  const map = new Map<string, string[]>()
  if (headers == null) return map
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string' || !TOKEN.test(name)) {
      throw new PresignError(
        'InvalidHeader',
        field,
        `has a header name that is not an HTTP token: ${typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : describe(name)}`,
      )
    }
    if (typeof value === 'number' && Number.isFinite(value)) value = String(value)
    if (typeof value !== 'string') {
      throw new PresignError('InvalidHeader', `${field}["${name}"]`, `must be a string, a number or an array of strings, got ${describe(value)}`)
    }
    const lower = name.toLowerCase()
    const v = checkValue(name, value, field)
    const list = map.get(lower)
    if (list) list.push(v)
    else map.set(lower, [v])
  }
  if (typeof headers !== 'object') {
    throw new PresignError('InvalidHeader', field, `must be an object or [name, value] pairs, got ${describe(headers)}`)
  }
  if (Symbol.iterator in headers) {
    for (const entry of headers as Iterable<readonly [string, string]>) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new PresignError('InvalidHeader', field, 'each entry must be a [name, value] pair')
      }
      add(entry[0], entry[1])
    }
  } else {
    for (const name of Object.keys(headers)) {
      const value = (headers as Record<string, unknown>)[name]
      if (value === undefined) continue
      if (Array.isArray(value)) for (const v of value) add(name, v)
      else add(name, value)
    }
  }
  return map
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
  return (
    parts.method + '\n' + parts.canonicalUri + '\n' + parts.canonicalQuery + '\n' + parts.canonicalHeaders + '\n' +
    parts.signedHeaders + '\n' + parts.payloadHash
  )
}
