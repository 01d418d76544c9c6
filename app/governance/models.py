"""Governance ratings: one per area per assessment, by the PCT and by the SHA's panel."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column


class GovernanceArea(StrEnum):
    STRATEGY = "strategy"
    FINANCE = "finance"
    BOARD = "board"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def question(self) -> str:
        return _QUESTIONS[self]


_QUESTIONS: dict[GovernanceArea, str] = {
    GovernanceArea.STRATEGY: (
        "Does the board have a strategy built on local needs, owned by it and by partners, "
        "with plans that deliver it?"
    ),
    GovernanceArea.FINANCE: (
        "Is the PCT in financial balance, with a financial strategy that matches its plans "
        "and controls the board understands?"
    ),
    GovernanceArea.BOARD: (
        "Does the board hold the organisation to account: provider performance, the "
        "assurance framework and risks reported to it and acted on?"
    ),
}

AREAS = tuple(GovernanceArea)


class Rag(StrEnum):
    """A red, amber or green rating: always shown with its word and meaning, never colour
    alone."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    @property
    def tag_colour(self) -> str:
        """The NHS.UK tag modifier."""
        return {"red": "red", "amber": "orange", "green": "green"}[self.value]

    @property
    def points(self) -> int:
        """0 for red, 1 for amber, 2 for green: for ordering and averages."""
        return {"red": 0, "amber": 1, "green": 2}[self.value]


_MEANINGS: dict[Rag, str] = {
    Rag.RED: "serious concerns",
    Rag.AMBER: "some concerns",
    Rag.GREEN: "no concerns",
}

_governance_rating_version = version_column()


class GovernanceRating(SQLModel, table=True):
    """The PCT's own rating of one governance area, with the narrative behind it."""

    __tablename__ = "governance_rating"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "area"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    area: GovernanceArea = Field(sa_type=enum_column(GovernanceArea, "governance_area"))
    rating: Rag = Field(sa_type=enum_column(Rag, "rag_rating"))
    narrative: str = Field(default="", sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_governance_rating_version)

    __mapper_args__ = {"version_id_col": _governance_rating_version}


_governance_review_version = version_column()


class GovernanceReview(SQLModel, table=True):
    """The SHA panel's rating of one governance area, with its comment."""

    __tablename__ = "governance_review"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "area"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    area: GovernanceArea = Field(sa_type=enum_column(GovernanceArea, "governance_area"))
    rating: Rag = Field(sa_type=enum_column(Rag, "rag_rating"))
    comment: str = Field(default="", sa_type=sa.Text)
    reviewer_id: int = Field(foreign_key="user_account.id")
    reviewed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_governance_review_version)

    __mapper_args__ = {"version_id_col": _governance_review_version}
