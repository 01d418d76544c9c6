"""Questions between a PCT and its SHA: threads on an assessment or one competency."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.evidence.models import COMPETENCY_RANGE_SQL

MESSAGE_MAX = 10_000


class Thread(SQLModel, table=True):
    """A conversation between the PCT and its SHA on an assessment, or on one competency of
    it."""

    __tablename__ = "thread"
    __table_args__ = (
        sa.CheckConstraint(
            "competency_number IS NULL OR " + COMPETENCY_RANGE_SQL,
            name="competency_number_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    competency_number: int | None = None
    opened_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_message_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ThreadMessage(SQLModel, table=True):
    __tablename__ = "thread_message"

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", ondelete="CASCADE", index=True)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    from_sha: bool
    """Written on the SHA's side (else the PCT's)."""
    body: str = Field(sa_type=sa.Text)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ThreadRead(SQLModel, table=True):
    """How far one person has read one thread: messages after it count as unread."""

    __tablename__ = "thread_read"

    thread_id: int = Field(foreign_key="thread.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", primary_key=True)
    last_read_message_id: int = 0
