"""The region page: every PCT of an SHA in a cycle, for its reviewers and administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.deps import SessionDep
from app.params import QueryId
from app.region import service
from app.web import PageActor, render

router = APIRouter(include_in_schema=False)


@router.get("/region", response_class=HTMLResponse)
def region(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    cycle_id: QueryId = None,
    status: Annotated[str, Query(max_length=20)] = "",
    sha: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    """Every PCT of the SHA (a reviewer's own; the one an administrator picks) in the cycle,
    filtered by status."""
    page = service.region(session, actor, cycle_id=cycle_id, sha_code=sha or None, status=status)
    context = {"region": page, "status_choices": service.status_choices()}
    return render(request, "region/region.html", context)
