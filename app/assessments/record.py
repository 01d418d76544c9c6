"""One assessment with everything shown about it, and the facts derived from it.

``repository.load_assessment`` builds an ``AssessmentRecord``; the API schema
(``serialisers.py``), the page presenter (``presenters.py``) and the report context
(``reports/context.py``) are mappings over it. Derived facts — readiness gaps per
competency, divergence, what this actor may do now — are worked out here, once, from the
rules in ``workflow.py`` and ``permissions.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from app import wording
from app.actors import Actor
from app.assessments import workflow
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    CriterionScore,
    EvidenceRating,
    ReturnPoint,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
)
from app.assessments.snapshots import SelfAssessment, outcome_content
from app.assessments.workflow import FROZEN_STATUSES, Gap, Move, Readiness
from app.cycles.models import Cycle
from app.evidence.models import EvidenceKind
from app.framework.models import Competency, Criterion, Framework
from app.governance.models import AREAS, GovernanceArea, GovernanceRating, GovernanceReview
from app.organisations.models import Organisation
from app.outcomes.models import Outcome
from app.permissions import Action, may_on_assessment


@dataclass(frozen=True)
class PresentedItem:
    """An evidence item as the assessment presents it: frozen at submission (with the
    snapshot's SHA-256), or as it stands before; with the reviewer's rating, if any."""

    evidence_id: int
    content: Mapping[str, Any]
    sha256: str | None
    rating: EvidenceRating | None

    @property
    def title(self) -> str:
        return str(self.content["title"])

    @property
    def kind(self) -> EvidenceKind:
        return EvidenceKind(self.content["kind"])

    @property
    def occurred_on(self) -> date:
        return date.fromisoformat(self.content["occurred_on"])

    @property
    def competency_numbers(self) -> list[int]:
        return list(self.content.get("competency_numbers", []))

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return list(self.content.get("attachments", []))

    @property
    def id(self) -> int:
        return self.evidence_id

    @property
    def clinicians_involved(self) -> int | None:
        return self.content.get("clinicians_involved")

    @property
    def practices_involved(self) -> int | None:
        return self.content.get("practices_involved")

    @property
    def rating_label(self) -> str | None:
        return self.rating.rating.label if self.rating else None

    @property
    def rating_comment(self) -> str:
        return self.rating.comment if self.rating else ""


def signed_at_meeting(assessment: Assessment) -> str:
    """Where the board signed off, for a sentence: " at its meeting of 1 December 2009
    (minute BD/09/147)", or " on <the day it was recorded>" for a sign-off that names no
    meeting; "" when not signed off."""
    if assessment.signed_off_meeting_date:
        said = f" at its meeting of {wording.long_date(assessment.signed_off_meeting_date)}"
        if assessment.signed_off_minute_reference:
            said += f" (minute {assessment.signed_off_minute_reference})"
        return said
    if assessment.signed_off_at:
        return f" on {wording.long_date(assessment.signed_off_at)}"
    return ""


@dataclass(frozen=True)
class Round:
    """One submission, without its content."""

    round: int
    submitted_at: datetime
    submitted_by_id: int | None
    fingerprint: str
    digests: Mapping[str, str]


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of a competency: the PCT's level and the reviewer's."""

    criterion: Criterion
    score: CriterionScore | None
    review: ReviewCriterionScore | None

    @property
    def number(self) -> str:
        return self.criterion.number


@dataclass(frozen=True)
class GovernanceLine:
    """One governance area: the PCT's rating and the SHA's."""

    area: GovernanceArea
    rating: GovernanceRating | None
    review: GovernanceReview | None

    @property
    def diverges(self) -> bool:
        return bool(self.rating and self.review and self.rating.rating != self.review.rating)


@dataclass(frozen=True)
class CompetencyLine:
    """One competency of the assessment: the PCT's score, the reviewer's, the evidence, the
    points of a return that concern it, and whether it changed since the last round."""

    competency: Competency
    self_score: SelfScore | None
    review_score: ReviewScore | None
    evidence_count: int
    gaps: tuple[Gap, ...]
    presented: tuple[PresentedItem, ...] = ()
    points: tuple[ReturnPoint, ...] = ()
    changed_since: int | None = None
    """The round it changed since (the one before), or None when unchanged or unknown."""
    criteria: tuple[CriterionLine, ...] = ()
    lacks_recent_evidence: bool = False
    """It presents evidence, none of it dated in the cycle's assurance year (known only
    with the evidence loaded)."""

    @property
    def derived(self) -> bool:
        """Its level follows from its criteria."""
        return bool(self.criteria)

    @property
    def open_points(self) -> tuple[ReturnPoint, ...]:
        return tuple(p for p in self.points if not p.response)

    @property
    def needs_attention(self) -> bool:
        return bool(self.open_points)

    @property
    def number(self) -> int:
        return self.competency.number

    @property
    def ready(self) -> bool:
        return not self.gaps

    @property
    def diverges(self) -> bool:
        return workflow.diverges(
            self.self_score.level if self.self_score else None,
            self.review_score.level if self.review_score else None,
        )


@dataclass(frozen=True)
class MoveOption:
    """A workflow step this actor may take on this assessment: now (enabled), or once the
    reason given is dealt with."""

    move: Move
    enabled: bool
    reason: str = ""

    @property
    def label(self) -> str:
        return self.move.label


# Which permission each workflow step needs.
ACTION_FOR_MOVE: Mapping[Move, Action] = {
    Move.SIGN_OFF: Action.SIGN_OFF,
    Move.SUBMIT: Action.SUBMIT,
    Move.START_REVIEW: Action.SCORE_REVIEW,
    Move.RETURN: Action.RETURN,
    Move.FINALISE: Action.FINALISE,
    Move.REOPEN: Action.REOPEN,
    Move.PCT_EDIT: Action.SCORE_SELF,
    Move.WITHDRAW_SIGN_OFF: Action.WITHDRAW_SIGN_OFF,
}


@dataclass(frozen=True)
class AssessmentRecord:
    assessment: Assessment
    organisation: Organisation
    sha: Organisation | None
    cycle: Cycle
    framework: Framework
    self_scores: Mapping[int, SelfScore]
    review_scores: Mapping[int, ReviewScore]
    ratings: Mapping[int, EvidenceRating]
    presented: Mapping[int, tuple[int, ...]]
    """The items the assessment presents now, each with its competency numbers."""
    frozen_ids: tuple[int, ...] = ()
    """The items the last submission froze, while the SHA has the assessment."""
    return_points: tuple[ReturnPoint, ...] = ()
    rounds: tuple[Round, ...] = ()
    evidence: tuple[PresentedItem, ...] | None = None
    """Loaded only when asked for (``load_assessment(..., full=True)``)."""
    people: Mapping[int, str] = field(default_factory=dict)
    criterion_scores: Mapping[str, CriterionScore] = field(default_factory=dict)
    review_criterion_scores: Mapping[str, ReviewCriterionScore] = field(default_factory=dict)
    governance: Mapping[GovernanceArea, GovernanceRating] = field(default_factory=dict)
    governance_reviews: Mapping[GovernanceArea, GovernanceReview] = field(default_factory=dict)
    outcomes: tuple[Outcome, ...] = ()
    """The outcome measures the assessment presents."""
    actuals: Mapping[int, Mapping[int, float]] = field(default_factory=dict)
    """Their actual values by measure and year (loaded with ``full``)."""
    previous_submission_due: date | None = None
    """The submission deadline of the cycle before this one (None for the first cycle)."""

    @property
    def id(self) -> int:
        assert self.assessment.id is not None
        return self.assessment.id

    @property
    def status(self) -> AssessmentStatus:
        return self.assessment.status

    @property
    def competencies(self) -> tuple[Competency, ...]:
        """The competencies this assessment is scored on, in number order."""
        return self.framework.competencies

    @property
    def frozen(self) -> bool:
        """Whether the evidence shown is what a submission froze."""
        return self.status in FROZEN_STATUSES and bool(self.frozen_ids or self.rounds)

    @cached_property
    def evidence_counts(self) -> Mapping[int, int]:
        """How many presented items each competency has."""
        counts: dict[int, int] = {}
        for numbers in self.presented.values():
            for number in numbers:
                counts[number] = counts.get(number, 0) + 1
        return counts

    @property
    def presented_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self.presented))

    @property
    def round(self) -> int:
        """How many times it has been submitted."""
        return len(self.rounds)

    @property
    def general_points(self) -> tuple[ReturnPoint, ...]:
        """Points on no competency this assessment is scored on: shown on the board."""
        numbers = {c.number for c in self.competencies}
        return tuple(p for p in self.return_points if p.competency_number not in numbers)

    @cached_property
    def evidence_contents(self) -> list[dict[str, Any]]:
        """The presented items' content in id order, as fingerprints and digests take it
        (needs ``full``)."""
        assert self.evidence is not None, "load the assessment with full=True"
        return sorted((dict(item.content) for item in self.evidence), key=lambda c: c["id"])

    @cached_property
    def self_assessment(self) -> SelfAssessment:
        """What a sign-off now would sign (needs ``full``)."""
        return SelfAssessment(
            scores=list(self.self_scores.values()),
            evidence=self.evidence_contents,
            criteria=list(self.criterion_scores.values()),
            governance=list(self.governance.values()),
            outcomes=[outcome_content(o) for o in self.outcomes],
        )

    @property
    def fingerprint(self) -> str:
        """What a sign-off now would record: the SHA-256 of the self-assessment (needs
        ``full``)."""
        return self.self_assessment.fingerprint

    def digests(self) -> dict[str, str]:
        """A hash per competency of its scores and presented evidence now, and of governance
        and outcomes (needs ``full``)."""
        return self.self_assessment.digests(c.number for c in self.competencies)

    @property
    def governance_lines(self) -> tuple[GovernanceLine, ...]:
        return tuple(
            GovernanceLine(area, self.governance.get(area), self.governance_reviews.get(area))
            for area in AREAS
        )

    @property
    def unreviewed_governance(self) -> list[GovernanceArea]:
        return [area for area in AREAS if area not in self.governance_reviews]

    @property
    def open_points(self) -> tuple[ReturnPoint, ...]:
        return tuple(p for p in self.return_points if not p.response)

    @property
    def signed_off(self) -> bool:
        return self.assessment.signed_off_at is not None

    @cached_property
    def changed(self) -> tuple[int | None, frozenset[int]]:
        """The round compared with, and the competencies that changed since it: while the
        SHA has the assessment, its last round against the one before; at any other time,
        the assessment as it stands (needs ``full``) against its last round."""
        numbers = [c.number for c in self.competencies]
        if self.status in FROZEN_STATUSES:
            if len(self.rounds) < 2:
                return None, frozenset()
            base, now = self.rounds[-2], dict(self.rounds[-1].digests)
        else:
            if not self.rounds or self.evidence is None:
                return None, frozenset()
            base = self.rounds[-1]
            now = self.digests()
        if not base.digests or not now:
            return None, frozenset()
        return base.round, frozenset(
            n for n in numbers if base.digests.get(str(n)) != now.get(str(n))
        )

    @cached_property
    def changed_since_signed(self) -> frozenset[int] | None:
        """While the PCT may change it again after a sign-off was withdrawn or the SHA
        returned it: the competencies that changed since the board last signed (needs
        ``full``); None when there is nothing to compare."""
        signed = self.assessment.last_signed_digests
        if not signed or self.evidence is None or self.status in FROZEN_STATUSES:
            return None
        if self.status is AssessmentStatus.SIGNED_OFF:
            return None
        now = self.digests()
        return frozenset(
            int(n) for n, digest in now.items() if n.isdigit() and signed.get(n) != digest
        )

    @cached_property
    def lines(self) -> tuple[CompetencyLine, ...]:
        base, changed = self.changed
        return tuple(
            CompetencyLine(
                competency=c,
                self_score=self.self_scores.get(c.number),
                review_score=self.review_scores.get(c.number),
                evidence_count=self.evidence_counts.get(c.number, 0),
                gaps=workflow.gaps(self._facts(c)),
                presented=tuple(
                    item for item in self.evidence or () if c.number in item.competency_numbers
                ),
                points=tuple(p for p in self.return_points if p.competency_number == c.number),
                changed_since=base if c.number in changed else None,
                criteria=tuple(
                    CriterionLine(
                        k,
                        self.criterion_scores.get(k.number),
                        self.review_criterion_scores.get(k.number),
                    )
                    for k in c.criteria
                ),
                lacks_recent_evidence=workflow.lacks_recent_evidence(self._facts(c)),
            )
            for c in self.competencies
        )

    def line(self, number: int) -> CompetencyLine | None:
        return next((line for line in self.lines if line.number == number), None)

    def _facts(self, competency: Competency) -> workflow.ScoreFacts:
        score = self.self_scores.get(competency.number)
        return workflow.ScoreFacts(
            number=competency.number,
            title=competency.title,
            has_score=score is not None,
            has_rationale=bool(score and score.rationale.strip()),
            evidence_count=self.evidence_counts.get(competency.number, 0),
            open_points=sum(
                1
                for p in self.return_points
                if p.competency_number == competency.number and not p.response
            ),
            unscored_criteria=tuple(
                k.number for k in competency.criteria if k.number not in self.criterion_scores
            ),
            evidence_in_period=self._in_period_count(competency.number),
        )

    def _in_period_count(self, number: int) -> int | None:
        """How many of a competency's presented items are dated in the assurance year (None
        when the evidence is not loaded)."""
        if self.evidence is None:
            return None
        return sum(
            1
            for item in self.evidence
            if number in item.competency_numbers and self.in_period(item.occurred_on)
        )

    # Dates of evidence -----------------------------------------------------------------------

    def in_period(self, occurred_on: date) -> bool:
        """Dated inside the cycle's assurance year."""
        start, end = self.cycle.period
        return start <= occurred_on <= end

    @property
    def assurance_year(self) -> str:
        """The cycle's assurance year, for a sentence."""
        start, _ = self.cycle.period
        return f"the {self.cycle.name} assurance year (from {wording.long_date(start)})"

    def dating_note(self, occurred_on: date) -> str:
        """What an item's date says when it is shown: dated before or after the cycle's
        assurance year, and before last year's submission deadline (so perhaps presented
        then); "" for an item dated inside the year and since that deadline."""
        start, end = self.cycle.period
        said = ""
        if occurred_on < start:
            said = "Dated before this assurance year"
        elif occurred_on > end:
            said = "Dated after this assurance year"
        due = self.previous_submission_due
        if due is not None and occurred_on < due:
            deadline = f"before last year's submission deadline ({wording.long_date(due)})"
            said = f"{said} and {deadline}" if said else f"Dated {deadline}"
        return said

    @cached_property
    def readiness(self) -> Readiness:
        whole = workflow.WholeFacts(
            general_open_points=sum(1 for p in self.general_points if not p.response),
            governance_unrated=tuple(a.label for a in AREAS if a not in self.governance),
            outcomes_presented=len(self.outcomes),
            assurance_year=self.assurance_year,
        )
        return workflow.readiness([self._facts(c) for c in self.competencies], whole)

    @property
    def scored(self) -> int:
        return sum(1 for c in self.competencies if c.number in self.self_scores)

    @property
    def unreviewed(self) -> list[int]:
        return workflow.unreviewed((c.number for c in self.competencies), self.review_scores)

    @property
    def not_reviewed_yet(self) -> str:
        """What the SHA has still to score before it may finalise ("" when nothing)."""
        text = workflow.not_reviewed(
            self.unreviewed, [a.label for a in self.unreviewed_governance], still=" yet"
        )
        return text[:1].upper() + text[1:]

    def person(self, user_id: int | None) -> str:
        return self.people.get(user_id or 0, "")

    def presented_item(self, evidence_id: int) -> PresentedItem | None:
        return next((i for i in self.evidence or () if i.evidence_id == evidence_id), None)

    # What the actor may do -------------------------------------------------------------------

    def may(self, actor: Actor, move: Move) -> bool:
        """The actor's role and organisation allow ``move`` on this assessment (in some
        status; whether the status allows it now is ``moves``' question)."""
        return may_on_assessment(actor, ACTION_FOR_MOVE[move], self.organisation)

    def why_not_now(self, move: Move) -> str | None:
        """Why the status does not allow ``move`` now (None when it does)."""
        if move in workflow.allowed_moves(self.status):
            return None
        return workflow.why_not(move, self.status)

    def may_now(self, actor: Actor, move: Move) -> bool:
        return self.may(actor, move) and move in workflow.allowed_moves(self.status)

    def moves(self, actor: Actor) -> list[MoveOption]:
        """The workflow steps this actor may take now, or could once something is done
        (with the reason); steps the actor can never take here are left out."""
        options: list[MoveOption] = []
        allowed = workflow.allowed_moves(self.status)
        for move in (
            Move.SIGN_OFF,
            Move.SUBMIT,
            Move.WITHDRAW_SIGN_OFF,
            Move.RETURN,
            Move.FINALISE,
            Move.REOPEN,
        ):
            if not self.may(actor, move):
                continue
            if move not in allowed:
                hint = workflow.hint(move, self.status)
                if hint:
                    options.append(MoveOption(move, False, hint[0].upper() + hint[1:]))
                continue
            options.append(self._precondition(move))
        return options

    def _precondition(self, move: Move) -> MoveOption:
        if move is Move.SIGN_OFF and not self.readiness.ready:
            missing = len(self.readiness.missing)
            return MoveOption(move, False, f"{wording.missing(missing)}; see the list below")
        if move is Move.FINALISE and (self.unreviewed or self.unreviewed_governance):
            return MoveOption(move, False, self.not_reviewed_yet)
        return MoveOption(move, True)


class RecordView:
    """What every view of an assessment (page, report) reads straight off the record."""

    record: AssessmentRecord

    @property
    def assessment(self) -> Assessment:
        return self.record.assessment

    @property
    def organisation(self) -> Organisation:
        return self.record.organisation

    @property
    def sha(self) -> Organisation | None:
        return self.record.sha

    @property
    def cycle(self) -> Cycle:
        return self.record.cycle

    @property
    def framework(self) -> Framework:
        return self.record.framework

    @property
    def readiness(self) -> Readiness:
        return self.record.readiness

    def person(self, user_id: int | None) -> str:
        return self.record.person(user_id)
