"""Everything a report shows, gathered in a fixed number of queries and checked for scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import Assessment, AssessmentStatus, ReturnPoint
from app.assessments.record import (
    AssessmentRecord,
    CompetencyLine,
    PresentedItem,
    RecordView,
    Round,
)
from app.cycles.models import Cycle
from app.db import utcnow
from app.errors import NotFound
from app.framework import service as framework_service
from app.framework.models import Framework
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import Action, require
from app.reports.radar import radar_svg
from app.wording import count, long_date


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
class ContentsEntry:
    anchor: str
    title: str


@dataclass
class AssessmentReport(RecordView):
    """The assurance report of one assessment, laid out as a board paper: a mapping over its
    record. Everything the front sheet says is worked out here, so the template only lays
    it out."""

    record: AssessmentRecord
    radar: Markup
    generated_at: datetime

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
        who = self.person(a.signed_off_by_id)
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
    def purpose(self) -> list[str]:
        pct, cycle, n = self.organisation.name, self.cycle.name, len(self.sections)
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
                f"This paper presents {pct}'s {cycle} self-assessment against the {n} World "
                "Class Commissioning competencies for the board to ratify and sign off before "
                f"it is submitted to {self.sha_name}."
            )
        elif status is AssessmentStatus.FINALISED:
            opening = (
                f"This paper reports the outcome of {self.sha_name}'s review of {pct}'s "
                f"{cycle} self-assessment against the {n} World Class Commissioning "
                "competencies, as the board signed it off."
            )
        else:
            opening = (
                f"This paper records {pct}'s {cycle} self-assessment against the {n} World "
                "Class Commissioning competencies as the board signed it off, and where it "
                "now stands."
            )
        return [
            opening,
            "For each competency it sets out the level the PCT gives itself and why, the "
            "evidence presented, the improvement action and the target level, and the SHA's "
            "level where the SHA has reviewed it. The evidence manifest and the record of "
            "submissions are in the appendices.",
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
                "competencies, the reasons for it and the evidence presented"
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
                f"{self.review_sentence[1:]}"
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

    # Contents --------------------------------------------------------------------------------

    @property
    def contents(self) -> list[ContentsEntry]:
        return [
            ContentsEntry("front-sheet", "Front sheet"),
            *(
                ContentsEntry(f"competency-{s.number}", f"{s.number}. {s.competency.title}")
                for s in self.sections
            ),
            ContentsEntry("appendix-a", "Appendix A: Evidence manifest"),
            ContentsEntry("appendix-b", "Appendix B: Sign-off and submissions"),
        ]

    def competency_title(self, number: int | None) -> str:
        competency = self.framework.competency(number) if number else None
        return f"{competency.number}. {competency.title}" if competency else "General"


def assessment_report(session: Session, actor: Actor, assessment_id: int) -> AssessmentReport:
    record = assessment_repository.load_assessment(session, actor, assessment_id, full=True)
    return AssessmentReport(
        record=record,
        radar=radar_svg(
            list(record.framework.numbers),
            {n: s.level for n, s in record.self_scores.items()},
            {n: s.level for n, s in record.review_scores.items()},
        ),
        generated_at=utcnow(),
    )


@dataclass(frozen=True)
class PctLine:
    organisation: Organisation
    assessment: Assessment | None
    self_levels: dict[int, int]
    review_levels: dict[int, int]

    @property
    def status_label(self) -> str:
        return self.assessment.status.label if self.assessment else "Not yet submitted"


@dataclass
class ShaReport:
    sha: Organisation
    cycle: Cycle
    framework: Framework
    pcts: list[PctLine]
    distribution: dict[int, Counter[int]]
    generated_at: datetime


def sha_report(session: Session, actor: Actor, cycle_id: int, sha_code: str) -> ShaReport:
    """Every PCT of the SHA in the cycle; scores only from assessments the caller may see."""
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
    framework = framework_service.get_framework(cycle.framework_version)
    pcts = organisation_service.pcts_of(session, sha)
    assessments = assessment_repository.in_cycle_for(
        session, actor, cycle_id, [p.id for p in pcts if p.id is not None]
    )
    selfs, reviews = assessment_repository.levels_of(
        session, [a.id for a in assessments.values() if a.id is not None]
    )
    lines = []
    distribution: dict[int, Counter[int]] = {c.number: Counter() for c in framework.competencies}
    for pct in pcts:
        assessment = assessments.get(pct.id or 0)
        aid = assessment.id if assessment else None
        review_levels = reviews.get(aid or 0, {})
        for number, level in review_levels.items():
            distribution[number][level] += 1
        lines.append(PctLine(pct, assessment, selfs.get(aid or 0, {}), review_levels))
    return ShaReport(sha, cycle, framework, lines, distribution, utcnow())
