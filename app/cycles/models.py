"""Assurance cycles: one a year, each scored against one framework version."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow, version_column


class CycleBase(SQLModel):
    name: str = Field(max_length=20, min_length=1, unique=True)
    opens_on: date
    submission_due: date
    review_due: date


ALL_COMPETENCIES = tuple(range(1, 12))

_cycle_version = version_column()


class Cycle(CycleBase, table=True):
    __tablename__ = "cycle"
    __table_args__ = (
        sa.CheckConstraint("submission_due >= opens_on", name="submission_after_opening"),
        sa.CheckConstraint("review_due >= submission_due", name="review_after_submission"),
    )

    id: int | None = Field(default=None, primary_key=True)
    framework_version: str = Field(max_length=40)
    framework_sha256: str = Field(max_length=64, min_length=64)
    # The competencies this cycle rates, in number order (2008/09 did not rate 11).
    assessed_competencies: list[int] = Field(
        default_factory=lambda: list(ALL_COMPETENCIES), sa_type=sa.JSON
    )
    # The SHA shares its ratings as provisional, and the PCT checks them for factual
    # accuracy, before they are final.
    provisional_step: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_cycle_version)

    __mapper_args__ = {"version_id_col": _cycle_version}

    @property
    def assessed(self) -> tuple[int, ...]:
        return tuple(sorted(self.assessed_competencies or ALL_COMPETENCIES))

    @property
    def period(self) -> tuple[date, date]:
        """The assurance year its evidence belongs to: the twelve months up to the submission
        deadline, and on until the review is due (a returned assessment gathers more)."""
        try:
            start = self.submission_due.replace(year=self.submission_due.year - 1)
        except ValueError:  # 29 February
            start = self.submission_due.replace(year=self.submission_due.year - 1, day=28)
        return start, self.review_due
