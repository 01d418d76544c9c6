"""The PBC register: the PCT's lead (or an administrator) keeps each PBC group's register
entry and its business cases; the PCT's people, the group's own clinicians and the SHA's
reviewers read them. Each command commits once, with its audit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from app import audit
from app.actors import Actor
from app.db import utcnow
from app.errors import InvalidInput, NotFound
from app.organisations.models import Organisation
from app.pbc import repository
from app.pbc.models import BusinessCase, Decision, PbcRegister
from app.pbc.repository import GroupRow
from app.pbc.schemas import BusinessCaseCreate, BusinessCaseUpdate, RegisterWrite
from app.permissions import require_pbc_keeper
from app.versions import check_version
from app.wording import long_date, today_in_england

EARLIEST = date(2004, 1, 1)
"""No PBC date can be before this: practice-based commissioning began in 2005."""


@dataclass(frozen=True)
class GroupRecord:
    """One group's register as read: the group, its PCT, its entry (None until recorded),
    member practices, business cases (newest submitted first) and the people's names."""

    group: Organisation
    pct: Organisation
    entry: PbcRegister | None
    practices: tuple[Organisation, ...]
    cases: tuple[BusinessCase, ...]
    names: dict[int, str]

    def name(self, user_id: int | None) -> str | None:
        return self.names.get(user_id or 0)


# Checks (no writes) --------------------------------------------------------------------------


def _check_day(day: date | None, *, field: str, what: str, today: date) -> None:
    if day is None:
        return
    if day > today:
        raise InvalidInput(f"{what} cannot be after today ({long_date(today)})", field=field)
    if day < EARLIEST:
        raise InvalidInput(
            f"{what} cannot be before {long_date(EARLIEST)}: practice-based commissioning "
            "began in 2005",
            field=field,
        )


def check_case(
    *,
    submitted_on: date,
    decided_on: date | None,
    decision: Decision | None,
    implemented_on: date | None,
    today: date,
) -> None:
    """The rules between a business case's dates and its decision, each refusal naming the
    field to correct."""
    _check_day(submitted_on, field="submitted_on", what="The date it was submitted", today=today)
    if decision is not None and decided_on is None:
        raise InvalidInput(
            "Give the date of the decision (decided_on) with the decision", field="decided_on"
        )
    if decided_on is not None and decision is None:
        raise InvalidInput(
            "Give the decision (approved, rejected or deferred) with its date", field="decision"
        )
    if decided_on is not None and decided_on < submitted_on:
        raise InvalidInput(
            "The date of the decision (decided_on) cannot be before the business case was "
            f"submitted, on {long_date(submitted_on)}",
            field="decided_on",
        )
    _check_day(decided_on, field="decided_on", what="The date of the decision", today=today)
    if implemented_on is None:
        return
    if decided_on is None:
        raise InvalidInput(
            "A business case is put into effect after the PCT's decision: give the decision "
            "and its date before the date it was put into effect (implemented_on)",
            field="implemented_on",
        )
    if decision is not Decision.APPROVED:
        raise InvalidInput(
            "Only an approved business case is put into effect: leave the date it was put "
            "into effect (implemented_on) empty",
            field="implemented_on",
        )
    if implemented_on < decided_on:
        raise InvalidInput(
            "The date it was put into effect (implemented_on) cannot be before the decision, "
            f"on {long_date(decided_on)}",
            field="implemented_on",
        )
    _check_day(
        implemented_on, field="implemented_on", what="The date it was put into effect", today=today
    )


def check_register(data: RegisterWrite, *, today: date) -> None:
    if data.budget_shared_on is not None and data.indicative_budget is None:
        raise InvalidInput(
            "Give the indicative budget (indicative_budget) with the date it was shared",
            field="indicative_budget",
        )
    _check_day(
        data.budget_shared_on,
        field="budget_shared_on",
        what="The date the budget was shared",
        today=today,
    )


def _audit(
    session: Session,
    actor: Actor,
    group: Organisation,
    row: PbcRegister | BusinessCase,
    *,
    entity: str,
    before: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor,
        entity=entity,
        entity_id=row.id or 0,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(row),
        organisation_id=group.parent_id,
    )


def kept_group(session: Session, actor: Actor, code: str) -> tuple[Organisation, Organisation]:
    """The group and its PCT, once the actor may read it (404) and keeps its register (403)."""
    group, pct = repository.group_by_code(session, actor, code)
    require_pbc_keeper(actor, group)
    return group, pct


# Commands ------------------------------------------------------------------------------------


def check_register_write(
    session: Session, actor: Actor, code: str, *, data: RegisterWrite
) -> RegisterWrite:
    """What ``put_register`` would refuse, without saving: for the check-answers page."""
    kept_group(session, actor, code)
    check_register(data, today=today_in_england())
    return data


def put_register(session: Session, actor: Actor, code: str, *, data: RegisterWrite) -> PbcRegister:
    """Record or replace the group's register entry."""
    group, _ = kept_group(session, actor, code)
    check_register(data, today=today_in_england())
    entry = repository.register_of(session, group.id or 0, for_update=True)
    now = utcnow()
    before = None
    if entry is None:
        entry = PbcRegister(group_id=group.id or 0, created_at=now, gp_count=0, list_size=0)
    else:
        check_version(session, entry, data.version, f"The register entry of {group.name}")
        before = audit.snapshot(entry)
    for name in (
        "practice_count",
        "gp_count",
        "list_size",
        "indicative_budget",
        "budget_shared_on",
        "earned_autonomy",
    ):
        setattr(entry, name, getattr(data, name))
    entry.updated_by_id = actor.user_id
    entry.updated_at = now
    session.add(entry)
    session.flush()
    _audit(session, actor, group, entry, entity="pbc_register", before=before)
    session.commit()
    return entry


def check_new_case(
    session: Session, actor: Actor, code: str, *, data: BusinessCaseCreate
) -> BusinessCaseCreate:
    """What ``add_case`` would refuse, without adding anything."""
    kept_group(session, actor, code)
    check_case(
        submitted_on=data.submitted_on,
        decided_on=data.decided_on,
        decision=data.decision,
        implemented_on=data.implemented_on,
        today=today_in_england(),
    )
    return data


def add_case(
    session: Session, actor: Actor, code: str, *, data: BusinessCaseCreate
) -> BusinessCase:
    """Record a business case the group put to the PCT."""
    check_new_case(session, actor, code, data=data)
    group, _ = repository.group_by_code(session, actor, code)
    now = utcnow()
    case = BusinessCase(
        group_id=group.id or 0,
        title=data.title,
        submitted_on=data.submitted_on,
        decided_on=data.decided_on,
        decision=data.decision,
        implemented_on=data.implemented_on,
        freed_up_resources=data.freed_up_resources,
        created_by_id=actor.user_id,
        created_at=now,
        updated_by_id=actor.user_id,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    _audit(session, actor, group, case, entity="business_case", before=None)
    session.commit()
    return case


def _changed(case: BusinessCase, data: BusinessCaseUpdate) -> dict[str, Any]:
    return {name: value for name, value in data.changes().items() if value != getattr(case, name)}


def check_case_update(
    session: Session, actor: Actor, code: str, case_id: int, *, data: BusinessCaseUpdate
) -> BusinessCaseUpdate:
    """What ``update_case`` would refuse, without saving."""
    group, _ = kept_group(session, actor, code)
    case = repository.case_in(session, group, case_id)
    check_version(session, case, data.version, f"Business case {case_id}")
    _check_updated(case, data)
    return data


def _check_updated(case: BusinessCase, data: BusinessCaseUpdate) -> None:
    after = {
        name: getattr(case, name)
        for name in ("submitted_on", "decided_on", "decision", "implemented_on")
    } | {
        k: v
        for k, v in data.changes().items()
        if k in ("submitted_on", "decided_on", "decision", "implemented_on")
    }
    check_case(**after, today=today_in_england())


def update_case(
    session: Session, actor: Actor, code: str, case_id: int, *, data: BusinessCaseUpdate
) -> BusinessCase:
    """Record the PCT's decision on a business case, when it was put into effect, what it
    freed up, or correct what it says."""
    group, _ = kept_group(session, actor, code)
    case = repository.case_in(session, group, case_id, for_update=True)
    check_version(session, case, data.version, f"Business case {case_id}")
    _check_updated(case, data)
    changes = _changed(case, data)
    if changes:
        before = audit.snapshot(case)
        for name, value in changes.items():
            setattr(case, name, value)
        case.updated_by_id = actor.user_id
        case.updated_at = utcnow()
        session.add(case)
        session.flush()
        _audit(session, actor, group, case, entity="business_case", before=before)
    session.commit()
    return case


# Reads ---------------------------------------------------------------------------------------


def group_record(session: Session, actor: Actor, code: str) -> GroupRecord:
    """The group's register entry, member practices and business cases: five statements."""
    group, pct = repository.group_by_code(session, actor, code)
    entry = repository.register_of(session, group.id or 0)
    practices = repository.practices_of(session, group.id or 0)
    cases = repository.cases_of(session, [group.id or 0]).get(group.id or 0, [])
    people = [entry.updated_by_id] if entry else []
    people += [p for c in cases for p in (c.created_by_id, c.updated_by_id)]
    return GroupRecord(
        group,
        pct,
        entry,
        tuple(practices),
        tuple(cases),
        repository.names(session, people),
    )


def business_case(
    session: Session, actor: Actor, code: str, case_id: int
) -> tuple[GroupRecord, BusinessCase]:
    record = group_record(session, actor, code)
    for case in record.cases:
        if case.id == case_id:
            return record, case
    raise NotFound(
        f"Business case {case_id} not found in {record.group.name} ({record.group.code})"
    )


def groups(session: Session, actor: Actor) -> list[GroupRow]:
    """Every PBC group the actor may read, with its register and business cases."""
    return repository.groups(session, actor)
