"""The sweep: attachment files no row names are removed once they are old; files in use,
young files (an upload may be recording them now), and keys that are not attachment files
are kept; a dry run removes nothing."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import get_settings
from app.evidence.storage import blob_key
from app.mail.worker import run_forever
from app.storage import ObjectStore, StorageUnavailable, StoredObject
from app.storage.sweep import sweep, wall_time
from tests.databases import migrated_engine
from tests.factories import auth
from tests.seaweed import SeaweedFS
from tests.storage.test_migrate import configure, store_url, upload

REPORT = "report-cache/" + "1" * 64 + ".pdf"
ODD_KEYS = ("objects/ab/not-a-hash", "objects/00/" + "ab" * 32, REPORT)
# Old objects are written this long before the sweep's "now", young ones after it; S3 keeps
# times to the second, so the sweep's limit is one second.
GAP_SECONDS = 1.5
LIMIT = timedelta(seconds=1)


@pytest.fixture(params=["local", "s3"])
def store(
    request: pytest.FixtureRequest,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ObjectStore:
    """The store the application keeps its files in: a folder, or the real S3 server."""
    return configure(monkeypatch, store_url(request.param, tmp_path, seaweedfs))


def put(store: ObjectStore, content: bytes) -> str:
    """Store ``content`` as an attachment file (with no row), as an upload cut short does."""
    digest = hashlib.sha256(content).hexdigest()
    store.put_bytes(blob_key(digest), content)
    return digest


def keys(store: ObjectStore) -> set[str]:
    return {item.key for prefix in ("objects/", "report-cache/") for item in store.list(prefix)}


def test_old_unused_files_go_and_used_young_and_other_keys_stay(
    store: ObjectStore, client: TestClient, world, session: Session
) -> None:
    used = upload(client, world, "minutes.pdf", b"%PDF-1.4\nminutes\n%%EOF\n")["sha256"]
    deleted = upload(client, world, "practices.csv", b"practice,clinicians\nB86001,4\n")
    response = client.delete(
        f"/api/v1/evidence/{deleted['evidence_id']}", headers=auth(world.a.lead)
    )
    assert response.status_code == 204, response.text
    cut_short = put(store, b"stored, then the server stopped before recording it")
    for key in ODD_KEYS:
        store.put_bytes(key, b"not an attachment file")
    time.sleep(GAP_SECONDS)
    moment = wall_time()
    young = put(store, b"stored a moment ago: its row is being committed")

    result = sweep(store, session.connection(), older_than=LIMIT, now=moment)

    assert sorted(item.key for item in result.removed) == sorted(
        [blob_key(deleted["sha256"]), blob_key(cut_short)]
    )
    assert result.bytes_removed == len(b"practice,clinicians\nB86001,4\n") + len(
        b"stored, then the server stopped before recording it"
    )
    assert result.kept_young == 1
    assert keys(store) == {blob_key(used), blob_key(young), *ODD_KEYS}


def test_a_dry_run_names_what_would_go_and_removes_nothing(
    store: ObjectStore, session: Session
) -> None:
    unused = put(store, b"no row names this file")
    before = keys(store)
    later = wall_time() + timedelta(hours=2)

    dry = sweep(store, session.connection(), dry_run=True, now=later)
    assert [item.key for item in dry.removed] == [blob_key(unused)]
    assert keys(store) == before

    assert sweep(store, session.connection()).removed == []  # an hour by default: too young
    assert keys(store) == before

    real = sweep(store, session.connection(), now=later)
    assert [item.key for item in real.removed] == [blob_key(unused)]
    assert keys(store) == before - {blob_key(unused)}


class UploadedDuringTheSweep:
    """A store in which ``key`` is stored again (an upload of the same file) just after the
    sweep has listed it."""

    def __init__(self, store: ObjectStore, key: str) -> None:
        self.store = store
        self.key = key
        self.uploaded = False

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        listed = [*self.store.list(prefix)]
        if prefix == "objects/" and not self.uploaded:
            self.store.put_bytes(self.key, self.store.read_bytes(self.key))
            self.uploaded = True
        yield from listed


def test_a_file_stored_again_while_the_sweep_runs_is_kept(
    store: ObjectStore, session: Session
) -> None:
    digest = put(store, b"uploaded once, then again")
    time.sleep(GAP_SECONDS)
    racing = UploadedDuringTheSweep(store, blob_key(digest))

    result = sweep(racing, session.connection(), older_than=LIMIT, now=wall_time())  # type: ignore[arg-type]

    assert result.removed == []
    assert store.exists(blob_key(digest))


def _one_worker_pass(engine: Engine) -> list[int]:
    """Run the mail worker's loop for one pass (no mail server: it sends nothing)."""
    stop = threading.Event()
    passes: list[int] = []

    def after_pass(sent: int) -> None:
        passes.append(sent)
        stop.set()

    run_forever(lambda: Session(engine), stop, poll_seconds=0.01, on_pass=after_pass)
    return passes


def test_the_mail_worker_sweeps_on_its_hourly_tick(
    store: ObjectStore, run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "smtp_url", None)
    unused = put(store, b"no row names this file")
    later = wall_time() + timedelta(hours=2)
    monkeypatch.setattr("app.storage.sweep.wall_time", lambda: later)
    with migrated_engine(run_dir, "sweeptick") as engine:
        assert _one_worker_pass(engine) == [0]
    assert not store.exists(blob_key(unused))


def test_a_failed_sweep_is_logged_and_the_worker_carries_on(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(get_settings(), "smtp_url", None)

    def broken(*arguments: object, **options: object) -> None:
        raise StorageUnavailable()

    monkeypatch.setattr("app.storage.sweep.sweep", broken)
    with migrated_engine(run_dir, "sweepfails") as engine:
        assert _one_worker_pass(engine) == [0]
    assert "storage: removing unused attachment files failed" in caplog.text
