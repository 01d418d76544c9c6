"""What the cycle API takes and gives."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


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
