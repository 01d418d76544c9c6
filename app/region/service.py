"""The SHA's region page: every PCT of one SHA in one cycle, where its assessment stands, how
far it is from its deadline, and its levels by competency beside the SHA's (SPEC 6.4, "On
screen").

Everything is read in a fixed number of statements whatever the number of PCTs and evidence
items: each kind of row for every PCT at once. A reviewer knows the status of every PCT's
assessment (``permissions.assessment_status_scope``) but reads levels and ratings only of
those they may see (``permissions.assessment_scope``: from the first submission on).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from urllib.parse import urlencode

from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import AssessmentStatus
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.development import service as development_service
from app.errors import NotFound
from app.framework import service as framework_service
from app.framework.models import Competency
from app.governance import repository as governance_repository
from app.governance.models import AREAS, GovernanceArea, Rag
from app.organisations import service as organisation_service
from app.organisations.models import Organisation
from app.permissions import Action, require
from app.region import repository as region_reads
from app.region.repository import AssessmentState
from app.wording import count, long_date, today_in_england

S = AssessmentStatus

NOT_STARTED = "not_started"
"""The status of a PCT with no assessment in the cycle."""
LATE = "late"
"""The filter for PCTs past their deadline."""
NOT_STARTED_LABEL = "Not started"
NOT_STARTED_COLOUR = "white"


class DeadlineKind(StrEnum):
    SUBMISSION = "submission"
    REVIEW = "review"


# Which of the cycle's deadlines a PCT is working to, by the status of its assessment: the
# submission date while the PCT holds it (also after a return, until it resubmits), the
# review date while the SHA holds it, none once finalised. No assessment: the submission.
DEADLINE_OF: Mapping[AssessmentStatus, DeadlineKind | None] = {
    S.DRAFT: DeadlineKind.SUBMISSION,
    S.SIGNED_OFF: DeadlineKind.SUBMISSION,
    S.RETURNED: DeadlineKind.SUBMISSION,
    S.SUBMITTED: DeadlineKind.REVIEW,
    S.IN_REVIEW: DeadlineKind.REVIEW,
    S.PROVISIONAL: DeadlineKind.REVIEW,
    S.FINALISED: None,
}


@dataclass(frozen=True)
class Deadline:
    """The date a PCT's assessment is due at its next step, and how far off it is."""

    kind: DeadlineKind
    due_on: date
    days: int
    """Days from today to the date: negative once it has passed."""

    @property
    def is_late(self) -> bool:
        return self.days < 0

    @property
    def words(self) -> str:
        """ "Due in 12 days", "Due today", "8 days late"."""
        if self.days > 0:
            return f"Due in {_days(self.days)}"
        if self.days == 0:
            return "Due today"
        return f"{_days(-self.days)} late"

    @property
    def what(self) -> str:
        """ "Submission due 18 December 2009", "Review was due 21 May 2010"."""
        verb = "was due" if self.is_late else "due"
        return f"{self.kind.value.capitalize()} {verb} {long_date(self.due_on)}"


def _days(n: int) -> str:
    """ "1 day", "12 days", "1,204 days"."""
    return count(n, "day").replace(str(n), f"{n:,}", 1)


def deadline_for(status: AssessmentStatus | None, cycle: Cycle, today: date) -> Deadline | None:
    """The deadline a PCT works to now: None once the SHA has finalised its assessment."""
    kind = DeadlineKind.SUBMISSION if status is None else DEADLINE_OF[status]
    if kind is None:
        return None
    due_on = cycle.submission_due if kind is DeadlineKind.SUBMISSION else cycle.review_due
    return Deadline(kind, due_on, (due_on - today).days)


@dataclass(frozen=True)
class LevelCell:
    """One competency of one PCT: its own level, the SHA's, and the gap between them."""

    competency: Competency
    self_level: int | None
    review_level: int | None
    href: str | None
    """The competency's page for this reader."""

    @property
    def gap(self) -> int | None:
        """The SHA's level minus the PCT's, once both are given."""
        if self.self_level is None or self.review_level is None:
            return None
        return self.review_level - self.self_level

    @property
    def gap_text(self) -> str:
        """ "+1", "0", "\u22122" (with a minus sign), or an en dash before both levels are
        given."""
        gap = self.gap
        if gap is None:
            return "\u2013"
        if gap > 0:
            return f"+{gap}"
        return f"\u2212{-gap}" if gap < 0 else "0"

    @property
    def standing(self) -> int | None:
        """The level that stands: the SHA's once given, else the PCT's own."""
        return self.review_level if self.review_level is not None else self.self_level

    @property
    def tone(self) -> str:
        """The cell's colour (beside its text, never instead of it)."""
        return f"level-{self.standing}" if self.standing is not None else "none"

    @staticmethod
    def level_text(level: int | None) -> str:
        return str(level) if level is not None else "\u2013"


@dataclass(frozen=True)
class GovernanceMark:
    """One governance area of one PCT: the SHA's rating once given, else the PCT's own,
    saying which."""

    area: GovernanceArea
    rating: Rag | None
    by_sha: bool
    href: str | None

    @property
    def by(self) -> str:
        if self.rating is None:
            return "Not rated"
        return "SHA" if self.by_sha else "PCT"

    @property
    def by_words(self) -> str:
        if self.rating is None:
            return "not rated yet"
        return "the SHA's rating" if self.by_sha else "the PCT's own rating"

    @property
    def tone(self) -> str:
        return self.rating.value if self.rating else "none"


@dataclass(frozen=True)
class PctRow:
    """One PCT of the SHA in the cycle."""

    pct: Organisation
    state: AssessmentState | None
    """None: the PCT has not started its assessment."""
    deadline: Deadline | None
    levels: tuple[LevelCell, ...]
    """Empty unless the reader may see the assessment."""
    governance: tuple[GovernanceMark, ...]
    href: str | None
    """The assessment's page for this reader, where they may open it."""
    overdue: int = 0
    """The PCT's development actions past their due date and not done, in any of its
    plans."""

    @property
    def overdue_text(self) -> str:
        """ "2 overdue", or "None overdue"."""
        return f"{self.overdue:,} overdue" if self.overdue else "None overdue"

    @property
    def status(self) -> AssessmentStatus | None:
        return self.state.status if self.state else None

    @property
    def status_key(self) -> str:
        return self.state.status.value if self.state else NOT_STARTED

    @property
    def status_label(self) -> str:
        return self.state.status.label if self.state else NOT_STARTED_LABEL

    @property
    def status_colour(self) -> str:
        return self.state.status.tag_colour if self.state else NOT_STARTED_COLOUR

    @property
    def readable(self) -> bool:
        return self.state is not None and self.state.readable

    @property
    def is_late(self) -> bool:
        return self.deadline is not None and self.deadline.is_late

    @property
    def why_no_levels(self) -> str:
        """Why the heat map shows no levels for this PCT."""
        if self.state is None:
            return "Not started: no self-assessment yet."
        return "Not submitted yet: its levels show here once the PCT submits it."

    def matches(self, status_filter: str) -> bool:
        """The PCT belongs under the filter ("" for all, "late", or a status)."""
        if not status_filter:
            return True
        if status_filter == LATE:
            return self.is_late
        return self.status_key == status_filter


@dataclass(frozen=True)
class StatusCount:
    """How many of the SHA's PCTs stand at one status (or are late)."""

    key: str
    label: str
    colour: str
    count: int


@dataclass(frozen=True)
class Choice:
    value: str
    text: str


def status_choices() -> list[Choice]:
    """What the page may be filtered by: all, late, not started, then each status."""
    return [
        Choice("", "All PCTs"),
        Choice(LATE, "Late"),
        Choice(NOT_STARTED, NOT_STARTED_LABEL),
        *(Choice(status.value, status.label) for status in AssessmentStatus),
    ]


STATUS_FILTERS = frozenset(choice.value for choice in status_choices())


@dataclass(frozen=True)
class Region:
    """Every PCT of one SHA in one cycle, for one reader."""

    sha: Organisation
    shas: tuple[Organisation, ...]
    """The SHAs the reader may choose between (an administrator's); empty for a reviewer."""
    cycles: tuple[Cycle, ...]
    cycle: Cycle | None
    """None when no cycle has been set up."""
    competencies: tuple[Competency, ...]
    """The competencies the cycle assesses."""
    rows: tuple[PctRow, ...]
    status_filter: str
    today: date

    @property
    def areas(self) -> tuple[GovernanceArea, ...]:
        return AREAS

    @property
    def shown(self) -> list[PctRow]:
        return [row for row in self.rows if row.matches(self.status_filter)]

    @property
    def counts(self) -> list[StatusCount]:
        """Each status with how many PCTs stand at it, not started first, then the late."""
        found = Counter(row.status_key for row in self.rows)
        found[LATE] = sum(1 for row in self.rows if row.is_late)
        statuses = [
            (NOT_STARTED, NOT_STARTED_LABEL, NOT_STARTED_COLOUR),
            *((s.value, s.label, s.tag_colour) for s in AssessmentStatus),
            (LATE, "Late", "red"),
        ]
        return [StatusCount(key, label, colour, found[key]) for key, label, colour in statuses]

    @property
    def overdue_words(self) -> str:
        """ "2 PCTs have development actions overdue", or "" when none has."""
        n = sum(1 for row in self.rows if row.overdue)
        if not n:
            return ""
        return f"{count(n, 'PCT')} {'has' if n == 1 else 'have'} development actions overdue"

    @property
    def showing(self) -> str:
        """What the lists show: "Showing all 12 PCTs." or "Showing late: 3 of 12 PCTs." """
        total = count(len(self.rows), "PCT")
        if not self.status_filter:
            return f"Showing all {total}."
        chosen = next(c for c in status_choices() if c.value == self.status_filter)
        return f"Showing {chosen.text.lower()}: {len(self.shown)} of {total}."

    def url(self, *, status: str | None = None) -> str:
        """This page for the same SHA and cycle, with a status filter ("" for all)."""
        query: dict[str, str] = {}
        if self.shas:
            query["sha"] = self.sha.code
        if self.cycle is not None:
            query["cycle_id"] = str(self.cycle.id)
        chosen = self.status_filter if status is None else status
        if chosen:
            query["status"] = chosen
        return "/region" + (f"?{urlencode(query)}" if query else "")

    @property
    def pdf_href(self) -> str | None:
        if self.cycle is None:
            return None
        query = urlencode({"sha_code": self.sha.code})
        return f"/api/v1/cycles/{self.cycle.id}/sha-report.pdf?{query}"

    @property
    def data_href(self) -> str | None:
        if self.cycle is None:
            return None
        query = urlencode({"sha_code": self.sha.code})
        return f"/api/v1/cycles/{self.cycle.id}/heatmap?{query}"


def _sha_for(
    session: Session, actor: Actor, sha_code: str | None
) -> tuple[Organisation, tuple[Organisation, ...]]:
    """The SHA the page is about, and the SHAs the reader may choose from: an administrator
    any (the first by name unless one is asked for), a reviewer their own only."""
    if actor.is_admin:
        shas = tuple(region_reads.shas(session))
        if not shas:
            raise NotFound("No strategic health authority has been set up yet")
        if not sha_code:
            return shas[0], shas
        code = organisation_service.normalise_code(sha_code)
        chosen = next((sha for sha in shas if sha.code == code), None)
        if chosen is None:
            raise NotFound(f"SHA {code!r} not found")
        return chosen, shas
    sha = session.get(Organisation, actor.sha_id) if actor.sha_id is not None else None
    if sha is None:
        raise NotFound("Your account is not linked to a strategic health authority")
    return sha, ()


def _cycle_for(cycles: list[Cycle], cycle_id: int | None) -> Cycle | None:
    """The cycle asked for, else the newest."""
    if cycle_id is None:
        return cycles[0] if cycles else None
    chosen = next((cycle for cycle in cycles if cycle.id == cycle_id), None)
    if chosen is None:
        raise NotFound(f"Cycle {cycle_id} not found")
    return chosen


def _links(actor: Actor, state: AssessmentState | None) -> tuple[str | None, str]:
    """Where this reader opens the assessment, and the start of its competency pages: a
    reviewer's review pages, an administrator's assessment pages; none where they may not
    open it."""
    if state is None or not state.readable:
        return None, ""
    base = f"/assessments/{state.assessment_id}"
    if actor.is_admin:
        return base, f"{base}/competencies/"
    return f"{base}/review", f"{base}/review/"


def _row(
    actor: Actor,
    pct: Organisation,
    state: AssessmentState | None,
    cycle: Cycle,
    competencies: tuple[Competency, ...],
    selfs: Mapping[int, Mapping[int, int]],
    reviews: Mapping[int, Mapping[int, int]],
    ratings: Mapping[int, governance_repository.Ratings],
    today: date,
    overdue: int = 0,
) -> PctRow:
    """One PCT's line: its levels and governance only where the reader may see them."""
    href, competency_base = _links(actor, state)
    deadline = deadline_for(state.status if state else None, cycle, today)
    if state is None or not state.readable:
        return PctRow(pct, state, deadline, (), (), href, overdue)
    own = selfs.get(state.assessment_id, {})
    sha_levels = reviews.get(state.assessment_id, {})
    levels = tuple(
        LevelCell(c, own.get(c.number), sha_levels.get(c.number), f"{competency_base}{c.number}")
        for c in competencies
    )
    rated = ratings.get(state.assessment_id) or governance_repository.Ratings()
    governance = tuple(
        GovernanceMark(
            area,
            rated.sha.get(area, rated.pct.get(area)),
            area in rated.sha,
            f"/assessments/{state.assessment_id}/governance",
        )
        for area in AREAS
    )
    return PctRow(pct, state, deadline, levels, governance, href, overdue)


def region(
    session: Session,
    actor: Actor,
    *,
    cycle_id: int | None = None,
    sha_code: str | None = None,
    status: str = "",
) -> Region:
    """Every PCT of the SHA in the cycle (the newest unless one is asked for), with where
    its assessment stands, its deadline and, where the reader may see it, its levels and
    governance ratings; ``status`` filters what is listed ("", "late", "not_started" or a
    status; anything else lists all)."""
    require(actor, Action.READ_SHA_REPORT)
    sha, shas = _sha_for(session, actor, sha_code)
    cycles = cycle_service.list_cycles(session)
    cycle = _cycle_for(cycles, cycle_id)
    status_filter = status if status in STATUS_FILTERS else ""
    today = today_in_england()
    if cycle is None or cycle.id is None:
        return Region(sha, shas, tuple(cycles), None, (), (), status_filter, today)
    competencies = framework_service.for_cycle(cycle).competencies
    pcts = organisation_service.pcts_of(session, sha)
    states = region_reads.states_in_cycle(
        session, actor, cycle.id, [pct.id for pct in pcts if pct.id is not None]
    )
    readable = [s.assessment_id for s in states.values() if s.readable]
    selfs, reviews = assessment_repository.levels_of(session, readable)
    ratings = governance_repository.ratings_for(session, readable)
    overdue = development_service.overdue_counts(session, actor, sha_id=sha.id)
    rows = [
        _row(
            actor,
            pct,
            states.get(pct.id or 0),
            cycle,
            competencies,
            selfs,
            reviews,
            ratings,
            today,
            overdue.get(pct.id or 0, 0),
        )
        for pct in pcts
    ]
    return Region(sha, shas, tuple(cycles), cycle, competencies, tuple(rows), status_filter, today)
