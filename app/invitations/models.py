"""Single-use links sent by mail (an invitation, or a password reset), and the password-reset
requests counted to throttle them.

A link's token is never stored: only its sha256, so a copy of the database cannot be used to
set anyone's password. A link works once, until it expires, and not after a newer link of the
same purpose was sent to the same person (it is then revoked).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class OneTimeLink(SQLModel, table=True):
    """A link mailed to one user: ``/invitations/{token}`` or ``/reset-password/{token}``."""

    __tablename__ = "one_time_link"
    __table_args__ = (
        sa.Index("ix_one_time_link_user_id_purpose", "user_id", "purpose"),
        sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    purpose: LinkPurpose = Field(sa_type=enum_column(LinkPurpose, "link_purpose"))
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    # Who sent an invitation; None for a reset (the person asked for it themselves).
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasswordResetRequest(SQLModel, table=True):
    """One request for a password-reset link, whether or not the address has an account:
    counted per address typed and per client, as sign-in attempts are."""

    __tablename__ = "password_reset_request"
    __table_args__ = (
        sa.Index("ix_password_reset_request_email_requested_at", "email", "requested_at"),
        sa.Index("ix_password_reset_request_address_requested_at", "address", "requested_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    address: str = Field(max_length=64)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
