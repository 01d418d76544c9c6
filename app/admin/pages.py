"""Administration pages: organisations and cycles, each listed, added and changed (users are
in ``user_pages``).

    /admin/organisations/{code}          change an organisation; then .../saved
    /admin/cycles/{id}                   change a cycle; then .../saved
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.admin import presenters
from app.audit import service as audit_service
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.cycles.schemas import CycleCreate, CycleUpdate
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
from app.home import service as home_service
from app.organisations import service as organisation_service
from app.organisations.models import ALLOWED_PARENT_KINDS, MAX_PRACTICES, OrganisationKind
from app.organisations.schemas import OrganisationCreate, OrganisationUpdate
from app.params import MAX_ID, PathId
from app.permissions import Action, require
from app.web import PageActor, hx_redirect, render

PathCode = Annotated[str, Path(min_length=1, max_length=12)]

router = APIRouter(prefix="/admin", include_in_schema=False)


def _admin(actor: PageActor) -> None:
    require(actor, Action.MANAGE_USERS)


@router.get("", response_class=HTMLResponse)
def admin_home(request: Request, session: SessionDep, actor: PageActor) -> Response:
    _admin(actor)
    return render(request, "home/admin.html", {"home": home_service.admin_home(session)})


def _organisations_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    rows = organisation_service.list_organisations(session, actor)
    context = {
        "rows": rows,
        "values": values,
        "errors": errors,
        "kinds": [k.value for k in OrganisationKind],
    }
    return render(request, "admin/organisations.html", context, status_code=status)


@router.get("/organisations", response_class=HTMLResponse)
def organisations(request: Request, session: SessionDep, actor: PageActor) -> Response:
    _admin(actor)
    return _organisations_page(request, session, actor, {}, {})


ORGANISATION_LABELS = {
    "code": "a code",
    "name": "a name",
    "kind": "a kind",
    "parent_code": "the parent's code",
    "population": "a population",
    "practice_count": "a number of GP practices",
}


@router.post("/organisations", response_class=HTMLResponse)
def create_organisation(
    request: Request, session: SessionDep, actor: PageActor, form: FormPost
) -> Response:
    _admin(actor)
    values = posted(form, *ORGANISATION_LABELS)
    return submit_form(
        session,
        schema=OrganisationCreate,
        data=blank_to_none(values, "parent_code", "population", "practice_count", "kind"),
        labels=ORGANISATION_LABELS,
        command=lambda data: organisation_service.create_organisation(
            session, actor, **data.model_dump()
        ),
        done=lambda o: hx_redirect(request, "/admin/organisations", flash=f"{o.name} added."),
        page=lambda problem: _organisations_page(
            request, session, actor, values, problem.errors, status=problem.status_code
        ),
    )


def _cycles_page(
    request: Request,
    session: SessionDep,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    frameworks = framework_service.loaded_frameworks()
    context = {
        "rows": cycle_service.list_cycles(session),
        "values": values,
        "errors": errors,
        "frameworks": [frameworks[v].framework for v in sorted(frameworks)],
        "default_framework": framework_service.current_framework().framework.version,
    }
    return render(request, "admin/cycles.html", context, status_code=status)


@router.get("/cycles", response_class=HTMLResponse)
def cycles(request: Request, session: SessionDep, actor: PageActor) -> Response:
    _admin(actor)
    return _cycles_page(request, session, {}, {})


CYCLE_LABELS = {
    "name": "a name, such as 2010/11",
    "opens_on": "the opening date",
    "submission_due": "the submission deadline",
    "review_due": "the review deadline",
    "framework_version": "a framework",
    "assessed_competencies": "the competencies this cycle assesses",
    "provisional_step": "whether the SHA shares provisional ratings first",
}


@router.post("/cycles", response_class=HTMLResponse)
def create_cycle(
    request: Request, session: SessionDep, actor: PageActor, form: FormPost
) -> Response:
    _admin(actor)
    values = posted(
        form,
        *CYCLE_LABELS,
        "framework_version",
        "provisional_step",
        lists=("assessed_competencies",),
    )
    data = blank_to_none(values, *CYCLE_LABELS, "framework_version")
    data["assessed_competencies"] = values["assessed_competencies"] or None
    data["provisional_step"] = values["provisional_step"] != "no"
    return submit_form(
        session,
        schema=CycleCreate,
        data=data,
        labels=CYCLE_LABELS,
        command=lambda data: cycle_service.create_cycle(session, actor, **data.model_dump()),
        done=lambda c: hx_redirect(request, "/admin/cycles", flash=f"Cycle {c.name} created."),
        shown_refusals=frozenset({404}),
        page=lambda problem: _cycles_page(
            request, session, values, problem.errors, status=problem.status_code
        ),
    )


# One organisation -------------------------------------------------------------------------------


class _OrganisationForm(BaseModel):
    """The edit page's fields: those its kind shows (no parent for an SHA, a number of GP
    practices only for a PCT)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    parent_code: str | None = Field(default=None, max_length=12)
    population: int | None = Field(default=None, ge=0, le=100_000_000)
    practice_count: int | None = Field(default=None, ge=0, le=MAX_PRACTICES)
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


def _organisation_fields(kind: OrganisationKind) -> list[str]:
    fields = ["name"]
    if ALLOWED_PARENT_KINDS[kind]:
        fields.append("parent_code")
    fields.append("population")
    if kind is OrganisationKind.PCT:
        fields.append("practice_count")
    return fields


def _organisation_edit_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    code: str,
    values: dict[str, Any] | None,
    problem: FormProblem | None,
) -> Response:
    organisation, parent_code = organisation_service.get_visible(session, actor, code)
    saved = {
        "name": organisation.name,
        "parent_code": parent_code or "",
        "population": "" if organisation.population is None else str(organisation.population),
        "practice_count": (
            "" if organisation.practice_count is None else str(organisation.practice_count)
        ),
        "version": organisation.version,
    }
    context = {
        "organisation": organisation,
        "fields": _organisation_fields(organisation.kind),
        "kind": presenters.KIND_WORDS[organisation.kind],
        "parent_hint": presenters.parent_hint(organisation.kind),
        "values": shown_values(saved, values, problem),
        "errors": problem.errors if problem else {},
        "problem": problem,
    }
    return render_form(request, "admin/organisations_edit.html", context, problem)


@router.get("/organisations/{code}", response_class=HTMLResponse)
def edit_organisation(
    request: Request, session: SessionDep, actor: PageActor, code: PathCode
) -> Response:
    require(actor, Action.MANAGE_ORGANISATIONS)
    return _organisation_edit_page(request, session, actor, code, None, None)


@router.post("/organisations/{code}", response_class=HTMLResponse)
def update_organisation(
    request: Request, session: SessionDep, actor: PageActor, code: PathCode, form: FormPost
) -> Response:
    require(actor, Action.MANAGE_ORGANISATIONS)
    organisation, _parent = organisation_service.get_visible(session, actor, code)
    fields = _organisation_fields(organisation.kind)
    values = posted(form, *fields, "version")
    labels = {name: ORGANISATION_LABELS[name] for name in fields}
    return submit_form(
        session,
        schema=_OrganisationForm,
        data=blank_to_none(values, "parent_code", "population", "practice_count", "version"),
        labels=labels,
        command=lambda data: organisation_service.update_organisation(
            session,
            actor,
            code,
            data=OrganisationUpdate.model_validate(data.model_dump(include={*fields, "version"})),
        ),
        done=lambda o: hx_redirect(request, f"/admin/organisations/{o.code}/saved"),
        page=lambda problem: _organisation_edit_page(
            request, session, actor, code, values, problem
        ),
    )


@router.get("/organisations/{code}/saved", response_class=HTMLResponse)
def organisation_saved(
    request: Request, session: SessionDep, actor: PageActor, code: PathCode
) -> Response:
    require(actor, Action.MANAGE_ORGANISATIONS)
    organisation, parent_code = organisation_service.get_visible(session, actor, code)
    assert organisation.id is not None
    event = audit_service.latest_change_by(session, actor, "organisation", organisation.id)
    names = organisation_service.names_of(session, presenters.ids_in(event, "parent_id"))
    context = {
        "organisation": organisation,
        "parent_code": parent_code,
        "saved": presenters.saved(event, names),
    }
    return render(request, "admin/organisations_saved.html", context)


# One cycle --------------------------------------------------------------------------------------


class _CycleForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=20)
    opens_on: date
    submission_due: date
    review_due: date
    provisional_step: Literal["yes", "no"] | None = None
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


CYCLE_EDIT_LABELS = {
    "name": "a name, such as 2010/11",
    "opens_on": "the opening date",
    "submission_due": "the submission deadline",
    "review_due": "the review deadline",
    "provisional_step": "whether the SHA shares provisional ratings first",
}


def _cycle_changes(cycle: Cycle, data: _CycleForm) -> CycleUpdate:
    """What the form changes: only the fields that differ from the cycle as saved, so that a
    refusal names the date the user moved."""
    typed: dict[str, Any] = data.model_dump(exclude={"provisional_step", "version"})
    if data.provisional_step is not None:
        typed["provisional_step"] = data.provisional_step == "yes"
    changed = {name: value for name, value in typed.items() if getattr(cycle, name) != value}
    return CycleUpdate(**changed, version=data.version)


def _cycle_edit_page(
    request: Request,
    session: SessionDep,
    cycle_id: int,
    values: dict[str, Any] | None,
    problem: FormProblem | None,
) -> Response:
    cycle = cycle_service.get_cycle(session, cycle_id)
    saved = {
        "name": cycle.name,
        "opens_on": cycle.opens_on.isoformat(),
        "submission_due": cycle.submission_due.isoformat(),
        "review_due": cycle.review_due.isoformat(),
        "provisional_step": "yes" if cycle.provisional_step else "no",
        "version": cycle.version,
    }
    context = {
        "cycle": cycle,
        "framework": framework_service.get_loaded_framework(cycle.framework_version).framework,
        "submitted": cycle_service.submitted_count(session, cycle_id),
        "values": shown_values(saved, values, problem),
        "errors": problem.errors if problem else {},
        "problem": problem,
    }
    return render_form(request, "admin/cycles_edit.html", context, problem)


@router.get("/cycles/{cycle_id}", response_class=HTMLResponse)
def edit_cycle(
    request: Request, session: SessionDep, actor: PageActor, cycle_id: PathId
) -> Response:
    require(actor, Action.MANAGE_CYCLES)
    return _cycle_edit_page(request, session, cycle_id, None, None)


@router.post("/cycles/{cycle_id}", response_class=HTMLResponse)
def update_cycle(
    request: Request, session: SessionDep, actor: PageActor, cycle_id: PathId, form: FormPost
) -> Response:
    require(actor, Action.MANAGE_CYCLES)
    cycle = cycle_service.get_cycle(session, cycle_id)
    values = posted(form, *CYCLE_EDIT_LABELS, "version")
    return submit_form(
        session,
        schema=_CycleForm,
        data=blank_to_none(values, *CYCLE_EDIT_LABELS, "version"),
        labels=CYCLE_EDIT_LABELS,
        command=lambda data: cycle_service.update_cycle(
            session, actor, cycle_id, data=_cycle_changes(cycle, data)
        ),
        done=lambda c: hx_redirect(request, f"/admin/cycles/{c.id}/saved"),
        page=lambda problem: _cycle_edit_page(request, session, cycle_id, values, problem),
    )


@router.get("/cycles/{cycle_id}/saved", response_class=HTMLResponse)
def cycle_saved(
    request: Request, session: SessionDep, actor: PageActor, cycle_id: PathId
) -> Response:
    require(actor, Action.MANAGE_CYCLES)
    cycle = cycle_service.get_cycle(session, cycle_id)
    event = audit_service.latest_change_by(session, actor, "cycle", cycle_id)
    context = {"cycle": cycle, "saved": presenters.saved(event)}
    return render(request, "admin/cycles_saved.html", context)
