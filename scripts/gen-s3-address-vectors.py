#!/usr/bin/env python3
"""Generate vectors for the rest of S3's address forms from botocore's S3 client.

What it generates
-----------------
``vectors/botocore-s3-addresses.json``: seeded, random presigned URLs that botocore's S3 client builds for

- buckets in every partition botocore knows (``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso``, ``aws-iso-b``,
  ``aws-iso-e``, ``aws-iso-f``, ``aws-eusc``), with dual-stack and FIPS where the partition has them;
- access point ARNs (and Object Lambda ones) in those partitions with dual-stack and FIPS;
- Multi-Region Access Point ARNs (``arn:PARTITION:s3::ACCOUNT:accesspoint/ALIAS``), which botocore signs with SigV4a
  through the AWS CRT (``awscrt``): ECDSA signatures are random, so those cases record botocore's URL and the tests
  compare every parameter but ``X-Amz-Signature``, then check that botocore's URL and ours both verify;
- S3 Express One Zone directory buckets (``BASE--ZONE--x-s3``), for which botocore first calls ``CreateSession``;
  here that call is answered by ``botocore.stub.Stubber`` with seeded session credentials, which is what
  ``presignS3`` takes as input (it makes no network call): signing name ``s3express``, the session token in
  ``X-Amz-S3session-Token``.

with ``Config(signature_version='s3v4', use_fips_endpoint=..., s3={'use_dualstack_endpoint': ...,
'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional'})`` as scripts/gen-s3-endpoint-vectors.py
(no ``signature_version`` for Multi-Region and directory buckets: 's3v4' would replace their SigV4a and
``s3express`` signing with plain SigV4, which S3 refuses there).

Where botocore and AWS's documentation disagree, the documented form is tested and these cases are left out:
FIPS in ``aws`` Regions without a FIPS endpoint (botocore builds ``s3-fips.eu-west-1…``), and Transfer
Acceleration outside the ``aws`` partition (botocore builds ``s3-accelerate.c2s.ic.gov``; AWS documents
acceleration for the commercial partition only). ``refused`` records what botocore does with the combinations
``presignS3`` refuses.

SigV4 cases record the URL, canonical request, string to sign and signature (captured from botocore.auth's
``S3SigV4QueryAuth`` or ``S3ExpressQueryAuth``), checked here with an independent SigV4 implementation.

Needs ``awscrt`` for the Multi-Region cases: ``pip install awscrt``, or Debian's ``apt-get install
python3-awscrt`` (found in /usr/lib/python3/dist-packages when the running Python has the same ABI).
"""
import contextlib
import datetime
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from oracle_common import (  # noqa: E402
    SeededGen, captured_signing_steps, check_captured_presign, frozen_clock, iso_date, isolate_from_aws_environment,
    random_b64_token, random_key_pair, random_s3_key, vectors_document, write_vectors_json)

SEED = 19
PARTITION_REGIONS = {
    'aws': ['us-east-1', 'us-west-2', 'eu-west-1'],
    'aws-cn': ['cn-north-1', 'cn-northwest-1'],
    'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
    'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
    'aws-iso-b': ['us-isob-east-1'],
    'aws-iso-e': ['eu-isoe-west-1'],
    'aws-iso-f': ['us-isof-south-1', 'us-isof-east-1'],
    'aws-eusc': ['eusc-de-east-1'],
}
AWS_FIPS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1']
NO_DUALSTACK = {'aws-iso-e', 'aws-iso-f'}
EXPRESS_ZONES = {'us-east-1': ['use1-az4', 'use1-az5'], 'us-west-2': ['usw2-az1', 'usw2-az3', 'usw2-lax1-az1'], 'eu-north-1': ['eun1-az1']}


def import_awscrt():
    try:
        import awscrt  # noqa: F401
        return
    except ImportError:
        pass
    abi = 'cpython-%d%d' % sys.version_info[:2]
    for so in glob.glob('/usr/lib/python3/dist-packages/_awscrt.%s-*.so' % abi):
        link = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'node_modules', '.awscrt-path')
        os.makedirs(link, exist_ok=True)
        for src in (so, '/usr/lib/python3/dist-packages/awscrt'):
            dst = os.path.join(link, os.path.basename(src))
            if not os.path.exists(dst):
                os.symlink(src, dst)
        sys.path.insert(0, link)
        import awscrt  # noqa: F401
        return
    sys.exit('awscrt is needed for the Multi-Region Access Point cases: pip install awscrt (or apt-get install python3-awscrt)')


@contextlib.contextmanager
def labelled(name):
    """Name the case in the error of a failing botocore call."""
    try:
        yield
    except Exception as e:
        raise RuntimeError('case %r: %s: %s' % (name, type(e).__name__, e)) from e


def python_sigv4():
    """botocore's pure-Python SigV4 classes while active: with awscrt importable (for SigV4a), botocore replaces them
    with the CRT's, whose canonical request cannot be captured."""
    import botocore.auth
    from unittest import mock
    python = {'v4': botocore.auth.SigV4Auth, 'v4-query': botocore.auth.SigV4QueryAuth,
              's3v4': botocore.auth.S3SigV4Auth, 's3v4-query': botocore.auth.S3SigV4QueryAuth}
    return mock.patch.dict(botocore.auth.AUTH_TYPE_MAPS, python)


def client(session, region, flags, signature_version='s3v4'):
    from botocore.config import Config
    s3 = {'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional', 'use_dualstack_endpoint': bool(flags.get('dualStack'))}
    extra = {'signature_version': signature_version} if signature_version else {}
    return session.create_client('s3', region_name=region, config=Config(use_fips_endpoint=bool(flags.get('fips')), s3=s3, **extra))


def random_flags(r, partition, region, kind):
    """Dual-stack / FIPS switches this address form has in this partition and region."""
    dual_ok = partition not in NO_DUALSTACK and kind != 'object-lambda'
    fips_ok = partition != 'aws-cn' and (partition != 'aws' or region in AWS_FIPS)
    flags = {}
    if dual_ok and r.random() < 0.4:
        flags['dualStack'] = True
    if fips_ok and r.random() < 0.4:
        flags['fips'] = True
    return flags


def common(g, r):
    akid, secret = random_key_pair(r, 'AKIA')
    token = random_b64_token(r) if r.random() < 0.33 else None
    method = r.choice(['GET', 'GET', 'PUT', 'HEAD', 'DELETE'])
    date = datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=r.randint(0, 300 * 86400))
    return akid, secret, token, method, r.choice([60, 300, 3600, 86400, 604800]), date


OPERATIONS = {'GET': 'get_object', 'PUT': 'put_object', 'HEAD': 'head_object', 'DELETE': 'delete_object'}


def sigv4_case(g, name, location, flags, region, signing_name, auth_class, session_creds=None, signature_version='s3v4'):
    import botocore.session
    from botocore.stub import Stubber
    r = g.r
    akid, secret, token, method, expires, date = common(g, r)
    session = botocore.session.Session()
    session.set_credentials(akid, secret, token)
    with labelled(name):
        c = client(session, region, flags, signature_version)
    if session_creds:
        stub = Stubber(c)
        stub.add_response('create_session', {'Credentials': {
            'AccessKeyId': session_creds[0], 'SecretAccessKey': session_creds[1], 'SessionToken': session_creds[2],
            'Expiration': datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)}}, {'Bucket': location['bucket']})
        stub.activate()
    with frozen_clock(date), captured_signing_steps(auth_class) as captured, python_sigv4(), labelled(name):
        url = c.generate_presigned_url(OPERATIONS[method], Params={'Bucket': location['bucket'], 'Key': location['key']}, ExpiresIn=expires, HttpMethod=method)
    assert len(captured['signature']) == 1, (name, url, captured)
    cr, sts, sig = captured['canonicalRequest'][0], captured['stringToSign'][0], captured['signature'][0]
    signer_secret = session_creds[1] if session_creds else secret
    check_captured_presign(url, cr, sts, sig, date, signer_secret, region, signing_name)
    creds = {'accessKeyId': akid, 'secretAccessKey': secret, **({'sessionToken': token} if token else {})}
    if session_creds:
        creds = {'accessKeyId': session_creds[0], 'secretAccessKey': session_creds[1], 'sessionToken': session_creds[2]}
    return {
        'name': name, 'location': {**location, 'region': region, **flags}, 'method': method, 'credentials': creds,
        'expiresIn': expires, 'signingDate': iso_date(date), 'signingName': signing_name,
        'expected': {'url': url, 'canonicalRequest': cr, 'stringToSign': sts, 'signature': sig},
    }


def partition_cases(g, n):
    import botocore.auth
    cases = []
    partitions = list(PARTITION_REGIONS)
    for i in range(n):
        r = g.r
        partition = partitions[i % len(partitions)]
        region = r.choice(PARTITION_REGIONS[partition])
        kind = r.choice(['bucket', 'bucket', 'accesspoint', 'object-lambda'])
        flags = random_flags(r, partition, region, kind)
        account = ''.join(r.choice('0123456789') for _ in range(12))
        name = g.word(3, 10) + '-' + g.word(3, 8)
        if kind == 'bucket':
            bucket, signing = name, 's3'
        elif kind == 'accesspoint':
            bucket, signing = 'arn:%s:s3:%s:%s:accesspoint/%s' % (partition, region, account, name), 's3'
        else:
            bucket, signing = 'arn:%s:s3-object-lambda:%s:%s:accesspoint/%s' % (partition, region, account, name), 's3-object-lambda'
        label = '%s %s %s%s %03d' % (kind, partition, region, ''.join(' ' + f for f in sorted(flags)), i)
        cases.append(sigv4_case(g, label, {'bucket': bucket, 'key': random_s3_key(g)}, flags, region, signing, botocore.auth.S3SigV4QueryAuth))
    return cases


def express_cases(g, n):
    import botocore.auth
    cases = []
    for i in range(n):
        r = g.r
        region = r.choice(list(EXPRESS_ZONES))
        zone = r.choice(EXPRESS_ZONES[region])
        flags = [{}, {'dualStack': True}, {'fips': True}, {'dualStack': True, 'fips': True}][i % 4] if region in AWS_FIPS else {}
        bucket = g.word(1, 12) + r.choice(['', '-' + g.word(2, 6)]) + '--' + zone + '--x-s3'
        session_akid, session_secret = random_key_pair(r, 'ASIA')
        session = (session_akid, session_secret, random_b64_token(r))
        label = 'express %s %s%s %03d' % (region, zone, ''.join(' ' + f for f in sorted(flags)), i)
        cases.append(sigv4_case(g, label, {'bucket': bucket, 'key': random_s3_key(g)}, flags, region, 's3express',
                                botocore.auth.S3ExpressQueryAuth, session_creds=session, signature_version=None))
    return cases


def mrap_cases(g, n):
    import botocore.session
    cases = []
    for i in range(n):
        r = g.r
        partition = r.choice(['aws', 'aws', 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso'])
        region = r.choice(PARTITION_REGIONS[partition])
        akid, secret, token, method, expires, date = common(g, r)
        account = ''.join(r.choice('0123456789') for _ in range(12))
        alias = ''.join(r.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(13)) + '.mrap'
        bucket = 'arn:%s:s3::%s:accesspoint/%s' % (partition, account, alias)
        key = random_s3_key(g)
        session = botocore.session.Session()
        session.set_credentials(akid, secret, token)
        c = client(session, region, {}, None)
        with frozen_clock(date, modules=('botocore.auth', 'botocore.crt.auth')):
            url = c.generate_presigned_url(OPERATIONS[method], Params={'Bucket': bucket, 'Key': key}, ExpiresIn=expires, HttpMethod=method)
        assert 'X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256' in url and 'X-Amz-Region-Set=%2A' in url, url
        cases.append({
            'name': 'mrap %s %s %03d' % (partition, region, i), 'location': {'bucket': bucket, 'key': key, 'region': region},
            'method': method, 'credentials': {'accessKeyId': akid, 'secretAccessKey': secret, **({'sessionToken': token} if token else {})},
            'expiresIn': expires, 'signingDate': iso_date(date), 'signingName': 's3', 'expected': {'url': url},
        })
    return cases


def refused_cases():
    import botocore.session
    from botocore.stub import Stubber
    out = []
    for name, bucket, region, flags in [
        ('access point with accelerate', 'arn:aws:s3:us-west-2:123456789012:accesspoint/ap', 'us-west-2', {'accelerate': True}),
        ('Object Lambda with dual-stack', 'arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/ol', 'us-west-2', {'dualStack': True}),
        ('Outposts with dual-stack', 'arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/op', 'us-west-2', {'dualStack': True}),
        ('Outposts with FIPS', 'arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/op', 'us-west-2', {'fips': True}),
        ('Multi-Region with dual-stack', 'arn:aws:s3::123456789012:accesspoint/abc.mrap', 'us-west-2', {'dualStack': True}),
        ('Multi-Region with FIPS', 'arn:aws:s3::123456789012:accesspoint/abc.mrap', 'us-west-2', {'fips': True}),
        ('Multi-Region with accelerate', 'arn:aws:s3::123456789012:accesspoint/abc.mrap', 'us-west-2', {'accelerate': True}),
        ('Multi-Region ARN of another partition', 'arn:aws-cn:s3::123456789012:accesspoint/abc.mrap', 'us-east-1', {}),
        ('access point with FIPS in China', 'arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap', 'cn-north-1', {'fips': True}),
        ('access point with dual-stack in aws-iso-e', 'arn:aws-iso-e:s3:eu-isoe-west-1:123456789012:accesspoint/ap', 'eu-isoe-west-1', {'dualStack': True}),
        ('bucket with FIPS in China', 'my-bucket', 'cn-north-1', {'fips': True}),
        ('bucket with dual-stack in aws-iso-f', 'my-bucket', 'us-isof-south-1', {'dualStack': True}),
        ('directory bucket with accelerate', 'b--usw2-az1--x-s3', 'us-west-2', {'accelerate': True}),
        ('directory bucket with dots', 'my.b--usw2-az1--x-s3', 'us-west-2', {}),
        ('directory bucket with upper case', 'MyB--usw2-az1--x-s3', 'us-west-2', {}),
        ('directory bucket without a zone', 'b--x-s3', 'us-west-2', {}),
        ('directory bucket with a bad zone', 'b--abc--x-s3', 'us-west-2', {}),
        ('accelerate in GovCloud (not documented by AWS)', 'my-bucket', 'us-gov-west-1', {'accelerate': True}),
        ('accelerate in aws-iso (not documented by AWS)', 'my-bucket', 'us-iso-east-1', {'accelerate': True}),
    ]:
        session = botocore.session.Session()
        session.set_credentials('AKIDEXAMPLE', 'secret')
        from botocore.config import Config
        s3 = {'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional',
              'use_dualstack_endpoint': bool(flags.get('dualStack')), 'use_accelerate_endpoint': bool(flags.get('accelerate'))}
        try:
            c = session.create_client('s3', region_name=region, config=Config(use_fips_endpoint=bool(flags.get('fips')), s3=s3))
            stub = Stubber(c)
            stub.add_response('create_session', {'Credentials': {'AccessKeyId': 'ASIA', 'SecretAccessKey': 's', 'SessionToken': 't',
                                                                  'Expiration': datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)}}, {'Bucket': bucket})
            stub.activate()
            url = c.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': 'k'})
            outcome = {'botocoreUrl': url.split('?')[0]}  # unsigned part only (its clock is not frozen)
        except Exception as e:  # noqa: BLE001 - the class name is the record
            outcome = {'botocoreError': type(e).__name__}
        out.append({'name': name, 'location': {'bucket': bucket, 'key': 'k', 'region': region, **flags}, **outcome})
    return out


def main():
    isolate_from_aws_environment()
    import_awscrt()
    import botocore.compat
    assert botocore.compat.HAS_CRT, 'botocore does not see awscrt'
    g = SeededGen(SEED)
    cases = partition_cases(g, 120) + express_cases(g, 60) + mrap_cases(g, 40)
    refused = refused_cases()
    doc = vectors_document('gen-s3-address-vectors.py', SEED, cases, extra={'refused': refused})
    print('wrote %s (%d cases, %d refused combinations)' % (write_vectors_json('botocore-s3-addresses.json', doc), len(cases), len(refused)))
    for r in refused:
        print(' ', r['name'], r.get('botocoreError') or r.get('botocoreUrl'))


if __name__ == '__main__':
    main()
