"""JSON routes for organisations."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.organisations import service
from app.organisations.schemas import OrganisationCreate, OrganisationRead

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])


@router.get("", response_model=list[OrganisationRead], responses=errors(401))
def list_organisations(session: SessionDep, actor: CurrentActor) -> list[OrganisationRead]:
    """The organisations you may see: your own and those above and below it."""
    return [
        OrganisationRead(**o.model_dump(exclude={"parent_id"}), parent_code=parent)
        for o, parent in service.list_organisations(session, actor)
    ]


@router.post(
    "", status_code=201, response_model=OrganisationRead, responses=errors(401, 403, 409, 422)
)
def create_organisation(
    body: OrganisationCreate, session: SessionDep, actor: CurrentActor
) -> OrganisationRead:
    """Administrators: add an SHA, PCT, PBC group or practice."""
    organisation = service.create_organisation(
        session,
        actor,
        code=body.code,
        name=body.name,
        kind=body.kind,
        parent_code=body.parent_code,
        population=body.population,
        practice_count=body.practice_count,
    )
    return OrganisationRead(
        **organisation.model_dump(exclude={"parent_id"}),
        parent_code=service.normalise_code(body.parent_code) if body.parent_code else None,
    )
