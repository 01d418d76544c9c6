"""The assessment as the pages show it: a mapping over the one assessment record, plus the
page-only facts (which buttons, where they lead, what each line says). Templates hold no
rules of their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository
from app.assessments.models import AssessmentStatus, ReturnPoint
from app.assessments.record import (
    ACTION_FOR_MOVE,
    AssessmentRecord,
    CompetencyLine,
    PresentedItem,
    RecordView,
    signed_at_meeting,
)
from app.assessments.workflow import FROZEN_STATUSES, PCT_EDITABLE, Gap, Move
from app.cycles.models import ALL_COMPETENCIES
from app.errors import NotFound
from app.evidence.models import EvidenceItem, EvidenceKind
from app.permissions import Action, may_on_assessment, require_on_assessment
from app.wording import count, long_date


@dataclass(frozen=True)
class PageAction:
    """A step of the workflow as a link to its own page (each asks for confirmation there),
    or, when not possible yet, a disabled button with the reason."""

    label: str
    url: str
    enabled: bool
    reason: str = ""
    secondary: bool = False


# The workflow steps the assessment page offers, and each one's page.
_MOVE_PATHS = {
    Move.SIGN_OFF: "sign-off",
    Move.SUBMIT: "submit",
    Move.WITHDRAW_SIGN_OFF: "withdraw-sign-off",
    Move.REOPEN: "reopen",
}


@dataclass(frozen=True)
class Notice:
    """A line saying why the PCT cannot change the assessment now, with a link to what
    would let it (withdrawing the sign-off), when the actor may follow it."""

    text: str
    link_text: str = ""
    link_url: str = ""


@dataclass(frozen=True)
class AssessmentPage(RecordView):
    record: AssessmentRecord
    actions: list[PageAction] = field(default_factory=list)
    can_edit: bool = False
    can_review: bool = False
    reviews: bool = False
    """The actor is one of the SHA's reviewers of this PCT (in any status)."""
    can_answer: bool = False
    """The actor may answer the points of a return now."""
    may_withdraw_sign_off: bool = False

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

    @property
    def not_assessed(self) -> str:
        """The competencies the cycle leaves out, for a sentence ("competency 11"); "" when
        it assesses all."""
        left = [n for n in ALL_COMPETENCIES if n not in self.cycle.assessed]
        if not left:
            return ""
        listed = ", ".join(str(n) for n in left)
        return f"competenc{'y' if len(left) == 1 else 'ies'} {listed}"

    @property
    def shows_review(self) -> bool:
        """The SHA's ratings are shown: to its reviewers, and to the PCT once returned or
        finalised."""
        return self.reviews or self.assessment.status in (
            AssessmentStatus.RETURNED,
            AssessmentStatus.FINALISED,
        )

    # What the assessment's state means now ---------------------------------------------------

    @property
    def shows_readiness(self) -> bool:
        """Readiness for the board is news only while the PCT may still change it."""
        return self.assessment.status in PCT_EDITABLE

    @property
    def progress(self) -> str:
        """Where the assessment stands, in words that fit its status."""
        a = self.assessment
        status = a.status
        due = f"Submission due {long_date(self.cycle.submission_due)}."
        if status in PCT_EDITABLE:
            missing = len(self.readiness.missing)
            if self.readiness.ready:
                ready = "Ready for board sign-off."
            else:
                ready = f"{count(missing, 'thing')} missing before sign-off."
            return f"{ready} {due}"
        if status is AssessmentStatus.SIGNED_OFF:
            return (
                f"Signed off by the board{self._meeting}: it cannot be changed unless the "
                f"sign-off is withdrawn. Waiting for the PCT lead to submit it to the SHA. {due}"
            )
        submitted = f"round {self.record.round}, submitted {long_date(a.submitted_at)}"
        if status is AssessmentStatus.SUBMITTED:
            return f"Submitted to the SHA ({submitted}). Waiting for the SHA's review."
        if status is AssessmentStatus.IN_REVIEW:
            return f"The SHA is reviewing it ({submitted})."
        return f"The SHA finalised its review on {long_date(a.finalised_at)}."

    @property
    def _meeting(self) -> str:
        return signed_at_meeting(self.assessment)

    @property
    def sign_off_notice(self) -> Notice | None:
        """While signed off: that it is locked, and (for those who may) the way to unlock it."""
        if self.assessment.status is not AssessmentStatus.SIGNED_OFF:
            return None
        return Notice(
            f"The board signed off this assessment{self._meeting}, so it cannot be "
            "changed. To change anything, the sign-off must first be withdrawn, with a reason.",
            "Withdraw the sign-off" if self.may_withdraw_sign_off else "",
            f"/assessments/{self.record.id}/withdraw-sign-off",
        )

    @property
    def locked(self) -> Notice | None:
        """Why nothing can be changed now, once the board or the SHA has the assessment."""
        if self.assessment.status in FROZEN_STATUSES:
            return Notice(f"{self.progress} Nothing in it can be changed now.")
        return self.sign_off_notice

    # The points of a return ------------------------------------------------------------------

    @property
    def points(self) -> tuple[ReturnPoint, ...]:
        return self.record.return_points

    @property
    def general_points(self) -> tuple[ReturnPoint, ...]:
        return self.record.general_points

    @property
    def open_points(self) -> tuple[ReturnPoint, ...]:
        return self.record.open_points

    @property
    def attention_rows(self) -> tuple[CompetencyLine, ...]:
        """The competencies with a point of a return on them."""
        return tuple(line for line in self.rows if line.points)

    def gaps_besides_points(self, line: CompetencyLine) -> list[Gap]:
        """What a competency lacks apart from answers to the SHA's points (which its
        "Needs attention" tag says)."""
        return [gap for gap in line.gaps if gap is not Gap.OPEN_POINT]

    def point_home(self, point: ReturnPoint) -> int | None:
        """The competency page a point is shown on (None: the board)."""
        general = {p.id for p in self.general_points}
        return None if point.id in general else point.competency_number

    def point(self, point_id: int) -> ReturnPoint:
        found = next((p for p in self.points if p.id == point_id), None)
        if found is None:
            raise NotFound(
                f"Point {point_id} is not one the SHA raised on assessment {self.record.id}"
            )
        return found

    def point_raised(self, point: ReturnPoint) -> str:
        who = self.person(point.raised_by_id)
        by = f" by {who}" if who else ""
        return f"Raised{by} on {long_date(point.raised_at)}, after round {point.round}"

    def point_answered(self, point: ReturnPoint) -> str:
        who = self.person(point.responded_by_id)
        by = f" by {who}" if who else ""
        return f"Answered{by} on {long_date(point.responded_at)}"

    # Navigation ------------------------------------------------------------------------------

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
            secondary=option.move is Move.WITHDRAW_SIGN_OFF,
        )
        for option in record.moves(actor)
        if option.move in _MOVE_PATHS
    ]
    if reviews:
        actions.append(
            PageAction(Move.START_REVIEW.label, f"/assessments/{record.id}/review", True)
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
        can_answer=record.status in PCT_EDITABLE
        and may_on_assessment(actor, Action.ANSWER_RETURN, record.organisation),
        may_withdraw_sign_off=record.may_now(actor, Move.WITHDRAW_SIGN_OFF),
    )


def step_page(
    session: Session, actor: Actor, assessment_id: int, move: Move, *, full: bool = False
) -> AssessmentPage:
    """The assessment for the page of one workflow step: 403 for a role that may never take
    it, 404 for an assessment that is not the actor's to see. Whether the status allows the
    step now is the page's to say (``record.why_not_now``)."""
    view = assessment_page(session, actor, assessment_id, full=full)
    require_on_assessment(actor, ACTION_FOR_MOVE[move], view.organisation, view.record.id)
    return view


# A competency ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceEntry:
    """An evidence item as a competency page lists it, with a note when it is dated outside
    the cycle's assurance year."""

    id: int
    title: str
    kind: EvidenceKind
    occurred_on: date
    note: str = ""


def _entry(item: EvidenceItem | PresentedItem, period: tuple[date, date]) -> EvidenceEntry:
    start, end = period
    note = ""
    if item.occurred_on < start:
        note = "Dated before this assurance year"
    elif item.occurred_on > end:
        note = "Dated after this assurance year"
    assert item.id is not None
    return EvidenceEntry(item.id, item.title, item.kind, item.occurred_on, note)


@dataclass(frozen=True)
class CompetencyPage:
    view: AssessmentPage
    row: CompetencyLine
    presented: list[EvidenceEntry]
    """What the assessment presents for this competency (as frozen, once submitted)."""
    addable: list[EvidenceEntry]
    """The PCT's library items for this competency not yet presented, those dated inside
    the cycle's period first."""
    period_start: date

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

    @property
    def period_text(self) -> str:
        return long_date(self.period_start)

    @property
    def controls(self) -> frozenset[str]:
        """The ids of the add and take-out buttons on the page (none while it is locked):
        a refusal about any other is shown as a message of its own."""
        if not self.view.can_edit:
            return frozenset()
        return frozenset(
            [f"take-out-{item.id}" for item in self.presented]
            + [f"add-{item.id}" for item in self.addable]
        )


def competency_page(
    session: Session, actor: Actor, assessment_id: int, number: int
) -> CompetencyPage:
    view = assessment_page(session, actor, assessment_id, full=True)
    row = view.row(number)
    period = view.cycle.period
    library = repository.library_for_competency(
        session, view.assessment.organisation_id, number, period=period
    )
    shown = {item.evidence_id for item in row.presented}
    return CompetencyPage(
        view=view,
        row=row,
        presented=[
            _entry(item, period)
            for item in sorted(row.presented, key=lambda i: (i.occurred_on, i.id), reverse=True)
        ],
        addable=[
            _entry(item, period)
            for item in library
            if item.id not in shown and item.id not in view.record.presented
        ],
        period_start=period[0],
    )
