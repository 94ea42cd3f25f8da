"""botocore as the oracle for sigv4-presign/credentials (test/credentials/*.test.ts).

Reads one JSON object on stdin: {"env": {...}, "profile": NAME or null}. The
process environment is replaced by ``env`` (every other AWS_* variable is
dropped, HOME included in ``env``) *before* botocore is imported, because
botocore fixes its SSO cache folder from HOME at import time. Then it resolves
credentials with botocore's default chain (``Session(profile=...)``, which is
``aws --profile``) and prints one JSON line:

  {"accessKeyId", "secretAccessKey", "sessionToken", "expiration" (ISO 8601 UTC
   or null), "method" (botocore's provider name)}
  or {"error": exception class name, "message": str(exception)}
  or {"none": true} when botocore finds no credentials.

The endpoints are loopback fakes the test starts (AWS_ENDPOINT_URL_STS,
AWS_ENDPOINT_URL_SSO, AWS_CONTAINER_CREDENTIALS_FULL_URI,
AWS_EC2_METADATA_SERVICE_ENDPOINT); see ../shared/docs/credential-oracles.md.
"""

import datetime
import json
import os
import sys


def main():
    spec = json.load(sys.stdin)
    for key in list(os.environ):
        if key.startswith('AWS_') or key == 'HOME':
            del os.environ[key]
    os.environ.update(spec['env'])
    import botocore.session  # noqa: E402  (after HOME is set)

    try:
        session = botocore.session.Session(profile=spec.get('profile'))
        creds = session.get_credentials()
        if creds is None:
            print(json.dumps({'none': True}))
            return
        frozen = creds.get_frozen_credentials()
        expiry = getattr(creds, '_expiry_time', None)
        if expiry is not None:
            expiry = expiry.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (expiry.microsecond // 1000)
        print(json.dumps({
            'accessKeyId': frozen.access_key,
            'secretAccessKey': frozen.secret_key,
            'sessionToken': frozen.token,
            'expiration': expiry,
            'method': creds.method,
        }))
    except Exception as e:  # the test compares the error class with ours
        print(json.dumps({'error': type(e).__name__, 'message': str(e)}))


if __name__ == '__main__':
    main()
