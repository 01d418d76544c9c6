"""The assurance report's "Since last year": the comparison with the PCT's previous finalised
assessment (``app.comparison``) laid out for print, each cell's words worked out here."""

from __future__ import annotations

from dataclasses import dataclass

from app.comparison.rules import Basis, Movement
from app.comparison.service import Comparison, Line
from app.governance.models import Rag

NONE = "\u2013"
NOT_SHARED = "Not yet shared"


@dataclass(frozen=True)
class Cell:
    text: str
    rating: Rag | None = None
    """A governance rating, marked with its colour beside its word."""


@dataclass(frozen=True)
class Row:
    """One line of a table: what it is; last year's and this year's levels (or ratings), the
    PCT's own and the SHA's; and the movement in words, or why there is none."""

    label: str
    levels: tuple[Cell, Cell, Cell, Cell]
    movement: str
    css: str


def _movement(movement: Movement | None, note: str, *, rating: bool) -> tuple[str, str]:
    """ "↑ Up 2 levels" ("(PCT's own)" where the SHA's levels are not compared), or the note
    saying why nothing is compared; and the row's class."""
    if movement is None:
        return note, "move-none"
    words = movement.words("step", "steps", "Same rating") if rating else movement.words()
    text = f"{movement.direction.arrow} {words}"
    if movement.basis is Basis.SELF:
        text += " (PCT's own)"
    return text, f"move-{movement.direction.value}"


@dataclass(frozen=True)
class SinceLastYear:
    comparison: Comparison

    @property
    def has_previous(self) -> bool:
        return self.comparison.previous is not None

    @property
    def previous_name(self) -> str:
        return self.comparison.previous_name

    @property
    def cycle_name(self) -> str:
        return self.comparison.cycle.name

    @property
    def sentences(self) -> list[str]:
        """What is compared with what and how much moved; or that there is nothing earlier."""
        c = self.comparison
        if c.previous is None:
            return [c.note]
        return [c.summary, *c.notes]

    def _row(self, label: str, line: Line[int] | Line[Rag], *, rating: bool = False) -> Row:
        def cell(value: int | Rag | None) -> Cell:
            if value is None:
                return Cell(NONE)
            if isinstance(value, Rag):
                return Cell(value.label, value)
            return Cell(str(value))

        current_review = cell(line.current_review)
        if not self.comparison.review_shown:
            current_review = Cell(NOT_SHARED)
        movement, css = _movement(line.movement, line.note, rating=rating)
        return Row(
            label,
            (
                cell(line.previous_self),
                cell(line.previous_review),
                cell(line.current_self),
                current_review,
            ),
            movement,
            css,
        )

    @property
    def competencies(self) -> list[Row]:
        return [
            self._row(f"{line.number}. {line.title}", line) for line in self.comparison.competencies
        ]

    @property
    def criteria(self) -> list[Row]:
        """The criteria, when some criterion has a level in both years."""
        if not self.comparison.criteria_compared:
            return []
        return [
            self._row(f"{line.criterion} {line.title}", line) for line in self.comparison.criteria
        ]

    @property
    def criteria_sentence(self) -> str:
        """Why criteria are not compared, where either year scores some through them."""
        c = self.comparison
        if not c.criteria or c.criteria_compared:
            return ""
        reasons = sorted({line.note.rstrip(".") for line in c.criteria if line.note})
        reasons = [reason[:1].lower() + reason[1:] for reason in reasons]
        return (
            f"No criterion has a level in both {self.previous_name} and {self.cycle_name}, so "
            f"criteria are not compared here: {'; '.join(reasons)}."
        )

    @property
    def governance(self) -> list[Row]:
        return [
            self._row(line.area.label, line, rating=True) for line in self.comparison.governance
        ]
