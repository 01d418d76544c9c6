"""When each step of the demo's history happens, as moments for ``app.clock.frozen_at``.

The tracker goes live in April 2008, when the administrator sets up the organisations and
accounts. In each cycle a PCT opens its assessment the day the cycle opens and scores itself
a month before the submission deadline; the board signs off at its evening meeting three days
before the deadline and the lead submits the day before it. The SHA reviews three weeks after
the deadline (a review still open), or finishes twenty days before its review deadline (a
finalised one): it scores the competencies in the morning and rates the evidence in the
afternoon, returns a week later or finalises five days later. Evidence is logged in the
afternoon of the day it happened, so an evening board meeting signs what was logged that day.

All in UTC, which is also UK time in the winter months when the deadlines fall.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

GO_LIVE = datetime(2008, 4, 1, 9, 0, tzinfo=UTC)
"""The administrator sets up the organisations and accounts, one a minute from here."""

SIGN_OFF_BEFORE_DEADLINE = timedelta(days=3)
SUBMIT_BEFORE_DEADLINE = timedelta(days=1)
OPEN_REVIEW_AFTER_DEADLINE = timedelta(days=21)
FINISHED_REVIEW_BEFORE_DEADLINE = timedelta(days=20)


class CycleDates(Protocol):
    """The three dates of a cycle (a ``Cycle`` row has them)."""

    @property
    def opens_on(self) -> date: ...

    @property
    def submission_due(self) -> date: ...

    @property
    def review_due(self) -> date: ...


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def set_up(step: int) -> datetime:
    """The ``step``-th organisation or account the administrator creates."""
    return GO_LIVE + timedelta(minutes=step)


def cycle_created(opens_on: date) -> datetime:
    """The administrator sets a cycle up a fortnight before it opens."""
    return at(opens_on - timedelta(days=14), 9)


def logged(occurred_on: date) -> datetime:
    """Evidence is logged in the afternoon of the day it happened."""
    return at(occurred_on, 16)


def opened(cycle: CycleDates) -> datetime:
    return at(cycle.opens_on, 9, 30)


def self_scored(cycle: CycleDates, number: int) -> datetime:
    return at(cycle.submission_due - timedelta(days=30), 10) + timedelta(minutes=6 * number)


def sign_off_day(cycle: CycleDates) -> date:
    """The board's meeting: evidence logged on or before this day is what it signs."""
    return cycle.submission_due - SIGN_OFF_BEFORE_DEADLINE


def presented(cycle: CycleDates) -> datetime:
    """The lead chooses what the assessment presents, the morning of the board meeting."""
    return at(sign_off_day(cycle), 8)


def signed_off(cycle: CycleDates) -> datetime:
    return at(sign_off_day(cycle), 18)


def submitted(cycle: CycleDates) -> datetime:
    return at(cycle.submission_due - SUBMIT_BEFORE_DEADLINE, 10)


def review_day(cycle: CycleDates, *, finished: bool) -> date:
    """A finished review ends near its deadline; an open one is a few weeks in."""
    if finished:
        return cycle.review_due - FINISHED_REVIEW_BEFORE_DEADLINE
    return cycle.submission_due + OPEN_REVIEW_AFTER_DEADLINE


def reviewed(cycle: CycleDates, number: int, *, finished: bool) -> datetime:
    return at(review_day(cycle, finished=finished), 10) + timedelta(minutes=10 * number)


def rated(cycle: CycleDates, index: int, *, finished: bool) -> datetime:
    return at(review_day(cycle, finished=finished), 14) + timedelta(minutes=10 * index)


def returned(cycle: CycleDates) -> datetime:
    return at(review_day(cycle, finished=False) + timedelta(days=7), 11)


def finalised(cycle: CycleDates) -> datetime:
    return at(review_day(cycle, finished=True) + timedelta(days=5), 15)
