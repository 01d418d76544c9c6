"""Administration pages: organisations, users and cycles."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.cycles import service as cycle_service
from app.cycles.schemas import CycleCreate
from app.deps import SessionDep
from app.forms import FormPost, FormProblem, blank_to_none, posted, submit_form
from app.framework import service as framework_service
from app.home import service as home_service
from app.organisations import service as organisation_service
from app.organisations.models import OrganisationKind
from app.organisations.schemas import OrganisationCreate
from app.params import PathId
from app.permissions import Action, require
from app.users import service as user_service
from app.users.models import Role
from app.users.schemas import UserCreate
from app.web import PageActor, hx_redirect, render

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


def _users_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    context = {
        "rows": user_service.list_users(session, actor),
        "values": values,
        "errors": errors,
        "roles": [r.value for r in Role],
    }
    return render(request, "admin/users.html", context, status_code=status)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, session: SessionDep, actor: PageActor) -> Response:
    _admin(actor)
    return _users_page(request, session, actor, {}, {})


USER_LABELS = {
    "email": "an email address",
    "full_name": "a full name",
    "password": "a password",
    "role": "a role",
    "organisation_code": "an organisation code",
}


@router.post("/users", response_class=HTMLResponse)
def create_user(
    request: Request, session: SessionDep, actor: PageActor, form: FormPost
) -> Response:
    _admin(actor)
    values = posted(form, *USER_LABELS)
    shown = {k: v for k, v in values.items() if k != "password"}
    return submit_form(
        session,
        schema=UserCreate,
        data=blank_to_none(values, "role", "organisation_code"),
        labels=USER_LABELS,
        command=lambda data: user_service.create_user(session, actor, **data.model_dump()),
        done=lambda u: hx_redirect(
            request, "/admin/users", flash=f"{u.full_name} can now sign in."
        ),
        page=lambda problem: _users_page(
            request, session, actor, shown, problem.errors, status=problem.status_code
        ),
    )


class _UserChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    action: Literal["deactivate", "reactivate", "reset_password"]
    password: str = Field(default="", max_length=1_000)


_USER_CHANGE_MESSAGES = {
    "deactivate": "Account deactivated; its sign-ins have ended.",
    "reactivate": "Account reactivated.",
    "reset_password": "Password changed.",
}


def _change_user(session: SessionDep, actor: PageActor, user_id: int, data: _UserChange) -> str:
    if data.action == "reset_password":
        user_service.update_user(session, actor, user_id, password=data.password)
    else:
        user_service.update_user(session, actor, user_id, is_active=data.action == "reactivate")
    return _USER_CHANGE_MESSAGES[data.action]


@router.post("/users/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request, session: SessionDep, actor: PageActor, user_id: PathId, form: FormPost
) -> Response:
    _admin(actor)

    def page(problem: FormProblem) -> Response:
        # The forms of this row: errors link to its password field.
        errors = {f"password-{user_id}": message for message in problem.errors.values()}
        return _users_page(request, session, actor, {}, errors, status=problem.status_code)

    return submit_form(
        session,
        schema=_UserChange,
        data=posted(form, "action", "password"),
        labels={"action": "an action", "password": "a new password"},
        command=lambda data: _change_user(session, actor, user_id, data),
        done=lambda message: hx_redirect(request, "/admin/users", flash=message),
        page=page,
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
