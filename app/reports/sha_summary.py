"""The SHA summary: every PCT of an SHA in a cycle, as its board reads it. A heat map of
competency levels (the SHA's where it has scored, else the PCT's own), governance, outcome
measures against their trajectories, the status of each assessment and the movement since
the previous cycle. Gathered in a fixed number of statements, whatever the number of PCTs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import Assessment, AssessmentStatus
from app.comparison import rules
from app.comparison.rules import Direction, signed
from app.cycles.models import Cycle
from app.db import utcnow
from app.errors import NotFound
from app.framework import service as framework_service
from app.framework.models import Competency, Framework
from app.governance import repository as governance_repository
from app.governance.models import AREAS, GovernanceArea, Rag
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.outcomes import repository as outcome_reads
from app.outcomes import standing
from app.outcomes.models import Outcome
from app.permissions import Action, require
from app.reports.context import not_assessed_sentence, wording_list
from app.wording import ENGLAND, count

NOT_SCORED = "\u2013"
NOT_SUBMITTED = "Not yet submitted"
HANDFUL = 5
"""How many movements the lists of the most improved and of those that fell back show."""

# The order the status sentence counts PCTs in: furthest along first.
STATUS_ORDER = (
    AssessmentStatus.FINALISED,
    AssessmentStatus.PROVISIONAL,
    AssessmentStatus.IN_REVIEW,
    AssessmentStatus.RETURNED,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.SIGNED_OFF,
    AssessmentStatus.DRAFT,
)


def competencies(numbers: Iterable[int]) -> str:
    """ "competency 4", "competencies 4 and 7"."""
    named = [str(n) for n in numbers]
    return f"{'competency' if len(named) == 1 else 'competencies'} {wording_list(named)}"


@dataclass(frozen=True)
class LevelCell:
    """One PCT's level on one competency in the heat map: the SHA's review level once it has
    scored the competency, else the PCT's own level, saying which."""

    number: int
    self_level: int | None
    review_level: int | None

    @property
    def level(self) -> int | None:
        return self.review_level if self.review_level is not None else self.self_level

    @property
    def by_sha(self) -> bool:
        return self.review_level is not None

    @property
    def gap(self) -> int | None:
        """The SHA's level minus the PCT's own, where both are given."""
        if self.review_level is None or self.self_level is None:
            return None
        return self.review_level - self.self_level

    @property
    def gap_text(self) -> str:
        """ "+1" or "-1" where the SHA's level differs from the PCT's own, else empty."""
        return signed(self.gap) if self.gap else ""

    @property
    def source_text(self) -> str:
        """ "(self)" where the level shown is the PCT's own."""
        return "(self)" if self.level is not None and not self.by_sha else ""

    @property
    def css(self) -> str:
        if self.level is None:
            return "unscored"
        return f"level-{self.level}" + ("" if self.by_sha else " self")


@dataclass(frozen=True)
class MovementCell:
    """How the SHA's level for one competency of a PCT moved since the PCT's previous
    finalised assessment, measured by the comparison's rule; shown only where the rule
    compares the SHA's levels of both years."""

    number: int
    before: int | None
    """The SHA's final level in the previous finalised assessment."""
    now: int | None
    """The SHA's level in this cycle, once scored."""
    assessed_before: bool = True
    """Whether the previous assessment's cycle assessed the competency at all."""
    previous_self: int | None = None
    current_self: int | None = None

    @property
    def movement(self) -> rules.Movement | None:
        """The movement of the SHA's level, where it gave one in both years."""
        if not self.assessed_before:
            return None
        found = rules.compare(self.previous_self, self.before, self.current_self, self.now)
        return found if found and found.basis is rules.Basis.REVIEW else None

    @property
    def change(self) -> int | None:
        return self.movement.change if self.movement else None

    @property
    def direction(self) -> Direction | None:
        return self.movement.direction if self.movement else None

    @property
    def text(self) -> str:
        """ "↑ 2→3", "↓ 3→2", "= 2→2"; "was 2" until the SHA scores it this cycle; "new" for a
        competency the previous cycle did not assess."""
        if not self.assessed_before:
            return "new"
        if self.before is None:
            return NOT_SCORED
        if self.direction is None:
            return f"was {self.before}"
        return f"{self.direction.arrow} {self.before}\u2192{self.now}"

    @property
    def css(self) -> str:
        return self.direction.value if self.direction else "unknown"


@dataclass(frozen=True)
class Mover:
    """One PCT's movement on one competency, for the lists of who improved most and who fell
    back."""

    line: PctLine
    competency: Competency
    movement: rules.Movement

    @property
    def words(self) -> str:
        """ "↑ Up 2 levels" """
        return f"{self.movement.direction.arrow} {self.movement.words()}"


@dataclass(frozen=True)
class MoverList:
    """ "Most improved" or "Fell back": its movements, or what to say when there are none."""

    title: str
    movers: list[Mover]
    empty: str


@dataclass(frozen=True)
class GovernanceCell:
    """One governance area of a PCT in the SHA summary: the SHA's rating once given, else the
    PCT's own, saying which."""

    area: GovernanceArea
    rating: Rag | None
    by_sha: bool = False

    @property
    def by(self) -> str:
        if self.rating is None:
            return ""
        return "SHA's rating" if self.by_sha else "PCT's own rating"


@dataclass(frozen=True)
class OutcomeLine:
    """A measure a PCT presents, with where its latest actual stands."""

    outcome: Outcome
    status: standing.Status


@dataclass(frozen=True)
class PctLine:
    organisation: Organisation
    assessment: Assessment | None
    self_levels: dict[int, int]
    review_levels: dict[int, int]
    governance: tuple[GovernanceCell, ...] = ()
    outcomes: tuple[OutcomeLine, ...] = ()
    numbers: tuple[int, ...] = ()
    """The competencies the cycle assesses."""
    previous: Assessment | None = None
    """The PCT's previous finalised assessment (the latest finalised one of an earlier
    cycle), when visible."""
    previous_cycle: Cycle | None = None
    """The cycle of that assessment."""
    previous_review_levels: dict[int, int] = field(default_factory=dict)
    previous_self_levels: dict[int, int] = field(default_factory=dict)
    previous_numbers: tuple[int, ...] = ()
    """The competencies the previous assessment's cycle assessed."""

    @property
    def name(self) -> str:
        return f"{self.organisation.name} ({self.organisation.code})"

    # Status ----------------------------------------------------------------------------------

    @property
    def status(self) -> AssessmentStatus | None:
        return self.assessment.status if self.assessment else None

    @property
    def status_label(self) -> str:
        return self.assessment.status.label if self.assessment else NOT_SUBMITTED

    @property
    def status_date(self) -> str:
        """When the assessment reached where it stands, to follow its status: "on 25 May
        2010" (finalised), "submitted 14 Dec 2009" (in review)."""
        a = self.assessment
        if a is None:
            return ""
        match a.status:
            case AssessmentStatus.FINALISED:
                when, words = a.finalised_at, "on"
            case AssessmentStatus.PROVISIONAL:
                when, words = a.provisional_at, "shared"
            case AssessmentStatus.RETURNED:
                when, words = a.returned_at, "on"
            case AssessmentStatus.SIGNED_OFF:
                when, words = a.signed_off_at, "on"
            case AssessmentStatus.SUBMITTED | AssessmentStatus.IN_REVIEW:
                when, words = a.submitted_at, "submitted"
            case _:
                when, words = None, ""
        return f"{words} {when.astimezone(ENGLAND):%-d %b %Y}" if when else ""

    # Levels ----------------------------------------------------------------------------------

    @property
    def cells(self) -> tuple[LevelCell, ...]:
        return tuple(
            LevelCell(n, self.self_levels.get(n), self.review_levels.get(n)) for n in self.numbers
        )

    # Movement since the previous cycle -------------------------------------------------------

    @property
    def has_previous(self) -> bool:
        return self.previous is not None

    @property
    def movements(self) -> tuple[MovementCell, ...]:
        if self.previous is None:
            return ()
        return tuple(
            MovementCell(
                n,
                self.previous_review_levels.get(n),
                self.review_levels.get(n),
                assessed_before=n in self.previous_numbers,
                previous_self=self.previous_self_levels.get(n),
                current_self=self.self_levels.get(n),
            )
            for n in self.numbers
        )

    @property
    def compared(self) -> list[MovementCell]:
        """The competencies with a level from the SHA in both cycles."""
        return [m for m in self.movements if m.change is not None]

    @property
    def rises(self) -> list[MovementCell]:
        return [m for m in self.compared if m.direction is Direction.UP]

    @property
    def falls(self) -> list[MovementCell]:
        return [m for m in self.compared if m.direction is Direction.DOWN]

    @property
    def net_change(self) -> int:
        return sum(m.change or 0 for m in self.compared)

    @property
    def movement_summary(self) -> str:
        """ "Net +2 (4 up, 2 down)", or why there is nothing to say."""
        if self.previous is None:
            return ""
        if not self.compared:
            return "Not yet reviewed"
        return f"Net {signed(self.net_change)} ({len(self.rises)} up, {len(self.falls)} down)"

    # Outcomes --------------------------------------------------------------------------------

    @property
    def on_trajectory(self) -> list[OutcomeLine]:
        return [o for o in self.outcomes if o.status.on_trajectory is True]

    @property
    def off_trajectory(self) -> list[OutcomeLine]:
        return [o for o in self.outcomes if o.status.on_trajectory is False]

    @property
    def outcomes_summary(self) -> str:
        """ "2 measures: 1 on trajectory, 1 off trajectory" """
        if not self.outcomes:
            return "No measures presented"
        on, off = len(self.on_trajectory), len(self.off_trajectory)
        text = f"{count(len(self.outcomes), 'measure')}: {on} on trajectory, {off} off trajectory"
        waiting = len(self.outcomes) - on - off
        return text + (f", {waiting} not yet comparable" if waiting else "")


@dataclass(frozen=True)
class GovernanceTally:
    """How many PCTs stand at red, amber and green in one area (SHA's rating, else PCT's)."""

    area: GovernanceArea
    counts: Mapping[Rag, int]
    unrated: int


@dataclass(frozen=True)
class LevelKey:
    """One step of the heat map's colour scale."""

    level: int
    label: str


@dataclass
class ShaReport:
    sha: Organisation
    cycle: Cycle
    framework: Framework
    """The competencies the cycle assesses."""
    pcts: list[PctLine]
    distribution: dict[int, Counter[int]]
    generated_at: datetime
    not_assessed: tuple[Competency, ...] = field(default=())
    previous_cycle: Cycle | None = None
    """The cycle before this one by dates, if any."""

    @property
    def not_assessed_sentence(self) -> str:
        return not_assessed_sentence(self.not_assessed)

    @property
    def assessed_text(self) -> str:
        return self.framework.numbers_text()

    @property
    def with_assessment(self) -> list[PctLine]:
        return [line for line in self.pcts if line.assessment is not None]

    @property
    def level_key(self) -> list[LevelKey]:
        return [LevelKey(n, self.framework.scale_label(n)) for n in self.framework.level_numbers]

    # Statuses --------------------------------------------------------------------------------

    @property
    def status_sentence(self) -> str:
        """ "Where the 31 PCTs stand: 12 finalised, 3 provisional, 8 in review and 8 not yet
        submitted." """
        counted = Counter(line.status for line in self.pcts)
        parts = [
            f"{counted[status]} {status.label.lower()}"
            for status in STATUS_ORDER
            if counted[status]
        ]
        if counted[None]:
            parts.append(f"{counted[None]} {NOT_SUBMITTED.lower()}")
        n = len(self.pcts)
        if not n:
            return "The SHA has no PCTs."
        who = "the PCT stands" if n == 1 else f"the {n} PCTs stand"
        return f"Where {who}: {wording_list(parts)}."

    # Governance and outcomes -----------------------------------------------------------------

    @property
    def governance_tallies(self) -> list[GovernanceTally]:
        tallies = []
        for i, area in enumerate(AREAS):
            ratings = [line.governance[i].rating for line in self.with_assessment]
            counted = Counter(r for r in ratings if r is not None)
            tallies.append(
                GovernanceTally(
                    area, {rag: counted[rag] for rag in Rag}, sum(1 for r in ratings if r is None)
                )
            )
        return tallies

    @property
    def rags(self) -> tuple[Rag, ...]:
        return (Rag.RED, Rag.AMBER, Rag.GREEN)

    @property
    def outcomes_sentence(self) -> str:
        lines = self.with_assessment
        measures = sum(len(line.outcomes) for line in lines)
        if not measures:
            return "No PCT presents an outcome measure yet."
        on = sum(len(line.on_trajectory) for line in lines)
        off = sum(len(line.off_trajectory) for line in lines)
        behind = sum(1 for line in lines if line.off_trajectory)
        return (
            f"Outcome measures: {on} of {measures} on trajectory and {off} off trajectory; "
            f"{count(behind, 'PCT')} {'has' if behind == 1 else 'have'} at least one measure "
            "off trajectory."
        )

    # Movement since the previous cycle -------------------------------------------------------

    @property
    def previous_name(self) -> str:
        return self.previous_cycle.name if self.previous_cycle else ""

    @property
    def compared(self) -> list[PctLine]:
        """PCTs with a previous finalised assessment."""
        return [line for line in self.pcts if line.has_previous]

    def against(self, line: PctLine) -> str:
        """The cycle a PCT is compared with, where it is not the cycle before this one (its
        assessment then was never finalised, and an older one was): "2007/08"."""
        if line.previous_cycle is None or self.previous_cycle is None:
            return ""
        return "" if line.previous_cycle.id == self.previous_cycle.id else line.previous_cycle.name

    @property
    def _finalised_in(self) -> str:
        """ "finalised in 2008/09", or, where some PCT is compared with an older cycle,
        "finalised in an earlier cycle"."""
        if any(self.against(line) for line in self.compared):
            return "finalised in an earlier cycle"
        return f"finalised in {self.previous_name}"

    def _movers(self, direction: Direction) -> list[Mover]:
        """Each PCT's movement of the SHA's level on each competency in ``direction``,
        biggest first (then by PCT and competency)."""
        movers = [
            Mover(line, competency, cell.movement)
            for line in self.compared
            for cell in line.compared
            if cell.movement is not None
            and cell.direction is direction
            and (competency := self.framework.competency(cell.number)) is not None
        ]
        return sorted(
            movers,
            key=lambda m: (-m.movement.by, m.line.organisation.name, m.competency.number),
        )

    @property
    def most_improved(self) -> list[Mover]:
        """The biggest rises of the SHA's level on a competency since each PCT's previous
        finalised assessment: a handful."""
        return self._movers(Direction.UP)[:HANDFUL]

    @property
    def fell_back(self) -> list[Mover]:
        """The biggest falls, likewise."""
        return self._movers(Direction.DOWN)[:HANDFUL]

    @property
    def mover_lists(self) -> list[MoverList]:
        since = "since its previous finalised assessment"
        return [
            MoverList(
                "Most improved",
                self.most_improved,
                f"No PCT's level from the SHA has risen on any competency {since}.",
            ),
            MoverList(
                "Fell back",
                self.fell_back,
                f"No PCT's level from the SHA has fallen on any competency {since}.",
            ),
        ]

    @property
    def movers_left_out(self) -> str:
        """What the two lists leave out, for a sentence under them ("" when nothing)."""
        left = {
            word: len(self._movers(direction)) - HANDFUL
            for word, direction in (("rise", Direction.UP), ("fall", Direction.DOWN))
        }
        parts = [count(n, f"more {word}") for word, n in left.items() if n > 0]
        if not parts:
            return ""
        return (
            f"Each list gives the biggest {HANDFUL}; the table above shows {' and '.join(parts)}."
        )

    @property
    def movement_sentences(self) -> list[str]:
        """What moved since the previous cycle, for the whole SHA: who improved most and who
        fell back, in plain words; or why there is nothing to compare."""
        if self.previous_cycle is None:
            return [f"There is no earlier cycle than {self.cycle.name} to compare with."]
        before = self.previous_cycle.name
        compared = self.compared
        if not compared:
            return [f"No PCT has a finalised assessment from {before} to compare with."]
        scored = [line for line in compared if line.compared]
        waiting = len(compared) - len(scored)
        finalised = self._finalised_in
        sentence = (
            f"{len(scored)} of the {count(len(self.pcts), 'PCT')} "
            f"{'has' if len(scored) == 1 else 'have'} both an assessment {finalised} "
            "and the SHA's levels this cycle to compare it with"
        )
        if waiting:
            sentence += (
                f"; {waiting} more {'has' if waiting == 1 else 'have'} one {finalised} "
                "but no levels from the SHA this cycle yet"
            )
        sentences = [sentence + "."]
        if not scored:
            return sentences
        best = max(line.net_change for line in scored)
        if best > 0:
            top = [line for line in scored if line.net_change == best]
            names = wording_list([line.organisation.name for line in top])
            each = " each" if len(top) > 1 else ""
            sentences.append(
                f"Most improved overall: {names},{each} up {count(best, 'level')} in all "
                "across the competencies compared."
            )
        else:
            sentences.append(f"No PCT's levels rose overall since {before}.")
        fell = [line for line in scored if line.falls]
        if fell:
            named = [
                f"{line.organisation.name} ({competencies(m.number for m in line.falls)})"
                for line in fell
            ]
            sentences.append(f"Fell back on at least one competency: {wording_list(named)}.")
        else:
            sentences.append(f"No PCT fell back on any competency since {before}.")
        return sentences

    @property
    def new_numbers(self) -> list[int]:
        """Competencies this cycle assesses that the previous one did not."""
        if self.previous_cycle is None:
            return []
        before = set(self.previous_cycle.assessed)
        return [n for n in self.framework.numbers if n not in before]


def _governance_cells(ratings: governance_repository.Ratings | None) -> tuple[GovernanceCell, ...]:
    ratings = ratings or governance_repository.Ratings()
    cells = []
    for area in AREAS:
        if area in ratings.sha:
            cells.append(GovernanceCell(area, ratings.sha[area], by_sha=True))
        else:
            cells.append(GovernanceCell(area, ratings.pct.get(area)))
    return tuple(cells)


def _previous_cycle(session: Session, cycle: Cycle) -> Cycle | None:
    """The cycle before this one by dates: the last to open before it opened."""
    return session.exec(
        select(Cycle)
        .where(col(Cycle.opens_on) < cycle.opens_on)
        .order_by(
            col(Cycle.opens_on).desc(), col(Cycle.submission_due).desc(), col(Cycle.id).desc()
        )
        .limit(1)
    ).first()


def sha_report(session: Session, actor: Actor, cycle_id: int, sha_code: str) -> ShaReport:
    """Every PCT of the SHA in the cycle; scores, governance and outcomes only from
    assessments the caller may see, and the final levels of each PCT's previous finalised
    assessment (the latest finalised one of an earlier cycle). A fixed number of statements,
    whatever the number of PCTs: each kind of row is read for all of them at once."""
    require(actor, Action.READ_SHA_REPORT)
    sha = organisation_service.find_by_code(session, sha_code)
    if (
        sha is None
        or sha.kind is not OrganisationKind.SHA
        or not (actor.is_admin or actor.sha_id == sha.id)
    ):
        raise NotFound(f"SHA {sha_code.strip().upper()!r} not found")
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound(f"Cycle {cycle_id} not found")
    framework = framework_service.for_cycle(cycle)
    numbers = framework.numbers
    assessed = set(numbers)
    not_assessed = tuple(
        c
        for c in framework_service.get_framework(cycle.framework_version).competencies
        if c.number not in assessed
    )
    previous_cycle = _previous_cycle(session, cycle)
    pcts = organisation_service.pcts_of(session, sha)
    pct_ids = [p.id for p in pcts if p.id is not None]
    assessments = assessment_repository.in_cycle_for(session, actor, cycle_id, pct_ids)
    earlier: dict[int, tuple[Assessment, Cycle]] = {}
    if previous_cycle is not None:
        earlier = assessment_repository.previous_finalised(session, actor, cycle, pct_ids)
    ids = [a.id for a in assessments.values() if a.id is not None]
    earlier_ids = [a.id for a, _ in earlier.values() if a.id is not None]
    selfs, reviews = assessment_repository.levels_of(session, ids + earlier_ids)
    governance = governance_repository.ratings_for(session, ids)
    outcomes = outcome_reads.presented_outcomes_for(session, ids)
    actuals = outcome_reads.actuals_of(
        session, sorted({o.id for found in outcomes.values() for o in found if o.id is not None})
    )
    lines = []
    distribution: dict[int, Counter[int]] = {n: Counter() for n in numbers}
    for pct in pcts:
        assessment = assessments.get(pct.id or 0)
        aid = (assessment.id if assessment else None) or 0
        previous, before = earlier.get(pct.id or 0, (None, None))
        previous_id = (previous.id if previous else None) or 0
        self_levels = {n: v for n, v in selfs.get(aid, {}).items() if n in assessed}
        review_levels = {n: v for n, v in reviews.get(aid, {}).items() if n in assessed}
        for number, level in review_levels.items():
            distribution[number][level] += 1
        lines.append(
            PctLine(
                pct,
                assessment,
                self_levels,
                review_levels,
                governance=_governance_cells(governance.get(aid)) if assessment else (),
                outcomes=tuple(
                    OutcomeLine(o, standing.status(o, actuals.get(o.id or 0, {})))
                    for o in outcomes.get(aid, [])
                ),
                numbers=numbers,
                previous=previous,
                previous_cycle=before,
                previous_review_levels={
                    n: v for n, v in reviews.get(previous_id, {}).items() if n in assessed
                },
                previous_self_levels={
                    n: v for n, v in selfs.get(previous_id, {}).items() if n in assessed
                },
                previous_numbers=before.assessed if before else (),
            )
        )
    return ShaReport(
        sha,
        cycle,
        framework,
        lines,
        distribution,
        utcnow(),
        not_assessed,
        previous_cycle=previous_cycle,
    )
