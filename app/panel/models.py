"""The SHA's assurance panel for one assessment: when it sat, who sat on it, who came for
the PCT, and what it noted."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow, version_column

_panel_version = version_column()


class Panel(SQLModel, table=True):
    __tablename__ = "panel"

    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", primary_key=True)
    panel_date: date
    members: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    """Each ``{"name", "role"}``: who sat for the SHA."""
    pct_attendees: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    """Each ``{"name", "role"}``: who attended for the PCT."""
    notes: str = Field(default="", sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_panel_version)

    __mapper_args__ = {"version_id_col": _panel_version}
