"""Optimistic concurrency for rows kept by hand: a save that names the version it read is
refused when someone has saved since, naming them and carrying what is saved now."""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session, SQLModel

from app import audit
from app.assessments.repository import names
from app.errors import StaleEdit


class Versioned(Protocol):
    version: int
    updated_by_id: int | None


def check_version(session: Session, row: Versioned, expected: int | None, what: str) -> None:
    """Refuse with ``StaleEdit`` when ``expected`` is given and is not ``row``'s version."""
    if expected is None or expected == row.version:
        return
    who = names(session, [row.updated_by_id]).get(row.updated_by_id or 0)
    by = f" by {who}" if who else " by someone else"
    assert isinstance(row, SQLModel)
    raise StaleEdit(
        f"{what} was changed{by} since you read it (version {row.version}, you had "
        f"{expected}); reload and try again",
        changed_by=who,
        current=audit.snapshot(row),
        current_version=row.version,
    )
