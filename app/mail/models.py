"""The outbox: each mail as composed, waiting for a worker or sent, and each attempt to send
it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow
from app.tags import TaggedStatus

RECIPIENT_MAX = 254
NAME_MAX = 200
SUBJECT_MAX = 300
DEDUP_KEY_MAX = 200
WORKER_MAX = 120


class MailKind(StrEnum):
    """Why a mail was written (SPEC §6.7)."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    PROVISIONAL = "provisional"
    SIGN_OFF_WITHDRAWN = "sign_off_withdrawn"
    FINALISED = "finalised"
    MESSAGE = "message"
    REMINDER = "reminder"
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS: dict[MailKind, str] = {
    MailKind.SUBMITTED: "Assessment submitted",
    MailKind.RETURNED: "Assessment returned",
    MailKind.PROVISIONAL: "Provisional ratings shared",
    MailKind.SIGN_OFF_WITHDRAWN: "Sign-off withdrawn",
    MailKind.FINALISED: "Assessment finalised",
    MailKind.MESSAGE: "New message",
    MailKind.REMINDER: "Deadline reminder",
    MailKind.INVITATION: "Invitation",
    MailKind.PASSWORD_RESET: "Password reset",
}


class MailStatus(TaggedStatus):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @classmethod
    def tags(cls) -> Mapping[Any, tuple[str, str]]:
        return _STATUS_LABELS


_STATUS_LABELS: dict[MailStatus, tuple[str, str]] = {
    MailStatus.PENDING: ("Waiting", "grey"),
    MailStatus.SENDING: ("Sending", "blue"),
    MailStatus.SENT: ("Sent", "green"),
    MailStatus.FAILED: ("Not sent", "red"),
}


class AttemptOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(SQLModel, table=True):
    """A mail written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_mail"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_sent_at"),
        sa.CheckConstraint(
            "status <> 'sending' OR (claimed_by IS NOT NULL AND claimed_until IS NOT NULL)",
            name="sending_is_claimed",
        ),
        sa.Index("ix_outbox_mail_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=RECIPIENT_MAX)
    recipient_name: str = Field(default="", max_length=NAME_MAX)
    recipient_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    subject: str = Field(max_length=SUBJECT_MAX)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(sa_type=sa.Text)
    kind: MailKind = Field(sa_type=enum_column(MailKind, "mail_kind"))
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL", index=True
    )
    dedup_key: str | None = Field(default=None, max_length=DEDUP_KEY_MAX, unique=True)
    status: MailStatus = Field(
        default=MailStatus.PENDING, sa_type=enum_column(MailStatus, "mail_status")
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=WORKER_MAX)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxAttempt(SQLModel, table=True):
    """One try at handing a mail to the mail server."""

    __tablename__ = "outbox_attempt"

    id: int | None = Field(default=None, primary_key=True)
    mail_id: int = Field(foreign_key="outbox_mail.id", ondelete="CASCADE", index=True)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    outcome: AttemptOutcome = Field(sa_type=enum_column(AttemptOutcome, "attempt_outcome"))
    worker: str = Field(max_length=WORKER_MAX)
    error: str | None = Field(default=None, sa_type=sa.Text)
