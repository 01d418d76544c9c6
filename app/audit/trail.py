"""The append-only audit trail: the table, and ``record`` which adds an event to the caller's
transaction so it commits (or not) with the change it describes."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from app.actors import Actor
from app.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_entity_entity_id", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    actor_label: str = Field(max_length=254)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    entity: str = Field(max_length=40)
    entity_id: int
    action: str = Field(max_length=40)
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(model: SQLModel, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A JSON-safe copy of a row's columns, for an audit event's before/after."""
    secret = {"password_hash"}
    return {
        name: _plain(value)
        for name, value in model.model_dump().items()
        if name not in exclude and name not in secret
    }


def record(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's command commits it with the change."""
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_label=actor.label,
        organisation_id=organisation_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )
    session.add(event)
    return event
