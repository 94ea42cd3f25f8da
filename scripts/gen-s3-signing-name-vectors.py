#!/usr/bin/env python3
"""Generate vectors for S3's other signing names from botocore's S3 client.

What it generates
-----------------
``vectors/botocore-s3-signing-names.json``: seeded, random presigned URLs that
botocore's S3 client builds for access point ARNs, Object Lambda access point
ARNs, Outposts access point ARNs and access point aliases (``NAME-…-s3alias``,
which S3 addresses like a bucket)::

    client = session.create_client('s3', region_name=REGION, config=Config(signature_version='s3v4'))
    client.generate_presigned_url('get_object', Params={'Bucket': ARN, 'Key': KEY}, ExpiresIn=..., HttpMethod=...)

botocore resolves the host and the signing name (``s3``, ``s3-object-lambda``,
``s3-outposts``) with its endpoint ruleset, offline, and signs with
``S3SigV4QueryAuth``: S3's rules (path encoded once and never normalized,
``UNSIGNED-PAYLOAD``) under every one of those names. Each case records the URL,
the signing name and region read from its ``X-Amz-Credential``, and the
canonical request, string to sign and signature botocore computed (captured by
wrapping ``botocore.auth.S3SigV4QueryAuth``). The tests give ``presignDetailed``
the URL without its ``X-Amz-*`` parameters and the signing name as ``service``,
with no other option, and expect botocore's canonical request and signature.

Access point aliases are presigned with ``s3={'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional'}``, as scripts/gen-s3-vectors.py presigns buckets: with the default ('auto') botocore's
presigner puts any DNS-compatible bucket on the global host ``BUCKET.s3.amazonaws.com`` whatever the region (a
legacy choice of its presigner; the global endpoint redirects), where AWS documents the Regional host
``ALIAS.s3.REGION.amazonaws.com``, which is what ``presignS3`` builds.

Keys are random: spaces, ``+``, unicode, ``//``, ``~``, ``%``, ``=``; no ``.`` or
``..`` segment (no URL can carry one). Time is frozen per case; credentials
carry a session token in about a third of the cases. Every case is checked here
with an independent SigV4 implementation before it is written.

Not covered (yet): S3 Express One Zone directory buckets, whose presigning needs
a session from ``CreateSession`` (a network call) in botocore.
"""
import datetime
import sys
from urllib.parse import unquote

sys.path.insert(0, __import__('os').path.dirname(__file__))
from oracle_common import (  # noqa: E402
    SeededGen, captured_signing_steps, check_captured_presign, frozen_clock, iso_date, isolate_from_aws_environment,
    random_b64_token, random_key_pair, random_s3_key, single_signing, vectors_document, write_vectors_json)

SEED = 17
CASES = 200
REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'eu-central-1']



def random_bucket(g, kind, region, account):
    name = g.word(3, 12) + '-' + g.word(2, 6)
    if kind == 'accesspoint':
        return 'arn:aws:s3:%s:%s:accesspoint/%s' % (region, account, name)
    if kind == 'alias':
        return name + '-' + ''.join(g.r.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(20)) + '-s3alias'
    if kind == 'object-lambda':
        return 'arn:aws:s3-object-lambda:%s:%s:accesspoint/%s' % (region, account, name)
    outpost = 'op-' + ''.join(g.r.choice('0123456789abcdef') for _ in range(17))
    return 'arn:aws:s3-outposts:%s:%s:outpost/%s/accesspoint/%s' % (region, account, outpost, name)


def main():
    isolate_from_aws_environment()
    import botocore.auth
    import botocore.session
    from botocore.config import Config

    g = SeededGen(SEED)
    cases = []
    kinds = ['accesspoint', 'object-lambda', 'outposts', 'alias']
    for i in range(CASES):
        r = g.r
        kind = kinds[i % len(kinds)]
        region = r.choice(REGIONS)
        account = ''.join(r.choice('0123456789') for _ in range(12))
        akid, secret = random_key_pair(r, 'AKIA')
        token = random_b64_token(r) if r.random() < 0.33 else None
        method = r.choice(['GET', 'GET', 'PUT', 'HEAD', 'DELETE'])
        operation = {'GET': 'get_object', 'PUT': 'put_object', 'HEAD': 'head_object', 'DELETE': 'delete_object'}[method]
        bucket = random_bucket(g, kind, region, account)
        key = random_s3_key(g)
        expires = r.choice([60, 300, 3600, 86400, 604800])
        date = datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=r.randint(0, 300 * 86400))
        session = botocore.session.Session()
        session.set_credentials(akid, secret, token)
        s3_config = {'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional'} if kind == 'alias' else {}
        client = session.create_client('s3', region_name=region, config=Config(signature_version='s3v4', s3=s3_config))
        with frozen_clock(date), captured_signing_steps(botocore.auth.S3SigV4QueryAuth) as captured:
            url = client.generate_presigned_url(operation, Params={'Bucket': bucket, 'Key': key}, ExpiresIn=expires, HttpMethod=method)
        cr, sts, sig = single_signing(captured, botocore.auth.S3SigV4QueryAuth)
        credential = unquote([p for p in url.partition('?')[2].split('&') if p.startswith('X-Amz-Credential=')][0].split('=', 1)[1])
        _, _, scope_region, service, _ = credential.split('/')
        check_captured_presign(url, cr, sts, sig, date, secret, scope_region, service)
        expected_service = {'accesspoint': 's3', 'object-lambda': 's3-object-lambda', 'outposts': 's3-outposts', 'alias': 's3'}[kind]
        assert service == expected_service, (kind, service, url)
        assert cr.split('\n')[-1] == 'UNSIGNED-PAYLOAD', cr
        cases.append({
            'name': '%s %s %03d' % (kind, method, i),
            'kind': kind,
            'botocoreCall': {'operation': operation, 'Bucket': bucket, 'Key': key, 'region': region},
            'method': method,
            'credentials': {'accessKeyId': akid, 'secretAccessKey': secret, **({'sessionToken': token} if token else {})},
            'signingName': service,
            'region': scope_region,
            'expiresIn': expires,
            'signingDate': iso_date(date),
            'expected': {'url': url, 'canonicalRequest': cr, 'stringToSign': sts, 'signature': sig},
        })
    doc = vectors_document('gen-s3-signing-name-vectors.py', SEED, cases)
    print('wrote %s (%d cases)' % (write_vectors_json('botocore-s3-signing-names.json', doc), len(cases)))


if __name__ == '__main__':
    main()
