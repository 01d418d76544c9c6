"""What the organisation API takes and gives."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.organisations.models import MAX_PRACTICES, OrganisationKind
from app.params import MAX_ID

# A name is words: spaces around it are dropped, and nothing but spaces is no name.
OrganisationName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=12, pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9-]*\s*$")
    name: OrganisationName
    kind: OrganisationKind
    parent_code: str | None = Field(default=None, max_length=12)
    population: int | None = Field(default=None, ge=0, le=100_000_000)
    practice_count: int | None = Field(
        default=None,
        ge=0,
        le=MAX_PRACTICES,
        description="A PCT's number of GP practices (PCTs only).",
    )


class OrganisationRead(BaseModel):
    id: int
    code: str
    name: str
    kind: OrganisationKind
    parent_code: str | None
    population: int | None
    practice_count: int | None = None


class OrganisationUpdate(BaseModel):
    """Fields to change; those left out stay as they are. The code and the kind never
    change. ``version`` guards against overwriting someone else's change."""

    model_config = ConfigDict(extra="forbid")

    name: OrganisationName | None = None
    parent_code: str | None = Field(default=None, max_length=12)
    population: int | None = Field(default=None, ge=0, le=100_000_000)
    practice_count: int | None = Field(
        default=None,
        ge=0,
        le=MAX_PRACTICES,
        description="A PCT's number of GP practices (PCTs only); null when not declared.",
    )
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class OrganisationDetail(OrganisationRead):
    """One organisation, with the version to send back with a change."""

    version: int
