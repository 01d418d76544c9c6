"""JSON route for the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.audit import service
from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import MAX_ID, QueryId

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditEventRead(BaseModel):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    organisation_id: int | None
    entity: str
    entity_id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(BaseModel):
    items: list[AuditEventRead]
    total: int
    limit: int
    offset: int


@router.get("", response_model=AuditPage, responses=errors(401, 403, 422))
def list_audit_events(
    session: SessionDep,
    actor: CurrentActor,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: QueryId = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> AuditPage:
    """Audit events, newest first: all for administrators, your PCT's for PCT leads."""
    events, total = service.list_events(
        session, actor, entity=entity, entity_id=entity_id, limit=limit, offset=offset
    )
    return AuditPage(
        items=[AuditEventRead.model_validate(e, from_attributes=True) for e in events],
        total=total,
        limit=limit,
        offset=offset,
    )
