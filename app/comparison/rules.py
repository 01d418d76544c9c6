"""The rules of the comparison with last year, written once: how a level moved between two
assessments of a PCT, and when the PCT may see the SHA's levels of this year.

The API, the assurance report and the SHA summary all measure movement through ``compare``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.actors import Actor
from app.assessments.models import AssessmentStatus
from app.organisations.models import Organisation
from app.permissions import acts_for_pct

MINUS = "\u2212"

# The statuses in which the PCT sees the SHA's levels of its assessment: once returned (the
# SHA's reasons stand on its levels), shared as provisional, or final.
REVIEW_SHOWN_TO_PCT = frozenset(
    {AssessmentStatus.RETURNED, AssessmentStatus.PROVISIONAL, AssessmentStatus.FINALISED}
)


def signed(n: int) -> str:
    """ "+1", "-2" (written with a true minus sign), "0"."""
    return f"+{n}" if n > 0 else f"{MINUS}{-n}" if n < 0 else "0"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"

    @property
    def arrow(self) -> str:
        return {"up": "\u2191", "down": "\u2193", "same": "="}[self.value]

    @property
    def label(self) -> str:
        return {"up": "Up", "down": "Down", "same": "Same"}[self.value]


class Basis(StrEnum):
    """Whose levels a movement compares: the SHA's in both years, or else the PCT's own."""

    REVIEW = "review"
    SELF = "self"

    @property
    def label(self) -> str:
        return "the SHA's levels" if self is Basis.REVIEW else "the PCT's own levels"


@dataclass(frozen=True)
class Movement:
    """How one level moved between last year's assessment and this year's."""

    before: int
    now: int
    basis: Basis

    @property
    def change(self) -> int:
        """This year's level minus last year's."""
        return self.now - self.before

    @property
    def by(self) -> int:
        """How many levels (or steps of red, amber, green) it moved, up or down."""
        return abs(self.change)

    @property
    def direction(self) -> Direction:
        if self.change > 0:
            return Direction.UP
        return Direction.DOWN if self.change < 0 else Direction.SAME

    @property
    def signed(self) -> str:
        return signed(self.change)

    def words(self, one: str = "level", many: str = "levels", same: str = "Same level") -> str:
        """ "Up 2 levels", "Down 1 level", "Same level"."""
        if self.direction is Direction.SAME:
            return same
        return f"{self.direction.label} {self.by} {one if self.by == 1 else many}"


def compare(
    previous_self: int | None,
    previous_review: int | None,
    current_self: int | None,
    current_review: int | None,
) -> Movement | None:
    """The movement of the SHA's level where it gave one in both years, else of the PCT's own
    level where the PCT gave one in both; None when neither pair is complete."""
    if previous_review is not None and current_review is not None:
        return Movement(previous_review, current_review, Basis.REVIEW)
    if previous_self is not None and current_self is not None:
        return Movement(previous_self, current_self, Basis.SELF)
    return None


def review_shown(actor: Actor, organisation: Organisation, status: AssessmentStatus) -> bool:
    """Whether the actor sees the SHA's levels of an assessment in this status: the SHA's
    reviewers and administrators always; the PCT's own people once the SHA has returned it,
    shared its ratings as provisional, or finalised it."""
    if not acts_for_pct(actor, organisation.id or 0):
        return True
    return status in REVIEW_SHOWN_TO_PCT
