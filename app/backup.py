"""Whole-database backup and restore as one JSON file, attachments included.

The file names its format and the schema revision it was written at; a restore checks both,
checks every attachment against its SHA-256, and loads everything in one transaction, so a
bad file changes nothing. Ids are kept, so links between rows survive, and the file moves a
database between SQLite and PostgreSQL in either direction.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from app.db import UTCDateTime, utcnow
from app.evidence import storage
from app.plain_text import unstorable, without_unstorable
from app.schema_migrations import current_revision, head_revision
from app.storage import ObjectMissing, StorageUnavailable
from app.storage import current as current_store
from app.tables import DERIVED_TABLES, TRANSIENT_TABLES, metadata
from app.wording import count

FORMAT = "wcc-assurance-backup"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why."""


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _tables() -> list[sa.Table]:
    """The tables a backup holds: all but those the database derives from others."""
    return [t for t in metadata.sorted_tables if t.name not in DERIVED_TABLES | TRANSIENT_TABLES]


def _rows(connection: Connection, table: sa.Table) -> list[dict[str, Any]]:
    key = [c for c in table.primary_key.columns]
    result = connection.execute(sa.select(table).order_by(*key))
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


def export_database(engine: Engine, path: Path) -> dict[str, int]:
    """Write every row of every table, and every attachment file, to ``path``."""
    with engine.connect() as connection:
        revision = current_revision(connection)
        tables = {table.name: _rows(connection, table) for table in _tables()}
    hashes = sorted({row["sha256"] for row in tables.get("attachment", [])})
    files: dict[str, str] = {}
    for digest in hashes:
        try:
            content = storage.read_blob(digest)
        except ObjectMissing:
            raise BackupError(
                f"attachment file {digest} is missing from {current_store().describe()}"
            ) from None
        except StorageUnavailable:
            raise BackupError(f"{current_store().describe()} cannot be reached") from None
        if hashlib.sha256(content).hexdigest() != digest:
            raise BackupError(f"attachment file {digest} does not match its SHA-256: corrupt")
        files[digest] = base64.b64encode(content).decode("ascii")
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "exported_at": utcnow().isoformat(),
        "tables": tables,
        "files": files,
    }
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    temporary.replace(path)
    return {name: len(rows) for name, rows in tables.items()} | {"files": len(files)}


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BackupError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path}: not a backup file (not valid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path}: not a WCC Assurance Tracker backup")
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: backup format {document.get('format_version')!r} is not supported"
        )
    if not isinstance(document.get("tables"), dict) or not isinstance(document.get("files"), dict):
        raise BackupError(f"{path}: the backup is incomplete (tables or files missing)")
    return document


def _convert(table: sa.Table, row: Any, number: int) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise BackupError(f"table {table.name}, row {number}: not an object")
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise BackupError(f"table {table.name}, row {number}: unknown columns {sorted(unknown)}")
    converted = {}
    for name, value in row.items():
        kind = table.columns[name].type
        try:
            if value is not None and isinstance(kind, sa.DateTime | UTCDateTime):
                value = datetime.fromisoformat(value)
            elif value is not None and isinstance(kind, sa.Date):
                value = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise BackupError(f"table {table.name}, row {number}: {name} is not a date") from None
        converted[name] = value
    return converted


def _row_name(table: sa.Table, row: dict[str, Any], number: int) -> str:
    """A row as the restore names it: by its id, or by its whole key, or else its place."""
    key = [column.name for column in table.primary_key.columns]
    if key == ["id"] and row.get("id") is not None:
        return f"row {row['id']}"
    if key and all(name in row for name in key):
        return "row " + ", ".join(f"{name} {row[name]}" for name in key)
    return f"row number {number}"


def _unstorable_rows(tables: dict[str, Any]) -> list[str]:
    """Every field of every row holding text the service refuses to store
    (``app.plain_text``): a NUL, which PostgreSQL cannot hold at all, or another control
    character, which no database the service writes should hold."""
    found: list[str] = []
    for table in _tables():
        rows = tables.get(table.name, [])
        if not isinstance(rows, list):
            continue
        for number, row in enumerate(rows, 1):
            if not isinstance(row, dict):
                continue
            fields = [name for name, value in row.items() if unstorable(value)]
            if fields:
                where = _row_name(table, row, number)
                found.append(f"table {table.name}, {where}: {', '.join(fields)}")
    return found


def _organisations_parents_first(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    placed: set[Any] = set()
    pending = list(rows)
    while pending:
        ready = [r for r in pending if r.get("parent_id") is None or r["parent_id"] in placed]
        if not ready:
            raise BackupError("table organisation: parents form a loop or are missing")
        for row in ready:
            placed.add(row["id"])
            yield row
        pending = [r for r in pending if r["id"] not in placed]


def _is_empty(connection: Connection) -> bool:
    return all(
        connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() == 0
        for t in _tables()
    )


def _reset_sequences(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            )


def import_database(
    engine: Engine, path: Path, *, replace: bool = False, strip_control_characters: bool = False
) -> dict[str, int]:
    """Load a backup into this database; refuses a non-empty one unless ``replace``, and a
    backup with control characters in its text (listing every row) unless
    ``strip_control_characters``, which takes them out (``cleaned`` counts those rows)."""
    document = _read(path)
    files: dict[str, bytes] = {}
    for digest, encoded in document["files"].items():
        try:
            content = base64.b64decode(encoded, validate=True)
        except (ValueError, TypeError):
            raise BackupError(f"{path}: attachment {digest} is not valid base64") from None
        if hashlib.sha256(content).hexdigest() != digest:
            raise BackupError(f"{path}: attachment {digest} does not match its SHA-256: corrupt")
        files[digest] = content
    known = {table.name for table in _tables()}
    unknown = set(document["tables"]) - known
    if unknown:
        raise BackupError(f"{path}: unknown tables {sorted(unknown)}")
    unstorable_rows = _unstorable_rows(document["tables"])
    if unstorable_rows and not strip_control_characters:
        listed = "\n".join(f"  {where}" for where in unstorable_rows)
        raise BackupError(
            f"{path}: {count(len(unstorable_rows), 'row')} with control characters (such as "
            "a NUL) that cannot be stored, so nothing was restored. Correct them in the "
            "database the backup came from and export it again, or restore with "
            f"--strip-control-characters to load them without those characters:\n{listed}"
        )
    with engine.begin() as connection:
        revision = current_revision(connection)
        if revision != head_revision():
            raise BackupError("this database is not migrated: run `wcc db upgrade` first")
        if document.get("schema_revision") != revision:
            raise BackupError(
                f"{path}: written at schema {document.get('schema_revision')}, this database "
                f"is at {revision}; restore into a database at the same schema"
            )
        if not _is_empty(connection):
            if not replace:
                raise BackupError("the database is not empty; pass --replace to overwrite it")
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        counts: dict[str, int] = {}
        for table in _tables():
            rows = document["tables"].get(table.name, [])
            if not isinstance(rows, list):
                raise BackupError(f"{path}: table {table.name} is not a list")
            if table.name == "organisation":
                rows = list(_organisations_parents_first(rows))
            converted = [_convert(table, row, i + 1) for i, row in enumerate(rows)]
            if unstorable_rows:
                converted = [without_unstorable(row) for row in converted]
            if converted:
                try:
                    connection.execute(table.insert(), converted)
                except sa.exc.SQLAlchemyError as exc:
                    reason = str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0]
                    raise BackupError(
                        f"{path}: table {table.name} cannot be loaded: {reason}"
                    ) from None
            counts[table.name] = len(converted)
        _reset_sequences(connection)
        try:
            for content in files.values():
                with storage.TempBlob(max_bytes=len(content) + 1) as blob:
                    blob.write(content)
                    blob.keep()
        except StorageUnavailable:
            raise BackupError(f"{current_store().describe()} cannot be reached") from None
    return counts | {"files": len(files), "cleaned": len(unstorable_rows)}
