"""Signing in and out in the browser, and staying signed in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlmodel import Session

from app import csrf
from app.auth import kept_forms, service
from app.auth.form_keeping import KEPT_FORM_COOKIE, forget_kept_form
from app.config import get_settings
from app.deps import SESSION_COOKIE, OptionalActor, SessionDep, client_address
from app.forms import FormPost, FormProblem, posted, submit_form
from app.users.models import User
from app.web import render, set_flash

router = APIRouter(include_in_schema=False)

# When the browser's session ends, as seconds since 1970 (not secret, so not HttpOnly): the
# page script warns before then (static/js/app-forms.js). "0" after signing out.
SESSION_EXPIRES_COOKIE = "wcc_session_expires"
SIGNED_OUT = "0"


def _safe_next(next_url: str | None) -> str:
    """Only a path on this site: never another host, never a scheme."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//"):
        return "/"
    if "\\" in next_url or "\n" in next_url or "\r" in next_url:
        return "/"
    return next_url


def _set_session_cookies(response: Response, started: service.StartedSession) -> None:
    """The session cookie outlives the session by the time a kept form is kept, so that a form
    posted after the session ended can still be told apart as its user's; the server refuses
    the token itself once the session has ended."""
    settings = get_settings()
    session_seconds = settings.session_hours * 3600
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=session_seconds + int(kept_forms.lifetime().total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    response.set_cookie(
        SESSION_EXPIRES_COOKIE,
        str(int(started.expires_at.timestamp())),
        max_age=session_seconds,
        path="/",
        samesite="lax",
        secure=settings.cookie_secure,
    )


def _signed_out_context(request: Request, session: Session) -> dict[str, Any]:
    """Why a visitor is asked to sign in: their session ended (the browser still holds its
    cookie), and whether a form they sent is kept for them."""
    token = request.cookies.get(KEPT_FORM_COOKIE)
    kept = kept_forms.waiting(session, token) if token else None
    return {
        "session_ended": SESSION_COOKIE in request.cookies,
        "waiting_form": kept,
    }


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, session: SessionDep, actor: OptionalActor, next: str | None = None
) -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    context = {"next": _safe_next(next), "errors": {}, **_signed_out_context(request, session)}
    return render(request, "auth/login.html", context)


class _SignInForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


SIGN_IN_LABELS = {"email": "your email address", "password": "your password"}


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: SessionDep, form: FormPost) -> Response:
    typed = posted(form, "email", "password", "next")

    def done(user: User) -> Response:
        assert user.id is not None
        started = service.start_browser_session(session, user, address=client_address(request))
        target = _safe_next(typed["next"])
        kept_token = request.cookies.get(KEPT_FORM_COOKIE)
        kept = kept_forms.claim(session, kept_token, user_id=user.id) if kept_token else None
        if kept is not None:
            target = _safe_next(kept.page_url)
        response = RedirectResponse(target, status_code=303)
        _set_session_cookies(response, started)
        csrf.issue_for_session(response, started.token)
        if kept_token and kept is None:
            forget_kept_form(response)
        return response

    throttled: list[service.SignInThrottled] = []

    def command(data: _SignInForm) -> User:
        try:
            return service.sign_in(
                session, email=data.email, password=data.password, address=client_address(request)
            )
        except service.SignInThrottled as refusal:
            throttled.append(refusal)
            raise

    def page(problem: FormProblem) -> Response:
        context = {
            "next": _safe_next(typed["next"]),
            "errors": problem.errors,
            "email": typed["email"],
            **_signed_out_context(request, session),
        }
        response = render(request, "auth/login.html", context, status_code=problem.status_code)
        if throttled:
            response.headers["Retry-After"] = str(throttled[0].retry_after)
        return response

    return submit_form(
        session,
        schema=_SignInForm,
        data=typed,
        labels=SIGN_IN_LABELS,
        command=command,
        done=done,
        page=page,
        shown_refusals=frozenset({401, 429}),
    )


@router.post("/stay-signed-in")
def stay_signed_in(request: Request, session: SessionDep, actor: OptionalActor) -> Response:
    """Give this browser's session its full length again (the "Stay signed in" button of the
    warning before it ends): 204 with the cookies renewed, or 401 when it has already ended."""
    token = request.cookies.get(SESSION_COOKIE)
    expires_at = service.extend_browser_session(session, actor, token) if actor and token else None
    if token is None or expires_at is None:
        return Response(status_code=401)
    response = Response(status_code=204)
    _set_session_cookies(response, service.StartedSession(token, expires_at))
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    if token := request.cookies.get(SESSION_COOKIE):
        service.end_browser_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    csrf.forget(response)
    # Other pages still open in this browser learn that their user signed out on purpose.
    response.set_cookie(
        SESSION_EXPIRES_COOKIE,
        SIGNED_OUT,
        max_age=get_settings().session_hours * 3600,
        path="/",
        samesite="lax",
        secure=get_settings().cookie_secure,
    )
    if kept_token := request.cookies.get(KEPT_FORM_COOKIE):
        kept_forms.discard(session, kept_token)
        forget_kept_form(response)
    return set_flash(response, "You have signed out.")
