"""Reading the audit trail, scoped: administrators see all, PCT leads their PCT's events."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.audit.trail import AuditEvent
from app.errors import Forbidden
from app.permissions import Action, require


def list_events(
    session: Session,
    actor: Actor,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    require(actor, Action.READ_AUDIT)
    statement = select(AuditEvent)
    if not actor.is_admin:
        if actor.pct_id is None:
            raise Forbidden("You have no organisation whose audit trail you may read")
        statement = statement.where(col(AuditEvent.organisation_id) == actor.pct_id)
    if entity:
        statement = statement.where(col(AuditEvent.entity) == entity)
    if entity_id is not None:
        statement = statement.where(col(AuditEvent.entity_id) == entity_id)
    total = session.exec(select(sa.func.count()).select_from(statement.subquery())).one()
    events = session.exec(
        statement.order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset)
    ).all()
    return list(events), total
