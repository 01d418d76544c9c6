"""The history of one assessment: the audit events on it and on the rows that belong to it
(scores, ratings, return points, governance, the panel, questions, the development plan),
newest first, with who made each, in a fixed number of statements whatever its length."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import (
    Assessment,
    CriterionScore,
    EvidenceRating,
    ModerationChange,
    ReturnPoint,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
)
from app.audit.trail import AuditEvent
from app.cycles.models import Cycle
from app.development.models import DevelopmentAction, ProgressNote
from app.errors import NotFound
from app.evidence.models import EvidenceItem
from app.governance.models import GovernanceRating, GovernanceReview
from app.organisations.models import Organisation
from app.permissions import Action, can, require
from app.threads.models import Thread, ThreadMessage
from app.users.models import Role, User


@dataclass(frozen=True)
class TrailEvent:
    """One audit event, with the name and role of who made it (None for the system)."""

    event: AuditEvent
    actor_name: str | None
    actor_role: Role | None


@dataclass(frozen=True)
class AssessmentHistory:
    """A page of an assessment's history, and what its words need to name things."""

    assessment: Assessment
    pct: Organisation
    cycle: Cycle
    events: list[TrailEvent]
    total: int
    evidence_titles: dict[int, str] = field(default_factory=dict)
    action_texts: dict[int, str] = field(default_factory=dict)


def may_read(actor: Actor, organisation_id: int) -> bool:
    """Whether the actor reads the audit trail of this PCT's assessments: administrators, and
    the PCT's own lead (as ``GET /api/v1/audit`` scopes it)."""
    return can(actor, Action.READ_AUDIT) and (actor.is_admin or actor.pct_id == organisation_id)


def _ids(model: Any, assessment_id: int) -> sa.Select[tuple[int]]:
    return select(model.id).where(model.assessment_id == assessment_id)


def belongs_to(assessment_id: int) -> ColumnElement[bool]:
    """Audit events on the assessment or on one of its rows."""
    children: dict[str, sa.Select[tuple[int]]] = {
        "self_score": _ids(SelfScore, assessment_id),
        "criterion_score": _ids(CriterionScore, assessment_id),
        "review_score": _ids(ReviewScore, assessment_id),
        "review_criterion_score": _ids(ReviewCriterionScore, assessment_id),
        "evidence_rating": _ids(EvidenceRating, assessment_id),
        "return_point": _ids(ReturnPoint, assessment_id),
        "moderation_change": _ids(ModerationChange, assessment_id),
        "governance_rating": _ids(GovernanceRating, assessment_id),
        "governance_review": _ids(GovernanceReview, assessment_id),
        "development_action": _ids(DevelopmentAction, assessment_id),
        "development_progress_note": select(ProgressNote.id)
        .join(DevelopmentAction, col(DevelopmentAction.id) == ProgressNote.action_id)
        .where(col(DevelopmentAction.assessment_id) == assessment_id),
        "thread_message": select(ThreadMessage.id)
        .join(Thread, col(Thread.id) == ThreadMessage.thread_id)
        .where(col(Thread.assessment_id) == assessment_id),
    }
    # The panel's row is keyed by its assessment's id.
    direct = ("assessment", "panel")
    return sa.or_(
        sa.and_(col(AuditEvent.entity).in_(direct), col(AuditEvent.entity_id) == assessment_id),
        *(
            sa.and_(col(AuditEvent.entity) == name, col(AuditEvent.entity_id).in_(ids))
            for name, ids in children.items()
        ),
    )


def _ids_held(events: list[TrailEvent], entity: str, key: str) -> set[int]:
    """The ids the events on ``entity`` hold under ``key``, before or after."""
    found: set[int] = set()
    for line in events:
        if line.event.entity != entity:
            continue
        for side in (line.event.before or {}, line.event.after or {}):
            value = side.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                found.add(value)
    return found


def _moderated_evidence(events: list[TrailEvent]) -> set[int]:
    """The evidence items whose provisional rating the SHA changed (a moderation's key)."""
    return {
        int(after["key"])
        for line in events
        if line.event.entity == "moderation_change"
        and (after := line.event.after or {}).get("subject") == "evidence"
        and str(after.get("key", "")).isdigit()
    }


def _evidence_titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(
        select(EvidenceItem.id, EvidenceItem.title).where(col(EvidenceItem.id).in_(ids))
    ).all()
    return {item_id: title for item_id, title in rows if item_id is not None}


def _action_texts(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(
        select(DevelopmentAction.id, DevelopmentAction.action).where(
            col(DevelopmentAction.id).in_(ids)
        )
    ).all()
    return {action_id: text for action_id, text in rows if action_id is not None}


def assessment_history(
    session: Session, actor: Actor, assessment_id: int, *, limit: int = 50, offset: int = 0
) -> AssessmentHistory:
    """A page of the assessment's history, newest first: 404 for an assessment the actor may
    not see, 403 for a role that never reads the audit trail, 404 for a PCT not theirs."""
    assessment = assessments.get_assessment(session, actor, assessment_id)
    require(actor, Action.READ_AUDIT)
    if not may_read(actor, assessment.organisation_id):
        raise NotFound(f"Assessment {assessment_id} not found")
    condition = sa.and_(
        col(AuditEvent.organisation_id) == assessment.organisation_id,
        belongs_to(assessment_id),
    )
    total = session.exec(select(sa.func.count()).select_from(AuditEvent).where(condition)).one()
    rows = session.exec(
        select(AuditEvent, User.full_name, User.role)
        .outerjoin(User, col(User.id) == AuditEvent.actor_id)
        .where(condition)
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    events = [TrailEvent(event, name, role) for event, name, role in rows]
    return AssessmentHistory(
        assessment=assessment,
        pct=assessments.pct_of(session, assessment),
        cycle=assessments.cycle_of(session, assessment),
        events=events,
        total=total,
        evidence_titles=_evidence_titles(
            session,
            _ids_held(events, "evidence_rating", "evidence_id") | _moderated_evidence(events),
        ),
        action_texts=_action_texts(
            session, _ids_held(events, "development_progress_note", "action_id")
        ),
    )
