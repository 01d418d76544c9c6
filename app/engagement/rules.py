"""What counts as engagement with clinicians in a cycle, written once: the API, the page, the
competency page and the report all read it through ``app.engagement.service``.

- An evidence item counts when it is dated inside the cycle's period (``Cycle.period``) and
  it is attributed to a practice or a PBC group of the PCT, or it records clinicians
  involved.
- A practice is engaged when at least one counted item is attributed to it by name. An item
  attributed to a PBC group is an event of the group: it engages no practice by name.
- The share of practices engaged is the practices engaged over the PCT's number of practices
  (``organisations.service.practice_total``: the number it declares, else the practices
  recorded); with no number there is no share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from app.evidence.models import EvidenceItem

ENGAGEMENT_COMPETENCY = "collaborate_with_clinicians"
"""The key of the competency that shows engagement ("Collaborate with clinicians")."""

NOT_IN_A_GROUP = "Not in a PBC group"


def counted(period: tuple[date, date], unit_ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """The SQL condition for an evidence item of the PCT to count in a cycle: dated in the
    period, and attributed to one of the PCT's practices or PBC groups (``unit_ids``) or
    recording clinicians involved."""
    start, end = period
    attributed = col(EvidenceItem.practice_id).in_(list(unit_ids)) if unit_ids else sa.false()
    return sa.and_(
        col(EvidenceItem.occurred_on) >= start,
        col(EvidenceItem.occurred_on) <= end,
        sa.or_(attributed, col(EvidenceItem.clinicians_involved) > 0),
    )


def counts(
    occurred_on: date,
    unit_id: int | None,
    clinicians: int | None,
    *,
    period: tuple[date, date],
    unit_ids: frozenset[int],
) -> bool:
    """The same rule for one item in Python (the twin of ``counted``)."""
    start, end = period
    in_period = start <= occurred_on <= end
    return in_period and ((unit_id is not None and unit_id in unit_ids) or bool(clinicians))


def share(engaged: int, total: int | None) -> float | None:
    """The share of the PCT's practices engaged, from 0 to 1; None when the number of
    practices is not known (or is nought). A declared number below the practices engaged by
    name counts as all of them."""
    if not total:
        return None
    return min(engaged / total, 1.0)


def percent(value: float | None) -> int | None:
    """A share as a whole percentage, rounded down so that "100%" means every practice."""
    return None if value is None else int(value * 100)


def not_recorded(total: int | None, recorded: int) -> int:
    """How many of the PCT's declared practices are not recorded by name."""
    return max((total or 0) - recorded, 0)
