"""Cache backends: Django's Redis cache, without a new client object for every call.

Django's ``RedisCacheClient.get_client`` builds a ``redis.Redis`` for each cache operation, and
building one fills its table of response callbacks (a few hundred entries): about as much CPU
as the round trip itself. A ``redis.Redis`` is safe to share between threads (it takes a
connection from its pool per command), so one per connection pool serves every call.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis import Redis


class _SharedClients(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        # Django's own (private, not in the stubs) pool choice: the first server for writes
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:  # two threads may both make one; either will do
            client = self._clients[id(pool)] = Redis(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClients
