"""Reads for the region page: the SHAs, and where each PCT's assessment stands in a cycle.

The statuses are read under ``permissions.assessment_status_scope`` and nothing but the
status is read with them; whether the reader may open an assessment (its content) is
``permissions.assessment_scope``, worked out by the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments.models import Assessment, AssessmentStatus
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import assessment_scope, assessment_status_scope


@dataclass(frozen=True)
class AssessmentState:
    """Where one PCT's assessment stands: its status, and whether the reader may open it.
    Never its content."""

    assessment_id: int
    organisation_id: int
    status: AssessmentStatus
    readable: bool
    """The reader may see the assessment itself (``permissions.assessment_scope``)."""


def states_in_cycle(
    session: Session, actor: Actor, cycle_id: int, organisation_ids: Sequence[int]
) -> dict[int, AssessmentState]:
    """The status of each of these PCTs' assessments in a cycle, by PCT id, in one
    statement."""
    readable = sa.case((assessment_scope(actor), sa.true()), else_=sa.false())
    rows = session.execute(
        sa.select(
            col(Assessment.id),
            col(Assessment.organisation_id),
            col(Assessment.status),
            readable.label("readable"),
        ).where(
            col(Assessment.cycle_id) == cycle_id,
            col(Assessment.organisation_id).in_(list(organisation_ids)),
            assessment_status_scope(actor),
        )
    )
    return {
        organisation_id: AssessmentState(
            assessment_id, organisation_id, AssessmentStatus(status), bool(is_readable)
        )
        for assessment_id, organisation_id, status, is_readable in rows
    }


def shas(session: Session) -> list[Organisation]:
    """Every SHA, by name."""
    return list(
        session.exec(
            select(Organisation)
            .where(col(Organisation.kind) == OrganisationKind.SHA)
            .order_by(Organisation.name)
        ).all()
    )
