"""Administration of users: find them, change them, deactivate them after a confirmation.

/admin/users                      search and filters (a GET form: the address can be
                                  shared), 50 a page; add a user
/admin/users/{id}                 change name, job title, role, organisation; the
                                  account's state and password
/admin/users/{id}/saved           the confirmation, with what changed
/admin/users/{id}/deactivate      "Are you sure?", then the confirmation panel at
/admin/users/{id}/deactivated
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.admin import presenters
from app.audit import service as audit_service
from app.deps import SessionDep
from app.forms import FormPost, FormProblem, blank_to_none, posted, shown_values, submit_form
from app.invitations import repository as invitations
from app.organisations import service as organisation_service
from app.params import MAX_ID, PathId
from app.permissions import Action, require
from app.users import service as user_service
from app.users.models import Role, User
from app.users.schemas import UserCreate
from app.web import PageActor, hx_redirect, render

router = APIRouter(prefix="/admin/users", include_in_schema=False)


def _admin(actor: PageActor) -> None:
    require(actor, Action.MANAGE_USERS)


# The list ---------------------------------------------------------------------------------------


def _users_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    filters: presenters.UserFilters,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    *,
    block: str | None = None,
) -> Response:
    """The list, whole; or (``block``) only the results, for the search as you type."""
    rows, total = user_service.search_users(
        session,
        actor,
        text=filters.q or None,
        organisation_code=filters.organisation or None,
        role=filters.role_value,
        is_active=filters.is_active,
        limit=presenters.USERS_PAGE_SIZE,
        offset=filters.offset,
    )
    waiting = invitations.waiting_invitees(session, [r.user.id for r in rows if r.user.id])
    context = {
        "results": presenters.user_results(filters, rows, total),
        "invited": waiting,
        "values": values,
        "errors": errors,
        "roles": presenters.role_choices("Choose a role"),
        "role_filters": presenters.role_choices("Any role"),
    }
    return render(request, "admin/users.html", context, block=block, status_code=status)


@router.get("", response_class=HTMLResponse)
def users(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    q: str = "",
    organisation: str = "",
    role: str = "",
    status: str = "",
    page: str = "",
) -> Response:
    _admin(actor)
    filters = presenters.UserFilters.from_query(
        q=q, organisation=organisation, role=role, status=status, page=page
    )
    return _users_page(request, session, actor, filters, {}, {}, block="results")


USER_LABELS = {
    "email": "an email address",
    "full_name": "a full name",
    "password": "a password",
    "role": "a role",
    "organisation_code": "an organisation code",
}


@router.post("", response_class=HTMLResponse)
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
            request,
            session,
            actor,
            presenters.UserFilters(),
            shown,
            problem.errors,
            status=problem.status_code,
        ),
    )


# One user ---------------------------------------------------------------------------------------


def _user(session: SessionDep, actor: PageActor, user_id: int) -> User:
    return user_service.get_user(session, actor, user_id)


def _edit_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    user: User,
    values: dict[str, Any] | None,
    problem: FormProblem | None,
) -> Response:
    saved = {
        "full_name": user.full_name,
        "job_title": user.job_title or "",
        "role": user.role.value,
        "organisation_code": user_service.organisation_code(session, user) or "",
        "version": user.version,
    }
    context = {
        "user": user,
        "values": shown_values(saved, values, problem),
        "errors": problem.errors if problem else {},
        "roles": presenters.role_choices("Choose a role"),
        "is_self": user.id == actor.user_id,
    }
    status = problem.status_code if problem else 200
    return render(request, "admin/users_edit.html", context, status_code=status)


@router.get("/{user_id}", response_class=HTMLResponse)
def edit_user(request: Request, session: SessionDep, actor: PageActor, user_id: PathId) -> Response:
    _admin(actor)
    return _edit_page(request, session, actor, _user(session, actor, user_id), None, None)


class _UserEdit(BaseModel):
    model_config = ConfigDict(extra="ignore")

    full_name: str = Field(min_length=1, max_length=200)
    job_title: str = Field(default="", max_length=100)
    role: Role
    organisation_code: str = Field(default="", max_length=12)
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


EDIT_LABELS = {
    "full_name": "a full name",
    "job_title": "a job title",
    "role": "a role",
    "organisation_code": "an organisation code",
}


def _save_user(
    request: Request, session: SessionDep, actor: PageActor, user_id: int, form: FormPost
) -> Response:
    values = posted(form, *EDIT_LABELS, "version")
    return submit_form(
        session,
        schema=_UserEdit,
        data=blank_to_none(values, "role", "version"),
        labels=EDIT_LABELS,
        command=lambda data: user_service.update_user(
            session,
            actor,
            user_id,
            full_name=data.full_name,
            job_title=data.job_title,
            role=data.role,
            organisation_code=data.organisation_code,
            expected_version=data.version,
        ),
        done=lambda user: hx_redirect(request, f"/admin/users/{user.id}/saved"),
        page=lambda problem: _edit_page(
            request, session, actor, _user(session, actor, user_id), values, problem
        ),
    )


class _UserChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    action: Literal["deactivate", "reactivate", "reset_password"]
    password: str = Field(default="", max_length=1_000)


_USER_CHANGE_MESSAGES = {
    "reactivate": "Account reactivated: they can sign in again.",
    "reset_password": "Password changed.",
}


def _change_user(session: SessionDep, actor: PageActor, user_id: int, data: _UserChange) -> str:
    if data.action == "reset_password":
        user_service.update_user(session, actor, user_id, password=data.password)
    else:
        user_service.update_user(session, actor, user_id, is_active=data.action == "reactivate")
    return data.action


def _changed(request: Request, user_id: int, action: str, *, from_edit: bool) -> Response:
    if action == "deactivate":
        return hx_redirect(request, f"/admin/users/{user_id}/deactivated")
    target = f"/admin/users/{user_id}" if from_edit else "/admin/users"
    return hx_redirect(request, target, flash=_USER_CHANGE_MESSAGES[action])


def _change_refused(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    user_id: int,
    action: str,
    problem: FormProblem,
    *,
    from_edit: bool,
) -> Response:
    """The page the change came from, again, with the refusal linked to its field."""
    messages = list(problem.errors.values())
    if action == "deactivate":
        return _deactivate_page(
            request, _user(session, actor, user_id), messages, problem.status_code
        )
    if from_edit:
        problem.errors = {"password" if action == "reset_password" else "account": messages[0]}
        return _edit_page(request, session, actor, _user(session, actor, user_id), None, problem)
    # The row of the list whose form it was: found by its email, so that it is on the page.
    errors = {f"password-{user_id}": message for message in messages}
    filters = presenters.UserFilters(q=_user(session, actor, user_id).email)
    return _users_page(request, session, actor, filters, {}, errors, status=problem.status_code)


@router.post("/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request, session: SessionDep, actor: PageActor, user_id: PathId, form: FormPost
) -> Response:
    """The edit form (name, job title, role, organisation), or one of the account's own
    actions (``action``: deactivate, reactivate, reset_password) from the list or the edit
    page (``from=edit``)."""
    _admin(actor)
    if "action" not in form:
        return _save_user(request, session, actor, user_id, form)
    data = posted(form, "action", "password", "from")
    from_edit = data.pop("from") == "edit"
    return submit_form(
        session,
        schema=_UserChange,
        data=data,
        labels={"action": "an action", "password": "a new password"},
        command=lambda change: _change_user(session, actor, user_id, change),
        done=lambda action: _changed(request, user_id, action, from_edit=from_edit),
        page=lambda problem: _change_refused(
            request, session, actor, user_id, data["action"], problem, from_edit=from_edit
        ),
    )


@router.get("/{user_id}/saved", response_class=HTMLResponse)
def user_saved(
    request: Request, session: SessionDep, actor: PageActor, user_id: PathId
) -> Response:
    _admin(actor)
    user = _user(session, actor, user_id)
    event = audit_service.latest_change_by(session, actor, "user", user_id)
    organisations = organisation_service.names_of(
        session, presenters.ids_in(event, "organisation_id")
    )
    context = {
        "user": user,
        "organisation_code": user_service.organisation_code(session, user),
        "saved": presenters.saved(event, organisations),
    }
    return render(request, "admin/users_saved.html", context)


# Deactivation -----------------------------------------------------------------------------------


def _deactivate_page(
    request: Request, user: User, refusals: list[str], status: int = 200
) -> Response:
    context = {"user": user, "errors": {"deactivate": refusals[0]} if refusals else {}}
    return render(request, "admin/users_deactivate.html", context, status_code=status)


@router.get("/{user_id}/deactivate", response_class=HTMLResponse)
def confirm_deactivation(
    request: Request, session: SessionDep, actor: PageActor, user_id: PathId
) -> Response:
    """Are you sure? Nothing changes until the button is pressed."""
    _admin(actor)
    user = _user(session, actor, user_id)
    if not user.is_active:
        return RedirectResponse(f"/admin/users/{user_id}", status_code=303)
    return _deactivate_page(request, user, [])


@router.get("/{user_id}/deactivated", response_class=HTMLResponse)
def deactivated(
    request: Request, session: SessionDep, actor: PageActor, user_id: PathId
) -> Response:
    _admin(actor)
    user = _user(session, actor, user_id)
    if user.is_active:
        return RedirectResponse(f"/admin/users/{user_id}", status_code=303)
    return render(request, "admin/users_deactivated.html", {"user": user})
