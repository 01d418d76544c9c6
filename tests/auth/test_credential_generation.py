"""A change of credentials ends what was signed in before: after an administrator sets a new
password, changes the role or organisation, or deactivates an account, its old browser
sessions and old API tokens are refused, and reactivating it brings none of them back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.service import actor_for_user
from app.auth.tokens import issue_token
from app.users import service as users_service
from app.users.models import Role
from tests.factories import PASSWORD, auth
from tests.web.steps import sign_in

NEW_PASSWORD = "a-new-long-password-2010"


def _old_credentials(client: TestClient, user) -> tuple[dict[str, str], str]:
    """A bearer token and a signed-in browser cookie of ``user``, both working now."""
    token = {
        "Authorization": f"Bearer {issue_token(user.id, generation=user.credential_generation)}"
    }
    assert client.get("/api/v1/users/me", headers=token).status_code == 200
    sign_in(client, user)
    cookie = client.cookies.get("wcc_session")
    assert cookie and client.get("/api/v1/users/me").status_code == 200
    return token, cookie


CHANGES: dict[str, Callable[[object], list[dict]]] = {
    "password set by an administrator": lambda w: [{"password": NEW_PASSWORD}],
    "role changed": lambda w: [{"role": Role.CLINICIAN}],
    "organisation changed": lambda w: [{"organisation_code": w.b.pct.code}],
    "deactivated and reactivated": lambda w: [{"is_active": False}, {"is_active": True}],
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_of_credentials_ends_old_sessions_and_tokens(
    client: TestClient, session: Session, world, change: str
) -> None:
    user = world.a.lead
    token, cookie = _old_credentials(client, user)
    client.cookies.clear()
    admin = actor_for_user(session, world.admin.id)
    assert admin is not None
    for change_made in CHANGES[change](world):
        users_service.update_user(session, admin, user.id, **change_made)

    assert client.get("/api/v1/users/me", headers=token).status_code == 401
    client.cookies.set("wcc_session", cookie)
    assert client.get("/api/v1/users/me").status_code == 401
    client.cookies.clear()
    password = NEW_PASSWORD if "password" in change else PASSWORD
    fresh = client.post("/api/v1/auth/token", data={"username": user.email, "password": password})
    assert fresh.status_code == 200
    bearer = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert client.get("/api/v1/users/me", headers=bearer).status_code == 200


def test_a_change_of_name_alone_ends_nothing(client: TestClient, world) -> None:
    user = world.a.lead
    token, cookie = _old_credentials(client, user)
    client.cookies.clear()
    renamed = client.patch(
        f"/api/v1/users/{user.id}", json={"full_name": "Dr A. Renamed"}, headers=auth(world.admin)
    )
    assert renamed.status_code == 200
    assert client.get("/api/v1/users/me", headers=token).status_code == 200
    client.cookies.set("wcc_session", cookie)
    assert client.get("/api/v1/users/me").status_code == 200
