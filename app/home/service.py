"""Figures for the landing page."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from app.assessments.models import Assessment, AssessmentStatus
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind


@dataclass(frozen=True)
class Overview:
    shas: int
    pcts: int
    evidence_items: int
    assessments_by_status: dict[AssessmentStatus, int]


def overview(session: Session) -> Overview:
    """Counts for the landing page, in three queries whatever the data size."""
    kinds = dict(
        session.exec(select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)).all()
    )
    evidence_items = session.exec(select(sa.func.count()).select_from(EvidenceItem)).one()
    by_status = dict(
        session.exec(select(Assessment.status, sa.func.count()).group_by(Assessment.status)).all()
    )
    return Overview(
        shas=kinds.get(OrganisationKind.SHA, 0),
        pcts=kinds.get(OrganisationKind.PCT, 0),
        evidence_items=evidence_items,
        assessments_by_status={status: by_status.get(status, 0) for status in AssessmentStatus},
    )
