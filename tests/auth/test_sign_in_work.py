"""A failed sign-in does the same work whoever the address belongs to: one Argon2
verification for a real account, an unknown address and a deactivated account alike, so the
time it takes tells nothing about which addresses have accounts."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import PASSWORD


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        seen.append(str(password))
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


def _sign_in(client: TestClient, email: str, password: str) -> int:
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    return answer.status_code


def test_every_failed_sign_in_verifies_one_password_hash(
    client: TestClient, world, session: Session, verifications: list[str]
) -> None:
    world.b.lead.is_active = False
    session.add(world.b.lead)
    session.commit()
    attempts = [
        (world.a.lead.email, "not-the-password"),  # a real account, wrong password
        ("nobody@nowhere.nhs.test", "not-the-password"),  # no such account
        (world.b.lead.email, PASSWORD),  # deactivated, with its right password
    ]
    for email, password in attempts:
        verifications.clear()
        assert _sign_in(client, email, password) == 401
        assert verifications == [password], email
    verifications.clear()
    assert _sign_in(client, world.a.lead.email, PASSWORD) == 200
    assert verifications == [PASSWORD]
