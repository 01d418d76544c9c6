"""One assessment driven through the service commands, and what they left in the database.

Each step is one public command of ``app.assessments.service``, taken by the user whose job
it is; ``walk_to`` takes a ready assessment along the SPEC's main path to any status. What a
test expects of a step is written in that test, never read from the workflow module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from app.actors import Actor
from app.assessments import repository, service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceRatingValue,
    EvidenceSnapshot,
    PresentedEvidence,
    ReturnPoint,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.assessments.schemas import (
    EvidenceRatingWrite,
    ReturnPointResponse,
    ReviewScoreWrite,
    SelfScoreWrite,
    SignOffRequest,
)
from app.audit.trail import AuditEvent
from app.auth.service import actor_for_user
from app.errors import DomainError
from app.governance import service as governance_service
from app.governance.models import AREAS, Rag
from app.governance.schemas import GovernanceRatingWrite, GovernanceReviewWrite
from app.outcomes import service as outcome_service
from app.outcomes.repository import outcomes_of
from app.outcomes.schemas import OutcomeWrite
from app.users.models import User
from tests.factories import make_evidence
from tests.world import World, build_world

S = AssessmentStatus
ALL = tuple(range(1, 12))

EDITED = "Revised after the locality review."
REVIEWED = "Confirmed at the panel."
RATED = "Clear minutes, with decisions and owners."
RETURN_REASON = "Competency 7 needs evidence from this year."
REOPEN_REASON = "Scores were entered against the wrong PCT."


def actor(session: Session, user: User) -> Actor:
    assert user.id is not None
    found = actor_for_user(session, user.id)
    assert found is not None
    return found


@dataclass(frozen=True)
class Cast:
    """The assessment of PCT a, and the people who act on it."""

    world: World
    assessment_id: int
    evidence_id: int
    spare_id: int
    """An item of the PCT's library, linked to competency 4, that the assessment does not
    present."""
    lead: Actor
    board: Actor
    reviewer: Actor
    admin: Actor


def ready_draft(
    session: Session,
    *,
    world: World | None = None,
    scored: tuple[int, ...] = ALL,
    evidenced: tuple[int, ...] = ALL,
    governed: bool = True,
    outcomes: bool = True,
) -> Cast:
    """PCT a's assessment in draft; by default every competency scored with a rationale and
    one evidence item, linked to all eleven, presented; each governance area rated; and one
    outcome measure presented: so that the board may sign it off."""
    world = world or build_world(session)
    item = make_evidence(
        session,
        pct=world.a.pct,
        author=world.a.lead,
        competencies=evidenced,
        title="Five-year strategic plan",
    )
    spare = make_evidence(
        session,
        pct=world.a.pct,
        author=world.a.clinician,
        competencies=(4,),
        title="Locality engagement survey",
    )
    lead = actor(session, world.a.lead)
    assert world.cycle.id is not None and item.id is not None and spare.id is not None
    opened = service.open_assessment(
        session, lead, organisation_code=world.a.pct.code, cycle_id=world.cycle.id
    )
    assert opened.id is not None
    service.present_evidence(session, lead, opened.id, item.id)
    if governed:
        rate_governance(session, lead, opened.id)
    if outcomes:
        present_an_outcome(session, lead, world.a.pct.code, opened.id)
    for number in scored:
        service.put_self_score(
            session,
            lead,
            opened.id,
            number,
            data=SelfScoreWrite(level=2, rationale=f"Why competency {number} sits at level 2."),
        )
    return Cast(
        world=world,
        assessment_id=opened.id,
        evidence_id=item.id,
        spare_id=spare.id,
        lead=lead,
        board=actor(session, world.a.board),
        reviewer=actor(session, world.reviewer),
        admin=actor(session, world.admin),
    )


GOVERNANCE_NARRATIVE = "The board reviewed this area against the handbook's questions."
PANEL_GOVERNANCE = "The panel agrees with the board's view of this area."


def rate_governance(session: Session, lead: Actor, assessment_id: int) -> None:
    """The PCT rates each governance area amber, with a narrative."""
    for area in AREAS:
        governance_service.put_rating(
            session,
            lead,
            assessment_id,
            area,
            data=GovernanceRatingWrite(rating=Rag.AMBER, narrative=GOVERNANCE_NARRATIVE),
        )


def present_an_outcome(session: Session, lead: Actor, pct_code: str, assessment_id: int) -> int:
    """The PCT adds an outcome measure (unless it has it already) and presents it."""
    pct = outcome_service.visible_pct(session, lead, pct_code)
    kept = [o for o in outcomes_of(session, pct.id or 0) if o.title == OUTCOME["title"]]
    outcome = (
        kept[0]
        if kept
        else outcome_service.create_outcome(session, lead, pct_code, data=OutcomeWrite(**OUTCOME))
    )
    assert outcome.id is not None
    outcome_service.present_outcome(session, lead, assessment_id, outcome.id)
    return outcome.id


OUTCOME = {
    "title": "Smoking prevalence in adults",
    "indicator": "Adults who smoke, from the integrated household survey",
    "source": "vital_signs",
    "unit": "% of adults",
    "better": "lower",
    "baseline_year": 2008,
    "baseline_value": 24.0,
    "trajectory": [{"year": y, "value": 24.0 - (y - 2008)} for y in range(2009, 2014)],
}


def review_governance(session: Session, reviewer: Actor, assessment_id: int) -> None:
    for area in AREAS:
        governance_service.put_review(
            session,
            reviewer,
            assessment_id,
            area,
            data=GovernanceReviewWrite(rating=Rag.AMBER, comment=PANEL_GOVERNANCE),
        )


# The steps: one command each ------------------------------------------------------------------


def edit(session: Session, cast: Cast, number: int = 1) -> None:
    service.put_self_score(
        session,
        cast.lead,
        cast.assessment_id,
        number,
        data=SelfScoreWrite(level=number % 4 + 1, rationale=EDITED),
    )


SIGNED = SignOffRequest(
    meeting_date=date(2009, 12, 1), minute_reference="BD/09/147", declaration=True
)
WITHDRAW_REASON = "The board asked for competency 4's evidence to be checked again."
ANSWER = "Added the practice survey and the locality minutes."


def sign_off(session: Session, cast: Cast) -> None:
    service.sign_off(session, cast.board, cast.assessment_id, data=SIGNED)


def withdraw(session: Session, cast: Cast) -> None:
    service.withdraw_sign_off(session, cast.board, cast.assessment_id, reason=WITHDRAW_REASON)


def present(session: Session, cast: Cast) -> None:
    service.present_evidence(session, cast.lead, cast.assessment_id, cast.spare_id)


def take_out(session: Session, cast: Cast) -> None:
    service.withdraw_evidence(session, cast.lead, cast.assessment_id, cast.evidence_id)


NO_SUCH_POINT = 999_999


def answer(session: Session, cast: Cast) -> None:
    """The lead answers every open point of the return (with none, tries one that does not
    exist)."""
    points = [
        p.id for p in repository.return_points_of(session, cast.assessment_id) if not p.response
    ]
    for point_id in points or [NO_SUCH_POINT]:
        assert point_id is not None
        service.answer_return_point(
            session,
            cast.lead,
            cast.assessment_id,
            point_id,
            data=ReturnPointResponse(response=ANSWER),
        )


def submit(session: Session, cast: Cast) -> None:
    service.submit(session, cast.lead, cast.assessment_id)


def review(session: Session, cast: Cast, number: int = 1, level: int = 3) -> None:
    service.put_review_score(
        session,
        cast.reviewer,
        cast.assessment_id,
        number,
        data=ReviewScoreWrite(level=level, comment=REVIEWED),
    )


def review_all(session: Session, cast: Cast) -> None:
    for number in ALL:
        review(session, cast, number, level=2)
    review_governance(session, cast.reviewer, cast.assessment_id)


def rate(session: Session, cast: Cast) -> None:
    service.put_evidence_rating(
        session,
        cast.reviewer,
        cast.assessment_id,
        cast.evidence_id,
        data=EvidenceRatingWrite(rating=EvidenceRatingValue.STRONG, comment=RATED),
    )


def return_(session: Session, cast: Cast) -> None:
    service.return_assessment(session, cast.reviewer, cast.assessment_id, reason=RETURN_REASON)


def finalise(session: Session, cast: Cast) -> None:
    service.finalise(session, cast.reviewer, cast.assessment_id)


def reopen(session: Session, cast: Cast) -> None:
    service.reopen(session, cast.admin, cast.assessment_id, reason=REOPEN_REASON)


STEPS: dict[str, Callable[[Session, Cast], None]] = {
    "edit": edit,
    "present": present,
    "take_out": take_out,
    "answer": answer,
    "sign_off": sign_off,
    "withdraw": withdraw,
    "submit": submit,
    "review": review,
    "rate": rate,
    "return": return_,
    "finalise": finalise,
    "reopen": reopen,
}

# The SPEC's main path, as the steps that take a ready draft to each status.
PATH_TO: dict[AssessmentStatus, tuple[Callable[[Session, Cast], None], ...]] = {
    S.DRAFT: (),
    S.SIGNED_OFF: (sign_off,),
    S.SUBMITTED: (sign_off, submit),
    S.IN_REVIEW: (sign_off, submit, review_all),
    S.RETURNED: (sign_off, submit, review_all, return_),
    S.FINALISED: (sign_off, submit, review_all, finalise),
}


def walk_to(session: Session, status: AssessmentStatus) -> Cast:
    cast = ready_draft(session)
    for step in PATH_TO[status]:
        step(session, cast)
    assert status_of(session, cast.assessment_id) is status
    return cast


# Outcomes and what the database holds -------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    status_code: int
    detail: str
    missing: tuple[str, ...] = ()


def attempt(session: Session, command: Callable[[], object]) -> Refused | None:
    """Run a command; on a refusal, throw away what it left uncommitted (as a request does)
    and return the refusal."""
    try:
        command()
    except DomainError as refusal:
        session.rollback()
        missing = tuple(getattr(refusal, "missing", ()) or ())
        return Refused(refusal.status_code, refusal.detail, missing)
    return None


def status_of(session: Session, assessment_id: int) -> AssessmentStatus:
    found = session.exec(select(Assessment.status).where(col(Assessment.id) == assessment_id))
    return AssessmentStatus(found.one())


def held(session: Session, assessment_id: int) -> dict[str, Any]:
    """Everything a command could change about one assessment, read afresh: the row, its
    scores, ratings, frozen evidence, and the count of audit events."""

    def rows(*columns: Any) -> list[tuple[Any, ...]]:
        model = columns[0].class_
        statement = select(*columns).where(model.assessment_id == assessment_id)
        return sorted(tuple(row) for row in session.exec(statement).all())

    assessment = session.exec(
        select(
            Assessment.status,
            Assessment.version,
            Assessment.signed_off_at,
            Assessment.signed_off_by_id,
            Assessment.signed_off_meeting_date,
            Assessment.signed_off_minute_reference,
            Assessment.sign_off_withdrawn_at,
            Assessment.submitted_at,
            Assessment.returned_at,
            Assessment.return_reason,
            Assessment.finalised_at,
            Assessment.finalised_by_id,
        ).where(col(Assessment.id) == assessment_id)
    ).one()
    return {
        "assessment": dict(assessment._mapping),
        "self_scores": rows(
            SelfScore.competency_number, SelfScore.level, SelfScore.rationale, SelfScore.version
        ),
        "review_scores": rows(
            ReviewScore.competency_number,
            ReviewScore.level,
            ReviewScore.comment,
            ReviewScore.version,
        ),
        "ratings": rows(
            EvidenceRating.evidence_id,
            EvidenceRating.rating,
            EvidenceRating.comment,
            EvidenceRating.version,
        ),
        "frozen_evidence": rows(EvidenceSnapshot.evidence_id, EvidenceSnapshot.sha256),
        "presented": rows(PresentedEvidence.evidence_id, PresentedEvidence.added_at),
        "return_points": rows(ReturnPoint.id, ReturnPoint.response, ReturnPoint.version),
        "rounds": rows(Submission.round, Submission.fingerprint),
        "audit_events": session.exec(select(func.count(col(AuditEvent.id)))).one(),
    }
