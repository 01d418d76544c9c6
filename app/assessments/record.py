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
from datetime import date
from functools import cached_property
from typing import Any

from app.actors import Actor
from app.assessments import workflow
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    ReviewScore,
    SelfScore,
)
from app.assessments.workflow import Gap, Move, Readiness
from app.cycles.models import Cycle
from app.evidence.models import EvidenceKind
from app.framework.models import Competency, Framework
from app.organisations.models import Organisation
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


@dataclass(frozen=True)
class CompetencyLine:
    """One competency of the assessment: the PCT's score, the reviewer's, the evidence."""

    competency: Competency
    self_score: SelfScore | None
    review_score: ReviewScore | None
    evidence_count: int
    gaps: tuple[Gap, ...]
    presented: tuple[PresentedItem, ...] = ()

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
    evidence_counts: Mapping[int, int]
    presented_ids: tuple[int, ...]
    evidence: tuple[PresentedItem, ...] | None = None
    """Loaded only when asked for (``load_assessment(..., full=True)``)."""
    people: Mapping[int, str] = field(default_factory=dict)

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
        return bool(self.presented_ids)

    @cached_property
    def lines(self) -> tuple[CompetencyLine, ...]:
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
        )

    @cached_property
    def readiness(self) -> Readiness:
        return workflow.readiness([self._facts(c) for c in self.competencies])

    @property
    def scored(self) -> int:
        return sum(1 for c in self.competencies if c.number in self.self_scores)

    @property
    def unreviewed(self) -> list[int]:
        return workflow.unreviewed((c.number for c in self.competencies), self.review_scores)

    def person(self, user_id: int | None) -> str:
        return self.people.get(user_id or 0, "")

    def presented_item(self, evidence_id: int) -> PresentedItem | None:
        return next((i for i in self.evidence or () if i.evidence_id == evidence_id), None)

    # What the actor may do -------------------------------------------------------------------

    def may(self, actor: Actor, move: Move) -> bool:
        """The actor's role and organisation allow ``move`` on this assessment (in some
        status; whether the status allows it now is ``moves``' question)."""
        return may_on_assessment(actor, ACTION_FOR_MOVE[move], self.organisation)

    def may_now(self, actor: Actor, move: Move) -> bool:
        return self.may(actor, move) and move in workflow.allowed_moves(self.status)

    def moves(self, actor: Actor) -> list[MoveOption]:
        """The workflow steps this actor may take now, or could once something is done
        (with the reason); steps the actor can never take here are left out."""
        options: list[MoveOption] = []
        allowed = workflow.allowed_moves(self.status)
        for move in (Move.SIGN_OFF, Move.SUBMIT, Move.RETURN, Move.FINALISE, Move.REOPEN):
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
            return MoveOption(move, False, f"{missing} thing(s) are missing; see the list below")
        if move is Move.FINALISE and self.unreviewed:
            listed = ", ".join(str(n) for n in self.unreviewed)
            return MoveOption(move, False, f"Competencies {listed} have no review score yet")
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
