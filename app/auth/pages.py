"""Signing in and out in the browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth import service
from app.config import get_settings
from app.deps import SESSION_COOKIE, OptionalActor, SessionDep, client_address
from app.errors import NotSignedIn, TooManyRequests
from app.web import render, set_flash

router = APIRouter(include_in_schema=False)


def _safe_next(next_url: str | None) -> str:
    """Only a path on this site: never another host, never a scheme."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//"):
        return "/"
    if "\\" in next_url or "\n" in next_url or "\r" in next_url:
        return "/"
    return next_url


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: OptionalActor, next: str | None = None) -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": _safe_next(next), "errors": {}})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    status = 422
    if not errors:
        try:
            user = service.sign_in(
                session, email=email, password=password, address=client_address(request)
            )
        except NotSignedIn as exc:
            errors["email"] = exc.detail
            status = 401
        except TooManyRequests as exc:
            errors["email"] = exc.detail
            status = 429
        else:
            token = service.start_browser_session(session, user, address=client_address(request))
            response = RedirectResponse(_safe_next(next), status_code=303)
            settings = get_settings()
            response.set_cookie(
                SESSION_COOKIE,
                token,
                max_age=settings.session_hours * 3600,
                path="/",
                httponly=True,
                samesite="lax",
                secure=settings.cookie_secure,
            )
            return response
    context = {"next": _safe_next(next), "errors": errors, "email": email}
    return render(request, "auth/login.html", context, status_code=status)


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    if token := request.cookies.get(SESSION_COOKIE):
        service.end_browser_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return set_flash(response, "You have signed out.")
