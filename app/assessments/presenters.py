"""The assessment as the pages show it: a mapping over the one assessment record, plus the
page-only facts (which buttons, where they lead). Templates hold no rules of their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository
from app.assessments.record import AssessmentRecord, CompetencyLine, PresentedItem, RecordView
from app.assessments.workflow import PCT_EDITABLE, Move
from app.errors import NotFound
from app.evidence.models import EvidenceItem


@dataclass(frozen=True)
class PageAction:
    """A button (a POST form) or, for ``method="get"``, a link."""

    label: str
    url: str
    enabled: bool
    reason: str = ""
    method: str = "post"


_MOVE_PATHS = {Move.SIGN_OFF: "sign-off", Move.SUBMIT: "submit"}


@dataclass(frozen=True)
class AssessmentPage(RecordView):
    record: AssessmentRecord
    actions: list[PageAction] = field(default_factory=list)
    can_edit: bool = False
    can_review: bool = False
    reviews: bool = False
    """The actor is one of the SHA's reviewers of this PCT (in any status)."""

    @property
    def rows(self) -> tuple[CompetencyLine, ...]:
        return self.record.lines

    @property
    def scored(self) -> int:
        return self.record.scored

    @property
    def shows_return_reason(self) -> bool:
        """The SHA's reason for returning it, while the PCT is revising."""
        return bool(self.assessment.return_reason) and self.assessment.status in PCT_EDITABLE

    @property
    def competency_count(self) -> int:
        return len(self.record.competencies)

    def previous_number(self, number: int) -> int | None:
        earlier = [n for n in self.framework.numbers if n < number]
        return earlier[-1] if earlier else None

    def next_number(self, number: int) -> int | None:
        return next((n for n in self.framework.numbers if n > number), None)

    def row(self, number: int) -> CompetencyLine:
        line = self.record.line(number)
        if line is None:
            raise NotFound(
                f"Competency {number} does not exist; competencies are numbered "
                f"{self.framework.numbers_text()}"
            )
        return line

    def item(self, evidence_id: int) -> PresentedItem:
        item = self.record.presented_item(evidence_id)
        if item is None or item.sha256 is None:
            raise NotFound(
                f"Evidence item {evidence_id} is not part of assessment {self.record.id}"
            )
        return item


def _actions(record: AssessmentRecord, actor: Actor, reviews: bool) -> list[PageAction]:
    actions = [
        PageAction(
            option.label,
            f"/assessments/{record.id}/{_MOVE_PATHS[option.move]}" if option.enabled else "",
            option.enabled,
            option.reason,
        )
        for option in record.moves(actor)
        if option.move in _MOVE_PATHS
    ]
    if reviews:
        actions.append(
            PageAction(Move.START_REVIEW.label, f"/assessments/{record.id}/review", True, "", "get")
        )
    return actions


def assessment_page(
    session: Session, actor: Actor, assessment_id: int, *, full: bool = False
) -> AssessmentPage:
    record = repository.load_assessment(session, actor, assessment_id, full=full)
    reviews = record.may(actor, Move.START_REVIEW)
    return AssessmentPage(
        record=record,
        actions=_actions(record, actor, reviews),
        can_edit=record.may_now(actor, Move.PCT_EDIT),
        can_review=record.may_now(actor, Move.START_REVIEW),
        reviews=reviews,
    )


@dataclass(frozen=True)
class CompetencyPage:
    view: AssessmentPage
    row: CompetencyLine
    linked: list[EvidenceItem]
    others: list[EvidenceItem]

    def form_values(self) -> dict[str, Any]:
        """The self-score form as saved now."""
        score = self.row.self_score
        return {
            "level": score.level if score else None,
            "rationale": score.rationale if score else "",
            "improvement_action": (score.improvement_action or "") if score else "",
            "target_level": score.target_level if score else None,
            "version": score.version if score else None,
        }


def competency_page(
    session: Session, actor: Actor, assessment_id: int, number: int
) -> CompetencyPage:
    view = assessment_page(session, actor, assessment_id)
    row = view.row(number)
    linked, others = repository.evidence_for_competency(
        session, view.assessment.organisation_id, number
    )
    return CompetencyPage(view=view, row=row, linked=linked, others=others)
