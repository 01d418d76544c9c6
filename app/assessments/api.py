"""JSON routes for assessments and their workflow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query
from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository, serialisers, service
from app.assessments.models import AssessmentStatus
from app.assessments.schemas import (
    AssessmentCreate,
    AssessmentRead,
    AssessmentSummary,
    EvidenceRatingRead,
    EvidenceRatingWrite,
    ReturnRequest,
    ReviewScoreRead,
    ReviewScoreWrite,
    SelfScoreRead,
    SelfScoreWrite,
    TransitionRequest,
)
from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import PathId, PathNumber, QueryId

router = APIRouter(prefix="/api/v1/assessments", tags=["assessments"])
OptionalBody = Annotated[TransitionRequest | None, Body()]


def _detail(session: Session, actor: Actor, assessment_id: int) -> AssessmentRead:
    return serialisers.detail(repository.load_assessment(session, actor, assessment_id))


@router.post(
    "", status_code=201, response_model=AssessmentRead, responses=errors(401, 403, 404, 409, 422)
)
def open_assessment(
    body: AssessmentCreate, session: SessionDep, actor: CurrentActor
) -> AssessmentRead:
    """Open a PCT's assessment for a cycle (one per PCT per cycle)."""
    assessment = service.open_assessment(
        session, actor, organisation_code=body.organisation_code, cycle_id=body.cycle_id
    )
    return _detail(session, actor, assessment.id or 0)


@router.get("", response_model=list[AssessmentSummary], responses=errors(401, 422))
def list_assessments(
    session: SessionDep,
    actor: CurrentActor,
    cycle_id: QueryId = None,
    organisation_code: Annotated[str | None, Query(max_length=12)] = None,
    status: AssessmentStatus | None = None,
) -> list[AssessmentSummary]:
    """The assessments you may see."""
    rows = repository.list_assessments(
        session, actor, cycle_id=cycle_id, organisation_code=organisation_code, status=status
    )
    return [serialisers.summary(*row) for row in rows]


@router.get("/{assessment_id}", response_model=AssessmentRead, responses=errors(401, 404))
def read_assessment(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> AssessmentRead:
    """Status, self scores, review scores, ratings and readiness."""
    return _detail(session, actor, assessment_id)


@router.put(
    "/{assessment_id}/self-scores/{number}",
    response_model=SelfScoreRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_self_score(
    assessment_id: PathId,
    number: PathNumber,
    body: SelfScoreWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> SelfScoreRead:
    """Set the PCT's own level for a competency, with its rationale."""
    score = service.put_self_score(session, actor, assessment_id, number, data=body)
    return SelfScoreRead.model_validate(score, from_attributes=True)


@router.post(
    "/{assessment_id}/sign-off", response_model=AssessmentRead, responses=errors(401, 403, 404, 409)
)
def sign_off(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor, body: OptionalBody = None
) -> AssessmentRead:
    """Board sign-off; refused with the list of what is missing until ready."""
    version = body.version if body else None
    assessment = service.sign_off(session, actor, assessment_id, expected_version=version)
    return _detail(session, actor, assessment.id or 0)


@router.post(
    "/{assessment_id}/submit", response_model=AssessmentRead, responses=errors(401, 403, 404, 409)
)
def submit(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor, body: OptionalBody = None
) -> AssessmentRead:
    """Submit a signed-off assessment to the SHA, freezing its evidence."""
    version = body.version if body else None
    assessment = service.submit(session, actor, assessment_id, expected_version=version)
    return _detail(session, actor, assessment.id or 0)


@router.put(
    "/{assessment_id}/review-scores/{number}",
    response_model=ReviewScoreRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_review_score(
    assessment_id: PathId,
    number: PathNumber,
    body: ReviewScoreWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> ReviewScoreRead:
    """The reviewer's level for a competency; a comment is required when it differs."""
    score = service.put_review_score(session, actor, assessment_id, number, data=body)
    return ReviewScoreRead.model_validate(score, from_attributes=True)


@router.put(
    "/{assessment_id}/evidence-ratings/{evidence_id}",
    response_model=EvidenceRatingRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_evidence_rating(
    assessment_id: PathId,
    evidence_id: PathId,
    body: EvidenceRatingWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> EvidenceRatingRead:
    """Rate an evidence item presented in this assessment."""
    rating = service.put_evidence_rating(session, actor, assessment_id, evidence_id, data=body)
    return EvidenceRatingRead.model_validate(rating, from_attributes=True)


@router.post(
    "/{assessment_id}/return",
    response_model=AssessmentRead,
    responses=errors(401, 403, 404, 409, 422),
)
def return_assessment(
    assessment_id: PathId, body: ReturnRequest, session: SessionDep, actor: CurrentActor
) -> AssessmentRead:
    """Return the assessment to the PCT for more evidence, with a reason."""
    assessment = service.return_assessment(
        session, actor, assessment_id, reason=body.reason, expected_version=body.version
    )
    return _detail(session, actor, assessment.id or 0)


@router.post(
    "/{assessment_id}/finalise", response_model=AssessmentRead, responses=errors(401, 403, 404, 409)
)
def finalise(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor, body: OptionalBody = None
) -> AssessmentRead:
    """Finalise the review; needs a review score for every competency the cycle assesses."""
    version = body.version if body else None
    assessment = service.finalise(session, actor, assessment_id, expected_version=version)
    return _detail(session, actor, assessment.id or 0)


@router.post(
    "/{assessment_id}/reopen", response_model=AssessmentRead, responses=errors(401, 403, 404, 409)
)
def reopen(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor, body: OptionalBody = None
) -> AssessmentRead:
    """Administrators only: take a finalised assessment back into review (audited)."""
    version = body.version if body else None
    assessment = service.reopen(session, actor, assessment_id, expected_version=version)
    return _detail(session, actor, assessment.id or 0)
