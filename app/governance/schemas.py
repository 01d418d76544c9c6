"""What the governance API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.governance.models import GovernanceArea, Rag
from app.params import MAX_ID

Narrative = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]


class GovernanceRatingWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Rag
    narrative: Narrative = Field(description="Why the board rates the area so")
    version: int | None = Field(default=None, ge=1, le=MAX_ID, description="The version you read")


class GovernanceReviewWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Rag
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)] = ""
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)] | None = (
        Field(
            default=None,
            description="Why a rating shared as provisional changes (needed then; kept in the "
            "moderation log)",
        )
    )


class GovernanceRatingRead(BaseModel):
    area: GovernanceArea
    rating: Rag
    narrative: str
    updated_at: datetime
    version: int


class GovernanceReviewRead(BaseModel):
    area: GovernanceArea
    rating: Rag
    comment: str
    reviewer_id: int
    reviewed_at: datetime
    version: int
