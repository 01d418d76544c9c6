"""Outcome measure pages: the measures an assessment's PCT keeps, which of them the assessment
presents, their actual values by year, and adding a measure.

    GET  /assessments/{id}/outcomes                          everyone who may see the
                                                             assessment; the lead also presents,
                                                             takes out and records actuals
    GET  /assessments/{id}/outcomes/new                      lead: add a measure
    POST /assessments/{id}/outcomes/new                      … presented in the assessment too
                                                             while it may change
    POST /assessments/{id}/outcomes/{oid}/presented          lead: present it
    POST /assessments/{id}/outcomes/{oid}/presented/remove   lead: take it out
    POST /assessments/{id}/outcomes/{oid}/actuals            lead: the value reached in a year

Every POST goes through ``forms.submit_form`` and calls the service command the API calls.
A plain post is answered with a 303 to the outcomes page (with a confirmation); an htmx post
with the measure it changed (and the presented count, out of band), or with ``HX-Redirect``
after adding a measure. A refusal comes back as the same page, the error summary beside the
measure concerned (or above the form), with what was typed still in place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from app.actors import Actor
from app.assessments import presenters
from app.assessments.presenters import AssessmentPage
from app.deps import SessionDep
from app.errors import DomainError, NotFound
from app.forms import FormPost, FormProblem, parse_form, posted, render_form, submit_form
from app.outcomes import repository, service, standing
from app.outcomes.models import (
    LOCAL_SOURCES,
    MAX_LOCAL_OUTCOMES,
    Better,
    Outcome,
    OutcomeSource,
)
from app.outcomes.schemas import OutcomeWrite, Value, Year
from app.params import PathId
from app.permissions import Action, acts_for_pct, can, require
from app.web import PageActor, hx_redirect, is_fragment_request

router = APIRouter(include_in_schema=False)

TRAJECTORY_ROWS = 5
FIRST_YEAR, LAST_YEAR = 2000, 2030
LARGEST = 1e12
LABELS = {
    "title": "a title",
    "indicator": "what is measured and how",
    "source": "where the measure comes from",
    "unit": "the unit",
    "better": "whether higher or lower is better",
    "baseline_year": "the baseline year",
    "baseline_value": "the baseline value",
}
TRAJECTORY_FIELDS = tuple(
    f"trajectory-{row}-{part}" for row in range(TRAJECTORY_ROWS) for part in ("year", "value")
)
ACTUAL_LABELS = {"year": "the year", "value": "the value"}
# A refusal of "Present" or "Take out" is linked to this field of the measure.
PRESENCE = "presence"


# What the pages show --------------------------------------------------------------------------


def figure(value: float | None) -> str:
    """A value as people write it: 24, 21.5, 1,250."""
    if value is None:
        return ""
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class YearLine:
    """One year of a measure: the value aimed for, the value reached, and whether that is on
    the trajectory (as good as the aim, or better, in the measure's better direction)."""

    year: int
    aim: float | None
    actual: float | None
    better: Better
    places: int
    """The decimals the measure's values are shown to (``standing.decimals``)."""

    @property
    def aim_text(self) -> str:
        return figure(self.aim) if self.aim is not None else "No aim for this year"

    @property
    def actual_text(self) -> str:
        return figure(self.actual) if self.actual is not None else "Not recorded yet"

    @property
    def on_trajectory(self) -> bool | None:
        """None when there is no aim or no actual to compare."""
        if self.aim is None or self.actual is None:
            return None
        return standing.meets(self.better, self.aim, self.actual, self.places)


@dataclass(frozen=True)
class Measure:
    """One of the PCT's outcome measures as the outcomes page lists it."""

    outcome: Outcome
    presented: bool
    actuals: Mapping[int, float]

    @property
    def id(self) -> int:
        return self.outcome.id or 0

    @property
    def baseline_text(self) -> str:
        o = self.outcome
        return f"{figure(o.baseline_value)} {o.unit} in {o.baseline_year}"

    @property
    def lines(self) -> list[YearLine]:
        """Each year of the trajectory, and each other year with an actual, in order; a year
        between two points of the trajectory is aimed at the line between them."""
        o = self.outcome
        years = sorted({int(p["year"]) for p in o.trajectory} | set(self.actuals))
        places = standing.decimals(standing.measure_values(o, self.actuals))
        return [
            YearLine(year, standing.aimed_for(o, year), self.actuals.get(year), o.better, places)
            for year in years
        ]


@dataclass(frozen=True)
class MeasurePost:
    """What happened to one measure's form just now: refused (with what was typed and the
    messages) or done (with what to say)."""

    outcome_id: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    said: str = ""


@dataclass(frozen=True)
class OutcomesPage:
    view: AssessmentPage
    measures: list[Measure]
    may_manage: bool
    """The actor keeps this PCT's measures: adds them and records their actuals."""

    @property
    def can_present(self) -> bool:
        """The actor may present measures in the assessment, or take them out, now."""
        return self.view.can_edit

    @property
    def presented_count(self) -> int:
        return sum(1 for m in self.measures if m.presented)

    @property
    def local_count(self) -> int:
        return sum(1 for m in self.measures if m.outcome.source in LOCAL_SOURCES)

    @property
    def max_local(self) -> int:
        return MAX_LOCAL_OUTCOMES

    @property
    def base_url(self) -> str:
        return f"/assessments/{self.view.record.id}/outcomes"

    def measure(self, outcome_id: int) -> Measure:
        found = next((m for m in self.measures if m.id == outcome_id), None)
        if found is None:
            raise NotFound(
                f"Outcome {outcome_id} is not one of {self.view.organisation.code}'s measures"
            )
        return found


def outcomes_page(session: Session, actor: Actor, assessment_id: int) -> OutcomesPage:
    """The assessment (404 when not the actor's to see) and its PCT's measures, those it
    presents first, each with its actuals."""
    view = presenters.assessment_page(session, actor, assessment_id)
    pct_id = view.organisation.id or 0
    outcomes = repository.outcomes_of(session, pct_id)
    actuals = repository.actuals_of(session, [o.id for o in outcomes if o.id is not None])
    shown = {o.id for o in view.record.outcomes}
    measures = [Measure(o, o.id in shown, actuals.get(o.id or 0, {})) for o in outcomes]
    measures.sort(key=lambda m: not m.presented)
    may_manage = can(actor, Action.MANAGE_OUTCOMES) and acts_for_pct(actor, pct_id)
    return OutcomesPage(view, measures, may_manage)


# Reading what was typed -----------------------------------------------------------------------


def _year(text: str, what: str) -> tuple[int | None, str | None]:
    """A year typed as four digits from 2000 to 2030, or the message saying what is wrong
    (``what`` names the field in the message: "the baseline year")."""
    text = text.strip()
    if not text:
        return None, f"Enter {what}"
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None, f"Enter {what} as 4 digits, like 2010"
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None, f"Enter {what} from {FIRST_YEAR} to {LAST_YEAR}"
    return year, None


def _number(text: str, what: str) -> tuple[float | None, str | None]:
    """A number typed in plain digits (commas and a decimal point allowed), or the message
    saying what is wrong."""
    text = text.strip()
    if not text:
        return None, f"Enter {what}"
    cleaned = text.replace(",", "")
    try:
        number = float(cleaned) if cleaned.isascii() and "_" not in cleaned else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        return None, f"Enter {what} as a number, like 24.5"
    if abs(number) > LARGEST:
        return None, f"Enter {what} as a number between -1 trillion and 1 trillion"
    return number, None


def _trajectory(
    typed: Mapping[str, str], baseline_year: int | None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The rows of the trajectory that hold something, as points, and a message for each
    field at fault (keyed by the field's id). Blank rows are left out."""
    points: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    seen: set[int] = set()
    filled = 0
    for row in range(TRAJECTORY_ROWS):
        year_id, value_id = f"trajectory-{row}-year", f"trajectory-{row}-value"
        year_text, value_text = typed[year_id].strip(), typed[value_id].strip()
        if not year_text and not value_text:
            continue
        filled += 1
        year, problem = _year(year_text, f"the year in row {row + 1} of the trajectory")
        if not year_text:
            problem = f"Enter the year for the value in row {row + 1} of the trajectory"
        if year is not None and year in seen:
            problem = "Each year can appear only once in the trajectory"
        elif year is not None and baseline_year is not None and year <= baseline_year:
            problem = f"Enter a year after the baseline year {baseline_year}"
        if problem:
            errors[year_id] = problem
        if year is not None:
            seen.add(year)
        what = f"the value for {year}" if year else f"the value in row {row + 1}"
        value, value_problem = _number(value_text, what)
        if value_problem:
            errors[value_id] = value_problem
        if not problem and value is not None and year is not None:
            points.append({"year": year, "value": value})
    if not filled:
        errors["trajectory-0-year"] = (
            "Enter at least one year of the trajectory, with the value you aim for"
        )
    return points, errors


def read_outcome(typed: Mapping[str, str]) -> tuple[OutcomeWrite | None, dict[str, str]]:
    """The new measure's form as a schema, or a plain-English message for each field at
    fault, in the order of the fields on the page."""
    errors: dict[str, str] = {}
    baseline_year, problem = _year(typed["baseline_year"], "the baseline year")
    if problem:
        errors["baseline_year"] = problem
    baseline_value, problem = _number(typed["baseline_value"], "the baseline value")
    if problem:
        errors["baseline_value"] = problem
    points, trajectory_errors = _trajectory(typed, baseline_year)
    data = {
        **{name: typed[name] for name in ("title", "indicator", "unit")},
        "source": typed["source"] or None,
        "better": typed["better"] or None,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "trajectory": points,
    }
    parsed, schema_errors = parse_form(OutcomeWrite, data, LABELS)
    for name, message in schema_errors.items():
        # The numbers and the trajectory are read above, in words of our own.
        if name in LABELS and name not in ("baseline_year", "baseline_value"):
            errors.setdefault(name, message)
    errors |= trajectory_errors
    if parsed is None and not errors:
        errors["trajectory-0-year"] = next(iter(schema_errors.values()), "Check the trajectory")
    if errors:
        order = (*LABELS, *TRAJECTORY_FIELDS)
        return None, {name: errors[name] for name in order if name in errors}
    return parsed, {}


class ActualForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: Year
    value: Value


def read_actual(typed: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The actual's year and value, or a plain-English message for each field at fault."""
    errors: dict[str, str] = {}
    year, problem = _year(typed["year"], "the year")
    if problem:
        errors["year"] = problem
    what = f"the value for {year}" if year else "the value"
    value, problem = _number(typed["value"], what)
    if problem:
        errors["value"] = problem
    return {"year": year, "value": value}, errors


class _NoFields(BaseModel):
    """A form that is only its button (and its token)."""

    model_config = ConfigDict(extra="ignore")


# The outcomes page ----------------------------------------------------------------------------


def _outcomes(
    request: Request,
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    post: MeasurePost | None = None,
    problem: FormProblem | None = None,
    changed_presence: bool = False,
) -> Response:
    """The outcomes page; ``post`` is what just happened to one measure's form. To htmx,
    after a post, only that measure (and the presented count when it changed)."""
    page = outcomes_page(session, actor, assessment_id)
    context = {"page": page, "view": page.view, "post": post, "oob": changed_presence}
    if post is not None and is_fragment_request(request):
        context["measure"] = page.measure(post.outcome_id)
        return render_form(request, "outcomes/_measure.html", context, problem)
    return render_form(request, "outcomes/index.html", context, problem)


@router.get("/assessments/{assessment_id}/outcomes", response_class=HTMLResponse)
def outcomes(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _outcomes(request, session, actor, assessment_id)


def _change_presented(
    request: Request,
    session: Session,
    actor: Actor,
    assessment_id: int,
    outcome_id: int,
    *,
    adding: bool,
) -> Response:
    page = outcomes_page(session, actor, assessment_id)
    title = page.measure(outcome_id).outcome.title  # 404 first
    command = service.present_outcome if adding else service.withdraw_outcome
    if adding:
        said = "Presented in this assessment."
        flash = f"“{title}” is presented in this assessment."
    else:
        said = "Taken out of this assessment. It is still one of the PCT's measures."
        flash = f"“{title}” taken out of this assessment. It is still one of the PCT's measures."

    def done(_: object) -> Response:
        if not is_fragment_request(request):
            return hx_redirect(request, f"{page.base_url}#outcome-{outcome_id}", flash=flash)
        post = MeasurePost(outcome_id, said=said)
        return _outcomes(request, session, actor, assessment_id, post=post, changed_presence=True)

    def refused(problem: FormProblem) -> Response:
        post = MeasurePost(outcome_id, errors=problem.errors)
        return _outcomes(request, session, actor, assessment_id, post=post, problem=problem)

    return submit_form(
        session,
        schema=_NoFields,
        data={},
        labels={},
        form_field=PRESENCE,
        command=lambda _: command(session, actor, assessment_id, outcome_id),
        done=done,
        page=refused,
    )


@router.post(
    "/assessments/{assessment_id}/outcomes/{outcome_id}/presented", response_class=HTMLResponse
)
def present_outcome(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    outcome_id: PathId,
) -> Response:
    return _change_presented(request, session, actor, assessment_id, outcome_id, adding=True)


@router.post(
    "/assessments/{assessment_id}/outcomes/{outcome_id}/presented/remove",
    response_class=HTMLResponse,
)
def withdraw_outcome(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    outcome_id: PathId,
) -> Response:
    return _change_presented(request, session, actor, assessment_id, outcome_id, adding=False)


@router.post(
    "/assessments/{assessment_id}/outcomes/{outcome_id}/actuals", response_class=HTMLResponse
)
def record_actual(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    outcome_id: PathId,
    form: FormPost,
) -> Response:
    page = outcomes_page(session, actor, assessment_id)
    measure = page.measure(outcome_id)  # 404 first
    typed = posted(form, *ACTUAL_LABELS)
    data, errors = read_actual(typed)

    def refused(problem: FormProblem) -> Response:
        post = MeasurePost(outcome_id, values=typed, errors=problem.errors)
        return _outcomes(request, session, actor, assessment_id, post=post, problem=problem)

    if errors:
        return refused(FormProblem(errors=errors, status_code=422))
    said = f"Actual for {data['year']} recorded: {figure(data['value'])} {measure.outcome.unit}."

    def done(_: object) -> Response:
        if not is_fragment_request(request):
            return hx_redirect(request, f"{page.base_url}#outcome-{outcome_id}", flash=said)
        post = MeasurePost(outcome_id, said=said)
        return _outcomes(request, session, actor, assessment_id, post=post)

    return submit_form(
        session,
        schema=ActualForm,
        data=data,
        labels=ACTUAL_LABELS,
        command=lambda actual: service.put_actual(
            session,
            actor,
            page.view.organisation.code,
            outcome_id,
            actual.year,
            value=actual.value,
        ),
        done=done,
        page=refused,
    )


# Adding a measure -----------------------------------------------------------------------------


def _new(
    request: Request,
    page: OutcomesPage,
    values: Mapping[str, Any],
    problem: FormProblem | None = None,
) -> Response:
    context = {
        "page": page,
        "view": page.view,
        "values": values,
        "errors": problem.errors if problem else {},
        "rows": range(TRAJECTORY_ROWS),
        "sources": list(OutcomeSource),
        "local_sources": LOCAL_SOURCES,
        "betters": list(Better),
    }
    return render_form(request, "outcomes/new.html", context, problem, block="form")


def _managed_page(session: Session, actor: Actor, assessment_id: int) -> OutcomesPage:
    """The outcomes page, for the lead who keeps the PCT's measures: 404 when the assessment
    is not the actor's to see, 403 for a role that never adds measures."""
    page = outcomes_page(session, actor, assessment_id)
    require(actor, Action.MANAGE_OUTCOMES)
    return page


@router.get("/assessments/{assessment_id}/outcomes/new", response_class=HTMLResponse)
def new_outcome(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    page = _managed_page(session, actor, assessment_id)
    return _new(request, page, {})


def _add(session: Session, actor: Actor, page: OutcomesPage, data: OutcomeWrite) -> tuple[int, str]:
    """Add the measure to the PCT's, then present it in the assessment; says how it went."""
    outcome = service.create_outcome(session, actor, page.view.organisation.code, data=data)
    outcome_id, title = outcome.id or 0, outcome.title
    try:
        service.present_outcome(session, actor, page.view.record.id, outcome_id)
    except DomainError as exc:
        session.rollback()
        return outcome_id, (
            f"Outcome measure “{title}” added to the PCT's measures, but not presented in "
            f"this assessment. {exc.detail}."
        )
    return outcome_id, f"Outcome measure “{title}” added and presented in this assessment."


@router.post("/assessments/{assessment_id}/outcomes/new", response_class=HTMLResponse)
def create_outcome(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    form: FormPost,
) -> Response:
    page = _managed_page(session, actor, assessment_id)
    typed = posted(form, *LABELS, *TRAJECTORY_FIELDS)
    parsed, errors = read_outcome(typed)
    if parsed is None:
        return _new(request, page, typed, FormProblem(errors=errors, status_code=422))
    return submit_form(
        session,
        schema=OutcomeWrite,
        data=parsed.model_dump(),
        labels=LABELS,
        command=lambda data: _add(session, actor, page, data),
        done=lambda added: hx_redirect(
            request, f"{page.base_url}#outcome-{added[0]}", flash=added[1]
        ),
        page=lambda problem: _new(request, page, typed, problem),
    )
