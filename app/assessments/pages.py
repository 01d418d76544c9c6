"""Assessment pages: the board, the competency page with its scoring form, the review.

Every POST goes through ``forms.submit_form``: parse, one service command, and on a refusal
the same page again with the error summary and what was typed. Routes are plain ``def``
functions, so database work runs in the thread pool and never stalls the event loop.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.assessments import presenters, service
from app.assessments.schemas import (
    EvidenceRatingWrite,
    ReturnRequest,
    ReviewScoreWrite,
    SelfScoreWrite,
    TransitionRequest,
)
from app.deps import SessionDep
from app.evidence import service as evidence_service
from app.forms import (
    FormPost,
    FormProblem,
    blank_to_none,
    posted,
    render_form,
    shown_values,
    submit_form,
)
from app.home.pages import pct_home_page
from app.params import MAX_ID, PathId, PathNumber
from app.web import PageActor, hx_redirect, is_fragment_request

router = APIRouter(include_in_schema=False)

SELF_LABELS = {
    "level": "a level",
    "rationale": "why this level is right",
    "improvement_action": "the improvement action",
    "target_level": "a target level",
}
REVIEW_LABELS = {"level": "a level", "comment": "a comment"}
RATING_LABELS = {"rating": "a rating", "comment": "a comment"}
RETURN_LABELS = {"reason": "the reason for returning the assessment"}


class _CyclePick(BaseModel):
    model_config = ConfigDict(extra="ignore")

    cycle_id: int = Field(ge=1, le=MAX_ID)


class _EvidencePick(BaseModel):
    model_config = ConfigDict(extra="ignore")

    evidence_id: int = Field(ge=1, le=MAX_ID)


def _schema_fields(data: dict[str, Any], schema: type[BaseModel]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in schema.model_fields}


# The board ------------------------------------------------------------------------------------


@router.post("/assessments")
def open_assessment(
    request: Request, session: SessionDep, actor: PageActor, form: FormPost
) -> Response:
    def page(problem: FormProblem) -> Response:
        # The form is one button: every message links to it.
        message = next(iter(problem.errors.values()))
        return pct_home_page(
            request,
            session,
            actor,
            errors={"start-assessment": message},
            status=problem.status_code,
        )

    return submit_form(
        session,
        schema=_CyclePick,
        data=blank_to_none(posted(form, "cycle_id"), "cycle_id"),
        labels={"cycle_id": "a cycle"},
        form_field="start-assessment",
        command=lambda data: service.open_assessment(
            session, actor, organisation_code=actor.organisation_code or "", cycle_id=data.cycle_id
        ),
        done=lambda a: hx_redirect(request, f"/assessments/{a.id}", flash="Assessment started."),
        page=page,
    )


def _board(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    problem: FormProblem | None = None,
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id)
    context: dict[str, Any] = {"view": view}
    if problem is not None:
        context |= {"problem": next(iter(problem.errors.values())), "missing": problem.missing}
    return render_form(request, "assessments/board.html", context, problem, block="board")


@router.get("/assessments/{assessment_id}", response_class=HTMLResponse)
def board(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _board(request, session, actor, assessment_id)


def _transition(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    form: FormPost,
    command: Any,
    flash: str,
) -> Response:
    return submit_form(
        session,
        schema=TransitionRequest,
        data=blank_to_none(posted(form, "version"), "version"),
        labels={},
        form_field="form",
        command=lambda data: command(session, actor, assessment_id, expected_version=data.version),
        done=lambda _: hx_redirect(request, f"/assessments/{assessment_id}", flash=flash),
        page=lambda problem: _board(request, session, actor, assessment_id, problem),
    )


@router.post("/assessments/{assessment_id}/sign-off")
def sign_off(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    return _transition(
        request, session, actor, assessment_id, form, service.sign_off, "Signed off by the board."
    )


@router.post("/assessments/{assessment_id}/submit")
def submit(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    return _transition(
        request, session, actor, assessment_id, form, service.submit, "Submitted to the SHA."
    )


# A competency -----------------------------------------------------------------------------------


def _competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    number: int,
    *,
    typed: dict[str, Any] | None = None,
    problem: FormProblem | None = None,
    block: str | None = None,
    saved: bool = False,
) -> Response:
    page = presenters.competency_page(session, actor, assessment_id, number)
    values = shown_values(page.form_values(), typed, problem)
    context = {
        "view": page.view,
        "row": page.row,
        "linked": page.linked,
        "others": page.others,
        "values": values,
        "errors": problem.errors if problem else {},
        "problem": problem,
        "saved": saved,
        "oob": saved,
    }
    return render_form(request, "assessments/competency.html", context, problem, block=block)


@router.get("/assessments/{assessment_id}/competencies/{number}", response_class=HTMLResponse)
def competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
) -> Response:
    return _competency(request, session, actor, assessment_id, number)


@router.post("/assessments/{assessment_id}/competencies/{number}", response_class=HTMLResponse)
def save_self_score(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    form: FormPost,
) -> Response:
    typed = posted(form, *SELF_LABELS, "version")
    url = f"/assessments/{assessment_id}/competencies/{number}"

    def done(_: object) -> Response:
        if not is_fragment_request(request):
            return hx_redirect(request, url, flash=f"Competency {number} saved.")
        return _competency(
            request, session, actor, assessment_id, number, block="score_form", saved=True
        )

    return submit_form(
        session,
        schema=SelfScoreWrite,
        data=blank_to_none(typed, "level", "target_level", "version", "improvement_action"),
        labels=SELF_LABELS,
        command=lambda data: service.put_self_score(
            session, actor, assessment_id, number, data=data
        ),
        done=done,
        page=lambda problem: _competency(
            request,
            session,
            actor,
            assessment_id,
            number,
            typed=typed,
            problem=problem,
            block="score_form",
        ),
    )


@router.post(
    "/assessments/{assessment_id}/competencies/{number}/links", response_class=HTMLResponse
)
def link_evidence(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    form: FormPost,
) -> Response:
    url = f"/assessments/{assessment_id}/competencies/{number}"
    presenters.competency_page(session, actor, assessment_id, number)

    def done(_: object) -> Response:
        if not is_fragment_request(request):
            return hx_redirect(request, url, flash="Evidence linked.")
        return _competency(request, session, actor, assessment_id, number, block="evidence")

    return submit_form(
        session,
        schema=_EvidencePick,
        data=blank_to_none(posted(form, "evidence_id"), "evidence_id"),
        labels={"evidence_id": "an item to link"},
        command=lambda data: evidence_service.link_competency(
            session, actor, data.evidence_id, number=number
        ),
        done=done,
        page=lambda problem: _competency(
            request, session, actor, assessment_id, number, problem=problem, block="evidence"
        ),
    )


# The review -------------------------------------------------------------------------------------


def _review(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    *,
    problem: FormProblem | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    context = {
        "view": view,
        "errors": problem.errors if problem else {},
        "typed": typed or {},
    }
    return render_form(request, "assessments/review.html", context, problem)


@router.get("/assessments/{assessment_id}/review", response_class=HTMLResponse)
def review(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _review(request, session, actor, assessment_id)


def _review_competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    number: int,
    *,
    template: str = "assessments/review_competency.html",
    typed: dict[str, Any] | None = None,
    problem: FormProblem | None = None,
    saved: bool = False,
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    row = view.row(number)
    score = row.review_score
    stored = {
        "level": score.level if score else None,
        "comment": score.comment if score else "",
        "version": score.version if score else None,
    }
    values = shown_values(stored, typed, problem)
    context = {
        "view": view,
        "row": row,
        "items": row.presented,
        "values": values,
        "errors": problem.errors if problem else {},
        "problem": problem,
        "saved": saved,
    }
    return render_form(request, template, context, problem)


@router.get("/assessments/{assessment_id}/review/{number}", response_class=HTMLResponse)
def review_competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
) -> Response:
    return _review_competency(request, session, actor, assessment_id, number)


@router.post("/assessments/{assessment_id}/review/{number}", response_class=HTMLResponse)
def save_review_score(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    form: FormPost,
) -> Response:
    typed = posted(form, *REVIEW_LABELS, "version")
    fragment = "assessments/_review_form.html"

    def done(_: object) -> Response:
        if not is_fragment_request(request):
            return hx_redirect(
                request,
                f"/assessments/{assessment_id}/review#competency-{number}",
                flash=f"Review score for competency {number} saved.",
            )
        return _review_competency(
            request, session, actor, assessment_id, number, template=fragment, saved=True
        )

    def page(problem: FormProblem) -> Response:
        template = (
            fragment if is_fragment_request(request) else "assessments/review_competency.html"
        )
        return _review_competency(
            request,
            session,
            actor,
            assessment_id,
            number,
            template=template,
            typed=typed,
            problem=problem,
        )

    return submit_form(
        session,
        schema=ReviewScoreWrite,
        data=blank_to_none(typed, "level", "version"),
        labels=REVIEW_LABELS,
        command=lambda data: service.put_review_score(
            session, actor, assessment_id, number, data=data
        ),
        done=done,
        page=page,
    )


def _rating_form(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    evidence_id: int,
    *,
    typed: dict[str, Any] | None = None,
    problem: FormProblem | None = None,
    saved: bool = False,
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    item = view.item(evidence_id)
    rating = item.rating
    stored = {
        "rating": rating.rating.value if rating else "",
        "comment": rating.comment if rating else "",
        "version": rating.version if rating else None,
    }
    values = shown_values(stored, typed, problem)
    context = {
        "view": view,
        "item": item,
        "rating_form": values,
        "rating_errors": problem.errors if problem else {},
        "rating_problem": problem,
        "rating_saved": saved,
    }
    return render_form(request, "assessments/_rating_form.html", context, problem)


@router.post("/assessments/{assessment_id}/ratings/{evidence_id}", response_class=HTMLResponse)
def save_rating(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    evidence_id: PathId,
    form: FormPost,
) -> Response:
    typed = posted(form, *RATING_LABELS, "version")

    def done(_: object) -> Response:
        if not is_fragment_request(request):
            return hx_redirect(
                request, f"/assessments/{assessment_id}/review", flash="Rating saved."
            )
        return _rating_form(request, session, actor, assessment_id, evidence_id, saved=True)

    return submit_form(
        session,
        schema=EvidenceRatingWrite,
        data=blank_to_none(typed, "rating", "version"),
        labels=RATING_LABELS,
        command=lambda data: service.put_evidence_rating(
            session, actor, assessment_id, evidence_id, data=data
        ),
        done=done,
        page=lambda problem: _rating_form(
            request, session, actor, assessment_id, evidence_id, typed=typed, problem=problem
        ),
    )


@router.post("/assessments/{assessment_id}/return")
def return_assessment(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    typed = posted(form, "reason")
    return submit_form(
        session,
        schema=ReturnRequest,
        data=typed,
        labels=RETURN_LABELS,
        command=lambda data: service.return_assessment(
            session, actor, assessment_id, reason=data.reason
        ),
        done=lambda _: hx_redirect(
            request, f"/assessments/{assessment_id}/review", flash="Returned to the PCT."
        ),
        page=lambda problem: _review(
            request, session, actor, assessment_id, problem=problem, typed=typed
        ),
    )


@router.post("/assessments/{assessment_id}/finalise")
def finalise(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    return submit_form(
        session,
        schema=TransitionRequest,
        data=blank_to_none(posted(form, "version"), "version"),
        labels={},
        command=lambda data: service.finalise(
            session, actor, assessment_id, expected_version=data.version
        ),
        done=lambda _: hx_redirect(
            request, f"/assessments/{assessment_id}/review", flash="Review finalised."
        ),
        page=lambda problem: _review(request, session, actor, assessment_id, problem=problem),
        form_field="finalise",
    )
