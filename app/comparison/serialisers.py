"""The comparison as the JSON API gives it: a mapping over ``service.Comparison``."""

from __future__ import annotations

from app.comparison.schemas import (
    ComparisonRead,
    CompetencyComparisonRead,
    CriterionComparisonRead,
    GovernanceComparisonRead,
    MovementRead,
    PreviousAssessmentRead,
)
from app.comparison.service import Comparison


def comparison(c: Comparison) -> ComparisonRead:
    assert c.assessment.id is not None and c.cycle.id is not None
    previous = None
    if c.previous is not None:
        assert c.previous.assessment.id is not None and c.previous.cycle.id is not None
        previous = PreviousAssessmentRead(
            id=c.previous.assessment.id,
            cycle_id=c.previous.cycle.id,
            cycle_name=c.previous.cycle.name,
            finalised_at=c.previous.assessment.finalised_at,
        )
    return ComparisonRead(
        assessment_id=c.assessment.id,
        organisation_code=c.organisation.code,
        cycle_id=c.cycle.id,
        cycle_name=c.cycle.name,
        previous=previous,
        current_review_shown=c.review_shown,
        note=c.note,
        competencies=[
            CompetencyComparisonRead(
                competency_number=line.number,
                title=line.title,
                previous_self_level=line.previous_self,
                previous_review_level=line.previous_review,
                current_self_level=line.current_self,
                current_review_level=line.current_review,
                movement=MovementRead.of(line.movement),
                note=line.note,
            )
            for line in c.competencies
        ],
        criteria=[
            CriterionComparisonRead(
                criterion=line.criterion,
                competency_number=line.competency_number,
                title=line.title,
                previous_self_level=line.previous_self,
                previous_review_level=line.previous_review,
                current_self_level=line.current_self,
                current_review_level=line.current_review,
                movement=MovementRead.of(line.movement),
                note=line.note,
            )
            for line in c.criteria
        ],
        governance=[
            GovernanceComparisonRead(
                area=line.area,
                previous_self_rating=line.previous_self,
                previous_review_rating=line.previous_review,
                current_self_rating=line.current_self,
                current_review_rating=line.current_review,
                movement=MovementRead.of(line.movement),
                note=line.note,
            )
            for line in c.governance
        ],
    )
