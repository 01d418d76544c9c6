"""Reads of assessments, always through the actor's scope."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments.models import Assessment, EvidenceSnapshot
from app.cycles.models import Cycle
from app.evidence.models import EvidenceCompetency, EvidenceItem
from app.organisations.models import Organisation
from app.permissions import assessment_scope


def visible_assessments(actor: Actor) -> sa.Select[tuple[Assessment]]:
    return select(Assessment).where(assessment_scope(actor))


def summaries(
    session: Session, statement: sa.Select[tuple[Assessment]]
) -> list[tuple[Assessment, Organisation, Cycle]]:
    """Each assessment with its PCT and cycle, in one query."""
    combined = select(Assessment, Organisation, Cycle)
    if statement.whereclause is not None:
        combined = combined.where(statement.whereclause)
    rows = session.exec(
        combined.join(Organisation, col(Organisation.id) == Assessment.organisation_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .order_by(col(Cycle.opens_on).desc(), col(Organisation.name))
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def evidence_counts(session: Session, organisation_id: int) -> dict[int, int]:
    """How many of the PCT's evidence items are linked to each competency."""
    return dict(
        session.exec(
            select(EvidenceCompetency.competency_number, sa.func.count())
            .join(EvidenceItem, col(EvidenceItem.id) == EvidenceCompetency.evidence_id)
            .where(col(EvidenceItem.organisation_id) == organisation_id)
            .group_by(EvidenceCompetency.competency_number)
        ).all()
    )


def presented_evidence_ids(session: Session, assessment_id: int) -> list[int]:
    return list(
        session.exec(
            select(EvidenceSnapshot.evidence_id)
            .where(col(EvidenceSnapshot.assessment_id) == assessment_id)
            .order_by(EvidenceSnapshot.evidence_id)
        ).all()
    )
