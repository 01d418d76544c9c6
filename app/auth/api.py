"""Signing in to the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from app.auth import service
from app.auth.tokens import issue_token
from app.deps import SessionDep, client_address

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post(
    "/token",
    response_model=Token,
    responses={
        401: {"description": "Incorrect email address or password"},
        429: {"description": "Too many failed attempts; wait the seconds in Retry-After"},
    },
)
def sign_in(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> Token:
    """Exchange an email address and password for a bearer token. After too many failed
    attempts the answer is 429, with ``Retry-After`` giving the seconds to wait."""
    try:
        user = service.sign_in(
            session, email=form.username, password=form.password, address=client_address(request)
        )
    except service.SignInThrottled as throttled:
        raise HTTPException(
            429, throttled.detail, headers={"Retry-After": str(throttled.retry_after)}
        ) from None
    assert user.id is not None
    return Token(access_token=issue_token(user.id, generation=user.credential_generation))
