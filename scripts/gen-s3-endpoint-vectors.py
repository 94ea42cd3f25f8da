#!/usr/bin/env python3
"""Generate vectors for S3's AWS endpoint forms from botocore's S3 client.

What it generates
-----------------
``vectors/botocore-s3-endpoints.json``: seeded, random presigned URLs that botocore's S3 client builds for
Transfer Acceleration, dual-stack and FIPS endpoints and the combinations S3 has, with
``Config(use_fips_endpoint=..., s3={'use_accelerate_endpoint': ..., 'use_dualstack_endpoint': ...,
'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional'})``, and the combinations botocore refuses.
Virtual addressing and the Regional us-east-1 endpoint are set as in scripts/gen-s3-vectors.py: with the default
('auto') botocore's presigner puts buckets on the global host, and (measured with botocore 1.43.11) with FIPS in
us-west-2 it then returns ``s3-fips.us-east-1`` with a us-west-2 scope, where AWS documents
``BUCKET.s3-fips.us-west-2.amazonaws.com``; with these settings it returns the documented host.

Each case records ``location`` (bucket, key, region, accelerate / dualStack / fips), the options, and botocore's
URL, canonical request, string to sign and signature (captured from ``botocore.auth.S3SigV4QueryAuth``), checked
here with an independent SigV4 implementation. ``refused`` lists combinations botocore refuses, with its error.
Buckets are DNS-compatible without dots (accelerate needs that); keys are random (spaces, ``+``, unicode, ``//``).
"""
import datetime
import sys

sys.path.insert(0, __import__('os').path.dirname(__file__))
from oracle_common import (  # noqa: E402
    SeededGen, captured_signing_steps, check_captured_presign, frozen_clock, iso_date, isolate_from_aws_environment,
    random_b64_token, random_key_pair, random_s3_key, single_signing, vectors_document, write_vectors_json)

SEED = 18
CASES = 120
FIPS_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1']
OTHER_REGIONS = ['eu-west-1', 'ap-southeast-2', 'eu-central-1', 'sa-east-1']
CN_REGIONS = ['cn-north-1', 'cn-northwest-1']
KINDS = [
    ('accelerate', {'accelerate': True}),
    ('accelerate-dualstack', {'accelerate': True, 'dualStack': True}),
    ('dualstack', {'dualStack': True}),
    ('fips', {'fips': True}),
    ('fips-dualstack', {'fips': True, 'dualStack': True}),
]



def client(session, region, flags):
    from botocore.config import Config
    s3 = {'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional',
          'use_accelerate_endpoint': bool(flags.get('accelerate')), 'use_dualstack_endpoint': bool(flags.get('dualStack'))}
    return session.create_client('s3', region_name=region, config=Config(signature_version='s3v4', use_fips_endpoint=bool(flags.get('fips')), s3=s3))


def main():
    isolate_from_aws_environment()
    import botocore.auth
    import botocore.session

    g = SeededGen(SEED)
    cases = []
    for i in range(CASES):
        r = g.r
        kind, flags = KINDS[i % len(KINDS)]
        regions = FIPS_REGIONS if 'fips' in flags else FIPS_REGIONS + OTHER_REGIONS + ([] if 'accelerate' in flags else CN_REGIONS)
        region = r.choice(regions)
        akid, secret = random_key_pair(r, 'AKIA')
        token = random_b64_token(r) if r.random() < 0.33 else None
        method = r.choice(['GET', 'GET', 'PUT', 'HEAD', 'DELETE'])
        operation = {'GET': 'get_object', 'PUT': 'put_object', 'HEAD': 'head_object', 'DELETE': 'delete_object'}[method]
        bucket = g.word(3, 10) + '-' + g.word(3, 10)
        key = random_s3_key(g)
        expires = r.choice([60, 300, 3600, 86400, 604800])
        date = datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=r.randint(0, 300 * 86400))
        session = botocore.session.Session()
        session.set_credentials(akid, secret, token)
        c = client(session, region, flags)
        with frozen_clock(date), captured_signing_steps(botocore.auth.S3SigV4QueryAuth) as captured:
            url = c.generate_presigned_url(operation, Params={'Bucket': bucket, 'Key': key}, ExpiresIn=expires, HttpMethod=method)
        cr, sts, sig = single_signing(captured, botocore.auth.S3SigV4QueryAuth)
        check_captured_presign(url, cr, sts, sig, date, secret, region, 's3')
        cases.append({
            'name': '%s %s %s %03d' % (kind, region, method, i),
            'location': {'bucket': bucket, 'key': key, 'region': region, **flags},
            'method': method,
            'credentials': {'accessKeyId': akid, 'secretAccessKey': secret, **({'sessionToken': token} if token else {})},
            'expiresIn': expires,
            'signingDate': iso_date(date),
            'expected': {'url': url, 'canonicalRequest': cr, 'stringToSign': sts, 'signature': sig},
        })
    refused = []
    for name, bucket, region, flags in [
        ('accelerate with fips', 'my-bucket', 'us-east-1', {'accelerate': True, 'fips': True}),
        ('accelerate with a dotted bucket', 'my.bucket', 'us-east-1', {'accelerate': True}),
        ('fips in a Region without FIPS', 'my-bucket', 'eu-west-1', {'fips': True}),
        ('accelerate in China', 'my-bucket', 'cn-north-1', {'accelerate': True}),
    ]:
        session = botocore.session.Session()
        session.set_credentials('AKIDEXAMPLE', 'secret')
        try:
            url = client(session, region, flags).generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': 'k'})
            outcome = {'botocoreUrl': url.split('?')[0]}  # unsigned part only (its clock is not frozen)
        except Exception as e:  # noqa: BLE001 - the class name is the record
            outcome = {'botocoreError': type(e).__name__}
        refused.append({'name': name, 'location': {'bucket': bucket, 'key': 'k', 'region': region, **flags}, **outcome})
    doc = vectors_document('gen-s3-endpoint-vectors.py', SEED, cases, extra={'refused': refused})
    print('wrote %s (%d cases, %d refused combinations)' % (write_vectors_json('botocore-s3-endpoints.json', doc), len(cases), len(refused)))
    for r in refused:
        print(' ', r['name'], r.get('botocoreError') or r.get('botocoreUrl'))


if __name__ == '__main__':
    main()
