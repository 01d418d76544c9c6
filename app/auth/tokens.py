"""Signed, expiring bearer tokens (JWT, HS256)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import jwt

from app.config import get_settings
from app.db import utcnow

ALGORITHM = "HS256"
AUDIENCE = "wcc-api"


def issue_token(user_id: int, *, generation: int, lifetime: timedelta | None = None) -> str:
    """A bearer token for the user, valid while their credential generation is
    ``generation`` (``User.credential_generation``) and until it expires."""
    settings = get_settings()
    now = utcnow()
    expires = now + (lifetime or timedelta(minutes=settings.token_minutes))
    claims = {"sub": str(user_id), "gen": generation, "iat": now, "exp": expires, "aud": AUDIENCE}
    return jwt.encode(claims, settings.signing_key(), algorithm=ALGORITHM)


class TokenClaims(NamedTuple):
    """Whom a valid token names, when it was issued (to the second), and in which of the
    user's credential generations."""

    user_id: int
    issued_at: datetime
    generation: int


def claims_from_token(token: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            get_settings().signing_key(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "iat"]},
        )
        return TokenClaims(
            int(claims["sub"]),
            datetime.fromtimestamp(int(claims["iat"]), UTC),
            int(claims.get("gen", 1)),
        )
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError, OSError):
        return None


def user_id_from_token(token: str) -> int | None:
    """The user id a valid, unexpired token names; None for anything else."""
    claims = claims_from_token(token)
    return claims.user_id if claims is not None else None
