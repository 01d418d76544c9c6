"""Faults underneath: the database going away and coming back, uploads cut off, a full disk."""

from __future__ import annotations

import contextlib
import errno
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import get_settings
from app.db import create_db_engine, get_engine, get_session
from app.evidence import storage
from app.evidence.models import Attachment
from app.main import create_app
from app.schema_migrations import head_revision, upgrade
from tests.api_steps import log_evidence
from tests.databases import fresh_database, server_url
from tests.factories import auth


class Proxy:
    """A TCP forwarder to the database that can be cut and restored, like a network outage."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self.links: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.up.clear()
        for link in self.links:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
        self.links.clear()

    def restore(self) -> None:
        self.up.set()


LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_url() -> str | None:
    """The suite's PostgreSQL server, or one on this machine's standard port if it answers."""
    if server_url():
        return server_url()
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return LOCAL_POSTGRES


@pytest.fixture
def outage_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Proxy]]:
    target = _postgres_url()
    if target is None:
        pytest.fail(
            "the outage test needs a PostgreSQL server (127.0.0.1:5432 or WCC_TEST_DATABASE_URL)"
        )
    name = f"wcc_outage_{secrets.token_hex(4)}"
    database = sa.make_url(target).set(database=name).render_as_string(hide_password=False)
    with fresh_database(database) as made:
        upgrade(made)
        url = sa.make_url(made)
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        proxied = create_db_engine(
            url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        )
        monkeypatch.setattr("app.health.get_engine", lambda: proxied)
        app = create_app()

        def session() -> Iterator[Session]:
            with Session(proxied) as s:
                yield s

        app.dependency_overrides[get_session] = session
        with TestClient(app) as client:
            yield client, proxy
        proxied.dispose()


def test_database_outage_is_503_with_a_message_and_the_service_recovers(outage_client) -> None:
    client, proxy = outage_client
    first = client.get("/readyz")
    assert first.status_code == 200, first.text
    proxy.cut()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["detail"] == "The database is not reachable"
    probe = client.get("/healthz/database")
    assert probe.status_code == 503
    api = client.post(
        "/api/v1/auth/token", data={"username": "x@y.test", "password": "whatever-it-is"}
    )
    assert api.status_code == 503
    assert api.json()["detail"] == "The database is unavailable at the moment; try again shortly"
    proxy.restore()
    assert client.get("/readyz").status_code == 200
    assert (
        client.post(
            "/api/v1/auth/token", data={"username": "x@y.test", "password": "whatever-it-is"}
        ).status_code
        == 401
    )


def test_readyz_is_503_until_the_schema_is_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = create_db_engine(f"sqlite:///{tmp_path / 'new.db'}")
    monkeypatch.setattr("app.health.get_engine", lambda: empty)
    with TestClient(create_app()) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "run `wcc db upgrade`" in response.json()["detail"]
    assert head_revision() not in response.text


def test_an_upload_cut_off_midway_leaves_no_file_and_no_row(
    client: TestClient, world, session: Session
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    boundary = "cutcutcut"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()

    def body() -> Iterator[bytes]:
        yield head
        yield b"0" * 100_000
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        client.post(
            f"/api/v1/evidence/{item['id']}/attachments",
            content=body(),
            headers={
                **auth(world.a.lead),
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
    assert session.exec(select(Attachment)).all() == []
    assert list(storage.temp_dir().glob("*")) == []
    assert not list((get_settings().data_dir / "objects").rglob("*.*"))


def test_a_full_disk_on_upload_is_a_clear_error_and_nothing_is_half_saved(
    client: TestClient, world, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    real_start = storage.TempBlob.__post_init__

    class FullDisk:
        def __init__(self, inner) -> None:
            self.inner = inner

        def write(self, chunk: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str):
            return getattr(self.inner, name)

    def start(self) -> None:
        real_start(self)
        self._file = FullDisk(self._file)

    monkeypatch.setattr(storage.TempBlob, "__post_init__", start)
    response = client.post(
        f"/api/v1/evidence/{item['id']}/attachments",
        files={"file": ("a.pdf", b"%PDF-1.4\n" + b"x" * 1000, "application/pdf")},
        headers=auth(world.a.lead),
    )
    assert response.status_code == 507
    assert "storage is full" in response.json()["detail"]
    assert session.exec(select(Attachment)).all() == []
    assert list(storage.temp_dir().glob("*")) == []


def test_get_engine_is_the_configured_database() -> None:
    assert str(get_engine().url).startswith(("sqlite", "postgresql"))


WRITER = """
import sys
from sqlmodel import Session
from app.actors import SYSTEM
from app.db import create_db_engine
from app.organisations.service import create_organisation
from app.organisations.models import OrganisationKind
engine = create_db_engine(sys.argv[1])
with Session(engine) as session:
    for n in range(100000):
        org = create_organisation(
            session, SYSTEM, code=f"K{n}", name=f"Killed {n}", kind=OrganisationKind.SHA
        )
        print(org.code, flush=True)
"""


def test_a_process_killed_while_writing_loses_no_committed_data(run_dir: Path) -> None:
    import subprocess
    import sys

    from tests.databases import new_database_url

    url = new_database_url(run_dir, "killed")
    with fresh_database(url) as made:
        upgrade(made)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, made],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        acknowledged = []
        assert writer.stdout is not None
        for line in writer.stdout:
            acknowledged.append(line.strip())
            if len(acknowledged) == 40:
                writer.kill()  # SIGKILL: no clean-up, mid-transaction
                break
        writer.wait(timeout=30)
        engine = create_db_engine(made)
        with engine.connect() as connection:
            codes = set(connection.execute(sa.text("SELECT code FROM organisation")).scalars())
            audited = connection.execute(sa.text("SELECT COUNT(*) FROM audit_event")).scalar_one()
            if engine.dialect.name == "sqlite":
                assert connection.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
        engine.dispose()
        assert set(acknowledged) <= codes
        assert audited == len(codes)
