"""Two app servers, as on two machines: each `wcc serve` process has a disk of its own and
shares only the database (PostgreSQL in the PostgreSQL run) and one SeaweedFS. A file sent to
one is served by the other byte for byte; a report rendered by one is served from the shared
cache by the other; a server killed while receiving a file leaves nothing stored."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app import storage
from app.config import BASE_DIR
from app.db import create_db_engine
from app.demo import load_demo
from app.schema_migrations import upgrade
from tests.databases import fresh_database, new_database_url
from tests.evidence.test_attachments import PDF
from tests.ports import free_port
from tests.seaweed import S3_CREDENTIALS, SeaweedFS, new_prefix

LEAD = "lead.5n1@demo.wcc.nhs.test"
REVIEWER = "reviewer.q32@demo.wcc.nhs.test"
PASSWORD = "world-class-2008"


@dataclass
class Server:
    """One `wcc serve` process and the folder that stands for its machine's disk."""

    name: str
    env: dict[str, str]
    disk: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        log = (self.disk / "server.log").open("ab")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("wcc")), "serve", "--port", str(self.port)],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"{self.name} stopped: see {self.disk}/server.log"
            try:
                if httpx.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not become ready")

    def kill(self) -> None:
        """As a machine failing would: no chance to tidy up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def temp_files(self) -> list[Path]:
        return list((self.disk / "files" / "tmp").glob("*.part"))


@dataclass
class Pair:
    a: Server
    b: Server
    database_url: str
    storage_url: str


@pytest.fixture(scope="module")
def pair(run_dir: Path, seaweedfs: SeaweedFS) -> Iterator[Pair]:
    with fresh_database(new_database_url(run_dir, "two_servers")) as url:
        upgrade(url)
        engine = create_db_engine(url)
        with Session(engine) as session:
            load_demo(session)
        engine.dispose()
        storage_url = seaweedfs.storage_url(prefix=new_prefix())
        servers = []
        for name in ("a", "b"):
            disk = run_dir / f"machine-{name}"
            disk.mkdir()
            env = {
                **os.environ,
                **S3_CREDENTIALS,
                "WCC_ENV": "test",
                "WCC_DATABASE_URL": url,
                "WCC_STORAGE_URL": storage_url,
                "WCC_DATA_DIR": str(disk / "files"),
                "WCC_MAIL_WORKER": "off",
                "WCC_REPORT_WORKERS": "1",
            }
            servers.append(Server(name, env, disk))
        with ThreadPoolExecutor(2) as starting:
            list(starting.map(Server.start, servers))
        try:
            yield Pair(servers[0], servers[1], url, storage_url)
        finally:
            for server in servers:
                if server.process is not None:
                    server.kill()


def _token(server: Server, email: str) -> dict[str, str]:
    answer = httpx.post(
        f"{server.base}/api/v1/auth/token",
        data={"username": email, "password": PASSWORD},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _new_item(server: Server, headers: dict[str, str], title: str) -> int:
    answer = httpx.post(
        f"{server.base}/api/v1/evidence",
        json={
            "organisation_code": "5N1",
            "title": title,
            "description": "Kept in the shared bucket.",
            "kind": "minutes",
            "occurred_on": "2010-05-20",
            "competency_numbers": [5],
        },
        headers=headers,
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _attachment_rows(pair: Pair) -> int:
    engine = sa.create_engine(pair.database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM attachment")).scalar_one()
    finally:
        engine.dispose()


def _stored_objects(pair: Pair) -> set[str]:
    return {entry.key for entry in storage.open_store(pair.storage_url).list("objects/")}


def test_a_file_sent_to_one_server_is_served_by_the_other_byte_for_byte(pair: Pair) -> None:
    body = PDF + b"%" + os.urandom(4 * 1024 * 1024)
    item = _new_item(pair.a, _token(pair.a, LEAD), "Sent to server A")
    sent = httpx.post(
        f"{pair.a.base}/api/v1/evidence/{item}/attachments",
        files={"file": ("shared.pdf", body, "application/pdf")},
        headers=_token(pair.a, LEAD),
        timeout=60,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["sha256"] == hashlib.sha256(body).hexdigest()
    fetched = httpx.get(
        f"{pair.b.base}/api/v1/attachments/{sent.json()['id']}",
        headers=_token(pair.b, LEAD),
        timeout=60,
    )
    assert fetched.status_code == 200
    assert fetched.content == body
    assert not list((pair.a.disk / "files").rglob(sent.json()["sha256"]))  # not on A's disk


def test_a_report_rendered_by_one_server_is_served_by_the_other_from_the_cache(
    pair: Pair,
) -> None:
    path = "/api/v1/assessments/1/report.pdf"
    first = httpx.get(pair.a.base + path, headers=_token(pair.a, LEAD), timeout=180)
    assert first.status_code == 200
    assert first.headers["x-report-source"] == "render"
    second = httpx.get(pair.b.base + path, headers=_token(pair.b, REVIEWER), timeout=180)
    assert second.status_code == 200
    assert second.headers["x-report-source"] == "cache"
    assert second.content == first.content


def test_the_same_report_asked_of_both_servers_at_once_is_rendered_once(pair: Pair) -> None:
    path = "/api/v1/assessments/2/report.pdf"
    headers = {server.name: _token(server, REVIEWER) for server in (pair.a, pair.b)}

    def fetch(server: Server) -> httpx.Response:
        return httpx.get(server.base + path, headers=headers[server.name], timeout=180)

    with ThreadPoolExecutor(2) as both:
        answers = list(both.map(fetch, [pair.a, pair.b]))
    assert [answer.status_code for answer in answers] == [200, 200]
    sources = sorted(answer.headers["x-report-source"] for answer in answers)
    if pair.database_url.startswith("postgresql"):
        # The servers share a PostgreSQL database: one renders, the other waits for its PDF.
        assert sources in (["render", "shared"], ["cache", "render"])
        assert answers[0].content == answers[1].content
    else:
        # SQLite is one machine's database: servers on it do not coordinate renders.
        assert "render" in sources


def _start_upload(server: Server, headers: dict[str, str], item: int, size: int) -> socket.socket:
    """Begin sending a ``size``-byte file and stop half-way, the connection left open."""
    boundary = "wcc-half-sent"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = socket.create_connection(("127.0.0.1", server.port))
    request = (
        f"POST /api/v1/evidence/{item}/attachments HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        f"Authorization: {headers['Authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + size + len(tail)}\r\n\r\n"
    ).encode()
    connection.sendall(request + head + PDF + os.urandom(size // 2 - len(PDF)))
    return connection


def test_a_server_killed_while_receiving_a_file_leaves_nothing_stored(pair: Pair) -> None:
    headers = _token(pair.a, LEAD)
    item = _new_item(pair.a, headers, "Sent while server A failed")
    rows_before, objects_before = _attachment_rows(pair), _stored_objects(pair)
    connection = _start_upload(pair.a, headers, item, 8 * 1024 * 1024)
    deadline = time.monotonic() + 30
    while not any(part.stat().st_size > 0 for part in pair.a.temp_files()):
        assert time.monotonic() < deadline, "server A never began receiving the file"
        time.sleep(0.05)
    pair.a.kill()
    connection.close()

    assert _attachment_rows(pair) == rows_before
    assert _stored_objects(pair) == objects_before
    # What A had half received is on A's own disk only, and goes when A starts again.
    assert pair.a.temp_files()
    pair.a.start()
    assert pair.a.temp_files() == []
    # B went on serving throughout, and A serves again.
    listed = httpx.get(f"{pair.b.base}/api/v1/evidence/{item}", headers=_token(pair.b, LEAD))
    assert listed.status_code == 200 and listed.json()["attachments"] == []
    again = httpx.get(f"{pair.a.base}/api/v1/evidence/{item}", headers=_token(pair.a, LEAD))
    assert again.status_code == 200


def test_neither_server_logged_a_traceback(pair: Pair) -> None:
    for server in (pair.a, pair.b):
        log = (server.disk / "server.log").read_text(errors="replace")
        assert "Traceback" not in log, log[-3000:]
