"""JSON route for a PCT's engagement reach in a cycle (SPEC 6.6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import CurrentActor, SessionDep
from app.engagement import service
from app.engagement.schemas import EngagementRead, engagement_read
from app.openapi_errors import errors
from app.params import QueryId

router = APIRouter(prefix="/api/v1/organisations", tags=["engagement"])

PctCode = Annotated[str, Path(min_length=1, max_length=12)]


@router.get(
    "/{pct_code}/engagement", response_model=EngagementRead, responses=errors(401, 404, 422)
)
def engagement(
    pct_code: PctCode, session: SessionDep, actor: CurrentActor, cycle_id: QueryId = None
) -> EngagementRead:
    """Per PBC group and practice of the PCT, the events (evidence items) logged in the
    cycle's period, the clinician attendances they record and the practices engaged, with
    totals and the share of the PCT's practices engaged. Without `cycle_id`, the newest
    cycle. An item counts when it is dated in the cycle's period and is attributed to a
    practice or PBC group of the PCT, or records clinicians involved; a practice is engaged
    when a counted item is attributed to it by name. Read by the PCT's people, its SHA's
    reviewers and administrators (404 for anyone else, and for an unknown cycle)."""
    return engagement_read(service.engagement(session, actor, pct_code, cycle_id=cycle_id))
