"""Report benchmarks, measured side by side in one run (not a test).

1. A demo PCT report rendered by the service's own path (gather data, fill the template, render
   with the static-only fetcher) against WeasyPrint alone on the same HTML: a ratio, goal <= 1.10.
2. The p99 latency of GET /healthz while ten reports render, as a ratio to idle: goal <= 2.

Run: .venv/bin/python bench/reports.py   (uses a throwaway SQLite database with the demo)
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="wcc-bench-"))
os.environ["WCC_DATABASE_URL"] = f"sqlite:///{WORK / 'bench.db'}"
os.environ["WCC_DATA_DIR"] = str(WORK / "files")

from sqlmodel import Session  # noqa: E402
from weasyprint import HTML  # noqa: E402

from app.actors import SYSTEM  # noqa: E402
from app.db import get_engine  # noqa: E402
from app.demo import load_demo  # noqa: E402
from app.reports.context import assessment_report  # noqa: E402
from app.reports.documents import assessment_html  # noqa: E402
from app.reports.pdf import BASE_URL, render_pdf  # noqa: E402
from app.schema_migrations import upgrade  # noqa: E402

ROUNDS = 7
ASSESSMENT_ID = 5  # Leeds PCT 2009/10, in review: the demo's fullest report


def _service_report() -> bytes:
    with Session(get_engine()) as session:
        html = assessment_html(assessment_report(session, SYSTEM, ASSESSMENT_ID))
    return render_pdf(html)


def _weasyprint_alone(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL).write_pdf()


def _median_seconds(action, rounds: int = ROUNDS) -> float:  # noqa: ANN001
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def render_ratio() -> tuple[float, float, float]:
    with Session(get_engine()) as session:
        html = assessment_html(assessment_report(session, SYSTEM, ASSESSMENT_ID))
    _service_report(), _weasyprint_alone(html)  # warm caches (fonts, templates)
    ours, alone = [], []
    for _ in range(ROUNDS):  # interleaved so drift hits both alike
        ours.append(_median_seconds(_service_report, 1))
        alone.append(_median_seconds(lambda: _weasyprint_alone(html), 1))
    return (
        statistics.median(ours),
        statistics.median(alone),
        statistics.median(ours) / statistics.median(alone),
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _p99(url: str, seconds: float) -> tuple[float, int]:
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
        latencies.append(time.perf_counter() - start)
    latencies.sort()
    return latencies[int(len(latencies) * 0.99) - 1], len(latencies)


def _token(base: str) -> str:
    import json

    data = b"username=reviewer.q32%40demo.wcc.nhs.test&password=world-class-2008"
    with urllib.request.urlopen(f"{base}/api/v1/auth/token", data=data, timeout=10) as response:
        return json.loads(response.read())["access_token"]


def latency_under_load() -> tuple[float, float, float, int]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "WCC_ENV": "production",
            "WCC_SECRET_KEY": "bench-only-key",
            # Ten requests for one report: without the cache, each is rendered.
            "WCC_REPORT_CACHE_MB": "0",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        token = _token(base)
        request = urllib.request.Request(
            f"{base}/api/v1/assessments/{ASSESSMENT_ID}/report.pdf",
            headers={"Authorization": f"Bearer {token}"},
        )
        urllib.request.urlopen(request, timeout=120).read()  # start the pool's processes
        idle, _ = _p99(f"{base}/healthz", 5)
        done = []

        def fetch() -> None:
            with urllib.request.urlopen(request, timeout=300) as response:
                done.append(len(response.read()))

        threads = [threading.Thread(target=fetch) for _ in range(10)]
        for thread in threads:
            thread.start()
        busy, count = _p99(f"{base}/healthz", 5)
        for thread in threads:
            thread.join()
        assert len(done) == 10
        return idle, busy, busy / idle, count
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    upgrade(os.environ["WCC_DATABASE_URL"])
    with Session(get_engine()) as session:
        load_demo(session)
    ours, alone, ratio = render_ratio()
    print(f"report, service path      {ours * 1000:8.1f} ms (median of {ROUNDS})")
    print(f"report, WeasyPrint alone  {alone * 1000:8.1f} ms (median of {ROUNDS})")
    print(f"ratio service/WeasyPrint  {ratio:8.3f}   (goal <= 1.10)")
    idle, busy, latency_ratio, count = latency_under_load()
    print(f"/healthz p99 idle         {idle * 1000:8.2f} ms")
    print(f"/healthz p99, 10 reports  {busy * 1000:8.2f} ms ({count} requests)")
    print(f"ratio busy/idle           {latency_ratio:8.2f}   (goal <= 2)")


if __name__ == "__main__":
    main()
