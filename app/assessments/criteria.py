"""Scoring a competency through its criteria: the PCT's levels and the reviewer's, per
criterion, and the competency's level that follows from them by the framework's rule.

Once every criterion of a competency has a level, the competency's own score (self or
review) is written with the rolled-up level, so that readiness, the sign-off, reports and
benchmarks read one level per competency whatever the framework.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from app import audit
from app.actors import Actor
from app.assessments import repository
from app.assessments.models import (
    Assessment,
    CriterionScore,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
)
from app.assessments.schemas import CriterionReviewWrite, CriterionScoreWrite
from app.assessments.service import (
    check_competency,
    check_level,
    check_row_version,
    lock,
    log_moderation,
    require_pct_edit,
    review_open,
    save_review_row,
    touch,
)
from app.db import utcnow
from app.errors import NotFound, StaleEdit
from app.framework.models import Competency, Criterion, Framework
from app.permissions import Action

ScoreRow = TypeVar("ScoreRow", SelfScore, ReviewScore)


def _criterion(framework: Framework, number: int, criterion: str) -> tuple[Competency, Criterion]:
    competency = check_competency(framework, number)
    found = competency.criterion(criterion.strip())
    if found is None:
        if competency.criteria:
            raise NotFound(
                f"Competency {number} has no criterion {criterion}; its criteria are "
                f"{competency.criteria_text}"
            )
        raise NotFound(
            f"Competency {number} has no criteria in this framework; score the competency as "
            "a whole"
        )
    return competency, found


def _rolled_up(framework: Framework, competency: Competency, levels: dict[str, int]) -> int | None:
    if any(k.number not in levels for k in competency.criteria):
        return None
    return framework.rolled_up([levels[k.number] for k in competency.criteria])


def put_criterion_score(
    session: Session,
    actor: Actor,
    assessment_id: int,
    number: int,
    criterion: str,
    *,
    data: CriterionScoreWrite,
) -> tuple[CriterionScore, SelfScore | None]:
    """The PCT's level for one criterion; with the competency's self-score, written with
    the level that follows once every criterion has one."""
    assessment, framework = lock(session, actor, assessment_id, Action.SCORE_SELF)
    competency, found = _criterion(framework, number, criterion)
    check_level(framework, data.level, field="level", what="a level")
    require_pct_edit(assessment)
    score = repository.criterion_score(session, assessment_id, found.number)
    what = f"The self-assessment of criterion {found.number}"
    if score is not None:
        check_row_version(
            session,
            score,
            data.version,
            what,
            changed_by_id=score.updated_by_id,
            current={"level": score.level, "rationale": score.rationale},
        )
    elif data.version is not None and data.version != 1:
        raise StaleEdit(f"{what} no longer exists")
    before = audit.snapshot(score) if score else None
    if score is None:
        score = CriterionScore(
            assessment_id=assessment_id,
            competency_number=number,
            criterion=found.number,
            level=data.level,
        )
    score.level = data.level
    score.rationale = data.rationale
    score.updated_by_id = actor.user_id
    score.updated_at = utcnow()
    session.add(score)
    session.flush()
    assert score.id is not None
    audit.record(
        session,
        actor,
        entity="criterion_score",
        entity_id=score.id,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(score),
        organisation_id=assessment.organisation_id,
    )
    levels = {c.criterion: c.level for c in repository.criterion_scores_of(session, assessment_id)}
    derived = _rolled_up(framework, competency, levels)
    whole = repository.self_score(session, assessment_id, number)
    if derived is not None:
        whole = _derive(
            session,
            actor,
            assessment,
            whole,
            derived,
            new=lambda: SelfScore(
                assessment_id=assessment_id, competency_number=number, level=derived
            ),
        )
    touch(session, assessment)
    session.commit()
    return score, whole


def _derive(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    whole: ScoreRow | None,
    level: int,
    *,
    new: Callable[[], ScoreRow],
) -> ScoreRow:
    """The competency's score (self or review) at the level its criteria give, written and
    audited only when it changes."""
    if whole is not None and whole.level == level:
        return whole
    before = audit.snapshot(whole) if whole else None
    row = whole if whole is not None else new()
    row.level = level
    if isinstance(row, SelfScore):
        row.updated_by_id, row.updated_at = actor.user_id, utcnow()
    else:
        assert actor.user_id is not None
        row.reviewer_id, row.scored_at = actor.user_id, utcnow()
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session,
        actor,
        entity=row.__tablename__,
        entity_id=row.id,
        action="derive" if before else "create",
        before=before,
        after=audit.snapshot(row),
        organisation_id=assessment.organisation_id,
    )
    return row


def put_criterion_review(
    session: Session,
    actor: Actor,
    assessment_id: int,
    number: int,
    criterion: str,
    *,
    data: CriterionReviewWrite,
) -> tuple[ReviewCriterionScore, ReviewScore | None]:
    """The reviewer's level for one criterion; with the competency's review score, written
    with the level that follows once every criterion has one."""
    assessment, framework = lock(session, actor, assessment_id, Action.SCORE_REVIEW)
    competency, found = _criterion(framework, number, criterion)
    check_level(framework, data.level, field="level", what="a level")
    moderation = review_open(session, assessment, data.reason)
    score = repository.review_criterion_score(session, assessment_id, found.number)
    if score is not None:
        check_row_version(
            session,
            score,
            data.version,
            f"The review score of criterion {found.number}",
            changed_by_id=score.reviewer_id,
            current={"level": score.level, "comment": score.comment},
        )
    before = audit.snapshot(score) if score else None
    log_moderation(
        session,
        actor,
        assessment,
        moderation,
        subject="criterion",
        key=found.number,
        competency_number=number,
        before=score.level if score else None,
        after=data.level,
    )
    assert actor.user_id is not None
    if score is None:
        score = ReviewCriterionScore(
            assessment_id=assessment_id,
            competency_number=number,
            criterion=found.number,
            level=data.level,
            reviewer_id=actor.user_id,
        )
    score.level = data.level
    score.comment = data.comment
    score.reviewer_id = actor.user_id
    score.scored_at = utcnow()
    session.add(score)
    session.flush()
    levels = {
        c.criterion: c.level for c in repository.review_criterion_scores_of(session, assessment_id)
    }
    derived = _rolled_up(framework, competency, levels)
    whole = repository.review_score(session, assessment_id, number)
    if derived is not None:
        if whole is not None and whole.level != derived:
            log_moderation(
                session,
                actor,
                assessment,
                moderation,
                subject="competency",
                key=str(number),
                competency_number=number,
                before=whole.level,
                after=derived,
            )
        reviewer_id = actor.user_id
        whole = _derive(
            session,
            actor,
            assessment,
            whole,
            derived,
            new=lambda: ReviewScore(
                assessment_id=assessment_id,
                competency_number=number,
                level=derived,
                reviewer_id=reviewer_id,
            ),
        )
    save_review_row(
        session, actor, assessment, score, entity="review_criterion_score", before=before
    )
    return score, whole
