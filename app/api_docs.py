"""The API's documentation page (Swagger UI), served from this service at a pinned version
with no script of its own inline, so it runs under the same Content-Security-Policy as every
other page. Nothing is fetched from anywhere else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web import templates

SWAGGER_UI_VERSION = "5.35.0"
SWAGGER_UI = f"/static/vendor/swagger-ui-dist-{SWAGGER_UI_VERSION}"

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "api_docs.html", {"swagger_ui": SWAGGER_UI, "openapi_url": "/openapi.json"}
    )
