"""The application as `wcc serve` runs it, with two routes added for the benchmarks only:

- `GET /api/v1/bench/signed-in`: the least a signed-in API read must do. The caller is signed
  in by the one statement every API request runs (the account is read, so a deactivated
  account is refused at once) and a few bytes of JSON are sent back, the way the API's reads
  send theirs. It is the ceiling API reads are measured against;
- `GET /bench/read-cache`: this worker's process id and how many of its read cache's
  lookups found an answer still current (hits) out of all (lookups) since the first time it
  was asked, where the tree has a read cache (app.read_cache.ReadCache) and it is on; a load
  generator asks until it has heard from every worker;

and every answer names the worker that gave it (`X-Worker`, its process id), so that a load
generator can tell which worker's cache a request met.

Run: .venv/bin/python bench/serve.py --port 8000 [--workers 2] (settings from WCC_* as usual).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import Response  # noqa: E402
from starlette.types import ASGIApp, Message, Receive, Scope, Send  # noqa: E402

from app.deps import CurrentActor  # noqa: E402
from app.main import create_app as create_service  # noqa: E402

# Where app.read_cache keeps a worker's cache, if the tree has one.
READ_CACHE = "read_cache"

SIGNED_IN = "/api/v1/bench/signed-in"
READ_CACHE_STATS = "/bench/read-cache"
OK = b'{"status":"ok"}'


class NameTheWorker:
    """Adds `X-Worker: <process id>` to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (b"x-worker", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, named)


class LookupCounter:
    """Counts the lookups of the application's read cache and those that found an answer
    (hits), from the first time it is asked on: the cache is made at start-up, and its own
    lookup is wrapped, so nothing in the service changes."""

    def __init__(self) -> None:
        self.hits = self.lookups = 0
        self.counting = False

    def read(self, app: FastAPI) -> tuple[int, int] | None:
        """(hits, lookups) so far, or None where there is no read cache."""
        cache = getattr(app.state, READ_CACHE, None)
        if cache is None:
            return None
        if not self.counting:
            lookup = cache.get

            def counted(key: object, version: int) -> bytes | None:
                body = lookup(key, version)
                self.hits += body is not None
                self.lookups += 1
                return body

            cache.get = counted
            self.counting = True
        return self.hits, self.lookups


def create_app() -> FastAPI:
    app = create_service()
    counter = LookupCounter()

    @app.get(SIGNED_IN, include_in_schema=False)
    async def signed_in(actor: CurrentActor) -> Response:
        return Response(OK, media_type="application/json")

    @app.get(READ_CACHE_STATS, include_in_schema=False)
    async def read_cache_stats(request: Request) -> dict[str, int | None]:
        counts = counter.read(request.app)
        hits, lookups = counts if counts else (None, None)
        return {"pid": os.getpid(), "hits": hits, "lookups": lookups}

    app.add_middleware(NameTheWorker)
    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # As `wcc serve` in production (no access log, the same proxy headers), but for the time a
    # worker may take to answer the supervisor's health check: on a machine as busy as a
    # benchmark makes it, 5 s (the default) can pass and the worker is replaced mid-run.
    uvicorn.run(
        "bench.serve:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        proxy_headers=True,
        timeout_worker_healthcheck=60,
    )


if __name__ == "__main__":
    main()
