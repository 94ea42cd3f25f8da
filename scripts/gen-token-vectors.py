#!/usr/bin/env python3
"""Generate test vectors for the "beyond S3" recipes from botocore (and awscli).

What it generates
-----------------
``vectors/botocore-tokens.json``: seeded, random cases for each recipe of
``src/db-auth-token.ts``, ``src/cache-auth-token.ts``, ``src/caller-identity.ts``
and ``src/websocket-urls.ts``. Each case records the recipe's input, exactly
as our function takes it (``credentials``, ``region``, ``signingDate`` …),
and what the reference produced at that frozen second:

=============== ===================================================== ===========
recipe          reference                                             compared
=============== ===================================================== ===========
rds             RDS client ``generate_db_auth_token``                 byte for byte
dsql            DSQL client ``generate_db_connect_auth_token`` /      byte for byte
                ``generate_db_connect_admin_auth_token``
elasticache     ``SigV4QueryAuth`` (service ``elasticache``, 900 s)   byte for byte
                on ``GET https://<cache>/?Action=connect&User=…``
                [``&ResourceType=ServerlessCache``], scheme stripped;
                also checked equal to AWS's documented redis-py recipe
                (``RequestSigner.generate_presigned_url``)
memorydb        the same with service ``memorydb``                    byte for byte
sts             STS client ``generate_presigned_url(                  byte for byte
                'get_caller_identity')`` with extra headers injected
                at ``before-sign`` (as awscli does for EKS)
eks             awscli's ``TokenGenerator`` (``aws eks get-token``)   byte for byte
iot             ``SigV4QueryAuth`` (``iotdevicegateway``) on          same URL up to
                ``GET https://<endpoint>/mqtt`` with credentials      parameter order,
                without the session token, which is appended after    scheme ``wss``
                signing (AWS IoT's rule)
transcribe      ``SigV4QueryAuth`` (``transcribe``) on ``GET          same URL up to
                https://transcribestreaming.<region>.<dns>:8443/      parameter order,
                stream-transcription-websocket?language-code=…``      scheme ``wss``
=============== ===================================================== ===========

Time is frozen per case by patching ``botocore.auth.get_current_datetime``,
which is what ``SigV4Auth.add_auth`` reads the clock through in botocore 1.43.
Every case is checked before it is written:

* X-Amz-Date in the token is the frozen date, X-Amz-Expires the expected one;
* an independent, plain SigV4 implementation (``check_sigv4`` here, on the
  hashlib/hmac SigV4 pieces of ``scripts/oracle_common.py``) recomputes the
  canonical request from the token (host lower-cased, port kept unless 443;
  query sorted; the session token left out for IoT) and gets the token's
  X-Amz-Signature; so only plain SigV4 presigns are kept.

The frozen clock, the SigV4 pieces, the isolation from ~/.aws and AWS_*
variables and the JSON writing are shared with the other generators in
``scripts/oracle_common.py``.

botocore quirks this generator steers around (botocore/auth.py, signers.py)
--------------------------------------------------------------------------
* An empty session token: botocore signs ``X-Amz-Security-Token=`` (it tests
  ``token is not None``); we treat "" as no token. Cases use None or a
  non-empty token.
* Upper-case host names: botocore keeps the case in the token (or URL) but
  signs the lower-cased host; our recipes do exactly the same (the token's
  authority is the input as given), so upper-case hosts ARE generated for
  RDS, ElastiCache, MemoryDB and IoT endpoints.
* Port 443 in an RDS token: botocore writes ``host:443/`` in the token and
  signs ``host`` without the port (default https port). We do the same; the
  case is generated. (AWS SDK for JavaScript v3's rds-signer signs
  ``host:443`` instead.)
* Lone UTF-16 surrogates cannot be encoded by either side; user names are
  well-formed Unicode (any code point, including controls, spaces and emoji).
* Extra STS header values are printable ASCII (presign rejects others); botocore
  collapses inner runs of spaces like SigV4's Trimall, so they may have runs
  of spaces and leading/trailing spaces. Names never repeat case-insensitively
  and avoid headers botocore never signs (user-agent, expect, …), ``host`` and
  ``x-amz-*`` auth headers.
* Transcribe extra parameters are given to botocore already percent-encoded
  (``quote(safe='-_.~')``), so its ``parse_qs`` round trip keeps them; booleans
  are written ``true``/``false``, as ``String(true)`` in JavaScript.
* The DSQL default expiry (900) is exercised by omitting ``ExpiresIn`` in
  some cases, and by omitting ``expiresIn`` in our input at the same time.

Run
---
    python3 scripts/gen-token-vectors.py

Needs python3, botocore and awscli (for the EKS cases), no network. Output is
deterministic: the same seed and botocore/awscli versions give a
byte-identical file.
"""

import base64
import datetime
import os
import string
import sys
from urllib.parse import unquote, urlsplit

import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

try:
    import awscli
    from awscli.customizations.eks.get_token import STSClientFactory, TokenGenerator
except ImportError:  # pragma: no cover
    sys.exit('gen-token-vectors.py needs awscli (v1) for the EKS cases: pip install awscli')

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import (  # noqa: E402
    ALNUM, B64, EMPTY_SHA256, LOWER_ALNUM, UPPER_ALNUM, SeededGen, amz_date, credential_scope, frozen_clock,
    isolate_from_aws_environment, iso_date, sigv4_canonical_headers, sigv4_canonical_request, sigv4_signature,
    sigv4_string_to_sign, uri_encode, vectors_document, write_vectors_json,
)

SEED = 20261125
OUT_NAME = 'botocore-tokens.json'

REGIONS = [
    'us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'eu-south-2',
    'ap-southeast-2', 'ap-northeast-1', 'ap-south-2', 'sa-east-1', 'ca-central-1',
    'me-central-1', 'il-central-1', 'af-south-1', 'mx-central-1',
    'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1',
    'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1', 'eusc-de-east-1',
]
SPECIAL = "!'()*&=?#;:@,$[]{}^|<>\"`\\+%/~-_."
UNICODE_BITS = [
    'é', 'ü', 'ñ', '日本語', '😀', '🚀', '👍🏽', 'Привет', 'مرحبا', 'ß', 'Ω',
    '中文', '한국어', 'e\u0301', '\u00a0', '€', '𝄞', '\t', '\n', '\x00', '\x7f',
]
NEVER_SIGNED = set(botocore.auth.SIGNED_HEADERS_BLACKLIST)


def dns_suffix(region):
    """The partition's DNS suffix, as src/tokens.ts has it (fuller than oracle_common.amazonaws_domain)."""
    for prefix, suffix in (('cn-', 'amazonaws.com.cn'), ('eusc-', 'amazonaws.eu'), ('us-isob-', 'sc2s.sgov.gov'),
                           ('us-isof-', 'csp.hci.ic.gov'), ('us-iso-', 'c2s.ic.gov'), ('eu-isoe-', 'cloud.adc-e.uk')):
        if region.startswith(prefix):
            return suffix
    return 'amazonaws.com'


class Gen(SeededGen):
    def label(self, n1=1, n2=20, upper=0.0):
        """A DNS label: letters, digits and inner hyphens."""
        r = self.r
        alphabet = LOWER_ALNUM + (string.ascii_uppercase if r.random() < upper else '')
        n = r.randint(n1, n2)
        if n == 1:
            return r.choice(alphabet)
        inner = ''.join(r.choice(alphabet + '--') for _ in range(n - 2))
        return r.choice(alphabet) + inner + r.choice(alphabet)

    def fancy_text(self, n1=1, n2=8):
        r = self.r
        parts = []
        for _ in range(r.randint(n1, n2)):
            x = r.random()
            if x < 0.45:
                parts.append(''.join(r.choice(ALNUM) for _ in range(r.randint(1, 6))))
            elif x < 0.68:
                parts.append(r.choice(SPECIAL))
            elif x < 0.85:
                parts.append(r.choice(UNICODE_BITS))
            else:
                parts.append(' ' * r.choice([1, 1, 2]))
        return ''.join(parts)

    def user(self):
        r = self.r
        x = r.random()
        if x < 0.35:
            return self.word(1, 16, LOWER_ALNUM + '_')
        if x < 0.45:
            return r.choice(['admin', 'postgres', 'root', 'iam_user', 'app-user', 'a', 'default'])
        return self.fancy_text(1, 6)

    def access_key(self):
        return self.r.choice(['AKIA', 'ASIA']) + self.word(16, 16, UPPER_ALNUM)

    def secret(self):
        return self.word(40, 40, B64)

    def token(self):
        r = self.r
        x = r.random()
        if x < 0.45:
            return None
        if x < 0.85:
            return 'IQoJb3JpZ2luX2Vj' + self.word(100, 600, B64) + r.choice(['', '=', '=='])
        return self.fancy_text(1, 6)  # anything: it is only percent-encoded

    def credentials(self):
        c = {'accessKeyId': self.access_key(), 'secretAccessKey': self.secret()}
        t = self.token()
        if t is not None:
            c['sessionToken'] = t
        return c

    def signing_date(self):
        r = self.r
        x = r.random()
        if x < 0.1:  # the last second of a day, of a year, a leap day
            base = r.choice([datetime.datetime(2024, 2, 29, 23, 59, 59), datetime.datetime(1999, 12, 31, 23, 59, 59),
                             datetime.datetime(2030, 1, 1, 0, 0, 0)])
            return base
        start = datetime.datetime(1995, 1, 1)
        return start + datetime.timedelta(seconds=r.randrange(0, 105 * 365 * 86400))

    def region(self):
        return self.r.choice(REGIONS)

    def host(self, region, kind):
        r = self.r
        x = r.random()
        if x < 0.08:
            return '%d.%d.%d.%d' % tuple(r.randint(0, 255) for _ in range(4))
        if x < 0.12:
            return r.choice(['localhost', 'db', 'LOCALHOST'])
        if kind == 'rds':
            parts = [self.label(1, 30, upper=0.15), self.word(12, 12, LOWER_ALNUM), region, 'rds', dns_suffix(region)]
            if r.random() < 0.3:
                parts.insert(1, r.choice(['cluster-ro', 'cluster', 'proxy']))
            return '.'.join(parts)
        if kind == 'dsql':
            return '.'.join([self.word(26, 26, LOWER_ALNUM), 'dsql', region, 'on', 'aws'])
        return '.'.join(self.label(1, 12, upper=0.1) for _ in range(r.randint(1, 5)))

    def port(self):
        r = self.r
        return r.choice([5432, 3306, 1433, 1521, 443, 80, 8443, 1, 65535, r.randint(1, 65535), r.randint(1024, 65535)])

    def printable_value(self, n1=1, n2=30):
        """SeededGen's, then one leading and two trailing spaces in 20% of cases."""
        v = super().printable_value(n1, n2)
        if self.r.random() < 0.2:
            v = ' ' + v + '  '
        return v


def botocore_credentials(c, with_token=True):
    return Credentials(c['accessKeyId'], c['secretAccessKey'], c.get('sessionToken') if with_token else None)


_SESSION = []


def session_for(c):
    """One botocore session for all cases (its service models load once), with these credentials."""
    if not _SESSION:
        _SESSION.append(botocore.session.Session())
    s = _SESSION[0]
    s.set_credentials(c['accessKeyId'], c['secretAccessKey'], c.get('sessionToken'))
    return s


# ---- the independent check ----------------------------------------------------

def check_sigv4(url, c, region, service, date, expires, headers=None, token_signed=True):
    """Recompute the signature of a presigned GET from scratch and compare."""
    parts = urlsplit(url if '://' in url else 'https://' + url)
    pairs = [p.split('=', 1) for p in parts.query.split('&')]
    q = dict(pairs)
    assert len(q) == len(pairs), url
    assert q['X-Amz-Date'] == amz_date(date), (q['X-Amz-Date'], amz_date(date))
    assert q['X-Amz-Expires'] == str(expires), (q['X-Amz-Expires'], expires)
    assert q['X-Amz-Algorithm'] == 'AWS4-HMAC-SHA256'
    day = amz_date(date)[:8]
    scope = credential_scope(day, region, service)
    assert unquote(q['X-Amz-Credential']) == c['accessKeyId'] + '/' + scope
    token = c.get('sessionToken')
    if token is None:
        assert 'X-Amz-Security-Token' not in q
    else:
        assert q['X-Amz-Security-Token'] == uri_encode(token)
    signed = [(k, v) for k, v in pairs if k != 'X-Amz-Signature' and (token_signed or k != 'X-Amz-Security-Token')]
    canonical_query = '&'.join('%s=%s' % kv for kv in sorted(signed))
    host = parts.hostname
    if parts.port is not None and parts.port != 443:
        host += ':%d' % parts.port
    hdrs = sigv4_canonical_headers({'host': host, **(headers or {})})
    assert unquote(q['X-Amz-SignedHeaders']) == ';'.join(hdrs)
    creq = sigv4_canonical_request('GET', parts.path or '/', canonical_query, hdrs, EMPTY_SHA256)
    sts = sigv4_string_to_sign(amz_date(date), scope, creq)
    assert sigv4_signature(c['secretAccessKey'], day, region, service, sts) == q['X-Amz-Signature'], url


# ---- recipes ------------------------------------------------------------------

def rds_case(g, i):
    r = g.r
    region, c, date = g.region(), g.credentials(), g.signing_date()
    host, port, user = g.host(region, 'rds'), g.port(), g.user()
    client = session_for(c).create_client('rds', region_name=r.choice(REGIONS[:5]))
    with frozen_clock(date):
        token = client.generate_db_auth_token(host, port, user, Region=region)
    check_sigv4(token, c, region, 'rds-db', date, 900)
    assert token.startswith('%s:%d/?Action=connect&DBUser=%s&X-Amz-' % (host, port, uri_encode(user))), token
    inp = {'hostname': host, 'port': port, 'username': user, 'region': region, 'credentials': c, 'signingDate': iso_date(date)}
    return {'name': 'rds-%04d' % i, 'recipe': 'rds', 'input': inp, 'expected': token}


def dsql_case(g, i):
    r = g.r
    region, c, date = g.region(), g.credentials(), g.signing_date()
    host, admin = g.host(region, 'dsql'), r.random() < 0.5
    expires = None if r.random() < 0.3 else r.choice([1, 60, 900, 3600, 86400, 604800, r.randint(1, 604800)])
    client = session_for(c).create_client('dsql', region_name=r.choice(REGIONS[:5]))
    fn = client.generate_db_connect_admin_auth_token if admin else client.generate_db_connect_auth_token
    with frozen_clock(date):
        token = fn(host, region) if expires is None else fn(host, region, expires)
    check_sigv4(token, c, region, 'dsql', date, 900 if expires is None else expires)
    inp = {'hostname': host, 'region': region, 'credentials': c, 'signingDate': iso_date(date)}
    if admin or r.random() < 0.3:
        inp['admin'] = admin
    if expires is not None:
        inp['expiresIn'] = expires
    return {'name': 'dsql-%04d' % i, 'recipe': 'dsql', 'input': inp, 'expected': token}


def redis_py_recipe(c, service, name, user, serverless, region):
    """AWS's documented redis-py credential provider, with these credentials."""
    from urllib.parse import ParseResult, urlencode, urlunparse
    from botocore.model import ServiceId
    from botocore.signers import RequestSigner
    session = session_for(c)
    signer = RequestSigner(ServiceId(service), region, service, 'v4', session.get_credentials(), session.get_component('event_emitter'))
    params = {'Action': 'connect', 'User': user}
    if serverless:
        params['ResourceType'] = 'ServerlessCache'
    url = urlunparse(ParseResult(scheme='https', netloc=name, path='/', query=urlencode(params), params='', fragment=''))
    signed = signer.generate_presigned_url({'method': 'GET', 'url': url, 'body': {}, 'headers': {}, 'context': {}},
                                           operation_name='connect', expires_in=900, region_name=region)
    return signed[len('https://'):]


def cache_case(g, i, service):
    r = g.r
    region, c, date = g.region(), g.credentials(), g.signing_date()
    name = g.label(1, 40, upper=0.15)
    user = g.user()
    serverless = service == 'elasticache' and r.random() < 0.5
    params = {'Action': 'connect', 'User': user}
    if serverless:
        params['ResourceType'] = 'ServerlessCache'
    request = AWSRequest(method='GET', url='https://%s/' % name, params=params)
    with frozen_clock(date):
        botocore.auth.SigV4QueryAuth(botocore_credentials(c), service, region, expires=900).add_auth(request)
        token = request.url[len('https://'):]
        documented = redis_py_recipe(c, service, name, user, serverless, region)
    assert documented == token, (documented, token)
    check_sigv4(token, c, region, service, date, 900)
    if service == 'elasticache':
        inp = {'cacheName': name, 'userId': user, 'region': region, 'credentials': c, 'signingDate': iso_date(date)}
        if serverless or r.random() < 0.3:
            inp['serverless'] = serverless
    else:
        inp = {'clusterName': name, 'userName': user, 'region': region, 'credentials': c, 'signingDate': iso_date(date)}
    return {'name': '%s-%04d' % (service, i), 'recipe': service, 'input': inp, 'expected': token}


def sts_headers(g):
    r = g.r
    out = {}
    pool = [
        lambda: ('X-Vault-AWS-IAM-Server-ID', r.choice(['vault.example.com', 'https://vault:8200', g.printable_value()])),
        lambda: ('x-vault-aws-iam-server-id', g.word(3, 20, LOWER_ALNUM + '.-')),
        lambda: ('X-Custom-' + g.word(2, 8).capitalize(), g.printable_value()),
        lambda: ('x-k8s-aws-id', g.label(1, 40, upper=0.3)),
        lambda: ('Accept', r.choice(['application/json', '*/*'])),
        lambda: ('X-Proof-Audience', g.printable_value(5, 60)),
    ]
    for _ in range(r.randint(0, 3)):
        name, value = r.choice(pool)()
        if name.lower() in NEVER_SIGNED or any(name.lower() == k.lower() for k in out):
            continue
        out[name] = value
    return out


def inject_headers(headers):
    def handler(request, **kwargs):
        for k, v in headers.items():
            request.headers[k] = v
    return handler


def sts_case(g, i):
    r = g.r
    region, c, date = g.region(), g.credentials(), g.signing_date()
    headers = sts_headers(g)
    expires = None if r.random() < 0.3 else r.choice([1, 60, 900, 3600, 604800, r.randint(1, 604800)])
    client = session_for(c).create_client('sts', region_name=region)
    client.meta.events.register('before-sign.sts.GetCallerIdentity', inject_headers(headers))
    with frozen_clock(date):
        url = client.generate_presigned_url('get_caller_identity', ExpiresIn=60 if expires is None else expires, HttpMethod='GET')
    assert url.startswith('https://sts.%s.%s/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-' % (region, dns_suffix(region))), url
    check_sigv4(url, c, region, 'sts', date, 60 if expires is None else expires, headers)
    inp = {'region': region, 'credentials': c, 'signingDate': iso_date(date)}
    if headers:
        inp['headers'] = headers
    if expires is not None:
        inp['expiresIn'] = expires
    return {'name': 'sts-%04d' % i, 'recipe': 'sts', 'input': inp, 'expected': url}


def eks_case(g, i):
    r = g.r
    region, c, date = g.region(), g.credentials(), g.signing_date()
    cluster = r.choice(ALNUM) + g.word(0, 99, ALNUM + '-_') if r.random() < 0.7 else g.label(3, 30)
    sts = STSClientFactory(session_for(c)).get_sts_client(region_name=region)
    with frozen_clock(date):
        token = TokenGenerator(sts).get_token(cluster)
    assert token.startswith('k8s-aws-v1.') and '=' not in token
    b = token[len('k8s-aws-v1.'):]
    url = base64.urlsafe_b64decode(b + '=' * (-len(b) % 4)).decode()
    check_sigv4(url, c, region, 'sts', date, 60, {'x-k8s-aws-id': cluster})
    inp = {'clusterName': cluster, 'region': region, 'credentials': c, 'signingDate': iso_date(date)}
    return {'name': 'eks-%04d' % i, 'recipe': 'eks', 'input': inp, 'expected': token}


def iot_case(g, i):
    r = g.r
    region, c, date = g.region(), g.credentials(), g.signing_date()
    endpoint = '%s-ats.iot.%s.%s' % (g.word(14, 14, LOWER_ALNUM), region, dns_suffix(region)) if r.random() < 0.8 else g.host(region, 'any')
    expires = None if r.random() < 0.3 else r.choice([1, 60, 300, 3600, 86400, 604800, r.randint(1, 604800)])
    request = AWSRequest(method='GET', url='https://%s/mqtt' % endpoint)
    with frozen_clock(date):
        # AWS IoT: sign without the session token, append it afterwards.
        botocore.auth.SigV4QueryAuth(botocore_credentials(c, with_token=False), 'iotdevicegateway', region,
                                     expires=900 if expires is None else expires).add_auth(request)
    url = request.url
    if 'sessionToken' in c:
        url += '&X-Amz-Security-Token=' + uri_encode(c['sessionToken'])
    check_sigv4(url, c, region, 'iotdevicegateway', date, 900 if expires is None else expires, token_signed=False)
    inp = {'endpoint': endpoint, 'region': region, 'credentials': c, 'signingDate': iso_date(date)}
    if expires is not None:
        inp['expiresIn'] = expires
    return {'name': 'iot-%04d' % i, 'recipe': 'iot', 'input': inp, 'expected': 'wss' + url[len('https'):]}


LANGUAGES = ['en-US', 'en-GB', 'es-US', 'fr-CA', 'fr-FR', 'de-DE', 'ja-JP', 'ko-KR', 'pt-BR', 'it-IT', 'zh-CN', 'hi-IN', 'en-AU']


def transcribe_case(g, i):
    r = g.r
    region, c, date = g.region(), g.credentials(), g.signing_date()
    language = None if r.random() < 0.15 else r.choice(LANGUAGES)
    encoding = r.choice(['pcm', 'ogg-opus', 'flac'])
    rate = r.choice([8000, 16000, 22050, 32000, 44100, 48000, r.randint(8000, 48000)])
    params = {}
    if language is None:
        params['identify-language'] = True
        params['language-options'] = ','.join(r.sample(LANGUAGES, r.randint(2, 4)))
    pool = [
        lambda: ('vocabulary-name', g.fancy_text(1, 4)),
        lambda: ('session-id', '%08x-%04x-%04x-%04x-%012x' % tuple(r.getrandbits(b) for b in (32, 16, 16, 16, 48))),
        lambda: ('enable-partial-results-stabilization', r.choice([True, False])),
        lambda: ('partial-results-stability', r.choice(['low', 'medium', 'high'])),
        lambda: ('show-speaker-label', True),
        lambda: ('enable-channel-identification', True),
        lambda: ('number-of-channels', 2),
        lambda: ('vocabulary-filter-name', g.word(3, 12, ALNUM + '-_.')),
        lambda: ('vocabulary-filter-method', r.choice(['mask', 'remove', 'tag'])),
        lambda: ('content-identification-type', 'PII'),
        lambda: ('pii-entity-types', 'NAME,ADDRESS,CREDIT_DEBIT_NUMBER'),
        lambda: ('language-model-name', g.word(3, 20, ALNUM + '-_')),
    ]
    for _ in range(r.randint(0, 4)):
        k, v = r.choice(pool)()
        params.setdefault(k, v)
    expires = None if r.random() < 0.3 else r.choice([1, 10, 60, 250, 300, r.randint(1, 300)])

    def text(v):
        return ('true' if v else 'false') if isinstance(v, bool) else str(v)

    query = ([('language-code', language)] if language else []) + [('media-encoding', encoding), ('sample-rate', str(rate))]
    query += [(k, text(v)) for k, v in params.items()]
    host = 'transcribestreaming.%s.%s:8443' % (region, dns_suffix(region))
    url = 'https://%s/stream-transcription-websocket?%s' % (host, '&'.join('%s=%s' % (k, uri_encode(v)) for k, v in query))
    request = AWSRequest(method='GET', url=url)
    with frozen_clock(date):
        botocore.auth.SigV4QueryAuth(botocore_credentials(c), 'transcribe', region,
                                     expires=300 if expires is None else expires).add_auth(request)
    assert request.url.startswith(url + '&X-Amz-'), (request.url, url)
    check_sigv4(request.url, c, region, 'transcribe', date, 300 if expires is None else expires)
    inp = {'region': region, 'credentials': c, 'signingDate': iso_date(date), 'mediaEncoding': encoding, 'sampleRate': rate}
    if language:
        inp['languageCode'] = language
    if params:
        inp['params'] = params
    if expires is not None:
        inp['expiresIn'] = expires
    return {'name': 'transcribe-%04d' % i, 'recipe': 'transcribe', 'input': inp, 'expected': 'wss' + request.url[len('https'):]}


COUNTS = [
    ('rds', 200, rds_case),
    ('dsql', 150, dsql_case),
    ('elasticache', 150, lambda g, i: cache_case(g, i, 'elasticache')),
    ('memorydb', 80, lambda g, i: cache_case(g, i, 'memorydb')),
    ('sts', 100, sts_case),
    ('eks', 100, eks_case),
    ('iot', 100, iot_case),
    ('transcribe', 100, transcribe_case),
]


def main():
    isolate_from_aws_environment()
    g = Gen(SEED)
    cases = []
    for _, count, make in COUNTS:
        for i in range(1, count + 1):
            cases.append(make(g, i))
    doc = vectors_document('gen-token-vectors.py', SEED, cases, tools=[('awscli', awscli.__version__)],
                           extra={'counts': {name: count for name, count, _ in COUNTS}})
    print('wrote %d cases to %s' % (len(cases), write_vectors_json(OUT_NAME, doc)))


if __name__ == '__main__':
    main()
