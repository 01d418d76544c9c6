"""Moving the attachment files between stores: every file copied and checked by its SHA-256,
byte for byte; a corrupt or missing file named and the rest still copied; a second run skips
what is there; the old store left as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import get_settings
from app.evidence.storage import blob_key
from app.storage import ObjectStore, open_store
from app.storage.migrate import copy_files
from tests.api_steps import log_evidence, ok
from tests.factories import auth
from tests.seaweed import SeaweedFS, new_prefix

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
CSV = b"practice,clinicians\nB86001,4\nB86002,7\n"
FILES = {"minutes.pdf": PDF, "chart.png": PNG, "practices.csv": CSV}


def upload(client: TestClient, world, name: str, content: bytes) -> dict:
    """Log an evidence item of PCT a and attach ``content`` to it through the API: the
    attachment, with its item's id as ``evidence_id``."""
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    attachment = ok(
        client.post(
            f"/api/v1/evidence/{item['id']}/attachments",
            files={"file": (name, content, "application/octet-stream")},
            headers=auth(world.a.lead),
        ),
        201,
    )
    return {**attachment, "evidence_id": item["id"]}


def upload_all(client: TestClient, world) -> dict[str, tuple[int, bytes]]:
    """The three files, logged through the API: each one's id and bytes, by SHA-256."""
    uploaded = {}
    for name, content in FILES.items():
        body = upload(client, world, name, content)
        assert body["sha256"] == hashlib.sha256(content).hexdigest()
        uploaded[body["sha256"]] = (body["id"], content)
    return uploaded


def store_url(kind: str, tmp_path: Path, seaweedfs: SeaweedFS) -> str:
    """A new, empty store: a folder under ``tmp_path``, or a new prefix in the S3 server."""
    if kind == "local":
        return f"file://{tmp_path / f'store-{new_prefix()}'}"
    return seaweedfs.storage_url(prefix=new_prefix())


def configure(monkeypatch: pytest.MonkeyPatch, url: str) -> ObjectStore:
    """Make ``url`` the store the application keeps its files in, and return it."""
    monkeypatch.setattr(get_settings(), "storage_url", url)
    store = open_store(url)
    store.prepare()
    return store


def assert_holds(store: ObjectStore, files: dict[str, tuple[int, bytes]]) -> None:
    """``store`` holds every file byte for byte, under its SHA-256."""
    for digest, (_, content) in files.items():
        stored = store.read_bytes(blob_key(digest))
        assert stored == content
        assert hashlib.sha256(stored).hexdigest() == digest


def other(kind: str) -> str:
    return "s3" if kind == "local" else "local"


def test_files_go_from_a_folder_to_s3_and_back_verified_and_byte_for_byte(
    client: TestClient,
    world,
    session: Session,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local_url = store_url("local", tmp_path, seaweedfs)
    local = configure(monkeypatch, local_url)
    files = upload_all(client, world)
    local.put_bytes("report-cache/" + "0" * 64 + ".pdf", b"%PDF rendered report")
    s3_url = store_url("s3", tmp_path, seaweedfs)
    s3 = open_store(s3_url)

    there = copy_files(local, s3, engine=session.connection())
    assert (there.copied, there.already_there, there.problems) == (3, 0, [])
    assert there.bytes_copied == sum(len(content) for _, content in files.values())
    assert_holds(s3, files)
    assert not s3.exists("report-cache/" + "0" * 64 + ".pdf")  # rendered again instead
    assert_holds(local, files)  # nothing is removed from the old store

    configure(monkeypatch, s3_url)  # the servers now read the bucket
    for attachment_id, content in files.values():
        download = client.get(f"/api/v1/attachments/{attachment_id}", headers=auth(world.a.board))
        assert download.status_code == 200
        assert download.content == content

    back = open_store(store_url("local", tmp_path, seaweedfs))
    returned = copy_files(s3, back, engine=session.connection())
    assert (returned.copied, returned.already_there, returned.problems) == (3, 0, [])
    assert_holds(back, files)
    for digest, (_, content) in files.items():
        path = back.local_path(blob_key(digest))
        assert path is not None and path.read_bytes() == content


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_corrupt_or_missing_file_is_named_and_every_other_file_is_copied(
    kind: str,
    client: TestClient,
    world,
    session: Session,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = configure(monkeypatch, store_url(kind, tmp_path, seaweedfs))
    files = upload_all(client, world)
    corrupt, missing, sound = sorted(files)
    source.put_bytes(blob_key(corrupt), b"changed on disk after it was stored")
    source.delete(blob_key(missing))
    target = open_store(store_url(other(kind), tmp_path, seaweedfs))

    result = copy_files(source, target, engine=session.connection())
    assert not result.ok
    assert (result.copied, result.already_there) == (1, 0)
    assert len(result.problems) == 2
    corrupt_line = next(line for line in result.problems if line.startswith(corrupt))
    assert "corrupt in" in corrupt_line
    assert hashlib.sha256(b"changed on disk after it was stored").hexdigest() in corrupt_line
    missing_line = next(line for line in result.problems if line.startswith(missing))
    assert f"missing from {source.describe()}" in missing_line
    assert target.read_bytes(blob_key(sound)) == files[sound][1]
    assert not target.exists(blob_key(corrupt))
    assert not target.exists(blob_key(missing))
    assert source.read_bytes(blob_key(corrupt)) == b"changed on disk after it was stored"


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_second_run_skips_what_is_there_and_replaces_a_bad_copy(
    kind: str,
    client: TestClient,
    world,
    session: Session,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = configure(monkeypatch, store_url(other(kind), tmp_path, seaweedfs))
    files = upload_all(client, world)
    target = open_store(store_url(kind, tmp_path, seaweedfs))
    first = copy_files(source, target, engine=session.connection())
    assert (first.copied, first.already_there) == (3, 0)

    again = copy_files(source, target, engine=session.connection())
    assert (again.copied, again.already_there, again.bytes_copied, again.problems) == (
        0,
        3,
        0,
        [],
    )

    damaged = sorted(files)[0]
    target.put_bytes(blob_key(damaged), b"a half-written copy")
    mended = copy_files(source, target, engine=session.connection())
    assert (mended.copied, mended.already_there, mended.problems) == (1, 2, [])
    assert_holds(target, files)


def test_nothing_to_copy_is_a_success(session: Session, tmp_path: Path) -> None:
    source = open_store(f"file://{tmp_path / 'empty'}")
    target = open_store(f"file://{tmp_path / 'target'}")
    result = copy_files(source, target, engine=session.connection())
    assert (result.copied, result.already_there, result.problems) == (0, 0, [])
