"""JSON routes for assurance cycles."""

from __future__ import annotations

from fastapi import APIRouter

from app.cycles import service
from app.cycles.schemas import CycleCreate, CycleDetail, CycleRead, CycleUpdate
from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import PathId

router = APIRouter(prefix="/api/v1/cycles", tags=["cycles"])


@router.get("", response_model=list[CycleRead], responses=errors(401))
def list_cycles(session: SessionDep, actor: CurrentActor) -> list[CycleRead]:
    """Every assurance cycle, newest first."""
    return [CycleRead.model_validate(c, from_attributes=True) for c in service.list_cycles(session)]


@router.post(
    "", status_code=201, response_model=CycleRead, responses=errors(401, 403, 404, 409, 422)
)
def create_cycle(body: CycleCreate, session: SessionDep, actor: CurrentActor) -> CycleRead:
    """Administrators: open a new assurance year against a framework version."""
    cycle = service.create_cycle(
        session,
        actor,
        name=body.name,
        opens_on=body.opens_on,
        submission_due=body.submission_due,
        review_due=body.review_due,
        framework_version=body.framework_version,
        assessed_competencies=body.assessed_competencies,
        provisional_step=body.provisional_step,
    )
    return CycleRead.model_validate(cycle, from_attributes=True)


@router.get("/{cycle_id}", response_model=CycleDetail, responses=errors(401, 404, 422))
def read_cycle(cycle_id: PathId, session: SessionDep, actor: CurrentActor) -> CycleDetail:
    """One cycle, with its version (send it back with a change)."""
    return CycleDetail.model_validate(service.get_cycle(session, cycle_id), from_attributes=True)


@router.patch("/{cycle_id}", response_model=CycleDetail, responses=errors(401, 403, 404, 409, 422))
def update_cycle(
    cycle_id: PathId, body: CycleUpdate, session: SessionDep, actor: CurrentActor
) -> CycleDetail:
    """Administrators: rename a cycle, move its dates (opening, then submission, then review:
    422 naming the field out of order), or switch the provisional step (409 once an
    assessment of the cycle is submitted). Fields left out stay as they are; the framework
    and competencies never change. A ``version`` other than the one saved is refused (409)."""
    cycle = service.update_cycle(session, actor, cycle_id, data=body)
    return CycleDetail.model_validate(cycle, from_attributes=True)
