"""Evidence items, the competencies each supports, and their attachments."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column

COMPETENCY_RANGE_SQL = "competency_number BETWEEN 1 AND 11"


class EvidenceKind(StrEnum):
    DOCUMENT = "document"
    MINUTES = "minutes"
    ENGAGEMENT = "engagement"
    DATA = "data"
    CASE_STUDY = "case_study"
    CONTRACT = "contract"
    PLAN = "plan"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.DOCUMENT: "Document",
    EvidenceKind.MINUTES: "Minutes",
    EvidenceKind.ENGAGEMENT: "Engagement",
    EvidenceKind.DATA: "Data",
    EvidenceKind.CASE_STUDY: "Case study",
    EvidenceKind.CONTRACT: "Contract",
    EvidenceKind.PLAN: "Plan",
    EvidenceKind.OTHER: "Other",
}


class EvidenceItemBase(SQLModel):
    title: str = Field(max_length=200, min_length=1)
    description: str = Field(default="", sa_type=sa.Text)
    kind: EvidenceKind = Field(sa_type=enum_column(EvidenceKind, "evidence_kind"))
    occurred_on: date
    url: str | None = Field(default=None, max_length=2000)
    clinicians_involved: int | None = Field(default=None, ge=0)
    practices_involved: int | None = Field(default=None, ge=0)


_evidence_item_version = version_column()


class EvidenceItem(EvidenceItemBase, table=True):
    __tablename__ = "evidence_item"
    __table_args__ = (
        sa.CheckConstraint(
            "clinicians_involved IS NULL OR clinicians_involved >= 0",
            name="clinicians_not_negative",
        ),
        sa.CheckConstraint(
            "practices_involved IS NULL OR practices_involved >= 0",
            name="practices_not_negative",
        ),
        sa.Index("ix_evidence_item_organisation_id_occurred_on", "organisation_id", "occurred_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    practice_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    author_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_evidence_item_version)

    __mapper_args__ = {"version_id_col": _evidence_item_version}


class EvidenceCompetency(SQLModel, table=True):
    """Links an evidence item to a competency it supports."""

    __tablename__ = "evidence_competency"
    __table_args__ = (
        sa.CheckConstraint(COMPETENCY_RANGE_SQL, name="competency_number_range"),
        sa.Index("ix_evidence_competency_competency_number", "competency_number", "evidence_id"),
    )

    evidence_id: int = Field(foreign_key="evidence_item.id", primary_key=True, ondelete="CASCADE")
    competency_number: int = Field(primary_key=True, ge=1)


class CompetencyEvidenceCount(SQLModel, table=True):
    """How many of a PCT's evidence items are linked to each competency, so that readiness
    costs the same however much evidence a PCT has gathered. Kept by database triggers on
    ``evidence_competency`` (see the migration); the application only reads it, and backups
    leave it out (it is rebuilt as the links are restored)."""

    __tablename__ = "competency_evidence_count"

    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )
    competency_number: int = Field(primary_key=True)
    items: int = Field(default=0)


class Attachment(SQLModel, table=True):
    """A file attached to an evidence item, stored by content hash."""

    __tablename__ = "attachment"
    __table_args__ = (sa.CheckConstraint("size >= 0", name="size_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=120)
    size: int
    sha256: str = Field(max_length=64, min_length=64, index=True)
    uploaded_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
