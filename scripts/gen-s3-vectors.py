#!/usr/bin/env python3
"""Generate S3-helper test vectors from botocore's S3 *client*.

What it generates
-----------------
``vectors/botocore-s3-client.json``: a few hundred seeded, random cases for
``presignS3Detailed(location, options)`` (src/s3.ts). Unlike
scripts/gen-vectors.py, which hands botocore a ready-made URL, this script
lets botocore's S3 client build the URL from operation parameters, exactly as
an application would::

    client = session.create_client('s3', region_name=..., endpoint_url=...,
        config=Config(signature_version='s3v4',
                      s3={'addressing_style': ..., 'us_east_1_regional_endpoint': 'regional'},
                      request_checksum_calculation='when_required'))
    client.generate_presigned_url('get_object', Params={...}, ExpiresIn=..., HttpMethod=...)

so the vectors pin down our bucket/key -> URL rules (host, addressing style,
key encoding, query parameters) against an independent implementation, not
only the signing. Each case records:

* ``location``: the S3Location we give the helper (bucket, key, region, and
  when used: endpoint, forcePathStyle, versionId, responseOverrides, query);
* ``options``: credentials (a session token in ~40% of cases), method, the
  headers botocore signed besides ``host`` (``content-type`` for a PutObject
  with ContentType, ``x-amz-meta-*``/``x-amz-acl``/... when those PutObject
  parameters are used), expiresIn, signingDate;
* ``expected``: botocore's presigned URL, and the canonical request, string
  to sign and signature as botocore computed them while signing (captured by
  wrapping ``botocore.auth.S3SigV4QueryAuth``);
* ``botocoreCall``: the client method, Params and addressing_style used, for
  reproducing a case by hand.

Operations: get_object (VersionId, Response* overrides), put_object (with and
without ContentType, sometimes other header-bound parameters), head_object,
delete_object (VersionId), upload_part (PartNumber/UploadId -> ``query``) and
a few list_objects_v2 (bucket-level, empty key, virtual-hosted only).

Checks (every case, before writing)
-----------------------------------
* time is frozen by patching ``botocore.auth.get_current_datetime`` and
  X-Amz-Date in the URL is the frozen date;
* the signature is recomputed here with hmac/hashlib from the captured string
  to sign, which must hold SHA-256 of the captured canonical request;
* an independent Python port of *our documented rules* (see ``our_url``)
  gives the same URL (before ``?`` exactly, query parameters as a set) and the
  same canonical request. This is the check that every kept input is one on
  which botocore's client and our rules agree; any botocore upgrade that
  changes one of them makes the script fail loudly instead of writing
  vectors that disagree with the rules;
* no ``x-id`` query parameter and no checksum parameter/header anywhere.

The frozen clock, the capture, the SigV4 pieces, the S3 bucket-name and
addressing rules (shared with gen-post-vectors.py), the random credential/
date/expiry generators and the JSON writing are in ``scripts/oracle_common.py``.

Our documented rules (src/s3.ts)
--------------------------------
* AWS host ``s3.<region>.amazonaws.com`` (``.amazonaws.com.cn`` for cn-*);
* virtual-hosted ``https://<bucket>.s3.<region>.amazonaws.com/<key>`` when the
  bucket is DNS-compatible (3-63 chars, lower-case letters, digits, ``-``,
  ``.``, labels not starting/ending with ``-``, not an IP address) and has no
  dots (over https); otherwise path style ``https://s3.<region>.../<bucket>/<key>``;
* a custom endpoint (any host not under amazonaws.com[.cn]) is path style
  unless ``forcePathStyle: false``; an endpoint path prefix is kept, trailing
  ``/`` dropped;
* keys: ``/`` kept, UTF-8 of everything outside ``A-Za-z0-9-_.~`` percent-encoded;
  query parameters RFC 3986-encoded (space ``%20``, never ``+``).

botocore behaviours this generator avoids (botocore 1.43)
---------------------------------------------------------
* ``addressing_style='auto'`` (botocore's default) on AWS endpoints outside
  us-east-1: presigned URLs then use the *global* endpoint
  ``<bucket>.s3.amazonaws.com`` (even for eu-west-1), and ``auto`` with an
  upper-case bucket gives ``s3.amazonaws.com/<Bucket>``. We never use
  ``auto``: ``virtual`` is botocore's equivalent of our default (virtual when
  the bucket allows it, path style otherwise, including for dotted buckets
  over https and for legacy upper-case/underscore names), and ``path`` is our
  ``forcePathStyle: true``. (On custom endpoints botocore's ``auto`` is path
  style, like ours, but we use ``path`` there too.)
* us-east-1's legacy global endpoint: ``us_east_1_regional_endpoint='regional'``
  gives ``s3.us-east-1.amazonaws.com`` like our rule.
* ``virtual`` on an IP-address endpoint (``http://127.0.0.1:9000``,
  ``http://[::1]:9000``): botocore silently uses path style for a plain bucket
  but produces ``http://my.bucket.127.0.0.1:9000`` for a dotted one. IP
  endpoints are only used path style.
* ``virtual`` with a dotted bucket over an https *custom* endpoint (MinIO,
  R2): botocore silently falls back to path style; our ``forcePathStyle:
  false`` means virtual-hosted. Forced-virtual cases over https use dot-free
  buckets; dotted buckets are forced virtual only over http (localhost),
  where both give ``my.bucket.localhost:4566``.
* Any timestamp format for ResponseExpires: botocore parses it and re-emits
  an RFC 1123 date (``2015-10-21T07:28:00Z`` -> ``Wed, 21 Oct 2015 07:28:00
  GMT``); our helper sends the string as given. Only RFC 1123 GMT strings are
  generated, which round-trip unchanged.
* Bucket-level requests path style: botocore's path is ``/<bucket>`` (no
  trailing slash), ours is ``/<bucket>/``. list_objects_v2 is only generated
  virtual-hosted (path ``/``); it always carries botocore's automatic
  ``encoding-type=url``, which the case passes in ``query``.
* Parameters that make botocore sign extra headers or add parameters we do
  not model: ChecksumAlgorithm (signs ``x-amz-sdk-checksum-algorithm``),
  ChecksumMode (signs ``x-amz-checksum-mode``). botocore 1.43 adds no default
  checksum and no ``x-id`` to presigned URLs; ``request_checksum_calculation=
  'when_required'`` keeps it that way if a later version starts to, and the
  script asserts neither appears.
* A ContentType of ``application/x-www-form-urlencoded; charset=utf-8``:
  SigV4QueryAuth deletes that header before signing. No form-urlencoded type
  is generated.
* Directory-bucket names (``--x-s3`` suffix: botocore raises "Unrecognized
  S3Express bucket name format"), IPv4-like bucket names, default ports
  (``:443``/``:80``, which botocore keeps in the URL), ``.``/``..`` key
  segments (a WHATWG URL parser removes them; our helper rejects them) and
  empty keys for object operations (botocore requires ``Key``).
* Environment and config files: all ``AWS_*`` variables are removed, the
  config/credentials files point to /dev/null and the EC2 metadata service is
  disabled, so no profile setting (dualstack, FIPS, endpoint URLs, checksum
  defaults) leaks in.

Run
---
    python3 scripts/gen-s3-vectors.py

Needs python3 and botocore, no network. Output is deterministic: the same
seed and botocore version give a byte-identical file.
"""

import calendar
import datetime
import email.utils
import os
import re
import string
import sys
from urllib.parse import quote, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import (  # noqa: E402
    ALNUM, AWS_DOC_ACCESS_KEY_ID, AWS_DOC_S3_PRESIGN_SIGNATURE, AWS_DOC_SECRET_ACCESS_KEY, HEX, LOWER_ALNUM,
    SeededGen, amazonaws_domain, amz_date, captured_signing_steps, check_captured_presign, credential_scope,
    credentials_object, frozen_clock, is_dns_bucket, is_plain_bucket, isolate_from_aws_environment, iso_date,
    looks_like_ipv4, random_b64_token, random_expires, random_key_pair, random_signing_date, s3_addressing,
    sigv4_canonical_headers, sigv4_canonical_request, sigv4_signature, sigv4_string_to_sign, single_signing,
    uri_encode, vectors_document, write_vectors_json,
)

# Isolate botocore from the environment before the session is created.
isolate_from_aws_environment()

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.config  # noqa: E402
import botocore.session  # noqa: E402

SEED = 20240612
OUT_NAME = 'botocore-s3-client.json'

AWS_REGIONS = [
    'us-east-1', 'us-east-1', 'eu-west-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1',
    'us-west-2', 'eu-central-1', 'sa-east-1', 'ap-northeast-1', 'ca-central-1',
    'cn-northwest-1', 'us-gov-west-1',
]
CUSTOM_REGIONS = ['us-east-1', 'us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2']
KEY_SPECIALS = list("!'()*&=?#;:@,$+%") + list('[]{}^|<>"`\\')
UNRESERVED_EXTRA = '-_.~'
UNICODE_BITS = [
    'é', 'ü', 'ñ', '日本語', '😀', '🚀', '👍🏽', 'Привет', 'ключ', 'مرحبا',
    'ß', 'Ω', '中文', '한국어', 'e\u0301', '\u00a0', '€', 'ø', '𝄞', '🪣',
]
FORM_CT = 'application/x-www-form-urlencoded; charset=utf-8'


def enc_key(key):
    """S3 object key encoding: '/' kept."""
    return quote(key, safe='/-_.~')


# ---------------------------------------------------------------------------
# random inputs
# ---------------------------------------------------------------------------

class Gen(SeededGen):
    # ---- buckets ---------------------------------------------------------
    def label(self, n1, n2):
        r = self.r
        n = r.randint(n1, n2)
        if n <= 2:
            return ''.join(r.choice(LOWER_ALNUM) for _ in range(n))
        inner = ''.join(r.choice(LOWER_ALNUM + '--') for _ in range(n - 2))
        return r.choice(LOWER_ALNUM) + inner + r.choice(LOWER_ALNUM)

    def bucket_plain(self):
        r = self.r
        x = r.random()
        while True:
            if x < 0.04:
                b = self.label(3, 3)
            elif x < 0.08:
                b = self.label(63, 63)
            elif x < 0.55:
                b = self.word(3, 12, LOWER_ALNUM) + r.choice(['', '-' + self.word(2, 8, LOWER_ALNUM),
                                                             '-' + self.word(2, 6, LOWER_ALNUM) + '-' + r.choice(['prod', 'dev', '01', 'eu'])])
            else:
                b = self.label(3, 40)
            if is_plain_bucket(b):
                return b

    def bucket_dotted(self):
        r = self.r
        while True:
            b = '.'.join(self.label(1, 12) for _ in range(r.randint(2, 4)))
            if r.random() < 0.3:
                b = r.choice(['www', 'assets', 'media', 'logs']) + '.' + self.word(3, 10) + r.choice(['.com', '.org', '.example', '.io'])
            if 3 <= len(b) <= 63 and is_dns_bucket(b) and '.' in b:
                return b

    def bucket_legacy(self):
        """Legacy (pre-2018 us-east-1) names: upper case or underscores."""
        r = self.r
        while True:
            x = r.random()
            if x < 0.35:
                b = self.word(1, 1, string.ascii_uppercase) + self.word(2, 10, string.ascii_lowercase) + r.choice(['', 'Bucket', '_01', 'Data'])
            elif x < 0.7:
                b = self.word(2, 8, LOWER_ALNUM) + '_' + self.word(2, 8, LOWER_ALNUM)
            else:
                b = self.word(3, 12, ALNUM + '_-.')
            if re.fullmatch(r'[A-Za-z0-9._-]{1,255}', b) and not is_dns_bucket(b) and b not in ('.', '..') \
                    and not looks_like_ipv4(b) and '..' not in b and not b.startswith(('.', '-')):
                return b

    # ---- keys ------------------------------------------------------------
    def key_piece(self):
        r = self.r
        x = r.random()
        if x < 0.38:
            return ''.join(r.choice(ALNUM) for _ in range(r.randint(1, 7)))
        if x < 0.58:
            return r.choice(KEY_SPECIALS)
        if x < 0.74:
            return r.choice(UNICODE_BITS)
        if x < 0.84:
            return r.choice(UNRESERVED_EXTRA)
        if x < 0.985:
            return ' ' * r.choice([1, 1, 1, 2])
        return r.choice(['\t', '\x7f'])

    def segment(self):
        while True:
            s = ''.join(self.key_piece() for _ in range(self.r.randint(1, 6)))
            if s not in ('.', '..'):
                return s

    def key(self):
        r = self.r
        if r.random() < 0.3:
            parts = [self.word(2, 8, LOWER_ALNUM) for _ in range(r.randint(0, 3))]
            parts.append(self.word(2, 12, ALNUM + '-_') + r.choice(
                ['.jpg', '.txt', '.tar.gz', '.json', '', '.bin', '~1', ' (1).pdf', '+final.csv']))
            return '/'.join(parts)
        while True:
            segs = []
            if r.random() < 0.12:
                segs.append('')  # leading '/'
            for i in range(r.randint(1, 5)):
                if i and r.random() < 0.12:
                    segs.append('')  # '//'
                segs.append(self.segment())
            if r.random() < 0.12:
                segs.append('')  # trailing '/'
            key = '/'.join(segs)
            if key and all(s not in ('.', '..') for s in key.split('/')):
                return key

    # ---- query-bound parameters ------------------------------------------
    def fancy(self, n1=1, n2=5):
        return ''.join(self.key_piece() for _ in range(self.r.randint(n1, n2))).replace('\t', ' ').replace('\x7f', '~')

    def version_id(self):
        r = self.r
        x = r.random()
        if x < 0.1:
            return 'null'
        if x < 0.6:
            return self.word(32, 32, ALNUM + '._')
        if x < 0.9:
            return self.word(20, 40, ALNUM + '+/') + r.choice(['', '=', '=='])
        return self.fancy(1, 4)

    def http_date(self):
        r = self.r
        ts = calendar.timegm(datetime.datetime(2000, 1, 1).timetuple()) + r.randint(0, 40 * 365 * 86400)
        return email.utils.formatdate(ts, usegmt=True)

    def response_overrides(self):
        r = self.r
        pools = {
            'ResponseContentDisposition': lambda: r.choice([
                'attachment; filename="r(1).bin"',
                "inline; filename*=UTF-8''%E2%82%AC.txt",
                'attachment; filename="%s.pdf"' % self.word(),
                'attachment; filename="ünïcödé 😀.txt"',
                'inline',
                'attachment; filename="a+b & c=d?.txt"',
                'attachment; filename="%s"' % self.fancy(1, 4).replace('"', ''),
            ]),
            'ResponseContentType': lambda: r.choice([
                'text/plain; charset=utf-8', 'application/octet-stream', 'image/png',
                'application/json', 'text/csv; header=present', 'image/svg+xml']),
            'ResponseCacheControl': lambda: r.choice([
                'no-cache', 'max-age=3600, public', 'private, no-store', 'no-transform']),
            'ResponseContentLanguage': lambda: r.choice(['en-US', 'de-DE, en;q=0.5', 'fr', 'zh-Hans']),
            'ResponseContentEncoding': lambda: r.choice(['gzip', 'identity', 'br', 'gzip, deflate']),
            'ResponseExpires': self.http_date,
        }
        names = sorted(pools)
        return {n: pools[n]() for n in sorted(r.sample(names, r.randint(1, 4)))}

    # ---- header-bound PutObject parameters ---------------------------------
    def content_type(self):
        r = self.r
        ct = r.choice([
            'image/jpeg', 'application/octet-stream', 'text/plain; charset=utf-8', 'application/json',
            'video/mp4', 'image/svg+xml', 'text/csv', 'application/pdf', 'text/html; charset=UTF-8',
            'multipart/mixed; boundary=x7', 'application/vnd.ms-excel',
        ])
        if ' ' in ct and r.random() < 0.15:
            ct = ct.replace(' ', '   ')  # inner run of spaces: both sides collapse it
        return ct

    def put_extras(self):
        r = self.r
        pool = [
            ('CacheControl', lambda: r.choice(['no-cache', 'max-age=3600, public', 'private,  no-store'])),
            ('ContentDisposition', lambda: 'attachment; filename="%s.bin"' % self.word()),
            ('ContentLanguage', lambda: r.choice(['en-US', 'de-DE'])),
            ('ACL', lambda: r.choice(['private', 'public-read', 'bucket-owner-full-control'])),
            ('StorageClass', lambda: r.choice(['STANDARD_IA', 'GLACIER_IR', 'INTELLIGENT_TIERING'])),
            ('ServerSideEncryption', lambda: r.choice(['AES256', 'aws:kms'])),
            ('Tagging', lambda: 'project=%s&env=prod' % self.word()),
            ('Metadata', lambda: {self.word(2, 8, string.ascii_lowercase + '-'): self.word(1, 12, ALNUM + ' -_.')
                                  .strip() or 'x'}),
        ]
        out = {}
        for name, fn in r.sample(pool, r.randint(1, 3)):
            out[name] = fn()
        return out

    # ---- credentials, dates, expiry ----------------------------------------
    def credentials(self):
        r = self.r
        tok = random_b64_token(r) if r.random() < 0.4 else None
        return random_key_pair(r, 'ASIA' if tok else 'AKIA') + (tok,)

    def signing_date(self):
        return random_signing_date(self.r, first_below=0.02, last_below=0.04, day_end_below=0.12,
                                   midnight_below=0.18, leap_day_below=0.22)

    def expires(self):
        return random_expires(self.r, [60, 300, 900, 3600, 86400], typical_below=0.35)


# ---------------------------------------------------------------------------
# our documented rules (a Python port of src/s3.ts, used as the reference;
# the bucket-name and addressing rules are in oracle_common.py)
# ---------------------------------------------------------------------------

def our_url(loc):
    """Base URL (before '?') and raw query pairs per our documented rules."""
    bucket, key = loc['bucket'], loc['key']
    scheme, host, prefix, virtual = s3_addressing(loc)
    if virtual:
        assert is_dns_bucket(bucket), bucket
        base = '%s://%s.%s%s/%s' % (scheme, bucket, host, prefix, enc_key(key))
    else:
        base = '%s://%s%s/%s/%s' % (scheme, host, prefix, bucket, enc_key(key))
    pairs = list(loc.get('query', {}).items())
    names = {'cacheControl': 'response-cache-control', 'contentDisposition': 'response-content-disposition',
             'contentEncoding': 'response-content-encoding', 'contentLanguage': 'response-content-language',
             'contentType': 'response-content-type', 'expires': 'response-expires'}
    for k, v in loc.get('responseOverrides', {}).items():
        pairs.append((names[k], v))
    if 'versionId' in loc:
        pairs.append(('versionId', loc['versionId']))
    return base, pairs, virtual


def reference(case):
    """Canonical request, string to sign, signature, base URL and query params per our rules."""
    loc, opt = case['location'], case['options']
    creds = opt['credentials']
    base, pairs, _ = our_url(loc)
    parts = urlsplit(base)
    host = parts.hostname + (':%d' % parts.port if parts.port is not None else '')
    amz = amz_date(case['date'])
    scope = credential_scope(amz[:8], loc['region'], 's3')
    hdrs = sigv4_canonical_headers({'host': host, **opt.get('headers', {})})
    signed = ';'.join(hdrs)
    auth = [('X-Amz-Algorithm', 'AWS4-HMAC-SHA256'), ('X-Amz-Credential', creds['accessKeyId'] + '/' + scope),
            ('X-Amz-Date', amz), ('X-Amz-Expires', str(opt['expiresIn'])), ('X-Amz-SignedHeaders', signed)]
    if 'sessionToken' in creds:
        auth.append(('X-Amz-Security-Token', creds['sessionToken']))
    all_pairs = sorted((uri_encode(k), uri_encode(v)) for k, v in pairs + auth)
    cr = sigv4_canonical_request(opt['method'], parts.path, '&'.join('%s=%s' % kv for kv in all_pairs), hdrs,
                                 'UNSIGNED-PAYLOAD')
    sts = sigv4_string_to_sign(amz, scope, cr)
    sig = sigv4_signature(creds['secretAccessKey'], amz[:8], loc['region'], 's3', sts)
    params = sorted(['%s=%s' % kv for kv in all_pairs] + ['X-Amz-Signature=' + sig])
    return base, params, cr, sts, sig


# ---------------------------------------------------------------------------
# case builders
# ---------------------------------------------------------------------------

OVERRIDE_FIELDS = {
    'ResponseCacheControl': 'cacheControl', 'ResponseContentDisposition': 'contentDisposition',
    'ResponseContentEncoding': 'contentEncoding', 'ResponseContentLanguage': 'contentLanguage',
    'ResponseContentType': 'contentType', 'ResponseExpires': 'expires',
}
PUT_HEADERS = {
    'ContentType': 'content-type', 'CacheControl': 'cache-control', 'ContentDisposition': 'content-disposition',
    'ContentLanguage': 'content-language', 'ACL': 'x-amz-acl', 'StorageClass': 'x-amz-storage-class',
    'ServerSideEncryption': 'x-amz-server-side-encryption', 'Tagging': 'x-amz-tagging',
}
OPS = [('get_object', 36), ('put_object', 30), ('head_object', 12), ('delete_object', 14), ('upload_part', 8)]
METHODS = {'get_object': 'GET', 'put_object': 'PUT', 'head_object': 'HEAD', 'delete_object': 'DELETE',
           'upload_part': 'PUT', 'list_objects_v2': 'GET'}


def operation(g, op, bucket, key):
    """botocore Params plus the matching location fields and headers."""
    r = g.r
    params = {'Bucket': bucket, 'Key': key}
    loc = {}
    headers = {}
    if op in ('get_object', 'head_object', 'delete_object') and r.random() < 0.3:
        params['VersionId'] = loc['versionId'] = g.version_id()
    if op == 'get_object' and r.random() < 0.45 or op == 'head_object' and r.random() < 0.2:
        ov = g.response_overrides()
        params.update(ov)
        loc['responseOverrides'] = {OVERRIDE_FIELDS[k]: v for k, v in ov.items()}
    if op == 'put_object':
        if r.random() < 0.6:
            params['ContentType'] = g.content_type()
        if r.random() < 0.25:
            params.update(g.put_extras())
        for p, h in PUT_HEADERS.items():
            if p in params:
                headers[h] = params[p]
        # SigV4QueryAuth would silently drop this content type before signing
        assert 'x-www-form-urlencoded' not in params.get('ContentType', ''), FORM_CT
        for mk, mv in params.get('Metadata', {}).items():
            headers['x-amz-meta-' + mk] = mv
    if op == 'upload_part':
        params['PartNumber'] = r.choice([1, 2, 3, 10, 999, 10000, r.randint(1, 10000)])
        params['UploadId'] = g.word(40, 90, ALNUM + '._-') if r.random() < 0.7 else g.word(30, 60, ALNUM + '+/=')
        loc['query'] = {'partNumber': str(params['PartNumber']), 'uploadId': params['UploadId']}
    return params, loc, headers


def pick_op(g):
    total = sum(w for _, w in OPS)
    x = g.r.randrange(total)
    for op, w in OPS:
        if x < w:
            return op
        x -= w
    raise AssertionError


def make_case(g, kind, op=None, key=None, bucket=None):
    """One case of `kind`: where the bucket lives and how the style is chosen."""
    r = g.r
    endpoint = None
    force = None  # our location.forcePathStyle (None = not given)
    style = 'virtual'  # botocore addressing_style
    region = r.choice(AWS_REGIONS)
    if kind == 'aws-virtual':
        bucket = bucket or g.bucket_plain()
    elif kind == 'aws-dotted':
        bucket = bucket or g.bucket_dotted()  # default: path style over https (botocore 'virtual' falls back too)
    elif kind == 'aws-path':
        bucket = bucket or r.choice([g.bucket_plain, g.bucket_plain, g.bucket_dotted])()
        force, style = True, 'path'
    elif kind == 'aws-legacy':
        bucket = bucket or g.bucket_legacy()  # default: path style; botocore 'virtual' falls back to path
        region = 'us-east-1' if r.random() < 0.6 else region
    elif kind == 'aws-endpoint':
        bucket = bucket or r.choice([g.bucket_plain, g.bucket_plain, g.bucket_dotted])()
        region = r.choice(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'cn-north-1'])
        endpoint = r.choice([
            'https://s3.dualstack.%s.%s' % (region, amazonaws_domain(region)),
            'https://s3.%s.%s' % (region, amazonaws_domain(region)),
        ])
        if region == 'us-east-1' and r.random() < 0.4:
            endpoint = 'https://s3.amazonaws.com'
    elif kind == 'ip':
        bucket = bucket or r.choice([g.bucket_plain, g.bucket_plain, g.bucket_dotted, g.bucket_legacy])()
        endpoint, style, region = 'http://127.0.0.1:9000', 'path', r.choice(CUSTOM_REGIONS)
        force = True if r.random() < 0.25 else None
    elif kind in ('localhost', 'minio', 'r2', 'prefix'):
        if kind == 'localhost':
            endpoint, region = 'http://localhost:4566', r.choice(CUSTOM_REGIONS)
        elif kind == 'minio':
            endpoint = r.choice(['https://minio.example.com:9000'] * 3 + ['http://minio.example.com:9000'])
            region = r.choice(CUSTOM_REGIONS)
        elif kind == 'r2':
            endpoint, region = 'https://%s.r2.cloudflarestorage.com' % g.word(32, 32, HEX), 'auto'
        else:
            endpoint = r.choice(['https://storage.example.com/s3', 'https://storage.example.com/s3/',
                                 'http://localhost:8080/minio', 'https://gw.example.net:8443/a/b/'])
            region = r.choice(CUSTOM_REGIONS)
        https = endpoint.startswith('https:')
        if r.random() < 0.3:
            force, style = False, 'virtual'
            # a dotted bucket is only virtual-hosted by both sides over http
            bucket = bucket or (g.bucket_dotted() if not https and r.random() < 0.4 else g.bucket_plain())
        else:
            style = 'path'
            force = True if r.random() < 0.2 else None
            bucket = bucket or r.choice([g.bucket_plain, g.bucket_plain, g.bucket_dotted, g.bucket_legacy])()
    elif kind == 'list':
        bucket = bucket or g.bucket_plain()
        op = 'list_objects_v2'
    else:
        raise ValueError(kind)

    if op == 'list_objects_v2':
        params = {'Bucket': bucket}
        query = {'list-type': '2'}
        if r.random() < 0.7:
            params['Prefix'] = query['prefix'] = g.key()[:r.randint(1, 12)]
        if r.random() < 0.4:
            params['Delimiter'] = query['delimiter'] = '/'
        if r.random() < 0.3:
            params['MaxKeys'] = r.choice([1, 100, 1000])
            query['max-keys'] = str(params['MaxKeys'])
        query['encoding-type'] = 'url'  # botocore always adds it
        key, loc_extra, headers = '', {'query': query}, {}
    else:
        op = op or pick_op(g)
        key = g.key() if key is None else key
        params, loc_extra, headers = operation(g, op, bucket, key)

    location = {'bucket': bucket, 'key': key, 'region': region}
    if endpoint is not None:
        location['endpoint'] = endpoint
    if force is not None:
        location['forcePathStyle'] = force
    location.update(loc_extra)
    options = {'credentials': credentials_object(*g.credentials()), 'method': METHODS[op]}
    if headers:
        options['headers'] = headers
    options['expiresIn'] = g.expires()
    date = g.signing_date()
    options['signingDate'] = iso_date(date)
    return {'kind': kind, 'op': op, 'params': params, 'style': style, 'endpoint': endpoint,
            'location': location, 'options': options, 'date': date}


# ---------------------------------------------------------------------------
# signing with botocore's S3 client (the oracle)
# ---------------------------------------------------------------------------

SESSION = botocore.session.get_session()


def make_client(case):
    loc, creds = case['location'], case['options']['credentials']
    cfg = botocore.config.Config(
        signature_version='s3v4',
        s3={'addressing_style': case['style'], 'us_east_1_regional_endpoint': 'regional'},
        request_checksum_calculation='when_required',
        response_checksum_validation='when_required',
    )
    return SESSION.create_client(
        's3', region_name=loc['region'], endpoint_url=case['endpoint'], config=cfg,
        aws_access_key_id=creds['accessKeyId'], aws_secret_access_key=creds['secretAccessKey'],
        aws_session_token=creds.get('sessionToken'))


def botocore_presign(case):
    cls = botocore.auth.S3SigV4QueryAuth  # plain SigV4 query auth, not S3 Express etc.
    client = make_client(case)
    with captured_signing_steps(cls) as captured, frozen_clock(case['date']):
        url = client.generate_presigned_url(case['op'], Params=case['params'],
                                            ExpiresIn=case['options']['expiresIn'],
                                            HttpMethod=case['options']['method'])
    return (url,) + single_signing(captured, cls)


def split_url(url):
    base, _, query = url.partition('?')
    return base, sorted(query.split('&'))


def sign_and_check(case):
    url, cr, sts, sig = botocore_presign(case)
    creds = case['options']['credentials']
    check_captured_presign(url, cr, sts, sig, case['date'], creds['secretAccessKey'], case['location']['region'], 's3')
    base, params = split_url(url)
    for p in params:
        name = p.split('=', 1)[0].lower()
        assert name != 'x-id' and 'checksum' not in name, ('botocore added a parameter we do not model', url)
    signed_headers = cr.split('\n')[-2].split(';')
    assert not any('checksum' in h for h in signed_headers), ('botocore signed a checksum header', cr)
    ref = reference(case)
    got = (base, params, cr, sts, sig)
    assert ref == got, '\n---\n'.join(['our rules and botocore disagree for %s %r' % (case['kind'], case['location']),
                                       repr(ref), repr(got)])
    return url, cr, sts, sig


def to_json_case(name, case, url, cr, sts, sig):
    call = {'clientMethod': case['op'], 'addressingStyle': case['style'], 'params': case['params']}
    return {
        'name': name,
        'location': case['location'],
        'options': case['options'],
        'expected': {'url': url, 'canonicalRequest': cr, 'stringToSign': sts, 'signature': sig},
        'botocoreCall': call,
    }


# Inputs the brief names explicitly, each pinned to one case.
PINNED = [
    ('aws-virtual', 'get_object', "a b+c%/d é😀!'()*", None,
     {'ResponseContentDisposition': 'attachment; filename="r(1).bin"', 'ResponseContentType': 'text/plain; charset=utf-8'}),
    ('aws-virtual', 'put_object', '&=?#;:@,$/x', None, None),
    ('aws-virtual', 'get_object', '//double//slash', None, None),
    ('aws-virtual', 'head_object', '/leading/slash', None, None),
    ('aws-virtual', 'delete_object', 'trailing/slash/', None, None),
    ('aws-virtual', 'get_object', '🪣/𝄞 astral/👍🏽', None, None),
    ('aws-dotted', 'get_object', 'photos/2024/a b.jpg', 'my.bucket.example', None),
    ('aws-legacy', 'get_object', 'legacy/Key', 'My_Legacy_Bucket', None),
    ('localhost', 'put_object', 'upload/file name.txt', None, None),
    ('r2', 'get_object', 'r2/object+1', None, {'ResponseContentDisposition': "inline; filename*=UTF-8''%E2%82%AC.txt"}),
]


def main():
    g = Gen(SEED)
    plan_counts = [('aws-virtual', 95), ('aws-dotted', 25), ('aws-path', 25), ('aws-legacy', 12),
                   ('aws-endpoint', 14), ('ip', 24), ('localhost', 26), ('minio', 26), ('r2', 26),
                   ('prefix', 12), ('list', 8)]
    plan = [k for k, n in plan_counts for _ in range(n)]
    g.r.shuffle(plan)

    cases = []
    counters = {}

    def add(case, prefix):
        counters[prefix] = counters.get(prefix, 0) + 1
        name = '%s-%s-%04d' % (prefix, case['op'].replace('_object', '').replace('_', '-'), counters[prefix])
        cases.append(to_json_case(name, case, *sign_and_check(case)))

    # The example from the AWS S3 documentation ("Authenticating Requests: Using
    # Query Parameters"), on the global endpoint given explicitly, pinned to its
    # published signature.
    doc = {
        'kind': 'awsdoc', 'op': 'get_object', 'params': {'Bucket': 'examplebucket', 'Key': 'test.txt'},
        'style': 'virtual', 'endpoint': 'https://s3.amazonaws.com',
        'location': {'bucket': 'examplebucket', 'key': 'test.txt', 'region': 'us-east-1',
                     'endpoint': 'https://s3.amazonaws.com'},
        'options': {'credentials': {'accessKeyId': AWS_DOC_ACCESS_KEY_ID,
                                    'secretAccessKey': AWS_DOC_SECRET_ACCESS_KEY},
                    'method': 'GET', 'expiresIn': 86400, 'signingDate': '2013-05-24T00:00:00Z'},
        'date': datetime.datetime(2013, 5, 24),
    }
    add(doc, 'awsdoc')
    assert cases[-1]['expected']['signature'] == AWS_DOC_S3_PRESIGN_SIGNATURE

    for kind, op, key, bucket, ov in PINNED:
        case = make_case(g, kind, op=op, key=key, bucket=bucket)
        if ov is not None:
            for p in OVERRIDE_FIELDS:
                case['params'].pop(p, None)
            case['params'].update(ov)
            case['location']['responseOverrides'] = {OVERRIDE_FIELDS[k]: v for k, v in ov.items()}
        add(case, 'pinned-' + kind)

    for kind in plan:
        add(make_case(g, kind), kind)

    # ---- coverage -------------------------------------------------------
    names = [c['name'] for c in cases]
    assert len(set(names)) == len(names)
    assert len(cases) >= 250, len(cases)
    locs = [c['location'] for c in cases]
    keys = [l['key'] for l in locs]

    def count(pred):
        return sum(1 for x in keys if pred(x))

    for ch in " +%!'()*&=?#;:@,$":
        assert count(lambda k, ch=ch: ch in k) >= 3, ('key feature missing', ch)
    assert count(lambda k: any(ord(c) > 0x7f for c in k)) >= 20
    assert count(lambda k: any(ord(c) > 0xffff for c in k)) >= 5
    assert count(lambda k: '//' in k) >= 5
    assert count(lambda k: k.startswith('/')) >= 5
    assert count(lambda k: k.endswith('/')) >= 5
    regions = {l['region'] for l in locs}
    assert {'us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'auto'} <= regions, regions
    endpoints = {re.sub(r'^https://[0-9a-f]{32}\.', 'https://<account>.', l.get('endpoint', '')) for l in locs}
    assert {'http://127.0.0.1:9000', 'http://localhost:4566', 'https://minio.example.com:9000',
            'https://<account>.r2.cloudflarestorage.com'} <= endpoints, endpoints
    methods = [c['options']['method'] for c in cases]
    assert all(methods.count(m) >= 20 for m in ('GET', 'PUT', 'HEAD', 'DELETE')), methods
    puts = [c for c in cases if c['botocoreCall']['clientMethod'] == 'put_object']
    assert sum(1 for c in puts if 'content-type' in c['options'].get('headers', {})) >= 20
    assert sum(1 for c in puts if 'headers' not in c['options']) >= 10
    assert sum(1 for l in locs if l.get('forcePathStyle') is False) >= 15
    assert sum(1 for l in locs if l.get('forcePathStyle') is True) >= 25
    assert sum(1 for l in locs if 'versionId' in l) >= 20
    assert sum(1 for l in locs if 'responseOverrides' in l) >= 25
    tokens = sum(1 for c in cases if 'sessionToken' in c['options']['credentials']) / len(cases)
    assert 0.3 <= tokens <= 0.5, tokens
    virtual = sum(1 for l in locs if our_url(l)[2])
    assert 100 <= virtual <= len(cases) - 100, virtual

    out = write_vectors_json(OUT_NAME, vectors_document('gen-s3-vectors.py', SEED, cases))
    print('wrote %d cases (%d virtual-hosted, %d path style, %.0f%% with a session token) to %s'
          % (len(cases), virtual, len(cases) - virtual, tokens * 100, out))
    print('  by kind: ' + ', '.join('%s %d' % kv for kv in sorted(counters.items())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
