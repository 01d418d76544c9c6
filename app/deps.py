"""Dependencies shared by the routes: the session, and the signed-in Actor from a bearer token
(API clients) or the session cookie (browsers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from app.actors import Actor
from app.auth import service as auth_service
from app.auth.tokens import claims_from_token
from app.db import get_session
from app.errors import NotSignedIn

SESSION_COOKIE = "wcc_session"

SessionDep = Annotated[Session, Depends(get_session)]

bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_actor(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(bearer_scheme)]
) -> Actor | None:
    """The caller if signed in by bearer token or session cookie; None if not signed in.
    An invalid or expired credential raises 401, and so does an ``Authorization`` header
    without a usable bearer token: a request that sends one is never signed in by the cookie
    instead (the CSRF check is skipped for bearer requests)."""
    if request.headers.get("authorization") is not None and not token:
        raise NotSignedIn("Send a bearer token: Authorization: Bearer followed by the token")
    if token:
        claims = claims_from_token(token)
        actor = (
            auth_service.actor_for_bearer(session, claims.user_id, generation=claims.generation)
            if claims is not None
            else None
        )
    elif cookie := request.cookies.get(SESSION_COOKIE):
        actor = auth_service.actor_for_session_token(session, cookie)
        if actor is None:
            return None
    else:
        return None
    if actor is None:
        raise NotSignedIn("Invalid or expired sign-in; sign in again")
    return actor


async def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    """The signed-in caller; 401 when not signed in. (No I/O: runs on the event loop.)"""
    if actor is None:
        raise NotSignedIn("Not signed in")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]
