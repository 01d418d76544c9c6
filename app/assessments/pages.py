"""Assessment pages: the board, the competency page with its scoring form, the review.

Every POST goes through ``forms.submit_form``: parse, one service command, and on a refusal
the same page again with the error summary and what was typed. Routes are plain ``def``
functions, so database work runs in the thread pool and never stalls the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.assessments import criteria, presenters, repository, service
from app.assessments.models import (
    ReturnPoint,
    ReviewScore,
    SelfScore,
)
from app.assessments.schemas import (
    CriterionReviewWrite,
    CriterionScoreWrite,
    EvidenceRatingWrite,
    Level,
    ReturnPointResponse,
    ReviewScoreWrite,
    SelfScoreWrite,
)
from app.deps import SessionDep
from app.forms import (
    FormPost,
    FormProblem,
    blank_to_none,
    posted,
    render_form,
    shown_values,
    submit_form,
)
from app.framework import service as framework_service
from app.home.pages import pct_home_page
from app.params import MAX_ID, PathCriterion, PathId, PathNumber
from app.threads.pages import threads_block
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
RESPONSE_LABELS = {"response": "your response"}


class _CyclePick(BaseModel):
    model_config = ConfigDict(extra="ignore")

    cycle_id: int = Field(ge=1, le=MAX_ID)


class _NoFields(BaseModel):
    """A form that is only its button (and its token)."""

    model_config = ConfigDict(extra="ignore")


@dataclass(frozen=True)
class _EvidencePost:
    """Adding an item to the assessment or taking one out: refused, or what was done."""

    problem: FormProblem | None = None
    said: str = ""


@dataclass(frozen=True)
class _PointPost:
    """A response to one point, as posted: refused (with what was typed) or saved."""

    point_id: int
    typed: dict[str, Any] | None = None
    problem: FormProblem | None = None
    saved: bool = False


@dataclass(frozen=True)
class _CriterionPost:
    """A criterion's form as posted and refused: its number, what was typed, the errors."""

    number: str
    values: dict[str, Any]
    problem: FormProblem

    @property
    def errors(self) -> dict[str, str]:
        return self.problem.errors


CRITERION_LABELS = {"level": "a level", "rationale": "why this level"}
CRITERION_REVIEW_LABELS = {"level": "a level", "comment": "a comment"}


def _criterion_saved(number: int, criterion: str, whole: SelfScore | ReviewScore | None) -> str:
    said = f"Criterion {criterion} saved."
    if whole is not None:
        said += f" Competency {number} is at level {whole.level}, following from its criteria."
    return said


def _criterion_form(
    request: Request,
    session: SessionDep,
    form: FormPost,
    *,
    number: int,
    criterion: str,
    url: str,
    schema: type[CriterionScoreWrite] | type[CriterionReviewWrite],
    labels: dict[str, str],
    command: Callable[[Any], tuple[Any, SelfScore | ReviewScore | None]],
    page: Callable[[_CriterionPost], Response],
) -> Response:
    """One criterion's form, the PCT's or the reviewer's: saved, back to the page at that
    criterion, saying where the competency's level now stands; refused, the page again with
    what was typed. ``labels`` names the level and the text field."""
    text_field = next(name for name in labels if name != "level")
    typed = posted(form, *labels, "version")

    def done(result: tuple[Any, SelfScore | ReviewScore | None]) -> Response:
        score, whole = result
        anchor = "#criterion-" + score.criterion.replace(".", "-")
        return hx_redirect(
            request, url + anchor, flash=_criterion_saved(number, score.criterion, whole)
        )

    def refused(problem: FormProblem) -> Response:
        values = {"level": typed["level"], "text": typed[text_field], "version": typed["version"]}
        if problem.current_version is not None:
            values["version"] = problem.current_version
        return page(_CriterionPost(criterion.strip(), values, problem))

    return submit_form(
        session,
        schema=schema,
        data=blank_to_none(typed, "level", "version"),
        labels=labels,
        command=command,
        done=done,
        page=refused,
    )


def _point_context(view: presenters.AssessmentPage, post: _PointPost | None) -> dict[str, Any]:
    """What the response forms of a page show: each point's response as saved, or, for the
    one just posted and refused, what was typed, with its errors."""
    context: dict[str, Any] = {
        "point_values": {},
        "point_errors": {},
        "point_problems": {},
        "point_saved": None,
    }
    if post is None:
        return context
    if post.saved:
        context["point_saved"] = post.point_id
    if post.problem is not None:
        point = view.point(post.point_id)
        stored = {"response": point.response or "", "version": point.version}
        context["point_values"] = {post.point_id: shown_values(stored, post.typed, post.problem)}
        context["point_errors"] = {post.point_id: post.problem.errors}
        context["point_problems"] = {post.point_id: post.problem}
    return context


class _LevelledSelfScore(SelfScoreWrite):
    """The self-score form of a competency scored as a whole: the level is one of its
    fields, so that a missing level is named with the other faults."""

    level: Level


class _LevelledReviewScore(ReviewScoreWrite):
    level: Level


def _scored_through_criteria(
    session: SessionDep, actor: PageActor, assessment_id: int, number: int
) -> bool:
    assessment = repository.get_assessment(session, actor, assessment_id)
    framework = framework_service.for_cycle(repository.cycle_of(session, assessment))
    competency = framework.competency(number)
    return bool(competency and competency.criteria)


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
    *,
    point: _PointPost | None = None,
) -> Response:
    """The board; ``problem`` is a refusal of one of its workflow buttons, ``point`` what
    happened to the response to one of its general points."""
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    context: dict[str, Any] = {"view": view, **_point_context(view, point)}
    if problem is not None:
        context |= {"problem": next(iter(problem.errors.values())), "missing": problem.missing}
    shown = problem or (point.problem if point else None)
    return render_form(request, "assessments/board.html", context, shown, block="board")


@router.get("/assessments/{assessment_id}", response_class=HTMLResponse)
def board(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _board(request, session, actor, assessment_id)


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
    evidence: _EvidencePost | None = None,
    point: _PointPost | None = None,
    crit: _CriterionPost | None = None,
) -> Response:
    """The competency page; ``typed``, ``problem`` and ``saved`` are about its score form,
    ``evidence`` about adding or taking out an item, ``point`` about answering a point,
    ``crit`` about scoring one of its criteria."""
    page = presenters.competency_page(session, actor, assessment_id, number)
    values = shown_values(page.form_values(), typed, problem)
    whole_page = block is None or not is_fragment_request(request)
    url = f"/assessments/{assessment_id}/competencies/{number}"
    context = {
        "threads": threads_block(session, actor, assessment_id, number, back=url)
        if whole_page
        else None,
        "view": page.view,
        "page": page,
        "row": page.row,
        "values": values,
        "errors": problem.errors if problem else {},
        "problem": problem,
        "saved": saved,
        "evidence_errors": evidence.problem.errors if evidence and evidence.problem else {},
        "evidence_said": evidence.said if evidence else "",
        **_point_context(page.view, point),
        "crit": crit,
        # A fragment after a change carries the readiness line out of band.
        "oob": saved or bool(evidence and evidence.said) or bool(point and point.saved),
    }
    shown = (
        problem
        or (evidence.problem if evidence else None)
        or (point.problem if point else None)
        or (crit.problem if crit else None)
    )
    return render_form(request, "assessments/competency.html", context, shown, block=block)


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

    through_criteria = _scored_through_criteria(session, actor, assessment_id, number)
    return submit_form(
        session,
        schema=SelfScoreWrite if through_criteria else _LevelledSelfScore,
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
    "/assessments/{assessment_id}/competencies/{number}/criteria/{criterion}",
    response_class=HTMLResponse,
)
def save_criterion_score(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    criterion: PathCriterion,
    form: FormPost,
) -> Response:
    return _criterion_form(
        request,
        session,
        form,
        number=number,
        criterion=criterion,
        url=f"/assessments/{assessment_id}/competencies/{number}",
        schema=CriterionScoreWrite,
        labels=CRITERION_LABELS,
        command=lambda data: criteria.put_criterion_score(
            session, actor, assessment_id, number, criterion, data=data
        ),
        page=lambda crit: _competency(request, session, actor, assessment_id, number, crit=crit),
    )


# What the assessment presents ------------------------------------------------------------------


def _change_presented(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    number: int,
    evidence_id: int,
    *,
    adding: bool,
) -> Response:
    presenters.assessment_page(session, actor, assessment_id).row(number)  # 404 first
    url = f"/assessments/{assessment_id}/competencies/{number}"
    command = service.present_evidence if adding else service.withdraw_evidence
    if adding:
        said, flash = "Added to this assessment.", "Evidence added to this assessment."
    else:
        said = "Taken out of this assessment. It is still in your library."
        flash = "Evidence taken out of this assessment. It is still in your library."

    def done(_: object) -> Response:
        if not is_fragment_request(request):
            return hx_redirect(request, f"{url}#competency-evidence", flash=flash)
        return _competency(
            request,
            session,
            actor,
            assessment_id,
            number,
            block="evidence",
            evidence=_EvidencePost(said=said),
        )

    return submit_form(
        session,
        schema=_NoFields,
        data={},
        labels={},
        form_field=f"{'add' if adding else 'take-out'}-{evidence_id}",
        command=lambda _: command(session, actor, assessment_id, evidence_id),
        done=done,
        page=lambda problem: _competency(
            request,
            session,
            actor,
            assessment_id,
            number,
            block="evidence",
            evidence=_EvidencePost(problem=problem),
        ),
    )


@router.post(
    "/assessments/{assessment_id}/competencies/{number}/presented/{evidence_id}",
    response_class=HTMLResponse,
)
def present_evidence(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    evidence_id: PathId,
) -> Response:
    return _change_presented(
        request, session, actor, assessment_id, number, evidence_id, adding=True
    )


@router.post(
    "/assessments/{assessment_id}/competencies/{number}/presented/{evidence_id}/remove",
    response_class=HTMLResponse,
)
def withdraw_evidence(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    evidence_id: PathId,
) -> Response:
    return _change_presented(
        request, session, actor, assessment_id, number, evidence_id, adding=False
    )


# The points of a return ---------------------------------------------------------------------


@router.post("/assessments/{assessment_id}/return-points/{point_id}", response_class=HTMLResponse)
def answer_return_point(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    point_id: PathId,
    form: FormPost,
) -> Response:
    typed = posted(form, *RESPONSE_LABELS, "version")

    def show(post: _PointPost, number: int | None = None) -> Response:
        if number is None and post.problem is not None:
            view = presenters.assessment_page(session, actor, assessment_id)
            number = view.point_home(view.point(point_id))
        if number is None:
            return _board(request, session, actor, assessment_id, point=post)
        return _competency(
            request, session, actor, assessment_id, number, block="return_points", point=post
        )

    def done(point: ReturnPoint) -> Response:
        view = presenters.assessment_page(session, actor, assessment_id)
        number = view.point_home(point)
        if not is_fragment_request(request):
            where = f"/competencies/{number}" if number is not None else ""
            return hx_redirect(
                request,
                f"/assessments/{assessment_id}{where}#point-{point_id}",
                flash="Your response is saved.",
            )
        return show(_PointPost(point_id, saved=True), number)

    return submit_form(
        session,
        schema=ReturnPointResponse,
        data=blank_to_none(typed, "version"),
        labels=RESPONSE_LABELS,
        command=lambda data: service.answer_return_point(
            session, actor, assessment_id, point_id, data=data
        ),
        done=done,
        page=lambda problem: show(_PointPost(point_id, typed=typed, problem=problem)),
    )


# The review -------------------------------------------------------------------------------------


def _review(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: int
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    return render_form(request, "assessments/review.html", {"view": view}, None)


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
    crit: _CriterionPost | None = None,
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
        "crit": crit,
    }
    return render_form(request, template, context, problem or (crit.problem if crit else None))


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

    through_criteria = _scored_through_criteria(session, actor, assessment_id, number)
    return submit_form(
        session,
        schema=ReviewScoreWrite if through_criteria else _LevelledReviewScore,
        data=blank_to_none(typed, "level", "version"),
        labels=REVIEW_LABELS,
        command=lambda data: service.put_review_score(
            session, actor, assessment_id, number, data=data
        ),
        done=done,
        page=page,
    )


@router.post(
    "/assessments/{assessment_id}/review/{number}/criteria/{criterion}",
    response_class=HTMLResponse,
)
def save_criterion_review(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    criterion: PathCriterion,
    form: FormPost,
) -> Response:
    return _criterion_form(
        request,
        session,
        form,
        number=number,
        criterion=criterion,
        url=f"/assessments/{assessment_id}/review/{number}",
        schema=CriterionReviewWrite,
        labels=CRITERION_REVIEW_LABELS,
        command=lambda data: criteria.put_criterion_review(
            session, actor, assessment_id, number, criterion, data=data
        ),
        page=lambda crit: _review_competency(
            request, session, actor, assessment_id, number, crit=crit
        ),
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
