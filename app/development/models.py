"""The development plan that follows a final assessment: the PCT's actions, each with an
owner, a due date, the support its SHA offers and a status; and the dated progress notes
kept on each."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column
from app.evidence.models import COMPETENCY_RANGE_SQL
from app.tags import TaggedStatus

ACTION_MAX = 2_000
OWNER_MAX = 200
SUPPORT_NOTE_MAX = 2_000
PROGRESS_NOTE_MAX = 2_000


class ActionStatus(TaggedStatus):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    DONE = "done"

    @classmethod
    def tags(cls) -> Mapping[Any, tuple[str, str]]:
        return _STATUS_LABELS


_STATUS_LABELS: dict[ActionStatus, tuple[str, str]] = {
    ActionStatus.NOT_STARTED: ("Not started", "grey"),
    ActionStatus.ON_TRACK: ("On track", "blue"),
    ActionStatus.AT_RISK: ("At risk", "red"),
    ActionStatus.DONE: ("Done", "green"),
}


class SupportKind(StrEnum):
    """The support the SHA offers the PCT for an action."""

    FESC = "fesc"
    SHA_FACILITATION = "sha_facilitation"
    PEER_SUPPORT = "peer_support"
    NATIONAL_PROGRAMME = "national_programme"
    NONE = "none"

    @property
    def label(self) -> str:
        return _SUPPORT_LABELS[self]


_SUPPORT_LABELS: dict[SupportKind, str] = {
    SupportKind.FESC: "External support procured through FESC (the Framework for procuring "
    "External Support for Commissioners)",
    SupportKind.SHA_FACILITATION: "Facilitation or expertise from the SHA",
    SupportKind.PEER_SUPPORT: "Support from a peer PCT",
    SupportKind.NATIONAL_PROGRAMME: "A national development programme",
    SupportKind.NONE: "No support offered",
}


_action_version = version_column()


class DevelopmentAction(SQLModel, table=True):
    """One action of a PCT's development plan, on its finalised assessment, on the whole of
    it or on one competency."""

    __tablename__ = "development_action"
    __table_args__ = (
        sa.CheckConstraint(
            "competency_number IS NULL OR " + COMPETENCY_RANGE_SQL,
            name="competency_number_range",
        ),
        sa.Index("ix_development_action_status_due_on", "status", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    competency_number: int | None = None
    action: str = Field(sa_type=sa.Text)
    owner: str = Field(max_length=OWNER_MAX)
    due_on: date
    support: SupportKind = Field(
        default=SupportKind.NONE, sa_type=enum_column(SupportKind, "development_support")
    )
    support_note: str = Field(default="", sa_type=sa.Text)
    status: ActionStatus = Field(
        default=ActionStatus.NOT_STARTED,
        sa_type=enum_column(ActionStatus, "development_action_status"),
    )
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_action_version)

    __mapper_args__ = {"version_id_col": _action_version}


class ProgressNote(SQLModel, table=True):
    """A dated note of progress on an action: who wrote it, when, and the status it set."""

    __tablename__ = "development_progress_note"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="development_action.id", ondelete="CASCADE", index=True)
    status: ActionStatus = Field(sa_type=enum_column(ActionStatus, "progress_note_status"))
    note: str = Field(sa_type=sa.Text)
    written_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    written_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
