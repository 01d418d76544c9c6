"""JSON routes for a PCT's outcome measures, and for presenting them in an assessment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.organisations.service import normalise_code
from app.outcomes import repository, service
from app.outcomes.models import Outcome
from app.outcomes.schemas import ActualWrite, OutcomeRead, OutcomeWrite, TrajectoryPoint
from app.params import PathId

router = APIRouter(prefix="/api/v1", tags=["outcomes"])

PathCode = Annotated[str, Path(min_length=1, max_length=12)]
PathYear = Annotated[int, Path(ge=2000, le=2030)]


def _read(outcome: Outcome, code: str, actuals: dict[int, float]) -> OutcomeRead:
    assert outcome.id is not None
    return OutcomeRead(
        id=outcome.id,
        organisation_code=code,
        title=outcome.title,
        indicator=outcome.indicator,
        source=outcome.source,
        unit=outcome.unit,
        better=outcome.better,
        baseline_year=outcome.baseline_year,
        baseline_value=outcome.baseline_value,
        trajectory=[TrajectoryPoint.model_validate(p) for p in outcome.trajectory],
        actuals=[TrajectoryPoint(year=y, value=v) for y, v in sorted(actuals.items())],
        created_at=outcome.created_at,
        version=outcome.version,
    )


@router.get(
    "/organisations/{code}/outcomes", response_model=list[OutcomeRead], responses=errors(401, 404)
)
def list_outcomes(code: PathCode, session: SessionDep, actor: CurrentActor) -> list[OutcomeRead]:
    """The outcome measures a PCT chose, national and local, with their actuals."""
    pct = service.visible_pct(session, actor, code)
    outcomes = repository.outcomes_of(session, pct.id or 0)
    actuals = repository.actuals_of(session, [o.id for o in outcomes if o.id is not None])
    return [_read(o, pct.code, actuals.get(o.id or 0, {})) for o in outcomes]


@router.post(
    "/organisations/{code}/outcomes",
    status_code=201,
    response_model=OutcomeRead,
    responses=errors(401, 403, 404, 409, 422),
)
def create_outcome(
    code: PathCode, body: OutcomeWrite, session: SessionDep, actor: CurrentActor
) -> OutcomeRead:
    """PCT leads: add an outcome measure with its baseline and five-year trajectory (a PCT
    keeps up to ten local measures besides the national ones)."""
    outcome = service.create_outcome(session, actor, code, data=body)
    return _read(outcome, normalise_code(code), {})


@router.put(
    "/organisations/{code}/outcomes/{outcome_id}/actuals/{year}",
    response_model=OutcomeRead,
    responses=errors(401, 403, 404, 422),
)
def put_actual(
    code: PathCode,
    outcome_id: PathId,
    year: PathYear,
    body: ActualWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> OutcomeRead:
    """PCT leads: the value a measure actually reached in a year."""
    outcome = service.put_actual(session, actor, code, outcome_id, year, value=body.value)
    actuals = repository.actuals_of(session, [outcome_id]).get(outcome_id, {})
    return _read(outcome, normalise_code(code), actuals)


@router.put(
    "/assessments/{assessment_id}/outcomes/{outcome_id}",
    status_code=204,
    responses=errors(401, 403, 404, 409),
)
def present_outcome(
    assessment_id: PathId, outcome_id: PathId, session: SessionDep, actor: CurrentActor
) -> Response:
    """Present one of the PCT's outcome measures in the assessment (repeating it changes
    nothing)."""
    service.present_outcome(session, actor, assessment_id, outcome_id)
    return Response(status_code=204)


@router.delete(
    "/assessments/{assessment_id}/outcomes/{outcome_id}",
    status_code=204,
    responses=errors(401, 403, 404, 409),
)
def withdraw_outcome(
    assessment_id: PathId, outcome_id: PathId, session: SessionDep, actor: CurrentActor
) -> Response:
    """Take an outcome measure out of the assessment (it stays among the PCT's measures)."""
    service.withdraw_outcome(session, actor, assessment_id, outcome_id)
    return Response(status_code=204)
