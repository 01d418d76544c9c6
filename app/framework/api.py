"""JSON routes for the competency framework."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import CurrentActor
from app.framework import service
from app.framework.presenters import competencies_read
from app.framework.schemas import CompetencyRead, FrameworkRead
from app.openapi_errors import errors

router = APIRouter(prefix="/api/v1", tags=["framework"])


@router.get("/competencies", response_model=list[CompetencyRead], responses=errors(401))
def list_competencies(actor: CurrentActor) -> list[CompetencyRead]:
    """The eleven competencies of the current framework, each with its four levels."""
    return competencies_read(service.current_framework().framework)


@router.get("/frameworks/{version}", response_model=FrameworkRead, responses=errors(401, 404))
def read_framework(version: str, actor: CurrentActor) -> FrameworkRead:
    """One framework version with its file hash."""
    loaded = service.get_loaded_framework(version)
    return FrameworkRead(
        version=loaded.framework.version,
        title=loaded.framework.title,
        sha256=loaded.sha256,
        competencies=competencies_read(loaded.framework),
    )
