"""Administration pages: organisations, users and cycles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.cycles import service as cycle_service
from app.cycles.schemas import CycleCreate
from app.deps import SessionDep
from app.errors import DomainError
from app.forms import parse_form
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


@router.post("/organisations", response_class=HTMLResponse)
def create_organisation(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    parent_code: Annotated[str, Form()] = "",
    population: Annotated[str, Form()] = "",
) -> Response:
    _admin(actor)
    values = {
        "code": code,
        "name": name,
        "kind": kind,
        "parent_code": parent_code,
        "population": population,
    }
    data = {
        **values,
        "parent_code": parent_code or None,
        "population": population or None,
        "kind": kind or None,
    }
    parsed, errors = parse_form(
        OrganisationCreate,
        data,
        {"code": "a code", "name": "a name", "kind": "a kind", "population": "a population"},
    )
    if parsed is not None:
        try:
            organisation_service.create_organisation(session, actor, **parsed.model_dump())
        except DomainError as exc:
            errors = {"code": exc.detail}
        else:
            return hx_redirect(request, "/admin/organisations", flash=f"{parsed.name} added.")
    return _organisations_page(request, session, actor, values, errors, status=422)


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


@router.post("/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    email: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation_code: Annotated[str, Form()] = "",
) -> Response:
    _admin(actor)
    values = {
        "email": email,
        "full_name": full_name,
        "role": role,
        "organisation_code": organisation_code,
    }
    data = {
        **values,
        "password": password,
        "role": role or None,
        "organisation_code": organisation_code or None,
    }
    parsed, errors = parse_form(
        UserCreate,
        data,
        {
            "email": "an email address",
            "full_name": "a full name",
            "password": "a password",
            "role": "a role",
        },
    )
    if parsed is not None:
        try:
            user_service.create_user(session, actor, **parsed.model_dump())
        except DomainError as exc:
            field = (
                "password"
                if "assword" in exc.detail
                else ("organisation_code" if "rganisation" in exc.detail else "email")
            )
            errors = {field: exc.detail}
        else:
            return hx_redirect(
                request, "/admin/users", flash=f"{parsed.full_name} can now sign in."
            )
    return _users_page(request, session, actor, values, errors, status=422)


@router.post("/users/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    user_id: PathId,
    action: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    _admin(actor)
    try:
        if action == "deactivate":
            user_service.update_user(session, actor, user_id, is_active=False)
            message = "Account deactivated; its sign-ins have ended."
        elif action == "reactivate":
            user_service.update_user(session, actor, user_id, is_active=True)
            message = "Account reactivated."
        elif action == "reset_password":
            user_service.update_user(session, actor, user_id, password=password)
            message = "Password changed."
        else:
            return _users_page(
                request, session, actor, {}, {"form": "Choose an action"}, status=422
            )
    except DomainError as exc:
        return _users_page(
            request, session, actor, {}, {f"password-{user_id}": exc.detail}, status=exc.status_code
        )
    return hx_redirect(request, "/admin/users", flash=message)


def _cycles_page(
    request: Request,
    session: SessionDep,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    context = {"rows": cycle_service.list_cycles(session), "values": values, "errors": errors}
    return render(request, "admin/cycles.html", context, status_code=status)


@router.get("/cycles", response_class=HTMLResponse)
def cycles(request: Request, session: SessionDep, actor: PageActor) -> Response:
    _admin(actor)
    return _cycles_page(request, session, {}, {})


@router.post("/cycles", response_class=HTMLResponse)
def create_cycle(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    name: Annotated[str, Form()] = "",
    opens_on: Annotated[str, Form()] = "",
    submission_due: Annotated[str, Form()] = "",
    review_due: Annotated[str, Form()] = "",
) -> Response:
    _admin(actor)
    values = {
        "name": name,
        "opens_on": opens_on,
        "submission_due": submission_due,
        "review_due": review_due,
    }
    data = {k: (v or None) for k, v in values.items()}
    labels = {
        "name": "a name, such as 2010/11",
        "opens_on": "the opening date",
        "submission_due": "the submission deadline",
        "review_due": "the review deadline",
    }
    parsed, errors = parse_form(CycleCreate, data, labels)
    if parsed is not None:
        try:
            cycle_service.create_cycle(session, actor, **parsed.model_dump())
        except DomainError as exc:
            errors = {"name": exc.detail}
        else:
            return hx_redirect(request, "/admin/cycles", flash=f"Cycle {parsed.name} created.")
    return _cycles_page(request, session, values, errors, status=422)
