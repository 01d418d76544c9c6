"""What was typed into a form that arrived after its sender's session had ended, kept until the
same person signs in again on the same browser, then put back into the form.

The browser holds a random token (a cookie); the table holds only its hash, the user whose
session it was, the page the form was on, where the form posted, and the fields as sent
(never passwords, the form token or files). A kept form is used once, and thrown away when
someone else signs in on that browser, when its author signs out, or after
``WCC_KEPT_FORM_HOURS``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.auth.models import KeptForm
from app.config import get_settings
from app.db import begin_write, utcnow

# The most text kept from one form (a long rationale is a few tens of thousands of characters).
MAX_KEPT_CHARACTERS = 1_000_000
MAX_URL = 2000


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def lifetime() -> timedelta:
    return timedelta(hours=get_settings().kept_form_hours)


def keep(
    session: Session,
    *,
    user_id: int,
    page_url: str,
    action: str,
    field_values: list[list[str]],
    files_left_out: bool,
    replaces: str | None = None,
) -> str | None:
    """Keep what a form sent for ``user_id``; the token for the browser's cookie, or None when
    it is too large to keep. The form kept before under ``replaces`` (the browser holds one at
    a time) and kept forms past their lifetime are thrown away first."""
    if sum(len(name) + len(value) for name, value in field_values) > MAX_KEPT_CHARACTERS:
        return None
    begin_write(session)
    stale = col(KeptForm.created_at) < utcnow() - lifetime()
    if replaces:
        stale = sa.or_(stale, col(KeptForm.token_sha256) == _token_hash(replaces))
    session.execute(sa.delete(KeptForm).where(stale))
    token = secrets.token_urlsafe(32)
    session.add(
        KeptForm(
            token_sha256=_token_hash(token),
            user_id=user_id,
            page_url=page_url[:MAX_URL],
            action=action[:MAX_URL],
            field_values=field_values,
            files_left_out=files_left_out,
        )
    )
    session.commit()
    return token


def waiting(session: Session, token: str) -> KeptForm | None:
    """The kept form this token names, if it is still within its lifetime."""
    return session.exec(
        select(KeptForm).where(
            col(KeptForm.token_sha256) == _token_hash(token),
            col(KeptForm.created_at) >= utcnow() - lifetime(),
        )
    ).first()


def discard(session: Session, token: str) -> None:
    begin_write(session)
    session.execute(sa.delete(KeptForm).where(col(KeptForm.token_sha256) == _token_hash(token)))
    session.commit()


def claim(session: Session, token: str, *, user_id: int) -> KeptForm | None:
    """At sign-in: the kept form waiting for this user. One kept for anyone else is thrown
    away, so that it can never be shown to another person."""
    kept = waiting(session, token)
    if kept is None or kept.user_id == user_id:
        return kept
    discard(session, token)
    return None


def take(session: Session, token: str, *, user_id: int, page_path: str) -> KeptForm | None:
    """The kept form to put back on the page at ``page_path`` for this user, removed from the
    table as it is handed over; None if it belongs to another page, user or time."""
    kept = waiting(session, token)
    if kept is None or kept.user_id != user_id or urlsplit(kept.page_url).path != page_path:
        return None
    begin_write(session)
    session.execute(
        sa.delete(KeptForm)
        .where(col(KeptForm.id) == kept.id)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return kept
