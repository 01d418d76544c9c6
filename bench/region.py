"""The region page at national scale (not a test). One command:

    .venv/bin/python bench/region.py     # --databases sqlite,postgresql; --rounds 7; --requests 40

For each database it loads the national data set (10 SHAs, 152 PCTs, 2 cycles, 100,000
evidence items) and a tenth of it (10,000 items), the same way bench/suite.py does, starts
the service on each (bench/serve.py: `wcc serve` in production mode, one worker), signs in the
London reviewer (`reviewer.q36`: 31 PCTs, the largest region) on both, and asks each server in
turn for `GET /region` (the newest cycle, every PCT), one request at a time on loopback:
ROUNDS rounds of REQUESTS requests on each server, the servers taking turns within a round so
that the machine's drift hits both alike, after a warm-up that is not recorded. It prints each
side's p50 and p99 (medians over the rounds) and the ratio of the p50s at 100,000 items to
10,000 (goal at most 1.2): the page reads each kind of row for all PCTs at once, and no
evidence at all, so its time should not grow with the evidence.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.suite import Server, prepare  # noqa: E402

REVIEWER = "reviewer.q36@demo.wcc.nhs.test"  # London: 31 PCTs
PCTS = 31
PATH = "/region"
ROUNDS = 7
REQUESTS = 40
WARM_UP = 20
GOAL = 1.2


@dataclass
class Timing:
    p50: float
    p99: float


def _get(url: str, cookie: str) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        return response.read()


def _time(url: str, cookie: str, requests: int) -> Timing:
    """p50 and p99 in ms of ``requests`` requests made one after another."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        _get(url, cookie)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return Timing(statistics.median(times), times[max(int(len(times) * 0.99) - 1, 0)])


def run_database(kind: str, rounds: int, requests: int, server_url: str) -> dict[int, Timing]:
    work = Path(tempfile.mkdtemp(prefix=f"wcc-region-{kind}-"))
    cleanups = []
    servers: dict[int, Server] = {}
    try:
        for items in (100_000, 10_000):
            _url, env, cleanup = prepare(kind, items, work, server_url)
            cleanups.append(cleanup)
            servers[items] = Server(env, workers=1)
        cookies = {items: server.cookie(REVIEWER) for items, server in servers.items()}
        for items, server in servers.items():
            body = _get(server.base + PATH, cookies[items]).decode()
            listed = body.count('id="pct-')
            if listed != PCTS:
                raise RuntimeError(f"{items:,} items: the page lists {listed} PCTs, not {PCTS}")
            _time(server.base + PATH, cookies[items], WARM_UP)
        measured: dict[int, list[Timing]] = {items: [] for items in servers}
        for round_number in range(rounds):
            order = list(servers) if round_number % 2 == 0 else list(reversed(servers))
            for items in order:
                url = servers[items].base + PATH
                measured[items].append(_time(url, cookies[items], requests))
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


def report(kind: str, figures: dict[int, Timing]) -> None:
    large, small = figures[100_000], figures[10_000]
    ratio = large.p50 / small.p50
    print(f"\n### {kind}\n")
    print("| evidence items | p50 ms | p99 ms |")
    print("|---|---|---|")
    for items in (10_000, 100_000):
        print(f"| {items:,} | {figures[items].p50:.1f} | {figures[items].p99:.1f} |")
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(
        f"\n- region page p50 at 100,000 items / 10,000: {large.p50:.1f} / {small.p50:.1f} ms "
        f"= {ratio:.2f} (goal <= {GOAL}, {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    for kind in args.databases.split(","):
        report(kind, run_database(kind, args.rounds, args.requests, args.database_url))


if __name__ == "__main__":
    main()
