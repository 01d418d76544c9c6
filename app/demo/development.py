"""The demo's development plans: what each PCT agreed to do after the SHA finalised its
assessment, and how it reported progress through the following year.

The SHA's results come with the development plan it agreed with the PCT at the panel, and the
PCT's lead records it the next working day: an action on each of the competencies the SHA
rated lowest (the harder competency first where levels tie), and one on the assessment as a
whole. The SHA offers support for each: FESC (the Framework for procuring External Support for
Commissioners) for the weakest competency, its own facilitation for the next, a peer PCT for
a third, and the national board development programme for the whole.

Through 2009 the lead reports progress on the 2008/09 plan at the quarter's end: the FESC work
and the board programme stay on track; the second action is done by September, except at a
PCT whose lead for it left (Kirklees in the small demo, about one PCT in six nationally),
where it is at risk and still open after its December due date. So the 2009/10 assessments
carry the open actions forward. A 2009/10 plan is recorded in May 2010, as the demo's history
ends, and has no progress yet.

Deterministic: the same PCT, year and levels give the same plan.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from app.demo.data import EASE, FIRST_CYCLE, PCTS, improvement_action
from app.demo.timeline import at, next_working_day, working_day
from app.development.models import ActionStatus, SupportKind

PLAN_AFTER_RESULTS = timedelta(days=1)
"""The lead records the plan the next working day after the SHA's results, so that even the
last results of the last cycle have their plan before its review deadline."""
AT_RISK_SHARE = 1 / 6
"""About this share of PCTs nationally have the second action of their first plan at risk."""
AT_RISK_PCTS = frozenset({"5N2"})
"""In the small demo: Kirklees alone."""
SMALL_DEMO_PCTS = frozenset(code for code, *_rest in PCTS)

OWNERS = {
    1: "Chief executive",
    2: "Director of partnerships",
    3: "Director of communications and engagement",
    4: "Chair of the Professional Executive Committee (PEC)",
    5: "Director of public health",
    6: "Director of finance",
    7: "Director of commissioning",
    8: "Director of commissioning",
    9: "Head of procurement",
    10: "Director of performance",
    11: "Director of finance",
}
WHOLE_OWNER = "Chief executive"
WHOLE_ACTION = {
    FIRST_CYCLE: "Take the board through the national board development programme on world "
    "class commissioning, and report progress against this plan to every public board "
    "meeting.",
    "2009/10": "Refresh the organisational development plan against the panel's findings, "
    "and agree with the SHA the support the weakest competencies need in 2010/11.",
}

SUPPORT_NOTES = {
    SupportKind.FESC: "Bought from a supplier on the FESC framework, part-funded by the SHA.",
    SupportKind.SHA_FACILITATION: "Workshops led by the SHA's commissioning development team.",
    SupportKind.PEER_SUPPORT: "Paired with a PCT in the region the SHA rated higher on this "
    "competency.",
    SupportKind.NATIONAL_PROGRAMME: "The national board development programme for world "
    "class commissioning.",
}
# The support for the first, second and third competency action.
COMPETENCY_SUPPORT = (SupportKind.FESC, SupportKind.SHA_FACILITATION, SupportKind.PEER_SUPPORT)


@dataclass(frozen=True)
class NoteSeed:
    """A progress report: when it was written, the status it set and what it says."""

    written_at: datetime
    status: ActionStatus
    note: str


@dataclass(frozen=True)
class ActionSeed:
    """One action of a plan, with the progress reported on it, oldest first."""

    competency_number: int | None
    action: str
    owner: str
    due_on: date
    support: SupportKind
    created_at: datetime
    notes: tuple[NoteSeed, ...] = ()

    @property
    def support_note(self) -> str:
        return SUPPORT_NOTES.get(self.support, "")

    @property
    def version(self) -> int:
        """The action's version once reported on: one more for each report that changed its
        status (a note alone leaves the action as it was)."""
        statuses = [ActionStatus.NOT_STARTED, *(note.status for note in self.notes)]
        return 1 + sum(a is not b for a, b in pairwise(statuses))

    @property
    def updated_at(self) -> datetime:
        """When its status last changed (when it was added, if never)."""
        changed = self.created_at
        statuses = [ActionStatus.NOT_STARTED, *(note.status for note in self.notes)]
        for before, note in zip(statuses, self.notes, strict=False):
            if note.status is not before:
                changed = note.written_at
        return changed

    @property
    def status(self) -> ActionStatus:
        """The status its last progress report set (not started without one)."""
        return self.notes[-1].status if self.notes else ActionStatus.NOT_STARTED


def _quarter_end(year: int, month: int) -> datetime:
    """The lead's report at a quarter's end: the last working day of the month, afternoon."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return at(working_day(first_of_next - timedelta(days=1)), 16)


def lowest_rated(panel: Mapping[int, int], assessed: Sequence[int]) -> list[int]:
    """The assessed competencies from the SHA's lowest level up; the harder competency first
    where levels tie."""
    return sorted(assessed, key=lambda n: (panel[n], EASE[n], n))


def at_risk(pct_code: str) -> bool:
    """Whether the PCT's second action of its first plan falls behind."""
    if pct_code in SMALL_DEMO_PCTS:
        return pct_code in AT_RISK_PCTS
    return random.Random(f"at-risk-{pct_code}").random() < AT_RISK_SHARE


def _first_year_notes(position: int, risky: bool) -> tuple[tuple[date, NoteSeed], ...]:
    """The due date and the 2009 progress reports of the ``position``-th competency action
    (-1: the action on the whole assessment) of a 2008/09 plan."""
    on, risk, done = ActionStatus.ON_TRACK, ActionStatus.AT_RISK, ActionStatus.DONE
    if position == 0:
        return (
            (date(2010, 9, 30), NoteSeed(_quarter_end(2009, 3), on, _FESC_STARTED)),
            (date(2010, 9, 30), NoteSeed(_quarter_end(2009, 6), on, _FESC_DIAGNOSTIC)),
            (date(2010, 9, 30), NoteSeed(_quarter_end(2009, 9), on, _FESC_HALFWAY)),
            (date(2010, 9, 30), NoteSeed(_quarter_end(2009, 12), on, _FESC_PHASE_TWO)),
        )
    if position == 1 and risky:
        return (
            (date(2009, 12, 31), NoteSeed(_quarter_end(2009, 6), on, _WORKSHOPS_HELD)),
            (date(2009, 12, 31), NoteSeed(_quarter_end(2009, 9), risk, _LEAD_LEFT)),
            (date(2009, 12, 31), NoteSeed(_quarter_end(2009, 12), risk, _STILL_VACANT)),
        )
    if position == 1:
        return (
            (date(2009, 9, 30), NoteSeed(_quarter_end(2009, 6), on, _WORKSHOPS_HELD)),
            (date(2009, 9, 30), NoteSeed(_quarter_end(2009, 9), done, _DONE)),
        )
    if position == 2:
        return ((date(2010, 6, 30), NoteSeed(_quarter_end(2009, 12), on, _PEER_VISIT)),)
    return (
        (date(2011, 3, 31), NoteSeed(_quarter_end(2009, 3), on, _BOARD_ADOPTED)),
        (date(2011, 3, 31), NoteSeed(_quarter_end(2009, 9), on, _BOARD_SESSIONS)),
    )


_FESC_STARTED = (
    "Supplier appointed through FESC after mini-competition; the diagnostic work has started "
    "with the commissioning team."
)
_FESC_DIAGNOSTIC = (
    "Diagnostic report taken to the board in July; it agreed the programme and the measures "
    "the panel will look for next year."
)
_FESC_HALFWAY = (
    "Half of the programme delivered, on budget. The 2009/10 self-assessment draws on it."
)
_FESC_PHASE_TWO = (
    "Second phase under way; the supplier hands over to the PCT's own staff by September 2010."
)
_WORKSHOPS_HELD = "Two workshops held with the SHA's team; the work plan is agreed."
_LEAD_LEFT = (
    "The manager leading this work left in August and the post is vacant; the December date "
    "is at risk."
)
_STILL_VACANT = (
    "Still at risk: the post is filled from February. The board has asked for a revised date "
    "in the next report."
)
_DONE = "Completed and reported to the board in September; the evidence is in the library."
_PEER_VISIT = "First visit to the peer PCT held in December; a joint work plan follows."
_BOARD_ADOPTED = "The board adopted the plan in public at its March meeting."
_BOARD_SESSIONS = (
    "Board development sessions held in June and September; the next on the outcomes the "
    "Strategic Plan aims for."
)


def plan(
    pct_code: str,
    pct_name: str,
    cycle: str,
    *,
    finalised_at: datetime,
    panel: Mapping[int, int],
    assessed: Sequence[int],
    places: Mapping[str, str] | None = None,
) -> list[ActionSeed]:
    """The development plan the PCT's lead records after the SHA finalises its assessment of
    ``cycle``: two to four actions (three or four from 2009/10), those on competencies
    first."""
    rng = random.Random(f"plan-{pct_code}-{cycle}")
    first_year = cycle == FIRST_CYCLE
    how_many = rng.choice((1, 2, 2, 3) if first_year else (2, 3))
    competencies = lowest_rated(panel, assessed)[:how_many]
    agreed = at(next_working_day(finalised_at.date() + PLAN_AFTER_RESULTS), 10)
    risky = at_risk(pct_code)
    seeds = []
    for position, number in enumerate([*competencies, None]):
        if number is None:
            text, owner, support = WHOLE_ACTION[cycle], WHOLE_OWNER, SupportKind.NATIONAL_PROGRAMME
            story = _first_year_notes(-1, risky)
        else:
            text = improvement_action(pct_code, pct_name, cycle, number, **(places or {}))
            owner, support = OWNERS[number], COMPETENCY_SUPPORT[position]
            story = _first_year_notes(position, risky)
        if first_year:
            due_on, notes = story[0][0], tuple(note for _due, note in story)
        else:
            # A plan recorded in May 2010: due by the end of the year, or of the financial year.
            due_on = date(agreed.year + 1, 3, 31) if number is None else date(agreed.year, 12, 31)
            notes = ()
        seeds.append(
            ActionSeed(
                competency_number=number,
                action=text,
                owner=owner,
                due_on=due_on,
                support=support,
                created_at=agreed + timedelta(minutes=position),
                notes=notes,
            )
        )
    return seeds
