"""Signing in (throttled), browser sessions, and turning a user into the Actor every service
call receives."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app import audit
from app.actors import SYSTEM, Actor
from app.auth.models import BrowserSession, SignInAttempt
from app.config import get_settings
from app.db import begin_write, utcnow
from app.errors import NotSignedIn, TooManyRequests
from app.organisations.models import Organisation, OrganisationKind
from app.users import service as user_service
from app.users.models import Role, User
from app.users.passwords import verify_or_spend_the_same

BAD_CREDENTIALS = "Incorrect email address or password"


def _recent_failures(session: Session, column: sa.ColumnElement[str], value: str) -> int:
    since = utcnow() - timedelta(minutes=get_settings().sign_in_window_minutes)
    return session.exec(
        select(sa.func.count())
        .select_from(SignInAttempt)
        .where(column == value, col(SignInAttempt.succeeded).is_(False))
        .where(col(SignInAttempt.attempted_at) >= since)
    ).one()


def _check_throttle(session: Session, email: str, address: str) -> None:
    settings = get_settings()
    too_many = (
        _recent_failures(session, col(SignInAttempt.email), email)
        >= settings.sign_in_failures_per_account
        or _recent_failures(session, col(SignInAttempt.address), address)
        >= settings.sign_in_failures_per_address
    )
    if too_many:
        raise TooManyRequests(
            "Too many failed sign-in attempts. Wait "
            f"{settings.sign_in_window_minutes} minutes, then try again."
        )


def sign_in(session: Session, *, email: str, password: str, address: str) -> User:
    """The active user with these credentials. Failures are counted per account and per
    address; past the limit every attempt is refused (429) until the window passes."""
    email = user_service.normalise_email(email)
    address = address[:64]
    _check_throttle(session, email, address)
    user = user_service.find_by_email(session, email)
    usable = user.password_hash if user is not None and user.is_active else None
    succeeded = verify_or_spend_the_same(usable, password)
    session.add(SignInAttempt(email=email[:254], address=address, succeeded=succeeded))
    if not succeeded:
        if user is not None and (
            _recent_failures(session, col(SignInAttempt.email), email) + 1
            == get_settings().sign_in_failures_per_account
        ):
            assert user.id is not None
            audit.record(
                session,
                SYSTEM,
                entity="user",
                entity_id=user.id,
                action="sign_in_locked",
                after={"address": address},
                organisation_id=user.organisation_id,
            )
        session.commit()
        raise NotSignedIn(BAD_CREDENTIALS)
    session.commit()
    assert user is not None
    return user


@cache
def _actor_query() -> sa.Select[Any]:
    """The columns an Actor needs: the user, their organisation and the two above it. Built
    once; each call only binds its parameters."""
    org, parent, grandparent = (aliased(Organisation) for _ in range(3))
    return (
        sa.select(
            col(User.id),
            col(User.email),
            col(User.role),
            col(User.is_active),
            col(User.full_name),
            col(User.job_title),
            *(
                column
                for o in (org, parent, grandparent)
                for column in (o.id, o.code, o.kind, o.parent_id, o.name)
            ),
        )
        .select_from(User)
        .outerjoin(org, org.id == User.organisation_id)
        .outerjoin(parent, parent.id == org.parent_id)
        .outerjoin(grandparent, grandparent.id == parent.parent_id)
    )


@cache
def _actor_by_user_query() -> sa.Select[Any]:
    return _actor_query().where(col(User.id) == sa.bindparam("user_id"))


@cache
def _actor_by_bearer_query() -> sa.Select[Any]:
    """The actor of an API token: refused once the account's credentials have changed since
    the token was issued (``User.credential_generation``)."""
    return _actor_by_user_query().where(
        col(User.credential_generation) == sa.bindparam("generation")
    )


@cache
def _actor_by_browser_session_query() -> sa.Select[Any]:
    return _actor_query().where(
        sa.exists().where(
            col(BrowserSession.user_id) == col(User.id),
            col(BrowserSession.token_sha256) == sa.bindparam("token_sha256"),
            col(BrowserSession.ended_at).is_(None),
            col(BrowserSession.expires_at) > sa.bindparam("now"),
        )
    )


class _Organisation(NamedTuple):
    """An organisation's columns as ``_actor_query`` selects them."""

    id: int | None
    code: str | None
    kind: OrganisationKind | None
    parent_id: int | None
    name: str | None


def _actor_from_row(row: sa.Row[Any] | None) -> Actor | None:
    if row is None:
        return None
    user_id, email, role, is_active, full_name, job_title, *columns = row
    if not is_active:
        return None
    width = len(_Organisation._fields)
    chain = [_Organisation(*columns[i : i + width]) for i in range(0, len(columns), width)]
    organisations = [o for o in chain if o.id is not None]
    pct = next((o for o in organisations if o.kind == OrganisationKind.PCT), None)
    sha = next((o for o in organisations if o.kind == OrganisationKind.SHA), None)
    sha_id = pct.parent_id if pct is not None else (sha.id if sha else None)
    own = organisations[0] if organisations else None
    return Actor(
        user_id=user_id,
        label=email,
        role=Role(role),
        organisation_id=own.id if own else None,
        organisation_code=own.code if own else None,
        pct_id=pct.id if pct else None,
        sha_id=sha_id,
        full_name=full_name,
        job_title=job_title,
        organisation_name=own.name if own else None,
    )


def actor_for_user(session: Session, user_id: int) -> Actor | None:
    """The Actor for an active user, with its PCT and SHA resolved in one query."""
    row = session.exec(_actor_by_user_query(), params={"user_id": user_id}).first()
    return _actor_from_row(row)


def actor_for_bearer(session: Session, user_id: int, *, generation: int) -> Actor | None:
    """The Actor of an API token issued in credential generation ``generation``, in one
    query: None once the account's password, role or organisation has changed or it has been
    deactivated since."""
    row = session.exec(
        _actor_by_bearer_query(), params={"user_id": user_id, "generation": generation}
    ).first()
    return _actor_from_row(row)


def actor_for_session_token(session: Session, token: str) -> Actor | None:
    """The Actor of a live browser session (not ended, not expired) of an active user, in one
    query; None for anything else."""
    row = session.exec(
        _actor_by_browser_session_query(),
        params={"token_sha256": _token_hash(token), "now": utcnow()},
    ).first()
    return _actor_from_row(row)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class StartedSession(NamedTuple):
    """A browser session just begun: the token for the cookie, and when it will end."""

    token: str
    expires_at: datetime


def _session_end() -> datetime:
    return utcnow() + timedelta(hours=get_settings().session_hours)


def start_browser_session(session: Session, user: User, *, address: str) -> StartedSession:
    """A new browser session for ``user``: the token for the cookie, and when it ends."""
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    expires_at = _session_end()
    session.add(
        BrowserSession(
            token_sha256=_token_hash(token),
            user_id=user.id,
            expires_at=expires_at,
            address=address[:64],
        )
    )
    audit.record(
        session,
        SYSTEM,
        entity="user",
        entity_id=user.id,
        action="sign_in",
        after={"address": address[:64]},
        organisation_id=user.organisation_id,
    )
    session.commit()
    return StartedSession(token, expires_at)


def extend_browser_session(session: Session, actor: Actor, token: str) -> datetime | None:
    """Give the live browser session of ``actor`` that this token names its full length again
    from now ("stay signed in"); the new end, or None when there is no such session."""
    begin_write(session)
    browser = session.exec(
        select(BrowserSession).where(
            col(BrowserSession.token_sha256) == _token_hash(token),
            col(BrowserSession.user_id) == actor.user_id,
            col(BrowserSession.ended_at).is_(None),
            col(BrowserSession.expires_at) > utcnow(),
        )
    ).first()
    if browser is None or actor.user_id is None:
        session.rollback()
        return None
    before = browser.expires_at
    browser.expires_at = _session_end()
    session.add(browser)
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=actor.user_id,
        action="stayed_signed_in",
        before={"session_expires_at": before},
        after={"session_expires_at": browser.expires_at},
        organisation_id=actor.organisation_id,
    )
    session.commit()
    return browser.expires_at


def user_of_session_token(session: Session, token: str) -> int | None:
    """Whose browser session this token named, whether or not it has ended since: the only
    person who may have back what that browser typed after it ended."""
    return session.exec(
        select(BrowserSession.user_id).where(col(BrowserSession.token_sha256) == _token_hash(token))
    ).first()


def end_browser_session(session: Session, token: str) -> None:
    browser = session.exec(
        select(BrowserSession).where(col(BrowserSession.token_sha256) == _token_hash(token))
    ).first()
    if browser is None or browser.ended_at is not None:
        return
    browser.ended_at = utcnow()
    session.add(browser)
    assert browser.id is not None
    audit.record(session, SYSTEM, entity="user", entity_id=browser.user_id, action="sign_out")
    session.commit()
