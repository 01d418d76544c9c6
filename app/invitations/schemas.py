"""What the invitation and password-reset API takes and gives."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.users.models import Role


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    role: Role
    organisation_code: str | None = Field(
        default=None, max_length=12, description="None for an administrator"
    )
    job_title: str | None = Field(default=None, max_length=100, description="Such as PEC chair")


class PasswordResetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)


class PasswordResetAccepted(BaseModel):
    detail: str
