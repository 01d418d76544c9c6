"""JSON routes for the assurance panel of an assessment."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from app.assessments import repository as assessments
from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.panel import service
from app.panel.models import Panel
from app.panel.schemas import PanelRead, PanelWrite, Person
from app.params import PathId

router = APIRouter(prefix="/api/v1/assessments", tags=["panel"])


def panel_read(session: Session, panel: Panel) -> PanelRead:
    names = assessments.names(session, [panel.updated_by_id])
    return PanelRead(
        assessment_id=panel.assessment_id,
        date=panel.panel_date,
        members=[Person.model_validate(p) for p in panel.members],
        pct_attendees=[Person.model_validate(p) for p in panel.pct_attendees],
        notes=panel.notes,
        updated_by_id=panel.updated_by_id,
        updated_by_name=names.get(panel.updated_by_id or 0),
        updated_at=panel.updated_at,
        version=panel.version,
    )


@router.get("/{assessment_id}/panel", response_model=PanelRead, responses=errors(401, 404, 422))
def read_panel(assessment_id: PathId, session: SessionDep, actor: CurrentActor) -> PanelRead:
    """The assurance panel: date, members, the PCT's attendees, notes (404 until recorded)."""
    return panel_read(session, service.require_panel(session, actor, assessment_id))


@router.put(
    "/{assessment_id}/panel",
    response_model=PanelRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_panel(
    assessment_id: PathId, body: PanelWrite, session: SessionDep, actor: CurrentActor
) -> PanelRead:
    """The SHA's reviewers record the panel (at least one member); until the review is final."""
    return panel_read(session, service.put_panel(session, actor, assessment_id, data=body))
