"""Moving the attachment files from one store to another (``wcc storage migrate``).

Every file an attachment row names is copied, a chunk at a time through a temporary file on
this machine, and then read back from the new store and hashed: a file counts as copied only
when its SHA-256 there is the one it is stored under. A file the new store already holds with
the right hash is left as it is, so a migration cut short is simply run again. A file missing
from the old store, or whose bytes there no longer match their hash, is named in the result
and not copied; everything else still is. Nothing is ever deleted from the old store, and
cached reports are not copied (they are rendered again on first use).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from app.evidence.models import Attachment
from app.evidence.storage import blob_key
from app.storage.base import ObjectMissing, ObjectStore, StorageUnavailable

Database = Engine | Connection
"""An engine (each query on a short connection of its own), or a connection already open
(its transaction's rows are seen, committed or not)."""


@dataclass
class MigrationResult:
    copied: int = 0
    already_there: int = 0
    bytes_copied: int = 0
    problems: list[str] = field(default_factory=list)
    """One line per file that could not be copied, naming its SHA-256 and why."""

    @property
    def ok(self) -> bool:
        return not self.problems


def _scalars(database: Database, query: sa.Select[tuple[str]]) -> list[str]:
    if isinstance(database, Connection):
        return list(database.execute(query).scalars())
    with database.connect() as connection:
        return list(connection.execute(query).scalars())


def referenced_hashes(database: Database) -> list[str]:
    """The SHA-256 of every file an attachment row names, each once, in order."""
    sha256 = col(Attachment.sha256)
    return _scalars(database, sa.select(sha256).distinct().order_by(sha256))


def is_referenced(database: Database, digest: str) -> bool:
    """Whether any attachment row names ``digest`` now."""
    sha256 = col(Attachment.sha256)
    return bool(_scalars(database, sa.select(sha256).where(sha256 == digest).limit(1)))


def missing_files(store: ObjectStore, database: Database) -> tuple[int, list[str]]:
    """How many files the attachment rows name, and the SHA-256 of those ``store`` lacks
    (found with one listing of the store, not one request per file)."""
    wanted = referenced_hashes(database)
    present = {item.key for item in store.list("objects/")}
    return len(wanted), [digest for digest in wanted if blob_key(digest) not in present]


def _hash_into(chunks: Iterable[bytes], sink: BinaryIO | None = None) -> str:
    """The SHA-256 of the chunks, written on to ``sink`` as they pass, if given."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest()


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(256 * 1024):
            yield chunk


def _stored_hash(store: ObjectStore, key: str) -> str | None:
    """The SHA-256 of the object ``key`` as ``store`` holds it; None if it holds none."""
    try:
        return _hash_into(store.open(key).chunks())
    except ObjectMissing:
        return None


def _fetch(source: ObjectStore, key: str, folder: Path) -> tuple[Path, str]:
    """The object as a file on this machine, and the SHA-256 of its bytes. A local store's
    own file is used where it lies; any other is streamed into ``folder``."""
    local = source.local_path(key)
    if local is not None:
        try:
            return local, _hash_into(_file_chunks(local))
        except FileNotFoundError:
            raise ObjectMissing(key) from None
    path = folder / key.rpartition("/")[2]
    with path.open("wb") as sink:
        return path, _hash_into(source.open(key).chunks(), sink)


@contextmanager
def _reaching(store: ObjectStore, result: MigrationResult) -> Iterator[None]:
    """A store that stops answering ends the run, with a message naming it."""
    try:
        yield
    except StorageUnavailable as exc:
        done = f"{result.copied} copied so far" if result.copied else "nothing copied"
        because = f": {exc.reason}" if exc.reason else ""
        raise StorageUnavailable(
            f"{store.describe()} cannot be reached ({done}{because}); run the migration again "
            "once it answers: files already copied are skipped"
        ) from exc


def _fetch_or_report(
    source: ObjectStore, key: str, folder: Path, result: MigrationResult
) -> tuple[Path, str] | None:
    """``_fetch``, or None with the reason in ``result`` when the file cannot be had."""
    digest = key.rpartition("/")[2]
    with _reaching(source, result):
        try:
            return _fetch(source, key, folder)
        except ObjectMissing:
            result.problems.append(f"{digest}: missing from {source.describe()}; not copied")
        except OSError as exc:  # a file that cannot be read, or no room for the copy here
            where = f": {exc.filename}" if exc.filename else ""
            result.problems.append(f"{digest}: not copied ({exc.strerror or exc}{where})")
    return None


def _put_verified(target: ObjectStore, key: str, path: Path, result: MigrationResult) -> None:
    """Store the file and read it back: counted as copied only if its hash is its key's."""
    digest = key.rpartition("/")[2]
    with _reaching(target, result):
        target.put_file(key, path)
        if _stored_hash(target, key) != digest:
            result.problems.append(
                f"{digest}: read back from {target.describe()}, it does not match its SHA-256"
            )
            return
    result.copied += 1
    result.bytes_copied += path.stat().st_size


def _copy_one(
    source: ObjectStore, target: ObjectStore, digest: str, folder: Path, result: MigrationResult
) -> None:
    key = blob_key(digest)
    with _reaching(target, result):
        if _stored_hash(target, key) == digest:
            result.already_there += 1
            return
    fetched = _fetch_or_report(source, key, folder, result)
    if fetched is None:
        return
    path, actual = fetched
    try:
        if actual == digest:
            _put_verified(target, key, path, result)
        else:
            result.problems.append(
                f"{digest}: corrupt in {source.describe()} (its bytes hash to {actual}); not copied"
            )
    finally:
        if path.parent == folder:
            path.unlink(missing_ok=True)


def copy_files(source: ObjectStore, target: ObjectStore, *, engine: Database) -> MigrationResult:
    """Copy every attachment file the database names from ``source`` to ``target``, each
    checked by its SHA-256 as the target holds it. Files that cannot be copied are listed in
    the result's ``problems``; ``StorageUnavailable`` (naming the store) if a store stops
    answering."""
    result = MigrationResult()
    with _reaching(source, result):
        next(iter(source.list("objects/")), None)  # answers (never made, unlike the target)
    with _reaching(target, result):
        target.prepare()
    with tempfile.TemporaryDirectory(prefix="wcc-migrate-") as folder:
        for digest in referenced_hashes(engine):
            _copy_one(source, target, digest, Path(folder), result)
    return result
