"""Shared by the page benchmarks (bench/region.py, bench/engagement.py): one page asked of two
servers side by side, at 10,000 and at 100,000 evidence items, and the ratio of their p50s.

For each database it loads the national data set at both sizes (bench/suite.py's
``prepare``), starts the service on each (bench/serve.py: `wcc serve` in production mode, one
worker), signs the same user in on both, checks the page once on each, and asks each server
in turn for it, one request at a time on loopback: ROUNDS rounds of REQUESTS requests on each
server, the servers taking turns within a round so that the machine's drift hits both alike,
after a warm-up that is not recorded. Figures are medians over the rounds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.suite import Server, prepare

ROUNDS = 7
REQUESTS = 40
WARM_UP = 20
SIZES = (100_000, 10_000)


@dataclass
class Timing:
    p50: float
    p99: float


def get(url: str, cookie: str) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        return response.read()


def time_requests(url: str, cookie: str, requests: int) -> Timing:
    """p50 and p99 in ms of ``requests`` requests made one after another."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        get(url, cookie)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return Timing(statistics.median(times), times[max(int(len(times) * 0.99) - 1, 0)])


def run_database(
    kind: str,
    *,
    user: str,
    path: str,
    check: Callable[[int, str], None],
    rounds: int,
    requests: int,
    server_url: str,
) -> dict[int, Timing]:
    """``path`` as ``user`` on a server at each size; ``check(items, body)`` raises when the
    page is not the one meant."""
    work = Path(tempfile.mkdtemp(prefix=f"wcc-bench-{kind}-"))
    cleanups = []
    servers: dict[int, Server] = {}
    try:
        for items in SIZES:
            _url, env, cleanup = prepare(kind, items, work, server_url)
            cleanups.append(cleanup)
            servers[items] = Server(env, workers=1)
        cookies = {items: server.cookie(user) for items, server in servers.items()}
        for items, server in servers.items():
            check(items, get(server.base + path, cookies[items]).decode())
            time_requests(server.base + path, cookies[items], WARM_UP)
        measured: dict[int, list[Timing]] = {items: [] for items in servers}
        for round_number in range(rounds):
            order = list(servers) if round_number % 2 == 0 else list(reversed(servers))
            for items in order:
                url = servers[items].base + path
                measured[items].append(time_requests(url, cookies[items], requests))
        return {
            items: Timing(
                statistics.median(t.p50 for t in timings),
                statistics.median(t.p99 for t in timings),
            )
            for items, timings in measured.items()
        }
    finally:
        for server in servers.values():
            server.stop()
        for cleanup in cleanups:
            if cleanup:
                cleanup()
        shutil.rmtree(work, ignore_errors=True)


def report(kind: str, what: str, figures: dict[int, Timing], goal: float) -> None:
    large, small = figures[100_000], figures[10_000]
    ratio = large.p50 / small.p50
    print(f"\n### {kind}\n")
    print("| evidence items | p50 ms | p99 ms |")
    print("|---|---|---|")
    for items in (10_000, 100_000):
        print(f"| {items:,} | {figures[items].p50:.1f} | {figures[items].p99:.1f} |")
    verdict = "met" if ratio <= goal else "NOT met"
    print(
        f"\n- {what} p50 at 100,000 items / 10,000: {large.p50:.1f} / {small.p50:.1f} ms "
        f"= {ratio:.2f} (goal <= {goal}, {verdict})"
    )


def main(
    what: str, *, user: str, path: str, check: Callable[[int, str], None], goal: float
) -> None:
    """The command line of a page bench: each database asked in turn, then its report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    for kind in args.databases.split(","):
        figures = run_database(
            kind,
            user=user,
            path=path,
            check=check,
            rounds=args.rounds,
            requests=args.requests,
            server_url=args.database_url,
        )
        report(kind, what, figures, goal)
