"""Answers to repeated API reads, kept in each worker's memory and used only while nothing
they were built from has changed.

The statement that signs the caller in also reads the content version (app.content_version),
which every write to a table reads are built from replaces. An answer is kept with the
version it was built under and given again only to the same user, for the same address and
query, while the version is unchanged: a cached read costs the sign-in statement alone, and a
write is seen by the very next read. The version is read before the answer is built, so an
answer is never filed under a version newer than its data.
"""

from __future__ import annotations

from collections.abc import Callable

from cachetools import LRUCache
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from app.actors import Actor
from app.config import get_settings

READ_CACHE = "read_cache"
# What a kept answer costs beyond its body: the key, the entry and the dictionary slot.
ENTRY_OVERHEAD = 256

Key = tuple[int, str, bytes]
Entry = tuple[int, bytes]


def _cost(entry: Entry) -> int:
    return len(entry[1]) + ENTRY_OVERHEAD


class ReadCache:
    """Bodies by (user, path, query), each with the content version it was built under; the
    least recently used are dropped beyond ``max_bytes`` (cachetools' LRU cache, sized by
    body). Used from the event loop only."""

    def __init__(self, max_bytes: int) -> None:
        self._entries: LRUCache[Key, Entry] = LRUCache(max_bytes, getsizeof=_cost)

    @property
    def max_bytes(self) -> int:
        return int(self._entries.maxsize)

    @property
    def size(self) -> int:
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key, version: int) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] != version:
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: Key, version: int, body: bytes) -> None:
        entry = (version, body)
        if _cost(entry) <= self.max_bytes:
            self._entries[key] = entry


def install(app: FastAPI) -> None:
    """Give the application its cache (`WCC_READ_CACHE_MB`; 0 leaves it without)."""
    megabytes = get_settings().read_cache_mb
    setattr(app.state, READ_CACHE, ReadCache(megabytes * 2**20) if megabytes else None)


def _json(build: Callable[[], BaseModel]) -> bytes:
    model = build()
    return type(model).__pydantic_serializer__.to_json(model)


async def cached_json(request: Request, actor: Actor, build: Callable[[], BaseModel]) -> Response:
    """The JSON of ``build()`` (run on a worker thread), or the body kept from an earlier call
    by the same user for the same address if the content has not changed since. Errors raised
    by ``build`` pass through and nothing is kept."""
    cache: ReadCache | None = getattr(request.app.state, READ_CACHE, None)
    version = actor.content_version
    if cache is None or version is None or actor.user_id is None:
        return _response(await run_in_threadpool(_json, build))
    key = (actor.user_id, request.scope["path"], request.scope["query_string"])
    body = cache.get(key, version)
    if body is None:
        body = await run_in_threadpool(_json, build)
        cache.put(key, version, body)
    return _response(body)


def _response(body: bytes) -> Response:
    return Response(body, media_type="application/json")
