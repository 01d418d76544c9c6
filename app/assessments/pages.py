"""Assessment pages: the board, the competency page with its scoring form, the review.

Every POST goes through ``forms.submit_form``: parse, one service command, and on a refusal
the same page again with the error summary and what was typed. The reviewer's one form on a
competency is the exception: its post makes several saves (each criterion, the level and
comment, each item's rating), all parsed before any is made, each through its own service
command, stopping at the first refused and saying what was saved. Routes are plain ``def``
functions, so database work runs in the thread pool and never stalls the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import FormData

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
from app.errors import DomainError
from app.forms import (
    OUT_OF_DATE,
    FormPost,
    FormProblem,
    blank_to_none,
    parse_form,
    posted,
    render_form,
    shown_values,
    submit_form,
)
from app.framework import service as framework_service
from app.home.pages import pct_home_page
from app.params import MAX_ID, PathCriterion, PathId, PathNumber
from app.permissions import Action
from app.threads.pages import threads_block
from app.web import PageActor, hx_redirect, is_fragment_request

router = APIRouter(include_in_schema=False)

SELF_LABELS = {
    "level": "a level",
    "rationale": "why this level is right",
    "improvement_action": "the improvement action",
    "target_level": "a target level",
}
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
    view = presenters.assessment_page(session, actor, assessment_id, full=True, carry=True)
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
    review = presenters.review_page(session, actor, assessment_id)
    context = {"view": review.view, "review": review, "decides": review.decides}
    return render_form(request, "assessments/review.html", context, None)


@router.get("/assessments/{assessment_id}/review", response_class=HTMLResponse)
def review(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _review(request, session, actor, assessment_id)


@dataclass(frozen=True)
class _Save:
    """One save the reviewer's form makes, through one service command: the level of a
    criterion, the competency's level and comment, or the rating of one evidence item."""

    said: str
    """What it saves, for a sentence ("criterion 1.2")."""
    schema: type[BaseModel]
    data: dict[str, Any]
    fields: dict[str, str]
    """The schema's fields, each with the form field (and element id) it comes from."""
    labels: dict[str, str]
    command: Callable[[Any], object]

    def field(self, name: str | None) -> str:
        """The form field an error about ``name`` concerns (the save's first, for a fault
        in a field the page fills in itself, or one that names none)."""
        if name in self.labels:
            return self.fields[name]
        return next(iter(self.fields.values()))

    def parse(self) -> tuple[BaseModel | None, dict[str, str]]:
        parsed, errors = parse_form(self.schema, self.data, self.labels)
        found: dict[str, str] = {}
        for name, message in errors.items():
            found.setdefault(self.field(name), message if name in self.labels else OUT_OF_DATE)
        return parsed, found


@dataclass
class _Outcome:
    """What a post of the reviewer's form did: the saves made, and the one refused (with
    why) and those not tried after it."""

    saved: list[_Save] = field(default_factory=list)
    refused: _Save | None = None
    problem: FormProblem | None = None
    left: list[_Save] = field(default_factory=list)


@dataclass(frozen=True)
class _ReviewPost:
    """The reviewer's form as posted and refused, with what became of each save."""

    typed: dict[str, str]
    outcome: _Outcome

    def values(self, saved_now: dict[str, Any]) -> dict[str, Any]:
        """What the form shows again: everything as typed, with the versions of the rows
        saved by this post (and of a row changed meanwhile by someone else) as they are
        now, so that saving again changes only what is still to save."""
        values = {**saved_now, **self.typed}
        outcome = self.outcome
        fresh = {save.fields["version"] for save in outcome.saved}
        if any(save.fields["version"] != "version" for save in outcome.saved):
            fresh.add("version")  # a criterion's level may have moved the competency's
        for name in fresh:
            values[name] = saved_now.get(name)
        refused, problem = outcome.refused, outcome.problem
        if refused is not None and problem is not None and problem.current_version is not None:
            values[refused.fields["version"]] = problem.current_version
        return values


REVIEW_FORM = presenters.REVIEW_FORM_ID
# Refusals a form cannot help with: the error page (or sign-in) says what happened, as in
# ``forms.submit_form``.
NOT_FORM_ERRORS = frozenset({401, 404, 429, 503})
REASON_LABEL = "the reason for the change"


def _level(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 3 else None


def _review_saves(
    session: SessionDep,
    actor: PageActor,
    page: presenters.ReviewCompetencyPage,
    typed: dict[str, str],
) -> list[_Save]:
    """The saves a post of the reviewer's form makes, in order: each criterion whose level
    or comment changed (the competency's level follows from them), then the competency's
    level and comment, then each item whose rating changed. What is unchanged is not sent,
    so that nothing is written, audited or moderated for it."""
    aid, n = page.review.record.id, page.number
    moderating = page.review.form is presenters.ReviewForm.MODERATION
    reason = {"reason": typed["reason"].strip() or None} if moderating else {}
    reason_field = {"reason": "reason"} if moderating else {}
    reason_label = {"reason": REASON_LABEL} if moderating else {}
    stored = page.form_values()
    saves: list[_Save] = []

    def unchanged(level: str, comment: str, level_name: str, comment_name: str) -> bool:
        before = stored[level_name]
        same = level == ("" if before is None else str(before))
        return (same and comment == stored[comment_name]) or (
            not level and not comment and not before
        )

    levels: list[int | None] = []
    for line in page.row.criteria:
        k = line.number
        f = {name: presenters.criterion_field(k, name) for name in ("level", "comment", "version")}
        level, comment = typed[f["level"]].strip(), typed[f["comment"]].strip()
        levels.append(_level(level))
        if unchanged(level, comment, f["level"], f["comment"]):
            continue
        saves.append(
            _Save(
                f"criterion {k}",
                CriterionReviewWrite,
                {
                    "level": level or None,
                    "comment": comment,
                    "version": typed[f["version"]] or None,
                    **reason,
                },
                {**f, **reason_field},
                {
                    "level": f"a review level for criterion {k}",
                    "comment": f"the comment on criterion {k}",
                    **reason_label,
                },
                lambda data, k=k: criteria.put_criterion_review(
                    session, actor, aid, n, k, data=data
                ),
            )
        )

    score = page.row.review_score
    comment = typed["comment"].strip()
    version = typed["version"] or None
    score_fields = {"level": "level", "comment": "comment", "version": "version"}
    if page.row.criteria:
        # The level follows from the criteria; a refusal about it leads to the first
        # criterion still without one.
        blank = [
            line.number
            for line, given in zip(page.row.criteria, levels, strict=True)
            if given is None
        ]
        score_fields["level"] = presenters.criterion_field(
            (blank or [page.row.criteria[0].number])[0], "level"
        )
        whole = (
            page.view.framework.rolled_up([g for g in levels if g is not None])
            if not blank
            else None
        )
        moved = whole is not None and (score is None or whole != score.level) and not moderating
        changed = comment != (score.comment if score else "") or moved
        if saves and (score is None or version == str(score.version)):
            # The criteria saved first move the competency's version; the form's was current
            # when the page was read. A stale one is still sent, and refused as stale.
            version = None
        schema: type[ReviewScoreWrite] = ReviewScoreWrite
        data = {"level": None, "comment": comment}
    else:
        level = typed["level"].strip()
        changed = not unchanged(level, comment, "level", "comment")
        schema = _LevelledReviewScore
        data = {"level": level or None, "comment": comment}
    if changed:
        saves.append(
            _Save(
                f"your level and comment on competency {n}",
                schema,
                {**data, "version": version, **reason},
                {**score_fields, **reason_field},
                {
                    "level": f"a review level for competency {n}",
                    "comment": "your comment",
                    **reason_label,
                },
                lambda body: service.put_review_score(session, actor, aid, n, data=body),
            )
        )

    for item in page.items:
        f = {
            name: presenters.item_field(item.id, name) for name in ("rating", "comment", "version")
        }
        rating, note = typed[f["rating"]].strip(), typed[f["comment"]].strip()
        if unchanged(rating, note, f["rating"], f["comment"]):
            continue
        saves.append(
            _Save(
                f"your rating of “{item.title}”",
                EvidenceRatingWrite,
                {
                    "rating": rating or None,
                    "comment": note,
                    "version": typed[f["version"]] or None,
                    **reason,
                },
                {**f, **reason_field},
                {
                    "rating": f"your rating of “{item.title}”",
                    "comment": f"your comment on “{item.title}”",
                    **reason_label,
                },
                lambda body, eid=item.id: service.put_evidence_rating(
                    session, actor, aid, eid, data=body
                ),
            )
        )
    return saves


def _review_typed(form: FormData, page: presenters.ReviewCompetencyPage) -> dict[str, str]:
    """The reviewer's form as posted, as text; a field the post leaves out (an unchosen
    radio, or a page older than the form) stands as saved, so that it changes nothing."""
    saved = page.form_values()
    typed = {
        name: "" if saved[name] is None else str(saved[name])
        for name in page.field_names
        if name not in form
    }
    return posted(form, *page.field_names, "then") | typed


def _save_all(session: SessionDep, saves: list[_Save]) -> _Outcome:
    """Every save parsed first (a mistake anywhere saves nothing), then each made in turn,
    stopping at the first the service refuses."""
    parsed: list[BaseModel] = []
    errors: dict[str, str] = {}
    for save in saves:
        body, found = save.parse()
        for name, message in found.items():
            errors.setdefault(name, message)
        if body is not None:
            parsed.append(body)
    if errors:
        return _Outcome(problem=FormProblem(errors=errors))
    outcome = _Outcome()
    for index, (save, body) in enumerate(zip(saves, parsed, strict=True)):
        try:
            save.command(body)
        except DomainError as error:
            session.rollback()
            if error.status_code in NOT_FORM_ERRORS:
                raise
            problem = FormProblem.from_error(error, form_field=save.field(None))
            problem.errors = {save.field(error.field): error.detail}
            outcome.refused, outcome.problem, outcome.left = save, problem, saves[index + 1 :]
            return outcome
        outcome.saved.append(save)
    return outcome


def _review_competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    number: int,
    *,
    post: _ReviewPost | None = None,
) -> Response:
    page = presenters.review_competency_page(session, actor, assessment_id, number)
    values = post.values(page.form_values()) if post else page.form_values()
    problem = post.outcome.problem if post else None
    errors = problem.errors if problem else {}
    if errors and not page.shows_form:
        # No form to correct: the summary leads to the notice that says why.
        errors = {REVIEW_FORM: next(iter(errors.values()))}
    context = {
        "view": page.view,
        "review": page.review,
        "page": page,
        "row": page.row,
        "values": values,
        "errors": errors,
        "problem": problem,
        "outcome": post.outcome if post else None,
        "threads": threads_block(session, actor, assessment_id, number, back=page.url),
    }
    return render_form(request, "assessments/review_competency.html", context, problem)


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
def save_review(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    number: PathNumber,
    form: FormPost,
) -> Response:
    """The reviewer's one form on a competency: its level (or its criteria's), the comment,
    and the rating of each item, saved together; then this page again, or the next."""
    page = presenters.review_competency_page(
        session, actor, assessment_id, number, action=Action.SCORE_REVIEW, carry=False
    )
    typed = _review_typed(form, page)
    saves = _review_saves(session, actor, page, typed)
    if saves and not page.shows_form:
        refusal = FormProblem(errors={REVIEW_FORM: page.closed_reason}, status_code=409)
        outcome = _Outcome(problem=refusal)
    else:
        outcome = _save_all(session, saves)
    if outcome.problem is not None:
        post = _ReviewPost(typed, outcome)
        return _review_competency(request, session, actor, assessment_id, number, post=post)
    url, flash = page.after_save(saved=bool(outcome.saved), onward=typed["then"] != "stay")
    return hx_redirect(request, url, flash=flash)
