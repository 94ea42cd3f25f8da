/**
 * The XML of S3 multipart uploads (src/s3/multipart-xml.ts):
 * - the CompleteMultipartUpload body is byte for byte botocore's (vectors/botocore-s3-multipart-xml.json `cases`, by
 *   scripts/gen-s3-multipart-xml-vectors.py from botocore's rest-xml serializer);
 * - the parsers read what botocore's rest-xml parser reads from the same bodies (the same file, `responses`), and
 *   AWS's documented example bodies, with and without the declaration, the namespace and whitespace;
 * - the rules of each document (required fields, part order, truncated listings, an <Error> in a 200) and of the
 *   builder (part numbers, ETags), and round trips.
 * Hostile input (DOCTYPE, entities, nesting, size, linear time) is in multipart-xml-hostile.test.ts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import {
  type CompletedPart,
  MAX_XML_LENGTH,
  completeMultipartUploadXml,
  parseCompleteMultipartUpload,
  parseInitiateMultipartUpload,
  parseListParts,
  parseS3Error,
} from '../../src/s3/multipart-xml.js'
import { projectRoot } from '../helpers/suite.js'

interface BuildCase {
  name: string
  parts: CompletedPart[]
  body: string
}
interface ResponseCase {
  name: string
  kind: string
  body: string
  expected: unknown
}
const vectors = JSON.parse(readFileSync(join(projectRoot, 'vectors', 'botocore-s3-multipart-xml.json'), 'utf8')) as {
  botocore: string
  cases: BuildCase[]
  responses: ResponseCase[]
}

/** Expect `fn` to throw a PresignError with `code` and `field`; returns its message. */
function refused(fn: () => unknown, code = 'InvalidXml', field = 'xml'): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(PresignError)
    expect((e as PresignError).code).toBe(code)
    expect((e as PresignError).field).toBe(field)
    return (e as PresignError).message
  }
  throw new Error('expected a PresignError')
}

// =================================================================================================
// AWS's documented examples (Amazon S3 API Reference: CreateMultipartUpload, ListParts, CompleteMultipartUpload,
// Error responses), written out here
// =================================================================================================

const AWS_INITIATE = `<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket>
  <Key>example-object</Key>
  <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
</InitiateMultipartUploadResult>`

const AWS_LIST_PARTS = `<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket>
  <Key>example-object</Key>
  <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
  <Initiator>
      <ID>arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx</ID>
      <DisplayName>umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx</DisplayName>
  </Initiator>
  <Owner>
    <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
    <DisplayName>someName</DisplayName>
  </Owner>
  <StorageClass>STANDARD</StorageClass>
  <PartNumberMarker>1</PartNumberMarker>
  <NextPartNumberMarker>3</NextPartNumberMarker>
  <MaxParts>2</MaxParts>
  <IsTruncated>true</IsTruncated>
  <Part>
    <PartNumber>2</PartNumber>
    <LastModified>2010-11-10T20:48:34.000Z</LastModified>
    <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag>
    <Size>10485760</Size>
  </Part>
  <Part>
    <PartNumber>3</PartNumber>
    <LastModified>2010-11-10T20:48:33.000Z</LastModified>
    <ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag>
    <Size>10485760</Size>
  </Part>
</ListPartsResult>`

const AWS_COMPLETE = `<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>http://Example-Bucket.s3.region.amazonaws.com/Example-Object</Location>
  <Bucket>Example-Bucket</Bucket>
  <Key>Example-Object</Key>
  <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
</CompleteMultipartUploadResult>`

/** The documented answer of a CompleteMultipartUpload that fails after its 200 (with S3's keep-alive whitespace). */
const AWS_COMPLETE_ERROR = `<?xml version="1.0" encoding="UTF-8"?>

<Error>
  <Code>InternalError</Code>
  <Message>We encountered an internal error. Please try again.</Message>
  <RequestId>656c76696e6727732072657175657374</RequestId>
  <HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId>
</Error>`

const AWS_NO_SUCH_KEY = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>`

const LISTED = {
  bucket: 'example-bucket',
  key: 'example-object',
  uploadId: 'XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA',
  storageClass: 'STANDARD',
  partNumberMarker: 1,
  nextPartNumberMarker: 3,
  maxParts: 2,
  isTruncated: true,
  parts: [
    { partNumber: 2, lastModified: '2010-11-10T20:48:34.000Z', etag: '"7778aef83f66abc1fa1e8477f296d394"', size: 10485760 },
    { partNumber: 3, lastModified: '2010-11-10T20:48:33.000Z', etag: '"aaaa18db4cc2f85cedef654fccc4a4x8"', size: 10485760 },
  ],
}

/** The same document spelled the other ways S3 and S3-compatible servers write it. */
function variants(xml: string): Array<[string, string]> {
  const bare = xml.replace(/^<\?xml[^>]*>\s*/, '')
  return [
    ['as documented', xml],
    ['without the declaration', bare],
    ['without the namespace', xml.replace(/ xmlns="[^"]*"/, '')],
    ['without whitespace between elements', xml.replace(/>\s+</g, '><')],
    ['with CRLF line ends', xml.replace(/\n/g, '\r\n')],
    ['with tabs', xml.replace(/\n +/g, '\n\t')],
    ["with a single-quoted declaration (Swift's lxml)", "<?xml version='1.0' encoding='UTF-8'?>\n" + bare],
    ['with standalone="yes"', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + bare],
    ['after a byte order mark', '\ufeff' + xml],
    ["after S3's keep-alive whitespace", ' '.repeat(3000) + '\n\n' + xml],
    ['with keep-alive whitespace after the declaration', xml.replace('?>', '?>' + ' \n'.repeat(500))],
    ['with a trailing newline', xml + '\n'],
    ['with a namespace prefix declared', xml.replace(/ xmlns="/, ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="')],
    ['with the ETag quotes as &quot;', xml.replace(/<ETag>"([^"<]*)"<\/ETag>/g, '<ETag>&quot;$1&quot;</ETag>')],
    ['with character references', xml.replace(/<Bucket>e/g, '<Bucket>&#101;').replace(/<Bucket>E/g, '<Bucket>&#x45;')],
  ]
}

describe("AWS's documented bodies", () => {
  test.each(variants(AWS_INITIATE))('CreateMultipartUpload, %s', (_, xml) => {
    expect(parseInitiateMultipartUpload(xml)).toEqual({
      bucket: 'example-bucket',
      key: 'example-object',
      uploadId: 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA',
    })
  })
  test.each(variants(AWS_LIST_PARTS))('ListParts, %s', (_, xml) => {
    expect(parseListParts(xml)).toEqual(LISTED)
  })
  test.each(variants(AWS_COMPLETE))('CompleteMultipartUpload, %s', (_, xml) => {
    expect(parseCompleteMultipartUpload(xml)).toEqual({
      ok: true,
      location: 'http://Example-Bucket.s3.region.amazonaws.com/Example-Object',
      bucket: 'Example-Bucket',
      key: 'Example-Object',
      etag: '"3858f62230ac3c915f300c664312c11f-9"',
    })
  })
  const internalError = {
    code: 'InternalError',
    message: 'We encountered an internal error. Please try again.',
    requestId: '656c76696e6727732072657175657374',
    hostId: 'Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==',
    details: {},
  }
  test.each(variants(AWS_COMPLETE_ERROR))('CompleteMultipartUpload: an <Error> in a 200, %s', (_, xml) => {
    expect(parseCompleteMultipartUpload(xml)).toEqual({ ok: false, error: internalError })
    expect(parseS3Error(xml)).toEqual(internalError)
  })
  test.each(variants(AWS_NO_SUCH_KEY))('an error body, %s', (_, xml) => {
    expect(parseS3Error(xml)).toEqual({
      code: 'NoSuchKey',
      message: 'The resource you requested does not exist',
      requestId: '4442587FB7D0A2F9',
      details: { Resource: '/mybucket/myfoto.jpg' },
    })
  })
  test('the parsers refuse each other\'s documents, and say where an <Error> goes', () => {
    expect(refused(() => parseInitiateMultipartUpload(AWS_LIST_PARTS))).toContain('<InitiateMultipartUploadResult>')
    expect(refused(() => parseListParts(AWS_COMPLETE))).toContain('<ListPartsResult>')
    expect(refused(() => parseCompleteMultipartUpload(AWS_INITIATE))).toContain('<CompleteMultipartUploadResult> or <Error>')
    expect(refused(() => parseListParts(AWS_NO_SUCH_KEY))).toContain('parseS3Error')
    expect(refused(() => parseInitiateMultipartUpload(AWS_COMPLETE_ERROR))).toContain('parseS3Error')
    for (const xml of [AWS_INITIATE, AWS_LIST_PARTS, AWS_COMPLETE]) expect(parseS3Error(xml)).toBeUndefined()
  })
})

// =================================================================================================
// botocore
// =================================================================================================

describe(`CompleteMultipartUpload bodies: byte for byte botocore ${vectors.botocore}'s rest-xml serializer`, () => {
  test.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(completeMultipartUploadXml(c.parts)).toBe(c.body)
  })
  test('the cases cover shuffled input, every checksum, part 10000, 100+ parts and the escaped characters', () => {
    const all = vectors.cases.flatMap((c) => c.parts)
    expect(vectors.cases.length).toBeGreaterThanOrEqual(100)
    expect(vectors.cases.filter((c) => c.parts.some((p, i) => i && p.partNumber < c.parts[i - 1]!.partNumber)).length).toBeGreaterThan(30)
    for (const c of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128']) {
      expect(all.some((p) => (p as unknown as Record<string, unknown>)['checksum' + c] !== undefined), c).toBe(true)
    }
    expect(all.some((p) => p.partNumber === 10000)).toBe(true)
    expect(Math.max(...vectors.cases.map((c) => c.parts.length))).toBeGreaterThanOrEqual(100)
    for (const ch of ['&', '<', '>', '"', "'"]) expect(all.some((p) => p.etag.includes(ch)), ch).toBe(true)
    expect(vectors.cases.some((c) => c.body.includes('&amp;') && c.body.includes('&lt;') && c.body.includes('&gt;'))).toBe(true)
  })
})

describe(`responses: what botocore ${vectors.botocore}'s rest-xml parser reads`, () => {
  const read = (kind: string, body: string): unknown =>
    kind === 'initiate'
      ? parseInitiateMultipartUpload(body)
      : kind === 'list-parts'
        ? parseListParts(body)
        : kind === 'error'
          ? parseS3Error(body)
          : parseCompleteMultipartUpload(body)
  test.each(vectors.responses.map((r) => [r.name, r] as const))('%s', (_, r) => {
    const kind = r.kind.replace('truncated ', '')
    if (r.expected !== null) expect(read(kind, r.body)).toEqual(r.expected)
    else if (kind === 'error') expect(parseS3Error(r.body)).toBeUndefined()
    else refused(() => read(kind, r.body))
  })
  test('the responses cover every kind, entities, character references, CRLF, keep-alive whitespace and cut-off bodies', () => {
    const kinds = new Set(vectors.responses.map((r) => r.kind))
    for (const k of ['initiate', 'list-parts', 'complete', 'complete-error', 'error']) expect(kinds.has(k), k).toBe(true)
    expect(vectors.responses.filter((r) => r.kind.startsWith('truncated') && r.expected === null).length).toBeGreaterThan(10)
    const bodies = vectors.responses.map((r) => r.body).join('')
    for (const s of ['&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#x', '&#0', '\r\n', '<?xml', "<?xml version='1.0'", '/>']) expect(bodies, s).toContain(s)
    expect(vectors.responses.some((r) => r.kind === 'list-parts' && (r.expected as { isTruncated: boolean }).isTruncated)).toBe(true)
  })
})

// =================================================================================================
// The builder
// =================================================================================================

/** The parts a CompleteMultipartUpload body lists, read back with a pattern (the body's shape is fixed). */
function partsOf(body: string): CompletedPart[] {
  expect(body.startsWith('<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')).toBe(true)
  expect(body.endsWith('</CompleteMultipartUpload>')).toBe(true)
  const decodeText = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  return [...body.matchAll(/<Part><PartNumber>(\d+)<\/PartNumber>((?:<(\w+)>[^<]*<\/\3>)*)<\/Part>/g)].map((m) => {
    const part: Record<string, unknown> = { partNumber: Number(m[1]) }
    for (const [, name, value] of m[2]!.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) part[name === 'ETag' ? 'etag' : 'c' + name!.slice(1)] = decodeText(value!)
    return part as unknown as CompletedPart
  })
}

describe('completeMultipartUploadXml', () => {
  test('sorts the parts, escapes & < > (not quotes), and writes the checksums after the ETag', () => {
    const body = completeMultipartUploadXml([
      { partNumber: 3, etag: '"c"', checksumSHA256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', checksumCRC32: 'AAAAAA==' },
      { partNumber: 1, etag: '"a&b<c>d\'e"' },
      { partNumber: 2, etag: 'W/"b"' },
    ])
    expect(body).toBe(
      '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Part><PartNumber>1</PartNumber><ETag>"a&amp;b&lt;c&gt;d\'e"</ETag></Part>' +
        '<Part><PartNumber>2</PartNumber><ETag>W/"b"</ETag></Part>' +
        '<Part><PartNumber>3</PartNumber><ETag>"c"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32><ChecksumSHA256>n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=</ChecksumSHA256></Part>' +
        '</CompleteMultipartUpload>',
    )
  })
  test('10,000 parts (S3 most), in any order, round trip', () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => ({ partNumber: ((i * 7919) % 10_000) + 1, etag: `"${(i * 2654435761).toString(16).padStart(32, '0')}"` }))
    const back = partsOf(completeMultipartUploadXml(parts))
    expect(back).toEqual([...parts].sort((a, b) => a.partNumber - b.partNumber))
    expect(back[0]!.partNumber).toBe(1)
    expect(back.at(-1)!.partNumber).toBe(10_000)
  })
  test('does not change its input', () => {
    const parts = Object.freeze([Object.freeze({ partNumber: 2, etag: 'b' }), Object.freeze({ partNumber: 1, etag: 'a' })])
    completeMultipartUploadXml(parts)
    expect(parts.map((p) => p.partNumber)).toEqual([2, 1])
  })
  test.each([
    ['no parts', [], 'parts'],
    ['10,001 parts', Array.from({ length: 10_001 }, (_, i) => ({ partNumber: (i % 10_000) + 1, etag: 'e' })), 'parts'],
    ['not an array', { 0: { partNumber: 1, etag: 'e' }, length: 1 }, 'parts'],
    ['a hole', [, { partNumber: 1, etag: 'e' }], 'parts[0]'],
    ['null', [null], 'parts[0]'],
    ['part number 0', [{ partNumber: 0, etag: 'e' }], 'parts[0].partNumber'],
    ['part number 10001', [{ partNumber: 10_001, etag: 'e' }], 'parts[0].partNumber'],
    ['part number 1.5', [{ partNumber: 1.5, etag: 'e' }], 'parts[0].partNumber'],
    ['part number "1"', [{ partNumber: '1', etag: 'e' }], 'parts[0].partNumber'],
    ['part number NaN', [{ partNumber: Number.NaN, etag: 'e' }], 'parts[0].partNumber'],
    ['a part number twice', [{ partNumber: 1, etag: 'a' }, { partNumber: 2, etag: 'b' }, { partNumber: 1, etag: 'c' }], 'parts[2].partNumber'],
    ['no ETag', [{ partNumber: 1 }], 'parts[0].etag'],
    ['an empty ETag', [{ partNumber: 1, etag: '' }], 'parts[0].etag'],
    ['an ETag with a space', [{ partNumber: 1, etag: '"a b"' }], 'parts[0].etag'],
    ['an ETag with a newline', [{ partNumber: 1, etag: '"a"\n' }], 'parts[0].etag'],
    ['a non-ASCII ETag', [{ partNumber: 1, etag: '"é"' }], 'parts[0].etag'],
    ['an ETag of 1025 characters', [{ partNumber: 1, etag: 'a'.repeat(1025) }], 'parts[0].etag'],
    ['a null checksum', [{ partNumber: 1, etag: 'e', checksumCRC32: null }], 'parts[0].checksumCRC32'],
    ['a checksum with a NUL', [{ partNumber: 1, etag: 'e', checksumSHA256: 'a\0' }], 'parts[0].checksumSHA256'],
  ] as const)('refuses %s (InvalidOption, field %s)', (_, parts, field) => {
    const message = refused(() => completeMultipartUploadXml(parts as unknown as CompletedPart[]), 'InvalidOption', field)
    expect(message.length).toBeLessThan(200)
  })
  test('the duplicate message names the first part with that number', () => {
    expect(refused(() => completeMultipartUploadXml([{ partNumber: 7, etag: 'a' }, { partNumber: 7, etag: 'b' }]), 'InvalidOption', 'parts[1].partNumber')).toContain('parts[0]')
  })
  test('an ETag of 1024 characters and every visible ASCII character are written', () => {
    const visible = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('')
    for (const etag of ['a'.repeat(1024), visible]) expect(partsOf(completeMultipartUploadXml([{ partNumber: 1, etag }]))).toEqual([{ partNumber: 1, etag }])
  })
})

// =================================================================================================
// The parsers' rules
// =================================================================================================

const listParts = (inner: string) => `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</ListPartsResult>`
const part = (n: number | string, extra = '') => `<Part><PartNumber>${n}</PartNumber><ETag>"e${n}"</ETag><Size>5</Size>${extra}</Part>`

describe('parseListParts', () => {
  test('an empty upload, a last page, unknown and new elements (read forward-compatibly), checksums', () => {
    expect(parseListParts(listParts('<IsTruncated>false</IsTruncated>'))).toEqual({ isTruncated: false, parts: [] })
    const page = parseListParts(
      listParts(
        '<Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker>' +
          '<MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType>' +
          '<SomethingNew attr="1"><Deeper>x</Deeper></SomethingNew><EncodingType>url</EncodingType>' +
          part(1, '<ChecksumCRC32>AAAAAA==</ChecksumCRC32><NewField/>') +
          part(2, '<ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME><ChecksumXXHASH128>AAAAAAAAAAAAAAAAAAAAAA==</ChecksumXXHASH128>'),
      ),
    )
    expect(page).toEqual({
      bucket: 'b',
      key: 'k',
      uploadId: 'u',
      partNumberMarker: 0,
      nextPartNumberMarker: 2,
      maxParts: 1000,
      isTruncated: false,
      checksumAlgorithm: 'CRC32',
      checksumType: 'COMPOSITE',
      parts: [
        { partNumber: 1, etag: '"e1"', size: 5, checksumCRC32: 'AAAAAA==' },
        { partNumber: 2, etag: '"e2"', size: 5, checksumCRC64NVME: 'AAAAAAAAAAA=', checksumXXHASH128: 'AAAAAAAAAAAAAAAAAAAAAA==' },
      ],
    })
  })
  test('sizes up to 15 digits, part numbers 1 and 10000', () => {
    const page = parseListParts(listParts('<IsTruncated>false</IsTruncated>' + part(1).replace('<Size>5', '<Size>999999999999999') + part(10000).replace('<Size>5', '<Size>0')))
    expect(page.parts.map((p) => [p.partNumber, p.size])).toEqual([[1, 999_999_999_999_999], [10000, 0]])
  })
  test.each([
    ['no IsTruncated', part(1), 'IsTruncated'],
    ['IsTruncated TRUE', '<IsTruncated>TRUE</IsTruncated>', 'IsTruncated'],
    ['IsTruncated 1', '<IsTruncated>1</IsTruncated>', 'IsTruncated'],
    ['two IsTruncated', '<IsTruncated>false</IsTruncated><IsTruncated>true</IsTruncated>', 'IsTruncated'],
    ['truncated without NextPartNumberMarker', '<IsTruncated>true</IsTruncated>' + part(1), 'NextPartNumberMarker'],
    ['truncated with NextPartNumberMarker 0', '<IsTruncated>true</IsTruncated><NextPartNumberMarker>0</NextPartNumberMarker>', 'NextPartNumberMarker'],
    ['truncated, next marker = marker', '<IsTruncated>true</IsTruncated><PartNumberMarker>5</PartNumberMarker><NextPartNumberMarker>5</NextPartNumberMarker>', 'NextPartNumberMarker'],
    ['a marker that is not a number', '<IsTruncated>false</IsTruncated><NextPartNumberMarker>x</NextPartNumberMarker>', 'NextPartNumberMarker'],
    ['a negative marker', '<IsTruncated>false</IsTruncated><PartNumberMarker>-1</PartNumberMarker>', 'PartNumberMarker'],
    ['an empty MaxParts', '<IsTruncated>false</IsTruncated><MaxParts/>', 'MaxParts'],
    ['a part without PartNumber', '<IsTruncated>false</IsTruncated><Part><ETag>e</ETag><Size>1</Size></Part>', 'Part[1]/PartNumber'],
    ['a part without ETag', '<IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><Size>1</Size></Part>', 'Part[1]/ETag'],
    ['a part without Size', '<IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>', 'Part[1]/Size'],
    ['part number 0', '<IsTruncated>false</IsTruncated>' + part(0), 'Part[1]/PartNumber'],
    ['part number 10001', '<IsTruncated>false</IsTruncated>' + part(10001), 'Part[1]/PartNumber'],
    ['part number 1e3', '<IsTruncated>false</IsTruncated>' + part('1e3'), 'Part[1]/PartNumber'],
    ['part number " 1"', '<IsTruncated>false</IsTruncated>' + part(' 1'), 'Part[1]/PartNumber'],
    ['part number ١ (Arabic-Indic)', '<IsTruncated>false</IsTruncated>' + part('١'), 'Part[1]/PartNumber'],
    ['a size of 16 digits', '<IsTruncated>false</IsTruncated>' + part(1).replace('<Size>5', '<Size>9007199254740993'), 'Part[1]/Size'],
    ['a size of -1', '<IsTruncated>false</IsTruncated>' + part(1).replace('<Size>5', '<Size>-1'), 'Part[1]/Size'],
    ['parts out of order', '<IsTruncated>false</IsTruncated>' + part(2) + part(1), 'Part[2]/PartNumber'],
    ['a part listed twice', '<IsTruncated>false</IsTruncated>' + part(1) + part(1), 'Part[2]/PartNumber'],
    ['two ETags in a part', '<IsTruncated>false</IsTruncated>' + part(1, '<ETag>x</ETag>'), 'Part[1]/ETag'],
    ['a Key with elements', '<IsTruncated>false</IsTruncated><Key><a/></Key>', 'Key'],
  ])('refuses %s', (_, inner, where) => {
    expect(refused(() => parseListParts(listParts(inner)))).toContain(where)
  })
  test('a page and the next, as the uploader walks them', () => {
    const first = parseListParts(listParts('<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><IsTruncated>true</IsTruncated>' + part(1) + part(2)))
    const second = parseListParts(listParts(`<PartNumberMarker>${first.nextPartNumberMarker}</PartNumberMarker><NextPartNumberMarker>3</NextPartNumberMarker><IsTruncated>false</IsTruncated>` + part(3)))
    expect([...first.parts, ...second.parts].map((p) => p.partNumber)).toEqual([1, 2, 3])
  })
})

describe('parseInitiateMultipartUpload', () => {
  const initiate = (inner: string) => `<InitiateMultipartUploadResult>${inner}</InitiateMultipartUploadResult>`
  test('the fields in any order; the key as text, entities decoded', () => {
    expect(parseInitiateMultipartUpload(initiate('<UploadId>u</UploadId><Key>a &amp; b/&lt;c&gt; &#x1F600; &#233;</Key><Bucket>b</Bucket>'))).toEqual({
      bucket: 'b',
      key: 'a & b/<c> 😀 é',
      uploadId: 'u',
    })
  })
  test.each([
    ['no UploadId', '<Bucket>b</Bucket><Key>k</Key>', 'UploadId'],
    ['an empty UploadId', '<Bucket>b</Bucket><Key>k</Key><UploadId></UploadId>', 'UploadId'],
    ['two UploadIds', '<Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><UploadId>v</UploadId>', 'UploadId'],
    ['no Bucket', '<Key>k</Key><UploadId>u</UploadId>', 'Bucket'],
    ['no Key', '<Bucket>b</Bucket><UploadId>u</UploadId>', 'Key'],
    ['text in the root', 'x<Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>', 'text'],
  ])('refuses %s', (_, inner, where) => {
    expect(refused(() => parseInitiateMultipartUpload(initiate(inner)))).toContain(where)
  })
})

describe('parseCompleteMultipartUpload', () => {
  test('the checksums and ChecksumType of a completed upload', () => {
    const outcome = parseCompleteMultipartUpload(
      '<CompleteMultipartUploadResult><ETag>"e-2"</ETag><ChecksumCRC32>AAAAAA==-2</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>',
    )
    expect(outcome).toEqual({ ok: true, etag: '"e-2"', checksumCRC32: 'AAAAAA==-2', checksumType: 'COMPOSITE' })
    if (outcome.ok) expect(outcome.etag).toBe('"e-2"') // the union narrows on ok
  })
  test('an empty, blank or cut-off 200 body is InvalidXml (retry it, as botocore does)', () => {
    for (const body of ['', ' '.repeat(100), '<?xml version="1.0" encoding="UTF-8"?>\n   ', AWS_COMPLETE.slice(0, -10), AWS_COMPLETE_ERROR.slice(0, 120)]) {
      refused(() => parseCompleteMultipartUpload(body))
    }
  })
  test('refuses a result without ETag, and an <Error> without Code', () => {
    expect(refused(() => parseCompleteMultipartUpload('<CompleteMultipartUploadResult><Key>k</Key></CompleteMultipartUploadResult>'))).toContain('ETag')
    expect(refused(() => parseCompleteMultipartUpload('<Error><Message>m</Message></Error>'))).toContain('Code')
    expect(refused(() => parseCompleteMultipartUpload('<Error><Code></Code></Error>'))).toContain('Code')
  })
})

describe('parseS3Error', () => {
  test('SignatureDoesNotMatch: every field, S3\'s string to sign and canonical request in details', () => {
    const xml =
      '<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>' +
      '<AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nabc</StringToSign>' +
      '<SignatureProvided>aeeed9bb</SignatureProvided><CanonicalRequest>GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&amp;X-Amz-Date=20130524T000000Z\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest>' +
      '<RequestId>4442587FB7D0A2F9</RequestId><HostId>h==</HostId></Error>'
    const error = parseS3Error(xml)!
    expect(error).toEqual({
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      requestId: '4442587FB7D0A2F9',
      hostId: 'h==',
      details: {
        AWSAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        StringToSign: 'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nabc',
        SignatureProvided: 'aeeed9bb',
        CanonicalRequest: 'GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20130524T000000Z\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD',
      },
    })
    expect(Object.getPrototypeOf(error.details)).toBeNull()
  })
  test('details has no prototype: an element named __proto__ or constructor is just a detail', () => {
    const error = parseS3Error('<Error><Code>X</Code><__proto__>p</__proto__><constructor>c</constructor><toString>t</toString></Error>')!
    expect(Object.keys(error.details)).toEqual(['__proto__', 'constructor', 'toString'])
    expect(error.details['__proto__']).toBe('p')
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
  test('no Message is an empty message; a namespace on <Error> is accepted; containers are not details', () => {
    expect(parseS3Error('<Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Code>SlowDown</Code><Nested><A>1</A></Nested></Error>')).toEqual({ code: 'SlowDown', message: '', details: {} })
  })
  test.each([
    ['an empty body', ''],
    ['a blank body', ' \n '],
    ['plain text', 'Service Unavailable'],
    ["a proxy's HTML page", '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'],
    ['an HTML page with a DOCTYPE', '<!DOCTYPE html><html><body>x</body></html>'],
    ['JSON', '{"__type":"AccessDeniedException","message":"no"}'],
    ['another document', AWS_INITIATE],
    ['a cut-off error', AWS_NO_SUCH_KEY.slice(0, 80)],
    ['an error without Code', '<Error><Message>m</Message></Error>'],
    ['an error with two Codes', '<Error><Code>A</Code><Code>B</Code></Error>'],
    ['an error with a detail twice', '<Error><Code>A</Code><Key>a</Key><Key>b</Key></Error>'],
    ['an error with an entity', '<!DOCTYPE Error [<!ENTITY x "y">]><Error><Code>&x;</Code></Error>'],
    ['not a string', 42],
    ['null', null],
  ])('%s is not one: undefined, no throw', (_, xml) => {
    expect(parseS3Error(xml as string)).toBeUndefined()
  })
})

describe('messages', () => {
  test('say where and what, with at most 16 characters of the input, escaped', () => {
    const secret = 'x'.repeat(10) + 'SECRETSECRETSECRETSECRET'
    for (const xml of [`<Error><Code>${secret}&bogus;${secret}</Code></Error>`, `<Error>${secret}<Code/></Error>`, `<Error><Code>\u0000${secret}</Code></Error>`, `<${secret}`]) {
      const message = refused(() => parseCompleteMultipartUpload(xml))
      expect(message).toMatch(/ at offset \d+: "/)
      expect(message).not.toContain('SECRETSECRET')
      expect(message.length).toBeLessThan(220)
    }
    expect(refused(() => parseListParts('<a>\u0001</a>'))).toContain('"\\u0001</a>"')
  })
  test('a long root name is cut in the message', () => {
    const message = refused(() => parseListParts(`<${'n'.repeat(100_000)}/>`))
    expect(message.length).toBeLessThan(300)
  })
  test('input over MAX_XML_LENGTH is refused before it is read; exactly the limit is read', () => {
    const doc = '<Error><Code>A</Code></Error>'
    expect(parseS3Error(doc + ' '.repeat(MAX_XML_LENGTH - doc.length))).toEqual({ code: 'A', message: '', details: {} })
    expect(refused(() => parseCompleteMultipartUpload(doc + ' '.repeat(MAX_XML_LENGTH - doc.length + 1)))).toContain('4 MiB')
  })
})
