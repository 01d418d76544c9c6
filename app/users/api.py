"""JSON routes for users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import MAX_ID, PathId
from app.users import service
from app.users.models import Role, User
from app.users.schemas import UserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/api/v1/users", tags=["users"])


def _read(user: User, organisation_code: str | None) -> UserRead:
    assert user.id is not None
    return UserRead(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        job_title=user.job_title,
        role=user.role,
        organisation_code=organisation_code,
        is_active=user.is_active,
        version=user.version,
    )


@router.get("/me", response_model=UserRead, responses=errors(401))
def read_me(session: SessionDep, actor: CurrentActor) -> UserRead:
    """The signed-in user, with role and organisation code."""
    user = session.get(User, actor.user_id)
    assert user is not None
    return _read(user, actor.organisation_code)


@router.get("", response_model=list[UserRead], responses=errors(401, 403, 422))
def list_users(
    session: SessionDep,
    actor: CurrentActor,
    q: Annotated[
        str | None, Query(max_length=200, description="Part of the name or email, any case")
    ] = None,
    organisation_code: Annotated[
        str | None,
        Query(max_length=12, description="Users of this organisation and those under it"),
    ] = None,
    role: Role | None = None,
    is_active: bool | None = None,
    limit: Annotated[int | None, Query(ge=1, le=500)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[UserRead]:
    """Administrators: every user, by email; or those that match the filters given."""
    rows, _total = service.search_users(
        session,
        actor,
        text=q,
        organisation_code=organisation_code,
        role=role,
        is_active=is_active,
        limit=limit,
        offset=offset,
    )
    return [_read(row.user, row.organisation_code) for row in rows]


@router.post("", status_code=201, response_model=UserRead, responses=errors(401, 403, 409, 422))
def create_user(body: UserCreate, session: SessionDep, actor: CurrentActor) -> UserRead:
    """Administrators: add a user with one role and organisation."""
    user = service.create_user(
        session,
        actor,
        email=body.email,
        full_name=body.full_name,
        job_title=body.job_title,
        password=body.password,
        role=body.role,
        organisation_code=body.organisation_code,
    )
    code = body.organisation_code.strip().upper() if body.organisation_code else None
    return _read(user, code)


@router.patch("/{user_id}", response_model=UserRead, responses=errors(401, 403, 404, 409, 422))
def update_user(
    user_id: PathId, body: UserUpdate, session: SessionDep, actor: CurrentActor
) -> UserRead:
    """Administrators: rename, deactivate or reactivate, or reset the password."""
    user = service.update_user(
        session,
        actor,
        user_id,
        full_name=body.full_name,
        job_title=body.job_title,
        is_active=body.is_active,
        password=body.password,
        expected_version=body.version,
    )
    return _read(user, service.organisation_code(session, user))
