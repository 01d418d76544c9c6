"""Everything a report shows, gathered in a fixed number of queries and checked for scope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import (
    AssessmentStatus,
    ModerationChange,
    ProvisionalRating,
    ReturnPoint,
)
from app.assessments.record import (
    AssessmentRecord,
    CompetencyLine,
    GovernanceLine,
    PresentedItem,
    RecordView,
    Round,
)
from app.comparison import service as comparison_service
from app.db import utcnow
from app.engagement import service as engagement_service
from app.engagement.rules import ENGAGEMENT_COMPETENCY
from app.framework import service as framework_service
from app.framework.models import Competency, Framework, RollUpRule
from app.governance.models import Rag
from app.outcomes import standing
from app.outcomes.models import Outcome
from app.panel.models import Panel
from app.reports import trajectory
from app.reports.radar import radar_svg
from app.reports.since_last_year import SinceLastYear
from app.wording import count, long_date

FINANCE_COMPETENCY = "make_sound_financial_investments"
# The evidence items a competency lists in the PDF: past them, one line says how many more
# there are and that the spreadsheet export lists them all (as appendix A does, once each), so
# a report's length, and the time it takes to render, stay bounded however many items a PCT
# presents for a competency.
SECTION_ITEMS = 25


@dataclass(frozen=True)
class Fact:
    """One row of the front sheet's table of facts."""

    label: str
    value: str


@dataclass(frozen=True)
class LevelCount:
    """How many competencies stand at one level, by the PCT's own score and by the SHA's."""

    level: int | None
    """None for "not yet scored"."""
    label: str
    self_count: int
    review_count: int


@dataclass(frozen=True)
class OpenPoint:
    """A point the SHA raised at a return that the PCT has not yet answered."""

    where: str
    """The competency it concerns ("4. Collaborate with clinicians"), or "General"."""
    round: int
    request: str


@dataclass(frozen=True)
class EvidenceSection:
    """The evidence a competency lists in the PDF: the first of its presented items, and how
    many more it has."""

    shown: tuple[PresentedItem, ...]
    more: int

    @property
    def more_line(self) -> str:
        """ "and 350 more items: the full list is in the spreadsheet export"."""
        if not self.more:
            return ""
        return (
            f"and {count(self.more, 'more item', 'more items')}: the full list is in the "
            "spreadsheet export"
        )


@dataclass(frozen=True)
class ContentsEntry:
    anchor: str
    title: str


@dataclass(frozen=True)
class TrajectoryRow:
    """One year of an outcome measure: what was aimed for and what it reached."""

    year: int
    aimed: str
    actual: str
    is_baseline: bool = False


@dataclass(frozen=True)
class OutcomeView:
    """An outcome measure as a report shows it: the chart, the years and where it stands."""

    outcome: Outcome
    actuals: Mapping[int, float]

    @property
    def status(self) -> standing.Status:
        return standing.status(self.outcome, self.actuals)

    @property
    def chart(self) -> Markup:
        return trajectory.trajectory_svg(self.outcome, self.actuals)

    @property
    def places(self) -> int:
        values = [v for _, v in standing.aimed_points(self.outcome)]
        return standing.decimals([*values, *self.actuals.values()])

    def number(self, value: float) -> str:
        return standing.number(value, self.places)

    @property
    def baseline_text(self) -> str:
        o = self.outcome
        return f"{self.number(o.baseline_value)} in {o.baseline_year}"

    @property
    def rows(self) -> list[TrajectoryRow]:
        o = self.outcome
        years = {y for y, _ in standing.aimed_points(o)} | set(self.actuals)
        rows = []
        for year in sorted(y for y in years if y >= o.baseline_year):
            aim = standing.aimed_for(o, year)
            actual = self.actuals.get(year)
            if year == o.baseline_year and actual is None:
                actual = o.baseline_value
            rows.append(
                TrajectoryRow(
                    year,
                    self.number(aim) if aim is not None else "\u2013",
                    self.number(actual) if actual is not None else "\u2013",
                    year == o.baseline_year,
                )
            )
        return rows


def roll_up_words(framework: Framework) -> str:
    """How a competency's level follows from its criteria, to finish "the competency
    stands at…"."""
    if framework.roll_up is None:
        return ""
    if framework.roll_up.rule is RollUpRule.LOWEST:
        return "the lowest level that any of its criteria has reached"
    return "the middle level of its criteria (the lower of the two middle ones)"


@dataclass
class AssessmentReport(RecordView):
    """The assurance report of one assessment, laid out as a board paper: a mapping over its
    record. Everything the front sheet says is worked out here, so the template only lays
    it out."""

    record: AssessmentRecord
    radar: Markup
    generated_at: datetime
    panel: Panel | None = None
    shared: ProvisionalRating | None = None
    """The SHA's ratings last shared as provisional for this round, with the PCT's answer."""
    moderation: tuple[ModerationChange, ...] = ()
    since_last_year: SinceLastYear | None = None
    """The comparison with the PCT's previous finalised assessment."""
    engagement: engagement_service.Engagement | None = None
    """The PCT's clinician engagement in the cycle, shown with the engagement competency."""

    # What the body and the exports show ------------------------------------------------------

    @property
    def sections(self) -> tuple[CompetencyLine, ...]:
        return self.record.lines

    @property
    def manifest(self) -> tuple[PresentedItem, ...]:
        return self.record.evidence or ()

    @property
    def frozen(self) -> bool:
        return self.record.frozen

    @property
    def status_label(self) -> str:
        return self.assessment.status.label

    @property
    def is_final(self) -> bool:
        return self.assessment.status is AssessmentStatus.FINALISED

    @property
    def mark(self) -> str | None:
        """What every page says across it until the review is final."""
        if self.is_final:
            return None
        if self.assessment.status is AssessmentStatus.PROVISIONAL:
            return "PROVISIONAL"
        return "DRAFT"

    @property
    def running_status(self) -> str:
        """The status in every page's running head."""
        if self.assessment.status is AssessmentStatus.PROVISIONAL:
            return "PROVISIONAL: not final"
        return f"{self.mark}: {self.status_label}" if self.mark else self.status_label

    def moderated_what(self, change: ModerationChange) -> str:
        match change.subject:
            case "competency":
                return f"Competency {change.key}"
            case "criterion":
                return f"Criterion {change.key}"
            case "governance":
                return f"Governance: {change.key}"
            case _:
                return f"Rating of evidence item {change.key}"

    @property
    def shows_review_record(self) -> bool:
        return bool(self.panel or self.shared or self.moderation)

    @property
    def rounds(self) -> tuple[Round, ...]:
        return self.record.rounds

    @property
    def return_points(self) -> tuple[ReturnPoint, ...]:
        return self.record.return_points

    # Where it stands -------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return f"World Class Commissioning self-assessment {self.cycle.name}"

    @property
    def sha_name(self) -> str:
        return self.sha.name if self.sha else "the strategic health authority"

    @property
    def awaiting_sign_off(self) -> bool:
        """The board has yet to sign off what the PCT now holds: a draft, or a returned
        assessment under revision (whose earlier sign-off was for the round returned)."""
        return self.assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)

    @property
    def sign_off_holds(self) -> bool:
        """The board's sign-off on record is of the assessment as it now stands."""
        return self.record.signed_off and not self.awaiting_sign_off

    @property
    def signer(self) -> str:
        """Who signed off, named as they were when they signed."""
        a = self.assessment
        return a.signed_off_by_name or self.person(a.signed_off_by_id)

    @property
    def meeting_clause(self) -> Markup:
        """Where the board signed off: "at its meeting of 15 December 2009 (minute …)", with a
        short minute reference kept on one line."""
        a = self.assessment
        if a.signed_off_meeting_date:
            text = Markup("at its meeting of {}").format(long_date(a.signed_off_meeting_date))
        else:
            text = Markup("on {}").format(long_date(a.signed_off_at))
        minute = a.signed_off_minute_reference
        if minute:
            template = (
                '(minute <span class="nowrap">{}</span>)' if len(minute) <= 30 else "(minute {})"
            )
            text += Markup(" ") + Markup(template).format(minute)
        return text

    @property
    def sign_off_facts(self) -> list[Fact]:
        """The board's sign-off as the cover gives it: the meeting, the minute and who
        recorded it; never the fingerprint (that is in appendix B)."""
        a = self.assessment
        if not self.record.signed_off:
            if a.sign_off_withdrawn_at:
                who = self.person(a.sign_off_withdrawn_by_id)
                reason = (a.sign_off_withdrawn_reason or "").strip()
                return [
                    Fact(
                        "Board sign-off",
                        "Not signed off: the earlier sign-off was withdrawn"
                        + (f" by {who}" if who else "")
                        + f" on {long_date(a.sign_off_withdrawn_at)}"
                        + (f". Reason: {reason}" if reason else ""),
                    )
                ]
            return [Fact("Board sign-off", "Not yet signed off by the board")]
        who = self.signer
        facts = [
            Fact("Board meeting", long_date(a.signed_off_meeting_date) or "Not recorded"),
            Fact("Minute reference", a.signed_off_minute_reference or "Not recorded"),
            Fact(
                "Sign-off recorded by",
                (f"{who}, " if who else "") + long_date(a.signed_off_at),
            ),
        ]
        if not self.sign_off_holds:
            facts.insert(
                0,
                Fact(
                    "Board sign-off",
                    f"The sign-off below was of round {self.record.round} as submitted; the "
                    "revised assessment is not yet signed off",
                ),
            )
        return facts

    @property
    def cover_facts(self) -> list[Fact]:
        a = self.assessment
        organisation = f"{self.organisation.name} ({self.organisation.code})"
        if self.organisation.population:
            organisation += f", registered population {self.organisation.population:,}"
        facts = [
            Fact("Primary care trust", organisation),
            Fact("Strategic health authority", self.sha.name if self.sha else "None"),
            Fact(
                "Cycle",
                f"{self.cycle.name}: submission due {long_date(self.cycle.submission_due)}, "
                f"review due {long_date(self.cycle.review_due)}",
            ),
            Fact("Status", self.status_text),
            *self.sign_off_facts,
            Fact("Submitted to the SHA", self.submitted_text),
        ]
        if a.finalised_at:
            who = self.person(a.finalised_by_id)
            facts.append(
                Fact("Review finalised", (f"{who}, " if who else "") + long_date(a.finalised_at))
            )
        return facts

    @property
    def status_text(self) -> str:
        status = self.assessment.status
        label = status.label
        match status:
            case AssessmentStatus.DRAFT:
                return f"{label}: not yet signed off by the board"
            case AssessmentStatus.SIGNED_OFF:
                return f"{label}: waiting to be submitted to the SHA"
            case AssessmentStatus.SUBMITTED:
                return f"{label}: waiting for the SHA's review"
            case AssessmentStatus.IN_REVIEW:
                return f"{label}: the SHA is reviewing it"
            case AssessmentStatus.RETURNED:
                return f"{label}: the SHA returned it to the PCT to revise"
            case AssessmentStatus.PROVISIONAL:
                return (
                    f"{label}: the SHA's ratings are shared with the PCT to check for factual "
                    "accuracy; they are not final"
                )
            case _:
                return f"{label}: the SHA's review is complete"

    @property
    def submitted_text(self) -> str:
        if not self.rounds:
            return "Not yet submitted"
        last = self.rounds[-1]
        who = self.person(last.submitted_by_id)
        text = f"{long_date(last.submitted_at)}" + (f" by {who}" if who else "")
        if len(self.rounds) > 1:
            text += f" (round {last.round})"
        if self.assessment.status is AssessmentStatus.RETURNED and self.assessment.returned_at:
            text += f"; returned by the SHA on {long_date(self.assessment.returned_at)}"
        return text

    @property
    def evidence_basis(self) -> str:
        """Which state of the presented items the report shows, for the cover."""
        if self.frozen:
            return "as frozen at submission"
        match self.assessment.status:
            case AssessmentStatus.SIGNED_OFF:
                return "as the board signed them off"
            case AssessmentStatus.RETURNED:
                return "as they stand in the revision"
            case _:
                return "as they stand today"

    @property
    def manifest_note(self) -> str:
        """What the manifest's items are and what their hashes prove."""
        if self.frozen:
            return (
                "Each item as frozen at submission. The item hash is the SHA-256 of its frozen "
                "record, so any later change to the item can be detected."
            )
        match self.assessment.status:
            case AssessmentStatus.SIGNED_OFF:
                opening = "Signed off, not yet submitted: each item as the board signed it off."
            case AssessmentStatus.RETURNED:
                opening = "Returned for revision: each item as it stands in the revision."
            case _:
                opening = "Not yet submitted: each item as it stands today."
        return (
            f"{opening} Items are frozen, and hashed, when the assessment is "
            f"{'resubmitted' if self.rounds else 'submitted'}."
        )

    # Purpose and recommendation --------------------------------------------------------------

    @property
    def competencies_phrase(self) -> str:
        """ "the 11 World Class Commissioning competencies", or, when the cycle leaves some
        out, "the 10 … competencies this cycle assesses"."""
        phrase = f"the {len(self.sections)} World Class Commissioning competencies"
        return phrase + (" this cycle assesses" if self.not_assessed else "")

    @property
    def purpose(self) -> list[str]:
        pct, cycle = self.organisation.name, self.cycle.name
        competencies = self.competencies_phrase
        status = self.assessment.status
        if status is AssessmentStatus.RETURNED:
            returned = long_date(self.assessment.returned_at)
            opening = (
                f"{self.sha_name} returned {pct}'s {cycle} self-assessment"
                + (f" on {returned}" if returned else "")
                + f" with {count(len(self.returned_points), 'point')} to address. "
                "This paper presents the revised self-assessment for the board to ratify "
                "and sign off again before it is resubmitted."
            )
        elif self.awaiting_sign_off:
            opening = (
                f"This paper presents {pct}'s {cycle} self-assessment against {competencies} "
                f"for the board to ratify and sign off before it is submitted to "
                f"{self.sha_name}."
            )
        elif status is AssessmentStatus.FINALISED:
            opening = (
                f"This paper reports the outcome of {self.sha_name}'s review of {pct}'s "
                f"{cycle} self-assessment against {competencies}, as the board signed it off."
            )
        else:
            opening = (
                f"This paper records {pct}'s {cycle} self-assessment against {competencies} as "
                "the board signed it off, and where it now stands."
            )
        return [
            opening,
            "For each competency it sets out the level the PCT gives itself and why, the "
            "evidence presented, the improvement action and the target level, and the SHA's "
            "level where the SHA has reviewed it. The governance ratings and the outcome "
            "measures, each charted against its trajectory, follow the competencies. The "
            "evidence manifest and the record of submissions are in the appendices.",
        ]

    @property
    def board_asked_to(self) -> list[str]:
        """What the board is asked to do, each finishing the sentence "The board is asked
        to…"."""
        n = len(self.sections)
        status = self.assessment.status
        if self.awaiting_sign_off:
            asks = []
            if status is AssessmentStatus.RETURNED:
                asks.append(
                    "note the points the SHA raised when it returned the assessment, and the "
                    "PCT's response to each"
                )
            asks.append(
                f"ratify the self-assessment: the level given for each of the {n} "
                "competencies, the reasons for it and the evidence presented, the governance "
                "ratings and the outcome measures with their trajectories"
            )
            asks.append("approve the improvement actions and target levels")
            missing = len(self.readiness.missing)
            if missing:
                asks.append(
                    f"note that {count(missing, 'thing')} must be completed before the board "
                    "can sign off (see key gaps and risks)"
                )
            again = " again" if status is AssessmentStatus.RETURNED else ""
            nxt = self.record.round + 1
            asks.append(
                f"sign off the self-assessment{again}"
                + (", once they are complete" if missing else "")
                + ", recording the date of the meeting and the minute reference, so that the "
                f"PCT lead can submit it to {self.sha_name}"
                + (f" as round {nxt}" if nxt > 1 else "")
            )
            return asks
        asks: list[str] = (
            [Markup("note that the board signed off the self-assessment ") + self.meeting_clause]
            if self.record.signed_off
            else ["note that the board's sign-off of the self-assessment is not on record"]
        )
        if status is AssessmentStatus.SIGNED_OFF:
            asks.append(f"note that it is ready for the PCT lead to submit to {self.sha_name}")
        elif status is AssessmentStatus.SUBMITTED:
            when = f" on {long_date(self.rounds[-1].submitted_at)}" if self.rounds else ""
            asks.append(
                f"note that it was submitted to {self.sha_name}{when} and is waiting for the "
                "SHA's review"
            )
        elif status is AssessmentStatus.IN_REVIEW:
            asks.append(
                f"note that {self.sha_name} is reviewing it: {self.review_sentence[0].lower()}"
                f"{self.review_sentence[1:].rstrip('.')}"
            )
        else:
            asks.append(
                f"note {self.sha_name}'s final levels and the "
                f"{count(len(self.divergent), 'competency', 'competencies')} where they differ "
                "from the PCT's own"
            )
        asks.append(
            "note the improvement actions and target levels, to be carried into the "
            "development plan for next year"
            if status is AssessmentStatus.FINALISED
            else "note the improvement actions and target levels"
        )
        return asks

    # Executive summary -----------------------------------------------------------------------

    @property
    def level_counts(self) -> list[LevelCount]:
        selfs = Counter(s.self_score.level for s in self.sections if s.self_score)
        reviews = Counter(s.review_score.level for s in self.sections if s.review_score)
        rows = [
            LevelCount(level, self.framework.scale_label(level), selfs[level], reviews[level])
            for level in self.framework.level_numbers
        ]
        n = len(self.sections)
        rows.append(
            LevelCount(None, "Not yet scored", n - sum(selfs.values()), n - sum(reviews.values()))
        )
        return rows

    @property
    def reviewed(self) -> int:
        return sum(1 for s in self.sections if s.review_score)

    @property
    def ready_count(self) -> int:
        return sum(1 for s in self.sections if s.ready)

    @property
    def summary_sentences(self) -> list[str]:
        n = len(self.sections)
        scored = self.record.scored
        selfs = [s.self_score.level for s in self.sections if s.self_score]
        sentences = []
        if selfs:
            established = sum(1 for level in selfs if level >= 3)
            spread = (
                f"all at level {selfs[0]}"
                if min(selfs) == max(selfs)
                else f"from level {min(selfs)} to level {max(selfs)}"
            )
            sentences.append(
                f"The PCT has given itself a level on {scored} of {n} competencies, "
                f"{spread}; {established or 'none'} "
                f"{'is' if established == 1 else 'are'} at level 3 "
                f"({self.framework.scale_label(3).lower()}) or above."
            )
        else:
            sentences.append(f"The PCT has not yet given itself a level on any of the {n}.")
        ready = self.ready_count
        if ready == n:
            sentences.append(
                f"All {n} are ready for sign-off: each has a level, the reasons for it and "
                "presented evidence."
            )
        else:
            answered = ", with every point the SHA raised answered" if self.return_points else ""
            sentences.append(
                f"{ready} of {n} {'is' if ready == 1 else 'are'} ready for sign-off (a level, "
                f"the reasons for it and presented evidence{answered}); {n - ready} "
                f"{'is' if n - ready == 1 else 'are'} not."
            )
        sentences.append(self.review_sentence)
        return sentences

    @property
    def review_sentence(self) -> str:
        n = len(self.sections)
        if not self.reviewed:
            return "The SHA has not yet given a level on any competency."
        lower = sum(
            1
            for s in self.divergent
            if s.review_score and s.self_score and s.review_score.level < s.self_score.level
        )
        higher = len(self.divergent) - lower
        if not self.divergent:
            differs = "agrees with the PCT's level on every one"
        else:
            kinds = [
                f"{lower} lower" if lower else "",
                f"{higher} higher" if higher else "",
            ]
            differs = (
                f"differs from the PCT's level on "
                f"{count(len(self.divergent), 'competency', 'competencies')} "
                f"({', '.join(k for k in kinds if k)})"
            )
        return f"The SHA has given a level on {self.reviewed} of {n} competencies and {differs}."

    # Key gaps and risks ----------------------------------------------------------------------

    @property
    def not_ready(self) -> list[tuple[CompetencyLine, str]]:
        found = []
        for s in self.sections:
            if not s.ready:
                missing = "; ".join(str(gap) for gap in s.gaps)
                found.append((s, missing[:1].upper() + missing[1:]))
        return found

    @property
    def divergent(self) -> list[CompetencyLine]:
        return [s for s in self.sections if s.diverges]

    @property
    def returned_points(self) -> tuple[ReturnPoint, ...]:
        """The points of the latest return (all of them, answered or not)."""
        if not self.return_points:
            return ()
        latest = max(p.round for p in self.return_points)
        return tuple(p for p in self.return_points if p.round == latest)

    @property
    def open_points(self) -> list[OpenPoint]:
        titles = {c.number: f"{c.number}. {c.title}" for c in self.framework.competencies}
        return [
            OpenPoint(
                titles.get(p.competency_number or 0, "General"),
                p.round,
                p.request,
            )
            for p in self.record.open_points
        ]

    # Criteria, competencies the cycle leaves out ------------------------------------------

    @property
    def roll_up_words(self) -> str:
        return roll_up_words(self.framework)

    @staticmethod
    def from_criteria(s: CompetencyLine, *, review: bool = False) -> bool:
        """The competency's level (the PCT's, or the SHA's) follows from its criteria: every
        one of them has a level on that side."""
        return bool(s.criteria) and all((c.review if review else c.score) for c in s.criteria)

    def criteria_sentence(self, s: CompetencyLine) -> str:
        """How the competency's levels follow from its criteria, or what is still missing."""
        if not s.criteria:
            return ""
        rule = self.roll_up_words
        parts = []
        unscored = [c.number for c in s.criteria if c.score is None]
        if s.self_score and self.from_criteria(s):
            parts.append(f"The PCT's level {s.self_score.level}")
        if s.review_score and self.from_criteria(s, review=True):
            parts.append(f"the SHA's level {s.review_score.level}")
        if parts:
            levels = " and ".join(parts)
            verb = "follow" if len(parts) > 1 else "follows"
            sentence = (
                f"{levels[:1].upper()}{levels[1:]} {verb} from the criteria above: a "
                f"competency stands at {rule}."
            )
        else:
            sentence = (
                f"The competency's level follows from the criteria above once each has one: "
                f"it stands at {rule}."
            )
        if unscored:
            sentence += (
                f" Not yet given a level by the PCT: {wording_list(unscored)}, so the "
                "competency has no level yet."
            )
        return sentence

    @property
    def not_assessed(self) -> tuple[Competency, ...]:
        """The framework's competencies this cycle does not assess."""
        full = framework_service.get_framework(self.cycle.framework_version)
        numbers = set(self.framework.numbers)
        return tuple(c for c in full.competencies if c.number not in numbers)

    @property
    def not_assessed_sentence(self) -> str:
        return not_assessed_sentence(self.not_assessed)

    # Governance ------------------------------------------------------------------------------

    @property
    def finance_note(self) -> str:
        """Where the cycle leaves out the finance competency, that finance is judged here."""
        left_out = [c for c in self.not_assessed if c.key == FINANCE_COMPETENCY]
        if not left_out:
            return ""
        c = left_out[0]
        return (
            f"This cycle does not assess competency {c.number} ({c.title}): the PCT's finances "
            "are judged here, under governance."
        )

    @property
    def governance_lines(self) -> tuple[GovernanceLine, ...]:
        return self.record.governance_lines

    @property
    def governance_reviewed(self) -> bool:
        """The SHA has rated at least one area: its ratings are shown beside the PCT's."""
        return bool(self.record.governance_reviews)

    @property
    def governance_risks(self) -> list[str]:
        """Governance areas not rated, rated red, or rated differently by the SHA."""
        risks = []
        for line in self.governance_lines:
            area = f"{line.area.label} (governance)"
            if line.rating is None:
                risks.append(f"{area}: not yet rated by the PCT")
            elif line.rating.rating is Rag.RED:
                risks.append(f"{area}: rated red by the PCT ({Rag.RED.meaning})")
            if line.review and line.review.rating is Rag.RED and not line.diverges:
                risks.append(f"{area}: rated red by the SHA ({Rag.RED.meaning})")
            if line.diverges and line.rating and line.review:
                risks.append(
                    f"{area}: the SHA rates it {line.review.rating.label.lower()} "
                    f"({line.review.rating.meaning}), the PCT "
                    f"{line.rating.rating.label.lower()}"
                )
        return risks

    # Outcomes --------------------------------------------------------------------------------

    @property
    def outcome_views(self) -> list[OutcomeView]:
        return [
            OutcomeView(o, self.record.actuals.get(o.id or 0, {})) for o in self.record.outcomes
        ]

    @property
    def outcomes_sentence(self) -> str:
        views = self.outcome_views
        if not views:
            return "The PCT presents no outcome measure yet."
        standings = Counter(v.status.standing for v in views)
        parts = [
            f"{standings[standing.Standing.ON]} on trajectory",
            f"{standings[standing.Standing.BEHIND]} behind",
        ]
        waiting = standings[standing.Standing.NO_ACTUAL] + standings[standing.Standing.NO_AIM]
        if waiting:
            parts.append(f"{waiting} without an actual to compare yet")
        return (
            f"The PCT presents {count(len(views), 'outcome measure')} with a trajectory: "
            f"{', '.join(parts)} (latest actual against the value aimed for that year)."
        )

    @property
    def outcome_risks(self) -> list[str]:
        views = self.outcome_views
        if not views:
            return ["No outcome measure presented: at least one is needed for sign-off"]
        return [
            f"{v.outcome.title}: {v.status.text}"
            for v in views
            if v.status.standing is standing.Standing.BEHIND
        ]

    # Contents --------------------------------------------------------------------------------

    @property
    def contents(self) -> list[ContentsEntry]:
        return [
            ContentsEntry("front-sheet", "Front sheet"),
            *(
                [ContentsEntry("since-last-year", "Since last year")]
                if self.compares_with_last_year
                else []
            ),
            *(
                ContentsEntry(f"competency-{s.number}", f"{s.number}. {s.competency.title}")
                for s in self.sections
            ),
            ContentsEntry("governance", "Governance"),
            ContentsEntry("outcomes", "Outcomes"),
            *(
                [ContentsEntry("review-record", "The SHA's panel and moderation")]
                if self.shows_review_record
                else []
            ),
            ContentsEntry("appendix-a", "Appendix A: Evidence manifest"),
            ContentsEntry("appendix-b", "Appendix B: Sign-off and submissions"),
        ]

    @property
    def compares_with_last_year(self) -> bool:
        """There is a previous finalised assessment: the report has a "Since last year"."""
        return self.since_last_year is not None and self.since_last_year.has_previous

    @property
    def since_last_year_sentence(self) -> str:
        """For the executive summary: how much moved since last year, or that nothing earlier
        was finalised."""
        if self.since_last_year is None:
            return ""
        return self.since_last_year.sentences[0]

    @staticmethod
    def evidence_section(s: CompetencyLine) -> EvidenceSection:
        """The competency's evidence as its section lists it: at most ``SECTION_ITEMS``."""
        shown = s.presented[:SECTION_ITEMS]
        return EvidenceSection(shown, len(s.presented) - len(shown))

    def engagement_for(self, s: CompetencyLine) -> engagement_service.Engagement | None:
        """The engagement table beside the competency on clinician engagement, only."""
        return self.engagement if s.competency.key == ENGAGEMENT_COMPETENCY else None

    def competency_title(self, number: int | None) -> str:
        competency = self.framework.competency(number) if number else None
        return f"{competency.number}. {competency.title}" if competency else "General"


def wording_list(items: list[str]) -> str:
    """ "1.1", "1.1 and 1.2", "1.1, 1.2 and 1.3"."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def not_assessed_sentence(competencies: tuple[Competency, ...]) -> str:
    """ "Competency 11 (Make sound financial investments) is not assessed in this cycle." """
    if not competencies:
        return ""
    named = [f"{c.number} ({c.title})" for c in competencies]
    if len(named) == 1:
        return f"Competency {named[0]} is not assessed in this cycle."
    return f"Competencies {wording_list(named)} are not assessed in this cycle."


def assessment_report(session: Session, actor: Actor, assessment_id: int) -> AssessmentReport:
    record = assessment_repository.load_assessment(session, actor, assessment_id, full=True)
    comparison = comparison_service.compare_with_previous(
        session, actor, record.assessment, record.organisation, record.cycle
    )
    return AssessmentReport(
        panel=session.get(Panel, assessment_id),
        shared=assessment_repository.current_provisional(session, assessment_id),
        moderation=tuple(assessment_repository.moderation_of(session, assessment_id)),
        record=record,
        radar=radar_svg(
            list(record.framework.numbers),
            {n: s.level for n, s in record.self_scores.items()},
            {n: s.level for n, s in record.review_scores.items()},
        ),
        generated_at=utcnow(),
        since_last_year=SinceLastYear(comparison),
        engagement=(
            engagement_service.for_assessment(session, actor, record.organisation, record.cycle)
            if any(s.competency.key == ENGAGEMENT_COMPETENCY for s in record.lines)
            else None
        ),
    )
