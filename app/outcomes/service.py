"""Outcome commands: a PCT's chosen measures, their actual values by year, and
which an assessment presents (part of readiness: at least one)."""

from __future__ import annotations

from sqlmodel import Session, col, delete, func, select

from app import audit
from app.actors import Actor
from app.assessments.service import lock, require_pct_edit, touch
from app.db import begin_write, utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.service import normalise_code
from app.outcomes.models import (
    LOCAL_SOURCES,
    MAX_LOCAL_OUTCOMES,
    Outcome,
    OutcomeActual,
    PresentedOutcome,
)
from app.outcomes.schemas import OutcomeWrite
from app.permissions import Action, acts_for_pct, organisation_scope, require


def visible_pct(session: Session, actor: Actor, code: str) -> Organisation:
    """The PCT, if the actor may see it (404 otherwise)."""
    organisation = session.exec(
        select(Organisation).where(
            col(Organisation.code) == normalise_code(code), organisation_scope(actor)
        )
    ).first()
    if organisation is None or organisation.kind is not OrganisationKind.PCT:
        raise NotFound(f"PCT {normalise_code(code)!r} not found")
    return organisation


def _own_pct(session: Session, actor: Actor, code: str) -> Organisation:
    require(actor, Action.MANAGE_OUTCOMES)
    organisation = visible_pct(session, actor, code)
    if not acts_for_pct(actor, organisation.id or 0):
        raise NotFound(f"PCT {normalise_code(code)!r} not found")
    return organisation


def create_outcome(session: Session, actor: Actor, code: str, *, data: OutcomeWrite) -> Outcome:
    begin_write(session)
    organisation = _own_pct(session, actor, code)
    assert organisation.id is not None
    if data.source in LOCAL_SOURCES:
        local = session.exec(
            select(func.count())
            .select_from(Outcome)
            .where(
                col(Outcome.organisation_id) == organisation.id,
                col(Outcome.source).in_(list(LOCAL_SOURCES)),
            )
        ).one()
        if local >= MAX_LOCAL_OUTCOMES:
            raise Conflict(
                f"{organisation.code} already keeps {MAX_LOCAL_OUTCOMES} local outcome measures, "
                "the most allowed; choose among them",
                field="source",
            )
    duplicate = session.exec(
        select(Outcome.id).where(
            col(Outcome.organisation_id) == organisation.id,
            func.lower(Outcome.title) == data.title.lower(),
        )
    ).first()
    if duplicate is not None:
        raise Conflict(
            f"{organisation.code} already has an outcome called {data.title!r}", field="title"
        )
    outcome = Outcome(
        organisation_id=organisation.id,
        title=data.title,
        indicator=data.indicator,
        source=data.source,
        unit=data.unit,
        better=data.better,
        baseline_year=data.baseline_year,
        baseline_value=data.baseline_value,
        trajectory=[p.model_dump() for p in data.trajectory],
        created_by_id=actor.user_id,
    )
    session.add(outcome)
    session.flush()
    assert outcome.id is not None
    audit.record(
        session,
        actor,
        entity="outcome",
        entity_id=outcome.id,
        action="create",
        after=audit.snapshot(outcome),
        organisation_id=organisation.id,
    )
    session.commit()
    return outcome


def _outcome_of(session: Session, organisation: Organisation, outcome_id: int) -> Outcome:
    outcome = session.get(Outcome, outcome_id)
    if outcome is None or outcome.organisation_id != organisation.id:
        raise NotFound(f"Outcome {outcome_id} not found for {organisation.code}")
    return outcome


def put_actual(
    session: Session, actor: Actor, code: str, outcome_id: int, year: int, *, value: float
) -> Outcome:
    """Record the value a measure actually reached in a year (replacing any before)."""
    begin_write(session)
    organisation = _own_pct(session, actor, code)
    outcome = _outcome_of(session, organisation, outcome_id)
    if not outcome.baseline_year <= year <= 2030:
        raise InvalidInput(
            f"Give an actual for a year from the baseline year {outcome.baseline_year} to 2030",
            field="year",
        )
    row = session.get(OutcomeActual, (outcome_id, year))
    before = {"year": year, "value": row.value} if row else None
    if row is None:
        row = OutcomeActual(outcome_id=outcome_id, year=year, value=value)
    row.value = value
    row.recorded_by_id = actor.user_id
    row.recorded_at = utcnow()
    session.add(row)
    outcome.updated_at = utcnow()
    session.add(outcome)
    audit.record(
        session,
        actor,
        entity="outcome",
        entity_id=outcome_id,
        action="record_actual",
        before=before,
        after={"year": year, "value": value},
        organisation_id=organisation.id,
    )
    session.commit()
    session.refresh(outcome)
    return outcome


def _presentable(session: Session, organisation_id: int, outcome_id: int) -> Outcome:
    outcome = session.get(Outcome, outcome_id)
    if outcome is None or outcome.organisation_id != organisation_id:
        raise NotFound(f"Outcome {outcome_id} not found among this PCT's outcome measures")
    return outcome


def present_outcome(session: Session, actor: Actor, assessment_id: int, outcome_id: int) -> bool:
    """Add one of the PCT's outcome measures to what the assessment presents; True if it was
    not there yet."""
    assessment, _ = lock(session, actor, assessment_id, Action.SCORE_SELF)
    outcome = _presentable(session, assessment.organisation_id, outcome_id)
    require_pct_edit(assessment)
    if session.get(PresentedOutcome, (assessment_id, outcome_id)) is not None:
        session.rollback()
        return False
    session.add(
        PresentedOutcome(
            assessment_id=assessment_id, outcome_id=outcome_id, added_by_id=actor.user_id
        )
    )
    audit.record(
        session,
        actor,
        entity="assessment",
        entity_id=assessment_id,
        action="present_outcome",
        after={"outcome_id": outcome_id, "title": outcome.title},
        organisation_id=assessment.organisation_id,
    )
    touch(session, assessment)
    session.commit()
    return True


def withdraw_outcome(session: Session, actor: Actor, assessment_id: int, outcome_id: int) -> bool:
    """Take a measure out of what the assessment presents; True if it was there."""
    assessment, _ = lock(session, actor, assessment_id, Action.SCORE_SELF)
    outcome = _presentable(session, assessment.organisation_id, outcome_id)
    require_pct_edit(assessment)
    if session.get(PresentedOutcome, (assessment_id, outcome_id)) is None:
        session.rollback()
        return False
    session.exec(
        delete(PresentedOutcome).where(
            col(PresentedOutcome.assessment_id) == assessment_id,
            col(PresentedOutcome.outcome_id) == outcome_id,
        )
    )
    audit.record(
        session,
        actor,
        entity="assessment",
        entity_id=assessment_id,
        action="withdraw_outcome",
        before={"outcome_id": outcome_id, "title": outcome.title},
        organisation_id=assessment.organisation_id,
    )
    touch(session, assessment)
    session.commit()
    return True
