#!/usr/bin/env python3
"""Generate vectors for PUT URLs that bind the body: a signed size, a checksum or Content-MD5 (botocore's S3 client).

What it generates
-----------------
``vectors/botocore-s3-put-bindings.json``: seeded, random presigned ``put_object`` (and ``upload_part``) URLs that
botocore's S3 client builds with ``ContentLength``, ``ContentMD5`` and each ``Checksum{CRC32,CRC32C,CRC64NVME,SHA1,
SHA256}`` value, alone and together, sometimes with ``ContentType`` and with ``ChecksumAlgorithm`` (which botocore
signs as ``x-amz-sdk-checksum-algorithm``)::

    client.generate_presigned_url('put_object', Params={'Bucket': B, 'Key': K, 'ContentLength': N, 'ChecksumCRC32': V, ...})

Each case records the botocore parameters, the options ``presignS3`` takes for them (``contentLength``,
``checksum: {algorithm, value}``, ``contentMD5``, and ``headers`` for content type and the algorithm header), and
botocore's URL, canonical request, string to sign and signature (captured from ``S3SigV4QueryAuth``), checked here
with an independent SigV4 implementation. The checksum values are real digests (hashlib, zlib, and a CRC32C /
CRC64NVME written here from their polynomials) of a random body recorded with the case, so a test can upload it.
Time is frozen per case; keys are random (spaces, ``+``, unicode, ``//``).

A second, separately seeded set (EXTRA_SEED, so the first set stays byte for byte what it was) covers the algorithms
botocore 1.43's S3 model added: ``ChecksumSHA512`` and ``ChecksumMD5`` (real digests; MD5 is sent as
``x-amz-checksum-md5``, not ``Content-MD5``) and ``ChecksumXXHASH64``, ``ChecksumXXHASH3``, ``ChecksumXXHASH128``,
whose values are random bytes of the digest's size (no xxHash here: those cases record ``bodyBase64: null``, as the
value is no digest of a body; the signature is what they test).
"""
import base64
import datetime
import hashlib
import sys
import zlib

sys.path.insert(0, __import__('os').path.dirname(__file__))
from oracle_common import (  # noqa: E402
    SeededGen, captured_signing_steps, check_captured_presign, frozen_clock, iso_date, isolate_from_aws_environment,
    random_b64_token, random_key_pair, random_s3_key, single_signing, vectors_document, write_vectors_json)

SEED = 20
CASES = 150
REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']
ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']
EXTRA_SEED = 21
EXTRA_CASES = 30
EXTRA_ALGORITHMS = ['SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128']
XXHASH_BYTES = {'XXHASH64': 8, 'XXHASH3': 8, 'XXHASH128': 16}
KINDS = [['length'], ['md5'], ['checksum'], ['length', 'checksum'], ['length', 'md5'], ['length', 'checksum', 'md5']]


def reflected_crc(data, poly, width):
    """A reflected CRC (init and final XOR all ones), bit by bit: slow and obviously right."""
    mask = (1 << width) - 1
    crc = mask
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (poly if crc & 1 else 0)
    return crc ^ mask


def digest(algorithm, body):
    if algorithm == 'CRC32':
        raw = zlib.crc32(body).to_bytes(4, 'big')
    elif algorithm == 'CRC32C':
        raw = reflected_crc(body, 0x82F63B78, 32).to_bytes(4, 'big')
    elif algorithm == 'CRC64NVME':
        raw = reflected_crc(body, 0x9A6C9329AC4BC9B5, 64).to_bytes(8, 'big')
    elif algorithm == 'MD5':
        raw = hashlib.md5(body).digest()
    else:
        raw = hashlib.new(algorithm.lower(), body).digest()
    return base64.b64encode(raw).decode()


def one_case(g, i, algorithm, kinds_choices):
    """One seeded case: a random location, key pair, body and bindings; ``algorithm`` for a checksum binding."""
    import botocore.auth
    import botocore.session
    from botocore.config import Config

    r = g.r
    region = r.choice(REGIONS)
    akid, secret = random_key_pair(r, 'AKIA')
    token = random_b64_token(r) if r.random() < 0.3 else None
    body = bytes(r.randrange(256) for _ in range(r.choice([0, 1, 17, 300, 1024])))
    params, options, headers = {}, {}, {}
    kinds = r.choice(kinds_choices)
    if 'length' in kinds:
        params['ContentLength'] = len(body)
        options['contentLength'] = len(body)
    if 'md5' in kinds:
        params['ContentMD5'] = options['contentMD5'] = digest('MD5', body)
    of_body = True
    if 'checksum' in kinds:
        if algorithm in XXHASH_BYTES:
            value, of_body = base64.b64encode(bytes(r.randrange(256) for _ in range(XXHASH_BYTES[algorithm]))).decode(), False
        else:
            value = digest(algorithm, body)
        params['Checksum' + algorithm] = value
        options['checksum'] = {'algorithm': algorithm, 'value': value}
        if r.random() < 0.3:
            params['ChecksumAlgorithm'] = algorithm
            headers['x-amz-sdk-checksum-algorithm'] = algorithm
    if r.random() < 0.4:
        params['ContentType'] = headers['content-type'] = r.choice(['video/mp4', 'image/png', 'application/octet-stream'])
    operation = 'put_object'
    location = {'bucket': g.word(3, 10) + '-' + g.word(3, 8), 'key': random_s3_key(g), 'region': region}
    if r.random() < 0.25:
        operation = 'upload_part'
        upload_id = ''.join(r.choice('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-') for _ in range(40))
        params.update({'PartNumber': r.randint(1, 10000), 'UploadId': upload_id})
        params.pop('ContentType', None)
        headers.pop('content-type', None)
    date = datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=r.randint(0, 300 * 86400))
    expires = r.choice([60, 300, 3600, 86400])
    session = botocore.session.Session()
    session.set_credentials(akid, secret, token)
    client = session.create_client('s3', region_name=region, config=Config(
        signature_version='s3v4', s3={'addressing_style': 'virtual', 'us_east_1_regional_endpoint': 'regional'}))
    with frozen_clock(date), captured_signing_steps(botocore.auth.S3SigV4QueryAuth) as captured:
        url = client.generate_presigned_url(operation, Params={'Bucket': location['bucket'], 'Key': location['key'], **params}, ExpiresIn=expires)
    cr, sts, sig = single_signing(captured, botocore.auth.S3SigV4QueryAuth)
    check_captured_presign(url, cr, sts, sig, date, secret, region, 's3')
    return {
        'name': '%s %s %03d' % (operation, '+'.join(kinds), i),
        'operation': operation,
        'botocoreParams': params,
        'location': location,
        'options': {**options, **({'headers': headers} if headers else {})},
        'uploadPart': {'partNumber': params['PartNumber'], 'uploadId': params['UploadId']} if operation == 'upload_part' else None,
        'bodyBase64': base64.b64encode(body).decode() if of_body else None,
        'credentials': {'accessKeyId': akid, 'secretAccessKey': secret, **({'sessionToken': token} if token else {})},
        'expiresIn': expires,
        'signingDate': iso_date(date),
        'expected': {'url': url, 'canonicalRequest': cr, 'stringToSign': sts, 'signature': sig},
    }


def main():
    isolate_from_aws_environment()
    assert digest('CRC32', b'123456789') == 'y/Q5Jg==' and digest('CRC32C', b'123456789') == '4waSgw=='
    assert digest('CRC64NVME', b'123456789') == 'rosUhgp5mIg='
    g = SeededGen(SEED)
    cases = [one_case(g, i, ALGORITHMS[i % len(ALGORITHMS)], KINDS) for i in range(CASES)]
    extra = SeededGen(EXTRA_SEED)
    with_checksum = [k for k in KINDS if 'checksum' in k]
    cases += [one_case(extra, CASES + j, EXTRA_ALGORITHMS[j % len(EXTRA_ALGORITHMS)], with_checksum) for j in range(EXTRA_CASES)]
    doc = vectors_document('gen-s3-put-binding-vectors.py', SEED, cases, extra={'extraSeed': EXTRA_SEED})
    print('wrote %s (%d cases)' % (write_vectors_json('botocore-s3-put-bindings.json', doc), len(cases)))


if __name__ == '__main__':
    main()
