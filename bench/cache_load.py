"""The read cache and the content-version triggers judged under load.py's mixed workload (not a
test). One command:

    .venv/bin/python bench/cache_load.py [--databases postgresql,sqlite] [--rounds 10]
        [--seconds 15] [--users 50]

For each database it loads the demo once and copies it for each arm, so that every arm starts
from the same data and grows alike; then it starts one server per arm (bench/serve.py, that is
`wcc serve --workers 2` with a route giving each worker's read cache counters):

- "triggers, cache on": the content-version triggers and the read cache, as shipped until
  migration 9463d2f479de;
- "triggers, cache off": the triggers, with `WCC_READ_CACHE_MB=0`;
- "no triggers, cache off": the triggers dropped (the schema otherwise the same), as now;
- "no triggers, cache on (never invalidated)": the version never changes, so a kept answer is
  given again however stale: wrong answers, for measurement only, the most any way of
  versioning could gain.

The read cache is gone from the service since migration 9463d2f479de: on a tree without it the
two arms with it on are left out (and the triggers are put back from that migration's
downgrade statements). bench/README.md says how to run them on the last tree that had it.

Each round drives every arm in turn (the order rotating from round to round) with load.py's
users for the same time, while the other servers sit idle; the tables give the medians over
the rounds, and each ratio is the median of the ratios within a round. The machine's two
cores are shared by the servers, the load generator and the database, and other work may run
beside: only the ratios mean much.

Then the writers alone, at the database, without the service in the way: connections each
rewriting evidence items of their own one transaction at a time, on a copy with the triggers
against one without, interleaved, medians.

The hit rate is measured (the servers' counters) and, for a version per organisation instead
of one version for everything, estimated from the requests the users made: a search counts
as a hit if the same user had the same address answered by the same worker with no
acknowledged write to the organisation it reads (its PCT, or a reviewer's SHA) in between
(see estimate_hit_rate). The same estimate for one version for everything is printed beside
the measured hit rate, to show how well the estimate fits.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.util
import json
import re
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from load import (  # noqa: E402
    DEFAULT_SERVER,
    PCT_OF,
    SEARCH,
    UPLOAD,
    USERS,
    WRITE,
    Call,
    SignedIn,
    Tally,
    create_database,
    drop_database,
    environment,
    load_demo,
    percentile,
    run_users,
    sign_in_all,
    start_server,
    stop_server,
)
from serve import READ_CACHE_STATS  # noqa: E402

CACHE_ON, CACHE_OFF, NO_TRIGGERS, NEVER = (
    "triggers, cache on",
    "triggers, cache off",
    "no triggers, cache off",
    "no triggers, cache on (never invalidated)",
)
# name: (the content-version triggers installed, the read cache on)
ARMS = {
    CACHE_ON: (True, True),
    CACHE_OFF: (True, False),
    NO_TRIGGERS: (False, False),
    NEVER: (False, True),
}
# The migration that dropped the triggers: its downgrade's statements make them again.
TRIGGERS_MIGRATION = (
    ROOT / "migrations" / "versions" / "20261202_0530_drop_content_version_triggers.py"
)
WORKERS = 2
SERVE = [sys.executable, str(ROOT / "bench" / "serve.py")]
API_READS = ("search", "assessments", "competencies", "me")


# The databases ----------------------------------------------------------------------------


def _tree_has_read_cache() -> bool:
    """Whether the service in this tree still has its read cache (removed by migration
    9463d2f479de's change; the arms with the cache on run only where it is)."""
    from app import read_cache

    return hasattr(read_cache, "ReadCache")


def _triggers_sql() -> object:
    spec = importlib.util.spec_from_file_location("drop_triggers", TRIGGERS_MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _set_triggers(url: str, wanted: bool) -> None:
    """Install the content-version triggers (the statements revision 9463d2f479de's downgrade
    runs) or drop them, whichever the database needs to have them or not."""
    engine = sa.create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        if sqlite:
            query = (
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE :name"
            )
        else:
            query = "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE :name"
        found = connection.execute(sa.text(query), {"name": "content_version%"}).all()
        statements: list[str] = []
        if wanted and not found:
            sql = _triggers_sql()
            if "content_version" not in sa.inspect(connection).get_table_names():
                # Gone since revision 5c2e8a41d7b3: made again as its downgrade makes it.
                statements = [
                    "CREATE TABLE content_version "
                    "(id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
                    "INSERT INTO content_version (id, version) VALUES (1, 0)",
                ]
            statements += sql._sqlite_triggers() if sqlite else sql._postgres_triggers()  # type: ignore[attr-defined]
        elif found and not wanted:
            statements = [
                f"DROP TRIGGER {name}" if sqlite else f"DROP TRIGGER {name} ON {table}"
                for name, table in found
            ] + ([] if sqlite else ["DROP FUNCTION content_version_change()"])
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()


def _slug(label: str) -> str:
    return re.sub(r"\W+", "_", label).strip("_")


class Databases:
    """The demo loaded once, then one copy of it per arm."""

    def __init__(self, kind: str, server_url: str, work: Path) -> None:
        self.kind, self.server_url, self.work = kind, server_url, work
        self.made: list[str] = []

    def template(self) -> str:
        if self.kind == "sqlite":
            url = f"sqlite:///{self.work / 'template.db'}"
        else:
            url = create_database(self.server_url, "cache_template")
            self.made.append(url)
        started = time.perf_counter()
        load_demo(environment(url, self.work / "files"))
        print(f"  demo loaded in {time.perf_counter() - started:.1f} s", flush=True)
        return url

    def copy(self, template: str, label: str) -> str:
        if self.kind == "sqlite":
            path = self.work / f"{_slug(label)}.db"
            source = sqlite3.connect(sa.make_url(template).database)
            target = sqlite3.connect(path)
            source.backup(target)
            source.close()
            target.close()
            return f"sqlite:///{path}"
        name = f"wcc_cache_{_slug(label)}_{len(self.made)}"
        engine = sa.create_engine(
            sa.make_url(template).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as connection:
            connection.exec_driver_sql(
                f'CREATE DATABASE "{name}" TEMPLATE "{sa.make_url(template).database}"'
            )
        engine.dispose()
        url = sa.make_url(template).set(database=name).render_as_string(hide_password=False)
        self.made.append(url)
        return url

    def drop_all(self) -> None:
        for url in reversed(self.made):
            drop_database(url)


def _organisations(url: str) -> dict[str, str]:
    """Each organisation's code, upper case, to its parent's."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT o.code, p.code FROM organisation o "
                "LEFT JOIN organisation p ON p.id = o.parent_id"
            )
        ).all()
    engine.dispose()
    return {code.upper(): (parent or "").upper() for code, parent in rows}


# What one round of one arm gives ----------------------------------------------------------


@dataclass
class Figures:
    requests: float  # per second, all kinds
    reads: float  # API reads per second
    searches: float
    search_p50: float
    search_p99: float
    writes: float  # acknowledged writes (evidence items and uploads) per second
    write_p50: float  # logging an evidence item
    write_p99: float
    hits: int | None
    lookups: int | None
    estimate_global: float
    estimate_per_organisation: float

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.lookups if self.lookups else None


def _cache_counters(base: str) -> dict[int, tuple[int, int]]:
    """Each worker's (hits, lookups), asked until every worker has answered."""
    seen: dict[int, tuple[int, int]] = {}
    for _ in range(200):
        with urllib.request.urlopen(base + READ_CACHE_STATS, timeout=10) as response:
            stats = json.loads(response.read())
        if stats["hits"] is None:
            return {}
        seen[stats["pid"]] = (stats["hits"], stats["lookups"])
        if len(seen) == WORKERS:
            return seen
    raise RuntimeError(f"heard from {len(seen)} of {WORKERS} workers")


def _scopes(organisations: dict[str, str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """For a version per organisation: the organisation each user's reads are checked against
    (a PCT-side user's PCT, a reviewer's SHA), and those a write from each user changes (the
    PCT written to and the SHA above it)."""
    reads, writes = {}, {}
    for email in USERS:
        code = email.split("@")[0].split(".")[1]
        pct = PCT_OF.get(code)
        reads[email] = pct or code.upper()
        writes[email] = {pct, organisations[pct]} if pct else set()
    return reads, writes


def estimate_hit_rate(
    calls: Iterable[Call], read_scope: Callable[[str], str], write_scopes: Callable[[str], set[str]]
) -> float:
    """The share of searches the workers' caches would have answered, were each search
    checked against the version of ``read_scope(user)`` and each acknowledged write to change
    those of ``write_scopes(user)``. A request's sign-in and a write's commit are both placed
    at the moment its answer arrived: nearly all of a request's time under this load is spent
    queueing before it reaches the database, and the answer leaves as soon as the commit or
    the build is done. Each worker (named by its answers) has a cache of its own."""
    written: dict[str, list[float]] = defaultdict(list)
    searches = []
    for call in calls:
        if call.kind in (WRITE, UPLOAD) and call.status == 201:
            for scope in write_scopes(call.email):
                written[scope].append(call.ended)
        elif call.kind == SEARCH and call.status == 200:
            searches.append(call)
    for each in written.values():
        each.sort()
    kept: dict[tuple[str | None, str, str], float] = {}
    hits = 0
    for call in sorted(searches, key=lambda c: c.ended):
        key = (call.worker, call.email, call.path)
        since = kept.get(key)
        writes = written.get(read_scope(call.email), [])
        if since is not None and bisect.bisect_right(writes, since) == bisect.bisect_right(
            writes, call.ended
        ):
            hits += 1
        else:
            kept[key] = call.ended
    return hits / len(searches) if searches else float("nan")


def measure(
    base: str,
    signed_in: list[SignedIn],
    seconds: float,
    seed: int,
    organisations: dict[str, str],
) -> Figures:
    before = _cache_counters(base)
    tally, elapsed = run_users(base, len(signed_in), seconds, seed, signed_in)
    after = _cache_counters(base)
    _check(tally)
    calls = tally.calls
    searches = [c.ended - c.started for c in calls if c.kind == SEARCH]
    logs = [c.ended - c.started for c in calls if c.kind == WRITE and c.status == 201]
    writes = sum(1 for c in calls if c.kind in (WRITE, UPLOAD) and c.status == 201)
    hits = lookups = None
    if after:
        hits = sum(after[p][0] - before.get(p, (0, 0))[0] for p in after)
        lookups = sum(after[p][1] - before.get(p, (0, 0))[1] for p in after)
    read_scope, write_scopes = _scopes(organisations)
    return Figures(
        requests=len(calls) / elapsed,
        reads=sum(1 for c in calls if c.kind in API_READS) / elapsed,
        searches=len(searches) / elapsed,
        search_p50=percentile(searches, 0.5) * 1000,
        search_p99=percentile(searches, 0.99) * 1000,
        writes=writes / elapsed,
        write_p50=percentile(logs, 0.5) * 1000,
        write_p99=percentile(logs, 0.99) * 1000,
        hits=hits,
        lookups=lookups,
        estimate_global=estimate_hit_rate(calls, lambda _: "all", lambda _: {"all"}),
        estimate_per_organisation=estimate_hit_rate(
            calls, read_scope.__getitem__, write_scopes.__getitem__
        ),
    )


def _check(tally: Tally) -> None:
    if tally.errors:
        raise RuntimeError("requests failed:\n" + "\n".join(tally.errors[:10]))


# The writers alone, at the database -------------------------------------------------------


def writers(url: str, connections: int, seconds: float) -> tuple[float, float, float]:
    """Commits per second, and p50 and p99 ms of a commit, with ``connections`` each
    rewriting its own evidence items, one row a transaction, for ``seconds``. (On SQLite each
    transaction takes the write lock at its start, as the service's commands do.)"""
    sqlite = url.startswith("sqlite")
    engine = sa.create_engine(url, pool_size=connections, max_overflow=0)
    with engine.connect() as connection:
        ids = list(
            connection.execute(sa.text("SELECT id FROM evidence_item ORDER BY id")).scalars()
        )
    statement = "UPDATE evidence_item SET title = title WHERE id = " + ("?" if sqlite else "%s")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    deadline = time.perf_counter() + seconds

    def work(n: int) -> None:
        mine = ids[n::connections]
        if sqlite:
            raw = sqlite3.connect(sa.make_url(url).database, timeout=60, isolation_level=None)
        else:
            raw = engine.raw_connection()
        cursor = raw.cursor()
        i = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            if sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(statement, (mine[i % len(mine)],))
            if sqlite:
                cursor.execute("COMMIT")
            else:
                raw.commit()
            latencies[n].append(time.perf_counter() - started)
            i += 1
        raw.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    engine.dispose()
    every = [t for each in latencies for t in each]
    return len(every) / elapsed, percentile(every, 0.5) * 1000, percentile(every, 0.99) * 1000


# The run ----------------------------------------------------------------------------------


def _rotated(names: list[str], by: int) -> list[str]:
    return names[by % len(names) :] + names[: by % len(names)]


def run_database(kind: str, args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"wcc-cache-{kind}-"))
    databases = Databases(kind, args.database_url, work)
    servers: list = []
    cache = _tree_has_read_cache()
    arms = {
        name: (triggers, on)
        for name, (triggers, on) in ARMS.items()
        if (cache or not on) and (args.stale_arm or name != NEVER)
    }
    if not cache:
        print("  this tree has no read cache: the arms with it on are left out", flush=True)
    try:
        template = databases.template()
        organisations = _organisations(template)
        urls = {}
        bases = {}
        for name, (triggers, on) in arms.items():
            urls[name] = databases.copy(template, name)
            _set_triggers(urls[name], triggers)
            env = environment(urls[name], work / "files", WCC_READ_CACHE_MB="64" if on else "0")
            server, bases[name] = start_server(env, WORKERS, SERVE)
            servers.append(server)
        # Every user signs in once per server (a password check is slow on purpose and would
        # otherwise take much of a short round); the rounds use the tokens.
        print(f"  signing in, then warming up each arm for {args.warm_up:.0f} s", flush=True)
        users = {name: sign_in_all(bases[name], args.users) for name in arms}
        for name in arms:
            _check(run_users(bases[name], args.users, args.warm_up, 10_000, users[name])[0])
        figures: dict[str, list[Figures]] = {name: [] for name in arms}
        for r in range(args.rounds):
            for name in _rotated(list(arms), r):
                figures[name].append(
                    measure(bases[name], users[name], args.seconds, 1000 * r, organisations)
                )
                f = figures[name][-1]
                print(
                    f"  round {r + 1} {name}: {f.requests:.0f} req/s, {f.writes:.1f} writes/s, "
                    f"search p50 {f.search_p50:.1f} ms, write p50 {f.write_p50:.1f} ms, "
                    f"hit rate {_percent(f.hit_rate)}",
                    flush=True,
                )
        for server in servers:
            stop_server(server)
        servers.clear()
        # The writers alone: the copies with and without triggers, each as load left it.
        alone: dict[tuple[str, int], list[tuple[float, float, float]]] = defaultdict(list)
        for r in range(args.rounds):
            for connections in args.writers:
                for name in _rotated([CACHE_OFF, NO_TRIGGERS], r):
                    alone[name, connections].append(
                        writers(urls[name], connections, args.writer_seconds)
                    )
        report(kind, args, figures, alone)
    finally:
        for server in servers:
            stop_server(server)
        databases.drop_all()
        shutil.rmtree(work, ignore_errors=True)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _median(values: Iterable[float]) -> float:
    return statistics.median(values)


def _ratio(
    figures: dict[str, list[Figures]], top: str, bottom: str, of: Callable[[Figures], float]
) -> float:
    """The median over the rounds of each round's ratio."""
    pairs = zip(figures[top], figures[bottom], strict=True)
    return _median(of(a) / of(b) if of(b) else float("nan") for a, b in pairs)


def report(
    kind: str,
    args: argparse.Namespace,
    figures: dict[str, list[Figures]],
    alone: dict[tuple[str, int], list[tuple[float, float, float]]],
) -> None:
    print(
        f"\n### {kind}: {args.users} users, {WORKERS} workers, {args.rounds} rounds of "
        f"{args.seconds:.0f} s per arm (medians)\n"
    )
    print(
        "| arm | requests/s | API reads/s | searches/s | search p50 / p99 ms | writes/s | "
        "log evidence p50 / p99 ms | read cache hit rate (searches) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, rounds in figures.items():
        m = {
            field: _median(getattr(f, field) for f in rounds)
            for field in (
                "requests",
                "reads",
                "searches",
                "search_p50",
                "search_p99",
                "writes",
                "write_p50",
                "write_p99",
            )
        }
        rates = [f.hit_rate for f in rounds if f.hit_rate is not None]
        hit = _percent(_median(rates)) if rates else "-"
        print(
            f"| {name} | {m['requests']:.0f} | {m['reads']:.0f} | {m['searches']:.0f} | "
            f"{m['search_p50']:.1f} / {m['search_p99']:.1f} | {m['writes']:.1f} | "
            f"{m['write_p50']:.1f} / {m['write_p99']:.1f} | {hit} |"
        )
    print(
        "\n- no triggers / triggers (both cache off): writes/s "
        f"{_ratio(figures, NO_TRIGGERS, CACHE_OFF, lambda f: f.writes):.3f}, log evidence p50 "
        f"{_ratio(figures, NO_TRIGGERS, CACHE_OFF, lambda f: f.write_p50):.3f}, p99 "
        f"{_ratio(figures, NO_TRIGGERS, CACHE_OFF, lambda f: f.write_p99):.3f}, requests/s "
        f"{_ratio(figures, NO_TRIGGERS, CACHE_OFF, lambda f: f.requests):.3f}"
    )
    if CACHE_ON in figures:
        on = figures[CACHE_ON]
        print(
            "- read cache hit rate (searches), measured: "
            f"{_percent(_median(f.hit_rate or 0.0 for f in on))}; estimated for one version "
            f"{_percent(_median(f.estimate_global for f in on))}, for a version per "
            f"organisation {_percent(_median(f.estimate_per_organisation for f in on))}"
        )
        print(
            "- cache on / cache off (both with triggers): API reads/s "
            f"{_ratio(figures, CACHE_ON, CACHE_OFF, lambda f: f.reads):.3f}, search p50 "
            f"{_ratio(figures, CACHE_ON, CACHE_OFF, lambda f: f.search_p50):.3f}, requests/s "
            f"{_ratio(figures, CACHE_ON, CACHE_OFF, lambda f: f.requests):.3f}"
        )
        print(
            "- neither / both (no triggers and cache off against as shipped): requests/s "
            f"{_ratio(figures, NO_TRIGGERS, CACHE_ON, lambda f: f.requests):.3f}, API reads/s "
            f"{_ratio(figures, NO_TRIGGERS, CACHE_ON, lambda f: f.reads):.3f}, writes/s "
            f"{_ratio(figures, NO_TRIGGERS, CACHE_ON, lambda f: f.writes):.3f}"
        )
    if NEVER in figures:
        never = figures[NEVER]
        print(
            "- never invalidated (stale answers: the most any versioning could give): hit rate "
            f"{_percent(_median(f.hit_rate or 0.0 for f in never))}; against cache off: API "
            f"reads/s {_ratio(figures, NEVER, CACHE_OFF, lambda f: f.reads):.3f}, search p50 "
            f"{_ratio(figures, NEVER, CACHE_OFF, lambda f: f.search_p50):.3f}"
        )
    print(
        f"\nWriters alone at the database ({args.rounds} rounds of {args.writer_seconds:.0f} s, "
        "one row a transaction, medians):\n"
    )
    print(
        "| connections | commits/s, triggers | commits/s, none | ratio none / triggers | "
        "p50 / p99 ms, triggers | p50 / p99 ms, none |"
    )
    print("|---|---|---|---|---|---|")
    for connections in args.writers:
        with_, without = alone[CACHE_OFF, connections], alone[NO_TRIGGERS, connections]
        ratio = _median(b[0] / a[0] for a, b in zip(with_, without, strict=True))
        print(
            f"| {connections} | {_median(a[0] for a in with_):,.0f} | "
            f"{_median(b[0] for b in without):,.0f} | {ratio:.2f} | "
            f"{_median(a[1] for a in with_):.2f} / {_median(a[2] for a in with_):.2f} | "
            f"{_median(b[1] for b in without):.2f} / {_median(b[2] for b in without):.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warm-up", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--writers", default="1,4,16")
    parser.add_argument("--writer-seconds", type=float, default=5)
    parser.add_argument(
        "--no-stale-arm",
        dest="stale_arm",
        action="store_false",
        help='leave out "never invalidated" (triggers dropped, cache on)',
    )
    args = parser.parse_args()
    args.writers = [int(n) for n in args.writers.split(",")]
    # Stopped from outside, still stop the servers and drop the databases it made.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    for kind in args.databases.split(","):
        print(f"{kind}:", flush=True)
        run_database(kind, args)


if __name__ == "__main__":
    main()
