"""The assessment as the JSON API gives it: a mapping over the one assessment record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.assessments.models import (
    Assessment,
    ProvisionalRating,
    ReturnPoint,
    ReviewScore,
    SelfScore,
)
from app.assessments.record import AssessmentRecord, Round
from app.assessments.schemas import (
    AssessmentRead,
    AssessmentSummary,
    CriterionReviewRead,
    CriterionScoreRead,
    EvidenceRatingRead,
    FactualAccuracyComment,
    PresentedEvidenceRead,
    ProvisionalRead,
    ReadinessRead,
    ReturnPointRead,
    ReviewScoreRead,
    SelfScoreRead,
    SubmissionSummary,
)
from app.cycles.models import Cycle
from app.governance.schemas import GovernanceRatingRead, GovernanceReviewRead
from app.organisations.models import Organisation


def summary(assessment: Assessment, organisation: Organisation, cycle: Cycle) -> AssessmentSummary:
    assert assessment.id is not None and cycle.id is not None
    return AssessmentSummary(
        id=assessment.id,
        organisation_code=organisation.code,
        organisation_name=organisation.name,
        cycle_id=cycle.id,
        cycle_name=cycle.name,
        status=assessment.status,
        submitted_at=assessment.submitted_at,
        finalised_at=assessment.finalised_at,
        updated_at=assessment.updated_at,
        version=assessment.version,
    )


def detail(record: AssessmentRecord) -> AssessmentRead:
    assessment = record.assessment
    readiness = record.readiness
    return AssessmentRead(
        **summary(assessment, record.organisation, record.cycle).model_dump(),
        framework_version=record.cycle.framework_version,
        assessed_competencies=list(record.cycle.assessed),
        signed_off_at=assessment.signed_off_at,
        signed_off_by_id=assessment.signed_off_by_id,
        signed_off_fingerprint=assessment.signed_off_fingerprint,
        signed_off_meeting_date=assessment.signed_off_meeting_date,
        signed_off_minute_reference=assessment.signed_off_minute_reference,
        sign_off_withdrawn_at=assessment.sign_off_withdrawn_at,
        sign_off_withdrawn_reason=assessment.sign_off_withdrawn_reason,
        submitted_by_id=assessment.submitted_by_id,
        returned_at=assessment.returned_at,
        return_reason=assessment.return_reason,
        finalised_by_id=assessment.finalised_by_id,
        provisional_at=assessment.provisional_at,
        self_scores=[
            SelfScoreRead.model_validate(s, from_attributes=True)
            for _, s in sorted(record.self_scores.items())
        ],
        review_scores=[
            ReviewScoreRead.model_validate(s, from_attributes=True)
            for _, s in sorted(record.review_scores.items())
        ],
        evidence_ratings=[
            EvidenceRatingRead.model_validate(r, from_attributes=True)
            for _, r in sorted(record.ratings.items())
        ],
        presented_evidence_ids=list(record.presented_ids),
        presented_evidence=[
            PresentedEvidenceRead(evidence_id=evidence_id, competency_numbers=list(numbers))
            for evidence_id, numbers in sorted(record.presented.items())
        ],
        return_points=[return_point(p) for p in record.return_points],
        rounds=record.round,
        readiness=ReadinessRead(ready=readiness.ready, missing=list(readiness.missing)),
        criterion_scores=[
            CriterionScoreRead.model_validate(
                {
                    **s.model_dump(),
                    "competency_level": _level(record.self_scores, s.competency_number),
                }
            )
            for s in record.criterion_scores.values()
        ],
        review_criterion_scores=[
            CriterionReviewRead.model_validate(
                {
                    **s.model_dump(),
                    "competency_level": _level(record.review_scores, s.competency_number),
                }
            )
            for s in record.review_criterion_scores.values()
        ],
        governance=[
            GovernanceRatingRead.model_validate(g, from_attributes=True)
            for g in record.governance.values()
        ],
        governance_reviews=[
            GovernanceReviewRead.model_validate(g, from_attributes=True)
            for g in record.governance_reviews.values()
        ],
        presented_outcome_ids=[o.id for o in record.outcomes if o.id is not None],
    )


def _level(scores: Mapping[int, SelfScore] | Mapping[int, ReviewScore], number: int) -> int | None:
    score = scores.get(number)
    return score.level if score else None


def return_point(point: ReturnPoint) -> ReturnPointRead:
    return ReturnPointRead.model_validate(point, from_attributes=True)


def round_summary(round_: Round, names: Mapping[int, str]) -> SubmissionSummary:
    return SubmissionSummary(
        round=round_.round,
        submitted_at=round_.submitted_at,
        submitted_by_id=round_.submitted_by_id,
        submitted_by_name=names.get(round_.submitted_by_id or 0),
        fingerprint=round_.fingerprint,
    )


def people(shared: Iterable[ProvisionalRating]) -> list[int | None]:
    """Who shared and who answered each sharing of provisional ratings."""
    return [person for row in shared for person in (row.issued_by_id, row.responded_by_id)]


def provisionals(
    shared: Iterable[ProvisionalRating], names: Mapping[int, str]
) -> list[ProvisionalRead]:
    return [
        ProvisionalRead(
            id=row.id or 0,
            round=row.round,
            issued_at=row.issued_at,
            issued_by_id=row.issued_by_id,
            issued_by_name=names.get(row.issued_by_id or 0),
            levels=row.levels,
            responded_at=row.responded_at,
            responded_by_id=row.responded_by_id,
            responded_by_name=names.get(row.responded_by_id or 0),
            accepted=None if row.responded_at is None else not row.comments,
            comments=[FactualAccuracyComment.model_validate(c) for c in row.comments],
        )
        for row in shared
    ]
