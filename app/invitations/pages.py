"""Invitations and password reset as pages.

    /invitations/new               invite someone: the form, and (posted) check it, then send
    /invitations/sent/{user_id}    the confirmation
    /invitations/{token}           the invited person chooses a password
    /invitations/accepted          the confirmation: they can sign in
    /forgot-password               ask for a link to reset a password
    /forgot-password/sent          the same answer, whether or not the address has an account
    /reset-password/{token}        choose a new password
    /reset-password/done           the confirmation: signed out everywhere else

The invitation form posts to its own address in three steps, named by the button pressed (as
the development plan's forms do): ``check`` (Continue) gives the form again with its error
summary, or the check page, which carries everything typed in hidden fields; ``change`` gives
the form again with everything typed; ``confirm`` runs the command the JSON API calls.

A link that no longer works (used, expired, replaced) gets a page that says so and what to do
instead (410), an unknown one the same with 404; neither page nor its form is ever cached.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from app.deps import SessionDep, client_address
from app.forms import FormPost, FormProblem, blank_to_none, posted, render_form, submit_form
from app.invitations import presenters, service
from app.invitations.models import LinkPurpose
from app.invitations.service import Invitation, LinkCheck
from app.params import PathId
from app.permissions import Action, require
from app.users.models import Role, User
from app.web import PageActor, hx_redirect, render

router = APIRouter(include_in_schema=False)

INVITE_URL = "/invitations/new"
INVITE_LABELS = {
    "full_name": "their full name",
    "email": "their email address",
    "job_title": "their job title",
    "role": "their role",
    "organisation_code": "their organisation",
}
INVITE_FIELDS = tuple(INVITE_LABELS)
PASSWORD_LABELS = {"password": "a password", "password_confirm": "the password again"}
RESET_REQUEST_LABELS = {"email": "your email address"}


def _stripped(most: int, least: int = 1) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=least, max_length=most)


FullName = Annotated[str, _stripped(200)]
EmailText = Annotated[str, _stripped(254)]
JobTitle = Annotated[str, _stripped(100, 0)]
OrganisationCode = Annotated[str, _stripped(12, 0)]
PasswordText = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class InvitationForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    full_name: FullName
    email: EmailText
    job_title: JobTitle | None = None
    role: Role
    organisation_code: OrganisationCode | None = None


class PasswordForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    password: PasswordText
    password_confirm: PasswordText


class ResetRequestForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: EmailText


def _summary(errors: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """The error summary in the order of the fields on the page."""
    return {name: errors[name] for name in labels if name in errors}


def _no_store(response: Response) -> Response:
    """A page reached by a secret link, or holding a form for a password: never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


# Invite someone --------------------------------------------------------------------------------


def _invite_form(
    request: Request,
    form: presenters.InviteForm,
    typed: dict[str, str] | None = None,
    problem: FormProblem | None = None,
) -> Response:
    errors = problem.errors if problem else {}
    context = {
        "form": form,
        "values": dict.fromkeys(INVITE_FIELDS, "") | (typed or {}),
        "errors": errors,
        "summary": _summary(errors, INVITE_LABELS),
    }
    return render_form(request, "auth/invite.html", context, problem)


def _invite_check(request: Request, invitation: Invitation, typed: dict[str, str]) -> Response:
    context = {"page": presenters.InvitationCheck(invitation), "hidden": typed}
    return render(request, "auth/invite_check.html", context)


@router.get(INVITE_URL, response_class=HTMLResponse)
def new_invitation(request: Request, session: SessionDep, actor: PageActor) -> Response:
    require(actor, Action.INVITE_USERS)
    return _invite_form(request, presenters.invite_form(session, actor))


@router.post(INVITE_URL, response_class=HTMLResponse)
def send_invitation(
    request: Request, session: SessionDep, actor: PageActor, form: FormPost
) -> Response:
    require(actor, Action.INVITE_USERS)
    shown = presenters.invite_form(session, actor)
    typed = posted(form, *INVITE_FIELDS)
    step = posted(form, "step")["step"]
    if step == "change":
        return _invite_form(request, shown, typed)
    command = service.invite if step == "confirm" else service.check_invitation

    def done(result: User | Invitation) -> Response:
        if isinstance(result, User):
            return hx_redirect(request, f"/invitations/sent/{result.id}")
        return _invite_check(request, result, typed)

    return submit_form(
        session,
        schema=InvitationForm,
        data=blank_to_none(typed, "job_title", "organisation_code"),
        labels=INVITE_LABELS,
        command=lambda data: command(
            session,
            actor,
            email=data.email,
            full_name=data.full_name,
            role=data.role,
            organisation_code=data.organisation_code,
            job_title=data.job_title,
        ),
        done=done,
        page=lambda problem: _invite_form(request, shown, typed, problem),
    )


@router.get("/invitations/sent/{user_id}", response_class=HTMLResponse)
def invitation_sent(
    request: Request, session: SessionDep, actor: PageActor, user_id: PathId
) -> Response:
    page = presenters.SentPage(service.sent_invitation(session, actor, user_id))
    return render(request, "auth/invite_sent.html", {"page": page})


# Following a link ----------------------------------------------------------------------------

CHOOSE = {
    LinkPurpose.INVITATION: {
        "title": "Choose your password",
        "intro": "Choose a password to open your account. You will sign in with your email "
        "address and this password.",
        "button": "Save password",
        "path": "/invitations/",
        "done": "/invitations/accepted",
    },
    LinkPurpose.RESET: {
        "title": "Choose a new password",
        "intro": "Once you have saved it, you will be signed out of the service everywhere "
        "else, and API tokens issued before now will stop working.",
        "button": "Save new password",
        "path": "/reset-password/",
        "done": "/reset-password/done",
    },
}

CHOSEN = {
    "accepted": {
        "title": "Your account is ready",
        "text": "Your password is saved",
        "paragraphs": ("Sign in with your email address and the password you have chosen.",),
    },
    "reset": {
        "title": "Your password has been changed",
        "text": "Your new password is saved",
        "paragraphs": (
            "For your security, you have been signed out of the service everywhere else, and "
            "API tokens issued before now no longer work.",
            "Sign in with your email address and your new password.",
        ),
    },
}


def _link_problem(request: Request, check: LinkCheck) -> Response:
    problem = presenters.link_problem(check)
    response = render(
        request, "auth/link_problem.html", {"problem": problem}, status_code=check.status_code
    )
    return _no_store(response)


def _choose_page(
    request: Request, token: str, check: LinkCheck, problem: FormProblem | None = None
) -> Response:
    errors = problem.errors if problem else {}
    words = CHOOSE[check.purpose]
    context: dict[str, Any] = {
        "words": words,
        "action": f"{words['path']}{token}",
        "user": check.user,
        "errors": errors,
        "summary": _summary(errors, PASSWORD_LABELS),
    }
    return _no_store(render_form(request, "auth/choose_password.html", context, problem))


def _link_page(request: Request, session: SessionDep, token: str, purpose: LinkPurpose) -> Response:
    check = service.check_link(session, token, purpose)
    if not check.usable:
        return _link_problem(request, check)
    return _choose_page(request, token, check)


def _choose_password(
    request: Request, session: SessionDep, token: str, purpose: LinkPurpose, form: FormPost
) -> Response:
    check = service.check_link(session, token, purpose)
    if not check.usable:
        return _link_problem(request, check)
    command = (
        service.accept_invitation if purpose is LinkPurpose.INVITATION else (service.reset_password)
    )
    return submit_form(
        session,
        schema=PasswordForm,
        data=posted(form, *PASSWORD_LABELS),
        labels=PASSWORD_LABELS,
        command=lambda data: command(
            session, token=token, password=data.password, password_confirm=data.password_confirm
        ),
        done=lambda user: hx_redirect(request, str(CHOOSE[purpose]["done"])),
        page=lambda problem: _choose_page(
            request, token, service.check_link(session, token, purpose), problem
        ),
    )


def _chosen(request: Request, which: str) -> Response:
    return render(request, "auth/password_chosen.html", {"words": CHOSEN[which]})


@router.get("/invitations/accepted", response_class=HTMLResponse)
def invitation_accepted(request: Request) -> Response:
    return _chosen(request, "accepted")


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation(request: Request, session: SessionDep, token: str) -> Response:
    return _link_page(request, session, token, LinkPurpose.INVITATION)


@router.post("/invitations/{token}", response_class=HTMLResponse)
def accept_invitation(
    request: Request, session: SessionDep, token: str, form: FormPost
) -> Response:
    return _choose_password(request, session, token, LinkPurpose.INVITATION, form)


# Forgotten passwords ---------------------------------------------------------------------------


def _forgot_form(request: Request, email: str = "", problem: FormProblem | None = None) -> Response:
    errors = problem.errors if problem else {}
    context = {"email": email, "errors": errors, "summary": _summary(errors, RESET_REQUEST_LABELS)}
    return render_form(request, "auth/forgot_password.html", context, problem)


@router.get("/forgot-password", response_class=HTMLResponse)
def forgot_password(request: Request) -> Response:
    return _forgot_form(request)


@router.post("/forgot-password", response_class=HTMLResponse)
def ask_for_reset(request: Request, session: SessionDep, form: FormPost) -> Response:
    typed = posted(form, "email")
    return submit_form(
        session,
        schema=ResetRequestForm,
        data=typed,
        labels=RESET_REQUEST_LABELS,
        command=lambda data: service.request_password_reset(
            session, email=data.email, address=client_address(request)
        ),
        done=lambda _: hx_redirect(request, "/forgot-password/sent"),
        page=lambda problem: _forgot_form(request, typed["email"], problem),
    )


@router.get("/forgot-password/sent", response_class=HTMLResponse)
def reset_link_sent(request: Request) -> Response:
    return render(request, "auth/forgot_password_sent.html", {"page": presenters.reset_sent()})


@router.get("/reset-password/done", response_class=HTMLResponse)
def password_reset_done(request: Request) -> Response:
    return _chosen(request, "reset")


@router.get("/reset-password/{token}", response_class=HTMLResponse)
def reset_password(request: Request, session: SessionDep, token: str) -> Response:
    return _link_page(request, session, token, LinkPurpose.RESET)


@router.post("/reset-password/{token}", response_class=HTMLResponse)
def choose_new_password(
    request: Request, session: SessionDep, token: str, form: FormPost
) -> Response:
    return _choose_password(request, session, token, LinkPurpose.RESET, form)
