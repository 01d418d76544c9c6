"""The time the application stamps on what it records.

Every command reads the time through ``app.db.utcnow``, which asks this clock: the real time,
unless the code around the command has set another with ``frozen_at``. The demo uses that to
replay its history, so that a board signed off in January 2009 shows as signed off then, in
the assessment and in its audit event alike. The setting belongs to the calling context (a
``ContextVar``), so a request served on another thread or task always sees the real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen: ContextVar[datetime | None] = ContextVar("wcc_clock_frozen", default=None)


def now() -> datetime:
    """The current time in UTC, or the moment ``frozen_at`` has set for this context."""
    moment = _frozen.get()
    return moment if moment is not None else datetime.now(UTC)


def is_frozen() -> bool:
    """Whether the code around has set the time with ``frozen_at``."""
    return _frozen.get() is not None


@contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    """Within the block, ``now()`` is ``moment`` (timezone-aware, kept in UTC)."""
    if moment.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware moment")
    token = _frozen.set(moment.astimezone(UTC))
    try:
        yield moment
    finally:
        _frozen.reset(token)
