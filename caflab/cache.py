"""A Redis cache that fails open: when Redis does not answer, the portal keeps serving pages.

Django's RedisCache raises on a connection error, so a Redis restart would turn every page that
touches the cache (rate limits, allauth's login limits) into a 500. Here a connection error or a
timeout is logged and treated as a miss: reads return the default, writes do nothing, `incr`
behaves as on a missing key, and `add` answers True as for a new key — so that the locks taken
with it (allauth's rate limits) are granted instead of timing out into a 429. The rate limits and
the one-time TOTP codes' replay guard are then not enforced until Redis is back, the lesser evil
for a public service; `/readyz` still reports the cache as unavailable (its read-back check
fails), so the orchestrator and the on-call team know.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import (
    ConnectionError as RedisConnectionError,
    TimeoutError as RedisTimeoutError,
)

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY = 10.0  # seconds: one warning per burst of failures, not one per cache call


def _fail_open(default=None, *, missing_key: bool = False):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                self._warn(method.__name__, exc)
                if missing_key:
                    raise ValueError("Key not found (cache unavailable)") from exc
                return default(args, kwargs) if callable(default) else default

        return wrapper

    return decorate


def _default_argument(args, kwargs):
    """What `get(key, default)` returns on a miss."""
    if "default" in kwargs:
        return kwargs["default"]
    return args[1] if len(args) > 1 else None


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis for every cache call, and redis-py fills its table of
    about 200 response callbacks each time (≈ 0.15 ms, several times per page). One client per
    connection pool is enough: the clients are thread-safe, the pool holds the connections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """RedisCache whose connection errors are logged misses instead of exceptions."""

    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _warn(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - FailOpenRedisCache._last_warning >= LOG_EVERY:
            FailOpenRedisCache._last_warning = now
            logger.warning(
                "cache unavailable (%s on %s): treated as a miss", type(exc).__name__, operation
            )

    get = _fail_open(_default_argument)(RedisCache.get)
    set = _fail_open(None)(RedisCache.set)
    add = _fail_open(True)(RedisCache.add)
    touch = _fail_open(False)(RedisCache.touch)
    delete = _fail_open(False)(RedisCache.delete)
    has_key = _fail_open(False)(RedisCache.has_key)
    get_many = _fail_open(lambda args, kwargs: {})(RedisCache.get_many)
    set_many = _fail_open(lambda args, kwargs: [])(RedisCache.set_many)
    delete_many = _fail_open(None)(RedisCache.delete_many)
    incr = _fail_open(missing_key=True)(RedisCache.incr)
    clear = _fail_open(None)(RedisCache.clear)
