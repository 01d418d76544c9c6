"""The national-scale benchmark suite (not a test). One command runs it all:

    .venv/bin/python bench/suite.py     # or: make bench-suite (needs wrk: apt-get install wrk)

For each database (SQLite, then PostgreSQL) it loads the national data set (10 SHAs, 152
PCTs, 2 cycles, 100,000 evidence items) and a tenth of it (10,000 items), starts
the service (bench/serve.py: `wcc serve` with a route for the ceiling), and measures with wrk
on loopback: requests/s and p50/p99 for the ceiling (a signed-in API read that runs the
sign-in statement alone), a bare endpoint without sign-in, the competency list, an
assessment, an evidence item, the evidence search, the PCT assessment board page, the
reviewer queue, the SHA heat-map data and the PCT report, each also as a ratio to the
ceiling measured just before it on the same server; the server's peak memory; throughput
with 32 connections against 1; two workers against one; and the board and queue at 100,000
items against 10,000.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench.serve import SIGNED_IN  # noqa: E402

PASSWORD = "world-class-2008"
# The least a signed-in API read must do: the one sign-in statement (the account is read, so
# a deactivated account is refused at once) and a few bytes of JSON (bench/serve.py).
CEILING = f"signed-in single-statement endpoint ({SIGNED_IN})"
CEILING_PATH = SIGNED_IN
BARE = "bare single-query endpoint, no sign-in (/healthz/database)"
SEARCH = "/api/v1/evidence?q=diabetes%20path&limit=20"
SEARCH_ALONE = "evidence search, one connection"
API_READS = (
    "competency list",
    "one assessment",
    "one evidence item",
    "evidence search",
    "SHA heat-map data",
)
LEAD = "lead.5d7@demo.wcc.nhs.test"  # Newcastle PCT, the national set's first
REVIEWER = "reviewer.q30@demo.wcc.nhs.test"
ROUNDS = 3
PAIR_ROUNDS = 5  # the comparisons are goals on ratios near their limits: more rounds


@dataclass
class Result:
    rps: float
    p50: float
    p99: float


def median(results: list[Result]) -> Result:
    return Result(
        statistics.median(r.rps for r in results),
        statistics.median(r.p50 for r in results),
        statistics.median(r.p99 for r in results),
    )


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, headers: dict[str, str], *, connections: int, seconds: int) -> Result:
    command = [
        "wrk",
        "-t",
        str(min(2, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"{url}: non-2xx answers\n{output}")
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
        p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
        p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    except (AttributeError, KeyError, ValueError) as error:
        raise RuntimeError(f"{url}: unreadable wrk output\n{output}") from error
    return Result(rps, p50, p99)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wcc(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, cwd=ROOT, check=True, capture_output=True
    )


class Server:
    """The service as `wcc serve` runs it, with the ceiling's route (bench/serve.py)."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "serve.py"),
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.base}/readyz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def peak_memory_mb(self) -> float:
        pids = [self.process.pid]
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        pids += [int(p) for p in children.split()]
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            total += int(match.group(1)) if match else 0
        return total / 1024

    def token(self, email: str) -> str:
        data = urllib.parse.urlencode({"username": email, "password": PASSWORD}).encode()
        with urllib.request.urlopen(f"{self.base}/api/v1/auth/token", data=data) as response:
            return json.loads(response.read())["access_token"]

    def cookie(self, email: str) -> str:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{self.base}/login").read().decode()
        token = re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        form = urllib.parse.urlencode(
            {"email": email, "password": PASSWORD, "next": "/", "csrftoken": token}
        )
        opener.open(f"{self.base}/login", data=form.encode()).read()
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _ids(url: str) -> tuple[int, int, int, int]:
    """The lead's PCT's newest assessment (board), the newest cycle, the PCT's oldest
    assessment (report) and one of its evidence items."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        board = connection.execute(
            sa.text(
                "SELECT a.id FROM assessment a JOIN organisation o ON o.id = a.organisation_id "
                "WHERE o.code = '5D7' ORDER BY a.cycle_id DESC LIMIT 1"
            )
        ).scalar_one()
        cycle = connection.execute(sa.text("SELECT MAX(id) FROM cycle")).scalar_one()
        report = connection.execute(
            sa.text(
                "SELECT a.id FROM assessment a JOIN organisation o ON o.id = a.organisation_id "
                "WHERE o.code = '5D7' ORDER BY a.cycle_id LIMIT 1"
            )
        ).scalar_one()
        evidence = connection.execute(
            sa.text(
                "SELECT MAX(e.id) FROM evidence_item e JOIN organisation o "
                "ON o.id = e.organisation_id WHERE o.code = '5D7'"
            )
        ).scalar_one()
    engine.dispose()
    return board, cycle, report, evidence


def prepare(
    kind: str, items: int, work: Path, server_url: str
) -> tuple[str, dict[str, str], object]:
    if kind == "sqlite":
        url = f"sqlite:///{work / f'national-{items}.db'}"
        cleanup = None
    else:
        name = f"wcc_bench_{items}_{secrets.token_hex(3)}"
        admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)

        def cleanup() -> None:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()

    env = {
        **os.environ,
        "WCC_DATABASE_URL": url,
        "WCC_DATA_DIR": str(work / "files"),
        "WCC_ENV": "production",
        "WCC_SECRET_KEY": "bench-only-secret",
        "WCC_SIGN_IN_FAILURES_PER_ADDRESS": "100000",
    }
    _wcc(env, "db", "upgrade")
    started = time.perf_counter()
    if items == 100_000:
        _wcc(env, "demo", "--scale", "national")
    else:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from sqlmodel import Session; from app.db import get_engine; "
                "from app.demo import load_national, refresh_statistics; "
                f"load_national(Session(get_engine()), evidence_items={items}); "
                "refresh_statistics(get_engine())",
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
    print(f"  {kind}: {items:,} evidence items loaded in {time.perf_counter() - started:.1f} s")
    return url, env, cleanup


def run_database(kind: str, seconds: int, server_url: str) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"wcc-suite-{kind}-"))
    figures: dict[str, object] = {}
    url, env, cleanup = prepare(kind, 100_000, work, server_url)
    small_url, small_env, small_cleanup = prepare(kind, 10_000, work, server_url)
    running: list[Server] = []

    def start(server_env: dict[str, str], workers: int = 1) -> Server:
        running.append(Server(server_env, workers=workers))
        return running[-1]

    try:
        board_id, cycle_id, report_id, evidence_id = _ids(url)
        server = start(env)
        bearer = {"Authorization": f"Bearer {server.token(LEAD)}"}
        reviewer = {"Authorization": f"Bearer {server.token(REVIEWER)}"}
        lead_cookie = {"Cookie": server.cookie(LEAD)}
        reviewer_cookie = {"Cookie": server.cookie(REVIEWER)}
        heatmap = f"/api/v1/cycles/{cycle_id}/heatmap?sha_code=Q30"
        item = f"/api/v1/evidence/{evidence_id}"
        cases = [
            (CEILING, server, CEILING_PATH, bearer, 8),
            (BARE, server, "/healthz/database", {}, 8),
            ("no query at all (/healthz)", server, "/healthz", {}, 8),
            ("competency list", server, "/api/v1/competencies", bearer, 8),
            ("one assessment", server, f"/api/v1/assessments/{board_id}", bearer, 8),
            ("one evidence item", server, item, bearer, 8),
            ("evidence search", server, SEARCH, bearer, 8),
            (SEARCH_ALONE, server, SEARCH, bearer, 1),
            ("SHA heat-map data", server, heatmap, reviewer, 8),
            ("assessment board page", server, f"/assessments/{board_id}", lead_cookie, 8),
            ("reviewer queue page", server, "/reviews", reviewer_cookie, 8),
            ("PCT report (PDF)", server, f"/api/v1/assessments/{report_id}/report.pdf", bearer, 2),
        ]
        # Warm up (caches, compiled statements, the database's pages), unrecorded.
        for _, at, path, headers, connections in cases[:-1]:
            wrk(at.base + path, headers, connections=connections, seconds=2)
        # The report rendered afresh, timed on its own; the table measures it again, cached.
        started = time.perf_counter()
        request = urllib.request.Request(server.base + cases[-1][2], headers=bearer)
        with urllib.request.urlopen(request, timeout=300) as response:
            pages = len(PdfReader(io.BytesIO(response.read())).pages)
        figures["report cold"] = (time.perf_counter() - started, pages)
        # Every endpoint in turn, ROUNDS times, each just after the ceiling on the same server:
        # the machine's speed drifts over a run, so each ratio is taken against the ceiling
        # measured beside it. The table gives the medians of the figures and of the ratios.
        runs: dict[str, list[Result]] = {label: [] for label, *_ in cases}
        ratios: dict[str, list[float]] = {label: [] for label, *_ in cases}
        for _ in range(ROUNDS):
            for label, at, path, headers, connections in cases:
                beside = wrk(at.base + CEILING_PATH, bearer, connections=8, seconds=seconds)
                measured = wrk(at.base + path, headers, connections=connections, seconds=seconds)
                runs[label].append(measured)
                ratios[label].append(measured.rps / beside.rps)
        figures["endpoints"] = {label: median(measured) for label, measured in runs.items()}
        figures["ratios"] = {label: statistics.median(r) for label, r in ratios.items()}
        figures["memory_mb"] = server.peak_memory_mb()
        # The comparisons run side by side: the servers run at once, idle but for the one
        # measured, and each pair is measured in turn, PAIR_ROUNDS times; the medians are
        # compared. The board and the queue compare two servers started together, alike but
        # for their data.
        two = start(env, workers=2)
        large = start(env)
        small = start(small_env)
        small_board, _, _, _ = _ids(small_url)
        competencies = server.base + "/api/v1/competencies"
        pairs = {
            "connections": ((competencies, bearer, 1), (competencies, bearer, 32)),
            "workers": (
                (competencies, bearer, 32),
                (
                    two.base + "/api/v1/competencies",
                    {"Authorization": f"Bearer {two.token(LEAD)}"},
                    32,
                ),
            ),
            "board": (
                (small.base + f"/assessments/{small_board}", {"Cookie": small.cookie(LEAD)}, 8),
                (large.base + f"/assessments/{board_id}", {"Cookie": large.cookie(LEAD)}, 8),
            ),
            "queue": (
                (small.base + "/reviews", {"Cookie": small.cookie(REVIEWER)}, 8),
                (large.base + "/reviews", {"Cookie": large.cookie(REVIEWER)}, 8),
            ),
        }
        sides: dict[str, tuple[list[Result], list[Result]]] = {n: ([], []) for n in pairs}
        for _ in range(PAIR_ROUNDS):
            for name, pair in pairs.items():
                for side, (url, headers, connections) in zip(sides[name], pair, strict=True):
                    side.append(wrk(url, headers, connections=connections, seconds=seconds))
        compared = {name: tuple(median(r) for r in pair) for name, pair in sides.items()}
        figures["connections"] = compared.pop("connections")
        figures["workers"] = compared.pop("workers")
        figures["scale"] = compared
    finally:
        for each in running:
            each.stop()
        for step in (cleanup, small_cleanup):
            if step:
                step()
        shutil.rmtree(work, ignore_errors=True)
    return figures


def report(kind: str, figures: dict) -> None:  # type: ignore[type-arg]
    results = figures["endpoints"]

    def ratio(label: str) -> float:
        """Throughput over the ceiling measured beside it on the same server (median)."""
        return figures["ratios"][label]

    print(f"\n### {kind}\n")
    print("| endpoint | req/s | p50 ms | p99 ms | throughput / ceiling |")
    print("|---|---|---|---|---|")
    for label, r in results.items():
        print(f"| {label} | {r.rps:,.0f} | {r.p50:.1f} | {r.p99:.1f} | {ratio(label):.2f} |")
    one, many = figures["connections"]
    single, double = figures["workers"]
    print(f"\n- peak memory of the server: {figures['memory_mb']:.0f} MB")
    print(
        f"- competency list, 32 connections / 1: {many.rps:,.0f} / {one.rps:,.0f} req/s "
        f"= {many.rps / one.rps:.2f} (goal >= 1)"
    )
    print(
        f"- two workers / one (32 connections): {double.rps:,.0f} / {single.rps:,.0f} req/s "
        f"= {double.rps / single.rps:.2f} (goal >= 1.6)"
    )
    for name, (small, large) in figures["scale"].items():
        print(
            f"- {name} p50 at 100,000 items / 10,000: {large.p50:.1f} / {small.p50:.1f} ms "
            f"= {large.p50 / small.p50:.2f} (goal <= 1.2)"
        )
    alone = results[SEARCH_ALONE]
    search = results["evidence search"]
    print(
        f"- evidence search p99 at 100,000 items: {alone.p99:.1f} ms one request at a time "
        f"(p50 {alone.p50:.1f}); {search.p99:.1f} ms with 8 connections queued on one worker "
        "(goal < 50)"
    )
    seconds, pages = figures["report cold"]
    print(
        f"- PCT report rendered afresh (first request, {pages} pages): {seconds:.1f} s; "
        "the table gives the same report again, served from the report cache"
    )
    for label in API_READS:
        print(f"- {label} / signed-in ceiling: {ratio(label):.2f} (goal >= 0.7)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/suite.py needs wrk: apt-get install wrk")
    for kind in args.databases.split(","):
        report(kind, run_database(kind, args.seconds, args.database_url))


if __name__ == "__main__":
    main()
