"""Organisation commands and look-ups."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app import audit
from app.actors import Actor
from app.audit import service as audit_service
from app.db import begin_write
from app.errors import Conflict, InvalidInput, NotFound, StaleEdit
from app.organisations.models import ALLOWED_PARENT_KINDS, Organisation, OrganisationKind
from app.organisations.schemas import OrganisationUpdate
from app.permissions import Action, organisation_scope, require


def normalise_code(code: str) -> str:
    return code.strip().upper()


def find_by_code(session: Session, code: str) -> Organisation | None:
    return session.exec(
        select(Organisation).where(Organisation.code == normalise_code(code))
    ).first()


def get_by_code(session: Session, code: str) -> Organisation:
    organisation = find_by_code(session, code)
    if organisation is None:
        raise NotFound(f"Organisation {normalise_code(code)!r} not found")
    return organisation


def names_of(session: Session, ids: set[int]) -> dict[int, str]:
    """The names of organisations by id, in one statement (none without ids). A snapshot of
    evidence keeps its practice or PBC group by id; pages read the name here."""
    if not ids:
        return {}
    rows = session.exec(
        select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids))
    ).all()
    return {unit_id: name for unit_id, name in rows if unit_id is not None}


def pcts_of(session: Session, sha: Organisation) -> list[Organisation]:
    """The PCTs under an SHA, by name."""
    return list(
        session.exec(
            select(Organisation)
            .where(
                col(Organisation.parent_id) == sha.id,
                col(Organisation.kind) == OrganisationKind.PCT,
            )
            .order_by(Organisation.name)
        ).all()
    )


def practice_total(session: Session, pct: Organisation) -> int | None:
    """How many GP practices the PCT has: the number it declares, else the practices recorded
    under it and its PBC groups, else None (not known). One statement when not declared."""
    if pct.practice_count is not None:
        return pct.practice_count
    groups = select(Organisation.id).where(
        col(Organisation.parent_id) == pct.id,
        col(Organisation.kind) == OrganisationKind.PBC_GROUP,
    )
    recorded = session.exec(
        select(func.count())
        .select_from(Organisation)
        .where(
            col(Organisation.kind) == OrganisationKind.PRACTICE,
            or_(col(Organisation.parent_id) == pct.id, col(Organisation.parent_id).in_(groups)),
        )
    ).one()
    return recorded or None


def create_organisation(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: OrganisationKind,
    parent_code: str | None = None,
    population: int | None = None,
    practice_count: int | None = None,
) -> Organisation:
    begin_write(session)
    require(actor, Action.MANAGE_ORGANISATIONS)
    code = normalise_code(code)
    if not code:
        raise InvalidInput("Organisation code must not be empty", field="code")
    if find_by_code(session, code) is not None:
        raise Conflict(f"Organisation code {code!r} is already in use", field="code")
    if population is not None and population < 0:
        raise InvalidInput("Population must not be negative", field="population")
    if practice_count is not None and kind != OrganisationKind.PCT:
        raise InvalidInput("Only a PCT records its number of GP practices", field="practice_count")
    parent: Organisation | None = None
    allowed = ALLOWED_PARENT_KINDS[kind]
    if parent_code:
        parent = find_by_code(session, parent_code)
        if parent is None:
            raise InvalidInput(
                f"Parent organisation {normalise_code(parent_code)!r} not found",
                field="parent_code",
            )
        if parent.kind not in allowed:
            raise InvalidInput(
                f"A {kind.value} cannot belong to a {parent.kind.value}"
                + (f"; its parent must be a {' or '.join(sorted(allowed))}" if allowed else ""),
                field="parent_code",
            )
    elif allowed:
        raise InvalidInput(
            f"A {kind.value} needs a parent ({' or '.join(sorted(allowed))})", field="parent_code"
        )
    organisation = Organisation(
        code=code,
        name=name.strip(),
        kind=kind,
        parent_id=parent.id if parent else None,
        population=population,
        practice_count=practice_count,
    )
    session.add(organisation)
    session.flush()
    assert organisation.id is not None
    audit.record(
        session,
        actor,
        entity="organisation",
        entity_id=organisation.id,
        action="create",
        after=audit.snapshot(organisation),
        organisation_id=organisation.id,
    )
    session.commit()
    return organisation


def list_organisations(session: Session, actor: Actor) -> list[tuple[Organisation, str | None]]:
    """Visible organisations with their parent's code, in one query."""
    parent = aliased(Organisation)
    rows = session.exec(
        select(Organisation, parent.code)
        .outerjoin(parent, col(parent.id) == Organisation.parent_id)
        .where(organisation_scope(actor))
        .order_by(Organisation.kind, Organisation.code)
    ).all()
    return [(organisation, parent_code) for organisation, parent_code in rows]


def get_visible(session: Session, actor: Actor, code: str) -> tuple[Organisation, str | None]:
    """An organisation the actor may see, with its parent's code (404 otherwise)."""
    parent = aliased(Organisation)
    row = session.exec(
        select(Organisation, parent.code)
        .outerjoin(parent, col(parent.id) == Organisation.parent_id)
        .where(Organisation.code == normalise_code(code), organisation_scope(actor))
    ).first()
    if row is None:
        raise NotFound(f"Organisation {normalise_code(code)!r} not found")
    return row[0], row[1]


def _pct_id_of(session: Session, organisation: Organisation | None) -> int | None:
    """The PCT an organisation is, or lies within (None for an SHA)."""
    while organisation is not None and organisation.kind is not OrganisationKind.PCT:
        if organisation.parent_id is None:
            return None
        organisation = session.get(Organisation, organisation.parent_id)
    return organisation.id if organisation is not None else None


def _new_parent(
    session: Session, organisation: Organisation, parent_code: str | None
) -> int | None:
    """The id of the parent ``parent_code`` names for ``organisation``, if the move keeps the
    rules: an SHA has no parent; a PCT belongs to an SHA; a practice or PBC group stays
    within its PCT, where its evidence, clinicians and register belong."""
    kind = organisation.kind
    allowed = ALLOWED_PARENT_KINDS[kind]
    if not allowed:
        if parent_code:
            raise InvalidInput(
                "A strategic health authority belongs to no other organisation",
                field="parent_code",
            )
        return None
    if not parent_code:
        raise InvalidInput(
            f"A {kind.value} needs a parent ({' or '.join(sorted(allowed))})", field="parent_code"
        )
    parent = find_by_code(session, parent_code)
    if parent is None:
        raise InvalidInput(
            f"Parent organisation {normalise_code(parent_code)!r} not found", field="parent_code"
        )
    if parent.kind not in allowed:
        raise InvalidInput(
            f"A {kind.value} cannot belong to a {parent.kind.value}; its parent must be a "
            f"{' or '.join(sorted(allowed))}",
            field="parent_code",
        )
    if kind is not OrganisationKind.PCT and parent.id != organisation.parent_id:
        current = session.get(Organisation, organisation.parent_id or 0)
        if _pct_id_of(session, parent) != _pct_id_of(session, current):
            raise InvalidInput(
                f"A {kind.value.replace('_', ' ')} stays within its PCT: its evidence, "
                "clinicians and PBC register belong there. Choose the PCT or one of its PBC "
                "groups",
                field="parent_code",
            )
    return parent.id


def update_organisation(
    session: Session, actor: Actor, code: str, *, data: OrganisationUpdate
) -> Organisation:
    """Administrators: rename an organisation, move it under another parent that the rules
    allow, or correct its population or number of GP practices. The code and kind stay."""
    begin_write(session)
    require(actor, Action.MANAGE_ORGANISATIONS)
    organisation = get_by_code(session, code)
    assert organisation.id is not None
    if data.version is not None and data.version != organisation.version:
        who = audit_service.last_changed_by(session, "organisation", organisation.id)
        raise StaleEdit(
            f"{organisation.name} was changed by {who or 'someone else'} since you read it "
            f"(version {organisation.version}, you had {data.version}); reload and try again",
            changed_by=who,
            current=audit.snapshot(organisation),
            current_version=organisation.version,
        )
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    before = audit.snapshot(organisation)
    if "name" in changes:
        if changes["name"] is None or not changes["name"].strip():
            raise InvalidInput("Enter a name", field="name")
        organisation.name = changes["name"].strip()
    if "parent_code" in changes:
        organisation.parent_id = _new_parent(session, organisation, changes["parent_code"])
    if "population" in changes:
        organisation.population = changes["population"]
    if "practice_count" in changes:
        if changes["practice_count"] is not None and organisation.kind != OrganisationKind.PCT:
            raise InvalidInput(
                "Only a PCT records its number of GP practices", field="practice_count"
            )
        organisation.practice_count = changes["practice_count"]
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        actor,
        entity="organisation",
        entity_id=organisation.id,
        action="update",
        before=before,
        after=audit.snapshot(organisation),
        organisation_id=organisation.id,
    )
    session.commit()
    return organisation
