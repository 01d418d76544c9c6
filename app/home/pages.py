"""Home: a landing page for visitors, and for each role the answer to "what next?"."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.actors import Actor
from app.cycles import service as cycle_service
from app.deps import OptionalActor, SessionDep
from app.framework import service as framework_service
from app.home import service
from app.home.presenters import current_assessment_view, overdue_notice
from app.users.models import Role
from app.web import PageActor, render

router = APIRouter(include_in_schema=False)


def _reviewer_context(session: SessionDep, actor: Actor) -> dict[str, object]:
    home = service.reviewer_home(session, actor)
    return {
        "queue": home.queue,
        "with_pct": home.with_pct,
        "finalised": home.finalised,
        "cycles": cycle_service.list_cycles(session),
    }


@router.get("/reviews", response_class=HTMLResponse)
def reviews(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    return render(
        request,
        "home/reviewer.html",
        _reviewer_context(session, actor),
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, actor: OptionalActor) -> HTMLResponse:
    request.state.actor = actor
    if actor is None:
        # What the service is for, and the framework: nothing of anyone's data.
        framework = framework_service.current_framework().framework
        return render(request, "home/index.html", {"framework": framework})
    if actor.role is Role.SHA_REVIEWER:
        return render(
            request,
            "home/reviewer.html",
            _reviewer_context(session, actor),
        )
    if actor.is_admin:
        return render(request, "home/admin.html", {"home": service.admin_home(session)})
    return pct_home_page(request, session, actor)


def pct_home_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """A PCT user's home: their assessment, and (after a refused start) what went wrong."""
    home = service.pct_home(session, actor)
    context = {
        "home": home,
        "current": current_assessment_view(home.current, actor),
        "overdue": overdue_notice(home),
        "errors": errors or {},
    }
    return render(request, "home/pct.html", context, status_code=status)
