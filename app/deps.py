"""Dependencies shared by the routes: the session and the signed-in Actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from app.actors import Actor
from app.auth import service as auth_service
from app.auth.tokens import user_id_from_token
from app.db import get_session
from app.errors import NotSignedIn

SessionDep = Annotated[Session, Depends(get_session)]

bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def current_actor(
    session: SessionDep, token: Annotated[str | None, Depends(bearer_scheme)]
) -> Actor:
    """The signed-in caller, from a bearer token; 401 when missing, invalid or inactive."""
    if not token:
        raise NotSignedIn("Not signed in")
    user_id = user_id_from_token(token)
    actor = auth_service.actor_for_user(session, user_id) if user_id is not None else None
    if actor is None:
        raise NotSignedIn("Invalid or expired sign-in; sign in again")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
