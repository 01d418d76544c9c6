"""Cycle commands and look-ups."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from app import audit
from app.actors import Actor
from app.cycles.models import Cycle
from app.db import begin_write
from app.errors import Conflict, InvalidInput, NotFound
from app.framework import service as framework_service
from app.permissions import Action, require


def find_by_name(session: Session, name: str) -> Cycle | None:
    return session.exec(select(Cycle).where(Cycle.name == name.strip())).first()


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
    if submission_due < opens_on:
        raise InvalidInput(
            "The submission deadline must not be before the cycle opens", field="submission_due"
        )
    if review_due < submission_due:
        raise InvalidInput(
            "The review deadline must not be before the submission deadline", field="review_due"
        )
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
