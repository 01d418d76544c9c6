"""The PCT's side of provisional ratings, as pages: the ratings the SHA shared, the PCT's
factual-accuracy comments (or acceptance), a check of them before they are sent, a
confirmation, and the moderation log of what the SHA changed after.

    /assessments/{id}/factual-accuracy          the ratings, the comments form, and (posted)
                                                check your answer, then send it
    /assessments/{id}/factual-accuracy/done     the confirmation
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.actors import Actor
from app.assessments import provisional, repository
from app.assessments.models import (
    AssessmentStatus,
    ModerationChange,
    ProvisionalRating,
)
from app.assessments.record import AssessmentRecord
from app.assessments.schemas import FactualAccuracyComment, FactualAccuracyRequest
from app.deps import SessionDep
from app.errors import DomainError
from app.forms import FormPost, FormProblem, posted, render_form
from app.framework.models import Competency
from app.governance.models import AREAS, GovernanceArea, Rag
from app.params import PathId
from app.permissions import Action, may_on_assessment
from app.web import PageActor, hx_redirect, render

router = APIRouter(include_in_schema=False)

GENERAL = "general"


@dataclass(frozen=True)
class SharedLine:
    """One competency as the SHA shared it: its level then, its level now, the PCT's own."""

    competency: Competency
    own: int | None
    shared: int | None
    now: int | None
    comment: str


@dataclass(frozen=True)
class SharedArea:
    area: GovernanceArea
    own: Rag | None
    shared: Rag | None
    now: Rag | None


@dataclass(frozen=True)
class ChangeLine:
    change: ModerationChange
    what: str
    by: str


@dataclass(frozen=True)
class FactsPage:
    record: AssessmentRecord
    shared: ProvisionalRating | None
    lines: tuple[SharedLine, ...]
    areas: tuple[SharedArea, ...]
    changes: tuple[ChangeLine, ...]
    may_answer: bool
    issued_by: str
    responded_by: str

    @property
    def answered(self) -> bool:
        return self.shared is not None and self.shared.responded_at is not None

    def comments_on(self, number: int | None) -> list[str]:
        if self.shared is None:
            return []
        return [c["comment"] for c in self.shared.comments if c.get("competency_number") == number]


def _rag(value: object) -> Rag | None:
    return Rag(value) if isinstance(value, str) and value in Rag._value2member_map_ else None


def _what(change: ModerationChange) -> str:
    if change.subject == "competency":
        return f"Competency {change.key}"
    if change.subject == "criterion":
        return f"Criterion {change.key}"
    if change.subject == "governance":
        return f"Governance: {change.key}"
    return f"Rating of evidence item {change.key}"


def facts_page(session: Session, actor: Actor, assessment_id: int) -> FactsPage:
    record = repository.load_assessment(session, actor, assessment_id)
    shared = repository.current_provisional(session, assessment_id)
    changes = repository.moderation_of(session, assessment_id)
    people = repository.names(
        session,
        [c.changed_by_id for c in changes]
        + ([shared.issued_by_id, shared.responded_by_id] if shared else []),
    )
    levels: dict[str, Any] = shared.levels if shared else {}
    given = levels.get("competencies", {})
    lines = tuple(
        SharedLine(
            competency=c,
            own=record.self_scores[c.number].level if c.number in record.self_scores else None,
            shared=given.get(str(c.number)),
            now=record.review_scores[c.number].level if c.number in record.review_scores else None,
            comment=record.review_scores[c.number].comment
            if c.number in record.review_scores
            else "",
        )
        for c in record.competencies
    )
    areas = tuple(
        SharedArea(
            area=area,
            own=record.governance[area].rating if area in record.governance else None,
            shared=_rag(levels.get("governance", {}).get(area.value)),
            now=record.governance_reviews[area].rating
            if area in record.governance_reviews
            else None,
        )
        for area in AREAS
    )
    pct = repository.pct_of(session, record.assessment)
    return FactsPage(
        record=record,
        shared=shared,
        lines=lines,
        areas=areas,
        changes=tuple(
            ChangeLine(c, _what(c), people.get(c.changed_by_id or 0, "The SHA")) for c in changes
        ),
        may_answer=(
            record.status is AssessmentStatus.PROVISIONAL
            and shared is not None
            and shared.responded_at is None
            and may_on_assessment(actor, Action.CHECK_FACTS, pct)
        ),
        issued_by=people.get(shared.issued_by_id or 0, "The SHA") if shared else "",
        responded_by=people.get(shared.responded_by_id or 0, "The PCT") if shared else "",
    )


def _field(number: int | None) -> str:
    return f"comment-{number}" if number is not None else f"comment-{GENERAL}"


def _typed(form: FormPost, page: FactsPage) -> dict[str, str]:
    names = [_field(line.competency.number) for line in page.lines] + [_field(None)]
    return posted(form, *names, "sharing")


def _sharing(typed: dict[str, str]) -> int | None:
    """The sharing the form was shown (None for a form that names none); a value that is not
    a sharing's id names none that exists, so the answer is refused as out of date."""
    text = typed.get("sharing", "").strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0


def _comments(page: FactsPage, typed: dict[str, str]) -> list[dict[str, Any]]:
    """The comments typed, in competency order then the general one; blanks left out."""
    found: list[dict[str, Any]] = []
    for number in [line.competency.number for line in page.lines] + [None]:
        text = typed.get(_field(number), "").strip()
        if text:
            found.append({"competency_number": number, "comment": text})
    return found


def _check(
    typed: dict[str, str], page: FactsPage
) -> tuple[FactualAccuracyRequest | None, dict[str, str]]:
    """The request, or the error for each field that cannot be sent (too long)."""
    errors: dict[str, str] = {}
    for number in [line.competency.number for line in page.lines] + [None]:
        text = typed.get(_field(number), "").strip()
        if len(text) > 10_000:
            where = f"competency {number}" if number else "the assessment as a whole"
            errors[_field(number)] = (
                f"Your comment on {where} has {len(text):,} characters; it can be at most 10,000"
            )
    if errors:
        return None, errors
    comments = [FactualAccuracyComment.model_validate(c) for c in _comments(page, typed)]
    return FactualAccuracyRequest(comments=comments), {}


def _page(
    request: Request,
    page: FactsPage,
    typed: dict[str, str] | None = None,
    problem: FormProblem | None = None,
    *,
    template: str = "assessments/factual_accuracy.html",
) -> Response:
    context = {
        "page": page,
        "values": typed or {},
        "errors": problem.errors if problem else {},
        "comments": _comments(page, typed or {}),
    }
    return render_form(request, template, context, problem)


@router.get("/assessments/{assessment_id}/factual-accuracy", response_class=HTMLResponse)
def factual_accuracy(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _page(request, facts_page(session, actor, assessment_id))


@router.post("/assessments/{assessment_id}/factual-accuracy", response_class=HTMLResponse)
def answer(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    """The form posts to its own address in three steps, named by its buttons: ``check``
    (Continue) shows the answer to check; ``change`` brings the form back with everything
    typed; ``confirm`` sends it, then the confirmation."""
    page = facts_page(session, actor, assessment_id)
    typed = _typed(form, page)
    step = str(form.get("step") or "check")
    if step == "change":
        return _page(request, page, typed)
    answer, errors = _check(typed, page)
    if answer is None:
        return _page(request, page, typed, FormProblem(errors=errors))
    if step != "confirm":
        return _page(request, page, typed, template="assessments/factual_accuracy_check.html")
    try:
        provisional.check_facts(
            session, actor, assessment_id, answer.comments, sharing=_sharing(typed)
        )
    except DomainError as error:
        session.rollback()
        if error.status_code in (401, 404):
            raise
        # A refusal (already answered, say) names no box: it links to the page's heading.
        problem = FormProblem.from_error(error, form_field="facts")
        now = facts_page(session, actor, assessment_id)
        # The form again carries the ratings it shows now, and everything typed.
        kept = {**typed, "sharing": str(now.shared.id) if now.shared else ""}
        return _page(request, now, kept, problem)
    return hx_redirect(request, f"/assessments/{assessment_id}/factual-accuracy/done")


@router.get("/assessments/{assessment_id}/factual-accuracy/done", response_class=HTMLResponse)
def answers_sent(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    page = facts_page(session, actor, assessment_id)
    return render(request, "assessments/factual_accuracy_done.html", {"page": page})
