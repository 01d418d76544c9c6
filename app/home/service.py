"""What each role's home page shows: the answer to "what do I do next?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import Assessment, AssessmentStatus
from app.assessments.workflow import (
    PCT_EDITABLE,
    WITH_THE_SHA,
    Move,
    Readiness,
    allowed_moves,
)
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.development import service as development_service
from app.development.models import DevelopmentAction
from app.evidence import repository as evidence_repository
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import Action, can
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
class Withdrawal:
    """The board's sign-off, withdrawn: by whom, when and why."""

    by: str
    by_id: int | None
    at: datetime
    reason: str


@dataclass(frozen=True)
class AssessmentCard:
    assessment: Assessment
    organisation: Organisation
    cycle: Cycle
    readiness: Readiness | None
    open_points: int = 0
    """Points of the SHA's last return the PCT has not answered yet."""
    withdrawal: Withdrawal | None = None
    """The board's sign-off withdrawn since it was given (cleared by the next sign-off)."""

    @property
    def shows_return_reason(self) -> bool:
        """The SHA's reason for returning it, while the PCT is revising."""
        return bool(self.assessment.return_reason) and self.assessment.status in PCT_EDITABLE

    @property
    def awaits_sign_off(self) -> bool:
        return Move.SIGN_OFF in allowed_moves(self.assessment.status)

    @property
    def plan_href(self) -> str | None:
        """The development plan, once the SHA has finalised the assessment."""
        if self.assessment.status is not AssessmentStatus.FINALISED:
            return None
        return f"/assessments/{self.assessment.id}/development-plan"


@dataclass(frozen=True)
class PctHome:
    current_cycle: Cycle | None
    current: AssessmentCard | None
    earlier: list[AssessmentCard]
    recent_evidence: list[EvidenceItem]
    pct: Organisation | None
    reads_plans: bool = False
    """The user reads the PCT's development plans (its lead and board members)."""
    overdue: tuple[DevelopmentAction, ...] = ()
    """The PCT's development actions past their due date and not done, longest overdue
    first."""


def pct_home(session: Session, actor: Actor) -> PctHome:
    """The PCT's assessment for the newest cycle (with readiness, the points of a return
    still to answer, and a withdrawn sign-off), earlier ones, the evidence this user logged
    most recently, and (for those who read development plans) the overdue actions."""
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
            record.assessment,
            current.organisation,
            current.cycle,
            record.readiness,
            open_points=len(record.open_points),
            withdrawal=_withdrawal(session, record.assessment),
        )
    recent = evidence_repository.recent_by_author(session, actor.user_id, limit=5)
    pct = session.get(Organisation, actor.pct_id) if actor.pct_id else None
    reads_plans = can(actor, Action.READ_DEVELOPMENT_PLAN) and actor.pct_id is not None
    overdue = (
        development_service.overdue_actions(session, actor, pct_id=actor.pct_id)
        if reads_plans
        else []
    )
    return PctHome(
        current_cycle=current_cycle,
        current=current,
        earlier=earlier,
        recent_evidence=list(recent),
        pct=pct,
        reads_plans=reads_plans,
        overdue=tuple(overdue),
    )


def _withdrawal(session: Session, assessment: Assessment) -> Withdrawal | None:
    """The withdrawn sign-off the board must make good, while the PCT holds the assessment
    (one statement, only when there is one)."""
    if assessment.sign_off_withdrawn_at is None or assessment.status not in PCT_EDITABLE:
        return None
    by = assessments.names(session, [assessment.sign_off_withdrawn_by_id])
    return Withdrawal(
        by=by.get(assessment.sign_off_withdrawn_by_id or 0, "Someone at the PCT"),
        by_id=assessment.sign_off_withdrawn_by_id,
        at=assessment.sign_off_withdrawn_at,
        reason=assessment.sign_off_withdrawn_reason or "",
    )


@dataclass(frozen=True)
class ReviewerHome:
    queue: list[AssessmentCard]
    """Assessments the SHA holds (submitted, in review, provisional), soonest due first."""
    with_pct: list[AssessmentCard]
    """Returned to the PCT, and not yet resubmitted (revised, or signed off again)."""
    finalised: list[AssessmentCard]


def reviewer_home(session: Session, actor: Actor) -> ReviewerHome:
    """A reviewer's queue, what waits for the PCT, and what is finished, from one read of the
    assessments the reviewer sees (every one submitted at least once)."""
    cards = [
        AssessmentCard(a, o, c, None) for a, o, c in assessments.list_assessments(session, actor)
    ]
    done = WITH_THE_SHA | {AssessmentStatus.FINALISED}
    waiting = [c for c in cards if c.assessment.status in WITH_THE_SHA]
    return ReviewerHome(
        queue=sorted(waiting, key=lambda card: (card.cycle.review_due, card.organisation.name)),
        with_pct=[c for c in cards if c.assessment.status not in done],
        finalised=[c for c in cards if c.assessment.status is AssessmentStatus.FINALISED],
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
