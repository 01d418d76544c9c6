"""Governance commands: the PCT rates each area with its narrative (part of what the board
signs), and the SHA's panel rates it again (needed to finalise)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import audit
from app.actors import Actor
from app.assessments.service import (
    check_row_version,
    lock,
    log_moderation,
    require_pct_edit,
    review_open,
    save_review_row,
    touch,
)
from app.db import utcnow
from app.errors import InvalidInput, StaleEdit
from app.governance.models import GovernanceArea, GovernanceRating, GovernanceReview
from app.governance.schemas import GovernanceRatingWrite, GovernanceReviewWrite
from app.permissions import Action


def _rating(session: Session, assessment_id: int, area: GovernanceArea) -> GovernanceRating | None:
    return session.exec(
        select(GovernanceRating).where(
            col(GovernanceRating.assessment_id) == assessment_id,
            col(GovernanceRating.area) == area,
        )
    ).first()


def _review(session: Session, assessment_id: int, area: GovernanceArea) -> GovernanceReview | None:
    return session.exec(
        select(GovernanceReview).where(
            col(GovernanceReview.assessment_id) == assessment_id,
            col(GovernanceReview.area) == area,
        )
    ).first()


def put_rating(
    session: Session,
    actor: Actor,
    assessment_id: int,
    area: GovernanceArea,
    *,
    data: GovernanceRatingWrite,
) -> GovernanceRating:
    """The PCT's own red, amber or green for one area, with its narrative."""
    assessment, _ = lock(session, actor, assessment_id, Action.SCORE_SELF)
    require_pct_edit(assessment)
    row = _rating(session, assessment_id, area)
    what = f"The governance rating for {area.label.lower()}"
    if row is not None:
        check_row_version(
            session,
            row,
            data.version,
            what,
            changed_by_id=row.updated_by_id,
            current={"rating": row.rating.value, "narrative": row.narrative},
        )
    elif data.version is not None and data.version != 1:
        raise StaleEdit(f"{what} no longer exists")
    before = audit.snapshot(row) if row else None
    if row is None:
        row = GovernanceRating(assessment_id=assessment_id, area=area, rating=data.rating)
    row.rating = data.rating
    row.narrative = data.narrative
    row.updated_by_id = actor.user_id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session,
        actor,
        entity="governance_rating",
        entity_id=row.id,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(row),
        organisation_id=assessment.organisation_id,
    )
    touch(session, assessment)
    session.commit()
    return row


def put_review(
    session: Session,
    actor: Actor,
    assessment_id: int,
    area: GovernanceArea,
    *,
    data: GovernanceReviewWrite,
) -> GovernanceReview:
    """The SHA panel's red, amber or green for one area; a comment is needed when it differs
    from the PCT's own rating."""
    assessment, _ = lock(session, actor, assessment_id, Action.SCORE_REVIEW)
    moderation = review_open(session, assessment, data.reason)
    own = _rating(session, assessment_id, area)
    if own is not None and own.rating != data.rating and not data.comment:
        raise InvalidInput(
            f"The PCT rated {area.label.lower()} {own.rating.label.lower()}: say why the panel "
            f"rates it {data.rating.label.lower()} in a comment",
            field="comment",
        )
    row = _review(session, assessment_id, area)
    if row is not None:
        check_row_version(
            session,
            row,
            data.version,
            f"The SHA's governance rating for {area.label.lower()}",
            changed_by_id=row.reviewer_id,
            current={"rating": row.rating.value, "comment": row.comment},
        )
    before = audit.snapshot(row) if row else None
    log_moderation(
        session,
        actor,
        assessment,
        moderation,
        subject="governance",
        key=area.value,
        competency_number=None,
        before=row.rating.value if row else None,
        after=data.rating.value,
    )
    assert actor.user_id is not None
    if row is None:
        row = GovernanceReview(
            assessment_id=assessment_id, area=area, rating=data.rating, reviewer_id=actor.user_id
        )
    row.rating = data.rating
    row.comment = data.comment
    row.reviewer_id = actor.user_id
    row.reviewed_at = utcnow()
    save_review_row(session, actor, assessment, row, entity="governance_review", before=before)
    return row
