"""What the user API takes and gives."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.params import MAX_ID
from app.users.models import Role


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    job_title: str | None = Field(default=None, max_length=100, description="Such as PEC chair")
    password: str = Field(min_length=1, max_length=200)
    role: Role
    organisation_code: str | None = Field(default=None, max_length=12)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    job_title: str | None = Field(default=None, max_length=100)
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=200)
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class UserRead(BaseModel):
    id: int
    email: str
    full_name: str
    job_title: str | None = None
    role: Role
    organisation_code: str | None
    is_active: bool
    version: int
