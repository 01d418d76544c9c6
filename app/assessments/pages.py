"""Assessment pages: the board, the competency page with its scoring form, the review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.actors import Actor
from app.assessments import service, views
from app.assessments.schemas import EvidenceRatingWrite, ReviewScoreWrite, SelfScoreWrite
from app.deps import SessionDep
from app.errors import InvalidInput, NotFound, StaleEdit, WorkflowError
from app.evidence import service as evidence_service
from app.evidence.schemas import EvidenceUpdate
from app.forms import blank_to_none, parse_form
from app.params import MAX_ID, PathId, PathNumber
from app.web import PageActor, hx_redirect, render

router = APIRouter(include_in_schema=False)

SELF_LABELS = {
    "level": "a level",
    "rationale": "why this level is right",
    "improvement_action": "the improvement action",
    "target_level": "a target level",
}
REVIEW_LABELS = {"level": "a level", "comment": "a comment"}


def _competency_context(
    session: SessionDep, actor: PageActor, assessment_id: PathId, number: PathNumber
) -> dict:
    view = views.assessment_view(session, actor, assessment_id)
    row = next((r for r in view.rows if r.competency.number == number), None)
    if row is None:
        raise NotFound(f"Competency {number} does not exist; competencies are numbered 1 to 11")
    linked, others = views.evidence_for_competency(session, view.assessment.organisation_id, number)
    score = row.self_score
    values = {
        "level": score.level if score else None,
        "rationale": score.rationale if score else "",
        "improvement_action": (score.improvement_action or "") if score else "",
        "target_level": score.target_level if score else None,
        "version": score.version if score else None,
    }
    return {
        "view": view,
        "row": row,
        "linked": linked,
        "others": others,
        "values": values,
        "errors": {},
    }


@router.post("/assessments")
def open_assessment(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    cycle_id: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> Response:
    assessment = service.open_assessment(
        session, actor, organisation_code=actor.organisation_code or "", cycle_id=cycle_id
    )
    return hx_redirect(request, f"/assessments/{assessment.id}", flash="Assessment started.")


@router.get("/assessments/{assessment_id}", response_class=HTMLResponse)
def board(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = views.assessment_view(session, actor, assessment_id)
    return render(request, "assessments/board.html", {"view": view}, block="board")


@router.get("/assessments/{assessment_id}/competencies/{number}", response_class=HTMLResponse)
def competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
) -> Response:
    context = _competency_context(session, actor, assessment_id, number)
    return render(request, "assessments/competency.html", context)


@router.post("/assessments/{assessment_id}/competencies/{number}", response_class=HTMLResponse)
async def save_self_score(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
) -> Response:
    form = dict(await request.form())
    data = blank_to_none(
        {
            k: form.get(k, "")
            for k in ("level", "rationale", "improvement_action", "target_level", "version")
        },
        "level",
        "target_level",
        "version",
        "improvement_action",
    )
    parsed, errors = parse_form(SelfScoreWrite, data, SELF_LABELS)
    status = 200
    if parsed is not None:
        try:
            service.put_self_score(session, actor, assessment_id, number, data=parsed)
        except StaleEdit as exc:
            errors = {"form": exc.detail}
            status = 409
        except WorkflowError as exc:
            errors = {"form": exc.detail}
            status = 409
        else:
            if not request.headers.get("HX-Request"):
                return hx_redirect(
                    request,
                    f"/assessments/{assessment_id}/competencies/{number}",
                    flash=f"Competency {number} saved.",
                )
    else:
        status = 422
    context = _competency_context(session, actor, assessment_id, number)
    if errors:
        if status == 422:
            context["values"] = {**context["values"], **{k: form.get(k, "") for k in SELF_LABELS}}
        context["errors"] = errors
    else:
        context["saved"] = context["oob"] = True
    return render(
        request, "assessments/competency.html", context, block="score_form", status_code=status
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
    evidence_id: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> Response:
    views.assessment_view(session, actor, assessment_id)
    item = evidence_service.get_evidence(session, actor, evidence_id)
    current = evidence_service.competency_numbers_of(session, item)
    evidence_service.update_evidence(
        session,
        actor,
        evidence_id,
        data=EvidenceUpdate(competency_numbers=sorted({*current, number})),
    )
    if not request.headers.get("HX-Request"):
        return hx_redirect(
            request, f"/assessments/{assessment_id}/competencies/{number}", flash="Evidence linked."
        )
    context = _competency_context(session, actor, assessment_id, number)
    return render(request, "assessments/competency.html", context, block="evidence")


def _transition(
    request: Request,
    session: Session,
    actor: Actor,
    assessment_id: PathId,
    action: Callable[[Session, Actor, int], object],
) -> Response | None:
    try:
        action(session, actor, assessment_id)
    except WorkflowError as exc:
        view = views.assessment_view(session, actor, assessment_id)
        context = {"view": view, "problem": exc.detail, "missing": exc.missing}
        return render(request, "assessments/board.html", context, block="board", status_code=409)
    return None


@router.post("/assessments/{assessment_id}/sign-off")
def sign_off(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    refused = _transition(request, session, actor, assessment_id, service.sign_off)
    return refused or hx_redirect(
        request, f"/assessments/{assessment_id}", flash="Signed off by the board."
    )


@router.post("/assessments/{assessment_id}/submit")
def submit(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    refused = _transition(request, session, actor, assessment_id, service.submit)
    return refused or hx_redirect(
        request, f"/assessments/{assessment_id}", flash="Submitted to the SHA."
    )


@router.get("/assessments/{assessment_id}/review", response_class=HTMLResponse)
def review(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = views.assessment_view(session, actor, assessment_id)
    presented = views.presented_by_competency(session, assessment_id)
    return render(
        request, "assessments/review.html", {"view": view, "presented": presented, "errors": {}}
    )


@router.get("/assessments/{assessment_id}/review/{number}", response_class=HTMLResponse)
def review_competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
) -> Response:
    view = views.assessment_view(session, actor, assessment_id)
    row = next((r for r in view.rows if r.competency.number == number), None)
    if row is None:
        raise NotFound(f"Competency {number} does not exist; competencies are numbered 1 to 11")
    items = views.presented_by_competency(session, assessment_id).get(number, [])
    context = {"view": view, "row": row, "items": items, "errors": {}}
    return render(request, "assessments/review_competency.html", context)


@router.post("/assessments/{assessment_id}/review/{number}", response_class=HTMLResponse)
def save_review_score(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    level: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    parsed, errors = parse_form(
        ReviewScoreWrite,
        blank_to_none({"level": level, "comment": comment}, "level"),
        REVIEW_LABELS,
    )
    status = 422 if errors else 200
    if parsed is not None:
        try:
            service.put_review_score(session, actor, assessment_id, number, data=parsed)
        except InvalidInput as exc:
            errors, status = {"comment": exc.detail}, 422
        except WorkflowError as exc:
            errors, status = {"form": exc.detail}, 409
    if not request.headers.get("HX-Request") and not errors:
        return hx_redirect(
            request,
            f"/assessments/{assessment_id}/review#competency-{number}",
            flash=f"Review score for competency {number} saved.",
        )
    view = views.assessment_view(session, actor, assessment_id)
    row = next(r for r in view.rows if r.competency.number == number)
    context = {
        "view": view,
        "row": row,
        "errors": errors,
        "saved": not errors,
        "posted": {"level": level, "comment": comment},
    }
    return render(request, "assessments/_review_form.html", context, status_code=status)


@router.post("/assessments/{assessment_id}/ratings/{evidence_id}", response_class=HTMLResponse)
def save_rating(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    evidence_id: PathId,
    rating: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    parsed, errors = parse_form(
        EvidenceRatingWrite, {"rating": rating or None, "comment": comment}, {"rating": "a rating"}
    )
    if parsed is not None:
        service.put_evidence_rating(session, actor, assessment_id, evidence_id, data=parsed)
    if not request.headers.get("HX-Request") and not errors:
        return hx_redirect(request, f"/assessments/{assessment_id}/review", flash="Rating saved.")
    presented = views.presented_by_competency(session, assessment_id)
    item = next(i for items in presented.values() for i in items if i.evidence_id == evidence_id)
    context = {
        "view": views.assessment_view(session, actor, assessment_id),
        "item": item,
        "errors": errors,
        "saved": not errors,
    }
    return render(
        request, "assessments/_rating_form.html", context, status_code=422 if errors else 200
    )


@router.post("/assessments/{assessment_id}/return")
def return_assessment(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    reason: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    if not reason.strip():
        view = views.assessment_view(session, actor, assessment_id)
        presented = views.presented_by_competency(session, assessment_id)
        context = {
            "view": view,
            "presented": presented,
            "errors": {"reason": "Enter the reason for returning the assessment"},
        }
        return render(request, "assessments/review.html", context, status_code=422)
    service.return_assessment(session, actor, assessment_id, reason=reason)
    return hx_redirect(
        request, f"/assessments/{assessment_id}/review", flash="Returned to the PCT."
    )


@router.post("/assessments/{assessment_id}/finalise")
def finalise(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    try:
        service.finalise(session, actor, assessment_id)
    except WorkflowError as exc:
        view = views.assessment_view(session, actor, assessment_id)
        presented = views.presented_by_competency(session, assessment_id)
        context = {"view": view, "presented": presented, "errors": {"finalise": exc.detail}}
        return render(request, "assessments/review.html", context, status_code=409)
    return hx_redirect(request, f"/assessments/{assessment_id}/review", flash="Review finalised.")
