"""A bounded load test on loopback (not a test): 50 simulated users for 60 s against
`wcc serve --workers 2` on PostgreSQL, a realistic mix of reads, writes and uploads.

Passes when no request failed and every acknowledged write is in the database afterwards.
Run: .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--database-url URL]
(the URL names a PostgreSQL server; a throwaway database is made on it and dropped after).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

USERS = [
    "lead.5a4@demo.wcc.nhs.test",
    "clinician.5a4@demo.wcc.nhs.test",
    "lead.5qj@demo.wcc.nhs.test",
    "clinician.5qj@demo.wcc.nhs.test",
    "lead.5n1@demo.wcc.nhs.test",
    "clinician.b86901@demo.wcc.nhs.test",
    "board.5n1@demo.wcc.nhs.test",
    "reviewer.q32@demo.wcc.nhs.test",
]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    evidence: set[int] = field(default_factory=set)
    attachments: set[int] = field(default_factory=set)


def _call(
    base: str,
    method: str,
    path: str,
    tally: Tally,
    *,
    token: str | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, bytes]:
    request = urllib.request.Request(base + path, data=body, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    except OSError as error:
        status, payload = 0, str(error).encode()
    with tally.lock:
        tally.requests += 1
        tally.latencies.append(time.perf_counter() - start)
        if status == 0 or status >= 500:
            tally.errors.append(f"{method} {path}: {status} {payload[:120]!r}")
    return status, payload


def _user_loop(base: str, email: str, deadline: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    form = urllib.parse.urlencode({"username": email, "password": "world-class-2008"}).encode()
    status, payload = _call(
        base,
        "POST",
        "/api/v1/auth/token",
        tally,
        body=form,
        content_type="application/x-www-form-urlencoded",
    )
    if status != 200:
        with tally.lock:
            tally.errors.append(f"sign in {email}: {status}")
        return
    token = json.loads(payload)["access_token"]
    me = json.loads(_call(base, "GET", "/api/v1/users/me", tally, token=token)[1])
    can_write = me["role"] in ("pct_lead", "clinician")
    pct = {"5A4": "5A4", "5QJ": "5QJ", "5N1": "5N1", "B86901": "5N1"}.get(me["organisation_code"])
    while time.perf_counter() < deadline:
        roll = rng.random()
        if roll < 0.35:
            words = rng.choice(["plan", "engagement", "diabetes", "board", "market", "COPD"])
            _call(base, "GET", f"/api/v1/evidence?q={words}&limit=20", tally, token=token)
        elif roll < 0.55:
            _call(base, "GET", "/api/v1/assessments", tally, token=token)
        elif roll < 0.65:
            _call(base, "GET", "/api/v1/competencies", tally, token=token)
        elif roll < 0.75:
            _call(base, "GET", "/healthz", tally)
        elif can_write and pct and roll < 0.92:
            body = json.dumps(
                {
                    "organisation_code": pct,
                    "title": f"Load item {secrets.token_hex(4)}",
                    "description": "Logged under load.",
                    "kind": "engagement",
                    "occurred_on": "2009-11-01",
                    "competency_numbers": [4],
                    "clinicians_involved": 3,
                }
            ).encode()
            status, payload = _call(
                base,
                "POST",
                "/api/v1/evidence",
                tally,
                token=token,
                body=body,
                content_type="application/json",
            )
            if status == 201:
                with tally.lock:
                    tally.evidence.add(json.loads(payload)["id"])
        elif can_write and pct:
            with tally.lock:
                mine = sorted(tally.evidence)
            if not mine:
                continue
            boundary = secrets.token_hex(8)
            body = (
                (
                    f"--{boundary}\r\n"
                    'Content-Disposition: form-data; name="file"; filename="m.pdf"\r\n'
                    f"Content-Type: application/pdf\r\n\r\n"
                ).encode()
                + PDF
                + secrets.token_bytes(64)
                + f"\r\n--{boundary}--\r\n".encode()
            )
            status, payload = _call(
                base,
                "POST",
                f"/api/v1/evidence/{rng.choice(mine)}/attachments",
                tally,
                token=token,
                body=body,
                content_type=f"multipart/form-data; boundary={boundary}",
            )
            if status == 201:
                with tally.lock:
                    tally.attachments.add(json.loads(payload)["id"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    server_url = sa.make_url(args.database_url)
    name = f"wcc_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = server_url.set(database=name).render_as_string(hide_password=False)
    data_dir = Path(os.environ.get("TMPDIR", "/tmp")) / name
    env = {
        **os.environ,
        "WCC_DATABASE_URL": url,
        "WCC_DATA_DIR": str(data_dir),
        "WCC_ENV": "production",
        "WCC_SECRET_KEY": secrets.token_urlsafe(32),
        "WCC_SIGN_IN_FAILURES_PER_ADDRESS": "100000",
    }
    wcc = [sys.executable, "-m", "app.cli"]
    server = None
    try:
        for command in (["db", "upgrade"], ["demo"]):
            subprocess.run([*wcc, *command], env=env, cwd=ROOT, check=True, capture_output=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(
            [*wcc, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        tally = Tally()
        deadline = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(
                target=_user_loop, args=(base, USERS[i % len(USERS)], deadline, tally, i)
            )
            for i in range(args.users)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            stored_evidence = set(
                connection.execute(sa.text("SELECT id FROM evidence_item")).scalars()
            )
            stored_files = set(connection.execute(sa.text("SELECT id FROM attachment")).scalars())
        engine.dispose()
        lost = (tally.evidence - stored_evidence) | {
            f"attachment {a}" for a in tally.attachments - stored_files
        }
        latencies = sorted(tally.latencies)
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
        print(
            f"users {args.users}, {elapsed:.0f} s, wcc serve --workers {args.workers}, PostgreSQL"
        )
        print(
            f"requests {tally.requests} ({tally.requests / elapsed:.0f}/s), "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
        )
        print(
            f"acknowledged writes: {len(tally.evidence)} evidence items, "
            f"{len(tally.attachments)} uploads"
        )
        print(f"errors {len(tally.errors)}, lost writes {len(lost)}")
        for error in tally.errors[:10]:
            print("  ", error)
        return 0 if not tally.errors and not lost else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
