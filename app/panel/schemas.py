"""What the panel API takes and gives."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
RoleText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    role: RoleText = ""


class PanelWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: Date
    members: list[Person] = Field(min_length=1, max_length=30, description="Who sat for the SHA")
    pct_attendees: list[Person] = Field(
        default_factory=list, max_length=30, description="Who attended for the PCT"
    )
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)] = ""
    version: int | None = Field(default=None, ge=1)


class PanelRead(BaseModel):
    assessment_id: int
    date: Date
    members: list[Person]
    pct_attendees: list[Person]
    notes: str
    updated_by_id: int | None
    updated_by_name: str | None
    updated_at: datetime
    version: int
