"""Reads of outcome measures and their actual values."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.outcomes.models import Outcome, OutcomeActual, PresentedOutcome


def outcomes_of(session: Session, organisation_id: int) -> list[Outcome]:
    """A PCT's outcome measures, by title."""
    return list(
        session.exec(
            select(Outcome)
            .where(col(Outcome.organisation_id) == organisation_id)
            .order_by(Outcome.title)
        ).all()
    )


def actuals_of(session: Session, outcome_ids: Sequence[int]) -> dict[int, dict[int, float]]:
    """The actual values of many outcome measures, by measure then year, in one statement."""
    actuals: dict[int, dict[int, float]] = {}
    if outcome_ids:
        for row in session.exec(
            select(OutcomeActual)
            .where(col(OutcomeActual.outcome_id).in_(list(outcome_ids)))
            .order_by(OutcomeActual.outcome_id, OutcomeActual.year)
        ).all():
            actuals.setdefault(row.outcome_id, {})[row.year] = row.value
    return actuals


def presented_outcomes_for(
    session: Session, assessment_ids: Sequence[int]
) -> dict[int, list[Outcome]]:
    """The outcome measures each of many assessments presents, by title, in one statement."""
    ids = list(assessment_ids)
    found: dict[int, list[Outcome]] = {}
    if not ids:
        return found
    for assessment_id, outcome in session.exec(
        select(PresentedOutcome.assessment_id, Outcome)
        .join(Outcome, col(Outcome.id) == PresentedOutcome.outcome_id)
        .where(col(PresentedOutcome.assessment_id).in_(ids))
        .order_by(col(PresentedOutcome.assessment_id), col(Outcome.title))
    ).all():
        found.setdefault(assessment_id, []).append(outcome)
    return found
