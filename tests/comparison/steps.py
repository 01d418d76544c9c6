"""Assessments for the comparison tests, made straight from rows (the API tests make theirs
through the API): cycles a year apart, and an assessment with the levels it is given."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    CriterionScore,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
)
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.governance.models import GovernanceArea, GovernanceRating, GovernanceReview, Rag
from app.organisations.models import Organisation
from app.users.models import User


def cycle_of(
    session: Session, year: int, *, framework: str = "wcc-2009", assessed: list[int] | None = None
) -> Cycle:
    """The cycle that opens in September of ``year`` ("2007/08" for 2007)."""
    return cycle_service.create_cycle(
        session,
        SYSTEM,
        name=f"{year}/{(year + 1) % 100:02d}",
        opens_on=date(year, 9, 1),
        submission_due=date(year, 12, 18),
        review_due=date(year + 1, 5, 21),
        framework_version=framework,
        assessed_competencies=assessed,
    )


def assessment_with(
    session: Session,
    *,
    pct: Organisation,
    cycle: Cycle,
    reviewer: User,
    status: AssessmentStatus = AssessmentStatus.FINALISED,
    selfs: dict[int, int] | None = None,
    reviews: dict[int, int] | None = None,
    self_criteria: dict[str, int] | None = None,
    review_criteria: dict[str, int] | None = None,
    governance: dict[str, str] | None = None,
    panel: dict[str, str] | None = None,
) -> Assessment:
    """An assessment of ``pct`` in ``cycle`` in ``status``, with the levels and ratings given
    (by the PCT, and by ``reviewer`` for the SHA)."""
    assert pct.id is not None and cycle.id is not None and reviewer.id is not None
    at = datetime(cycle.review_due.year, 5, 1, 12, tzinfo=UTC)
    assessment = Assessment(
        organisation_id=pct.id,
        cycle_id=cycle.id,
        status=status,
        submitted_at=None if status is AssessmentStatus.DRAFT else at,
        finalised_at=at if status is AssessmentStatus.FINALISED else None,
    )
    session.add(assessment)
    session.flush()
    assert assessment.id is not None
    add_levels(
        session,
        assessment.id,
        reviewer=reviewer,
        selfs=selfs,
        reviews=reviews,
        self_criteria=self_criteria,
        review_criteria=review_criteria,
        governance=governance,
        panel=panel,
    )
    return assessment


def add_levels(
    session: Session,
    assessment_id: int,
    *,
    reviewer: User,
    selfs: dict[int, int] | None = None,
    reviews: dict[int, int] | None = None,
    self_criteria: dict[str, int] | None = None,
    review_criteria: dict[str, int] | None = None,
    governance: dict[str, str] | None = None,
    panel: dict[str, str] | None = None,
) -> None:
    """Levels and ratings for an assessment: the PCT's own, and ``reviewer``'s for the SHA."""
    aid, reviewer_id = assessment_id, reviewer.id
    assert reviewer_id is not None
    for n, level in (selfs or {}).items():
        session.add(SelfScore(assessment_id=aid, competency_number=n, level=level, rationale="."))
    for n, level in (reviews or {}).items():
        session.add(
            ReviewScore(
                assessment_id=aid, competency_number=n, level=level, reviewer_id=reviewer_id
            )
        )
    for k, level in (self_criteria or {}).items():
        session.add(
            CriterionScore(
                assessment_id=aid, competency_number=int(k.split(".")[0]), criterion=k, level=level
            )
        )
    for k, level in (review_criteria or {}).items():
        session.add(
            ReviewCriterionScore(
                assessment_id=aid,
                competency_number=int(k.split(".")[0]),
                criterion=k,
                level=level,
                reviewer_id=reviewer_id,
            )
        )
    for area, rating in (governance or {}).items():
        session.add(
            GovernanceRating(assessment_id=aid, area=GovernanceArea(area), rating=Rag(rating))
        )
    for area, rating in (panel or {}).items():
        session.add(
            GovernanceReview(
                assessment_id=aid,
                area=GovernanceArea(area),
                rating=Rag(rating),
                reviewer_id=reviewer_id,
            )
        )
    session.commit()
