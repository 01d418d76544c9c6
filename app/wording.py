"""How the service writes dates and counts in sentences, the same on every page, report and
message: "1 December 2009", "1 thing", "3 things"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.clock import is_frozen, now
from app.config import get_settings

ENGLAND = ZoneInfo("Europe/London")


def today_in_england() -> date:
    """Today's date where PCT boards meet, by the application's clock: the date the
    deadlines, days to go and overdue actions are counted from. A copy whose story is set in
    the past (the demonstration) counts them from its own date (``WCC_TODAY``); the times it
    stamps on what it records stay real."""
    if not is_frozen():
        pinned = get_settings().today
        if pinned is not None:
            return pinned
    return now().astimezone(ENGLAND).date()


def long_date(when: date | datetime | None) -> str:
    """The date as people write it ("1 December 2009"); a moment by its date in England."""
    if when is None:
        return ""
    if isinstance(when, datetime):
        when = when.astimezone(ENGLAND)
    return when.strftime("%-d %B %Y")


def missing(n: int) -> str:
    """ "1 thing is missing", "3 things are missing"."""
    return f"{count(n, 'thing')} {'is' if n == 1 else 'are'} missing"


def count(n: int, one: str, many: str | None = None) -> str:
    """ "1 thing", "3 things" (or the plural given)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
