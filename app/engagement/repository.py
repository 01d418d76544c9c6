"""Every read of engagement: a PCT's PBC groups and practices, and its counted evidence
tallied by the practice or group it is attributed to. One statement each, whatever the
number of groups, practices and items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.engagement.rules import counted
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind


@dataclass(frozen=True)
class Tally:
    """Counted items and the clinician attendances they record."""

    events: int = 0
    clinicians: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.events + other.events, self.clinicians + other.clinicians)


def units_of(session: Session, pct_id: int) -> list[Organisation]:
    """The PCT's PBC groups and practices (those under a group as well), by name."""
    group = aliased(Organisation)
    in_a_group = (
        select(group.id)
        .where(col(group.parent_id) == pct_id, col(group.kind) == OrganisationKind.PBC_GROUP)
        .scalar_subquery()
    )
    return list(
        session.exec(
            select(Organisation)
            .where(
                col(Organisation.kind).in_([OrganisationKind.PBC_GROUP, OrganisationKind.PRACTICE]),
                sa.or_(
                    col(Organisation.parent_id) == pct_id,
                    col(Organisation.parent_id).in_(in_a_group),
                ),
            )
            .order_by(col(Organisation.name), col(Organisation.code))
        ).all()
    )


def tallies(
    session: Session, pct_id: int, period: tuple[date, date], unit_ids: Sequence[int]
) -> dict[int | None, Tally]:
    """The PCT's counted items in the period, by the practice or group they are attributed
    to (None: the PCT as a whole)."""
    clinicians = sa.func.coalesce(sa.func.sum(col(EvidenceItem.clinicians_involved)), 0)
    rows = session.execute(
        sa.select(col(EvidenceItem.practice_id), sa.func.count(), clinicians)
        .where(col(EvidenceItem.organisation_id) == pct_id, counted(period, unit_ids))
        .group_by(col(EvidenceItem.practice_id))
    ).all()
    return {unit_id: Tally(int(events), int(total)) for unit_id, events, total in rows}


def pcts(session: Session, *, sha_id: int | None = None) -> list[Organisation]:
    """The PCTs of an SHA (of every SHA without one), by name."""
    statement = select(Organisation).where(col(Organisation.kind) == OrganisationKind.PCT)
    if sha_id is not None:
        statement = statement.where(col(Organisation.parent_id) == sha_id)
    return list(session.exec(statement.order_by(col(Organisation.name))).all())
