#!/usr/bin/env python3
"""Generate vectors for S3 multipart uploads from botocore's S3 client.

What it generates
-----------------
``vectors/botocore-s3-multipart.json``: seeded, random presigned URLs that botocore's S3 client builds with
``generate_presigned_url`` for the five operations of a multipart upload, as src/s3/multipart.ts presigns them:

=============================  ======  ==============================================  ============================
client method                  method  query (before the X-Amz-* parameters)           src/s3/multipart.ts
=============================  ======  ==============================================  ============================
``create_multipart_upload``    POST    ``uploads=``                                    presignCreateMultipartUpload
``upload_part``                PUT     ``partNumber=N&uploadId=ID``                    presignUploadPart(s)
``complete_multipart_upload``  POST    ``uploadId=ID``                                 presignCompleteMultipartUpload
``abort_multipart_upload``     DELETE  ``uploadId=ID``                                 presignAbortMultipartUpload
``list_parts``                 GET     ``[max-parts=M&][part-number-marker=P&]uploadId=ID``  presignListParts
=============================  ======  ==============================================  ============================

with ``Config(signature_version='s3v4', s3={'addressing_style': 'virtual' | 'path', 'us_east_1_regional_endpoint':
'regional'}, request_checksum_calculation='when_required')`` on AWS endpoints (ten Regions, China among them) and
``endpoint_url='http://127.0.0.1:9000'`` path style (MinIO, s3rver, LocalStack). Keys are random (spaces, ``+``,
unicode, ``//``: oracle_common.random_s3_key), part numbers 1..10000 (1 and 10000 over-represented), upload ids
like real ones (AWS's long base64url-ish ids with ``.``/``_``/``-``/``~``, MinIO's base64, Swift s3api's hex) and
some with characters that need encoding (``+/=``, space, ``%``, ``é``, up to 1024 characters). A session token is
used in about a third of the cases.

Each case records ``operation`` and ``upload`` (the arguments of src/s3/multipart.ts's presignMultipartDetailed),
``location`` (bucket, key, region, endpoint / forcePathStyle), ``options`` (credentials, the headers botocore signs
besides ``host``, expiresIn, signingDate), ``method``, and botocore's URL, canonical request, string to sign and
signature (captured from ``botocore.auth.S3SigV4QueryAuth``), plus ``botocoreCall`` to redo a case by hand.

What botocore signs as a header (recorded per case in ``options.headers``)
-------------------------------------------------------------------------
Every parameter of ``create_multipart_upload`` other than Bucket and Key is bound to a header in S3's model
(ContentType -> ``content-type``, Metadata -> ``x-amz-meta-<name>``, ChecksumAlgorithm -> ``x-amz-checksum-algorithm``,
ChecksumType -> ``x-amz-checksum-type``, CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, ACL,
StorageClass, ServerSideEncryption, Tagging ...), and SigV4QueryAuth signs every header of the request: none
becomes a query parameter of the presigned URL. The header names are taken from botocore's service model here, and
the script asserts that the canonical request signs exactly ``host`` and those headers. Metadata names are
lower-cased in the canonical request (``Foo`` -> ``x-amz-meta-foo``) and values trimmed with inner runs of spaces
collapsed, as our signer does. ``upload_part`` sometimes gets ContentLength (``content-length``: the part URL then
takes exactly that many bytes) or ContentMD5 (``content-md5``).

botocore behaviours this generator steers around (botocore 1.43)
-----------------------------------------------------------------
* The query order of ``generate_presigned_url`` is the order of the ``Params`` dict (it serializes the members as
  it iterates the caller's dict): ``{'UploadId': .., 'PartNumber': ..}`` gives ``uploadId=..&partNumber=..``. The
  script passes Params in the order of the operation's input shape, which is also the order of S3's API reference
  (``?partNumber=N&uploadId=ID``, ``?max-parts=M&part-number-marker=P&uploadId=ID``); src/s3/multipart.ts emits
  that order. The order is not signed (the canonical query is sorted).
* botocore emits ``uploads=`` (with ``=``) where S3's reference writes ``?uploads``; both have the canonical query
  ``uploads=``, and our URL uses botocore's form.
* ``complete_multipart_upload`` cannot be presigned with its ``MultipartUpload`` parameter: SigV4QueryAuth moves a
  request body into the query and fails parsing the XML as JSON (``JSONDecodeError``). The URL is presigned without
  a body, and the client sends the XML body (UNSIGNED-PAYLOAD, as every S3 presign).
* ``upload_part`` with ChecksumAlgorithm signs botocore's own ``x-amz-sdk-checksum-algorithm`` header, which S3
  does not need: not generated. No ``x-id`` parameter or ``x-amz-sdk-*`` header may appear (asserted).
* botocore does not validate PartNumber, UploadId or MaxParts (it presigns ``partNumber=0``, ``uploadId=`` and
  ``max-parts=0``); our functions refuse those (test/s3/multipart.test.ts). Only valid inputs are generated.
* A ContentType of ``application/x-www-form-urlencoded; charset=utf-8`` (SigV4QueryAuth deletes that header before
  signing), ``addressing_style='auto'`` (the global endpoint), virtual style on an IP endpoint, dotted buckets
  virtual-hosted over https and header values outside printable ASCII: not generated (see gen-s3-vectors.py).

Checks (every case, before writing)
-----------------------------------
oracle_common.check_captured_presign (frozen X-Amz-Date, the signature recomputed with hmac/hashlib from the
captured string to sign, which holds SHA-256 of the captured canonical request); the canonical request's method and
signed headers are the expected ones; the URL before ``?`` is the one our rules give (oracle_common.s3_addressing and
S3's key encoding) and the query starts with the subresources in the order above, encoded with SigV4's UriEncode.

Run
---
    python3 scripts/gen-s3-multipart-vectors.py

Needs python3 and botocore, no network. The same seed and botocore version give a byte-identical file.
"""
import os
import string
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import (  # noqa: E402
    ALNUM, B64, HEX, SeededGen, captured_signing_steps, check_captured_presign, credentials_object, frozen_clock,
    iso_date, isolate_from_aws_environment, random_b64_token, random_expires, random_key_pair, random_s3_key,
    random_signing_date, s3_addressing, single_signing, uri_encode, vectors_document, write_vectors_json)

SEED = 1818
CASES = 260
CUSTOM_ENDPOINT = 'http://127.0.0.1:9000'
REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ap-northeast-1',
           'sa-east-1', 'af-south-1', 'cn-north-1']
# (client method, our operation name, HTTP method); the schedule repeats SCHEDULE.
OPERATIONS = {
    'create': ('create_multipart_upload', 'createMultipartUpload', 'POST'),
    'part': ('upload_part', 'uploadPart', 'PUT'),
    'complete': ('complete_multipart_upload', 'completeMultipartUpload', 'POST'),
    'abort': ('abort_multipart_upload', 'abortMultipartUpload', 'DELETE'),
    'list': ('list_parts', 'listParts', 'GET'),
}
SCHEDULE = ['create', 'part', 'complete', 'part', 'list', 'create', 'part', 'abort', 'part', 'list', 'create',
            'complete', 'abort']
CONTENT_TYPES = ['video/mp4', 'video/quicktime', 'application/octet-stream', 'image/jpeg', 'application/zip',
                 'text/plain; charset=utf-8', 'application/x-tar', 'video/webm;  codecs="vp9"']
CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']


class Gen(SeededGen):
    """The random inputs of one case, drawn in a fixed order from the seed."""

    def upload_id(self):
        """An upload id like the ones S3 and S3-compatible servers hand out, sometimes with characters to encode."""
        r = self.r
        x = r.random()
        if x < 0.45:  # AWS: long base64url-ish, '.', '_', '-', sometimes a '2~' prefix
            uid = self.word(60, 180, ALNUM + '._-')
            return ('2~' + uid) if r.random() < 0.3 else uid
        if x < 0.6:  # MinIO: standard base64 of "<deployment>.<uuid>x<nanos>"
            return self.word(80, 140, ALNUM) + r.choice(['', '=', '=='])
        if x < 0.7:  # Swift s3api / s3rver: hex
            return self.word(32, 40, HEX)
        if x < 0.75:  # the longest we accept
            return self.word(1024, 1024, ALNUM + '-_.~')
        # characters that need encoding: base64's '+/=', a space, '%', unicode
        chars = [r.choice(B64) for _ in range(r.randint(8, 120))]
        for c in r.sample(['+', '/', '=', ' ', '%', 'é', '~', '!', '*', "'", '(', ')'], r.randint(1, 5)):
            chars[r.randrange(len(chars))] = c
        return ''.join(chars)

    def part_number(self):
        r = self.r
        x = r.random()
        return 1 if x < 0.1 else 10000 if x < 0.2 else r.randint(2, 20) if x < 0.45 else r.randint(1, 10000)

    def bucket(self, dotted_ok):
        r = self.r
        b = self.word(3, 12, string.ascii_lowercase + string.digits) + '-' + self.word(3, 12)
        return b.replace('-', '.', 1) if dotted_ok and r.random() < 0.3 else b

    def metadata(self):
        r = self.r
        out = {}
        for _ in range(r.randint(1, 3)):
            name = self.word(1, 10, string.ascii_letters + string.digits + '-').strip('-') or 'm'
            if name.lower() not in (n.lower() for n in out):  # one header per name
                out[name] = self.printable_value(1, 24)
        return out

    def create_params(self):
        """Header-bound CreateMultipartUpload parameters (none in ~35% of the cases)."""
        r = self.r
        if r.random() < 0.35:
            return {}
        out = {'ContentType': r.choice(CONTENT_TYPES)} if r.random() < 0.6 else {}
        pool = [
            ('Metadata', self.metadata),
            ('Metadata', self.metadata),
            ('ChecksumAlgorithm', lambda: r.choice(CHECKSUM_ALGORITHMS)),
            ('ChecksumAlgorithm', lambda: r.choice(CHECKSUM_ALGORITHMS)),
            ('CacheControl', lambda: r.choice(['no-cache', 'max-age=31536000, immutable', 'private'])),
            ('ContentDisposition', lambda: 'attachment; filename="%s.mp4"' % self.word()),
            ('ContentLanguage', lambda: r.choice(['en-US', 'de-DE'])),
            ('ContentEncoding', lambda: r.choice(['gzip', 'identity'])),
            ('ACL', lambda: r.choice(['private', 'bucket-owner-full-control'])),
            ('StorageClass', lambda: r.choice(['STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'])),
            ('ServerSideEncryption', lambda: r.choice(['AES256', 'aws:kms'])),
            ('Tagging', lambda: 'project=%s&env=prod' % self.word()),
        ]
        for name, fn in r.sample(pool, r.randint(0 if out else 1, 3)):
            if name not in out:
                out[name] = fn()
        if 'ChecksumAlgorithm' in out and r.random() < 0.5:
            out['ChecksumType'] = r.choice(['COMPOSITE', 'FULL_OBJECT'])
        return out

    def part_params(self):
        r = self.r
        x = r.random()
        if x < 0.15:
            return {'ContentLength': r.choice([5 * 1024 * 1024, 8 * 1024 * 1024, r.randint(0, 5 * 1024 ** 3)])}
        if x < 0.25:
            return {'ContentMD5': self.word(22, 22, B64) + '=='}
        return {}

    def list_params(self):
        r = self.r
        out = {}
        if r.random() < 0.5:
            out['MaxParts'] = r.choice([1, 1000, r.randint(1, 1000)])
        if r.random() < 0.5:
            out['PartNumberMarker'] = r.choice([0, 9999, r.randint(1, 10000)])
        return out


def header_names(model_shape, params):
    """{our lower-case header name: botocore's value} for the header-bound members of ``params``."""
    out = {}
    for name, value in params.items():
        ser = model_shape.members[name].serialization
        if ser.get('location') == 'header':
            out[ser['name'].lower()] = str(value)
        elif ser.get('location') == 'headers':
            for k, v in value.items():
                out[(ser['name'] + k).lower()] = v
        else:
            assert ser.get('location') in ('uri', 'querystring'), (name, ser)
    return out


def model_ordered(model_shape, params):
    """``params`` in the order of the operation's input shape (botocore's query order follows the dict's)."""
    return {name: params[name] for name in model_shape.members if name in params}


def subresources(kind, upload):
    """Our query before the X-Amz-* parameters (src/s3/multipart.ts)."""
    if kind == 'create':
        return 'uploads='
    uid = 'uploadId=' + uri_encode(upload['uploadId'])
    if kind == 'part':
        return 'partNumber=%d&%s' % (upload['partNumber'], uid)
    if kind == 'list':
        pre = ''.join('%s=%d&' % (q, upload[k]) for k, q in (('maxParts', 'max-parts'), ('partNumberMarker', 'part-number-marker'))
                      if k in upload)
        return pre + uid
    return uid


def our_base(loc):
    """The URL before '?' by our rules (oracle_common.s3_addressing; S3's key encoding keeps '/')."""
    scheme, host, prefix, virtual = s3_addressing(loc)
    key = quote(loc['key'], safe='/-_.~')
    if virtual:
        return '%s://%s.%s%s/%s' % (scheme, loc['bucket'], host, prefix, key)
    return '%s://%s%s/%s/%s' % (scheme, host, prefix, quote(loc['bucket'], safe='-_.~'), key)


def draw_case(g, i):
    r = g.r
    kind = SCHEDULE[i % len(SCHEDULE)]
    form = r.choice(['virtual', 'virtual', 'path', 'custom'])
    region = 'us-east-1' if form == 'custom' and r.random() < 0.6 else r.choice(REGIONS)
    loc = {'bucket': g.bucket(form != 'virtual'), 'key': random_s3_key(g), 'region': region}
    if form == 'path':
        loc['forcePathStyle'] = True
    if form == 'custom':
        loc['endpoint'] = CUSTOM_ENDPOINT
    token = random_b64_token(r) if r.random() < 0.35 else None
    akid, secret = random_key_pair(r, 'ASIA' if token else 'AKIA')
    upload, extra = {}, {}
    if kind != 'create':
        upload['uploadId'] = g.upload_id()
    if kind == 'create':
        extra = g.create_params()
    elif kind == 'part':
        upload['partNumber'] = g.part_number()
        extra = g.part_params()
    elif kind == 'list':
        lp = g.list_params()
        upload.update({{'MaxParts': 'maxParts', 'PartNumberMarker': 'partNumberMarker'}[k]: v for k, v in lp.items()})
        extra = lp
    date = random_signing_date(r, first_below=0.02, last_below=0.04, day_end_below=0.1, midnight_below=0.15)
    expires = random_expires(r, [300, 900, 3600, 86400], typical_below=0.4)
    return {'kind': kind, 'form': form, 'location': loc, 'upload': upload, 'extra': extra, 'akid': akid,
            'secret': secret, 'token': token, 'date': date, 'expires': expires}


def presign_with_botocore(session, c):
    import botocore.auth
    from botocore.config import Config
    method_name, _, _ = OPERATIONS[c['kind']]
    loc = c['location']
    style = 'virtual' if c['form'] == 'virtual' else 'path'
    cfg = Config(signature_version='s3v4', request_checksum_calculation='when_required',
                 response_checksum_validation='when_required',
                 s3={'addressing_style': style, 'us_east_1_regional_endpoint': 'regional'})
    client = session.create_client('s3', region_name=loc['region'], endpoint_url=loc.get('endpoint'), config=cfg,
                                   aws_access_key_id=c['akid'], aws_secret_access_key=c['secret'],
                                   aws_session_token=c['token'])
    op_model = client.meta.service_model.operation_model(client.meta.method_to_api_mapping[method_name])
    params = {'Bucket': loc['bucket'], 'Key': loc['key'], **c['extra']}
    if 'uploadId' in c['upload']:
        params['UploadId'] = c['upload']['uploadId']
    if 'partNumber' in c['upload']:
        params['PartNumber'] = c['upload']['partNumber']
    params = model_ordered(op_model.input_shape, params)
    cls = botocore.auth.S3SigV4QueryAuth
    with frozen_clock(c['date']), captured_signing_steps(cls) as captured:
        url = client.generate_presigned_url(method_name, Params=params, ExpiresIn=c['expires'])
    cr, sts, sig = single_signing(captured, cls)
    call = {'clientMethod': method_name, 'addressingStyle': style, 'params': params}
    if 'endpoint' in loc:
        call['endpointUrl'] = loc['endpoint']
    return url, cr, sts, sig, header_names(op_model.input_shape, c['extra']), call


def check_case(c, url, cr, headers):
    _, _, method = OPERATIONS[c['kind']]
    lines = cr.split('\n')
    assert lines[0] == method, (lines[0], method)
    assert lines[-2] == ';'.join(sorted(['host'] + list(headers))), (lines[-2], headers)
    assert lines[-1] == 'UNSIGNED-PAYLOAD', lines[-1]
    base, _, query = url.partition('?')
    assert base == our_base(c['location']), (base, our_base(c['location']))
    sub = subresources(c['kind'], c['upload'])
    assert query.startswith(sub + '&X-Amz-Algorithm='), (query, sub)
    for p in query.split('&'):
        name = p.split('=', 1)[0].lower()
        assert name != 'x-id' and not name.startswith('x-amz-sdk'), url
    assert 'x-amz-sdk' not in lines[-2], cr


def main():
    isolate_from_aws_environment()
    import botocore.session

    session = botocore.session.get_session()
    g = Gen(SEED)
    cases = []
    for i in range(CASES):
        c = draw_case(g, i)
        url, cr, sts, sig, headers, call = presign_with_botocore(session, c)
        check_captured_presign(url, cr, sts, sig, c['date'], c['secret'], c['location']['region'], 's3')
        check_case(c, url, cr, headers)
        _, operation, method = OPERATIONS[c['kind']]
        options = {'credentials': credentials_object(c['akid'], c['secret'], c['token'])}
        if headers:
            options['headers'] = headers
        options.update({'expiresIn': c['expires'], 'signingDate': iso_date(c['date'])})
        cases.append({
            'name': '%s %s %s %03d' % (operation, c['form'], c['location']['region'], i),
            'operation': operation,
            'upload': c['upload'],
            'location': c['location'],
            'options': options,
            'method': method,
            'expected': {'url': url, 'canonicalRequest': cr, 'stringToSign': sts, 'signature': sig},
            'botocoreCall': call,
        })
    doc = vectors_document('gen-s3-multipart-vectors.py', SEED, cases)
    print('wrote %s (%d cases)' % (write_vectors_json('botocore-s3-multipart.json', doc), len(cases)))
    counts = {}
    for c in cases:
        counts[c['operation']] = counts.get(c['operation'], 0) + 1
    print(' ', ', '.join('%s %d' % kv for kv in sorted(counts.items())))


if __name__ == '__main__':
    main()
