"""Users and their single role."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column


class Role(StrEnum):
    PCT_LEAD = "pct_lead"
    BOARD_MEMBER = "board_member"
    CLINICIAN = "clinician"
    SHA_REVIEWER = "sha_reviewer"
    ADMIN = "admin"


class UserBase(SQLModel):
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(max_length=200, min_length=1)
    job_title: str | None = Field(default=None, max_length=100)
    role: Role = Field(sa_type=enum_column(Role, "role"))
    is_active: bool = Field(default=True)


_user_version = version_column()


class User(UserBase, table=True):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint(
            "(role = 'admin') = (organisation_id IS NULL)", name="organisation_unless_admin"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_user_version)
    credential_generation: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    """Counted up when the password, the role or the organisation changes or the account is
    deactivated: every API token names the generation it was issued in, and one of an
    earlier generation is refused (browser sessions are ended at the same moment)."""

    __mapper_args__ = {"version_id_col": _user_version}
