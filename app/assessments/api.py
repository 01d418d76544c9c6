"""JSON routes for assessments and their workflow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response
from sqlmodel import Session

from app.actors import Actor
from app.assessments import criteria, provisional, repository, serialisers, service
from app.assessments.models import AssessmentStatus
from app.assessments.schemas import (
    AssessmentCreate,
    AssessmentRead,
    AssessmentSummary,
    CriterionReviewRead,
    CriterionReviewWrite,
    CriterionScoreRead,
    CriterionScoreWrite,
    EvidenceRatingRead,
    EvidenceRatingWrite,
    FactualAccuracyRequest,
    ModerationChangeRead,
    ProvisionalRead,
    ReopenRequest,
    ReturnPointRead,
    ReturnPointResponse,
    ReturnRequest,
    ReviewScoreRead,
    ReviewScoreWrite,
    SelfScoreRead,
    SelfScoreWrite,
    SignOffRequest,
    SubmissionRead,
    SubmissionSummary,
    TransitionRequest,
    WithdrawSignOffRequest,
)
from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import PathCriterion, PathId, PathNumber, QueryId

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


@router.put(
    "/{assessment_id}/self-scores/{number}/criteria/{criterion}",
    response_model=CriterionScoreRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_criterion_score(
    assessment_id: PathId,
    number: PathNumber,
    criterion: PathCriterion,
    body: CriterionScoreWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> CriterionScoreRead:
    """Set the PCT's own level for one criterion of a competency ("1.2"); once every
    criterion has a level, the competency's level follows by the framework's rule."""
    score, whole = criteria.put_criterion_score(
        session, actor, assessment_id, number, criterion, data=body
    )
    return CriterionScoreRead.model_validate(
        {**score.model_dump(), "competency_level": whole.level if whole else None}
    )


@router.put(
    "/{assessment_id}/evidence/{evidence_id}",
    status_code=204,
    responses=errors(401, 403, 404, 409),
)
def present_evidence(
    assessment_id: PathId, evidence_id: PathId, session: SessionDep, actor: CurrentActor
) -> Response:
    """Add an item of the PCT's library to what the assessment presents (idempotent)."""
    service.present_evidence(session, actor, assessment_id, evidence_id)
    return Response(status_code=204)


@router.delete(
    "/{assessment_id}/evidence/{evidence_id}",
    status_code=204,
    responses=errors(401, 403, 404, 409),
)
def withdraw_evidence(
    assessment_id: PathId, evidence_id: PathId, session: SessionDep, actor: CurrentActor
) -> Response:
    """Take an item out of what the assessment presents; it stays in the library."""
    service.withdraw_evidence(session, actor, assessment_id, evidence_id)
    return Response(status_code=204)


@router.post(
    "/{assessment_id}/sign-off",
    response_model=AssessmentRead,
    responses=errors(401, 403, 404, 409, 422),
)
def sign_off(
    assessment_id: PathId, body: SignOffRequest, session: SessionDep, actor: CurrentActor
) -> AssessmentRead:
    """The board's sign-off at a minuted meeting, with the declaration; refused with the list
    of what is missing until ready."""
    assessment = service.sign_off(session, actor, assessment_id, data=body)
    return _detail(session, actor, assessment.id or 0)


@router.post(
    "/{assessment_id}/withdraw-sign-off",
    response_model=AssessmentRead,
    responses=errors(401, 403, 404, 409, 422),
)
def withdraw_sign_off(
    assessment_id: PathId, body: WithdrawSignOffRequest, session: SessionDep, actor: CurrentActor
) -> AssessmentRead:
    """Withdraw the board's sign-off, with a reason, so that the PCT may change it again."""
    assessment = service.withdraw_sign_off(
        session, actor, assessment_id, reason=body.reason, expected_version=body.version
    )
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
    "/{assessment_id}/review-scores/{number}/criteria/{criterion}",
    response_model=CriterionReviewRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_criterion_review(
    assessment_id: PathId,
    number: PathNumber,
    criterion: PathCriterion,
    body: CriterionReviewWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> CriterionReviewRead:
    """The reviewer's level for one criterion; once every criterion has one, the
    competency's review level follows by the framework's rule."""
    score, whole = criteria.put_criterion_review(
        session, actor, assessment_id, number, criterion, data=body
    )
    return CriterionReviewRead.model_validate(
        {**score.model_dump(), "competency_level": whole.level if whole else None}
    )


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
    """Return the assessment to the PCT with a reason and the points it must address, each on
    a competency or general (without points, the reason is the one general point)."""
    assessment = service.return_assessment(
        session,
        actor,
        assessment_id,
        reason=body.reason,
        points=body.points,
        expected_version=body.version,
    )
    return _detail(session, actor, assessment.id or 0)


@router.get(
    "/{assessment_id}/return-points",
    response_model=list[ReturnPointRead],
    responses=errors(401, 404),
)
def list_return_points(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> list[ReturnPointRead]:
    """Every point of every return, oldest round first, with the PCT's responses."""
    record = repository.load_assessment(session, actor, assessment_id)
    return [serialisers.return_point(p) for p in record.return_points]


@router.put(
    "/{assessment_id}/return-points/{point_id}",
    response_model=ReturnPointRead,
    responses=errors(401, 403, 404, 409, 422),
)
def answer_return_point(
    assessment_id: PathId,
    point_id: PathId,
    body: ReturnPointResponse,
    session: SessionDep,
    actor: CurrentActor,
) -> ReturnPointRead:
    """The PCT's response to one point of a return."""
    point = service.answer_return_point(session, actor, assessment_id, point_id, data=body)
    return serialisers.return_point(point)


@router.get(
    "/{assessment_id}/submissions",
    response_model=list[SubmissionSummary],
    responses=errors(401, 404),
)
def list_submissions(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> list[SubmissionSummary]:
    """Every round submitted, oldest first."""
    record = repository.load_assessment(session, actor, assessment_id)
    names = repository.names(session, [r.submitted_by_id for r in record.rounds])
    return [serialisers.round_summary(r, names) for r in record.rounds]


@router.get(
    "/{assessment_id}/submissions/{round_number}",
    response_model=SubmissionRead,
    responses=errors(401, 404),
)
def read_submission(
    assessment_id: PathId, round_number: PathId, session: SessionDep, actor: CurrentActor
) -> SubmissionRead:
    """One round as it was submitted: its frozen self-scores and evidence."""
    repository.get_assessment(session, actor, assessment_id)
    kept = repository.submission(session, assessment_id, round_number)
    names = repository.names(session, [kept.submitted_by_id])
    return SubmissionRead(
        round=kept.round,
        submitted_at=kept.submitted_at,
        submitted_by_id=kept.submitted_by_id,
        submitted_by_name=names.get(kept.submitted_by_id or 0),
        fingerprint=kept.fingerprint,
        content=kept.content,
    )


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
    "/{assessment_id}/provisional",
    response_model=AssessmentRead,
    responses=errors(401, 403, 404, 409),
)
def share_provisional(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor, body: OptionalBody = None
) -> AssessmentRead:
    """Share the SHA's ratings with the PCT as provisional, for it to check for factual
    accuracy; needs every review score and governance rating (409 listing what is missing)."""
    version = body.version if body else None
    assessment = provisional.share_provisional(
        session, actor, assessment_id, expected_version=version
    )
    return _detail(session, actor, assessment.id or 0)


@router.get(
    "/{assessment_id}/provisional",
    response_model=list[ProvisionalRead],
    responses=errors(401, 404),
)
def list_provisional(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> list[ProvisionalRead]:
    """Every sharing of provisional ratings, oldest first, with the PCT's answers."""
    repository.get_assessment(session, actor, assessment_id)
    shared = repository.provisionals_of(session, assessment_id)
    return serialisers.provisionals(shared, repository.names(session, serialisers.people(shared)))


@router.post(
    "/{assessment_id}/factual-accuracy",
    response_model=ProvisionalRead,
    responses=errors(401, 403, 404, 409, 422),
)
def check_facts(
    assessment_id: PathId, body: FactualAccuracyRequest, session: SessionDep, actor: CurrentActor
) -> ProvisionalRead:
    """The PCT's factual-accuracy comments on the provisional ratings, each on a competency
    or general; an empty list accepts them as they stand. Once for each sharing."""
    shared = provisional.check_facts(
        session,
        actor,
        assessment_id,
        body.comments,
        expected_version=body.version,
        sharing=body.provisional_id,
    )
    names = repository.names(session, serialisers.people([shared]))
    return serialisers.provisionals([shared], names)[0]


@router.get(
    "/{assessment_id}/moderation",
    response_model=list[ModerationChangeRead],
    responses=errors(401, 404),
)
def list_moderation(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> list[ModerationChangeRead]:
    """The moderation log: every change to a rating after it was shared as provisional,
    with its reason, oldest first."""
    repository.get_assessment(session, actor, assessment_id)
    changes = repository.moderation_of(session, assessment_id)
    names = repository.names(session, [c.changed_by_id for c in changes])
    return [
        ModerationChangeRead.model_validate(
            {**change.model_dump(), "changed_by_name": names.get(change.changed_by_id or 0)}
        )
        for change in changes
    ]


@router.post(
    "/{assessment_id}/reopen", response_model=AssessmentRead, responses=errors(401, 403, 404, 409)
)
def reopen(
    assessment_id: PathId,
    session: SessionDep,
    actor: CurrentActor,
    body: Annotated[ReopenRequest | None, Body()] = None,
) -> AssessmentRead:
    """Administrators only: take a finalised assessment back into review, with a reason
    (audited)."""
    assessment = service.reopen(
        session,
        actor,
        assessment_id,
        reason=body.reason if body else None,
        expected_version=body.version if body else None,
    )
    return _detail(session, actor, assessment.id or 0)
