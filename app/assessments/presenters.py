"""The assessment as the pages show it: a mapping over the one assessment record, plus the
page-only facts (which buttons, where they lead, what each line says). Templates hold no
rules of their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository
from app.assessments.carry_forward import CarryForward, carry_forward
from app.assessments.models import (
    AssessmentStatus,
    ModerationChange,
    ProvisionalRating,
    ReturnPoint,
)
from app.assessments.record import (
    ACTION_FOR_MOVE,
    AssessmentRecord,
    CompetencyLine,
    PresentedItem,
    RecordView,
    signed_at_meeting,
)
from app.assessments.workflow import (
    AWAITING_REVIEW,
    FROZEN_STATUSES,
    PCT_EDITABLE,
    Gap,
    Move,
    not_checked,
    review_move,
)
from app.cycles.models import ALL_COMPETENCIES
from app.engagement import service as engagement_service
from app.engagement.rules import ENGAGEMENT_COMPETENCY
from app.errors import NotFound
from app.evidence.models import EvidenceItem, EvidenceKind
from app.framework.models import Competency
from app.organisations import service as organisation_service
from app.panel import service as panel_service
from app.panel.models import Panel
from app.permissions import (
    Action,
    may_on_assessment,
    may_read_development_plan,
    require_on_assessment,
)
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
    reads_plans: bool = False
    """The actor reads the PCT's development plans."""
    carried: CarryForward | None = None
    """What it carries forward from the PCT's previous finalised assessment (read only for
    the pages that show it)."""

    @property
    def rows(self) -> tuple[CompetencyLine, ...]:
        return self.record.lines

    # Last cycle, and what follows the review ---------------------------------------------------

    @property
    def development_plan_url(self) -> str:
        """The development plan, once the review is final, for those who read it ("")."""
        if self.reads_plans and self.assessment.status is AssessmentStatus.FINALISED:
            return f"/assessments/{self.record.id}/development-plan"
        return ""

    @property
    def comparison_url(self) -> str:
        """The comparison with last year, when the PCT has a previous finalised assessment
        ("")."""
        return f"/assessments/{self.record.id}/comparison" if self.carried else ""

    def last_year(self, number: int) -> str:
        """The overview's line on a competency's last cycle ("" when there is none)."""
        return self.carried.summary(number) if self.carried else ""

    @property
    def readiness_notes(self) -> tuple[str, ...]:
        """What is worth a look before sign-off without stopping it, while it may change."""
        return self.readiness.notes if self.shows_readiness else ()

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
        if status is AssessmentStatus.PROVISIONAL:
            return (
                f"The SHA has shared provisional ratings ({submitted}). They become final once "
                "the PCT has checked them for factual accuracy and the SHA finalises its review."
            )
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
    session: Session, actor: Actor, assessment_id: int, *, full: bool = False, carry: bool = False
) -> AssessmentPage:
    """The assessment for a page; ``carry`` adds what it carries forward from the PCT's
    previous finalised assessment (two or three statements more)."""
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
        reads_plans=may_read_development_plan(actor, record.organisation),
        carried=carry_forward(session, actor, record) if carry else None,
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
    the cycle's assurance year or before last year's submission deadline."""

    id: int
    title: str
    kind: EvidenceKind
    occurred_on: date
    note: str = ""


def _entry(item: EvidenceItem | PresentedItem, record: AssessmentRecord) -> EvidenceEntry:
    assert item.id is not None
    return EvidenceEntry(
        item.id, item.title, item.kind, item.occurred_on, record.dating_note(item.occurred_on)
    )


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
    engagement: engagement_service.Engagement | None = None
    """The PCT's clinician engagement in the cycle, on the engagement competency's page."""

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
    view = assessment_page(session, actor, assessment_id, full=True, carry=True)
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
            _entry(item, view.record)
            for item in sorted(row.presented, key=lambda i: (i.occurred_on, i.id), reverse=True)
        ],
        addable=[
            _entry(item, view.record)
            for item in library
            if item.id not in shown and item.id not in view.record.presented
        ],
        period_start=period[0],
        engagement=engagement_box(session, actor, view, row),
    )


def engagement_box(
    session: Session, actor: Actor, view: AssessmentPage, row: CompetencyLine
) -> engagement_service.Engagement | None:
    """The PCT's engagement in the assessment's cycle, beside the competency on clinician
    engagement (none beside any other, or for a reader who may not see it)."""
    if row.competency.key != ENGAGEMENT_COMPETENCY:
        return None
    return engagement_service.for_assessment(session, actor, view.organisation, view.cycle)


# The SHA's review -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionOption:
    """One decision a reviewer may take on the decision page: its page, and why it cannot be
    taken now ("" when it can)."""

    value: str
    label: str
    hint: str
    url: str
    reason: str = ""

    @property
    def enabled(self) -> bool:
        return not self.reason

    @property
    def field(self) -> str:
        """The id of its radio button (the error summary's link)."""
        return f"decision-{self.value}"


class ReviewForm(StrEnum):
    """What the reviewer's form on a competency can do now."""

    OPEN = "open"
    """Reviewing: scores and ratings change freely."""
    MODERATION = "moderation"
    """Shared as provisional and checked by the PCT: each change needs a reason."""
    AWAITING_CHECK = "awaiting_check"
    """Shared as provisional: fixed until the PCT has checked them."""
    CLOSED = "closed"
    """Returned, finalised, or not this actor's to review: read only."""


@dataclass(frozen=True)
class ReviewPage:
    """An assessment as its SHA's reviewers see it: the record, the ratings last shared as
    provisional (with the PCT's answer), the panel and the moderation log."""

    view: AssessmentPage
    shared: ProvisionalRating | None
    panel: Panel | None = None
    moderation: tuple[ModerationChange, ...] = ()
    records_panel: bool = False
    """The actor is one of the SHA's reviewers of this PCT, who record its panel."""

    @property
    def record(self) -> AssessmentRecord:
        return self.view.record

    @property
    def base(self) -> str:
        return f"/assessments/{self.record.id}"

    @property
    def checked(self) -> bool:
        """The PCT has answered the ratings shared for this round."""
        return self.shared is not None and self.shared.responded_at is not None

    @property
    def form(self) -> ReviewForm:
        if not self.view.reviews:
            return ReviewForm.CLOSED
        status = self.record.status
        if status in AWAITING_REVIEW:
            return ReviewForm.OPEN
        if status is AssessmentStatus.PROVISIONAL:
            return ReviewForm.MODERATION if self.checked else ReviewForm.AWAITING_CHECK
        return ReviewForm.CLOSED

    @property
    def decides(self) -> bool:
        """A decision is this actor's to make while the SHA has the assessment."""
        return self.view.reviews and self.record.status in (
            AssessmentStatus.SUBMITTED,
            AssessmentStatus.IN_REVIEW,
            AssessmentStatus.PROVISIONAL,
        )

    @property
    def may_record_panel(self) -> bool:
        """The actor may record the panel now (until the review is final)."""
        return self.records_panel and self.record.status is not AssessmentStatus.FINALISED

    # Facts about the ratings ----------------------------------------------------------------

    def rated(self, line: CompetencyLine) -> int:
        """How many of a competency's items the reviewer has rated."""
        return sum(1 for item in line.presented if item.rating)

    @staticmethod
    def divergence(line: CompetencyLine) -> str:
        """How the review level stands against the PCT's own, in words ("" until both)."""
        if line.self_score is None or line.review_score is None:
            return ""
        gap = line.review_score.level - line.self_score.level
        if gap == 0:
            return "Same as the PCT's"
        direction = "higher" if gap > 0 else "lower"
        return f"{count(abs(gap), 'level')} {direction} than the PCT's"

    @property
    def shared_comments(self) -> list[tuple[Competency | None, str]]:
        """The PCT's factual-accuracy comments, each with its competency (None: general)."""
        if self.shared is None:
            return []
        framework = self.record.framework
        return [
            (framework.competency(int(c["competency_number"] or 0)), str(c.get("comment", "")))
            for c in self.shared.comments
        ]

    def moderation_subject(self, change: ModerationChange) -> str:
        """What a moderation change changed, in words."""
        if change.subject == "competency":
            return f"Competency {change.key}"
        if change.subject == "criterion":
            return f"Criterion {change.key}"
        if change.subject == "governance":
            return f"Governance: {change.key}"
        item = self.record.presented_item(int(change.key)) if change.key.isdigit() else None
        return f"Evidence: {item.title}" if item else f"Evidence item {change.key}"

    # The decisions --------------------------------------------------------------------------

    @property
    def unchecked(self) -> str:
        """Why the review cannot be final before the PCT's factual-accuracy check ("" when it
        can), as a sentence."""
        why = not_checked(
            self.record.status,
            checked=self.checked,
            provisional_step=self.record.cycle.provisional_step,
            cycle=self.record.cycle.name,
        )
        return why[:1].upper() + why[1:]

    @property
    def finalise_refusal(self) -> str:
        record = self.record
        return record.why_not_now(Move.FINALISE) or record.not_reviewed_yet or self.unchecked

    @property
    def share_refusal(self) -> str:
        record = self.record
        return record.why_not_now(Move.SHARE_PROVISIONAL) or record.not_reviewed_yet

    @property
    def return_refusal(self) -> str:
        return self.record.why_not_now(Move.RETURN) or ""

    @property
    def options(self) -> list[DecisionOption]:
        step = (
            f" {self.record.cycle.name} needs this step before the review is final."
            if self.record.cycle.provisional_step
            else ""
        )
        return [
            DecisionOption(
                "return",
                "Return to the PCT",
                "Ask the PCT to address points, competency by competency, and submit again. "
                "You check the points before they are sent.",
                f"{self.base}/return",
                self.return_refusal,
            ),
            DecisionOption(
                "provisional",
                "Share provisional ratings with the PCT",
                "The PCT sees your ratings and checks them for factual accuracy. You can then "
                "change a rating, giving a reason, and finalise." + step,
                f"{self.base}/provisional",
                self.share_refusal,
            ),
            DecisionOption(
                "finalise",
                "Finalise the review",
                "Your review levels become the SHA's assessment of this PCT. Only an "
                "administrator can reopen a finalised review.",
                f"{self.base}/finalise",
                self.finalise_refusal,
            ),
        ]

    def option(self, value: str) -> DecisionOption | None:
        return next((o for o in self.options if o.value == value), None)


def review_page(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    action: Action | None = None,
    carry: bool = False,
) -> ReviewPage:
    """The review of an assessment, loaded full; ``action`` is the permission the page needs
    (403 for a role that may never take it, 404 for an assessment not the actor's);
    ``carry`` adds what it carries forward from the PCT's previous finalised assessment."""
    view = assessment_page(session, actor, assessment_id, full=True, carry=carry)
    if action is not None:
        require_on_assessment(actor, action, view.organisation, view.record.id)
    return ReviewPage(
        view=view,
        shared=repository.current_provisional(session, assessment_id),
        panel=panel_service.panel_of(session, actor, assessment_id),
        moderation=tuple(repository.moderation_of(session, assessment_id)),
        records_panel=may_on_assessment(actor, Action.RECORD_PANEL, view.organisation),
    )


REVIEW_FORM_ID = "review-form"
"""The id of the reviewer's form on a competency, or of the notice in its place."""


def criterion_field(criterion: str, name: str) -> str:
    """The reviewer's form field for one criterion ("c1-2-level")."""
    return f"c{criterion.replace('.', '-')}-{name}"


def item_field(evidence_id: int, name: str) -> str:
    """The reviewer's form field for one evidence item ("item-12-rating")."""
    return f"item-{evidence_id}-{name}"


@dataclass(frozen=True)
class ReviewCompetencyPage:
    """One competency as its reviewer reads and scores it: the PCT's self-assessment, each
    presented item's content (as frozen at submission), and the one form of the review."""

    review: ReviewPage
    row: CompetencyLine
    units: Mapping[int, str] = field(default_factory=dict)
    """The names of the practices and PBC groups the items name, by id."""
    engagement: engagement_service.Engagement | None = None
    """The PCT's clinician engagement in the cycle, on the engagement competency's page."""

    @property
    def view(self) -> AssessmentPage:
        return self.review.view

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def items(self) -> tuple[PresentedItem, ...]:
        return self.row.presented

    @property
    def url(self) -> str:
        return f"{self.review.base}/review/{self.number}"

    @property
    def next_number(self) -> int | None:
        return self.view.next_number(self.number)

    @property
    def previous_number(self) -> int | None:
        return self.view.previous_number(self.number)

    def unit(self, item: PresentedItem) -> str:
        """The practice or PBC group an item was logged for ("" for the whole PCT)."""
        unit_id = item.content.get("practice_id")
        return self.units.get(int(unit_id), "") if unit_id else ""

    @staticmethod
    def description(item: PresentedItem) -> str:
        return str(item.content.get("description") or "")

    @staticmethod
    def web_address(item: PresentedItem) -> str:
        return str(item.content.get("url") or "")

    @staticmethod
    def size(attachment: Mapping[str, Any]) -> str:
        """An attachment's size in words ("84 KB")."""
        size = int(attachment.get("size") or 0)
        if size >= 1024 * 1024:
            return f"{size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(size / 1024))} KB"

    def comments_from_pct(self) -> list[str]:
        """The PCT's factual-accuracy comments on this competency."""
        return [
            comment
            for competency, comment in self.review.shared_comments
            if competency is not None and competency.number == self.number
        ]

    @property
    def shows_form(self) -> bool:
        return self.review.form in (ReviewForm.OPEN, ReviewForm.MODERATION)

    @property
    def closed_reason(self) -> str:
        """Why the page shows no form ("" when it does), as a sentence."""
        form = self.review.form
        if form is ReviewForm.AWAITING_CHECK:
            return (
                "Your ratings are fixed until the PCT has checked them for factual accuracy: "
                "you can change them, giving a reason, once it has answered"
            )
        if form is ReviewForm.CLOSED:
            record = self.review.record
            if not self.view.reviews:
                return "Only the SHA's reviewers of this PCT change its review"
            why = record.why_not_now(review_move(record.status))
            return why or "The review cannot be changed now"
        return ""

    def after_save(self, *, saved: bool, onward: bool) -> tuple[str, str | None]:
        """Where a save of the form leads, and what it says there: this page again, or
        (``onward``) the next competency, or after the last the overview's decision."""
        n = self.number
        if not saved:
            said = None if onward else f"You have not changed anything on competency {n}."
        elif self.review.form is ReviewForm.MODERATION:
            said = (
                f"Your changes to competency {n} are saved. The PCT sees them, with your "
                "reason, in the moderation log."
            )
        else:
            said = f"Your review of competency {n} is saved."
        if not onward:
            return f"{self.url}#{REVIEW_FORM_ID}", said
        following = self.next_number
        if following is None:
            last = " That was the last competency." if saved else ""
            return f"{self.review.base}/review#decision", (said or "") + last or None
        return f"{self.review.base}/review/{following}", said

    def form_values(self) -> dict[str, Any]:
        """The reviewer's form as saved now: the level, the comment, each criterion's level
        and comment, and each item's rating and comment, with the versions read."""
        score = self.row.review_score
        values: dict[str, Any] = {
            "level": score.level if score else None,
            "comment": score.comment if score else "",
            "version": score.version if score else None,
            "reason": "",
        }
        for line in self.row.criteria:
            review = line.review
            values[criterion_field(line.number, "level")] = review.level if review else None
            values[criterion_field(line.number, "comment")] = review.comment if review else ""
            values[criterion_field(line.number, "version")] = review.version if review else None
        for item in self.items:
            rating = item.rating
            values[item_field(item.id, "rating")] = rating.rating.value if rating else ""
            values[item_field(item.id, "comment")] = rating.comment if rating else ""
            values[item_field(item.id, "version")] = rating.version if rating else None
        return values

    @property
    def field_names(self) -> list[str]:
        """Every field of the form, in its order on the page."""
        return list(self.form_values())


def review_competency_page(
    session: Session,
    actor: Actor,
    assessment_id: int,
    number: int,
    *,
    action: Action | None = None,
    carry: bool = True,
) -> ReviewCompetencyPage:
    """One competency for its reviewer; ``carry`` (for the page shown) adds last cycle's."""
    review = review_page(session, actor, assessment_id, action=action, carry=carry)
    row = review.view.row(number)
    unit_ids = {
        int(item.content["practice_id"])
        for item in row.presented
        if item.content.get("practice_id")
    }
    return ReviewCompetencyPage(
        review=review,
        row=row,
        units=organisation_service.names_of(session, unit_ids),
        engagement=engagement_box(session, actor, review.view, row),
    )
