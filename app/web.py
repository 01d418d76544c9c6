"""Server-rendered pages: the template environment and the render helpers."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
)
from jinja2_fragments.fastapi import Jinja2Blocks

from app.config import BASE_DIR

NHSUK_FRONTEND_VERSION = "10.6.1"
HTMX_VERSION = "2.0.11"


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
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        service_name="WCC Assurance Tracker",
        nhsuk_frontend_path=f"/static/vendor/nhsuk-frontend-{NHSUK_FRONTEND_VERSION}",
        htmx_path=f"/static/vendor/htmx-{HTMX_VERSION}/htmx.min.js",
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


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The whole page, or only ``block`` when htmx asks for a fragment."""
    context = {"request": request, **(context or {})}
    if block is not None and is_fragment_request(request):
        response = templates.TemplateResponse(
            request, template, context, block_name=block, status_code=status_code
        )
    else:
        response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Vary"] = "HX-Request"
    return response


def hx_redirect(request: Request, url: str) -> Response:
    """After an action: HX-Redirect for htmx, 303 See Other otherwise."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
