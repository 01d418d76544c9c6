"""Every read of the PBC register: a group the actor may read (by its code), its register
entry, its member practices and business cases, and the overview of every group an actor may
read. Each in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import repository as assessments
from app.errors import NotFound
from app.organisations.models import Organisation, OrganisationKind
from app.pbc.models import BusinessCase, PbcRegister
from app.permissions import organisation_scope, pbc_group_scope

KIND_WORDS = {
    OrganisationKind.SHA: "a strategic health authority",
    OrganisationKind.PCT: "a PCT",
    OrganisationKind.PRACTICE: "a practice",
}


@dataclass(frozen=True)
class GroupRow:
    """A PBC group with its PCT, its register entry (if any), how many member practices are
    recorded, and its business cases (newest submitted first)."""

    group: Organisation
    pct: Organisation
    entry: PbcRegister | None
    practices_recorded: int
    cases: tuple[BusinessCase, ...]


def _pct_alias() -> type[Organisation]:
    return aliased(Organisation, name="pct")  # type: ignore[return-value]


def group_by_code(session: Session, actor: Actor, code: str) -> tuple[Organisation, Organisation]:
    """The PBC group with this code and its PCT, if the actor may read its register: one
    statement (two when refused, to say why in words)."""
    pct = _pct_alias()
    found = session.exec(
        select(Organisation, pct)
        .join(pct, col(pct.id) == Organisation.parent_id)
        .where(
            sa.func.upper(col(Organisation.code)) == code.strip().upper(),
            col(Organisation.kind) == OrganisationKind.PBC_GROUP,
            pbc_group_scope(actor),
        )
    ).first()
    if found is not None:
        return found[0], found[1]
    other = session.exec(
        select(Organisation).where(
            sa.func.upper(col(Organisation.code)) == code.strip().upper(),
            col(Organisation.kind) != OrganisationKind.PBC_GROUP,
            organisation_scope(actor),
        )
    ).first()
    if other is not None:
        raise NotFound(
            f"{other.name} ({other.code}) is {KIND_WORDS[other.kind]}, not a PBC group: give "
            "the code of a PBC group"
        )
    raise NotFound(f"PBC group {code} not found")


def register_of(session: Session, group_id: int, *, for_update: bool = False) -> PbcRegister | None:
    statement = select(PbcRegister).where(col(PbcRegister.group_id) == group_id)
    if for_update:
        statement = statement.with_for_update()
    return session.exec(statement).first()


def practices_of(session: Session, group_id: int) -> list[Organisation]:
    """The group's member practices, by name."""
    return list(
        session.exec(
            select(Organisation)
            .where(
                col(Organisation.parent_id) == group_id,
                col(Organisation.kind) == OrganisationKind.PRACTICE,
            )
            .order_by(col(Organisation.name), col(Organisation.id))
        ).all()
    )


def _case_order() -> tuple[sa.ColumnElement[object], ...]:
    return (col(BusinessCase.submitted_on).desc(), col(BusinessCase.id).desc())


def cases_of(session: Session, group_ids: Sequence[int]) -> dict[int, list[BusinessCase]]:
    """The groups' business cases, newest submitted first, by group: one statement."""
    found: dict[int, list[BusinessCase]] = defaultdict(list)
    if group_ids:
        for case in session.exec(
            select(BusinessCase)
            .where(col(BusinessCase.group_id).in_(list(group_ids)))
            .order_by(col(BusinessCase.group_id), *_case_order())
        ).all():
            found[case.group_id].append(case)
    return found


def case_in(
    session: Session, group: Organisation, case_id: int, *, for_update: bool = False
) -> BusinessCase:
    """One business case of the group (404 if it has no such case)."""
    statement = select(BusinessCase).where(
        col(BusinessCase.id) == case_id, col(BusinessCase.group_id) == group.id
    )
    if for_update:
        statement = statement.with_for_update()
    case = session.exec(statement).first()
    if case is None:
        raise NotFound(f"Business case {case_id} not found in {group.name} ({group.code})")
    return case


def names(session: Session, user_ids: Sequence[int | None]) -> dict[int, str]:
    return assessments.names(session, user_ids)


def groups(session: Session, actor: Actor, *, pct_id: int | None = None) -> list[GroupRow]:
    """Every PBC group the actor may read (of one PCT, if given), by PCT and then by name,
    each with its register entry, member practices recorded and business cases: three
    statements however many groups there are."""
    pct = _pct_alias()
    member = aliased(Organisation, name="member")
    practices = (
        select(sa.func.count(col(member.id)))
        .where(
            col(member.parent_id) == Organisation.id,
            col(member.kind) == OrganisationKind.PRACTICE,
        )
        .scalar_subquery()
    )
    statement = (
        select(Organisation, pct, PbcRegister, practices)
        .join(pct, col(pct.id) == Organisation.parent_id)
        .outerjoin(PbcRegister, col(PbcRegister.group_id) == Organisation.id)
        .where(col(Organisation.kind) == OrganisationKind.PBC_GROUP, pbc_group_scope(actor))
        .order_by(col(pct.name), col(Organisation.name), col(Organisation.id))
    )
    if pct_id is not None:
        statement = statement.where(col(Organisation.parent_id) == pct_id)
    rows = session.exec(statement).all()
    cases = cases_of(session, [g.id for g, *_rest in rows if g.id is not None])
    return [
        GroupRow(g, p, entry, int(count or 0), tuple(cases.get(g.id or 0, ())))
        for g, p, entry, count in rows
    ]
