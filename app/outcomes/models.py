"""Outcome measures per PCT, their actual values by year, and which an assessment presents."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column


class OutcomeSource(StrEnum):
    """Where the measure comes from."""

    NATIONAL = "national"
    VITAL_SIGNS = "vital_signs"
    LAA = "laa"
    LOCAL = "local"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS: dict[OutcomeSource, str] = {
    OutcomeSource.NATIONAL: "National outcome",
    OutcomeSource.VITAL_SIGNS: "Vital signs indicator",
    OutcomeSource.LAA: "Local area agreement target",
    OutcomeSource.LOCAL: "Local outcome",
}

LOCAL_SOURCES = frozenset({OutcomeSource.VITAL_SIGNS, OutcomeSource.LAA, OutcomeSource.LOCAL})
MAX_LOCAL_OUTCOMES = 10


class Better(StrEnum):
    """Which way is an improvement."""

    HIGHER = "higher"
    LOWER = "lower"

    @property
    def label(self) -> str:
        return "Higher is better" if self is Better.HIGHER else "Lower is better"


_outcome_version = version_column()


class Outcome(SQLModel, table=True):
    """A measure the PCT chose, with its baseline and its year-by-year trajectory."""

    __tablename__ = "outcome"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "title"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    title: str = Field(max_length=200)
    indicator: str = Field(sa_type=sa.Text)
    source: OutcomeSource = Field(sa_type=enum_column(OutcomeSource, "outcome_source"))
    unit: str = Field(max_length=60)
    better: Better = Field(sa_type=enum_column(Better, "outcome_better"))
    baseline_year: int
    baseline_value: float
    # [{"year": 2009, "value": 21.5}, ...], years rising, each once.
    trajectory: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_outcome_version)

    __mapper_args__ = {"version_id_col": _outcome_version}


class OutcomeActual(SQLModel, table=True):
    """The value an outcome measure actually reached in one year."""

    __tablename__ = "outcome_actual"

    outcome_id: int = Field(foreign_key="outcome.id", ondelete="CASCADE", primary_key=True)
    year: int = Field(primary_key=True)
    value: float
    recorded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PresentedOutcome(SQLModel, table=True):
    """An outcome measure an assessment presents to the SHA."""

    __tablename__ = "presented_outcome"

    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", primary_key=True)
    outcome_id: int = Field(
        foreign_key="outcome.id", ondelete="CASCADE", primary_key=True, index=True
    )
    added_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
