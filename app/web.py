"""Server-rendered pages: the template environment, rendering, redirects and flash messages."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

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
from sqlmodel import Session

from app.actors import Actor
from app.assessments.models import EvidenceRatingValue
from app.auth import form_keeping
from app.config import BASE_DIR, get_settings
from app.config import Environment as AppEnvironment
from app.deps import OptionalActor, SessionDep
from app.users.models import Role

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
    )
    env.globals.update(
        service_name="WCC Assurance Tracker",
        nhsuk_frontend_path=f"/static/vendor/nhsuk-frontend-{NHSUK_FRONTEND_VERSION}",
        htmx_path=f"/static/vendor/htmx-{HTMX_VERSION}/htmx.min.js",
        rating_values=list(EvidenceRatingValue),
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


def _navigation(actor: Actor | None) -> list[dict[str, str]]:
    if actor is None:
        return []
    items = [{"href": "/", "text": "Home"}]
    if actor.is_pct_side:
        items.append({"href": "/evidence", "text": "Evidence"})
        items.append({"href": "/evidence/new", "text": "Log evidence"})
    if actor.role is Role.SHA_REVIEWER:
        items.append({"href": "/reviews", "text": "Review queue"})
        items.append({"href": "/evidence", "text": "Evidence"})
    if actor.is_admin:
        items.append({"href": "/admin", "text": "Administration"})
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
    full = {
        "request": request,
        "actor": actor,
        "navigation": _navigation(actor),
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


PageActor = Annotated[Actor, Depends(page_actor)]
