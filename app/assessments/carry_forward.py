"""What an assessment carries forward from the PCT's previous finalised one: beside each
competency, last cycle's self and review levels and the target the PCT set for this cycle
(shown, never copied as scores), and the open actions of last cycle's development plan
(carried as actions, shown only to those who read development plans).

Read in a fixed number of statements: one when there is no previous finalised assessment,
two or three when there is (the actions only for their readers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository
from app.assessments.models import Assessment
from app.assessments.record import AssessmentRecord
from app.cycles.models import Cycle
from app.development import repository as development_repository
from app.development.models import DevelopmentAction
from app.permissions import may_read_development_plan
from app.wording import count


@dataclass(frozen=True)
class CarriedLine:
    """One competency as the previous finalised assessment left it."""

    number: int
    assessed: bool
    """The previous cycle assessed this competency."""
    self_level: int | None = None
    review_level: int | None = None
    target_level: int | None = None
    """The level the PCT set itself for this cycle."""
    actions: tuple[DevelopmentAction, ...] = ()
    """The open actions on it (empty for those who do not read development plans)."""


@dataclass(frozen=True)
class CarryForward:
    previous: Assessment
    cycle: Cycle
    """The previous assessment's cycle."""
    lines: Mapping[int, CarriedLine]
    general_actions: tuple[DevelopmentAction, ...] = ()
    """Open actions on the previous assessment as a whole."""
    shows_actions: bool = False
    """The actor reads development plans, so the open actions are shown."""

    @property
    def previous_id(self) -> int:
        assert self.previous.id is not None
        return self.previous.id

    @property
    def url(self) -> str:
        return f"/assessments/{self.previous_id}"

    def action_url(self, action: DevelopmentAction) -> str:
        return f"/assessments/{self.previous_id}/development-plan/{action.id}"

    def line(self, number: int) -> CarriedLine:
        return self.lines.get(number) or CarriedLine(number, assessed=number in self.cycle.assessed)

    @property
    def open_actions(self) -> int:
        """How many open actions are carried forward, on competencies and on the whole."""
        return len(self.general_actions) + sum(len(line.actions) for line in self.lines.values())

    def levels_text(self, number: int) -> str:
        """Last cycle's levels and the target, for a sentence: "self 2, SHA 2; target for
        this year 3"."""
        line = self.line(number)
        if not line.assessed:
            return "not assessed"
        if line.self_level is None and line.review_level is None:
            said = "not scored"
        else:
            own = f"self {line.self_level}" if line.self_level is not None else "no self level"
            sha = f"SHA {line.review_level}" if line.review_level is not None else "no SHA level"
            said = f"{own}, {sha}"
        if line.target_level is not None:
            said += f"; target for this year {line.target_level}"
        return said

    def summary(self, number: int) -> str:
        """One line for the overview: "Last year (2008/09): self 2, SHA 2; target for this
        year 3; 1 open action"."""
        said = f"Last year ({self.cycle.name}): {self.levels_text(number)}"
        actions = self.line(number).actions
        if actions:
            said += f"; {count(len(actions), 'open action')}"
        return said


def carry_forward(session: Session, actor: Actor, record: AssessmentRecord) -> CarryForward | None:
    """What the assessment carries forward from the PCT's previous finalised assessment that
    the actor may see (None when there is none)."""
    found = repository.previous_finalised(
        session, actor, record.cycle, [record.organisation.id or 0]
    ).get(record.organisation.id or 0)
    if found is None:
        return None
    previous, cycle = found
    levels = repository.levels_and_targets_of(session, previous.id or 0)
    shows_actions = may_read_development_plan(actor, record.organisation)
    actions = (
        development_repository.open_actions_of(session, previous.id or 0) if shows_actions else {}
    )
    numbers = set(levels) | {n for n in actions if n is not None}
    lines: dict[int, CarriedLine] = {}
    for n in sorted(numbers):
        self_level, target_level, review_level = levels.get(n, (None, None, None))
        lines[n] = CarriedLine(
            n,
            assessed=n in cycle.assessed,
            self_level=self_level,
            review_level=review_level,
            target_level=target_level,
            actions=tuple(actions.get(n, ())),
        )
    return CarryForward(
        previous=previous,
        cycle=cycle,
        lines=lines,
        general_actions=tuple(actions.get(None, ())),
        shows_actions=shows_actions,
    )
