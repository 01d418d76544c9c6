"""The SHA reviewer's decisions (return, share provisional ratings, finalise), an
administrator's reopen, and the rounds of an assessment, as pages.

The decisions start as a choice (``/decision``), whose options not open now are shown
disabled with the reason; each choice then has its own page that checks it, and a panel
after (NHS service manual: "check answers" and "confirmation" pages). The return form posts
to its own address in three steps, named by the button pressed:

- ``check`` (Continue): the form again with its error summary, or the check page, which
  carries everything typed in hidden fields;
- ``change`` (a Change button on the check page): the form again, with everything typed;
- ``confirm`` (Return to the PCT): ``service.return_assessment``, then the panel.

One address for the three steps means a post kept when a session ended
(``app.auth.form_keeping``) goes back into the form it came from, and nothing typed is lost.

Each decision form sends back what its page showed (``seen``, see ``assessments.seen``; the
return's check page carries the form page's): a decision on an assessment that changed since
is refused (409), saying what changed, with the page as it stands now and what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, field_validator
from sqlmodel import Session

from app.assessments import presenters, provisional, repository, service
from app.assessments.models import AssessmentStatus, ReturnPoint
from app.assessments.presenters import AssessmentPage, ReviewPage
from app.assessments.record import PresentedItem
from app.assessments.schemas import RequiredText, ReturnPointWrite, TransitionRequest
from app.assessments.seen import MAX_TOKEN
from app.assessments.seen import token as seen_token
from app.assessments.workflow import Move
from app.deps import SessionDep
from app.forms import (
    FormPost,
    FormProblem,
    blank_to_none,
    parse_form,
    posted,
    render_form,
    submit_form,
)
from app.framework.models import Competency
from app.params import MAX_ID, PathId, PathNumber
from app.permissions import Action
from app.web import PageActor, hx_redirect, render

router = APIRouter(include_in_schema=False)

GENERAL_POINT = "point-general"
NO_POINT = "Enter at least one point for the PCT to address"


def point_field(number: int | None) -> str:
    """The form field (and element id) of the point on competency ``number``, or the general
    point."""
    return GENERAL_POINT if number is None else f"point-{number}"


def _attribute(number: int | None) -> str:
    """The form model's attribute for a point field (``point-4`` is ``point_4``)."""
    return point_field(number).replace("-", "_")


# Return, point by point -------------------------------------------------------------------------

PointText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]


class ReturnForm(BaseModel):
    """The return form as posted: the reason, a text box per competency and a general one
    (``point-N``, ``point-general``), and which of them were filled in (``points``)."""

    model_config = ConfigDict(extra="ignore")
    numbers: ClassVar[tuple[int, ...]] = ()

    reason: RequiredText
    points: list[str]
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    seen: str | None = Field(default=None, max_length=MAX_TOKEN)

    @field_validator("points")
    @classmethod
    def _at_least_one(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(NO_POINT)
        return value

    def text(self, number: int | None) -> str:
        """What was written for competency ``number`` (or the general point), or ""."""
        return str(getattr(self, _attribute(number)))

    def requests(self) -> list[ReturnPointWrite]:
        """The points filled in: competency by competency, then the general one."""
        return [
            ReturnPointWrite(competency_number=number, request=self.text(number))
            for number in (*self.numbers, None)
            if self.text(number)
        ]


@cache
def return_form(numbers: tuple[int, ...]) -> type[ReturnForm]:
    """The return form for a framework's competency numbers."""
    fields: dict[str, Any] = {
        _attribute(n): (PointText, Field(default="", alias=point_field(n)))
        for n in (*numbers, None)
    }
    form = create_model("ReturnForm", __base__=ReturnForm, **fields)
    form.numbers = numbers
    return form


def return_labels(numbers: tuple[int, ...]) -> dict[str, str]:
    return {
        "reason": "the reason for returning the assessment",
        "points": "a point for the PCT to address",
        **{point_field(n): f"the point on competency {n}" for n in numbers},
        GENERAL_POINT: "the general point",
    }


def _point_fields(numbers: tuple[int, ...]) -> list[str]:
    return [point_field(n) for n in (*numbers, None)]


def _return_page(
    request: Request,
    view: AssessmentPage,
    typed: dict[str, Any],
    problem: FormProblem | None = None,
) -> Response:
    errors = problem.errors if problem else {}
    values = dict(typed)
    if problem is not None and problem.current_version is not None:
        # Stale: the form now carries the assessment as it is shown again below.
        values["version"] = problem.current_version
        values["seen"] = seen_token(view.record, Move.RETURN)
    # "No point given" is said on the group of points, and the summary leads to the first box.
    first = point_field(view.framework.numbers[0]) if view.framework.numbers else GENERAL_POINT
    summary = {(first if field == "points" else field): text for field, text in errors.items()}
    refusal = view.record.why_not_now(Move.RETURN)
    if refusal and errors:
        # No form to correct: the summary leads to the reason it cannot be returned.
        summary = {"reason": errors.get("reason", refusal)}
    context = {
        "view": view,
        "values": values,
        "errors": errors,
        "summary": summary,
        "refusal": refusal,
    }
    return render_form(request, "assessments/return.html", context, problem)


@dataclass(frozen=True)
class CheckedPoint:
    """One point on the check page: where it goes, and what it asks."""

    field: str
    competency: Competency | None
    request: str


def _return_check(request: Request, view: AssessmentPage, form: ReturnForm) -> Response:
    points = [
        CheckedPoint(
            point_field(p.competency_number),
            view.framework.competency(p.competency_number) if p.competency_number else None,
            p.request,
        )
        for p in form.requests()
    ]
    context = {
        "view": view,
        "reason": form.reason,
        "points": points,
        "version": form.version,
        "seen": form.seen,
    }
    return render(request, "assessments/return_confirm.html", context)


@router.get("/assessments/{assessment_id}/return", response_class=HTMLResponse)
def return_start(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.step_page(session, actor, assessment_id, Move.RETURN)
    shown = seen_token(view.record, Move.RETURN)
    return _return_page(request, view, {"version": view.assessment.version, "seen": shown})


@router.post("/assessments/{assessment_id}/return", response_class=HTMLResponse)
def return_assessment(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    view = presenters.step_page(session, actor, assessment_id, Move.RETURN)
    numbers = view.framework.numbers
    typed = posted(form, "reason", *_point_fields(numbers), "version", "seen")
    step = posted(form, "step")["step"]
    if step == "change":
        return _return_page(request, view, typed)
    filled = [name for name in _point_fields(numbers) if typed[name].strip()]
    confirm = step == "confirm"
    return submit_form(
        session,
        schema=return_form(numbers),
        data={**blank_to_none(typed, "version", "seen"), "points": filled},
        labels=return_labels(numbers),
        form_field="reason",
        command=lambda data: (
            service.return_assessment(
                session,
                actor,
                assessment_id,
                reason=data.reason,
                points=data.requests(),
                expected_version=data.version,
                shown=data.seen,
            )
            if confirm
            else data
        ),
        done=lambda data: (
            hx_redirect(request, f"/assessments/{assessment_id}/return/done")
            if confirm
            else _return_check(request, view, data)
        ),
        page=lambda problem: _return_page(
            request,
            presenters.step_page(session, actor, assessment_id, Move.RETURN),
            typed,
            problem,
        ),
    )


@router.get("/assessments/{assessment_id}/return/done", response_class=HTMLResponse)
def return_done(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.step_page(session, actor, assessment_id, Move.RETURN)
    if view.assessment.status is not AssessmentStatus.RETURNED:
        return RedirectResponse(f"/assessments/{assessment_id}/review", status_code=303)
    points = [p for p in view.record.return_points if p.round == view.record.round]
    return render(request, "assessments/return_done.html", {"view": view, "points": points})


# The choice of decision ---------------------------------------------------------------------------

DECISION_LABELS = {"decision": "what you want to do"}


class DecisionForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    decision: Literal["return", "provisional", "finalise"]


def _decision_page(
    request: Request, review: ReviewPage, problem: FormProblem | None = None
) -> Response:
    options = review.options
    first = next((o for o in options if o.enabled), None)
    errors = problem.errors if problem else {}
    # A message about the choice leads to the first option that can be chosen (a disabled
    # radio cannot take the focus), or to the section that says why none can.
    target = first.field if first else "decision"
    summary = {(target if field == "decision" else field): text for field, text in errors.items()}
    context = {
        "view": review.view,
        "review": review,
        "options": options,
        "open": first is not None,
        "errors": errors,
        "summary": summary,
    }
    return render_form(request, "assessments/decision.html", context, problem)


@router.get("/assessments/{assessment_id}/decision", response_class=HTMLResponse)
def decision(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _decision_page(
        request, presenters.review_page(session, actor, assessment_id, action=Action.RETURN)
    )


@router.post("/assessments/{assessment_id}/decision", response_class=HTMLResponse)
def choose_decision(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    review = presenters.review_page(session, actor, assessment_id, action=Action.RETURN)
    parsed, errors = parse_form(DecisionForm, posted(form, "decision"), DECISION_LABELS)
    if parsed is None:
        return _decision_page(request, review, FormProblem(errors=errors))
    chosen = review.option(parsed.decision)
    assert chosen is not None
    if not chosen.enabled:
        refusal = f"You cannot {chosen.label[:1].lower()}{chosen.label[1:]} now. {chosen.reason}."
        return _decision_page(
            request, review, FormProblem(errors={"decision": refusal}, status_code=409)
        )
    return hx_redirect(request, chosen.url)


# Provisional ratings ---------------------------------------------------------------------------

SHARE_FORM = "share"


def _provisional_page(
    request: Request, review: ReviewPage, problem: FormProblem | None = None
) -> Response:
    context = {
        "view": review.view,
        "review": review,
        "refusal": review.record.why_not_now(Move.SHARE_PROVISIONAL),
        "errors": problem.errors if problem else {},
        "missing": problem.missing if problem else [],
        "version": (problem.current_version if problem else None) or review.view.assessment.version,
        "seen": seen_token(review.record, Move.SHARE_PROVISIONAL),
    }
    return render_form(request, "assessments/provisional.html", context, problem)


@router.get("/assessments/{assessment_id}/provisional", response_class=HTMLResponse)
def provisional_check(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _provisional_page(
        request,
        presenters.review_page(session, actor, assessment_id, action=Action.SHARE_PROVISIONAL),
    )


@router.post("/assessments/{assessment_id}/provisional", response_class=HTMLResponse)
def share_provisional(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    presenters.review_page(session, actor, assessment_id, action=Action.SHARE_PROVISIONAL)
    shown = posted(form, "seen")["seen"] or None
    return submit_form(
        session,
        schema=TransitionRequest,
        data=blank_to_none(posted(form, "version"), "version"),
        labels={},
        form_field=SHARE_FORM,
        command=lambda data: provisional.share_provisional(
            session, actor, assessment_id, expected_version=data.version, shown=shown
        ),
        done=lambda _: hx_redirect(request, f"/assessments/{assessment_id}/provisional/done"),
        page=lambda problem: _provisional_page(
            request,
            presenters.review_page(session, actor, assessment_id, action=Action.SHARE_PROVISIONAL),
            problem,
        ),
    )


@router.get("/assessments/{assessment_id}/provisional/done", response_class=HTMLResponse)
def provisional_done(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    review = presenters.review_page(session, actor, assessment_id, action=Action.SHARE_PROVISIONAL)
    if review.record.status is not AssessmentStatus.PROVISIONAL:
        return RedirectResponse(f"/assessments/{assessment_id}/review", status_code=303)
    return render(
        request, "assessments/provisional_done.html", {"view": review.view, "review": review}
    )


# Finalise -----------------------------------------------------------------------------------------


def _finalise_page(
    request: Request, review: ReviewPage, problem: FormProblem | None = None
) -> Response:
    record = review.record
    # Scores still missing are listed by the page itself, each with its link.
    waiting = "" if record.unreviewed or record.unreviewed_governance else review.unchecked
    context = {
        "view": review.view,
        "refusal": record.why_not_now(Move.FINALISE) or waiting or None,
        "errors": problem.errors if problem else {},
        "version": (problem.current_version if problem else None) or record.assessment.version,
        "seen": seen_token(record, Move.FINALISE),
    }
    return render_form(request, "assessments/finalise.html", context, problem)


@router.get("/assessments/{assessment_id}/finalise", response_class=HTMLResponse)
def finalise_check(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _finalise_page(
        request, presenters.review_page(session, actor, assessment_id, action=Action.FINALISE)
    )


@router.post("/assessments/{assessment_id}/finalise", response_class=HTMLResponse)
def finalise(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    shown = posted(form, "seen")["seen"] or None
    return submit_form(
        session,
        schema=TransitionRequest,
        data=blank_to_none(posted(form, "version"), "version"),
        labels={},
        form_field="finalise",
        command=lambda data: service.finalise(
            session, actor, assessment_id, expected_version=data.version, shown=shown
        ),
        done=lambda _: hx_redirect(request, f"/assessments/{assessment_id}/finalise/done"),
        page=lambda problem: _finalise_page(
            request,
            presenters.review_page(session, actor, assessment_id, action=Action.FINALISE),
            problem,
        ),
    )


@router.get("/assessments/{assessment_id}/finalise/done", response_class=HTMLResponse)
def finalise_done(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.step_page(session, actor, assessment_id, Move.FINALISE)
    if view.assessment.status is not AssessmentStatus.FINALISED:
        return RedirectResponse(f"/assessments/{assessment_id}/review", status_code=303)
    return render(request, "assessments/finalise_done.html", {"view": view})


# Reopen (an administrator) ---------------------------------------------------------------------


class ReopenForm(BaseModel):
    """The page asks for a reason (the API leaves it optional)."""

    model_config = ConfigDict(extra="ignore")

    reason: RequiredText
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    seen: str | None = Field(default=None, max_length=MAX_TOKEN)


REOPEN_LABELS = {"reason": "why you are reopening the review"}


def _reopen_page(
    request: Request,
    view: AssessmentPage,
    typed: dict[str, Any],
    problem: FormProblem | None = None,
) -> Response:
    values = dict(typed)
    if problem is not None and problem.current_version is not None:
        values["version"] = problem.current_version
        values["seen"] = seen_token(view.record, Move.REOPEN)
    context = {
        "view": view,
        "values": values,
        "errors": problem.errors if problem else {},
        "refusal": view.record.why_not_now(Move.REOPEN),
        "done": False,
    }
    return render_form(request, "assessments/reopen.html", context, problem)


@router.get("/assessments/{assessment_id}/reopen", response_class=HTMLResponse)
def reopen_start(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.step_page(session, actor, assessment_id, Move.REOPEN, full=True)
    typed = {
        "reason": "",
        "version": view.assessment.version,
        "seen": seen_token(view.record, Move.REOPEN),
    }
    return _reopen_page(request, view, typed)


@router.post("/assessments/{assessment_id}/reopen", response_class=HTMLResponse)
def reopen(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    presenters.step_page(session, actor, assessment_id, Move.REOPEN)
    typed = posted(form, "reason", "version", "seen")
    return submit_form(
        session,
        schema=ReopenForm,
        data=blank_to_none(typed, "version", "seen"),
        labels=REOPEN_LABELS,
        command=lambda data: service.reopen(
            session,
            actor,
            assessment_id,
            reason=data.reason,
            expected_version=data.version,
            shown=data.seen,
        ),
        done=lambda _: hx_redirect(request, f"/assessments/{assessment_id}/reopen/done"),
        page=lambda problem: _reopen_page(
            request,
            presenters.step_page(session, actor, assessment_id, Move.REOPEN, full=True),
            typed,
            problem,
        ),
    )


@router.get("/assessments/{assessment_id}/reopen/done", response_class=HTMLResponse)
def reopen_done(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.step_page(session, actor, assessment_id, Move.REOPEN)
    if view.assessment.status is not AssessmentStatus.IN_REVIEW:
        return RedirectResponse(f"/assessments/{assessment_id}/review", status_code=303)
    context = {"view": view, "values": {}, "errors": {}, "refusal": None, "done": True}
    return render(request, "assessments/reopen.html", context)


# Rounds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundScore:
    """One competency as a round kept it: the PCT's self-score and the evidence presented."""

    competency: Competency
    score: dict[str, Any] | None
    evidence: list[PresentedItem]


@dataclass(frozen=True)
class RoundPage:
    view: AssessmentPage
    number: int
    submitted_at: datetime
    submitted_by: str
    fingerprint: str
    sign_off: dict[str, Any]
    signed_off_by: str
    competencies: list[RoundScore]
    evidence_count: int
    points: list[ReturnPoint]

    @property
    def meeting_date(self) -> date | None:
        text = self.sign_off.get("meeting_date")
        return date.fromisoformat(text) if text else None


def _round_page(session: Session, view: AssessmentPage, number: int) -> RoundPage:
    kept = repository.submission(session, view.record.id, number)
    content = kept.content or {}
    scores = {s["competency_number"]: s for s in content.get("self_scores", [])}
    items = [PresentedItem(e["id"], e, None, None) for e in content.get("evidence", [])]
    sign_off = dict(content.get("sign_off") or {})
    people = repository.names(session, [kept.submitted_by_id, sign_off.get("signed_off_by_id")])
    return RoundPage(
        view=view,
        number=number,
        submitted_at=kept.submitted_at,
        submitted_by=people.get(kept.submitted_by_id or 0, ""),
        fingerprint=kept.fingerprint,
        sign_off=sign_off,
        signed_off_by=people.get(sign_off.get("signed_off_by_id") or 0, ""),
        competencies=[
            RoundScore(
                c, scores.get(c.number), [i for i in items if c.number in i.competency_numbers]
            )
            for c in view.framework.competencies
        ],
        evidence_count=len(items),
        points=[p for p in view.record.return_points if p.round == number],
    )


@router.get("/assessments/{assessment_id}/rounds", response_class=HTMLResponse)
def rounds(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    return render(request, "assessments/rounds.html", {"view": view})


@router.get("/assessments/{assessment_id}/rounds/{number}", response_class=HTMLResponse)
def round_content(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    return render(request, "assessments/round.html", {"page": _round_page(session, view, number)})
