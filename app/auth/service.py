"""Signing in (throttled), browser sessions, and turning a user into the Actor every service
call receives."""

from __future__ import annotations

import hashlib
import math
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
from app.plain_text import without_unstorable
from app.users import service as user_service
from app.users.models import Role, User
from app.users.passwords import verify_or_spend_the_same

BAD_CREDENTIALS = "Incorrect email address or password"
# The first wait once failures reach a limit; it doubles with each failure beyond the limit,
# up to the length of the window.
FIRST_WAIT = timedelta(seconds=30)


class SignInThrottled(TooManyRequests):
    """Too many recent failed sign-ins: ``retry_after`` is how many seconds to wait."""

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            "Too many failed sign-in attempts from here. "
            f"Wait {_wait_text(retry_after)}, then try again."
        )
        self.retry_after = retry_after


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


class _Failures(NamedTuple):
    """Failed sign-ins within the window: for the account, for the account from this address,
    and from this address for any account, with the latest of each."""

    account: int
    account_last: datetime | None
    pair: int
    address: int
    address_last: datetime | None


def _window() -> timedelta:
    return timedelta(minutes=get_settings().sign_in_window_minutes)


def _failed_since(since: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        col(SignInAttempt.succeeded).is_(False),
        col(SignInAttempt.attempted_at) >= since,
    ]


def _recent_failures(session: Session, email: str, address: str) -> _Failures:
    by_email = col(SignInAttempt.email) == email
    by_address = col(SignInAttempt.address) == address
    at = col(SignInAttempt.attempted_at)

    def count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    def latest(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.max(sa.case((condition, at)))

    row = session.exec(
        select(
            count(by_email),
            latest(by_email),
            count(sa.and_(by_email, by_address)),
            count(by_address),
            latest(by_address),
        ).where(sa.or_(by_email, by_address), *_failed_since(utcnow() - _window()))
    ).one()
    return _Failures(*row)


def _pair_lock_lifts(session: Session, email: str, address: str) -> datetime:
    """When the failures for this account from this address fall back below the limit: the
    limit-th latest of them leaves the window."""
    limit = get_settings().sign_in_failures_per_account
    oldest_counted = session.exec(
        select(SignInAttempt.attempted_at)
        .where(
            col(SignInAttempt.email) == email,
            col(SignInAttempt.address) == address,
            *_failed_since(utcnow() - _window()),
        )
        .order_by(col(SignInAttempt.attempted_at).desc())
        .offset(limit - 1)
        .limit(1)
    ).one()
    return oldest_counted + _window()


def _growing_wait(failures: int, limit: int) -> timedelta:
    """The wait after the latest failure once ``failures`` have reached ``limit``."""
    doublings = min(failures - limit, 30)
    return min(FIRST_WAIT * 2**doublings, _window())


def _check_throttle(session: Session, email: str, address: str) -> _Failures:
    """Refuse the attempt (429) while this address must wait: for this account after as many
    failures from it as an account may have, for anything after as many failures from it as
    an address may have. An account failing from many addresses is never locked: its failing
    addresses wait longer with each failure, while an address that has not failed for it (its
    user's own) is let through. Returns the failures counted."""
    settings = get_settings()
    per_account = settings.sign_in_failures_per_account
    per_address = settings.sign_in_failures_per_address
    failures = _recent_failures(session, email, address)
    now = utcnow()
    until = now
    if failures.pair >= per_account:
        until = max(until, _pair_lock_lifts(session, email, address))
    elif failures.pair and failures.account >= per_account and failures.account_last:
        until = max(until, failures.account_last + _growing_wait(failures.account, per_account))
    if failures.address >= per_address and failures.address_last:
        until = max(until, failures.address_last + _growing_wait(failures.address, per_address))
    if until > now:
        raise SignInThrottled(retry_after=math.ceil((until - now).total_seconds()))
    return failures


def _audit_throttles(
    session: Session, user: User | None, attempt: SignInAttempt, before: _Failures
) -> None:
    """Record each throttle that this failed attempt sets off, once, as it takes effect."""
    settings = get_settings()
    detail = {"email": attempt.email, "address": attempt.address}
    if user is not None and user.id is not None:
        action = None
        if before.pair + 1 == settings.sign_in_failures_per_account:
            action = "sign_in_locked"  # for this account, from this address
        elif before.account + 1 == settings.sign_in_failures_per_account:
            action = "sign_in_slowed"  # for this account, from the addresses that failed
        if action is not None:
            audit.record(
                session,
                SYSTEM,
                entity="user",
                entity_id=user.id,
                action=action,
                after={**detail, "failures": settings.sign_in_failures_per_account},
                organisation_id=user.organisation_id,
            )
    if before.address + 1 == settings.sign_in_failures_per_address:
        session.flush()
        assert attempt.id is not None
        audit.record(
            session,
            SYSTEM,
            entity="sign_in_attempt",
            entity_id=attempt.id,
            action="sign_in_address_throttled",
            after={**detail, "failures": settings.sign_in_failures_per_address},
        )


def sign_in(session: Session, *, email: str, password: str, address: str) -> User:
    """The active user with these credentials. Failed attempts are counted per account and
    address, per account, and per address (``_check_throttle``); a throttled attempt is
    refused (429) before any password is checked, the same for every email address."""
    # Control characters cannot be stored (app.plain_text) and no account's address holds
    # one: taken out, a mistyped address is an incorrect one, recorded like any other.
    email = without_unstorable(user_service.normalise_email(email))[:254]
    address = without_unstorable(address)[:64]
    failures = _check_throttle(session, email, address)
    user = user_service.find_by_email(session, email)
    usable = user.password_hash if user is not None and user.is_active else None
    succeeded = verify_or_spend_the_same(usable, password)
    attempt = SignInAttempt(email=email, address=address, succeeded=succeeded)
    session.add(attempt)
    if not succeeded:
        _audit_throttles(session, user, attempt, failures)
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
