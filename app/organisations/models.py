"""Organisations: strategic health authorities, PCTs, PBC groups and practices."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column


class OrganisationKind(StrEnum):
    SHA = "sha"
    PCT = "pct"
    PBC_GROUP = "pbc_group"
    PRACTICE = "practice"


# Which kinds of organisation may be the parent of each kind.
ALLOWED_PARENT_KINDS: dict[OrganisationKind, frozenset[OrganisationKind]] = {
    OrganisationKind.SHA: frozenset(),
    OrganisationKind.PCT: frozenset({OrganisationKind.SHA}),
    OrganisationKind.PBC_GROUP: frozenset({OrganisationKind.PCT}),
    OrganisationKind.PRACTICE: frozenset({OrganisationKind.PCT, OrganisationKind.PBC_GROUP}),
}


# No PCT had more GP practices than this; a larger number is a typing error.
MAX_PRACTICES = 2_000


class OrganisationBase(SQLModel):
    code: str = Field(max_length=12, min_length=2, unique=True)
    name: str = Field(max_length=200, min_length=1)
    kind: OrganisationKind = Field(sa_type=enum_column(OrganisationKind, "organisation_kind"))
    population: int | None = Field(default=None, ge=0)
    # A PCT's number of GP practices, as it declares it: the limit for "practices involved"
    # and the share of practices engaged, when not every practice is recorded by name.
    practice_count: int | None = Field(default=None, ge=0)


_organisation_version = version_column()


class Organisation(OrganisationBase, table=True):
    __tablename__ = "organisation"
    __table_args__ = (
        sa.CheckConstraint("population IS NULL OR population >= 0", name="population_not_negative"),
        sa.CheckConstraint(
            "practice_count IS NULL OR practice_count >= 0", name="practice_count_not_negative"
        ),
        sa.CheckConstraint("(kind = 'sha') = (parent_id IS NULL)", name="parent_unless_sha"),
    )

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_organisation_version)

    __mapper_args__ = {"version_id_col": _organisation_version}
