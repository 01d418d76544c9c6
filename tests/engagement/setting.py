"""A PCT with one PBC group of two practices and two practices directly under it, and evidence
put straight into the database (the rules read rows, however they were logged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from app.evidence.models import EvidenceCompetency, EvidenceItem, EvidenceKind
from app.organisations.models import Organisation, OrganisationKind
from tests import factories


@dataclass
class Setting:
    pct: Organisation
    group: Organisation
    in_group: tuple[Organisation, Organisation]
    direct: tuple[Organisation, Organisation]
    start: date
    end: date


def build(session: Session, world) -> Setting:
    """PCT a's units: ``world.practice`` (directly under it) and three more."""
    pct = world.a.pct
    group = factories.make_organisation(
        session, kind=OrganisationKind.PBC_GROUP, parent=pct, name="Aire Valley Group"
    )
    first = factories.make_practice(session, parent=group, name="Beck Lane Surgery")
    second = factories.make_practice(session, parent=group, name="Church Street Practice")
    other = factories.make_practice(session, parent=pct, name="Dale View Surgery")
    start, end = world.cycle.period
    return Setting(pct, group, (first, second), (world.practice, other), start, end)


def item(
    session: Session,
    world,
    *,
    on: date,
    unit: Organisation | None = None,
    clinicians: int | None = None,
    practices: int | None = None,
    pct: Organisation | None = None,
    competencies: tuple[int, ...] = (4,),
) -> EvidenceItem:
    pct = pct or world.a.pct
    logged = EvidenceItem(
        organisation_id=pct.id,
        title=f"Meeting on {on}",
        kind=EvidenceKind.ENGAGEMENT,
        occurred_on=on,
        practice_id=unit.id if unit else None,
        clinicians_involved=clinicians,
        practices_involved=practices,
        author_id=world.a.clinician.id,
    )
    session.add(logged)
    session.flush()
    session.add_all(
        EvidenceCompetency(evidence_id=logged.id, competency_number=n) for n in competencies
    )
    session.commit()
    return logged


DAY = timedelta(days=1)
