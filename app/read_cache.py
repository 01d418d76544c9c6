"""The JSON of an API read, built afresh on a worker thread for every request.

Repeated reads used to be answered from a cache in each worker, checked against a content
version that database triggers replaced on every write. Judged under a mixed workload of
reads and writes from many PCTs (bench/cache_load.py; figures in bench/README.md, "The read
cache on real traffic") it did not pay: about 3 answers in 100 were still current when asked
for again, reads were no faster with it than without, and the version's single row was a
point every writing transaction queued at. The cache and the triggers were removed
(migration 9463d2f479de). Every read now reads the database, so a write by any path is seen
by the next read, and no answer is kept for anyone.

``cached_json`` and ``install`` keep their names until the routes and app.main that call
them are changed; neither keeps anything.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from app.actors import Actor

# Where the cache used to be kept on app.state; tests/conftest.py still clears it.
READ_CACHE = "read_cache"


def install(app: FastAPI) -> None:
    """Nothing to install: there is no read cache."""
    setattr(app.state, READ_CACHE, None)


def _json(build: Callable[[], BaseModel]) -> bytes:
    model = build()
    return type(model).__pydantic_serializer__.to_json(model)


async def cached_json(request: Request, actor: Actor, build: Callable[[], BaseModel]) -> Response:
    """The JSON of ``build()``, run on a worker thread (it reads the database), built for this
    request alone. Errors raised by ``build`` pass through."""
    return Response(await run_in_threadpool(_json, build), media_type="application/json")
