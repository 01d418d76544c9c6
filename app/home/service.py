"""What each role's home page shows: the answer to "what do I do next?"."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import Assessment, AssessmentStatus
from app.assessments.workflow import (
    AWAITING_REVIEW,
    PCT_EDITABLE,
    REVIEW_DONE,
    Move,
    Readiness,
    allowed_moves,
)
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.evidence import repository as evidence_repository
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import User


@dataclass(frozen=True)
class Overview:
    shas: int
    pcts: int
    evidence_items: int
    assessments_by_status: dict[AssessmentStatus, int]


def overview(session: Session) -> Overview:
    """Counts for the landing page, in three queries whatever the data size."""
    kinds = dict(
        session.exec(select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)).all()
    )
    evidence_items = session.exec(select(sa.func.count()).select_from(EvidenceItem)).one()
    return Overview(
        shas=kinds.get(OrganisationKind.SHA, 0),
        pcts=kinds.get(OrganisationKind.PCT, 0),
        evidence_items=evidence_items,
        assessments_by_status=assessments.count_by_status(session),
    )


@dataclass(frozen=True)
class AssessmentCard:
    assessment: Assessment
    organisation: Organisation
    cycle: Cycle
    readiness: Readiness | None

    @property
    def shows_return_reason(self) -> bool:
        """The SHA's reason for returning it, while the PCT is revising."""
        return bool(self.assessment.return_reason) and self.assessment.status in PCT_EDITABLE

    @property
    def awaits_sign_off(self) -> bool:
        return Move.SIGN_OFF in allowed_moves(self.assessment.status)


@dataclass(frozen=True)
class PctHome:
    current_cycle: Cycle | None
    current: AssessmentCard | None
    earlier: list[AssessmentCard]
    recent_evidence: list[EvidenceItem]
    pct: Organisation | None


def pct_home(session: Session, actor: Actor) -> PctHome:
    """The PCT's assessment for the newest cycle (with readiness), earlier ones, and the
    evidence this user logged most recently."""
    cycles = cycle_service.list_cycles(session)
    current_cycle = cycles[0] if cycles else None
    rows = assessments.list_assessments(session, actor)
    cards = [AssessmentCard(a, o, c, None) for a, o, c in rows]
    current_id = current_cycle.id if current_cycle else None
    current = next((card for card in cards if card.cycle.id == current_id), None)
    earlier = [card for card in cards if card is not current]
    if current is not None:
        record = assessments.load_assessment(session, actor, current.assessment.id or 0)
        current = AssessmentCard(
            current.assessment, current.organisation, current.cycle, record.readiness
        )
    recent = evidence_repository.recent_by_author(session, actor.user_id, limit=5)
    pct = session.get(Organisation, actor.pct_id) if actor.pct_id else None
    return PctHome(
        current_cycle=current_cycle,
        current=current,
        earlier=earlier,
        recent_evidence=list(recent),
        pct=pct,
    )


@dataclass(frozen=True)
class ReviewerHome:
    queue: list[AssessmentCard]
    """Submitted and in-review assessments the reviewer can act on, soonest due first."""
    done: list[AssessmentCard]
    """Returned and finalised assessments."""


def reviewer_home(session: Session, actor: Actor) -> ReviewerHome:
    """A reviewer's queue and what they have done, from one read of their assessments."""
    cards = [
        AssessmentCard(a, o, c, None) for a, o, c in assessments.list_assessments(session, actor)
    ]
    waiting = [c for c in cards if c.assessment.status in AWAITING_REVIEW]
    return ReviewerHome(
        queue=sorted(waiting, key=lambda card: (card.cycle.review_due, card.organisation.name)),
        done=[c for c in cards if c.assessment.status in REVIEW_DONE],
    )


@dataclass(frozen=True)
class AdminHome:
    overview: Overview
    users: int
    cycles: list[Cycle]


def admin_home(session: Session) -> AdminHome:
    return AdminHome(
        overview=overview(session),
        users=session.exec(select(sa.func.count()).select_from(User)).one(),
        cycles=cycle_service.list_cycles(session),
    )
