"""Sign-in throttling slows guessing without letting anyone lock a named account for everyone:
failures lock the account only for the address they came from; failures from many addresses
make that account's failing addresses wait longer and longer; an address that fails for many
accounts waits longer and longer. Each throttle is audited once, when it takes effect."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.auth import service as auth_service
from app.clock import frozen_at
from app.config import get_settings
from app.db import utcnow
from app.errors import NotSignedIn, TooManyRequests
from tests.factories import PASSWORD

ATTACKER = "198.51.100.7"
VICTIM = "203.0.113.20"
WRONG = "guess-guess-guess"


def _attempt(session: Session, email: str, password: str, address: str, at: datetime) -> object:
    """What a sign-in at ``at`` gets: "signed in", 401, or (429, seconds to wait, message)."""
    with frozen_at(at):
        try:
            auth_service.sign_in(session, email=email, password=password, address=address)
        except NotSignedIn:
            return 401
        except TooManyRequests as refusal:
            return 429, getattr(refusal, "retry_after", None), refusal.detail
    return "signed in"


def _events(session: Session, *actions: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.action).in_(actions))
            .order_by(col(AuditEvent.id))
        ).all()
    )


def _fail_from(session: Session, email: str, addresses: list[str], at: datetime) -> None:
    """A wrong password for ``email`` from each address in turn, each refused as wrong (401)."""
    for address in addresses:
        assert _attempt(session, email, WRONG, address, at) == 401


def _addresses(count: int) -> list[str]:
    """``count`` addresses of their own: 192.0.2.0, 192.0.2.1, ..."""
    return [f"192.0.2.{n}" for n in range(count)]


def _api_client(client: TestClient, address: str) -> TestClient:
    return TestClient(client.app, client=(address, 50000))


def _token(api: TestClient, email: str, password: str) -> Response:
    return api.post("/api/v1/auth/token", data={"username": email, "password": password})


def test_an_account_attacked_from_one_address_still_signs_in_from_another(
    session: Session, world
) -> None:
    start = utcnow()
    email = world.a.lead.email
    _fail_from(session, email, [ATTACKER] * 5, start)
    assert _attempt(session, email, PASSWORD, VICTIM, start) == "signed in"


def test_the_attacking_address_is_refused_even_with_the_right_password_and_told_how_long(
    client: TestClient, world
) -> None:
    attacker = _api_client(client, ATTACKER)
    email = world.a.lead.email
    for _ in range(5):
        assert _token(attacker, email, WRONG).status_code == 401
    refused = _token(attacker, email, PASSWORD)
    assert refused.status_code == 429
    window = get_settings().sign_in_window_minutes
    assert refused.json() == {
        "detail": "Too many failed sign-in attempts from here. "
        f"Wait {window} minutes, then try again."
    }
    assert window * 60 - 10 <= int(refused.headers["Retry-After"]) <= window * 60
    victim = _api_client(client, VICTIM)
    assert _token(victim, email, PASSWORD).status_code == 200


def test_failures_from_many_addresses_slow_the_account_with_a_growing_wait_but_never_lock_it(
    session: Session, world
) -> None:
    start = utcnow()
    email = world.a.lead.email
    _fail_from(session, email, _addresses(5), start)
    # A failing address must now wait 30 seconds after the last failure, then 60, then 120
    refused = _attempt(session, email, PASSWORD, "192.0.2.0", start)
    assert refused[:2] == (429, 30)  # type: ignore[index]
    assert "Wait 30 seconds" in refused[2]  # type: ignore[index]
    later = start + timedelta(seconds=31)
    assert _attempt(session, email, WRONG, "192.0.2.1", later) == 401
    assert _attempt(session, email, WRONG, "192.0.2.2", later)[:2] == (429, 60)  # type: ignore[index]
    later += timedelta(seconds=61)
    assert _attempt(session, email, WRONG, "192.0.2.2", later) == 401
    assert _attempt(session, email, WRONG, "192.0.2.3", later)[:2] == (429, 120)  # type: ignore[index]
    # The account's own user, at an address that has not failed, is never made to wait
    assert _attempt(session, email, PASSWORD, VICTIM, later) == "signed in"
    assert _events(session, "sign_in_locked") == []


def test_a_lock_out_is_audited_once_on_the_failure_that_locks(session: Session, world) -> None:
    start = utcnow()
    email = world.a.lead.email
    _fail_from(session, email, [ATTACKER] * 4, start)
    assert _events(session, "sign_in_locked") == []
    assert _attempt(session, email, WRONG, ATTACKER, start) == 401
    assert _attempt(session, email, PASSWORD, ATTACKER, start)[0] == 429  # type: ignore[index]
    assert _attempt(session, email, WRONG, ATTACKER, start)[0] == 429  # type: ignore[index]
    [locked] = _events(session, "sign_in_locked")
    assert locked.entity == "user" and locked.entity_id == world.a.lead.id
    assert locked.after is not None
    assert locked.after["email"] == email and locked.after["address"] == ATTACKER


def test_an_account_slowed_from_many_addresses_is_audited_once(session: Session, world) -> None:
    start = utcnow()
    email = world.a.lead.email
    for address in _addresses(4):
        _attempt(session, email, WRONG, address, start)
    assert _events(session, "sign_in_slowed") == []
    _attempt(session, email, WRONG, "192.0.2.9", start)
    _attempt(session, email, WRONG, "192.0.2.10", start)
    [slowed] = _events(session, "sign_in_slowed")
    assert slowed.entity_id == world.a.lead.id
    assert slowed.after is not None and slowed.after["email"] == email
    assert slowed.after["address"] == "192.0.2.9"


def test_an_address_failing_for_many_accounts_is_slowed_not_locked_and_audited_once(
    session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "sign_in_failures_per_address", 6)
    start = utcnow()
    for n in range(5):
        assert _attempt(session, f"nobody{n}@nowhere.test", WRONG, ATTACKER, start) == 401
    assert _events(session, "sign_in_address_throttled") == []
    assert _attempt(session, world.b.lead.email, WRONG, ATTACKER, start) == 401
    # Everyone at the address now waits, whichever account they try
    refused = _attempt(session, world.a.lead.email, PASSWORD, ATTACKER, start)
    assert refused[:2] == (429, 30)  # type: ignore[index]
    later = start + timedelta(seconds=31)
    assert _attempt(session, world.a.lead.email, PASSWORD, ATTACKER, later) == "signed in"
    [throttled] = _events(session, "sign_in_address_throttled")
    assert throttled.after is not None
    assert throttled.after["address"] == ATTACKER
    assert throttled.after["email"] == world.b.lead.email


def test_a_throttled_unknown_email_and_real_account_get_the_same_answer(
    client: TestClient, world
) -> None:
    attacker = _api_client(client, ATTACKER)
    answers = []
    for email in (world.a.lead.email, "nobody@nowhere.test"):
        for _ in range(5):
            _token(attacker, email, WRONG)
        refused = _token(attacker, email, WRONG)
        answers.append((refused.status_code, refused.json(), refused.headers["Retry-After"]))
    (real, real_body, real_wait), (unknown, unknown_body, unknown_wait) = answers
    assert real == unknown == 429 and real_body == unknown_body
    assert abs(int(real_wait) - int(unknown_wait)) <= 10
