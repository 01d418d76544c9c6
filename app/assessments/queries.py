"""Reads of assessments, always through the actor's scope."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments.models import Assessment, EvidenceSnapshot
from app.cycles.models import Cycle
from app.evidence.models import CompetencyEvidenceCount
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
    """How many of the PCT's evidence items are linked to each competency (from the tally the
    database keeps: eleven rows at most, however much evidence there is)."""
    return dict(
        session.exec(
            select(CompetencyEvidenceCount.competency_number, CompetencyEvidenceCount.items).where(
                col(CompetencyEvidenceCount.organisation_id) == organisation_id,
                col(CompetencyEvidenceCount.items) > 0,
            )
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
