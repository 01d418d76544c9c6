"""JSON routes for organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.organisations import service
from app.organisations.models import Organisation
from app.organisations.schemas import (
    OrganisationCreate,
    OrganisationDetail,
    OrganisationRead,
    OrganisationUpdate,
)

# An organisation's code as a path names it (any case; codes are kept in upper case).
OrganisationCode = Annotated[str, Path(min_length=1, max_length=12)]

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


def _detail(organisation: Organisation, parent_code: str | None) -> OrganisationDetail:
    return OrganisationDetail(
        **organisation.model_dump(exclude={"parent_id"}), parent_code=parent_code
    )


@router.get("/{code}", response_model=OrganisationDetail, responses=errors(401, 404, 422))
def read_organisation(
    code: OrganisationCode, session: SessionDep, actor: CurrentActor
) -> OrganisationDetail:
    """One organisation you may see, with its version (send it back with a change)."""
    organisation, parent_code = service.get_visible(session, actor, code)
    return _detail(organisation, parent_code)


@router.patch(
    "/{code}", response_model=OrganisationDetail, responses=errors(401, 403, 404, 409, 422)
)
def update_organisation(
    code: OrganisationCode, body: OrganisationUpdate, session: SessionDep, actor: CurrentActor
) -> OrganisationDetail:
    """Administrators: change the name, the parent, the population or the number of GP
    practices; fields left out stay as they are, the code and kind never change. A
    ``version`` other than the one saved is refused (409)."""
    organisation = service.update_organisation(session, actor, code, data=body)
    return _detail(organisation, service.get_visible(session, actor, organisation.code)[1])
