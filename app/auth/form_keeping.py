"""Forms never lose typed work: the request side of keeping what a form held when it reached a
page after its sender's session had ended (the table is app.auth.kept_forms).

1. The page's sign-in check fails on a POST: what the form sent is kept for the person whose
   session it was, the browser gets a cookie naming it, and is sent to sign in, then back to
   the page the form was on.
2. Signing in as someone else throws it away; signing in as that person leaves it waiting.
3. The form's page, rendered for that person, embeds it as JSON (``templates/base.html``), and
   ``static/js/app-forms.js`` puts it back into the form, saying it is not saved yet.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import anyio
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from app.actors import Actor
from app.auth import kept_forms
from app.auth import service as auth_service
from app.config import get_settings
from app.deps import SESSION_COOKIE
from app.errors import DomainError
from app.forms import read_form

logger = logging.getLogger(__name__)

KEPT_FORM_COOKIE = "wcc_kept_form"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# Never kept: the form's security token, and anything that looks like a password.
CSRF_FIELD = "csrftoken"


def _path_and_query(path: str, query: str) -> str:
    return path + (f"?{query}" if query else "")


def form_page_url(request: Request) -> str:
    """The page a form was on: the page htmx names, or the Referer, when it is on this site;
    otherwise the address the form posted to."""
    for candidate in (request.headers.get("HX-Current-URL"), request.headers.get("Referer")):
        if not candidate:
            continue
        parts = urlsplit(candidate)
        if (
            parts.scheme in {"http", "https"}
            and parts.netloc == request.url.netloc
            and parts.path.startswith("/")
            and not parts.path.startswith("//")
        ):
            return _path_and_query(parts.path, parts.query)
    return _path_and_query(request.url.path, request.url.query)


def _is_kept(name: str) -> bool:
    return name != CSRF_FIELD and "password" not in name.casefold()


async def _typed(request: Request) -> tuple[list[list[str]], bool] | None:
    """The text fields a form sent, in order, and whether it also sent files (never kept);
    None when the body is not a form or holds nothing typed."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in FORM_TYPES:
        return None
    try:
        form = await read_form(request, files=1)
    except (DomainError, HTTPException, ClientDisconnect, ValueError):
        return None
    field_values: list[list[str]] = []
    files_left_out = False
    for name, value in form.multi_items():
        if not isinstance(value, str):
            files_left_out = files_left_out or bool(getattr(value, "filename", ""))
        elif _is_kept(name):
            field_values.append([name, value])
    if not files_left_out and not any(value.strip() for _, value in field_values):
        return None
    return field_values, files_left_out


async def keep_typed_work(request: Request, session: Session) -> str | None:
    """Keep what a form posted without a live session, for the person whose session it was;
    the token for the browser's cookie, or None when nothing was kept (no form, nothing
    typed, or no way to tell whose it is)."""
    session_token = request.cookies.get(SESSION_COOKIE)
    if not session_token:
        return None
    typed = await _typed(request)
    if typed is None:
        return None
    field_values, files_left_out = typed

    def write() -> str | None:
        user_id = auth_service.user_of_session_token(session, session_token)
        if user_id is None:
            return None
        return kept_forms.keep(
            session,
            user_id=user_id,
            page_url=form_page_url(request),
            action=request.url.path,
            field_values=field_values,
            files_left_out=files_left_out,
            replaces=request.cookies.get(KEPT_FORM_COOKIE),
        )

    try:
        return await anyio.to_thread.run_sync(write)
    except SQLAlchemyError:
        # Keeping is a courtesy: failing to keep must not stop anyone signing in again.
        logger.exception("could not keep a form posted after its session ended")
        await anyio.to_thread.run_sync(session.rollback)
        return None


async def kept_form_for_page(
    request: Request, session: Session, actor: Actor
) -> dict[str, Any] | None:
    """What to put back into this page's form, if a kept form of this user waits for it: a
    JSON-ready dict, handed over once; None otherwise."""
    token = request.cookies.get(KEPT_FORM_COOKIE)
    if (
        not token
        or actor.user_id is None
        or request.method != "GET"
        or request.headers.get("HX-Request") == "true"
    ):
        return None
    kept = await anyio.to_thread.run_sync(
        partial(kept_forms.take, session, token, user_id=actor.user_id, page_path=request.url.path)
    )
    if kept is None:
        return None
    return {
        "action": kept.action,
        "fields": kept.field_values,
        "files_left_out": kept.files_left_out,
    }


def remember_kept_form(response: Response, token: str) -> Response:
    response.set_cookie(
        KEPT_FORM_COOKIE,
        token,
        max_age=int(kept_forms.lifetime().total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().cookie_secure,
    )
    return response


def forget_kept_form(response: Response) -> Response:
    response.delete_cookie(KEPT_FORM_COOKIE, path="/")
    return response
