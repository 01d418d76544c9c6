"""What the outcomes API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.outcomes.models import Better, OutcomeSource

Year = Annotated[int, Field(ge=2000, le=2030)]
Value = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]


class TrajectoryPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: Year
    value: Value


class OutcomeWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    indicator: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)
    ] = Field(description="What is measured, and how")
    source: OutcomeSource
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    better: Better
    baseline_year: Year
    baseline_value: Value
    trajectory: list[TrajectoryPoint] = Field(
        min_length=1, max_length=10, description="The value aimed for in each later year"
    )

    @model_validator(mode="after")
    def _years(self) -> OutcomeWrite:
        years = [p.year for p in self.trajectory]
        repeated = sorted({y for y in years if years.count(y) > 1})
        if repeated:
            raise ValueError(
                f"The trajectory gives {repeated[0]} more than once: give one value per year"
            )
        early = [y for y in years if y <= self.baseline_year]
        if early:
            raise ValueError(
                f"The trajectory starts after the baseline year {self.baseline_year}: "
                f"{early[0]} is not after it"
            )
        self.trajectory.sort(key=lambda p: p.year)
        return self


class ActualWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Value


class OutcomeRead(BaseModel):
    id: int
    organisation_code: str
    title: str
    indicator: str
    source: OutcomeSource
    unit: str
    better: Better
    baseline_year: int
    baseline_value: float
    trajectory: list[TrajectoryPoint]
    actuals: list[TrajectoryPoint]
    created_at: datetime
    version: int
