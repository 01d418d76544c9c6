"""When each step of the demo's history happens, as moments for ``app.clock.frozen_at``.

The tracker goes live in April 2008, when the administrator sets up the organisations and
accounts. A cycle is set up a fortnight before it opens, and each PCT opens its assessment the
day the cycle opens. From then on every PCT keeps its own dates (a ``Schedule``), set by the
day its SHA's panel sits:

- the PCT sends its papers three weeks before its panel, or the day before the submission
  deadline if that comes first, so an early panel means an early submission (Year 1 panels
  began in October 2008, two months before the last deadline);
- its board ratifies the self-assessment at an evening meeting three days before it submits;
  the lead scores the competencies in the three weeks before that meeting, and chooses the
  evidence the assessment presents on the morning of it;
- a fortnight before its panel the SHA's reviewer puts a key line of enquiry to the PCT as a
  question; a question is answered two days after it is asked (on a working day);
- on the panel day the SHA's reviewer scores the competencies in the morning and rates the
  evidence in the afternoon, and records the panel (who sat, who came, what it explored) at
  the end of the day; a return follows a week later;
- otherwise the SHA shares its ratings as provisional a week after the panel (sooner when its
  results day is near, so the PCT has days to check them; never before the evening of the
  panel); the PCT answers for factual accuracy three days later, or the morning of the
  results day if that comes first; any moderation follows that afternoon;
- finalising is the SHA's release of its moderated results: one day for all its PCTs, after
  its last panel, in the last week before the review deadline.

Evidence is logged in the afternoon of the day it happened, so an evening board meeting signs
what was logged that day. Meetings, submissions and panels fall on working days.

All in UTC, which is also UK time in the winter months when most of these fall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

GO_LIVE = datetime(2008, 4, 1, 9, 0, tzinfo=UTC)
"""The administrator sets up the organisations and accounts, one a minute from here."""

PAPERS_BEFORE_PANEL = timedelta(days=21)
SIGN_OFF_BEFORE_SUBMISSION = timedelta(days=3)
SELF_SCORING_BEFORE_SIGN_OFF = timedelta(days=21)
RETURN_AFTER_PANEL = timedelta(days=7)
RATINGS_A_DAY = 12
"""The most evidence items a reviewer rates on a panel's afternoon."""
ENQUIRY_BEFORE_PANEL = timedelta(days=14)
FACTS_CHECKED_AFTER_SHARING = timedelta(days=3)
QUESTION_ANSWERED_AFTER = timedelta(days=2)


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


def working_day(day: date) -> date:
    """The day itself, or the Friday before it when it falls at a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def next_working_day(day: date) -> date:
    """The day itself, or the Monday after it when it falls at a weekend."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() > 4 else 0)


def set_up(step: int) -> datetime:
    """The ``step``-th organisation or account the administrator creates."""
    return GO_LIVE + timedelta(minutes=step)


def cycle_created(opens_on: date) -> datetime:
    """The administrator sets a cycle up a fortnight before it opens."""
    return at(opens_on - timedelta(days=14), 9)


def logged(occurred_on: date) -> datetime:
    """Evidence is logged in the afternoon of the day it happened."""
    return at(occurred_on, 16)


def panel_day(first: date, last: date, index: int, count: int) -> date:
    """The ``index``-th of ``count`` panels spread evenly over a season from ``first`` to
    ``last``, on a working day."""
    span = (last - first).days
    offset = span * index // (count - 1) if count > 1 else 0
    return working_day(first + timedelta(days=offset))


def results_day(cycle: CycleDates, sha_code: str) -> date:
    """When an SHA releases its moderated results: two to six days before the review
    deadline, the ten SHAs on different days (by the number in their code, Q30 to Q39)."""
    return working_day(cycle.review_due - timedelta(days=2 + int(sha_code[1:]) % 5))


@dataclass(frozen=True)
class Schedule:
    """One PCT's assessment in one cycle: the day of each step, and the moment of each
    command.

    A draft or signed-off assessment has one too: the meeting and panel it is heading for."""

    cycle: CycleDates
    submission_day: date
    panel_day: date
    results_day: date

    def __post_init__(self) -> None:
        opens, due, review_due = (
            self.cycle.opens_on,
            self.cycle.submission_due,
            self.cycle.review_due,
        )
        scoring = self.self_scored(1).date()
        if not (opens < scoring < self.board_day < self.submission_day < due):
            raise ValueError(f"{self}: the PCT's steps do not fit between opening and deadline")
        if not (self.submission_day < self.panel_day < self.returned().date() < review_due):
            raise ValueError(f"{self}: the panel must follow the submission, before the deadline")
        if not (self.panel_day < self.results_day < review_due):
            raise ValueError(f"{self}: results come after the panel and before the deadline")
        if not (
            self.submitted() < self.enquired() < self.answered(self.enquired()) < self.reviewed(1)
        ):
            raise ValueError(f"{self}: the key line of enquiry must be answered before the panel")
        if not (
            self.rated(RATINGS_A_DAY)
            < self.panel_recorded()
            < self.shared()
            < self.facts_checked()
            < self.moderated()
            < self.finalised()
        ):
            raise ValueError(f"{self}: the provisional ratings must be checked before results day")

    @classmethod
    def for_panel(
        cls, cycle: CycleDates, panel: date, results: date, *, early_by: int = 0
    ) -> Schedule:
        """The papers go three weeks before the panel, or the day before the deadline if that
        is sooner; ``early_by`` days earlier still, for a PCT that sends them early."""
        latest = cycle.submission_due - timedelta(days=1)
        submission = min(panel - PAPERS_BEFORE_PANEL, latest) - timedelta(days=early_by)
        return cls(cycle, working_day(submission), panel, results)

    @property
    def board_day(self) -> date:
        """The board's meeting: evidence dated on or before this day is what it signs."""
        return working_day(self.submission_day - SIGN_OFF_BEFORE_SUBMISSION)

    def opened(self) -> datetime:
        return at(self.cycle.opens_on, 9, 30)

    def self_scored(self, number: int) -> datetime:
        start = max(
            self.cycle.opens_on + timedelta(days=2),
            self.board_day - SELF_SCORING_BEFORE_SIGN_OFF,
        )
        return at(start, 10) + timedelta(minutes=6 * number)

    def presented(self) -> datetime:
        """The lead chooses what the assessment presents, the morning of the board meeting."""
        return at(self.board_day, 8)

    def signed_off(self) -> datetime:
        return at(self.board_day, 18)

    def submitted(self) -> datetime:
        return at(self.submission_day, 10)

    def reviewed(self, number: int) -> datetime:
        return at(self.panel_day, 10) + timedelta(minutes=10 * number)

    def rated(self, index: int) -> datetime:
        return at(self.panel_day, 14) + timedelta(minutes=10 * index)

    def returned(self) -> datetime:
        return at(working_day(self.panel_day + RETURN_AFTER_PANEL), 11)

    def enquired(self) -> datetime:
        """The reviewer's key line of enquiry, a fortnight before the panel."""
        return at(working_day(self.panel_day - ENQUIRY_BEFORE_PANEL), 10)

    def panel_recorded(self) -> datetime:
        """The reviewer records the panel at the end of its day."""
        return at(self.panel_day, 16, 30)

    def asked_after_panel(self) -> datetime:
        """A question in the days after the panel: the next working day."""
        return at(next_working_day(self.panel_day + timedelta(days=1)), 9, 30)

    def asked_after_return(self) -> datetime:
        """The PCT's question on a return: two days after it, on a working day."""
        return at(next_working_day(self.returned().date() + timedelta(days=2)), 10)

    def answered(self, asked: datetime) -> datetime:
        """The answer to a question asked at ``asked``: two days later, on a working day."""
        return at(next_working_day(asked.date() + QUESTION_ANSWERED_AFTER), 14)

    def shared(self) -> datetime:
        """The SHA shares its ratings as provisional when it would return them, a week after
        the panel; sooner if its results day is near, so that the PCT has days to check
        them; never before the evening of the panel day."""
        latest = working_day(self.results_day - FACTS_CHECKED_AFTER_SHARING)
        day = min(self.returned().date(), latest)
        return at(day, 11) if day > self.panel_day else at(self.panel_day, 17, 30)

    def facts_checked(self) -> datetime:
        """The PCT answers for factual accuracy three days after the sharing (on a working
        day), or the morning of the results day if that comes first."""
        day = next_working_day(self.shared().date() + FACTS_CHECKED_AFTER_SHARING)
        return at(min(day, self.results_day), 10)

    def moderated(self) -> datetime:
        """The reviewer changes a rating the PCT's answer bears on, that afternoon."""
        return self.facts_checked() + timedelta(hours=4)

    def finalised(self) -> datetime:
        return at(self.results_day, 15)
