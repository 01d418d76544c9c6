"""What the cycle API takes and gives."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.params import MAX_ID


class CycleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=20)
    opens_on: date
    submission_due: date
    review_due: date
    framework_version: str | None = Field(default=None, max_length=40)
    assessed_competencies: list[int] | None = Field(
        default=None,
        min_length=1,
        max_length=11,
        description="The competencies the cycle rates (default: all eleven)",
    )
    provisional_step: bool = Field(
        default=False,
        description="The SHA shares its ratings as provisional and the PCT checks them for "
        "factual accuracy before they are final",
    )


class CycleRead(BaseModel):
    id: int
    name: str
    opens_on: date
    submission_due: date
    review_due: date
    framework_version: str
    framework_sha256: str
    assessed_competencies: list[int]
    provisional_step: bool = False


class CycleUpdate(BaseModel):
    """Fields to change; those left out stay as they are. The framework and the competencies
    a cycle assesses never change: its scores are kept against them. ``version`` guards
    against overwriting someone else's change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=20)
    opens_on: date | None = None
    submission_due: date | None = None
    review_due: date | None = None
    provisional_step: bool | None = Field(
        default=None,
        description="The SHA shares its ratings as provisional first; changes only while no "
        "assessment of the cycle has been submitted",
    )
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class CycleDetail(CycleRead):
    """One cycle, with the version to send back with a change."""

    version: int
