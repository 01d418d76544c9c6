"""Signing in to the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from app.auth import service
from app.auth.tokens import issue_token
from app.deps import SessionDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post(
    "/token",
    response_model=Token,
    responses={401: {"description": "Incorrect email address or password"}},
)
def sign_in(session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange an email address and password for a bearer token."""
    user = service.authenticate(session, email=form.username, password=form.password)
    assert user.id is not None
    return Token(access_token=issue_token(user.id))
