"""An assessment against the PCT's previous finalised assessment: per competency, per
criterion and per governance area, last year's levels and this year's, and how they moved.

``compare_assessment`` serves the API; ``compare_with_previous`` serves a view that has read
the assessment already (the assurance report). Both read in a fixed number of statements and
build the same ``Comparison`` through ``build``, a pure function of the levels read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import Assessment
from app.comparison import repository
from app.comparison.repository import Levels
from app.comparison.rules import Direction, Movement, compare, review_shown
from app.cycles.models import Cycle
from app.framework import service as framework_service
from app.framework.models import Competency, Framework
from app.governance.models import AREAS, GovernanceArea, Rag
from app.organisations.models import Organisation
from app.wording import count, long_date

V = TypeVar("V", int, Rag)


@dataclass(frozen=True, kw_only=True)
class Line(Generic[V]):
    """One thing compared: last year's level (or rating) and this year's, the PCT's own and
    the SHA's, and how it moved; or a plain note saying why nothing is compared."""

    previous_self: V | None = None
    previous_review: V | None = None
    current_self: V | None = None
    current_review: V | None = None
    movement: Movement | None = None
    note: str = ""

    @property
    def direction(self) -> Direction | None:
        return self.movement.direction if self.movement else None


@dataclass(frozen=True, kw_only=True)
class CompetencyLine(Line[int]):
    number: int
    title: str


@dataclass(frozen=True, kw_only=True)
class CriterionLine(Line[int]):
    criterion: str
    competency_number: int
    title: str


@dataclass(frozen=True, kw_only=True)
class GovernanceLine(Line[Rag]):
    area: GovernanceArea


@dataclass(frozen=True)
class Side:
    """One of the two assessments compared, with its levels."""

    assessment: Assessment
    cycle: Cycle
    levels: Levels

    @property
    def framework(self) -> Framework:
        """The framework as the cycle assesses it."""
        return framework_service.for_cycle(self.cycle)

    @property
    def name(self) -> str:
        return self.cycle.name


@dataclass(frozen=True)
class Comparison:
    assessment: Assessment
    organisation: Organisation
    cycle: Cycle
    previous: Side | None
    """The PCT's previous finalised assessment, if it has one."""
    review_shown: bool
    """Whether this year's levels from the SHA are shown to the reader; when they are not,
    movement is of the PCT's own levels."""
    competencies: tuple[CompetencyLine, ...] = ()
    criteria: tuple[CriterionLine, ...] = ()
    governance: tuple[GovernanceLine, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def previous_name(self) -> str:
        return self.previous.name if self.previous else ""

    @property
    def note(self) -> str:
        return " ".join(self.notes)

    @property
    def compared(self) -> list[CompetencyLine]:
        """The competencies with a movement."""
        return [line for line in self.competencies if line.movement is not None]

    def moved(self, direction: Direction) -> list[CompetencyLine]:
        return [line for line in self.compared if line.direction is direction]

    @property
    def summary(self) -> str:
        """ "Since 2008/09: 4 competencies up, 1 down and 5 the same." """
        if self.previous is None:
            return self.note
        if not self.compared:
            return (
                f"No competency has a level in both {self.previous_name} and {self.cycle.name} yet."
            )
        up, down, same = (len(self.moved(d)) for d in Direction)
        return (
            f"Since {self.previous_name}: {count(up, 'competency', 'competencies')} up, "
            f"{down} down and {same} the same."
        )

    @property
    def criteria_compared(self) -> bool:
        """Some criterion has a level in both years."""
        return any(line.movement for line in self.criteria)


# Reads --------------------------------------------------------------------------------------


def compare_assessment(session: Session, actor: Actor, assessment_id: int) -> Comparison:
    """An assessment the actor may read (404 otherwise) against the PCT's previous finalised
    assessment: two statements, five when there is a previous one, whatever the data."""
    assessment, organisation, cycle = repository.assessment(session, actor, assessment_id)
    return compare_with_previous(session, actor, assessment, organisation, cycle)


def compare_with_previous(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    organisation: Organisation,
    cycle: Cycle,
) -> Comparison:
    """An assessment already read under the actor's scope, against the PCT's previous
    finalised assessment: one statement, four when there is a previous one."""
    assert organisation.id is not None and assessment.id is not None
    shown = review_shown(actor, organisation, assessment.status)
    found = assessment_repository.previous_finalised(session, actor, cycle, [organisation.id])
    if organisation.id not in found:
        return build(assessment, organisation, cycle, Levels(), None, shown=shown)
    previous, previous_cycle = found[organisation.id]
    assert previous.id is not None
    levels = repository.levels(session, [assessment.id, previous.id])
    return build(
        assessment,
        organisation,
        cycle,
        levels[assessment.id],
        Side(previous, previous_cycle, levels[previous.id]),
        shown=shown,
    )


# The comparison, from the levels read --------------------------------------------------------


def build(
    assessment: Assessment,
    organisation: Organisation,
    cycle: Cycle,
    levels: Levels,
    previous: Side | None,
    *,
    shown: bool,
) -> Comparison:
    """The comparison of an assessment's levels with its previous finalised assessment's;
    with ``shown`` false, this year's levels from the SHA are left out, as if not given."""
    if previous is None:
        return Comparison(
            assessment,
            organisation,
            cycle,
            None,
            shown,
            notes=(
                f"{organisation.name} has no earlier finalised assessment to compare "
                f"{cycle.name} with.",
            ),
        )
    if not shown:
        levels = Levels(
            self_levels=levels.self_levels,
            self_criteria=levels.self_criteria,
            self_governance=levels.self_governance,
        )
    current = Side(assessment, cycle, levels)
    return Comparison(
        assessment,
        organisation,
        cycle,
        previous,
        shown,
        competencies=tuple(_competency_lines(previous, current)),
        criteria=tuple(_criterion_lines(previous, current)),
        governance=tuple(_governance_lines(previous, current)),
        notes=_notes(organisation, previous, current, shown=shown),
    )


def _notes(
    organisation: Organisation, previous: Side, current: Side, *, shown: bool
) -> tuple[str, ...]:
    finalised = long_date(previous.assessment.finalised_at)
    notes = [
        f"Compared with {organisation.name}'s assessment of {previous.name}"
        + (f", finalised on {finalised}." if finalised else "."),
        "Each movement is of the SHA's level where it gave one in both years, else of the "
        "PCT's own level.",
    ]
    if not shown:
        notes.append(
            f"The SHA's levels for {current.name} are shown once it returns the assessment, "
            "shares its ratings as provisional or finalises them; until then each movement is "
            "of the PCT's own level."
        )
    return tuple(notes)


def _measured(
    previous: Side,
    current: Side,
    before: tuple[V | None, V | None],
    now: tuple[V | None, V | None],
    *,
    points: Callable[[V | None], int | None],
    given: str,
) -> tuple[Movement | None, str]:
    """The movement from ``before`` to ``now`` (each the PCT's own and the SHA's), or a note
    saying which year lacks a level."""
    movement = compare(*(points(v) for v in (*before, *now)))
    if movement is not None:
        return movement, ""
    if now == (None, None):
        return None, f"Not yet {given} in {current.name}."
    if before == (None, None):
        return None, f"Not {given} in {previous.name}."
    return None, f"Not {given} by the same side in both years."


def _level(value: int | None) -> int | None:
    return value


def _rag(value: Rag | None) -> int | None:
    return value.points if value is not None else None


def _competencies(previous: Side, current: Side) -> list[Competency]:
    """Every competency either cycle assesses, in number order, named as this year's framework
    names it (else as last year's)."""
    found = {c.number: c for c in previous.framework.competencies}
    found.update({c.number: c for c in current.framework.competencies})
    return [found[n] for n in sorted(found)]


def _competency_lines(previous: Side, current: Side) -> Iterator[CompetencyLine]:
    assessed_before = set(previous.framework.numbers)
    assessed_now = set(current.framework.numbers)
    for competency in _competencies(previous, current):
        n = competency.number
        before = (previous.levels.self_levels.get(n), previous.levels.review_levels.get(n))
        now = (current.levels.self_levels.get(n), current.levels.review_levels.get(n))
        if n not in assessed_before:
            yield CompetencyLine(
                number=n,
                title=competency.title,
                current_self=now[0],
                current_review=now[1],
                note=f"Not assessed in {previous.name}.",
            )
            continue
        if n not in assessed_now:
            yield CompetencyLine(
                number=n,
                title=competency.title,
                previous_self=before[0],
                previous_review=before[1],
                note=f"Not assessed in {current.name}.",
            )
            continue
        movement, note = _measured(
            previous, current, before, now, points=_level, given="given a level"
        )
        yield CompetencyLine(
            number=n,
            title=competency.title,
            previous_self=before[0],
            previous_review=before[1],
            current_self=now[0],
            current_review=now[1],
            movement=movement,
            note=note,
        )


def _criterion_order(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _criterion_lines(previous: Side, current: Side) -> Iterator[CriterionLine]:
    """Every criterion of a competency either cycle assesses, matched by its number ("1.2"):
    compared where both years scored it, else with a note why not."""
    frameworks = [(previous, previous.framework), (current, current.framework)]
    named: dict[str, tuple[int, str]] = {}
    for _side, framework in reversed(frameworks):  # named as this year's framework names it
        for competency in framework.competencies:
            for k in competency.criteria:
                named.setdefault(k.number, (competency.number, k.title))
    for criterion in sorted(named, key=_criterion_order):
        n, title = named[criterion]
        before = (
            previous.levels.self_criteria.get(criterion),
            previous.levels.review_criteria.get(criterion),
        )
        now = (
            current.levels.self_criteria.get(criterion),
            current.levels.review_criteria.get(criterion),
        )
        lacking = [side for side, framework in frameworks if framework.competency(n) is None]
        unscored = [
            (side, c)
            for side, framework in frameworks
            if (c := framework.competency(n)) is not None and c.criterion(criterion) is None
        ]
        movement: Movement | None = None
        if lacking:
            note = f"Competency {n} is not assessed in {lacking[0].name}."
            if lacking[0] is previous:
                before = (None, None)
            else:
                now = (None, None)
        elif unscored:
            side, competency = unscored[0]
            note = (
                f"{side.name} scored competency {n} as a whole, not through criteria."
                if not competency.criteria
                else f"Not a criterion of competency {n} in {side.name}."
            )
        else:
            movement, note = _measured(
                previous, current, before, now, points=_level, given="given a level"
            )
        yield CriterionLine(
            criterion=criterion,
            competency_number=n,
            title=title,
            previous_self=before[0],
            previous_review=before[1],
            current_self=now[0],
            current_review=now[1],
            movement=movement,
            note=note,
        )


def _governance_lines(previous: Side, current: Side) -> Iterator[GovernanceLine]:
    """Each governance area, moving in steps from red to amber to green."""
    for area in AREAS:
        before = (
            previous.levels.self_governance.get(area),
            previous.levels.review_governance.get(area),
        )
        now = (
            current.levels.self_governance.get(area),
            current.levels.review_governance.get(area),
        )
        movement, note = _measured(previous, current, before, now, points=_rag, given="rated")
        yield GovernanceLine(
            area=area,
            previous_self=before[0],
            previous_review=before[1],
            current_self=now[0],
            current_review=now[1],
            movement=movement,
            note=note,
        )
