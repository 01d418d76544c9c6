"""The competency framework as read from ``competencies/*.yaml`` (frozen, strict)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Version = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=40)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleLevel(_Strict):
    level: int = Field(ge=1, le=4)
    label: Text
    meaning: Text


class LevelDescriptor(_Strict):
    level: int = Field(ge=1, le=4)
    descriptor: Text


class Competency(_Strict):
    number: int = Field(ge=1, le=11)
    key: Key
    title: Text
    statement: Text | None = None
    summary: Text
    levels: tuple[LevelDescriptor, ...]
    evidence_prompts: tuple[Text, ...] = ()

    def descriptor(self, level: int) -> str:
        return next(d.descriptor for d in self.levels if d.level == level)


class Framework(_Strict):
    version: Version
    title: Text
    published_on: date | None = None
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
        return f"{self.numbers[0]} to {self.numbers[-1]}" if self.numbers else "none"

    def levels_text(self) -> str:
        levels = self.level_numbers
        return f"{levels[0]} to {levels[-1]}" if levels else "none"

    def scale_label(self, level: int) -> str:
        return next((s.label for s in self.scale if s.level == level), f"Level {level}")


class LoadedFramework(_Strict):
    """A framework together with where it came from and the hash of its file."""

    framework: Framework
    path: str
    sha256: str
