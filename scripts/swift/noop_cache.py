"""A paste filter that gives Swift a cache that caches nothing.

tempauth refuses to run without ``env['swift.cache']`` ("Memcache required"),
even for S3 requests it authenticates on its own. The end-to-end tests run
one proxy process, so instead of a memcached daemon this filter sets an
object whose reads always miss and whose writes are dropped: every request
then reads account/container info from the backend servers, which is slower
but always correct.

Used from proxy-server.conf as
    [filter:cache]
    paste.filter_factory = noop_cache:filter_factory
with this directory on PYTHONPATH.
"""


class NoopCache(object):
    def get(self, key, raise_on_error=False):
        return None

    def get_multi(self, keys, server_key, raise_on_error=False):
        return [None for _ in keys]

    def set(self, key, value, serialize=True, time=0, min_compress_len=0,
            raise_on_error=False):
        return None

    def set_multi(self, mapping, server_key, serialize=True, time=0,
                  min_compress_len=0):
        return None

    def incr(self, key, delta=1, time=0):
        return delta

    def decr(self, key, delta=1, time=0):
        return 0

    def delete(self, key, server_key=None):
        return None

    def __bool__(self):
        return True

    __nonzero__ = __bool__


class NoopCacheMiddleware(object):
    def __init__(self, app):
        self.app = app
        self.cache = NoopCache()

    def __call__(self, env, start_response):
        env['swift.cache'] = self.cache
        return self.app(env, start_response)


def filter_factory(global_conf, **local_conf):
    return NoopCacheMiddleware
