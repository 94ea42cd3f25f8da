#!/usr/bin/env python3
"""Generate SigV4 query-string presigning test vectors from botocore.

What it generates
-----------------
``vectors/botocore-presign.json``: a few hundred seeded, random presign cases,
covering S3 (``botocore.auth.S3SigV4QueryAuth``) and other services
(``botocore.auth.SigV4QueryAuth``: sts, rds-db, execute-api, lambda, es,
iotdevicegateway, kafka-cluster, dsql, elasticache, service). For each case it
records the request we passed to botocore (method, URL, extra headers), the
signing options (credentials, region, service, expiresIn, signingDate), and
what botocore produced: the presigned URL and the canonical request, string to
sign and signature exactly as botocore computed them while signing (captured
by wrapping those methods of the auth class).

botocore is the oracle. Time is frozen per case by patching
``botocore.auth.get_current_datetime``, which is what ``SigV4Auth.add_auth``
reads the clock through in botocore 1.43.x. The script checks every case before
writing it:
  * X-Amz-Date in the URL is the frozen date;
  * signature = HMAC chain (AWS4+secret -> date -> region -> service ->
    aws4_request) over the captured string to sign, done here with
    hmac/hashlib, and equal to X-Amz-Signature in the URL;
  * the string to sign holds SHA-256 of the captured canonical request;
  * an independent, plain SigV4 implementation in this script (RFC 3986
    remove_dot_segments, then collapsing empty segments, for non-S3 paths)
    gives the same canonical request and the same URL. This is the check that
    we only kept inputs on which botocore does a plain SigV4 presign.

The frozen clock, the capture, the HMAC chain and the other SigV4 pieces, the
random credential/date/expiry generators and the JSON writing are shared with
the other generators in ``scripts/oracle_common.py``.

botocore quirks this generator avoids (see botocore/auth.py, botocore/utils.py)
------------------------------------------------------------------------------
* SigV4QueryAuth re-parses the URL's existing query with ``parse_qs``: ``+``
  becomes a space, only the first value of a repeated key is kept, ``k`` (no
  ``=``) becomes ``k=``, invalid UTF-8 ``%XX`` becomes U+FFFD, then it is
  re-emitted percent-encoded (``quote(safe='-_.~')``) in first-seen key order.
  So input query params are always already canonically encoded (RFC 3986
  unreserved kept, everything else upper-case ``%XX`` of UTF-8), unique keys,
  always ``k=v`` (``v`` may be empty), no raw ``+``, and no key starting with
  ``x-amz-`` (which could collide with the auth params it appends). On such
  input the existing query survives byte for byte. The exception on purpose:
  the ``plus-*`` cases (PLUS_PLAN, their own seed) write the query as a form
  does, ``+`` for a space; botocore reads that as a space, as S3 does, and
  re-emits ``%20``, and so must presign.
* SigV4QueryAuth deletes a ``content-type`` header equal to
  ``application/x-www-form-urlencoded; charset=utf-8``; we never send any
  form-urlencoded content type.
* Headers botocore never signs (SIGNED_HEADERS_BLACKLIST: connection, expect,
  keep-alive, proxy-authenticate, proxy-authorization, te, trailer,
  transfer-encoding, upgrade, user-agent, x-amzn-trace-id) are never used.
  Nor are host, authorization, date, x-amz-date, x-amz-security-token or
  x-amz-content-sha256 (the last replaces the payload hash if present), nor
  two names that differ only in case (botocore keeps both and joins values
  with ",").
* Header values are printable ASCII, non-blank, may have leading/trailing
  spaces and inner runs of spaces (botocore does ' '.join(v.split())).
* Request bodies: SigV4QueryAuth never hashes a body. If ``data`` is truthy it
  json-loads it (a non-JSON string raises) and merges the object's keys into
  the query string, then clears the body; the payload hash is then SHA-256 of
  the empty string. So no case passes a body (``request.body`` never appears).
  Payload hash is UNSIGNED-PAYLOAD for S3 and SHA-256("") otherwise.
* Host: derived from the URL (lower-cased hostname, port kept unless it is the
  scheme default 80/443). We never put an explicit default port in a URL
  (botocore would keep ":443" in the presigned URL while dropping it from the
  host header; a WHATWG URL parser drops it from the URL too).
* Non-S3 paths: botocore drops empty segments and ``.``, pops on ``..`` and
  keeps a trailing ``/`` only if the path ended in ``/`` and something is
  left, then quotes the result again (``%20`` -> ``%2520``). That differs from
  RFC 3986 when a path ends in ``/.`` or ``/..`` (``/a/b/..`` -> ``/a``, not
  ``/a/``) and when ``..`` follows an empty segment (``/a//../b`` -> ``/b``),
  so generated paths have neither. S3 paths are signed as-is, so S3 keys never
  have a ``.`` or ``..`` segment (a WHATWG URL parser would remove them).
* The URL always has a path (at least ``/``) and no fragment.

Run
---
    python3 scripts/gen-vectors.py        # (npm run vectors)

Needs python3 and botocore, no network. Output is deterministic: the same
seed and botocore version give a byte-identical file.
"""

import base64
import datetime
import os
import string
import sys
from urllib.parse import quote, urlsplit

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import (  # noqa: E402
    ALNUM, AWS_DOC_ACCESS_KEY_ID, AWS_DOC_S3_PRESIGN_SIGNATURE, AWS_DOC_SECRET_ACCESS_KEY, EMPTY_SHA256, HEX,
    LOWER_ALNUM, SeededGen, amazonaws_domain, amz_date, captured_signing_steps,
    check_captured_presign, credential_scope, credentials_object, frozen_clock, iso_date, random_b64_token,
    random_expires, random_key_pair, random_signing_date, sigv4_canonical_headers, sigv4_canonical_request,
    sigv4_signature, sigv4_string_to_sign, single_signing, uri_encode, vectors_document,
    write_vectors_json,
)

SEED = 20240611
OUT_NAME = 'botocore-presign.json'

REGIONS = [
    'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2',
    'ap-northeast-1', 'sa-east-1', 'cn-north-1', 'us-gov-west-1',
]
SPECIAL = "!'()*&=?#;:@,$[]{}^|<>\"`\\+%"
UNRESERVED_EXTRA = '-_.~'
UNICODE_BITS = [
    'é', 'ü', 'ñ', '日本語', '😀', '🚀', '👍🏽', 'Привет', 'ключ', 'مرحبا',
    'ß', 'Ω', '中文', '한국어', 'ä', 'e\u0301', '\u00a0', '€', 'ø', '𝄞',
]

FORBIDDEN_HEADERS = set(botocore.auth.SIGNED_HEADERS_BLACKLIST) | {
    'host', 'authorization', 'date', 'x-amz-date', 'x-amz-security-token',
    'x-amz-content-sha256',
}
BLACKLISTED_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8'


class Gen(SeededGen):
    # ---- primitive pieces (word, printable_value: SeededGen) ---------------
    def fancy_text(self, n1=1, n2=8, allow_slash=False):
        """Random mix of ASCII, spaces, specials, unreserved and unicode."""
        r = self.r
        parts = []
        for _ in range(r.randint(n1, n2)):
            x = r.random()
            if x < 0.40:
                parts.append(''.join(r.choice(ALNUM) for _ in range(r.randint(1, 6))))
            elif x < 0.58:
                parts.append(r.choice(SPECIAL))
            elif x < 0.73:
                parts.append(r.choice(UNICODE_BITS))
            elif x < 0.83:
                parts.append(r.choice(UNRESERVED_EXTRA))
            elif x < 0.95 or not allow_slash:
                parts.append(' ' * r.choice([1, 1, 1, 2]))
            else:
                parts.append('/')
        return ''.join(parts)

    def segment_text(self):
        while True:
            s = self.fancy_text(1, 6)
            if s not in ('.', '..'):
                return s

    # ---- S3 keys ---------------------------------------------------------
    def s3_key(self):
        r = self.r
        if r.random() < 0.25:
            # realistic plain keys
            parts = [self.word(2, 8, LOWER_ALNUM) for _ in range(r.randint(0, 3))]
            parts.append(self.word(2, 10, ALNUM + '-_') + r.choice(
                ['.jpg', '.txt', '.tar.gz', '.json', '', '.bin', '~1']))
            return '/'.join(parts)
        while True:
            segs = []
            if r.random() < 0.1:
                segs.append('')  # leading '/' in the key
            for i in range(r.randint(1, 5)):
                if i and r.random() < 0.12:
                    segs.append('')  # '//' (empty segment)
                segs.append(self.segment_text())
            if r.random() < 0.12:
                segs.append('')  # trailing '/'
            key = '/'.join(segs)
            if key and all(s not in ('.', '..') for s in key.split('/')):
                return key

    # ---- non-S3 paths ----------------------------------------------------
    def service_path(self, prefix_segments=(), min_segs=0, max_segs=5):
        """Already percent-encoded path, with some //, /./, /../ and trailing /."""
        r = self.r
        segs = list(prefix_segments)
        for _ in range(r.randint(min_segs, max_segs)):
            x = r.random()
            if x < 0.35:
                segs.append(self.word(1, 8, ALNUM + '-_'))
            else:
                segs.append(quote(self.segment_text(), safe='/~'))
        # insert special segments at inner positions
        if segs and r.random() < 0.45:
            for _ in range(r.randint(1, 3)):
                pos = r.randint(0, len(segs) - 1)  # before an existing segment
                segs.insert(pos, r.choice(['', '.', '..', '..', '.']))
        # drop a '..' that follows an empty segment (possibly with '.' segments
        # in between): botocore drops empty segments before resolving '..',
        # RFC 3986 resolves first, e.g. /a//../b is /b vs /a/b.
        cleaned = []
        for s in segs:
            if s == '..':
                prev = [p for p in cleaned if p != '.']
                if prev and prev[-1] == '':
                    continue
            cleaned.append(s)
        segs = cleaned
        # last segment must not be a dot segment
        while segs and segs[-1] in ('.', '..'):
            segs.pop()
        path = '/' + '/'.join(segs)
        if segs and segs[-1] != '' and r.random() < 0.25:
            path += '/'
        assert not path.endswith('/.') and not path.endswith('/..')
        return path

    # ---- query params ----------------------------------------------------
    def random_value(self):
        r = self.r
        x = r.random()
        if x < 0.15:
            return ''
        if x < 0.35:
            return self.word(1, 12, ALNUM)
        return self.fancy_text(1, 6, allow_slash=True)

    def generic_param(self):
        r = self.r
        c = r.randrange(8)
        if c == 0:
            return [('a', self.random_value())]
        if c == 1:
            return [('x-id', r.choice(['GetObject', 'PutObject', 'HeadObject', 'List', 'x y']))]
        if c == 2:
            k = self.word(1, 6, string.ascii_letters)
            return [(k.capitalize(), self.random_value()), (k.lower(), self.random_value())]
        if c == 3:
            return [(r.choice(['Z', '_', '0', '~t', 'X-A', 'X-B', 'X-Amz', 'x-amzn', 'b']), self.random_value())]
        if c == 4:
            return [(self.fancy_text(1, 3), self.random_value())]
        if c == 5:
            return [(r.choice(UNICODE_BITS) + self.word(0, 3), self.random_value())]
        if c == 6:
            return [(self.word(2, 10, string.ascii_letters), '')]
        return [(self.word(2, 10, ALNUM + '-_.~'), self.random_value())]

    def s3_param(self, method):
        r = self.r
        c = r.randrange(12)
        if c == 0:
            return [('versionId', self.word(32, 32, ALNUM + '._'))]
        if c == 1:
            return [('response-content-disposition', r.choice([
                'attachment; filename="r(1).bin"',
                'inline',
                'attachment; filename="%s.pdf"' % self.word(),
                "attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt",
                'attachment; filename="résumé 2024 (final).pdf"',
                'attachment; filename="a+b=c&d.txt"',
            ]))]
        if c == 2:
            return [('response-content-type', r.choice([
                'text/plain; charset=utf-8', 'image/png', 'application/octet-stream',
                'application/json', 'text/html;charset=ISO-8859-1']))]
        if c == 3:
            return [('response-cache-control', r.choice(['no-cache', 'max-age=3600, must-revalidate']))]
        if c == 4:
            return [('response-expires', 'Thu, 01 Dec 1994 16:00:00 GMT')]
        if c == 5:
            return [('partNumber', str(r.randint(1, 10000)))]
        if c == 6:
            return [('uploadId', self.token(40, 90))]
        if c == 7:
            return [(r.choice(['tagging', 'acl', 'attributes', 'torrent', 'retention']), '')]
        if c == 8:
            return [('response-content-language', r.choice(['en-US', 'fr', 'zh-Hant']))]
        return self.generic_param()

    def params(self, producer, n_max, base=()):
        pairs = list(base)
        for _ in range(self.r.randint(1, n_max)):
            for k, v in producer():
                if not k or k.lower().startswith('x-amz-'):
                    continue
                if any(k == pk for pk, _ in pairs):
                    continue
                pairs.append((k, v))
        return pairs

    # ---- headers ---------------------------------------------------------
    def mess(self, value):
        """Add leading/trailing spaces and inner runs of spaces."""
        r = self.r
        if ' ' in value and r.random() < 0.35:
            value = ''.join(c * r.randint(2, 4) if c == ' ' and r.random() < 0.6 else c for c in value)
        if r.random() < 0.25:
            value = ' ' * r.randint(1, 3) + value
        if r.random() < 0.25:
            value = value + ' ' * r.randint(1, 3)
        return value

    def style(self, name):
        r = self.r
        x = r.random()
        if x < 0.5:
            return name
        if x < 0.75:
            return name.lower()
        if x < 0.95:
            return '-'.join(p.capitalize() for p in name.split('-'))
        return name.upper()

    def b64(self, nbytes):
        return base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(nbytes))).decode()

    def s3_header(self, method):
        r = self.r
        common = [
            lambda: ('X-Amz-Meta-' + self.word(1, 8, string.ascii_letters).capitalize(), self.printable_value()),
            lambda: ('x-amz-meta-' + self.word(2, 8), self.mess(self.printable_value())),
            lambda: ('X-Custom-' + self.word(2, 6).capitalize(), self.mess(self.printable_value())),
            lambda: ('x-amz-expected-bucket-owner', self.word(12, 12, string.digits)),
            lambda: ('x-amz-request-payer', 'requester'),
        ]
        if method == 'PUT':
            specific = [
                lambda: ('Content-Type', self.mess(r.choice([
                    'image/jpeg', 'application/octet-stream', 'text/plain; charset=utf-8',
                    'text/plain;  charset=UTF-8', 'application/json', 'video/mp4',
                    'multipart/form-data; boundary=----x7']))),
                lambda: ('x-amz-acl', r.choice(['private', 'public-read', 'bucket-owner-full-control'])),
                lambda: ('Content-MD5', self.b64(16)),
                lambda: ('x-amz-server-side-encryption', r.choice(['AES256', 'aws:kms', 'aws:kms:dsse'])),
                lambda: ('x-amz-storage-class', r.choice(['STANDARD_IA', 'GLACIER', 'INTELLIGENT_TIERING'])),
                lambda: ('Cache-Control', self.mess(r.choice(['no-cache', 'max-age=3600, public', 'private,  no-store']))),
                lambda: ('Content-Disposition', self.mess('attachment; filename="%s.bin"' % self.word())),
                lambda: ('Content-Encoding', r.choice(['gzip', 'br', 'identity'])),
                lambda: ('Content-Language', r.choice(['en-US', 'de-DE'])),
                lambda: ('x-amz-tagging', 'project=%s&env=prod' % self.word()),
                lambda: ('x-amz-checksum-crc32', self.b64(4)),
            ]
        elif method in ('GET', 'HEAD'):
            specific = [
                lambda: ('range', 'bytes=%d-%d' % (lambda a: (a, a + r.randint(0, 10 ** 6)))(r.randint(0, 10 ** 6))),
                lambda: ('if-match', '"%s"' % self.word(32, 32, HEX)),
                lambda: ('If-None-Match', '"%s"' % self.word(32, 32, HEX)),
                lambda: ('If-Modified-Since', 'Wed, 21 Oct 2015 07:28:00 GMT'),
                lambda: ('x-amz-server-side-encryption-customer-algorithm', 'AES256'),
                lambda: ('x-amz-checksum-mode', 'ENABLED'),
            ]
        else:  # DELETE
            specific = [
                lambda: ('x-amz-bypass-governance-retention', 'true'),
                lambda: ('x-amz-mfa', '%s %s' % (self.word(12, 12, string.digits), self.word(6, 6, string.digits))),
            ]
        pool = specific * 2 + common
        return r.choice(pool)()

    def service_header(self, service):
        r = self.r
        pool = [
            lambda: ('content-type', self.mess(r.choice(['application/json', 'application/x-amz-json-1.1', 'text/plain; charset=utf-8']))),
            lambda: ('X-Amz-Target', r.choice(['AWSCognitoIdentityProviderService.InitiateAuth', 'DynamoDB_20120810.GetItem'])),
            lambda: ('Accept', self.mess(r.choice(['application/json', '*/*', 'text/html, application/xhtml+xml']))),
            lambda: ('X-Custom-' + self.word(2, 6).capitalize(), self.mess(self.printable_value())),
            lambda: ('x-amz-meta-' + self.word(2, 6), self.printable_value()),
        ]
        if service == 'execute-api':
            pool.append(lambda: ('x-api-key', self.word(40, 40, ALNUM)))
        return r.choice(pool)()

    def headers(self, producer, n_max):
        out = {}
        for _ in range(self.r.randint(1, n_max)):
            name, value = producer()
            name = self.style(name)
            if any(name.lower() == k.lower() for k in out):
                continue
            out[name] = value
        return out

    # ---- credentials, dates, expiry ------------------------------------------
    def token(self, n1=50, n2=400):
        return random_b64_token(self.r, n1, n2, inner_equals_p=0.3)

    def credentials(self, p_token=0.42):
        r = self.r
        tok = self.token() if r.random() < p_token else None
        prefix = ('ASIA' if r.random() < 0.85 else 'AKIA') if tok else ('AKIA' if r.random() < 0.9 else 'ASIA')
        return random_key_pair(r, prefix) + (tok,)

    def signing_date(self):
        return random_signing_date(self.r, first_below=0.01, last_below=0.02, day_end_below=0.10,
                                   midnight_below=0.18, leap_day_below=0.22)

    def expires(self, typical=(60, 300, 900, 3600, 86400)):
        return random_expires(self.r, typical, typical_below=0.30)


# ---------------------------------------------------------------------------
# case builders
# ---------------------------------------------------------------------------

def build_url(base, path, pairs):
    url = base + path
    if pairs:
        url += '?' + '&'.join(uri_encode(k) + '=' + uri_encode(v) for k, v in pairs)
    return url


def form_encode(s):
    """A query component as HTML forms and URLSearchParams write it: a space is '+', a plus '%2B'."""
    return uri_encode(s).replace('%20', '+')


PLUS_VALUES = ['a b', 'a b+c', 'a+b c', ' ', '+ ', '  two  spaces ', 'attachment; filename="x y+z (1).txt"', 'é ü+€']


def plus_case(g, c):
    """`c` with its query written as a form writes it (spaces as '+'), and one more parameter with spaces and pluses.

    botocore's parse_qs reads a '+' in the query as a space, as S3 does, and re-emits the query percent-encoded
    (`a+b` -> `a%20b`); the reference's URL is that re-encoded query (`canonical_url`).
    """
    r = g.r
    base = c['url'].split('?')[0]
    key = r.choice(['plus-', 'plus ', 'p+']) + g.word(1, 6, string.ascii_lowercase)
    pairs = list(c['pairs']) + [(key, r.choice(PLUS_VALUES))]
    assert len({k for k, _ in pairs}) == len(pairs)
    c = dict(c, pairs=pairs, canonical_url=build_url(base, '', pairs))
    c['url'] = base + '?' + '&'.join(form_encode(k) + '=' + form_encode(v) for k, v in pairs)
    assert '+' in c['url'].split('?')[1]
    return c


def s3_case(g, style):
    r = g.r
    method = r.choice(['GET', 'GET', 'PUT', 'PUT', 'HEAD', 'DELETE'])
    key = g.s3_key()
    qkey = quote(key, safe='/~')
    bucket = g.word(3, 20, LOWER_ALNUM) + r.choice(['', '-' + g.word(2, 8, LOWER_ALNUM)])
    region = r.choice(REGIONS)
    if style == 'virtual':
        if r.random() < 0.03:
            qkey = ''  # bucket-level request: path '/'
        base = 'https://%s.s3.%s.%s' % (bucket, region, amazonaws_domain(region))
        path = '/' + qkey
    elif style == 'path':
        if r.random() < 0.3:
            bucket = bucket + '.' + g.word(2, 6)  # dotted bucket names are fine path-style
        if region == 'us-east-1' and r.random() < 0.3:
            base = 'https://s3.amazonaws.com'
        else:
            base = 'https://s3.%s.%s' % (region, amazonaws_domain(region))
        path = '/%s/%s' % (bucket, qkey)
    elif style == 'ip':
        base = 'http://127.0.0.1:%d' % r.randint(1024, 65535)
        path = '/%s/%s' % (bucket, qkey)
    elif style == 'localhost':
        base = 'http://localhost:%d' % r.randint(1024, 65535)
        path = '/%s/%s' % (bucket, qkey)
    elif style == 'r2':
        region = 'auto'
        base = 'https://%s.r2.cloudflarestorage.com' % g.word(32, 32, HEX)
        path = '/%s/%s' % (bucket, qkey)
    elif style == 'minio':
        base = r.choice(['https://minio.example.com:9000', 'http://minio.example.com:9000',
                         'https://minio.example.com', 'http://storage.internal.example:8080'])
        path = '/%s/%s' % (bucket, qkey)
    else:
        raise ValueError(style)
    pairs = g.params(lambda: g.s3_param(method), 4) if r.random() < 0.4 else []
    headers = g.headers(lambda: g.s3_header(method), 4) if r.random() < (0.6 if method == 'PUT' else 0.3) else {}
    return {
        'method': method,
        'url': build_url(base, path, pairs),
        'pairs': pairs,
        'headers': headers,
        'region': region,
        'service': 's3',
        'creds': g.credentials(),
        'expires': g.expires(),
        'date': g.signing_date(),
    }


def other_case(g, service):
    r = g.r
    region = r.choice(REGIONS)
    method = r.choice(['GET', 'POST'])
    extra_pairs_p = 0.35
    base_pairs = []
    expires_typical = (60, 300, 900, 3600, 86400)
    rand_path_p = 0.2
    if service == 'sts':
        if r.random() < 0.4:
            region = 'us-east-1'
            base = 'https://sts.amazonaws.com'
        else:
            base = 'https://sts.%s.%s' % (region, amazonaws_domain(region))
        if r.random() < 0.75:
            base_pairs = [('Action', 'GetCallerIdentity'), ('Version', '2011-06-15')]
        else:
            base_pairs = [('Action', 'AssumeRole'),
                          ('RoleArn', 'arn:aws:iam::%s:role/%s' % (g.word(12, 12, string.digits), g.word())),
                          ('RoleSessionName', g.word(2, 12, ALNUM + '=,.@-')),
                          ('Version', '2011-06-15')]
        path = '/'
        rand_path_p = 0.1
    elif service == 'rds-db':
        host = '%s.%s%s.%s.rds.%s' % (g.word(3, 12), r.choice(['', 'cluster-', 'cluster-ro-']),
                                      g.word(12, 12, LOWER_ALNUM), region, amazonaws_domain(region))
        base = 'https://%s:%d' % (host, r.choice([3306, 5432, 1433, r.randint(1024, 65535)]))
        user = r.choice([g.word(3, 10), 'iam_user', 'alice@example.com', g.fancy_text(1, 3)])
        base_pairs = [('Action', 'connect'), ('DBUser', user)]
        path = '/'
        expires_typical = (900,)
    elif service == 'execute-api':
        base = 'https://%s.execute-api.%s.%s' % (g.word(10, 10, LOWER_ALNUM), region, amazonaws_domain(region))
        path = g.service_path([r.choice(['prod', 'dev', 'v1', '$default', 'stage-2'])], 0, 5)
        rand_path_p = 0
    elif service == 'lambda':
        if r.random() < 0.5:
            base = 'https://lambda.%s.%s' % (region, amazonaws_domain(region))
            path = g.service_path(['2015-03-31', 'functions', g.word(3, 20, ALNUM + '-_'), 'invocations'], 0, 1)
        else:
            base = 'https://%s.lambda-url.%s.on.aws' % (g.word(32, 32, LOWER_ALNUM), region)
            path = g.service_path((), 0, 4)
        rand_path_p = 0
    elif service == 'es':
        base = 'https://search-%s-%s.%s.es.%s' % (g.word(3, 12), g.word(26, 26, LOWER_ALNUM), region, amazonaws_domain(region))
        path = g.service_path([r.choice(['_search', g.word(3, 10), '_cat', 'my-index'])], 0, 3)
        rand_path_p = 0
    elif service == 'iotdevicegateway':
        base = 'https://%s-ats.iot.%s.%s' % (g.word(14, 14, LOWER_ALNUM), region, amazonaws_domain(region))
        path = '/mqtt'
        rand_path_p = 0.25
    elif service == 'kafka-cluster':
        base = 'https://kafka.%s.%s' % (region, amazonaws_domain(region))
        base_pairs = [('Action', 'kafka-cluster:Connect')]
        path = '/'
    elif service == 'dsql':
        base = 'https://%s.dsql.%s.on.aws' % (g.word(26, 26, LOWER_ALNUM), region)
        base_pairs = [('Action', r.choice(['DbConnect', 'DbConnectAdmin']))]
        path = '/'
    elif service == 'elasticache':
        base = 'http://%s' % (g.word(3, 12) + r.choice(['', '-' + g.word(2, 6)]))
        base_pairs = [('Action', 'connect'), ('User', r.choice([g.word(3, 10), 'default', g.fancy_text(1, 3)]))]
        if r.random() < 0.3:
            base_pairs.append(('ResourceType', 'ServerlessCache'))
        path = '/'
    elif service == 'service':
        base = r.choice([
            'https://service.%s.%s' % (region, amazonaws_domain(region)),
            'https://example.amazonaws.com',
            'https://api.example.com',
            'http://localhost:%d' % r.randint(1024, 65535),
            'https://api.example.com:8443',
        ])
        path = g.service_path((), 0, 6)
        rand_path_p = 0
    else:
        raise ValueError(service)
    if r.random() < rand_path_p:
        path = g.service_path((), 1, 4)
    pairs = g.params(g.generic_param, 3, base_pairs) if r.random() < extra_pairs_p else list(base_pairs)
    headers = g.headers(lambda: g.service_header(service), 3) if r.random() < 0.3 else {}
    return {
        'method': method,
        'url': build_url(base, path, pairs),
        'pairs': pairs,
        'headers': headers,
        'region': region,
        'service': service,
        'creds': g.credentials(),
        'expires': g.expires(expires_typical),
        'date': g.signing_date(),
    }


# ---------------------------------------------------------------------------
# signing with botocore (the oracle)
# ---------------------------------------------------------------------------

def botocore_presign(c):
    akid, secret, token = c['creds']
    creds = Credentials(akid, secret, token)
    cls = botocore.auth.S3SigV4QueryAuth if c['service'] == 's3' else botocore.auth.SigV4QueryAuth
    auth = cls(creds, c['service'], c['region'], expires=c['expires'])
    request = AWSRequest(method=c['method'], url=c['url'], headers=dict(c['headers']))
    with captured_signing_steps(cls) as captured, frozen_clock(c['date']):
        auth.add_auth(request)
    return (request.url,) + single_signing(captured, cls)


# ---------------------------------------------------------------------------
# independent reference (self-check that each case is a plain SigV4 presign)
# ---------------------------------------------------------------------------

def rfc3986_remove_dot_segments(path):
    inp, out = path, ''
    while inp:
        if inp.startswith('../'):
            inp = inp[3:]
        elif inp.startswith('./'):
            inp = inp[2:]
        elif inp.startswith('/./'):
            inp = inp[2:]
        elif inp == '/.':
            inp = '/'
        elif inp.startswith('/../'):
            inp = inp[3:]
            out = out[:out.rfind('/')] if '/' in out else ''
        elif inp == '/..':
            inp = '/'
            out = out[:out.rfind('/')] if '/' in out else ''
        elif inp in ('.', '..'):
            inp = ''
        else:
            start = 1 if inp.startswith('/') else 0
            i = inp.find('/', start)
            if i == -1:
                i = len(inp)
            out += inp[:i]
            inp = inp[i:]
    return out


def collapse_slashes(path):
    while '//' in path:
        path = path.replace('//', '/')
    return path


def reference(c):
    akid, secret, token = c['creds']
    amz = amz_date(c['date'])
    scope = credential_scope(amz[:8], c['region'], c['service'])
    parts = urlsplit(c['url'])
    host = parts.hostname
    if parts.port is not None:
        host += ':%d' % parts.port  # never a default port in our URLs
    hdrs = sigv4_canonical_headers({'host': host, **c['headers']})
    signed = ';'.join(hdrs)
    auth = [('X-Amz-Algorithm', 'AWS4-HMAC-SHA256'),
            ('X-Amz-Credential', akid + '/' + scope),
            ('X-Amz-Date', amz),
            ('X-Amz-Expires', str(c['expires'])),
            ('X-Amz-SignedHeaders', signed)]
    if token is not None:
        auth.append(('X-Amz-Security-Token', token))
    all_pairs = sorted((uri_encode(k), uri_encode(v)) for k, v in list(c['pairs']) + auth)
    cqs = '&'.join('%s=%s' % kv for kv in all_pairs)
    if c['service'] == 's3':
        curi = parts.path
        payload = 'UNSIGNED-PAYLOAD'
    else:
        curi = quote(collapse_slashes(rfc3986_remove_dot_segments(parts.path)) or '/', safe='/~')
        payload = EMPTY_SHA256
    cr = sigv4_canonical_request(c['method'], curi, cqs, hdrs, payload)
    sts = sigv4_string_to_sign(amz, scope, cr)
    sig = sigv4_signature(secret, amz[:8], c['region'], c['service'], sts)
    url = c.get('canonical_url', c['url']) + ('&' if parts.query else '?') + '&'.join(
        uri_encode(k) + '=' + uri_encode(v) for k, v in auth) + '&X-Amz-Signature=' + sig
    return url, cr, sts, sig


def validate_input(c):
    parts = urlsplit(c['url'])
    assert parts.path.startswith('/') and not parts.fragment, c['url']
    assert parts.port not in (80, 443), c['url']
    assert parts.hostname == parts.netloc.split(':')[0], c['url']  # lower-case, no userinfo
    for k, v in c['pairs']:
        assert k and not k.lower().startswith('x-amz-'), k
    assert len({k for k, _ in c['pairs']}) == len(c['pairs'])
    if parts.query and 'canonical_url' not in c:
        assert '+' not in parts.query
    lnames = [n.lower() for n in c['headers']]
    assert len(set(lnames)) == len(lnames), c['headers']
    for n, v in c['headers'].items():
        assert n.lower() not in FORBIDDEN_HEADERS, n
        assert v.strip() and all(0x20 <= ord(ch) < 0x7F for ch in v), repr(v)
        if n.lower() == 'content-type':
            assert 'x-www-form-urlencoded' not in v.lower()
            assert ' '.join(v.split()).lower() != BLACKLISTED_CONTENT_TYPE
    if c['service'] == 's3':
        assert all(s not in ('.', '..') for s in parts.path.split('/')), c['url']
    else:
        assert not parts.path.endswith('/.') and not parts.path.endswith('/..'), c['url']
        assert '//../' not in parts.path and not parts.path.endswith('//..'), c['url']


def sign_and_check(c):
    validate_input(c)
    url, cr, sts, sig = botocore_presign(c)
    check_captured_presign(url, cr, sts, sig, c['date'], c['creds'][1], c['region'], c['service'])
    ref = reference(c)
    assert ref == (url, cr, sts, sig), '\n---\n'.join(
        ['reference mismatch for %s' % c['url'], repr(ref), repr((url, cr, sts, sig))])
    return url, cr, sts, sig


def to_json_case(name, c, url, cr, sts, sig):
    request = {'method': c['method'], 'url': c['url'], 'headers': dict(c['headers'])}
    return {
        'name': name,
        'request': request,
        'options': {
            'credentials': credentials_object(*c['creds']),
            'region': c['region'],
            'service': c['service'],
            'expiresIn': c['expires'],
            'signingDate': iso_date(c['date']),
        },
        'expected': {
            'url': url,
            'canonicalRequest': cr,
            'stringToSign': sts,
            'signature': sig,
        },
    }


S3_PLAN = [('virtual', 120), ('path', 80), ('ip', 50), ('localhost', 50), ('r2', 50), ('minio', 50)]
OTHER_PLAN = [('sts', 25), ('rds-db', 20), ('execute-api', 35), ('lambda', 25), ('es', 20),
              ('iotdevicegateway', 15), ('kafka-cluster', 15), ('dsql', 15), ('elasticache', 15),
              ('service', 25)]


PLUS_SEED = SEED + 1
PLUS_PLAN = [('s3', 'virtual')] * 6 + [('s3', 'path')] * 4 + [('s3', 'minio')] * 3 + [('s3', 'ip')] * 3 + \
    [('other', 'sts')] * 3 + [('other', 'execute-api')] * 3 + [('other', 'service')] * 4 + [('other', 'rds-db')] * 2


def main():
    g = Gen(SEED)
    plan = [('s3', s) for s, n in S3_PLAN for _ in range(n)]
    plan += [('other', s) for s, n in OTHER_PLAN for _ in range(n)]
    g.r.shuffle(plan)

    cases = []
    counters = {}

    # The example from the AWS S3 documentation ("Authenticating Requests:
    # Using Query Parameters"), pinned to its published signature.
    doc = {
        'method': 'GET', 'url': 'https://examplebucket.s3.amazonaws.com/test.txt', 'pairs': [],
        'headers': {}, 'region': 'us-east-1', 'service': 's3',
        'creds': (AWS_DOC_ACCESS_KEY_ID, AWS_DOC_SECRET_ACCESS_KEY, None),
        'expires': 86400, 'date': datetime.datetime(2013, 5, 24),
    }
    res = sign_and_check(doc)
    assert res[3] == AWS_DOC_S3_PRESIGN_SIGNATURE
    cases.append(to_json_case('s3-awsdoc-0001', doc, *res))

    for kind, sub in plan:
        c = s3_case(g, sub) if kind == 's3' else other_case(g, sub)
        prefix = 's3-' + sub if kind == 's3' else sub
        counters[prefix] = counters.get(prefix, 0) + 1
        name = '%s-%04d' % (prefix, counters[prefix])
        cases.append(to_json_case(name, c, *sign_and_check(c)))

    # Queries written as forms write them ('+' for a space), from a generator of their own so that the cases above
    # stay as they were: botocore reads such a '+' as a space, as S3 does, and so must presign.
    gp = Gen(PLUS_SEED)
    for i, (kind, sub) in enumerate(PLUS_PLAN):
        c = plus_case(gp, s3_case(gp, sub) if kind == 's3' else other_case(gp, sub))
        cases.append(to_json_case('plus-%s-%04d' % (sub, i + 1), c, *sign_and_check(c)))

    names = [c['name'] for c in cases]
    assert len(set(names)) == len(names)
    exp = [c['options']['expiresIn'] for c in cases]
    dates = [c['options']['signingDate'] for c in cases]
    assert 1 in exp and 604800 in exp
    assert any(d.endswith('T23:59:59Z') for d in dates)
    assert any(d.endswith('T00:00:00Z') for d in dates)
    assert any(d[4:10] == '-02-29' for d in dates)

    out = write_vectors_json(OUT_NAME, vectors_document('gen-vectors.py', SEED, cases))
    n_s3 = sum(1 for c in cases if c['options']['service'] == 's3')
    print('wrote %d cases (%d s3, %d other) to %s' % (len(cases), n_s3, len(cases) - n_s3, out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
