/**
 * The small XML of S3 multipart uploads, on both ends: the `CompleteMultipartUpload` request body, and the bodies S3
 * answers `CreateMultipartUpload`, `ListParts` and `CompleteMultipartUpload` with, and its error bodies.
 *
 * Not a general XML parser: S3's documents are flat (at most 3 levels) and known, so this reads exactly that, in one
 * linear pass, and refuses everything else. It runs everywhere (no DOMParser, no `node:` import).
 *
 * What a document may hold:
 * - at most {@link MAX_XML_LENGTH} characters, every one an XML 1.0 character (no control character other than tab,
 *   CR and LF, no lone surrogate, no U+FFFE/U+FFFF), a leading byte order mark, whitespace before the declaration
 *   (S3 sends whitespace to keep a long `CompleteMultipartUpload` alive), one `<?xml …?>` declaration;
 * - one root element, elements nested at most 3 deep, at most {@link MAX_XML_ELEMENTS} elements; ASCII names
 *   (`[A-Za-z_:][A-Za-z0-9_.:-]*`); attributes (`xmlns="…"` on the root, for one) are checked for syntax and ignored;
 * - text in the innermost elements only (whitespace between elements): the five predefined entities and numeric
 *   character references (`&#34;`, `&#x22;`) of XML characters are decoded, line ends are normalized to `\n`.
 *
 * Refused: `<!DOCTYPE`, `<!ENTITY` and any other `<!` (so no DTD, no entity but the predefined ones, no external
 * entity, no comment, no CDATA section: S3 sends none of them), processing instructions, unknown entities, text mixed
 * with elements, a second root, anything after the root but whitespace, and a truncated document. Refusals throw a
 * `PresignError` with code `InvalidXml`, field `xml`, and a message with the offset and at most 16 characters of the
 * input, JSON-escaped.
 */
import { fail } from '../core/errors.js'
import { S3_CHECKSUM_ALGORITHMS } from './checksum-algorithms.js'

/** The longest document the parsers read, in UTF-16 code units (4 MiB; a ListParts page of 1000 parts is ~300 KB). */
export const MAX_XML_LENGTH = 4194304
/** The most elements a document may hold (a ListParts page of 10,000 parts with two checksums each has ~80,000). */
export const MAX_XML_ELEMENTS = 200_000
const MAX_DEPTH = 3
const MAX_PARTS = 10_000

/** S3's checksum elements, in the order of botocore's S3 model (the keys of {@link S3Checksums}, capitalized). */
const CHECKSUM_ELEMENTS = /* @__PURE__ */ S3_CHECKSUM_ALGORITHMS.map((c) => 'Checksum' + c)

/**
 * The checksums S3 reports for a part or an object, by algorithm, base64 as S3 spells them (for an object from a
 * composite checksum, with `-` and the number of parts).
 */
export interface S3Checksums {
  /** `ChecksumCRC32`. */
  readonly checksumCRC32?: string
  /** `ChecksumCRC32C`. */
  readonly checksumCRC32C?: string
  /** `ChecksumCRC64NVME`. */
  readonly checksumCRC64NVME?: string
  /** `ChecksumSHA1`. */
  readonly checksumSHA1?: string
  /** `ChecksumSHA256`. */
  readonly checksumSHA256?: string
  /** `ChecksumSHA512`. */
  readonly checksumSHA512?: string
  /** `ChecksumMD5`. */
  readonly checksumMD5?: string
  /** `ChecksumXXHASH64`. */
  readonly checksumXXHASH64?: string
  /** `ChecksumXXHASH3`. */
  readonly checksumXXHASH3?: string
  /** `ChecksumXXHASH128`. */
  readonly checksumXXHASH128?: string
}

/** One part of a `CompleteMultipartUpload` body: its number and the `ETag` (and checksums) UploadPart answered with. */
export interface CompletedPart extends S3Checksums {
  /** 1..10000. */
  readonly partNumber: number
  /** The part's `ETag` response header as received, quotes included (1..1024 visible ASCII characters). */
  readonly etag: string
}

/** What `CreateMultipartUpload` answers (`<InitiateMultipartUploadResult>`). */
export interface InitiatedMultipartUpload {
  /** `Bucket`: the bucket's name (not the access point ARN or alias it was addressed by). */
  readonly bucket: string
  /** `Key`: the object key, as text. */
  readonly key: string
  /** `UploadId`: what every later request of the upload names it by (never empty). */
  readonly uploadId: string
}

/** One `<Part>` of a `ListParts` page. */
export interface ListedPart extends S3Checksums {
  /** `PartNumber`: 1..10000. */
  readonly partNumber: number
  /** `ETag`: what `CompleteMultipartUpload` must list for this part, quotes included. */
  readonly etag: string
  /** `Size`: bytes. */
  readonly size: number
  /** `LastModified`, as S3 spells it (`2010-11-10T20:48:34.000Z`). */
  readonly lastModified?: string
}

/** One `ListParts` page (`<ListPartsResult>`). */
export interface ListPartsPage {
  /** The `<Part>` elements, in strictly ascending part-number order (S3's order; anything else is refused). */
  readonly parts: readonly ListedPart[]
  /** `IsTruncated`. When true, `nextPartNumberMarker` is present and above `partNumberMarker`. */
  readonly isTruncated: boolean
  /** `NextPartNumberMarker`: the `part-number-marker` of the next page. */
  readonly nextPartNumberMarker?: number
  /** `PartNumberMarker`: the `part-number-marker` this page was asked with. */
  readonly partNumberMarker?: number
  /** `MaxParts`: the `max-parts` of the request (S3: at most 1000). */
  readonly maxParts?: number
  /** `Bucket`. */
  readonly bucket?: string
  /** `Key` (URL-encoded when the request asked for `encoding-type=url`). */
  readonly key?: string
  /** `UploadId`. */
  readonly uploadId?: string
  /** `StorageClass`. */
  readonly storageClass?: string
  /** `ChecksumAlgorithm`: the algorithm the upload was created with (`CRC32`, `SHA256`…). */
  readonly checksumAlgorithm?: string
  /** `ChecksumType`: `COMPOSITE` or `FULL_OBJECT`. */
  readonly checksumType?: string
}

/** An S3 error body (`<Error>`). */
export interface S3ErrorBody {
  /** `Code`: `NoSuchUpload`, `InvalidPart`, `SignatureDoesNotMatch`, `InternalError`… (never empty). */
  readonly code: string
  /** `Message`, or `''` when the body has none. */
  readonly message: string
  /** `RequestId`, what AWS support asks for. */
  readonly requestId?: string
  /** `HostId`, the extended request id. */
  readonly hostId?: string
  /**
   * Every other text element, by name: `Resource`, `Key`, `UploadId`, `PartNumber`, `ETag`, and for
   * `SignatureDoesNotMatch` S3's `StringToSign` and `CanonicalRequest`. An object without prototype.
   */
  readonly details: Readonly<Record<string, string>>
}

/** A completed upload (`<CompleteMultipartUploadResult>`). */
export interface CompletedMultipartUpload extends S3Checksums {
  /** The upload completed: the object exists. */
  readonly ok: true
  /** `ETag`: the object's (`"…-N"` for an object of N parts). */
  readonly etag: string
  /** `Location`: the object's URL. */
  readonly location?: string
  /** `Bucket`. */
  readonly bucket?: string
  /** `Key`. */
  readonly key?: string
  /** `ChecksumType`: `COMPOSITE` or `FULL_OBJECT`, when the upload has checksums. */
  readonly checksumType?: string
}

/** A `CompleteMultipartUpload` that S3 answered with HTTP 200, then failed (an `<Error>` body). */
export interface FailedMultipartUpload {
  /** The upload did not complete; `CompleteMultipartUpload` may be retried (S3: for `InternalError`, `SlowDown`…). */
  readonly ok: false
  /** The error body. */
  readonly error: S3ErrorBody
}

/** What a `CompleteMultipartUpload` answer with HTTP 200 says: completed, or failed after all. */
export type CompleteMultipartUploadOutcome = CompletedMultipartUpload | FailedMultipartUpload

// =================================================================================================
// The request body
// =================================================================================================

/**
 * The body of a `CompleteMultipartUpload` request (`POST ?uploadId=…`), byte for byte what botocore sends for the same
 * parts: the parts sorted by part number (S3 refuses any other order), `&`, `<` and `>` escaped (`"` is not, as in
 * botocore), no XML declaration. Throws a `PresignError` (`InvalidOption`, field `parts` or `parts[i].etag`…) for no
 * parts or more than 10,000, a part number outside 1..10000 or given twice, or an ETag or checksum that is not 1 to
 * 1024 visible ASCII characters.
 *
 * @example
 * const body = completeMultipartUploadXml([{ partNumber: 2, etag: '"b54357faf0632cce46e942fa68356b38"' }, { partNumber: 1, etag: etag1 }])
 * // '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>…'
 * await fetch(completeUrl, { method: 'POST', body })
 */
export function completeMultipartUploadXml(parts: readonly CompletedPart[]): string {
  if (!Array.isArray(parts) || !parts.length || parts.length > MAX_PARTS) fail('InvalidOption', 'parts', 'must be an array of 1 to 10000 parts', parts)
  const seen = new Map<number, number>()
  const rows = Array.from(parts, (part: CompletedPart, i): [number, string] => {
    const field = `parts[${i}]`
    if (part === null || typeof part !== 'object') fail('InvalidOption', field, 'must be an object { partNumber, etag }', part)
    const n = part.partNumber
    if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) fail('InvalidOption', field + '.partNumber', 'must be an integer from 1 to 10000', n)
    if (seen.has(n)) fail('InvalidOption', field + '.partNumber', `repeats parts[${seen.get(n)}].partNumber`)
    seen.set(n, i)
    let xml = `<Part><PartNumber>${n}</PartNumber>`
    for (const name of ['ETag', ...CHECKSUM_ELEMENTS]) {
      const key = name === 'ETag' ? 'etag' : 'c' + name.slice(1)
      const value = (part as unknown as Record<string, unknown>)[key]
      if (value === undefined && key !== 'etag') continue
      if (typeof value !== 'string' || !/^[!-~]{1,1024}$/.test(value)) fail('InvalidOption', `${field}.${key}`, 'must be 1 to 1024 visible ASCII characters', value)
      xml += `<${name}>${value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))}</${name}>`
    }
    return [n, xml + '</Part>']
  })
  rows.sort((a, b) => a[0] - b[0])
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rows.map((r) => r[1]).join('')}</CompleteMultipartUpload>`
}

// =================================================================================================
// The reader: one linear pass into a tree of at most 3 levels
// =================================================================================================

interface XmlNode {
  readonly name: string
  /** The decoded text of an element without children; '' for one with children. */
  text: string
  readonly kids: XmlNode[]
}

// Every pattern is a character class loop, or a sequence of them with fixed separators: each match attempt is
// linear, and each is made once per position the parser reaches.
const BAD_CHAR = /[^\t\n\r -\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u
const BLANK = /^[ \t\r\n]*$/
const PROLOG = /^\ufeff?[ \t\r\n]*(?:<\?xml[ \t\r\n][^<>?]*\?>)?/
const START = /<[A-Za-z_:][\w.:-]*/y
const END = /<\/([A-Za-z_:][\w.:-]*)[ \t\r\n]*>/y
const ATTRIBUTE = /[ \t\r\n]+[A-Za-z_:][\w.:-]*[ \t\r\n]*=[ \t\r\n]*("[^"<]*"|'[^'<]*')/y
const TAG_END = /[ \t\r\n]*\/?>/y
const ENTITIES = /* @__PURE__ */ new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"]])

const TEXT = 'text outside the innermost elements'
const invalid = (message: string): never => fail('InvalidXml', 'xml', message)
const bad = (what: string, xml: string, at: number): never => invalid(`${what} at offset ${at}: ${JSON.stringify(xml.slice(at, at + 16))}`)
function sticky(re: RegExp, xml: string, at: number): RegExpExecArray | null {
  re.lastIndex = at
  return re.exec(xml)
}

/** The document's root element. Throws `InvalidXml` for anything but the flat, entity-free XML S3 sends. */
function parseTree(xml: string): XmlNode {
  if (typeof xml !== 'string' || xml.length > MAX_XML_LENGTH) fail('InvalidXml', 'xml', 'must be a string of at most 4 MiB', xml)
  const c = BAD_CHAR.exec(xml)
  if (c) bad('a character XML does not allow', xml, c.index)
  // A byte order mark, whitespace and the declaration (an unterminated one is left for startTag to refuse)
  let i = PROLOG.exec(xml)![0].length
  const stack: XmlNode[] = []
  let root: XmlNode | undefined
  let count = 0
  for (;;) {
    const lt = xml.indexOf('<', i)
    const text = lt < 0 ? xml.slice(i) : xml.slice(i, lt)
    const top = stack[stack.length - 1]
    if (top && !top.kids.length) {
      // XML 1.0 §2.4: "]]>" ends a CDATA section and nothing else; expat (botocore's parser) refuses it in text.
      const cdataEnd = text.indexOf(']]>')
      if (cdataEnd >= 0) bad('"]]>" in text', xml, i + cdataEnd)
      top.text = decode(text, xml, i)
    } else if (!BLANK.test(text)) bad(TEXT, xml, i)
    if (lt < 0) break
    if (root && !top) bad('markup after the root element', xml, lt)
    const end = sticky(END, xml, lt)
    if (end) {
      if (end[1] !== top?.name) bad('an end tag that closes no open element', xml, lt)
      stack.pop()
      i = END.lastIndex
      continue
    }
    const [node, after, open] = startTag(xml, lt)
    if (++count > MAX_XML_ELEMENTS || stack.length >= MAX_DEPTH) bad(count > MAX_XML_ELEMENTS ? `more than ${MAX_XML_ELEMENTS} elements` : `elements nested deeper than ${MAX_DEPTH}`, xml, lt)
    if (top) {
      if (!BLANK.test(top.text)) bad(TEXT, xml, lt)
      top.text = ''
      top.kids.push(node)
    } else root = node
    if (open) stack.push(node)
    i = after
  }
  return (!stack.length && root) || bad('a truncated or empty document', xml, xml.length)
}

/** The start tag at `lt`: [the element, the index after the tag, whether it stays open (not `<a/>`)]. */
function startTag(xml: string, lt: number): [XmlNode, number, boolean] {
  const name = sticky(START, xml, lt)?.[0].slice(1)
  let at = START.lastIndex
  for (let m: RegExpExecArray | null; name && (m = sticky(ATTRIBUTE, xml, at)); at = ATTRIBUTE.lastIndex) decode(m[1]!, xml, at + m[0].length - m[1]!.length)
  if (!name || !sticky(TAG_END, xml, at)) bad('a malformed tag, or markup that is not read (<!DOCTYPE, <!ENTITY, comments, CDATA, <?…?>)', xml, lt)
  const end = TAG_END.lastIndex
  return [{ name: name!, text: '', kids: [] }, end, xml[end - 2] !== '/']
}

/** Raw text (at offset `at` of `xml`) with its line ends normalized and its entity and character references replaced. */
function decode(raw: string, xml: string, at: number): string {
  const lines = raw.includes('\r') ? (text: string) => text.replace(/\r\n?/g, '\n') : (text: string) => text
  let out = ''
  let i = 0
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', i)) {
    const semi = raw.indexOf(';', amp)
    const name = semi < 0 ? '' : raw.slice(amp + 1, semi)
    const ref = ENTITIES.has(name) ? null : /^#(?:x([\da-fA-F]+)|(\d+))$/.exec(name)
    const cp = ref ? parseInt(ref[1] ?? ref[2]!, ref[1] ? 16 : 10) : 0
    const ch = ref ? (cp > 0x10ffff || BAD_CHAR.test(String.fromCodePoint(cp)) ? undefined : String.fromCodePoint(cp)) : ENTITIES.get(name)
    out += lines(raw.slice(i, amp)) + (ch ?? bad('an unknown entity or a reference to a character XML does not allow', xml, at + amp))
    i = semi + 1
  }
  return out + lines(raw.slice(i))
}

// =================================================================================================
// S3's documents
// =================================================================================================

function rootOf(xml: string, ...names: string[]): XmlNode {
  const root = parseTree(xml)
  if (!names.includes(root.name)) invalid(`the root element must be <${names.join('> or <')}>` + (root.name === 'Error' ? ': this is an S3 error body (parseS3Error reads it)' : ''))
  return root
}

/** The text of the one child `name` of `node` (undefined when absent); refuses two of them, or one with elements. */
function text(node: XmlNode, name: string, path: string, required?: boolean): string | undefined {
  const found = node.kids.filter((kid) => kid.name === name)
  if (found.length > 1 || found[0]?.kids.length || (required && !found.length)) invalid(`${path}/${name} must appear ${required ? '' : 'at most '}once, as text`)
  return found[0]?.text
}

/**
 * The text children of `node` named in `spec` (`Name` optional, `Name!` required, `Name#` a non-negative integer of
 * at most 15 digits), as `{ name: value }` (`ETag` as `etag`).
 */
function fields<T>(node: XmlNode, path: string, spec: string): T {
  const out: Record<string, string | number> = {}
  for (const item of spec.split(' ')) {
    const name = item.replace(/\W/g, '')
    const value = text(node, name, path, item.includes('!'))
    if (value === undefined) continue
    if (item.includes('#') && !/^\d{1,15}$/.test(value)) invalid(`${path}/${name} must be an integer, got ${JSON.stringify(value.slice(0, 16))}`)
    out[name === 'ETag' ? 'etag' : name[0]!.toLowerCase() + name.slice(1)] = item.includes('#') ? +value : value
  }
  return out as T
}

/** The checksum elements as a field spec (a function: bundles that never parse drop it and CHECKSUM_ELEMENTS). */
const checksumSpec = (): string => ' ' + CHECKSUM_ELEMENTS.join(' ')

function readError(root: XmlNode): S3ErrorBody {
  const body = fields<Omit<S3ErrorBody, 'details' | 'message'> & { message?: string }>(root, '/Error', 'Code! Message RequestId HostId')
  if (!body.code) invalid('/Error/Code is empty')
  const details: Record<string, string> = Object.create(null)
  for (const kid of root.kids) {
    if (kid.kids.length || /^(Code|Message|RequestId|HostId)$/.test(kid.name)) continue
    if (kid.name in details) invalid(`/Error/${kid.name} appears twice`)
    details[kid.name] = kid.text
  }
  return { ...body, message: body.message ?? '', details }
}

/**
 * Read S3's answer to `CreateMultipartUpload` (`<InitiateMultipartUploadResult>`). Throws a `PresignError`
 * (`InvalidXml`) for anything else, an `<Error>` body included (read that one with {@link parseS3Error}).
 *
 * @example
 * const response = await fetch(createUrl, { method: 'POST' })
 * const text = await response.text()
 * if (!response.ok) throw new Error(parseS3Error(text)?.code ?? `HTTP ${response.status}`)
 * const { uploadId } = parseInitiateMultipartUpload(text)
 */
export function parseInitiateMultipartUpload(xml: string): InitiatedMultipartUpload {
  const out = fields<InitiatedMultipartUpload>(rootOf(xml, 'InitiateMultipartUploadResult'), '/InitiateMultipartUploadResult', 'Bucket! Key! UploadId!')
  return out.uploadId ? out : invalid('/InitiateMultipartUploadResult/UploadId is empty')
}

/**
 * Read one `ListParts` page (`<ListPartsResult>`): the parts already uploaded, which is how an interrupted upload
 * resumes. Besides the document rules (see the module), it refuses a part without `PartNumber` (1..10000), `ETag` or
 * `Size`, parts out of ascending order or listed twice, a missing or non-boolean `IsTruncated`, and a truncated page
 * whose `NextPartNumberMarker` is missing or not above `PartNumberMarker` (a listing that would never end).
 *
 * @example
 * const parts: ListedPart[] = []
 * let page: ListPartsPage | undefined
 * do {
 *   const response = await fetch(await listPartsUrl({ partNumberMarker: page?.nextPartNumberMarker ?? 0 }))
 *   page = parseListParts(await response.text())
 *   parts.push(...page.parts)
 * } while (page.isTruncated)
 */
export function parseListParts(xml: string): ListPartsPage {
  const path = '/ListPartsResult'
  const root = rootOf(xml, 'ListPartsResult')
  const page = fields<Omit<ListPartsPage, 'isTruncated'> & { isTruncated: string }>(root, path, 'IsTruncated! NextPartNumberMarker# PartNumberMarker# MaxParts# Bucket Key UploadId StorageClass ChecksumAlgorithm ChecksumType')
  const { isTruncated: truncated, nextPartNumberMarker: next, partNumberMarker: marker = 0 } = page
  if (!/^(true|false)$/.test(truncated)) invalid(path + '/IsTruncated must be true or false')
  if (truncated === 'true' && !(next! > marker)) invalid(path + '/IsTruncated is true, but NextPartNumberMarker is missing or not above PartNumberMarker')
  const parts: ListedPart[] = []
  for (const node of root.kids) {
    if (node.name !== 'Part') continue
    const where = `${path}/Part[${parts.length + 1}]`
    const part = fields<ListedPart>(node, where, 'PartNumber!# ETag! Size!# LastModified' + checksumSpec())
    const n = part.partNumber
    if (n < 1 || n > MAX_PARTS || n <= (parts[parts.length - 1]?.partNumber ?? 0)) invalid(where + '/PartNumber must be from 1 to 10000, and above the previous part\'s')
    parts.push(part)
  }
  return { ...page, isTruncated: truncated === 'true', parts }
}

/**
 * Read S3's answer to `CompleteMultipartUpload`. S3 answers HTTP 200 as soon as it starts assembling, and when that
 * then fails, the body is an `<Error>` (AWS: "a 200 OK response can contain either a success or an error"), so the
 * result says which: `{ ok: true, etag, location, bucket, key, … }` or `{ ok: false, error }`. Throws a `PresignError`
 * (`InvalidXml`) for anything else, an empty or cut-off body included: botocore retries those like a 500, so should you.
 *
 * @example
 * const response = await fetch(completeUrl, { method: 'POST', body: completeMultipartUploadXml(parts) })
 * const text = await response.text()
 * if (!response.ok) throw new Error(parseS3Error(text)?.code ?? `HTTP ${response.status}`)
 * const outcome = parseCompleteMultipartUpload(text)
 * if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`) // InternalError: retry
 * console.log(outcome.etag) // '"3858f62230ac3c915f300c664312c11f-9"'
 */
export function parseCompleteMultipartUpload(xml: string): CompleteMultipartUploadOutcome {
  const root = rootOf(xml, 'CompleteMultipartUploadResult', 'Error')
  if (root.name === 'Error') return { ok: false, error: readError(root) }
  return { ...fields<CompletedMultipartUpload>(root, '/CompleteMultipartUploadResult', 'ETag! Location Bucket Key ChecksumType' + checksumSpec()), ok: true }
}

/**
 * Read an S3 error body (`<Error><Code>…</Code><Message>…</Message>…</Error>`), the body of S3's 4xx and 5xx
 * answers. Returns `undefined`, and never throws, for anything that is not a well-formed one within the rules of
 * the module (an empty body, a proxy's HTML page, a cut-off body, a DOCTYPE…), so it can sit in an error path.
 *
 * @example
 * const error = parseS3Error(await response.text())
 * // { code: 'NoSuchUpload', message: 'The specified upload does not exist…', requestId: '…', hostId: '…', details: { UploadId: '…' } }
 * if (error?.code === 'NoSuchUpload') startOver()
 */
export function parseS3Error(xml: string): S3ErrorBody | undefined {
  try {
    return readError(rootOf(xml, 'Error'))
  } catch {
    return undefined
  }
}
