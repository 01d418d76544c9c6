"""JSON routes for governance ratings, under the assessment they belong to."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import CurrentActor, SessionDep
from app.governance import service
from app.governance.models import GovernanceArea
from app.governance.schemas import (
    GovernanceRatingRead,
    GovernanceRatingWrite,
    GovernanceReviewRead,
    GovernanceReviewWrite,
)
from app.openapi_errors import errors
from app.params import PathId

router = APIRouter(prefix="/api/v1/assessments", tags=["governance"])


@router.put(
    "/{assessment_id}/governance/{area}",
    response_model=GovernanceRatingRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_governance(
    assessment_id: PathId,
    area: GovernanceArea,
    body: GovernanceRatingWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> GovernanceRatingRead:
    """The PCT's own rating (red, amber or green) of strategy, finance or board, with its
    narrative: part of what the board signs."""
    row = service.put_rating(session, actor, assessment_id, area, data=body)
    return GovernanceRatingRead.model_validate(row, from_attributes=True)


@router.put(
    "/{assessment_id}/governance-reviews/{area}",
    response_model=GovernanceReviewRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_governance_review(
    assessment_id: PathId,
    area: GovernanceArea,
    body: GovernanceReviewWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> GovernanceReviewRead:
    """The SHA panel's rating of one area; a comment is required when it differs from the
    PCT's. Every area needs one before the assessment can be finalised."""
    row = service.put_review(session, actor, assessment_id, area, data=body)
    return GovernanceReviewRead.model_validate(row, from_attributes=True)
