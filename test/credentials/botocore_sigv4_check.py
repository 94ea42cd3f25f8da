"""botocore checks the SigV4 signatures the fake STS receives (test/credentials/helpers.ts: fakeSts).

A long-running helper: the test process starts it once, writes one JSON object per line on stdin and reads one
JSON line per request on stdout, in order. It exits when stdin closes (the test process ended or closed it).

Request:  {"id", "method", "url" (absolute: http://HOST/path?query as received), "headers" ({lower-case name:
           value} as received), "body" (text), "accessKeyId", "secretAccessKey", "sessionToken" (or null: then the
           request must carry none), "region", "service", "now" (epoch seconds, or null: no clock check)}
Answer:   {"id", "ok": true, "form": "header" | "presigned", "accessKeyId"}  or  {"id", "ok": false, "reason"}
First line written, before any request is read: {"ready": true, "botocore": VERSION}.

What is checked, with botocore.auth's own code (this library's signer and verifier are never used):
* the header form (``Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…``, as botocore
  sends) with ``SigV4Auth``; the presigned form (``X-Amz-Algorithm``… in the query, as this library sends) with
  ``SigV4QueryAuth``, the URL stripped of ``X-Amz-Signature``. Both present, or neither, is refused;
* the request is rebuilt as an ``AWSRequest`` with the received method, URL, body and only the headers the client
  says it signed, ``request.context['timestamp']`` set from the request's ``X-Amz-Date``; botocore then computes
  ``canonical_request``, ``string_to_sign`` and ``signature`` with the expected secret, region and service;
* the signed headers must be exactly the set botocore signs for those headers (``signed_headers(headers_to_sign)``:
  sorted, lower-case, ``host`` always), each must have been received, and every received ``x-amz-*`` header must
  be among them; the credential scope must be botocore's (``scope``: key id, date of X-Amz-Date, region, service);
* the session token must be the one of the key (signed), or absent for a long-term key; an X-Amz-Content-SHA256
  header (which botocore signs in place of the body's hash) must be the SHA-256 of the body;
* with ``now``: the header form within 15 minutes of X-Amz-Date; the presigned form not before X-Amz-Date - 15
  minutes nor after X-Amz-Date + X-Amz-Expires (1 to 604800 s);
* the signatures are compared with ``hmac.compare_digest``.
Anything unexpected (a malformed header, a bad date, an exception) is a refusal with its reason.
"""

import datetime
import hashlib
import hmac
import json
import os
import re
import sys
from urllib.parse import parse_qsl, urlsplit, urlunsplit

AUTHORIZATION = re.compile(
    r'AWS4-HMAC-SHA256 Credential=(?P<credential>[^,\s]+), ?SignedHeaders=(?P<signed>[^,\s]+), ?Signature=(?P<signature>[0-9a-f]{64})'
)
AMZ_DATE = '%Y%m%dT%H%M%SZ'
MAX_SKEW = 15 * 60


class Refused(Exception):
    pass


def parse_amz_date(value):
    if not isinstance(value, str) or not re.fullmatch(r'\d{8}T\d{6}Z', value):
        raise Refused('X-Amz-Date is not YYYYMMDDTHHMMSSZ')
    try:
        return datetime.datetime.strptime(value, AMZ_DATE).replace(tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise Refused('X-Amz-Date is not a date') from None


def check(spec):
    from botocore.auth import SigV4Auth, SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    method = spec['method']
    url = spec['url']
    headers = {str(k).lower(): str(v) for k, v in spec['headers'].items()}
    parts = urlsplit(url)
    raw_pairs = parts.query.split('&') if parts.query else []
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [k for k, _ in query]
    presigned = any(n in names for n in ('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'))
    if 'authorization' in headers and presigned:
        raise Refused('both an Authorization header and X-Amz-Signature')

    if presigned:
        for name in ('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'):
            if names.count(name) != 1:
                raise Refused('%s appears %d times in the query' % (name, names.count(name)))
        params = dict(query)
        if params['X-Amz-Algorithm'] != 'AWS4-HMAC-SHA256':
            raise Refused('X-Amz-Algorithm is not AWS4-HMAC-SHA256')
        credential, signed, signature = params['X-Amz-Credential'], params['X-Amz-SignedHeaders'], params['X-Amz-Signature']
        amz_date = params['X-Amz-Date']
        tokens = [v for k, v in query if k == 'X-Amz-Security-Token']
        if not re.fullmatch(r'[1-9]\d{0,5}', params['X-Amz-Expires']) or int(params['X-Amz-Expires']) > 604800:
            raise Refused('X-Amz-Expires is not 1 to 604800')
        expires = int(params['X-Amz-Expires'])
        if 'x-amz-date' in headers or 'x-amz-security-token' in headers:
            raise Refused('a presigned request with X-Amz-Date or X-Amz-Security-Token headers')
        # The URL botocore signed: the same, without X-Amz-Signature (the raw pairs, their encoding untouched).
        kept = [p for p in raw_pairs if p.partition('=')[0] != 'X-Amz-Signature']
        signed_url = urlunsplit((parts.scheme, parts.netloc, parts.path, '&'.join(kept), ''))
        form = 'presigned'
    else:
        m = AUTHORIZATION.fullmatch(headers.get('authorization', ''))
        if not m:
            raise Refused('no SigV4 Authorization header and no X-Amz-Signature')
        credential, signed, signature = m.group('credential'), m.group('signed'), m.group('signature')
        if 'x-amz-date' not in signed.split(';'):
            raise Refused('x-amz-date is not signed')
        amz_date = headers.get('x-amz-date')
        tokens = [headers['x-amz-security-token']] if 'x-amz-security-token' in headers else []
        if any(n.startswith('X-Amz-') for n in names):
            raise Refused('a header-signed request with X-Amz-* query parameters')
        signed_url = url
        expires = None
        form = 'header'

    date = parse_amz_date(amz_date)
    now = spec.get('now')
    if now is not None:
        if form == 'header' and abs(now - date) > MAX_SKEW:
            raise Refused('X-Amz-Date is more than 15 minutes away')
        if form == 'presigned' and not (date - MAX_SKEW <= now <= date + expires):
            raise Refused('the presigned request has expired or is not yet valid')

    expected_token = spec.get('sessionToken')
    if expected_token is None and tokens:
        raise Refused('a session token with a long-term key')
    if expected_token is not None and tokens != [expected_token]:
        raise Refused('not the session token of the key')

    body = spec.get('body') or ''
    # botocore signs X-Amz-Content-SHA256 in place of the body's hash when the header is there: it must be that hash.
    if 'x-amz-content-sha256' in headers and headers['x-amz-content-sha256'] != hashlib.sha256(body.encode('utf-8')).hexdigest():
        raise Refused('x-amz-content-sha256 is not the SHA-256 of the body')

    names_signed = signed.split(';')
    missing = [n for n in names_signed if n not in headers]
    if missing:
        raise Refused('signed header %s was not received' % missing[0])
    unsigned_amz = [n for n in headers if n.startswith('x-amz-') and n not in names_signed]
    if unsigned_amz:
        raise Refused('header %s is not signed' % unsigned_amz[0])

    request = AWSRequest(method=method, url=signed_url, headers={n: headers[n] for n in names_signed}, data=body.encode('utf-8') if body else None)
    request.context['timestamp'] = amz_date
    creds = Credentials(spec['accessKeyId'], spec['secretAccessKey'], expected_token)
    if presigned:
        auth = SigV4QueryAuth(creds, spec['service'], spec['region'], expires=expires)
    else:
        auth = SigV4Auth(creds, spec['service'], spec['region'])

    botocore_signed = auth.signed_headers(auth.headers_to_sign(request))
    if signed != botocore_signed:
        raise Refused('SignedHeaders is not the set botocore signs (%s)' % botocore_signed)
    if credential.split('/', 1)[0] != spec['accessKeyId']:
        raise Refused('the credential names another access key id')
    if credential != auth.scope(request):
        raise Refused('the credential scope is not %s' % auth.credential_scope(request))
    canonical_request = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical_request)
    expected = auth.signature(string_to_sign, request)
    if not hmac.compare_digest(expected, signature):
        raise Refused('signature mismatch')
    return {'ok': True, 'form': form, 'accessKeyId': spec['accessKeyId']}


def main():
    for key in list(os.environ):
        if key.startswith('AWS_'):
            del os.environ[key]
    import botocore  # noqa: E402  (after the AWS_* variables are gone)

    sys.stdout.write(json.dumps({'ready': True, 'botocore': botocore.__version__}) + '\n')
    sys.stdout.flush()
    while True:
        line = sys.stdin.readline()
        if not line:
            return  # stdin closed: the test process is gone or done
        request_id = None
        try:
            spec = json.loads(line)
            request_id = spec.get('id')
            answer = check(spec)
        except Refused as e:
            answer = {'ok': False, 'reason': str(e)}
        except Exception as e:  # a malformed request is a refusal too, never a crash
            answer = {'ok': False, 'reason': 'checker error: %s: %s' % (type(e).__name__, e)}
        answer['id'] = request_id
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
