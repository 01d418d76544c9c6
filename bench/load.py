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
# The PCT each user writes to and reads (a practice's clinician: the PCT above the practice).
PCT_OF = {"5a4": "5A4", "5qj": "5QJ", "5n1": "5N1", "b86901": "5N1"}
SEARCH, WRITE, UPLOAD = "search", "write", "upload"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True, slots=True)
class Call:
    """One request: what it was, who made it, when it started and ended (perf_counter)."""

    kind: str
    email: str
    path: str
    status: int
    started: float
    ended: float
    worker: str | None = None  # the X-Worker header, where the server names its workers


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    evidence: set[int] = field(default_factory=set)
    attachments: set[int] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)


def _call(
    base: str,
    method: str,
    path: str,
    tally: Tally,
    *,
    token: str | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    kind: str = "other",
    email: str = "",
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
            worker = response.headers.get("x-worker")
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
        worker = error.headers.get("x-worker")
    except OSError as error:
        status, payload, worker = 0, str(error).encode(), None
    ended = time.perf_counter()
    with tally.lock:
        tally.requests += 1
        tally.latencies.append(ended - start)
        tally.calls.append(Call(kind, email, path, status, start, ended, worker))
        if status == 0 or status >= 500:
            tally.errors.append(f"{method} {path}: {status} {payload[:120]!r}")
    return status, payload


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A user signed in: the bearer token, and what they may do."""

    email: str
    token: str
    can_write: bool
    pct: str | None


def sign_in(base: str, email: str, tally: Tally) -> SignedIn | None:
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
        return None
    token = json.loads(payload)["access_token"]
    me = json.loads(_call(base, "GET", "/api/v1/users/me", tally, token=token, kind="me")[1])
    can_write = me["role"] in ("pct_lead", "clinician")
    pct = PCT_OF.get(me["organisation_code"].lower()) if me["organisation_code"] else None
    return SignedIn(email, token, can_write, pct)


def _user_loop(
    base: str,
    email: str,
    deadline: float,
    tally: Tally,
    seed: int,
    signed_in: SignedIn | None = None,
) -> None:
    """One user until ``deadline``: signs in (unless already signed in), then acts."""
    rng = random.Random(seed)
    user = signed_in or sign_in(base, email, tally)
    if user is None:
        return
    token, can_write, pct = user.token, user.can_write, user.pct
    while time.perf_counter() < deadline:
        roll = rng.random()
        if roll < 0.35:
            words = rng.choice(["plan", "engagement", "diabetes", "board", "market", "COPD"])
            search = f"/api/v1/evidence?q={words}&limit=20"
            _call(base, "GET", search, tally, token=token, kind=SEARCH, email=email)
        elif roll < 0.55:
            _call(base, "GET", "/api/v1/assessments", tally, token=token, kind="assessments")
        elif roll < 0.65:
            _call(base, "GET", "/api/v1/competencies", tally, token=token, kind="competencies")
        elif roll < 0.75:
            _call(base, "GET", "/healthz", tally, kind="healthz")
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
                kind=WRITE,
                email=email,
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
                kind=UPLOAD,
                email=email,
            )
            if status == 201:
                with tally.lock:
                    tally.attachments.add(json.loads(payload)["id"])


DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def create_database(server_url: str, label: str = "load") -> str:
    """A new, empty database on the PostgreSQL server ``server_url`` names; its URL."""
    name = f"wcc_{label}_{secrets.token_hex(4)}"
    with _admin(server_url) as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    with _admin(url) as connection:
        connection.exec_driver_sql(
            f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)'
        )


class _admin:
    """An autocommit connection to the server's own database, for CREATE and DROP DATABASE."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(
            sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )

    def __enter__(self) -> sa.Connection:
        self.connection = self.engine.connect()
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
        self.engine.dispose()


def environment(url: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """The server's settings: production mode on ``url``, sign-in throttling out of the way."""
    return {
        **os.environ,
        "WCC_DATABASE_URL": url,
        "WCC_DATA_DIR": str(data_dir),
        "WCC_ENV": "production",
        "WCC_SECRET_KEY": secrets.token_urlsafe(32),
        "WCC_SIGN_IN_FAILURES_PER_ADDRESS": "100000",
        **settings,
    }


def load_demo(env: dict[str, str]) -> None:
    """Migrate the database ``env`` names and load the demo into it."""
    wcc = [sys.executable, "-m", "app.cli"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([*wcc, *command], env=env, cwd=ROOT, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    env: dict[str, str], workers: int, command: list[str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`wcc serve` (or ``command``, given --port and --workers) on a free port, once ready."""
    port = free_port()
    command = command or [sys.executable, "-m", "app.cli", "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/readyz", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=20)


def sign_in_all(base: str, users: int) -> list[SignedIn]:
    """Each of ``users`` simulated users signed in (as run_users would, one after another)."""
    tally = Tally()
    signed_in = [sign_in(base, USERS[i % len(USERS)], tally) for i in range(users)]
    if tally.errors:
        raise RuntimeError("; ".join(tally.errors))
    return [user for user in signed_in if user is not None]


def run_users(
    base: str,
    users: int,
    seconds: float,
    seed: int = 0,
    signed_in: list[SignedIn] | None = None,
) -> tuple[Tally, float]:
    """``users`` simulated users against ``base`` for ``seconds``, each signing in first unless
    ``signed_in`` gives them already; the tally and the time taken."""
    tally = Tally()
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=_user_loop,
            args=(base, USERS[i % len(USERS)], deadline, tally, seed + i),
            kwargs={"signed_in": signed_in[i] if signed_in else None},
        )
        for i in range(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    url = create_database(args.database_url)
    data_dir = Path(os.environ.get("TMPDIR", "/tmp")) / sa.make_url(url).database
    env = environment(url, data_dir)
    server = None
    try:
        load_demo(env)
        server, base = start_server(env, args.workers)
        tally, elapsed = run_users(base, args.users, args.seconds)
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
        p50 = percentile(tally.latencies, 0.5) * 1000
        p99 = percentile(tally.latencies, 0.99) * 1000
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
            stop_server(server)
        drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
