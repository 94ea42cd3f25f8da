"""A paste filter: CORS headers on every S3 API answer of Swift's s3api, for the allowed page origins.

Measured on Swift 2.30.1 (Debian 12): s3api answers the preflight itself (`cors_preflight_allow_origin`), and the
proxy's `cors_allow_origin` adds Access-Control-Allow-Origin (and an Access-Control-Expose-Headers list that
includes etag) to the answers it passes through from the object server: GET, PUT and UploadPart. The answers s3api
writes itself carry no CORS header at all: CreateMultipartUpload, CompleteMultipartUpload, ListParts,
AbortMultipartUpload, and every S3 error (403 SignatureDoesNotMatch, 403 "Request has expired", 404 NoSuchUpload…).
A browser then sees a network error instead of the answer. On S3 the bucket's CORS rule covers all of them.

This filter plays that rule: for a request whose Origin is in `allow_origin` (comma-separated), an answer without
Access-Control-Allow-Origin gets it, with `Access-Control-Expose-Headers: <expose_headers>` (default ETag) and
`Vary: Origin`. Answers that have one (the object server's) are left as they are. Preflights (OPTIONS) are s3api's.
Other origins get nothing, so a page from another origin still cannot read an answer.

Used from proxy-server.conf as
    [filter:s3cors]
    paste.filter_factory = swift_s3_cors:filter_factory
    allow_origin = http://127.0.0.1:PORT
with this directory on PYTHONPATH (test/e2e/helpers/swift.ts, option `corsEveryS3Answer`).
"""


class S3CorsMiddleware(object):
    def __init__(self, app, conf):
        self.app = app
        self.origins = set(o.strip() for o in conf.get('allow_origin', '').split(',') if o.strip())
        self.expose = conf.get('expose_headers', 'ETag')

    def __call__(self, env, start_response):
        origin = env.get('HTTP_ORIGIN')
        if not origin or origin not in self.origins or env.get('REQUEST_METHOD') == 'OPTIONS':
            return self.app(env, start_response)

        def cors_start_response(status, headers, exc_info=None):
            if not any(name.lower() == 'access-control-allow-origin' for name, _ in headers):
                headers = list(headers) + [
                    ('Access-Control-Allow-Origin', origin),
                    ('Access-Control-Expose-Headers', self.expose),
                    ('Vary', 'Origin'),
                ]
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        return self.app(env, cors_start_response)


def filter_factory(global_conf, **local_conf):
    conf = dict(global_conf)
    conf.update(local_conf)

    def factory(app):
        return S3CorsMiddleware(app, conf)

    return factory
