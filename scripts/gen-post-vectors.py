#!/usr/bin/env python3
"""Generate presigned-POST test vectors from botocore's S3 client.

What it generates
-----------------
``vectors/botocore-post.json``: a few hundred seeded, random cases for
``presignPost(location, options)`` (src/post-policy.ts), each signed by
botocore's own browser-upload signer::

    client = session.create_client('s3', region_name=..., endpoint_url=...,
        config=Config(signature_version='s3v4',
                      s3={'addressing_style': ..., 'us_east_1_regional_endpoint': 'regional'}))
    client.generate_presigned_post(Bucket, Key, Fields=..., Conditions=..., ExpiresIn=...)

Each case records:

* ``location``: the PostLocation we give presignPost (bucket, key or
  keyPrefix, region, and when used endpoint and forcePathStyle);
* ``options``: credentials (a session token in ~40% of cases), expiresIn,
  signingDate, ``conditions`` (our structured PostConditions) and ``fields``
  (the caller's extra fields);
* ``botocoreCall``: exactly what botocore was given: Bucket, Key, Fields,
  Conditions, ExpiresIn, region, endpoint and addressing style;
* ``expected.url`` and ``expected.fields``: botocore's answer, unchanged;
* ``expected.ours``: ``policy`` (base64) and ``signature`` for OUR spelling of
  the same policy (see "JSON spelling" below), signed here by botocore's own
  ``S3SigV4PostAuth.signature`` and, independently, by hmac/hashlib. That is
  the "signatures verified both ways" half that needs Python: at test time
  the TypeScript test checks that presignPost's policy and signature are
  byte-identical to these, and that verifyPost accepts botocore's fields.

How our structured conditions map to a botocore call (the port of
src/post-policy.ts this script checks botocore against)
-----------------------------------------------------------------------
Conditions, in this order (botocore then appends bucket, key, algorithm,
credential, date and token, as presignPost does):

* contentLengthRange [a, b]        -> ["content-length-range", a, b]
* contentType 'x'                  -> {"Content-Type": "x"}       (+ field)
* contentType {startsWith: 'p'}    -> ["starts-with", "$Content-Type", "p"]
* acl                              -> {"acl": ...}                (+ field)
* successActionStatus              -> {"success_action_status": "201"} (+ field)
* successActionRedirect            -> {"success_action_redirect": ...} (+ field)
* cacheControl, contentDisposition -> {"Cache-Control": ...}, {"Content-Disposition": ...} (+ fields)
* metadata {n: v}                  -> {"x-amz-meta-n": v}         (+ field)
* other                            -> as given; each exact one also becomes a field
* key 'k'                          -> Key='k' (botocore: {"key": "k"}, or
  ["starts-with", "$key", prefix] when k ends in ${filename})
* keyPrefix 'p'                    -> Key='p${filename}'

Fields: botocore gets, in order, every field an exact condition implies, then
the caller's fields (``options.fields``). presignPost derives the same fields
itself; botocore adds ``key`` and the x-amz-* fields.

Time is frozen
--------------
``generate_presigned_post`` reads the clock twice: ``botocore.signers.
get_current_datetime`` (the policy's expiration) and ``botocore.auth.
get_current_datetime`` (``S3SigV4PostAuth.add_auth``: x-amz-date and the
credential scope). Both names are patched (both are imported from
botocore.compat, so patching one leaves the other live), and every case
asserts x-amz-date and the expiration are the frozen date and date+ExpiresIn.

The frozen clock, the SigV4 key chain, the S3 bucket-name and addressing
rules (shared with gen-s3-vectors.py), the random credential/date/expiry
generators and the JSON writing are in ``scripts/oracle_common.py``.

botocore quirks (1.43) and how the test handles them
----------------------------------------------------
* JSON spelling: botocore writes the policy with ``json.dumps(policy)``:
  ``", "`` and ``": "`` separators and ``ensure_ascii=True`` (``\\u00e9``). We
  write ``JSON.stringify``: no spaces, UTF-8. Both are valid; S3 decodes the
  JSON. So ``policy`` and ``x-amz-signature`` differ byte-wise and the test
  compares the DECODED policies (conditions as parsed JSON, in order).
* Expiration: botocore formats it ``%Y-%m-%dT%H:%M:%SZ`` (no milliseconds,
  ``2026-11-25T12:01:00Z``); we write ``toISOString()`` with milliseconds
  (``2026-11-25T12:01:00.000Z``), as AWS's documentation does. The test
  compares the instants.
* URL: botocore posts to ``https://<bucket>.s3.<region>.amazonaws.com/``
  (virtual-hosted: ``/`` or the endpoint's path prefix, without a trailing
  slash) and ``https://s3.<region>.amazonaws.com/<bucket>`` (path style, no
  trailing slash). presignPost does the same; the URL is compared exactly.
* Addressing: as in scripts/gen-s3-vectors.py we never use botocore's
  ``auto`` (global endpoint outside us-east-1); ``virtual`` is our default
  (botocore falls back to path style for dotted buckets over https and for
  legacy names, as we do), ``path`` is our ``forcePathStyle: true``; IP
  endpoints only path style; dotted buckets forced virtual only over http.
* botocore does not validate anything (no content-length-range check, no
  field coverage, no contradiction check): only inputs presignPost accepts
  are generated, and the script asserts botocore's decoded policy equals
  the port above.
* Object key order: presignPost walks ``metadata`` and ``fields`` with
  ``Object.keys``, which lists array-index names (``"91"``) first; the port
  (``js_items``) does the same, so metadata named ``91`` comes before ``3fcys``.
* Key ending in ``${filename}``: botocore turns it into a starts-with on
  what precedes it; ``${filename}`` elsewhere stays an exact key. presignPost
  does the same, and both keep the literal ``${filename}`` in the ``key`` field.

Run
---
    python3 scripts/gen-post-vectors.py

Needs python3 and botocore, no network. Output is deterministic: the same
seed and botocore version give a byte-identical file.
"""

import base64
import datetime
import json
import os
import re
import string
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import (  # noqa: E402
    ALNUM, B64, HEX, LOWER_ALNUM, SeededGen, amz_date, credential_scope, credentials_object, frozen_clock,
    is_dns_bucket, is_plain_bucket, isolate_from_aws_environment, iso_date, random_expires, random_key_pair,
    random_signing_date, s3_addressing, sigv4_signature, vectors_document, write_vectors_json,
)

# Isolate botocore from the environment before the session is created.
isolate_from_aws_environment()

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.config  # noqa: E402
import botocore.credentials  # noqa: E402
import botocore.session  # noqa: E402
import botocore.signers  # noqa: E402

SEED = 20261125
OUT_NAME = 'botocore-post.json'

AWS_REGIONS = [
    'us-east-1', 'us-east-1', 'eu-west-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1',
    'us-west-2', 'eu-central-1', 'sa-east-1', 'ap-northeast-1', 'cn-northwest-1', 'us-gov-west-1',
]
CUSTOM_REGIONS = ['us-east-1', 'us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2']
KEY_SPECIALS = list("!'()*&=?#;:@,$+%") + list('[]{}^|<>"`\\')
UNICODE_BITS = ['é', 'ü', 'ñ', '日本語', '😀', '🚀', '👍🏽', 'Привет', 'مرحبا', 'ß', 'Ω', '中文', 'e\u0301', '\u00a0', '€', '𝄞']
FILENAME = '${filename}'


# ---------------------------------------------------------------------------
# random inputs
# ---------------------------------------------------------------------------

class Gen(SeededGen):
    def label(self, n1, n2):
        r = self.r
        n = r.randint(n1, n2)
        if n <= 2:
            return ''.join(r.choice(LOWER_ALNUM) for _ in range(n))
        return r.choice(LOWER_ALNUM) + ''.join(r.choice(LOWER_ALNUM + '--') for _ in range(n - 2)) + r.choice(LOWER_ALNUM)

    def bucket_plain(self):
        while True:
            b = self.word(3, 12, LOWER_ALNUM) + self.r.choice(['', '-' + self.word(2, 8, LOWER_ALNUM), '-uploads']) \
                if self.r.random() < 0.6 else self.label(3, 40)
            if is_plain_bucket(b):
                return b

    def bucket_dotted(self):
        while True:
            b = '.'.join(self.label(1, 12) for _ in range(self.r.randint(2, 4)))
            if 3 <= len(b) <= 63 and is_dns_bucket(b) and '.' in b:
                return b

    def bucket_legacy(self):
        r = self.r
        while True:
            x = r.random()
            if x < 0.5:
                b = self.word(1, 1, string.ascii_uppercase) + self.word(2, 10) + r.choice(['', 'Bucket', '_01'])
            else:
                b = self.word(2, 8, LOWER_ALNUM) + '_' + self.word(2, 8, LOWER_ALNUM)
            if re.fullmatch(r'[A-Za-z0-9._-]{1,255}', b) and not is_dns_bucket(b) and not b.startswith(('.', '-')):
                return b

    def key_piece(self):
        r = self.r
        x = r.random()
        if x < 0.45:
            return ''.join(r.choice(ALNUM) for _ in range(r.randint(1, 7)))
        if x < 0.62:
            return r.choice(KEY_SPECIALS)
        if x < 0.8:
            return r.choice(UNICODE_BITS)
        if x < 0.9:
            return r.choice('-_.~')
        return ' '

    def key(self):
        r = self.r
        if r.random() < 0.4:
            parts = [self.word(2, 8, LOWER_ALNUM) for _ in range(r.randint(0, 3))]
            parts.append(self.word(2, 12, ALNUM + '-_') + r.choice(['.jpg', '.txt', '.json', '', ' (1).pdf']))
            return '/'.join(parts)
        segs = [''.join(self.key_piece() for _ in range(r.randint(1, 5))) for _ in range(r.randint(1, 4))]
        if r.random() < 0.1:
            segs.insert(0, '')
        return '/'.join(segs)

    def prefix(self):
        r = self.r
        x = r.random()
        if x < 0.08:
            return ''
        if x < 0.6:
            return '/'.join(self.word(2, 10, LOWER_ALNUM + '-_') for _ in range(r.randint(1, 3))) + '/'
        return self.key() + r.choice(['/', '-', ''])

    def text(self, n1=1, n2=5):
        """A field value: mostly ASCII, sometimes quotes, backslashes, non-ASCII, a tab."""
        r = self.r
        out = []
        for _ in range(r.randint(n1, n2)):
            x = r.random()
            if x < 0.6:
                out.append(self.word(1, 8, ALNUM + ' -_.'))
            elif x < 0.75:
                out.append(r.choice(['"', '\\', '$', '/', '=', '&', '%', "'", '<', '>', '{', '}']))
            elif x < 0.95:
                out.append(r.choice(UNICODE_BITS))
            else:
                out.append('\t')
        return ''.join(out)

    def token(self):
        r = self.r
        n = r.randint(50, 400)
        return ''.join(r.choice(B64) for _ in range(n)) + r.choice(['', '=', '=='])

    def signing_date(self):
        return random_signing_date(self.r, day_end_below=0.05)

    def expires(self):
        return random_expires(self.r, [60, 300, 600, 900, 3600, 86400], typical_below=0.4)

    # ---- conditions ---------------------------------------------------------
    def content_type(self):
        return self.r.choice(['image/jpeg', 'image/png', 'application/pdf', 'text/plain; charset=utf-8',
                              'video/mp4', 'application/json', 'image/svg+xml', 'application/octet-stream'])

    def conditions_and_fields(self):
        """Our structured conditions and the caller's extra fields."""
        r = self.r
        c = {}
        fields = {}
        if r.random() < 0.7:
            lo = r.choice([0, 0, 1, 1, 100, r.randint(0, 10 ** 6)])
            hi = r.choice([lo, lo + 1, 10 * 1024 * 1024, 5 * 1024 ** 3, lo + r.randint(0, 10 ** 9)])
            c['contentLengthRange'] = [lo, hi]
        if r.random() < 0.6:
            if r.random() < 0.5:
                c['contentType'] = self.content_type()
            else:
                p = r.choice(['image/', 'video/', 'text/', '', 'application/', 'image/p'])
                c['contentType'] = {'startsWith': p}
                if r.random() < 0.3:
                    fields['Content-Type'] = p + r.choice(['png', 'mp4', 'plain', 'x-custom'])
        if r.random() < 0.3:
            c['acl'] = r.choice(['private', 'public-read', 'bucket-owner-full-control', 'authenticated-read'])
        if r.random() < 0.3:
            c['successActionStatus'] = r.choice(['200', '201', '204', 201, 204])
        if r.random() < 0.15:
            c['successActionRedirect'] = r.choice(['https://example.com/done', 'http://localhost:3000/uploaded?x=1&y=%20',
                                                   'https://example.org/ü/' + self.word()])
        if r.random() < 0.2:
            c['cacheControl'] = r.choice(['no-cache', 'max-age=3600, public', 'private, no-store'])
        if r.random() < 0.2:
            c['contentDisposition'] = r.choice(['inline', 'attachment; filename="%s.bin"' % self.word(),
                                                'attachment; filename="ünïcödé 😀.txt"',
                                                "attachment; filename*=UTF-8''%E2%82%AC.txt"])
        if r.random() < 0.35:
            c['metadata'] = {self.word(2, 10, string.ascii_lowercase + '-_0123456789'): self.text()
                             for _ in range(r.randint(1, 3))}
            # names must not start or end oddly: keep tokens as generated (letters, digits, - _)
        if r.random() < 0.3:
            other = []
            pool = [
                lambda: {'x-amz-server-side-encryption': r.choice(['AES256', 'aws:kms'])},
                lambda: ['eq', '$tagging', '<Tagging><TagSet><Tag><Key>k</Key><Value>%s</Value></Tag></TagSet></Tagging>' % self.word()],
                lambda: ['starts-with', '$x-amz-meta-tag', r.choice(['', 'user-', 'ü'])],
                lambda: ['starts-with', '$Content-Encoding', r.choice(['', 'gz'])],
                lambda: {'x-amz-storage-class': r.choice(['STANDARD_IA', 'INTELLIGENT_TIERING'])},
                lambda: ['eq', '$Expires', 'Wed, 21 Oct 2015 07:28:00 GMT'],
            ]
            seen = set()
            for fn in r.sample(pool, r.randint(1, 3)):
                cond = fn()
                name = (list(cond)[0] if isinstance(cond, dict) else cond[1][1:]).lower()
                if name in seen or (name == 'x-amz-meta-tag' and 'tag' in c.get('metadata', {})):
                    continue
                seen.add(name)
                other.append(cond)
                if isinstance(cond, list) and cond[0] == 'starts-with' and r.random() < 0.5:
                    fields[cond[1][1:]] = cond[2] + self.word(1, 6)
            c['other'] = other
        if r.random() < 0.1:
            fields['x-ignore-' + self.word(2, 8)] = self.text()
        return c, fields


# ---------------------------------------------------------------------------
# the port of src/post-policy.ts (our structured input -> policy, fields, url)
# ---------------------------------------------------------------------------

def our_url(loc):
    """The form's action URL: virtual-hosted ends in '/' (or the endpoint's path prefix), path style in /<bucket>."""
    bucket = loc['bucket']
    scheme, host, prefix, virtual = s3_addressing(loc)
    if virtual:
        return '%s://%s.%s%s' % (scheme, bucket, host, prefix or '/')
    return '%s://%s%s/%s' % (scheme, host, prefix, bucket)


def js_items(d):
    """A dict's items in JavaScript property order: array-index keys ("0".."4294967294") ascending
    first, then the others in insertion order (the order Object.keys gives presignPost)."""
    def is_index(k):
        return re.fullmatch(r'0|[1-9][0-9]*', k) is not None and int(k) < 2 ** 32 - 1
    return sorted(((k, v) for k, v in d.items() if is_index(k)), key=lambda kv: int(kv[0])) + \
        [(k, v) for k, v in d.items() if not is_index(k)]


def our_conditions(case):
    """(user conditions in our order, implied fields, Key for botocore, key condition)."""
    c = case['options'].get('conditions', {})
    conds = []
    implied = {}

    def exact(name, value):
        conds.append({name: value})
        implied.setdefault(name.lower(), (name, value))

    if 'contentLengthRange' in c:
        conds.append(['content-length-range'] + list(c['contentLengthRange']))
    if 'contentType' in c:
        ct = c['contentType']
        if isinstance(ct, str):
            exact('Content-Type', ct)
        else:
            conds.append(['starts-with', '$Content-Type', ct['startsWith']])
    if 'acl' in c:
        exact('acl', c['acl'])
    if 'successActionStatus' in c:
        exact('success_action_status', str(c['successActionStatus']))
    if 'successActionRedirect' in c:
        exact('success_action_redirect', c['successActionRedirect'])
    if 'cacheControl' in c:
        exact('Cache-Control', c['cacheControl'])
    if 'contentDisposition' in c:
        exact('Content-Disposition', c['contentDisposition'])
    for n, v in js_items(c.get('metadata', {})):
        exact('x-amz-meta-' + n, v)
    for cond in c.get('other', []):
        conds.append(cond)
        if isinstance(cond, dict):
            for n, v in js_items(cond):
                implied.setdefault(n.lower(), (n, v))
        elif cond[0] == 'eq':
            implied.setdefault(cond[1][1:].lower(), (cond[1][1:], cond[2]))
    fields = {n: v for n, v in implied.values()}
    for n, v in js_items(case['options'].get('fields', {})):
        for existing in [k for k in fields if k.lower() == n.lower()]:
            del fields[existing]
        fields[n] = v
    loc = case['location']
    if 'keyPrefix' in loc:
        key = loc['keyPrefix'] + FILENAME
    else:
        key = loc['key']
    key_cond = ['starts-with', '$key', key[:-len(FILENAME)]] if key.endswith(FILENAME) else {'key': key}
    return conds, fields, key, key_cond


# ---------------------------------------------------------------------------
# case builders
# ---------------------------------------------------------------------------

def make_case(g, kind):
    r = g.r
    endpoint, force, style = None, None, 'virtual'
    region = r.choice(AWS_REGIONS)
    if kind == 'aws-virtual':
        bucket = g.bucket_plain()
    elif kind == 'aws-dotted':
        bucket = g.bucket_dotted()
    elif kind == 'aws-path':
        bucket = r.choice([g.bucket_plain, g.bucket_dotted])()
        force, style = True, 'path'
    elif kind == 'aws-legacy':
        bucket = g.bucket_legacy()
    elif kind == 'ip':
        bucket = r.choice([g.bucket_plain, g.bucket_dotted, g.bucket_legacy])()
        endpoint, style, region = 'http://127.0.0.1:9000', 'path', r.choice(CUSTOM_REGIONS)
        force = True if r.random() < 0.25 else None
    elif kind in ('localhost', 'minio', 'r2', 'prefix'):
        if kind == 'localhost':
            endpoint, region = 'http://localhost:4566', r.choice(CUSTOM_REGIONS)
        elif kind == 'minio':
            endpoint, region = r.choice(['https://minio.example.com:9000', 'http://minio.example.com:9000']), r.choice(CUSTOM_REGIONS)
        elif kind == 'r2':
            endpoint, region = 'https://%s.r2.cloudflarestorage.com' % g.word(32, 32, HEX), 'auto'
        else:
            endpoint = r.choice(['https://storage.example.com/s3', 'https://storage.example.com/s3/',
                                 'http://localhost:8080/minio', 'https://gw.example.net:8443/a/b/'])
            region = r.choice(CUSTOM_REGIONS)
        https = endpoint.startswith('https:')
        if r.random() < 0.3:
            force, style = False, 'virtual'
            bucket = g.bucket_dotted() if not https and r.random() < 0.4 else g.bucket_plain()
        else:
            style = 'path'
            force = True if r.random() < 0.2 else None
            bucket = r.choice([g.bucket_plain, g.bucket_dotted, g.bucket_legacy])()
    else:
        raise ValueError(kind)

    location = {'bucket': bucket}
    x = r.random()
    if x < 0.4:
        location['key'] = g.key()
    elif x < 0.65:
        location['key'] = g.prefix() + FILENAME
    elif x < 0.7:
        location['key'] = g.prefix() + FILENAME + r.choice(['.jpg', '/x', '-1'])  # ${filename} inside: exact key
    else:
        location['keyPrefix'] = g.prefix()
    location['region'] = region
    if endpoint is not None:
        location['endpoint'] = endpoint
    if force is not None:
        location['forcePathStyle'] = force

    tok = g.token() if r.random() < 0.4 else None
    creds = credentials_object(*random_key_pair(r, 'ASIA' if tok else 'AKIA'), tok)
    conditions, fields = g.conditions_and_fields()
    date = g.signing_date()
    options = {'credentials': creds, 'expiresIn': g.expires(), 'signingDate': iso_date(date)}
    if conditions:
        options['conditions'] = conditions
    if fields:
        options['fields'] = fields
    return {'kind': kind, 'style': style, 'endpoint': endpoint, 'location': location, 'options': options, 'date': date}


SESSION = botocore.session.get_session()


def botocore_post(case):
    loc, opt = case['location'], case['options']
    creds = opt['credentials']
    conds, fields, key, _ = our_conditions(case)
    cfg = botocore.config.Config(
        signature_version='s3v4',
        s3={'addressing_style': case['style'], 'us_east_1_regional_endpoint': 'regional'},
    )
    client = SESSION.create_client(
        's3', region_name=loc['region'], endpoint_url=case['endpoint'], config=cfg,
        aws_access_key_id=creds['accessKeyId'], aws_secret_access_key=creds['secretAccessKey'],
        aws_session_token=creds.get('sessionToken'))
    call = {'Bucket': loc['bucket'], 'Key': key, 'Fields': dict(fields), 'Conditions': json.loads(json.dumps(conds)),
            'ExpiresIn': opt['expiresIn']}
    with frozen_clock(case['date'], modules=('botocore.auth', 'botocore.signers')):
        out = client.generate_presigned_post(call['Bucket'], call['Key'], Fields=dict(call['Fields']),
                                             Conditions=json.loads(json.dumps(call['Conditions'])), ExpiresIn=call['ExpiresIn'])
    call.update({'region': loc['region'], 'endpointUrl': case['endpoint'], 'addressingStyle': case['style']})
    return out, call


def botocore_sign_text(case, text):
    """Sign `text` (a base64 policy) with botocore's own S3SigV4PostAuth.signature."""
    creds = case['options']['credentials']
    c = botocore.credentials.Credentials(creds['accessKeyId'], creds['secretAccessKey'], creds.get('sessionToken'))
    auth = botocore.auth.S3SigV4PostAuth(c, 's3', case['location']['region'])
    req = botocore.awsrequest.AWSRequest(method='POST', url='https://example.invalid/')
    req.context['timestamp'] = amz_date(case['date'])
    return auth.signature(text, req)


def sign_and_check(case):
    out, call = botocore_post(case)
    loc, opt = case['location'], case['options']
    creds = opt['credentials']
    amz = amz_date(case['date'])
    conds, fields, key, key_cond = our_conditions(case)
    scope = creds['accessKeyId'] + '/' + credential_scope(amz[:8], loc['region'], 's3')
    tail = [{'bucket': loc['bucket']}, key_cond, {'x-amz-algorithm': 'AWS4-HMAC-SHA256'},
            {'x-amz-credential': scope}, {'x-amz-date': amz}]
    if 'sessionToken' in creds:
        tail.append({'x-amz-security-token': creds['sessionToken']})
    full = json.loads(json.dumps(conds)) + tail

    # botocore's answer is what the port predicts
    assert out['url'] == our_url(loc), ('url', out['url'], our_url(loc), case['kind'], loc)
    bf = out['fields']
    policy = json.loads(base64.b64decode(bf['policy']).decode('utf-8'))
    expires = case['date'] + datetime.timedelta(seconds=opt['expiresIn'])
    assert policy['expiration'] == iso_date(expires), policy['expiration']
    assert policy['conditions'] == full, ('conditions', policy['conditions'], full)
    assert bf['x-amz-date'] == amz and bf['x-amz-credential'] == scope
    want_fields = dict(fields)
    want_fields.update({'key': key, 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': scope, 'x-amz-date': amz})
    if 'sessionToken' in creds:
        want_fields['x-amz-security-token'] = creds['sessionToken']
    got = {k: v for k, v in bf.items() if k not in ('policy', 'x-amz-signature')}
    assert got == want_fields, ('fields', got, want_fields)
    assert sigv4_signature(creds['secretAccessKey'], amz[:8], loc['region'], 's3', bf['policy']) == bf['x-amz-signature']

    # our spelling of the same policy, signed by botocore's signer and by hmac/hashlib
    ours_json = json.dumps({'expiration': expires.strftime('%Y-%m-%dT%H:%M:%S.000Z'), 'conditions': full},
                           separators=(',', ':'), ensure_ascii=False)
    ours_b64 = base64.b64encode(ours_json.encode('utf-8')).decode('ascii')
    ours_sig = botocore_sign_text(case, ours_b64)
    assert ours_sig == sigv4_signature(creds['secretAccessKey'], amz[:8], loc['region'], 's3', ours_b64)
    assert botocore_sign_text(case, bf['policy']) == bf['x-amz-signature']
    return {'url': out['url'], 'fields': bf, 'ours': {'policy': ours_b64, 'signature': ours_sig}}, call


PINNED = [
    # (kind, location overrides, options overrides)
    ('aws-virtual', {'bucket': 'examplebucket', 'keyPrefix': 'uploads/user-42/', 'region': 'us-east-1'},
     {'conditions': {'contentLengthRange': [1, 10485760], 'contentType': {'startsWith': 'image/'}, 'acl': 'private',
                     'successActionStatus': '201', 'metadata': {'uuid': '14365123651274'}},
      'fields': {'Content-Type': 'image/jpeg'}}),
    ('aws-virtual', {'bucket': 'examplebucket', 'key': 'user/eric/${filename}', 'region': 'us-east-1'},
     {'conditions': {'successActionRedirect': 'https://examplebucket.s3.amazonaws.com/successful_upload.html',
                     'other': [{'x-amz-server-side-encryption': 'AES256'}, ['starts-with', '$x-amz-meta-tag', '']]},
      'fields': {'x-amz-meta-tag': ''}}),
    ('ip', {'bucket': 'e2e-bucket', 'key': 'a b/ü 😀.txt', 'region': 'us-east-1', 'endpoint': 'http://127.0.0.1:9000'},
     {'conditions': {'contentType': 'text/plain; charset=utf-8', 'cacheControl': 'no-cache',
                     'contentDisposition': 'attachment; filename="ünïcödé 😀.txt"', 'metadata': {'note': 'quote " back \\ tab \t'}}}),
]


def main():
    g = Gen(SEED)
    plan_counts = [('aws-virtual', 80), ('aws-dotted', 20), ('aws-path', 20), ('aws-legacy', 12), ('ip', 20),
                   ('localhost', 20), ('minio', 20), ('r2', 20), ('prefix', 14)]
    plan = [k for k, n in plan_counts for _ in range(n)]
    g.r.shuffle(plan)
    cases, counters = [], {}

    def add(case, prefix):
        counters[prefix] = counters.get(prefix, 0) + 1
        expected, call = sign_and_check(case)
        cases.append({'name': '%s-%04d' % (prefix, counters[prefix]), 'location': case['location'],
                      'options': case['options'], 'botocoreCall': call, 'expected': expected})

    for kind, loc, opt in PINNED:
        case = make_case(g, kind)
        case['location'] = dict(loc)
        case['options'].pop('conditions', None)
        case['options'].pop('fields', None)
        case['options'].update(opt)
        if 'endpoint' not in loc:
            case['endpoint'] = None
        add(case, 'pinned-' + kind)
    for kind in plan:
        add(make_case(g, kind), kind)

    # ---- coverage -------------------------------------------------------
    names = [c['name'] for c in cases]
    assert len(set(names)) == len(names) and len(cases) >= 200, len(cases)
    opts = [c['options'] for c in cases]
    conds = [o.get('conditions', {}) for o in opts]
    locs = [c['location'] for c in cases]

    def n(pred, xs):
        return sum(1 for x in xs if pred(x))

    assert n(lambda c: 'contentLengthRange' in c, conds) >= 100
    assert n(lambda c: isinstance(c.get('contentType'), str), conds) >= 40
    assert n(lambda c: isinstance(c.get('contentType'), dict), conds) >= 40
    for k in ('acl', 'successActionStatus', 'successActionRedirect', 'cacheControl', 'contentDisposition', 'metadata', 'other'):
        assert n(lambda c, k=k: k in c, conds) >= 20, k
    assert n(lambda o: 'fields' in o, opts) >= 30
    assert n(lambda l: 'keyPrefix' in l, locs) >= 40
    assert n(lambda l: l.get('key', '').endswith(FILENAME), locs) >= 40
    assert n(lambda l: FILENAME in l.get('key', '') and not l['key'].endswith(FILENAME), locs) >= 5
    assert n(lambda l: any(ord(ch) > 0x7f for ch in l.get('key', l.get('keyPrefix', ''))), locs) >= 20
    assert n(lambda o: 'sessionToken' in o['credentials'], opts) >= 60
    assert n(lambda l: l.get('forcePathStyle') is False, locs) >= 10
    assert n(lambda l: l.get('forcePathStyle') is True, locs) >= 20
    assert n(lambda c: not c['expected']['url'].endswith('/'), cases) >= 60  # path style
    assert n(lambda c: c['expected']['url'].endswith('/'), cases) >= 60  # virtual-hosted
    assert {'us-east-1', 'eu-west-1', 'cn-north-1', 'auto'} <= {l['region'] for l in locs}

    out = write_vectors_json(OUT_NAME, vectors_document('gen-post-vectors.py', SEED, cases))
    print('wrote %d cases to %s' % (len(cases), out))
    print('  by kind: ' + ', '.join('%s %d' % kv for kv in sorted(counters.items())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
