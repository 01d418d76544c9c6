"""`wcc export` / `wcc import`: every row and every attachment round-trips, across databases;
a non-empty, corrupt or foreign target or file is refused and nothing changes."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from app.actors import Actor
from app.backup import BackupError, export_database, import_database
from app.config import get_settings
from app.db import create_db_engine
from app.demo import load_demo
from app.evidence import service as evidence_service
from app.evidence import storage
from app.evidence.models import EvidenceItem
from app.evidence.uploads import ReceivedFile
from app.schema_migrations import upgrade
from app.tables import metadata
from app.users.models import Role, User
from tests.databases import fresh_database, new_database_url, server_url


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "files"
    monkeypatch.setattr(get_settings(), "data_dir", folder)
    return folder


def _database(run_dir: Path, kind: str) -> Iterator[sa.Engine]:
    if kind == "sqlite":
        url = f"sqlite:///{run_dir / f'backup-{secrets.token_hex(4)}.db'}"
    else:
        url = new_database_url(run_dir, "backup")
    with fresh_database(url) as made:
        upgrade(made)
        engine = create_db_engine(made)
        yield engine
        engine.dispose()


def _snapshot(engine: sa.Engine) -> dict[str, list[dict]]:
    """Every table's rows."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
        }


def _attach(engine: sa.Engine, content: bytes, name: str) -> str:
    with Session(engine, expire_on_commit=False) as session:
        lead = session.exec(select(User).where(User.email == "lead.5a4@demo.wcc.nhs.test")).one()
        actor = Actor(
            user_id=lead.id,
            label=lead.email,
            role=Role.PCT_LEAD,
            organisation_id=lead.organisation_id,
            pct_id=lead.organisation_id,
        )
        item_id = session.exec(
            select(EvidenceItem.id).where(EvidenceItem.organisation_id == lead.organisation_id)
        ).first()
        blob = storage.TempBlob(max_bytes=10_000)
        blob.write(content)
        blob.finish()
        evidence_service.add_attachment(
            session, actor, item_id, received=ReceivedFile(blob, name, None)
        )
    return hashlib.sha256(content).hexdigest()


def _kinds() -> list[str]:
    return ["sqlite", "postgresql"] if server_url() else ["sqlite", "sqlite"]


def test_backup_round_trips_every_row_and_file_across_databases(
    run_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    first, second = _kinds()
    source_gen = _database(run_dir, first)
    source = next(source_gen)
    with Session(source) as session:
        load_demo(session)
    digest = _attach(source, b"Board minutes, March 2009.\n", "minutes.txt")
    before = _snapshot(source)
    backup = tmp_path / "backup.json"
    counts = export_database(source, backup)
    assert counts["files"] == 1 and counts["evidence_item"] > 60

    storage.remove_blob(digest)  # the restore must bring the file back
    target_gen = _database(run_dir, second)
    target = next(target_gen)
    import_database(target, backup)
    assert _snapshot(target) == before
    assert hashlib.sha256(storage.read_blob(digest)).hexdigest() == digest

    again = tmp_path / "again.json"
    export_database(target, again)
    back_gen = _database(run_dir, first)
    back = next(back_gen)
    import_database(back, again)
    assert _snapshot(back) == before
    with Session(back) as session:  # new rows get fresh ids after a restore
        load_demo(session)
    for gen in (source_gen, target_gen, back_gen):
        gen.close()


def test_restore_refuses_a_non_empty_database_unless_told(
    run_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    gen = _database(run_dir, "sqlite")
    engine = next(gen)
    with Session(engine) as session:
        load_demo(session)
    backup = tmp_path / "b.json"
    export_database(engine, backup)
    before = _snapshot(engine)
    with pytest.raises(BackupError, match="not empty; pass --replace"):
        import_database(engine, backup)
    import_database(engine, backup, replace=True)
    assert _snapshot(engine) == before
    gen.close()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a WCC Assurance Tracker backup"),
        (lambda d: d.update(schema_revision="0000"), "written at schema 0000"),
        (
            lambda d: d["files"].update({"0" * 64: base64.b64encode(b"x").decode()}),
            "does not match its SHA-256",
        ),
        (lambda d: d["tables"].update(secrets=[]), "unknown tables"),
        (lambda d: d["tables"]["cycle"][0].update(opens_on="not a date"), "opens_on is not a date"),
        (
            lambda d: d["tables"]["user_account"][0].update(role="king"),
            "user_account cannot be loaded",
        ),
    ],
)
def test_restore_refuses_a_corrupt_or_foreign_file_and_changes_nothing(
    run_dir: Path, data_dir: Path, tmp_path: Path, mutate, message: str
) -> None:
    gen = _database(run_dir, "sqlite")
    engine = next(gen)
    with Session(engine) as session:
        load_demo(session)
    backup = tmp_path / "b.json"
    export_database(engine, backup)
    document = json.loads(backup.read_text())
    mutate(document)
    backup.write_text(json.dumps(document))
    empty_gen = _database(run_dir, "sqlite")
    empty = next(empty_gen)
    with pytest.raises(BackupError, match=message):
        import_database(empty, backup)
    assert all(rows == [] for rows in _snapshot(empty).values())
    for g in (gen, empty_gen):
        g.close()


def test_restore_refuses_a_file_that_is_not_json(run_dir: Path, tmp_path: Path) -> None:
    gen = _database(run_dir, "sqlite")
    engine = next(gen)
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\x00\x01 not json")
    with pytest.raises(BackupError, match="not a backup file"):
        import_database(engine, broken)
    gen.close()
