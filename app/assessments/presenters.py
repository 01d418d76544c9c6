"""Turning assessment rows into the API's shapes."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.assessments import queries, service
from app.assessments.models import Assessment
from app.assessments.schemas import (
    AssessmentRead,
    AssessmentSummary,
    EvidenceRatingRead,
    ReadinessRead,
    ReviewScoreRead,
    SelfScoreRead,
)
from app.cycles.models import Cycle
from app.framework import service as framework_service
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


def detail(session: Session, assessment: Assessment) -> AssessmentRead:
    assert assessment.id is not None
    # The organisation and the cycle, each by its key, in one statement.
    organisation, cycle = session.exec(
        select(Organisation, Cycle)
        .join(Cycle, col(Cycle.id) == assessment.cycle_id)
        .where(col(Organisation.id) == assessment.organisation_id)
    ).one()
    scores = service.self_scores(session, assessment.id)
    ready = service.readiness_of(
        framework_service.get_framework(cycle.framework_version),
        {s.competency_number: s for s in scores},
        queries.evidence_counts(session, assessment.organisation_id),
    )
    return AssessmentRead(
        **summary(assessment, organisation, cycle).model_dump(),
        framework_version=cycle.framework_version,
        signed_off_at=assessment.signed_off_at,
        signed_off_by_id=assessment.signed_off_by_id,
        signed_off_fingerprint=assessment.signed_off_fingerprint,
        submitted_by_id=assessment.submitted_by_id,
        returned_at=assessment.returned_at,
        return_reason=assessment.return_reason,
        finalised_by_id=assessment.finalised_by_id,
        self_scores=[SelfScoreRead.model_validate(s, from_attributes=True) for s in scores],
        review_scores=[
            ReviewScoreRead.model_validate(s, from_attributes=True)
            for s in service.review_scores(session, assessment.id)
        ],
        evidence_ratings=[
            EvidenceRatingRead.model_validate(r, from_attributes=True)
            for r in service.evidence_ratings(session, assessment.id)
        ],
        presented_evidence_ids=queries.presented_evidence_ids(session, assessment.id),
        readiness=ReadinessRead(ready=ready.ready, missing=list(ready.missing)),
    )
