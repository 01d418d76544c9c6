"""The rules of the PBC register that need no database: how long a business case waited for
the PCT's decision, when that is slow, and the median wait; money in pounds and pence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from statistics import median

from app.pbc.models import BusinessCase, Decision

SLOW_DAYS = 90
"""A business case decided, or still waiting, after more than this many days is slow: the
PCT owed groups prompt decisions on their business cases."""


def days_to_decision(case: BusinessCase) -> int | None:
    """Days from submission to decision; None while undecided."""
    if case.decided_on is None:
        return None
    return (case.decided_on - case.submitted_on).days


def days_waiting(case: BusinessCase, today: date) -> int | None:
    """Days an undecided case has waited so far (None once decided)."""
    if case.decided_on is not None:
        return None
    return max(0, (today - case.submitted_on).days)


def is_slow(case: BusinessCase, today: date) -> bool:
    """Decided after more than 90 days, or waiting more than 90 days so far."""
    days = days_to_decision(case)
    if days is None:
        days = days_waiting(case, today) or 0
    return days > SLOW_DAYS


def median_days_to_decision(cases: Iterable[BusinessCase]) -> float | None:
    """The median days from submission to decision of the decided cases, deferrals left out
    (a deferral is not a decision on the case's merits); None when there are none."""
    days = [
        d
        for case in cases
        if case.decision is not Decision.DEFERRED and (d := days_to_decision(case)) is not None
    ]
    return float(median(days)) if days else None


def pounds(pence: int | None) -> str:
    """ "£1,250,000", or "£1,250,000.50" when there are pence; "" for none."""
    if pence is None:
        return ""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" + (f".{part:02d}" if part else "")


def days_text(days: float | None) -> str:
    if days is None:
        return "No decisions yet"
    shown = f"{days:g}"
    return f"{shown} day" + ("" if days == 1 else "s")
