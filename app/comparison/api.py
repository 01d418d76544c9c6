"""JSON route for the comparison of an assessment with the PCT's previous finalised one."""

from __future__ import annotations

from fastapi import APIRouter

from app.comparison import serialisers, service
from app.comparison.schemas import ComparisonRead
from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import PathId

router = APIRouter(prefix="/api/v1/assessments", tags=["assessments"])


@router.get(
    "/{assessment_id}/comparison", response_model=ComparisonRead, responses=errors(401, 404)
)
def read_comparison(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> ComparisonRead:
    """The movement since the PCT's previous finalised assessment, per competency, criterion
    and governance area: both years' levels, the PCT's own and the SHA's, and the movement of
    the SHA's level where it gave one in both years, else of the PCT's own."""
    return serialisers.comparison(service.compare_assessment(session, actor, assessment_id))
