"""The SHA's ratings shared as provisional, the PCT's check of them for factual accuracy,
and (through ``service.review_open``) the moderation that may follow, before the review
is final."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository, workflow
from app.assessments.models import Assessment, ProvisionalRating
from app.assessments.schemas import FactualAccuracyComment
from app.assessments.service import (
    apply_move,
    check_reviewed,
    check_seen,
    check_version,
    lock,
)
from app.assessments.workflow import Move
from app.db import utcnow
from app.errors import InvalidInput, StaleEdit, WorkflowError
from app.permissions import Action
from app.wording import long_date


def _levels(session: Session, assessment_id: int) -> dict[str, Any]:
    """The SHA's ratings as they stand: per competency, per criterion, per governance area."""
    return {
        "competencies": {
            str(score.competency_number): score.level
            for score in repository.review_scores_of(session, assessment_id)
        },
        "criteria": {
            score.criterion: score.level
            for score in repository.review_criterion_scores_of(session, assessment_id)
        },
        "governance": {
            row.area.value: row.rating.value
            for row in repository.governance_reviews_of(session, assessment_id)
        },
    }


def share_provisional(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    expected_version: int | None = None,
    shown: str | None = None,
) -> Assessment:
    """Share the SHA's ratings with the PCT as provisional: every assessed competency needs a
    review score and every governance area the SHA's rating (409 listing what is missing)."""
    assessment, framework = lock(session, actor, assessment_id, Action.SHARE_PROVISIONAL)
    check_seen(session, actor, assessment, Move.SHARE_PROVISIONAL, shown)
    check_version(assessment, expected_version)
    workflow.next_status(Move.SHARE_PROVISIONAL, assessment.status)
    check_reviewed(session, assessment_id, framework, "share provisional ratings")
    now = utcnow()
    shared = ProvisionalRating(
        assessment_id=assessment_id,
        round=len(repository.rounds_of(session, assessment_id)),
        issued_at=now,
        issued_by_id=actor.user_id,
        levels=_levels(session, assessment_id),
    )
    session.add(shared)
    session.flush()
    assessment.provisional_at = now
    assessment.provisional_by_id = actor.user_id
    apply_move(
        session,
        actor,
        assessment,
        Move.SHARE_PROVISIONAL,
        detail={"provisional_id": shared.id, "round": shared.round},
    )
    session.commit()
    return assessment


def check_facts(
    session: Session,
    actor: Actor,
    assessment_id: int,
    comments: list[FactualAccuracyComment],
    *,
    expected_version: int | None = None,
    sharing: int | None = None,
) -> ProvisionalRating:
    """The PCT's answer to the provisional ratings: its factual-accuracy comments, each on a
    competency or general, or (with none) acceptance of the ratings as they stand. Once
    only for each sharing. ``sharing`` is the id of the sharing the PCT was shown, if it was
    shown one: refused (409) when the SHA has shared other ratings since."""
    assessment, framework = lock(session, actor, assessment_id, Action.CHECK_FACTS)
    check_version(assessment, expected_version)
    shared = repository.current_provisional(session, assessment_id)
    if sharing is not None and (shared is None or shared.id != sharing):
        since = f" on {long_date(shared.issued_at)}" if shared else ""
        raise StaleEdit(
            f"Since you opened this page, the SHA shared other provisional ratings{since}. "
            "Check them again before you send your answer.",
            current_version=assessment.version,
        )
    workflow.next_status(Move.CHECK_FACTS, assessment.status)
    assert shared is not None  # the status is provisional only once ratings are shared
    if shared.responded_at is not None:
        who = repository.names(session, [shared.responded_by_id]).get(
            shared.responded_by_id or 0, "the PCT"
        )
        raise WorkflowError(
            f"The PCT has already answered these provisional ratings: {who} did so on "
            f"{long_date(shared.responded_at)}"
        )
    for given in comments:
        number = given.competency_number
        if number is not None and framework.competency(number) is None:
            raise InvalidInput(
                f"A comment names competency {number}, which this cycle does not assess; it "
                f"assesses competencies {framework.numbers_text()}",
                field="comments",
            )
    shared.comments = [
        {"competency_number": given.competency_number, "comment": given.comment}
        for given in comments
    ]
    shared.responded_at = utcnow()
    shared.responded_by_id = actor.user_id
    session.add(shared)
    apply_move(
        session,
        actor,
        assessment,
        Move.CHECK_FACTS,
        detail={
            "provisional_id": shared.id,
            "accepted": not comments,
            "comments": shared.comments,
        },
    )
    session.commit()
    return shared
