"""Removing attachment files no attachment row names (``wcc storage sweep``, and hourly from
the mail worker).

Such files are left by an upload whose server stopped between storing the file and recording
its row, and by evidence items that were deleted. A file is removed only when it is older than
``older_than`` (an hour by default), because an upload stores its file before it commits its
row: a young file may be one whose row is being committed now. Storing a file again makes it
new, so an upload of a file that is already stored also protects it.

Just before each removal the database is asked again and the object's time read again, so
what is removed is what was unused and old a moment before. Only keys shaped like an
attachment file (``objects/ab/ab…`` with 64 hex digits) are ever removed; cached reports and
anything else in the store are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.storage.base import ObjectStore, StoredObject
from app.storage.migrate import Database, is_referenced, referenced_hashes

PREFIX = "objects/"
ATTACHMENT_KEY = re.compile(r"^objects/([0-9a-f]{2})/(\1[0-9a-f]{62})$")
DEFAULT_AGE = timedelta(hours=1)


@dataclass
class SweepResult:
    dry_run: bool
    removed: list[StoredObject] = field(default_factory=list)
    """What was removed (with ``dry_run``: what would have been)."""
    kept_young: int = 0
    """Unused files left because they are younger than the limit."""

    @property
    def bytes_removed(self) -> int:
        return sum(item.size for item in self.removed)


def wall_time() -> datetime:
    """Now, by the real clock: stores keep real times, never the application's frozen one."""
    return datetime.now(UTC)


def _digest(key: str) -> str | None:
    """The SHA-256 an attachment file's key names; None for any other key."""
    match = ATTACHMENT_KEY.match(key)
    return match.group(2) if match else None


def _still_removable(
    store: ObjectStore, database: Database, item: StoredObject, digest: str, cutoff: datetime
) -> bool:
    """Unused now, and still the old object: the database is asked first, then the store, so
    an upload storing the file again after the listing is seen by one or the other."""
    if is_referenced(database, digest):
        return False
    now = next((entry for entry in store.list(item.key) if entry.key == item.key), None)
    return now is not None and now.modified < cutoff


def sweep(
    store: ObjectStore,
    engine: Database,
    *,
    older_than: timedelta = DEFAULT_AGE,
    dry_run: bool = False,
    now: datetime | None = None,
) -> SweepResult:
    """Remove from ``store`` the attachment files no attachment row names that are older
    than ``older_than`` (by the store's time, against ``now``, by default the present);
    with ``dry_run``, only say which they are."""
    cutoff = (now or wall_time()) - older_than
    used = set(referenced_hashes(engine))  # before the listing: see _still_removable
    result = SweepResult(dry_run=dry_run)
    for item in store.list(PREFIX):
        digest = _digest(item.key)
        if digest is None or digest in used:
            continue
        if item.modified >= cutoff:
            result.kept_young += 1
            continue
        if dry_run:
            result.removed.append(item)
        elif _still_removable(store, engine, item, digest, cutoff):
            store.delete(item.key)
            result.removed.append(item)
    return result
