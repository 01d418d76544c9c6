"""`wcc storage migrate | sweep | check`, and `wcc export` / `wcc import` with the files in
S3: what each says, and one line with a non-zero exit for every fault, never a traceback."""

from __future__ import annotations

import hashlib
import secrets
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import app
from app.config import get_settings
from app.evidence.models import Attachment
from app.evidence.storage import blob_key
from app.storage import ObjectStore, open_store
from app.storage.sweep import wall_time
from tests.databases import app_on, migrated_engine
from tests.seaweed import S3_CREDENTIALS, SeaweedFS
from tests.storage.test_migrate import (
    assert_holds,
    configure,
    other,
    store_url,
    upload,
    upload_all,
)
from tests.world import build_world

runner = CliRunner()
NOBODY = "http://127.0.0.1:1"  # a port nothing listens on


def wcc(*arguments: str) -> Result:
    return runner.invoke(app, list(arguments))


def one_error_line(result: Result) -> str:
    """The run failed with exactly one line on stderr, and no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wcc: error: ")
    return lines[0]


@pytest.fixture
def database(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """The commands read the test's own transaction, so they see its uncommitted rows."""
    monkeypatch.setattr("app.db.get_engine", lambda: session.connection())
    return session


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_migrate_copies_every_file_and_says_what_to_do_next(
    kind: str,
    client: TestClient,
    world,
    database: Session,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source_url = store_url(kind, tmp_path, seaweedfs)
    configure(monkeypatch, source_url)
    files = upload_all(client, world)
    target_url = store_url(other(kind), tmp_path, seaweedfs)
    target = open_store(target_url)

    result = wcc("storage", "migrate", "--to", target_url)
    assert result.exit_code == 0, result.output
    size = sum(len(content) for _, content in files.values())
    assert (
        f"Copied 3 files ({size} bytes) to {target.describe()}; 0 already there; "
        "every file verified by SHA-256." in result.stdout
    )
    quoted = shlex.quote(target_url)
    assert f"Next: set WCC_STORAGE_URL={quoted} for every server" in result.stdout
    assert f"--from {shlex.quote(source_url)}" in result.stdout
    assert_holds(target, files)

    again = wcc("storage", "migrate", "--from", source_url, "--to", target_url)
    assert again.exit_code == 0, again.output
    assert "Copied 0 files (0 bytes)" in again.stdout and "; 3 already there;" in again.stdout

    configure(monkeypatch, target_url)
    check = wcc("storage", "check")
    assert check.exit_code == 0, check.output
    assert f"Files are kept in {target.describe()}." in check.stdout
    assert "It answers, and every attachment's file is there (3 files)." in check.stdout


def test_migrate_names_a_corrupt_file_and_exits_non_zero(
    client: TestClient,
    world,
    database: Session,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = configure(monkeypatch, store_url("local", tmp_path, seaweedfs))
    files = upload_all(client, world)
    corrupt = sorted(files)[1]
    source.put_bytes(blob_key(corrupt), b"bit rot")
    target_url = store_url("s3", tmp_path, seaweedfs)

    result = wcc("storage", "migrate", "--to", target_url)
    assert result.exit_code == 1
    assert "Copied 2 files" in result.stdout
    assert "Next:" not in result.stdout
    problems = result.stderr.strip().splitlines()
    assert problems[0].strip().startswith(f"{corrupt}: corrupt in {source.describe()}")
    assert problems[-1].startswith("wcc: error: 1 file could not be copied")
    assert not open_store(target_url).exists(blob_key(corrupt))


@pytest.mark.parametrize(
    ("option", "url", "fault"),
    [
        ("--to", "s3://Bad_Bucket", "'Bad_Bucket' is not a bucket name"),
        ("--to", "ftp://files.example/wcc", "starts s3:// (a bucket) or file:/// (a folder)"),
        ("--to", "s3://wcc-files?colour=red", "unknown option 'colour'"),
        ("--from", "file://relative/folder", "a file URL needs an absolute folder"),
    ],
)
def test_a_bad_url_is_one_line_naming_the_fault(
    option: str, url: str, fault: str, tmp_path: Path
) -> None:
    arguments = {"--to": f"file://{tmp_path / 'target'}", option: url}
    result = wcc("storage", "migrate", *[part for pair in arguments.items() for part in pair])
    line = one_error_line(result)
    assert line.startswith(f"wcc: error: {option}: {url}: ")
    assert fault in line


def test_migrate_into_the_store_it_reads_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"file://{tmp_path / 'files'}"
    configure(monkeypatch, url)
    assert "which the files are copied from" in one_error_line(
        wcc("storage", "migrate", "--to", url)
    )


def test_a_store_that_does_not_answer_is_one_line(
    database: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    down = f"s3://wcc-files?endpoint={NOBODY}"
    configure(monkeypatch, f"file://{tmp_path / 'files'}")

    line = one_error_line(wcc("storage", "migrate", "--to", down))
    assert f"the S3 bucket wcc-files at {NOBODY} cannot be reached (nothing copied: " in line
    assert "Could not connect to the endpoint URL" in line

    monkeypatch.setattr(get_settings(), "storage_url", down)
    check = wcc("storage", "check")
    assert f"Files are kept in the S3 bucket wcc-files at {NOBODY}." in check.stdout
    assert one_error_line(check) == (
        f"wcc: error: the S3 bucket wcc-files at {NOBODY} does not answer (Could not connect "
        f'to the endpoint URL: "{NOBODY}/wcc-files")'
    )
    assert "cannot be reached" in one_error_line(wcc("storage", "sweep"))


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_check_names_missing_files_up_to_twenty(
    kind: str,
    client: TestClient,
    world,
    database: Session,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = configure(monkeypatch, store_url(kind, tmp_path, seaweedfs))
    first = upload(client, world, "minutes.pdf", b"%PDF-1.4\nminutes\n%%EOF\n")
    store.delete(blob_key(first["sha256"]))

    one = wcc("storage", "check")
    assert one.exit_code == 1
    assert one.stderr.splitlines() == [
        f"  {first['sha256']} is missing",
        f"wcc: error: 1 of 1 attachment file is missing from {store.describe()}",
    ]

    lost = sorted(secrets.token_hex(32) for _ in range(22))
    for digest in lost:  # rows whose files were never stored
        database.add(
            Attachment(
                evidence_id=first["evidence_id"],
                filename="lost.pdf",
                content_type="application/pdf",
                size=1,
                sha256=digest,
                uploaded_by_id=world.a.lead.id,
            )
        )
    database.flush()
    many = wcc("storage", "check")
    assert many.exit_code == 1
    lines = many.stderr.splitlines()
    assert len(lines) == 22  # twenty named, how many more, the error
    assert lines[-2] == "  … and 3 more"
    assert lines[-1].startswith("wcc: error: 23 of 23 attachment files are missing")


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_sweep_says_what_it_removed_and_a_dry_run_removes_nothing(
    kind: str,
    client: TestClient,
    world,
    database: Session,
    seaweedfs: SeaweedFS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = configure(monkeypatch, store_url(kind, tmp_path, seaweedfs))
    used = upload(client, world, "minutes.pdf", b"%PDF-1.4\nminutes\n%%EOF\n")["sha256"]
    unused_body = b"left by an upload that was cut short"
    unused = hashlib.sha256(unused_body).hexdigest()
    store.put_bytes(blob_key(unused), unused_body)

    young = wcc("storage", "sweep")
    assert young.exit_code == 0, young.output
    assert "Removed 0 files (0 bytes)" in young.stdout
    assert "Left 1 unused file younger than 60 minutes" in young.stdout

    later = wall_time() + timedelta(hours=2)
    monkeypatch.setattr("app.storage.sweep.wall_time", lambda: later)
    dry = wcc("storage", "sweep", "--dry-run", "--older-than-minutes", "90")
    assert dry.exit_code == 0, dry.output
    assert f"Would remove 1 file ({len(unused_body)} bytes)" in dry.stdout
    assert f"  {blob_key(unused)} ({len(unused_body)} bytes, " in dry.stdout
    assert "Nothing was removed (--dry-run)." in dry.stdout
    assert store.exists(blob_key(unused))

    swept = wcc("storage", "sweep")
    assert swept.exit_code == 0, swept.output
    assert (
        f"Removed 1 file ({len(unused_body)} bytes) no attachment uses from "
        f"{store.describe()}." in swept.stdout
    )
    assert not store.exists(blob_key(unused))
    assert store.exists(blob_key(used))


def _stored_keys(store: ObjectStore) -> list[str]:
    return [item.key for item in store.list("objects/")]


def test_export_then_import_carries_the_files_from_one_bucket_prefix_to_another(
    run_dir: Path, seaweedfs: SeaweedFS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = tmp_path / "backup.json"
    source = configure(monkeypatch, store_url("s3", tmp_path, seaweedfs))
    with migrated_engine(run_dir, "s3export") as engine:
        with Session(engine, expire_on_commit=False) as setup:
            world = build_world(setup)
        with TestClient(app_on(engine)) as client:
            files = upload_all(client, world)
        monkeypatch.setattr("app.db.get_engine", lambda: engine)
        exported = wcc("export", str(backup))
    assert exported.exit_code == 0, exported.output
    assert ", 3 files." in exported.stdout

    target = configure(monkeypatch, store_url("s3", tmp_path, seaweedfs))
    assert _stored_keys(target) == []
    with migrated_engine(run_dir, "s3import") as engine:
        monkeypatch.setattr("app.db.get_engine", lambda: engine)
        imported = wcc("import", str(backup))
        assert imported.exit_code == 0, imported.output
        assert imported.stdout.rstrip().endswith(", 3 files.")
        assert_holds(target, files)
        assert sorted(_stored_keys(target)) == sorted(blob_key(digest) for digest in files)
        check = wcc("storage", "check")
        assert check.exit_code == 0, check.output
        assert "every attachment's file is there (3 files)" in check.stdout
    assert_holds(source, files)


def test_check_names_a_bucket_that_does_not_exist_and_makes_none(
    database: Session, seaweedfs, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"s3://wcc-no-such-bucket?endpoint={seaweedfs.endpoint}"
    monkeypatch.setattr(get_settings(), "storage_url", url)
    line = one_error_line(wcc("storage", "check"))
    assert line.endswith("does not answer (the bucket wcc-no-such-bucket does not exist)")
    buckets = open_store(url)._client.list_buckets()["Buckets"]  # type: ignore[attr-defined]
    assert "wcc-no-such-bucket" not in {bucket["Name"] for bucket in buckets}
