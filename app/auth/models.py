"""Sign-in attempts, kept to throttle password guessing per account and per address."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class SignInAttempt(SQLModel, table=True):
    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_attempted_at", "email", "attempted_at"),
        sa.Index("ix_sign_in_attempt_address_attempted_at", "address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    address: str = Field(max_length=64)
    succeeded: bool
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BrowserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its hash is stored, so a
    copy of the database cannot be used to sign in. Signing out ends the row."""

    __tablename__ = "browser_session"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    address: str = Field(default="", max_length=64)


class KeptForm(SQLModel, table=True):
    """What was typed into a form that reached the server after its sender's session had ended:
    kept for a day so that it can be put back once the same person has signed in again. The
    browser holds a random token in a cookie; only its hash is stored, so only that browser
    can claim it, and only for ``user_id``."""

    __tablename__ = "kept_form"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    page_url: str = Field(max_length=2000)
    action: str = Field(max_length=2000)
    # [[name, value], ...] in the order the form sent them (a name may repeat).
    field_values: list[list[str]] = Field(sa_type=sa.JSON)
    files_left_out: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
