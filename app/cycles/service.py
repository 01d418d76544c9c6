"""Cycle commands and look-ups."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.actors import Actor
from app.assessments.models import Assessment
from app.audit import service as audit_service
from app.cycles.models import Cycle
from app.cycles.schemas import CycleUpdate
from app.db import begin_write
from app.errors import Conflict, InvalidInput, NotFound, StaleEdit
from app.framework import service as framework_service
from app.permissions import Action, require
from app.wording import count, long_date


def find_by_name(session: Session, name: str) -> Cycle | None:
    return session.exec(select(Cycle).where(Cycle.name == name.strip())).first()


def check_dates(
    opens_on: date,
    submission_due: date,
    review_due: date,
    *,
    changed: frozenset[str] = frozenset({"submission_due", "review_due"}),
) -> None:
    """Refuse dates out of order: the cycle opens, then submissions are due, then reviews.
    The refusal names a field among ``changed`` (those the user set), the later one first."""
    if submission_due < opens_on:
        if "submission_due" in changed:
            raise InvalidInput(
                "The submission deadline must not be before the cycle opens",
                field="submission_due",
            )
        raise InvalidInput(
            f"The cycle must open by its submission deadline, {long_date(submission_due)}",
            field="opens_on",
        )
    if review_due < submission_due:
        if "review_due" in changed:
            raise InvalidInput(
                "The review deadline must not be before the submission deadline",
                field="review_due",
            )
        raise InvalidInput(
            f"The submission deadline must not be after the review deadline, "
            f"{long_date(review_due)}",
            field="submission_due",
        )


def create_cycle(
    session: Session,
    actor: Actor,
    *,
    name: str,
    opens_on: date,
    submission_due: date,
    review_due: date,
    framework_version: str | None = None,
    assessed_competencies: list[int] | None = None,
    provisional_step: bool = False,
) -> Cycle:
    begin_write(session)
    require(actor, Action.MANAGE_CYCLES)
    name = name.strip()
    if not name:
        raise InvalidInput("Cycle name must not be empty", field="name")
    check_dates(opens_on, submission_due, review_due)
    if find_by_name(session, name) is not None:
        raise Conflict(f"Cycle {name!r} already exists", field="name")
    try:
        loaded = (
            framework_service.get_loaded_framework(framework_version)
            if framework_version
            else framework_service.current_framework()
        )
    except NotFound as missing:
        known = ", ".join(sorted(framework_service.loaded_frameworks()))
        raise NotFound(
            f"{missing.detail}; choose one of {known}", field="framework_version"
        ) from None
    numbers = loaded.framework.numbers
    assessed = sorted(set(assessed_competencies or numbers))
    unknown = [n for n in assessed if n not in numbers]
    if unknown:
        raise InvalidInput(
            f"Competency {unknown[0]} is not in {loaded.framework.version}; its competencies "
            f"are numbered {loaded.framework.numbers_text()}",
            field="assessed_competencies",
        )
    cycle = Cycle(
        name=name,
        assessed_competencies=assessed,
        provisional_step=provisional_step,
        opens_on=opens_on,
        submission_due=submission_due,
        review_due=review_due,
        framework_version=loaded.framework.version,
        framework_sha256=loaded.sha256,
    )
    session.add(cycle)
    session.flush()
    assert cycle.id is not None
    audit.record(
        session,
        actor,
        entity="cycle",
        entity_id=cycle.id,
        action="create",
        after=audit.snapshot(cycle),
    )
    session.commit()
    return cycle


def list_cycles(session: Session) -> list[Cycle]:
    return list(session.exec(select(Cycle).order_by(col(Cycle.opens_on).desc())).all())


def get_cycle(session: Session, cycle_id: int) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound(f"Cycle {cycle_id} not found")
    return cycle


def submitted_count(session: Session, cycle_id: int) -> int:
    """How many assessments of the cycle have been submitted to their SHA, ever."""
    return session.exec(
        select(func.count())
        .select_from(Assessment)
        .where(col(Assessment.cycle_id) == cycle_id, col(Assessment.submitted_at).is_not(None))
    ).one()


def update_cycle(session: Session, actor: Actor, cycle_id: int, *, data: CycleUpdate) -> Cycle:
    """Administrators: rename a cycle, move its dates (kept in order), or choose whether the
    SHA shares provisional ratings first, while no assessment of it has been submitted (every
    PCT of a cycle goes through the same steps)."""
    begin_write(session)
    require(actor, Action.MANAGE_CYCLES)
    cycle = get_cycle(session, cycle_id)
    if data.version is not None and data.version != cycle.version:
        who = audit_service.last_changed_by(session, "cycle", cycle_id)
        raise StaleEdit(
            f"Cycle {cycle.name} was changed by {who or 'someone else'} since you read it "
            f"(version {cycle.version}, you had {data.version}); reload and try again",
            changed_by=who,
            current=audit.snapshot(cycle),
            current_version=cycle.version,
        )
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for required in ("name", "opens_on", "submission_due", "review_due", "provisional_step"):
        if required in changes and changes[required] is None:
            raise InvalidInput(
                f"{required.replace('_', ' ').capitalize()} cannot be empty", field=required
            )
    before = audit.snapshot(cycle)
    if "name" in changes:
        name = changes["name"].strip()
        if not name:
            raise InvalidInput("Cycle name must not be empty", field="name")
        other = find_by_name(session, name)
        if other is not None and other.id != cycle.id:
            raise Conflict(f"Cycle {name!r} already exists", field="name")
        cycle.name = name
    dates = {
        field: changes.get(field, getattr(cycle, field))
        for field in ("opens_on", "submission_due", "review_due")
    }
    check_dates(**dates, changed=frozenset(changes))
    cycle.opens_on = dates["opens_on"]
    cycle.submission_due = dates["submission_due"]
    cycle.review_due = dates["review_due"]
    step = changes.get("provisional_step", cycle.provisional_step)
    if step != cycle.provisional_step:
        submitted = submitted_count(session, cycle_id)
        if submitted:
            raise Conflict(
                f"{count(submitted, 'assessment')} of {cycle.name} "
                f"{'has' if submitted == 1 else 'have'} been submitted: whether the SHA shares "
                "provisional ratings first cannot change now, so that every PCT of the cycle "
                "goes through the same steps",
                field="provisional_step",
            )
        cycle.provisional_step = step
    session.add(cycle)
    session.flush()
    audit.record(
        session,
        actor,
        entity="cycle",
        entity_id=cycle_id,
        action="update",
        before=before,
        after=audit.snapshot(cycle),
    )
    session.commit()
    return cycle
