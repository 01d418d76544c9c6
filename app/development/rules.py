"""The rules of a development plan that need no database: when an action may fall due, and
when it is overdue."""

from __future__ import annotations

from datetime import date

from app.development.models import ActionStatus, DevelopmentAction

LATEST_YEARS_AHEAD = 5
"""A due date may be at most this many years after today."""


def is_overdue(action: DevelopmentAction, today: date) -> bool:
    """Not done, and its due date is before ``today`` (today in England, for the caller)."""
    return action.status is not ActionStatus.DONE and action.due_on < today


def latest_due_on(today: date) -> date:
    """The last date an action may fall due: five years from today (28 February for 29)."""
    year = today.year + LATEST_YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)
