"""What the comparison API gives: an assessment against the PCT's previous finalised one."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.comparison.rules import Basis, Direction, Movement
from app.governance.models import GovernanceArea, Rag


class MovementRead(BaseModel):
    direction: Direction
    by: int = Field(
        description="How many levels it moved (for governance, steps from red to amber to "
        "green); 0 when the same"
    )
    compared: Basis = Field(
        description='"review": the SHA\'s levels of both years; "self": the PCT\'s own levels, '
        "where the SHA's are not there for both years (or not yet shown)"
    )

    @classmethod
    def of(cls, movement: Movement | None) -> MovementRead | None:
        if movement is None:
            return None
        return cls(direction=movement.direction, by=movement.by, compared=movement.basis)


class CompetencyComparisonRead(BaseModel):
    competency_number: int
    title: str
    previous_self_level: int | None
    previous_review_level: int | None
    current_self_level: int | None
    current_review_level: int | None = Field(
        description="The SHA's level this year: null until given, and for the PCT's own "
        "people until the SHA returns the assessment, shares its ratings or finalises them"
    )
    movement: MovementRead | None = Field(
        description="null when no level of the same side is given in both years"
    )
    note: str = Field(description='Why nothing is compared ("Not assessed in 2008/09."), or ""')


class CriterionComparisonRead(BaseModel):
    criterion: str
    competency_number: int
    title: str
    previous_self_level: int | None
    previous_review_level: int | None
    current_self_level: int | None
    current_review_level: int | None
    movement: MovementRead | None
    note: str


class GovernanceComparisonRead(BaseModel):
    area: GovernanceArea
    previous_self_rating: Rag | None
    previous_review_rating: Rag | None
    current_self_rating: Rag | None
    current_review_rating: Rag | None
    movement: MovementRead | None
    note: str


class PreviousAssessmentRead(BaseModel):
    id: int
    cycle_id: int
    cycle_name: str
    finalised_at: datetime | None


class ComparisonRead(BaseModel):
    assessment_id: int
    organisation_code: str
    cycle_id: int
    cycle_name: str
    previous: PreviousAssessmentRead | None = Field(
        description="The PCT's previous finalised assessment: the latest finalised one of a "
        "cycle that opened before this one; null when there is none"
    )
    current_review_shown: bool = Field(
        description="Whether this year's levels from the SHA are given to you"
    )
    note: str = Field(description="What is compared with what, in plain words")
    competencies: list[CompetencyComparisonRead] = Field(
        description="Every competency either cycle assesses, in number order; empty when "
        "there is no previous finalised assessment"
    )
    criteria: list[CriterionComparisonRead]
    governance: list[GovernanceComparisonRead]
