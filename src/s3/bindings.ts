import { collectHeaders, type HeadersInput } from '../core/canonical-request.js'
import { fail } from '../core/errors.js'
import { S3_CHECKSUM_ALGORITHMS, S3_CHECKSUM_BYTES, type S3ChecksumAlgorithm } from './checksum-algorithms.js'

export type { S3ChecksumAlgorithm } from './checksum-algorithms.js'

/** A checksum of the body the client will send, in S3's base64 form (see `sigv4-presign/checksums`). */
export interface S3Checksum {
  /** `CRC32`, `CRC32C`, `CRC64NVME`, `SHA1`, `SHA256`, `SHA512`, `MD5` (sent as `x-amz-checksum-md5`, not `Content-MD5`), `XXHASH64`, `XXHASH3` or `XXHASH128`. */
  readonly algorithm: S3ChecksumAlgorithm
  /** Base64 of the checksum's bytes (big-endian for the CRCs), e.g. `y/Q5Jg==` for the CRC32 of `123456789`. */
  readonly value: string
}

/** What a PUT URL binds the body to: signed headers S3 checks against the body it receives. */
export interface S3BodyBindings {
  /** Sign `content-length`: S3 refuses a body of any other size (`SignatureDoesNotMatch`). An integer in 0..5 GiB. */
  readonly contentLength?: number | undefined
  /** Sign `x-amz-checksum-<algorithm>`: S3 refuses a body with another checksum (`BadDigest`). */
  readonly checksum?: S3Checksum | undefined
  /** Sign `content-md5` (base64 of the body's MD5): S3 refuses a body with another MD5 (`BadDigest`). */
  readonly contentMD5?: string | undefined
}

/** The largest single PUT (and part) S3 takes: 5 GiB. */
const MAX_PUT_BYTES = 5368709120

/** `value`, when it is the base64 of a digest of `bytes` bytes (padded, as S3 writes it). */
function checkBase64(value: unknown, bytes: number, algorithm: string, field: string): string {
  const length = Math.ceil((bytes * 4) / 3)
  const pad = '='.repeat((3 - (bytes % 3)) % 3)
  if (typeof value !== 'string' || value.length !== length + pad.length || !value.endsWith(pad) || !/^[A-Za-z0-9+/]+$/.test(value.slice(0, length))) {
    fail('InvalidOption', field, `must be the base64 ${algorithm} of the body (${length + pad.length} characters${pad ? ` ending in "${pad}"` : ''}, e.g. from sigv4-presign/checksums)`, value)
  }
  return value
}

/** The signed headers of the bindings, checked; `[]` when there are none. */
function boundHeaders(b: S3BodyBindings): Array<[string, string]> {
  const out: Array<[string, string]> = []
  if (b.contentLength !== undefined) {
    const n = b.contentLength
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_PUT_BYTES) fail('InvalidOption', 'options.contentLength', `must be an integer number of bytes in 0..${MAX_PUT_BYTES} (5 GiB, S3's largest PUT)`, n)
    out.push(['content-length', String(n)])
  }
  if (b.checksum !== undefined) {
    const c = b.checksum
    if (c === null || typeof c !== 'object') fail('InvalidOption', 'options.checksum', 'must be { algorithm, value }', c)
    if (typeof c.algorithm !== 'string' || !Object.hasOwn(S3_CHECKSUM_BYTES, c.algorithm)) {
      fail('InvalidOption', 'options.checksum.algorithm', `must be one of ${S3_CHECKSUM_ALGORITHMS.join(', ')}`, c.algorithm)
    }
    out.push(['x-amz-checksum-' + c.algorithm.toLowerCase(), checkBase64(c.value, S3_CHECKSUM_BYTES[c.algorithm], c.algorithm, 'options.checksum.value')])
  }
  if (b.contentMD5 !== undefined) out.push(['content-md5', checkBase64(b.contentMD5, S3_CHECKSUM_BYTES.MD5, 'MD5', 'options.contentMD5')])
  return out
}

/**
 * @internal The headers to sign: the caller's, plus those of the body bindings. A binding may not also be given as a
 * header (two values for one header would sign something no client sends).
 */
export function withBindings(headers: HeadersInput | undefined, bindings: S3BodyBindings): HeadersInput | undefined {
  // Most presigns bind nothing: no allocation on that path.
  if (bindings.contentLength === undefined && bindings.checksum === undefined && bindings.contentMD5 === undefined) return headers
  const bound = boundHeaders(bindings)
  const given = collectHeaders(headers, 'options.headers')
  const pairs: Array<[string, string]> = []
  for (const [name, values] of given) for (const v of values) pairs.push([name, v])
  for (const [name] of bound) {
    if (given.has(name)) fail('InvalidOption', `options.headers["${name}"]`, `must be omitted: ${name} comes from options.contentLength / checksum / contentMD5`)
  }
  return pairs.concat(bound)
}
