"""Web hardening: headers on every response, cookie flags, password rules, lock-out audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.actors import SYSTEM
from app.audit import AuditEvent
from app.config import get_settings
from app.errors import InvalidInput
from app.users import service as user_service
from app.users.models import Role
from tests.web.steps import sign_in


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/api/v1/competencies", "/nope"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_session_cookie_is_secure_when_configured(client: TestClient, world, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "cookie_secure", True)
    cookie = sign_in(client, world.a.lead).headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 10 characters"),
        ("new.user@test.nhs.test", "must not be the email"),
        ("aaaaaaaaaa", "too easy to guess"),
        ("          ", "too easy to guess"),
        ("password123", "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        ("new.user2009", "too easy to guess"),
        ("1234567890", "too easy to guess"),
    ],
)
def test_password_rules(session: Session, world, password: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        user_service.create_user(
            session,
            SYSTEM,
            email="new.user@test.nhs.test",
            full_name="New User",
            password=password,
            role=Role.CLINICIAN,
            organisation_code=world.a.pct.code,
        )


def test_lock_out_is_audited(client: TestClient, world, session: Session) -> None:
    for _ in range(6):
        sign_in(client, world.a.lead, password="wrong-wrong-wrong")
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity == "user", AuditEvent.entity_id == world.a.lead.id
        )
    ).all()
    assert [e.action for e in events] == ["sign_in_locked"]
    assert events[0].after == {
        "email": world.a.lead.email,
        "address": "testclient",
        "failures": get_settings().sign_in_failures_per_account,
    }


@pytest.mark.parametrize(
    "password", ["world-class-2008", "correct-horse-battery", "Leeds PCT board 1848"]
)
def test_a_password_hard_to_guess_is_taken(session: Session, world, password: str) -> None:
    user = user_service.create_user(
        session,
        SYSTEM,
        email="new.user@test.nhs.test",
        full_name="New User",
        password=password,
        role=Role.CLINICIAN,
        organisation_code=world.a.pct.code,
    )
    assert user.id is not None
