"""Signed, expiring bearer tokens (JWT, HS256)."""

from __future__ import annotations

from datetime import timedelta

import jwt

from app.config import get_settings
from app.db import utcnow

ALGORITHM = "HS256"
AUDIENCE = "wcc-api"


def issue_token(user_id: int, *, lifetime: timedelta | None = None) -> str:
    settings = get_settings()
    now = utcnow()
    expires = now + (lifetime or timedelta(minutes=settings.token_minutes))
    claims = {"sub": str(user_id), "iat": now, "exp": expires, "aud": AUDIENCE}
    return jwt.encode(claims, settings.signing_key(), algorithm=ALGORITHM)


def user_id_from_token(token: str) -> int | None:
    """The user id a valid, unexpired token names; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            get_settings().signing_key(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "iat"]},
        )
        return int(claims["sub"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
