"""The landing page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import SessionDep
from app.framework import service as framework_service
from app.home import service
from app.web import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    loaded = framework_service.current_framework()
    return render(
        request,
        "home/index.html",
        {
            "framework": loaded.framework,
            "overview": service.overview(session),
        },
    )
