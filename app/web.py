"""Server-rendered pages: the template environment, rendering, redirects and flash messages."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
)
from jinja2_fragments.fastapi import Jinja2Blocks
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.actors import Actor
from app.assessments.models import EvidenceRatingValue
from app.auth import form_keeping
from app.auth import service as auth_service
from app.config import BASE_DIR, get_settings
from app.config import Environment as AppEnvironment
from app.db import get_session
from app.deps import SESSION_COOKIE, OptionalActor, SessionDep
from app.permissions import Action, can
from app.plain_text import neutralise_bidi
from app.users.models import Role
from app.wording import long_date

NHSUK_FRONTEND_VERSION = "10.6.1"
HTMX_VERSION = "2.0.11"
FLASH_COOKIE = "wcc_flash"


class SignInRequired(Exception):
    """A page needs a signed-in user; the handler sends the browser to /login. ``session`` is
    the request's database session, in which the handler keeps what a form posted."""

    def __init__(self, next_url: str, session: Session | None = None) -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.session = session


def _make_templates() -> Jinja2Blocks:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(str(BASE_DIR / "templates")),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
        undefined=ChainableUndefined,
        autoescape=True,
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        # In production the templates do not change under a running server: skip checking
        # each template file (and every one it imports) for changes on every render.
        auto_reload=get_settings().env is not AppEnvironment.PRODUCTION,
        # Every value a page or a PDF prints: without right-to-left overrides and the like.
        finalize=neutralise_bidi,
    )
    env.filters["long_date"] = long_date
    env.globals.update(
        service_name="WCC Assurance Tracker",
        nhsuk_frontend_path=f"/static/vendor/nhsuk-frontend-{NHSUK_FRONTEND_VERSION}",
        htmx_path=f"/static/vendor/htmx-{HTMX_VERSION}/htmx.min.js",
        rating_values=list(EvidenceRatingValue),
        counted_as_at=lambda: get_settings().today,
    )
    return Jinja2Blocks(env=env)


templates = _make_templates()


def is_fragment_request(request: Request) -> bool:
    """An htmx request for part of a page (not a history restore, not a boosted link)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Boosted") != "true"
    )


def _flash_signer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().signing_key(), salt="flash")


ROLE_WORDS: dict[Role, str] = {
    Role.PCT_LEAD: "PCT assurance lead",
    Role.BOARD_MEMBER: "board member",
    Role.CLINICIAN: "clinician",
    Role.SHA_REVIEWER: "SHA reviewer",
    Role.ADMIN: "administrator",
}


@dataclass(frozen=True)
class SignedIn:
    """Who the layout says is signed in: the person's name and job title, role and
    organisation."""

    full_name: str
    role: str
    organisation: str | None
    job_title: str | None = None


def signed_in_as(actor: Actor) -> SignedIn:
    """The layout's "Signed in as" line, from what the sign-in statement read."""
    return SignedIn(
        full_name=actor.full_name or actor.label,
        job_title=actor.job_title,
        role=ROLE_WORDS[actor.role],
        organisation=actor.organisation_name,
    )


def _navigation(actor: Actor | None, path: str = "") -> list[dict[str, Any]]:
    """The header links this role uses: only what the role may do (a board member reads the
    library but does not log evidence; a reviewer has a queue; an administrator set-up)."""
    if actor is None:
        return []
    items = [{"href": "/", "text": "Home"}]
    if actor.role is Role.SHA_REVIEWER:
        items.append({"href": "/reviews", "text": "Review queue"})
    if actor.is_pct_side or actor.role is Role.SHA_REVIEWER:
        items.append({"href": "/evidence", "text": "Evidence"})
    if can(actor, Action.LOG_EVIDENCE):
        items.append({"href": "/evidence/new", "text": "Log evidence"})
    if actor.is_admin:
        items.append({"href": "/admin", "text": "Administration"})
    hrefs = [item["href"] for item in items]
    for item in items:
        href = item["href"]
        if path == href:
            item["current"] = True
        elif (
            href != "/"
            and path.startswith(href + "/")
            and not any(other != href and path.startswith(other) for other in hrefs[1:])
        ):
            item["active"] = True
    return items


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The whole page, or only ``block`` when htmx asks for a fragment."""
    actor: Actor | None = getattr(request.state, "actor", None)
    token_factory = request.scope.get("csrftoken")
    flash_message = None
    if raw := request.cookies.get(FLASH_COOKIE):
        try:
            flash_message = _flash_signer().loads(raw)
        except BadSignature:
            flash_message = None
    # What a form held when its session ended, to put back (app.auth.form_keeping).
    kept_form = getattr(request.state, "kept_form", None)
    signed_in = signed_in_as(actor) if actor is not None else None
    full = {
        "request": request,
        "actor": actor,
        "signed_in": signed_in,
        "navigation": _navigation(actor, request.url.path),
        "csrf_token": token_factory() if token_factory else "",
        "flash": flash_message,
        "kept_form": kept_form,
        **(context or {}),
    }
    if block is not None and is_fragment_request(request):
        response = templates.TemplateResponse(
            request, template, full, block_name=block, status_code=status_code
        )
    else:
        response = templates.TemplateResponse(request, template, full, status_code=status_code)
        if flash_message is not None:
            response.delete_cookie(FLASH_COOKIE, path="/")
        if kept_form is not None:
            form_keeping.forget_kept_form(response)
    response.headers["Vary"] = "HX-Request"
    return response


def set_flash(response: Response, message: str) -> Response:
    """Show ``message`` once, on the next full page this browser loads."""
    response.set_cookie(
        FLASH_COOKIE,
        _flash_signer().dumps(message),
        max_age=120,
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().cookie_secure,
    )
    return response


def hx_redirect(request: Request, url: str, *, flash: str | None = None) -> Response:
    """After an action: HX-Redirect for htmx, 303 See Other otherwise."""
    response: Response
    if request.headers.get("HX-Request") == "true":
        response = Response(status_code=200, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    if flash:
        set_flash(response, flash)
    return response


def login_url(next_url: str) -> str:
    return f"/login?next={quote(next_url, safe='/')}"


async def page_actor(request: Request, actor: OptionalActor, session: SessionDep) -> Actor:
    """The signed-in user of a page; anyone else is sent to sign in and then brought back."""
    if actor is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target, session)
    request.state.actor = actor
    request.state.kept_form = await form_keeping.kept_form_for_page(request, session, actor)
    return actor


@asynccontextmanager
async def _request_session(request: Request) -> AsyncIterator[Session]:
    """A database session made as the routes' ``get_session`` dependency makes it (or as a
    test overrides it), for a page rendered where no route ran."""
    provider = request.app.dependency_overrides.get(get_session, get_session)
    made = provider(request) if inspect.signature(provider).parameters else provider()
    if inspect.isasyncgen(made):
        try:
            yield await anext(made)
        finally:
            await made.aclose()
    else:
        try:
            yield next(made)
        finally:
            made.close()


def _remember_cookie_actor(request: Request, session: Session, cookie: str) -> None:
    request.state.actor = auth_service.actor_for_session_token(session, cookie)


async def remember_actor_for_error_page(request: Request) -> None:
    """Before an error page at an address no route answers (such as "Page not found"):
    find who is signed in from the session cookie, so that the page keeps their navigation
    and name. Does nothing when a route already did, or when nobody is signed in."""
    if hasattr(request.state, "actor"):
        return
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return
    try:
        async with _request_session(request) as session:
            await anyio.to_thread.run_sync(
                partial(_remember_cookie_actor, request, session, cookie)
            )
    except SQLAlchemyError:
        # The page says "Page not found" whatever the database's state: without the
        # navigation, rather than failing.
        request.state.actor = None


PageActor = Annotated[Actor, Depends(page_actor)]
