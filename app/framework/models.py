"""The competency framework as read from ``competencies/*.yaml`` (frozen, strict)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Version = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=40)]
# A plain-English line for people logging evidence, such as a GP: what the competency means
# in their terms. Guidance, not part of what is scored.
OneLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=160, pattern=r"^[^\r\n]+$"),
]
CriterionNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}\.[0-9]{1,2}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleLevel(_Strict):
    level: int = Field(ge=1, le=4)
    label: Text
    meaning: Text


class LevelDescriptor(_Strict):
    level: int = Field(ge=1, le=4)
    descriptor: Text


class Criterion(_Strict):
    """A part of a competency scored on its own (numbered "1.1", "1.2"…), with its own four
    level descriptors."""

    number: CriterionNumber
    title: Text
    summary: Text | None = None
    levels: tuple[LevelDescriptor, ...]

    def descriptor(self, level: int) -> str:
        return next(d.descriptor for d in self.levels if d.level == level)


class RollUpRule(StrEnum):
    """How the levels of a competency's criteria make the competency's level."""

    LOWEST = "lowest"
    MEDIAN_ROUNDED_DOWN = "median_rounded_down"

    def level(self, levels: Sequence[int]) -> int:
        ordered = sorted(levels)
        if self is RollUpRule.LOWEST:
            return ordered[0]
        return ordered[(len(ordered) - 1) // 2]


class RollUp(_Strict):
    rule: RollUpRule
    meaning: Text


class Competency(_Strict):
    number: int = Field(ge=1, le=11)
    key: Key
    title: Text
    hint: OneLine | None = None
    statement: Text | None = None
    summary: Text
    levels: tuple[LevelDescriptor, ...]
    evidence_prompts: tuple[Text, ...] = ()
    criteria: tuple[Criterion, ...] = ()

    def descriptor(self, level: int) -> str:
        return next(d.descriptor for d in self.levels if d.level == level)

    def criterion(self, number: str) -> Criterion | None:
        return next((c for c in self.criteria if c.number == number), None)

    @property
    def criteria_text(self) -> str:
        """ "1.1 to 1.3", for a sentence."""
        if not self.criteria:
            return ""
        return f"{self.criteria[0].number} to {self.criteria[-1].number}"


class Framework(_Strict):
    version: Version
    title: Text
    published_on: date | None = None
    roll_up: RollUp | None = None
    scale: tuple[ScaleLevel, ...] = ()
    notes: tuple[Text, ...] = ()
    competencies: tuple[Competency, ...]

    def competency(self, number: int) -> Competency | None:
        return next((c for c in self.competencies if c.number == number), None)

    @property
    def numbers(self) -> tuple[int, ...]:
        """The competency numbers, in order."""
        return tuple(c.number for c in self.competencies)

    @property
    def level_numbers(self) -> tuple[int, ...]:
        """The levels a competency is scored on, lowest first (the loader checks that every
        competency has the same levels)."""
        return tuple(d.level for d in self.competencies[0].levels) if self.competencies else ()

    def numbers_text(self) -> str:
        numbers = self.numbers
        if not numbers:
            return "none"
        if list(numbers) == list(range(numbers[0], numbers[-1] + 1)):
            return f"{numbers[0]} to {numbers[-1]}"
        return ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"

    def assessing(self, numbers: Sequence[int]) -> Framework:
        """This framework with only the competencies a cycle assesses."""
        kept = tuple(c for c in self.competencies if c.number in set(numbers))
        if len(kept) == len(self.competencies):
            return self
        return self.model_copy(update={"competencies": kept})

    def levels_text(self) -> str:
        levels = self.level_numbers
        return f"{levels[0]} to {levels[-1]}" if levels else "none"

    def rolled_up(self, levels: Sequence[int]) -> int:
        """A competency's level from the levels of all its criteria, by the file's rule."""
        assert self.roll_up is not None, "the loader requires a rule where there are criteria"
        return self.roll_up.rule.level(levels)

    def scale_label(self, level: int) -> str:
        return next((s.label for s in self.scale if s.level == level), f"Level {level}")


class LoadedFramework(_Strict):
    """A framework together with where it came from and two hashes: ``sha256`` of what is
    scored (the file without its hint lines: the hash a cycle records), and ``file_sha256``
    of the whole file (which changes whenever anything in it does, hints included)."""

    framework: Framework
    path: str
    sha256: str
    file_sha256: str
