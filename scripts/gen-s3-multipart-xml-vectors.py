#!/usr/bin/env python3
"""Generate vectors for the XML of S3 multipart uploads from botocore's rest-xml serializer and parser.

What it generates
-----------------
``vectors/botocore-s3-multipart-xml.json``, read by test/s3/multipart-xml.test.ts, with two lists:

* ``cases``: seeded, random ``CompleteMultipartUpload`` request bodies. Each case holds ``parts`` (the input of
  ``completeMultipartUploadXml``: camelCase keys, in a shuffled order) and ``body``, the bytes (as UTF-8 text)
  botocore's serializer (``botocore.serialize.create_serializer('rest-xml')`` on the S3 model's
  ``CompleteMultipartUpload``) writes for the same parts. The parameters are first checked by botocore's
  ``ParamValidator`` against the model, and each body is read back with ElementTree to the same parts.
* ``responses``: seeded, random bodies of ``CreateMultipartUpload``, ``ListParts`` and ``CompleteMultipartUpload``
  answers and S3 error bodies, each with ``expected``: what botocore's rest-xml parser reads from it, in the shape of
  the library's parsers (camelCase keys; ``etag`` for ``ETag``). The text in them mixes the five predefined entities,
  decimal and hexadecimal character references, non-ASCII characters, CRLF line ends and whitespace between
  elements; the XML declaration, the namespace and indentation vary. ``truncated`` responses are cut-off copies of
  the others; ``expected`` is ``null`` when botocore cannot parse one (it retries those like a 500).

The botocore behaviours this script steers around
-------------------------------------------------
* The serializer writes the members of a part in the order of the parameter dict, not of the model, and does not
  sort the parts: the script passes ``PartNumber``, ``ETag``, then the checksums in the model's order, with the parts
  sorted by number, which is what ``completeMultipartUploadXml`` writes (S3 requires ascending part numbers).
* botocore parses ``LastModified`` into a datetime; the library returns S3's text, so ``expected`` holds the text
  and the script checks that botocore's datetime is that instant.
* botocore's error parser drops ``RequestId`` and ``HostId`` from the error (it takes them from the response
  headers); ``expected`` takes them from the generated body, and the other fields from botocore.
* A ``CompleteMultipartUpload`` answer with status 200 and an ``<Error>`` body is detected by
  ``botocore.handlers._looks_like_special_case_error`` (which the script asserts), and then parsed as an error.
* expat refuses whitespace before the XML declaration, so the bodies put S3's keep-alive whitespace after it (the
  tests add the case of whitespace before it).
"""
import datetime
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, __import__('os').path.dirname(__file__))
from oracle_common import SeededGen, random_s3_key, vectors_document, write_vectors_json  # noqa: E402

SEED = 1801
BUILD_CASES = 100
RESPONSE_CASES = 160
NS = 'http://s3.amazonaws.com/doc/2006-03-01/'
CHECKSUMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128']
CHECKSUM_BYTES = {'CRC32': 4, 'CRC32C': 4, 'CRC64NVME': 8, 'SHA1': 20, 'SHA256': 32, 'SHA512': 64, 'MD5': 16,
                  'XXHASH64': 8, 'XXHASH3': 8, 'XXHASH128': 16}
VISIBLE = ''.join(chr(c) for c in range(0x21, 0x7F))
TEXT_ALPHABET = 'abcXYZ019 +_-~=%!()*,;:@$/&<>"\'éß日本😀\t\n'
ERRORS = [
    ('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', ['UploadId']),
    ('InvalidPart', 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', ['UploadId', 'PartNumber', 'ETag']),
    ('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', ['UploadId']),
    ('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', ['ProposedSize', 'MinSizeAllowed', 'PartNumber', 'ETag']),
    ('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', ['AWSAccessKeyId', 'StringToSign', 'SignatureProvided', 'StringToSignBytes', 'CanonicalRequest', 'CanonicalRequestBytes']),
    ('AccessDenied', 'Request has expired', ['X-Amz-Expires', 'Expires', 'ServerTime']),
    ('InternalError', 'We encountered an internal error. Please try again.', []),
    ('SlowDown', 'Please reduce your request rate.', []),
    ('NoSuchBucket', 'The specified bucket does not exist', ['BucketName']),
    ('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', []),
]


class Gen(SeededGen):
    def b64(self, n):
        import base64
        return base64.b64encode(bytes(self.r.randrange(256) for _ in range(n))).decode('ascii')

    def hexid(self, n=32):
        return ''.join(self.r.choice('0123456789abcdef') for _ in range(n))

    def etag(self):
        x = self.r.random()
        if x < 0.55:
            return '"%s"' % self.hexid()
        if x < 0.7:
            return '"%s-%d"' % (self.hexid(), self.r.randint(2, 10000))
        if x < 0.8:
            return self.hexid()
        if x < 0.85:
            return 'W/"%s"' % self.hexid(8)
        return self.word(1, 40, VISIBLE)  # any visible ASCII: & < > " ' included

    def checksum(self, alg):
        return self.b64(CHECKSUM_BYTES[alg]) if self.r.random() < 0.9 else self.word(1, 30, VISIBLE)

    def text(self, n1=0, n2=24):
        return ''.join(self.r.choice(TEXT_ALPHABET) for _ in range(self.r.randint(n1, n2)))

    def escape(self, text):
        """``text`` as XML character data, each character spelled one of the ways XML allows, picked at random."""
        out = []
        for ch in text:
            x = self.r.random()
            if ch in '&<' or (x < 0.15 and ch in '>"\''):
                named = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}[ch]
                out.append(self.r.choice([named, named, '&#%d;' % ord(ch), '&#x%X;' % ord(ch), '&#x%x;' % ord(ch)]))
            elif x < 0.03:
                out.append(self.r.choice(['&#%d;', '&#x%X;', '&#x%04x;', '&#000%d;']) % ord(ch))
            elif ch == '\n' and x < 0.5:
                out.append(self.r.choice(['\r\n', '\r']))
            else:
                out.append(ch)
        return ''.join(out)


def completed_parts(g):
    """Random parts: (our input in a shuffled order, botocore's Parts sorted by number)."""
    r = g.r
    x = r.random()
    n = 1 if x < 0.1 else r.randint(2, 8) if x < 0.85 else r.randint(9, 30) if x < 0.98 else r.randint(100, 150)
    numbers = list(range(1, n + 1)) if r.random() < 0.4 else r.sample(range(1, 10001), n)
    if r.random() < 0.15:
        numbers[r.randrange(n)] = 10000 if 10000 not in numbers else numbers[0]
    numbers = sorted(set(numbers))
    algs = [] if r.random() < 0.5 else r.sample(CHECKSUMS, 1 if r.random() < 0.8 else r.randint(2, 3))
    ours, theirs = [], []
    for number in numbers:
        etag = g.etag()
        mine = {'partNumber': number, 'etag': etag}
        boto = {'PartNumber': number, 'ETag': etag}
        for alg in CHECKSUMS:
            if alg in algs and r.random() < 0.9:
                value = g.checksum(alg)
                mine['checksum' + alg] = value
                boto['Checksum' + alg] = value
        ours.append(mine)
        theirs.append(boto)
    shuffled = ours[:]
    if r.random() < 0.7:
        r.shuffle(shuffled)
    return shuffled, theirs, algs


def build_cases(g, serializer, operation):
    from botocore.validate import ParamValidator
    cases = []
    for i in range(BUILD_CASES):
        ours, theirs, algs = completed_parts(g)
        params = {'Bucket': 'examplebucket', 'Key': 'k', 'UploadId': 'u', 'MultipartUpload': {'Parts': theirs}}
        report = ParamValidator().validate(params, operation.input_shape)
        assert not report.has_errors(), report.generate_report()
        body = serializer.serialize_to_request(params, operation)['body']
        root = ET.fromstring(body)
        assert root.tag == '{%s}CompleteMultipartUpload' % NS
        back = [{child.tag.split('}')[1]: (int(child.text) if child.tag.endswith('PartNumber') else child.text) for child in part}
                for part in root]
        assert back == theirs, (back, theirs)
        cases.append({'name': '%03d %d parts%s' % (i, len(ours), ''.join(' ' + a for a in algs)), 'parts': ours,
                      'body': body.decode('utf-8')})
    return cases


class Doc:
    """An XML document written element by element with random layout: compact, indented, CRLF or tabs."""

    def __init__(self, g, declaration=True):
        r = g.r
        self.g = g
        self.newline, self.unit = r.choice([('', ''), ('', ''), ('\n', '  '), ('\r\n', '\t'), ('\n', '    ')])
        head = ''
        if declaration and r.random() < 0.8:
            head = r.choice(['<?xml version="1.0" encoding="UTF-8"?>', "<?xml version='1.0' encoding='UTF-8'?>",
                             '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>']) + r.choice(['', '\n'])
        self.parts = [head]

    def leaf(self, name, text, depth=1):
        self.parts.append(self.pad(depth) + ('<%s>%s</%s>' % (name, self.g.escape(text), name) if text or self.g.r.random() < 0.5 else '<%s/>' % name))

    def open(self, name, depth=1, ns=False):
        self.parts.append((self.pad(depth) if depth else '') + '<%s%s>' % (name, ' xmlns="%s"' % NS if ns else ''))

    def close(self, name, depth=1):
        self.parts.append(self.pad(depth) + '</%s>' % name)

    def pad(self, depth):
        return self.newline + self.unit * depth

    def text(self):
        return ''.join(self.parts) + self.g.r.choice(['', '\n'])


def last_modified(g):
    dt = datetime.datetime(2010, 1, 1) + datetime.timedelta(seconds=g.r.randint(0, 16 * 365 * 86400), milliseconds=g.r.randint(0, 999))
    return dt.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (dt.microsecond // 1000), dt


def owner_block(g, doc, name):
    doc.open(name)
    doc.leaf('ID', 'arn:aws:iam::%012d:user/%s' % (g.r.randrange(10 ** 12), g.word(3, 12)) if g.r.random() < 0.5 else g.hexid(64), 2)
    if g.r.random() < 0.7:
        doc.leaf('DisplayName', g.word(3, 12), 2)
    doc.close(name)


def list_parts_body(g):
    """A ListPartsResult body, what it holds, and the LastModified datetimes by part number."""
    r = g.r
    doc = Doc(g)
    ns = r.random() < 0.85
    doc.open('ListPartsResult', 0, ns)
    n = r.choice([0, 1, 2, 3, r.randint(4, 20), r.randint(4, 20)])
    marker = r.choice([0, 0, r.randint(1, 100)])
    numbers = sorted(r.sample(range(marker + 1, marker + 400), n))
    truncated = n > 0 and r.random() < 0.4
    fields = [('Bucket', g.word(3, 20, 'abcdefghij0123456789-.')), ('Key', random_s3_key(g) if r.random() < 0.5 else g.text(1)),
              ('UploadId', g.word(20, 60, 'ABCDEFGHIJabcdefghij0123456789._-'))]
    for name, value in fields:
        doc.leaf(name, value)
    if r.random() < 0.8:
        owner_block(g, doc, 'Initiator')
        owner_block(g, doc, 'Owner')
    extra = {}
    if r.random() < 0.8:
        extra['StorageClass'] = r.choice(['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', ''])
        doc.leaf('StorageClass', extra['StorageClass'])
    doc.leaf('PartNumberMarker', str(marker))
    if n or r.random() < 0.5:
        doc.leaf('NextPartNumberMarker', str(numbers[-1] if n else 0))
    doc.leaf('MaxParts', str(n if truncated else r.choice([1000, n + r.randint(1, 50)])))
    doc.leaf('IsTruncated', 'true' if truncated else 'false')
    algs = []
    if r.random() < 0.3:
        algs = [r.choice(CHECKSUMS[:5])]
        extra['ChecksumAlgorithm'] = algs[0]
        doc.leaf('ChecksumAlgorithm', algs[0])
        extra['ChecksumType'] = r.choice(['COMPOSITE', 'FULL_OBJECT'])
        doc.leaf('ChecksumType', extra['ChecksumType'])
    dates = {}
    for number in numbers:
        doc.open('Part')
        stamp, dates[number] = last_modified(g)
        items = [('PartNumber', str(number)), ('LastModified', stamp), ('ETag', g.etag()), ('Size', str(r.choice([5 * 2 ** 20, r.randint(0, 5 * 2 ** 30)])))]
        items += [('Checksum' + a, g.b64(CHECKSUM_BYTES[a])) for a in algs]
        if r.random() < 0.2:
            r.shuffle(items)
        for name, value in items:
            doc.leaf(name, value, 2)
        doc.close('Part')
    doc.close('ListPartsResult', 0)
    return doc.text(), dates


def initiate_body(g):
    doc = Doc(g)
    doc.open('InitiateMultipartUploadResult', 0, g.r.random() < 0.85)
    items = [('Bucket', g.word(3, 20, 'abcdefghij0123456789-.')), ('Key', random_s3_key(g) if g.r.random() < 0.6 else g.text(1)),
             ('UploadId', g.word(20, 80, 'ABCDEFGHIJabcdefghij0123456789._-'))]
    if g.r.random() < 0.2:
        g.r.shuffle(items)
    for name, value in items:
        doc.leaf(name, value)
    doc.close('InitiateMultipartUploadResult', 0)
    return doc.text()


def complete_body(g):
    r = g.r
    doc = Doc(g)
    if doc.parts[0] and r.random() < 0.5:
        doc.parts.append(' ' * r.randint(1, 50) + '\n' * r.randint(0, 3))  # S3's keep-alive whitespace
    doc.open('CompleteMultipartUploadResult', 0, r.random() < 0.85)
    bucket, key = g.word(3, 20, 'abcdefghij0123456789-'), random_s3_key(g)
    doc.leaf('Location', 'https://%s.s3.us-east-1.amazonaws.com/%s' % (bucket, g.text(1, 10)))
    doc.leaf('Bucket', bucket)
    doc.leaf('Key', key)
    doc.leaf('ETag', '"%s-%d"' % (g.hexid(), r.randint(1, 10000)))
    if r.random() < 0.3:
        alg = r.choice(CHECKSUMS)
        doc.leaf('Checksum' + alg, g.b64(CHECKSUM_BYTES[alg]) + '-%d' % r.randint(1, 99))
        doc.leaf('ChecksumType', r.choice(['COMPOSITE', 'FULL_OBJECT']))
    doc.close('CompleteMultipartUploadResult', 0)
    return doc.text()


def error_body(g, keepalive=False):
    r = g.r
    code, message, detail_names = r.choice(ERRORS)
    doc = Doc(g)
    if keepalive and doc.parts[0]:
        doc.parts.append(' ' * r.randint(1, 50) + '\n' * r.randint(0, 3))
    doc.open('Error', 0)  # S3 puts no namespace on it (and botocore would not see a namespaced one in a 200)
    doc.leaf('Code', code)
    if r.random() < 0.95:
        doc.leaf('Message', message)
    details = {}
    for name in detail_names:
        if r.random() < 0.8:
            details[name] = g.text(1, 60) if name in ('StringToSign', 'CanonicalRequest', 'Key') else g.word(1, 40, VISIBLE)
            doc.leaf(name, details[name])
    ids = {}
    if r.random() < 0.9:
        ids['requestId'] = g.word(16, 16, '0123456789ABCDEF')
        doc.leaf('RequestId', ids['requestId'])
    if r.random() < 0.8:
        ids['hostId'] = g.b64(48)
        doc.leaf('HostId', ids['hostId'])
    doc.close('Error', 0)
    return doc.text(), ids


def camel(name):
    return 'etag' if name == 'ETag' else name[0].lower() + name[1:]


def ours_from_botocore(parsed, skip=('ResponseMetadata',)):
    return {camel(k): v for k, v in parsed.items() if k not in skip}


def expected_error(parser, shape, body, ids):
    parsed = parser.parse({'body': body.encode('utf-8'), 'headers': {}, 'status_code': 500}, shape)['Error']
    out = {'code': parsed.pop('Code'), 'message': parsed.pop('Message', '')}
    out.update(ids)
    out['details'] = parsed
    return out


def responses(g, model, parser):
    import botocore.handlers
    from botocore.parsers import ResponseParserError, RestXMLParser
    shape = {op: model.operation_model(op).output_shape for op in ('CreateMultipartUpload', 'ListParts', 'CompleteMultipartUpload')}

    def parse(op, body):
        return parser.parse({'body': body.encode('utf-8'), 'headers': {}, 'status_code': 200}, shape[op])

    out = []
    kinds = ['initiate', 'list-parts', 'list-parts', 'list-parts', 'complete', 'complete-error', 'error', 'error', 'truncated']
    for i in range(RESPONSE_CASES):
        kind = kinds[i % len(kinds)]
        r = g.r
        if kind == 'initiate':
            body = initiate_body(g)
            expected = ours_from_botocore(parse('CreateMultipartUpload', body))
            assert set(expected) == {'bucket', 'key', 'uploadId'}, expected
        elif kind == 'list-parts':
            body, dates = list_parts_body(g)
            parsed = parse('ListParts', body)
            parts = parsed.pop('Parts', [])
            expected = ours_from_botocore(parsed, ('ResponseMetadata', 'Owner', 'Initiator'))
            expected['parts'] = []
            for p in parts:
                assert p['LastModified'] == dates[p['PartNumber']].replace(tzinfo=p['LastModified'].tzinfo), p
                p['LastModified'] = dates[p['PartNumber']].strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (dates[p['PartNumber']].microsecond // 1000)
                expected['parts'].append(ours_from_botocore(p))
        elif kind == 'complete':
            body = complete_body(g)
            assert not botocore.handlers._looks_like_special_case_error(200, body.encode('utf-8'))
            expected = dict(ok=True, **ours_from_botocore(parse('CompleteMultipartUpload', body)))
        elif kind == 'complete-error':
            body, ids = error_body(g, keepalive=True)
            assert botocore.handlers._looks_like_special_case_error(200, body.encode('utf-8'))
            expected = {'ok': False, 'error': expected_error(parser, shape['CompleteMultipartUpload'], body, ids)}
        elif kind == 'error':
            body, ids = error_body(g)
            expected = expected_error(parser, shape['ListParts'], body, ids)
        else:
            source = r.choice([o for o in out if not o['kind'].startswith('truncated')])
            body = source['body'][:r.randrange(len(source['body']))]
            try:
                RestXMLParser()._parse_xml_string_to_dom(body.encode('utf-8'))
                assert body.rstrip() == source['body'].rstrip(), body  # only whitespace after the root was cut
                expected = source['expected']
            except ResponseParserError:
                expected = None
            kind = 'truncated ' + source['kind']
        out.append({'name': '%03d %s' % (i, kind), 'kind': kind, 'body': body, 'expected': expected})
    return out


def main():
    import botocore.parsers
    import botocore.serialize
    import botocore.session

    model = botocore.session.get_session().get_service_model('s3')
    g = Gen(SEED)
    cases = build_cases(g, botocore.serialize.create_serializer('rest-xml'), model.operation_model('CompleteMultipartUpload'))
    answers = responses(g, model, botocore.parsers.create_parser('rest-xml'))
    doc = vectors_document('gen-s3-multipart-xml-vectors.py', SEED, cases, extra={'responses': answers})
    path = write_vectors_json('botocore-s3-multipart-xml.json', doc)
    print('wrote %s (%d request bodies, %d responses)' % (path, len(cases), len(answers)))


if __name__ == '__main__':
    main()
