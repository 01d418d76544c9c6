"""The engagement page: a PCT's reach among its PBC groups and practices in a cycle.

/engagement                              the reader's own PCT; a reviewer or an
                                         administrator chooses a PCT
/organisations/{pct_code}/engagement     one PCT, with a cycle picker
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import SessionDep
from app.engagement import service
from app.params import QueryId
from app.web import PageActor, render

router = APIRouter(include_in_schema=False)


@router.get("/engagement", response_class=HTMLResponse)
def own_engagement(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """A PCT's people go to their PCT's page; others choose a PCT."""
    choice = service.choose(session, actor)
    if choice.own is not None:
        return RedirectResponse(service.engagement_href(choice.own.code), status_code=303)
    return render(request, "engagement/choose.html", {"pcts": choice.pcts})


@router.get("/organisations/{pct_code}/engagement", response_class=HTMLResponse)
def engagement(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    pct_code: Annotated[str, Path(min_length=1, max_length=12)],
    cycle_id: QueryId = None,
) -> HTMLResponse:
    reach = service.engagement(session, actor, pct_code, cycle_id=cycle_id)
    return render(request, "engagement/engagement.html", {"reach": reach})
