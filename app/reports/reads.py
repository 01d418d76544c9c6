"""Reads the SHA summary needs across many assessments that no domain repository offers yet.

``presented_outcomes_for`` belongs beside ``outcomes_of`` and ``actuals_of`` in
``app/outcomes/repository.py``; it is kept here until that file's owner takes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.outcomes.models import Outcome, PresentedOutcome


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
