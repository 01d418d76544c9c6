"""Reading the audit trail, scoped: administrators see all, PCT leads their PCT's events."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.audit.trail import AuditEvent
from app.errors import Forbidden
from app.permissions import Action, require
from app.users.models import User


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


def last_changed_by(session: Session, entity: str, entity_id: int) -> str | None:
    """Who made the latest recorded change to a row (their name, else the label the event
    keeps), for a refusal that says who changed it since."""
    row = session.exec(
        select(AuditEvent.actor_label, User.full_name)
        .outerjoin(User, col(User.id) == AuditEvent.actor_id)
        .where(col(AuditEvent.entity) == entity, col(AuditEvent.entity_id) == entity_id)
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    label, name = row
    return name or label


def latest_change_by(
    session: Session, actor: Actor, entity: str, entity_id: int
) -> AuditEvent | None:
    """The latest change the actor made to a row, for a page that confirms it ("what
    changed"); None if they have made none."""
    return session.exec(
        select(AuditEvent)
        .where(
            col(AuditEvent.entity) == entity,
            col(AuditEvent.entity_id) == entity_id,
            col(AuditEvent.actor_id) == actor.user_id,
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
