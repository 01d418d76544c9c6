"""The form token of a signed-in browser belongs to its session: a new one is issued at sign-in
and at sign-out, and a token read or planted before sign-in, or another session's, is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.users.models import User
from tests.factories import PASSWORD
from tests.web.steps import csrf_from

HX = {"HX-Request": "true"}


def given_a_browser_signed_in(client: TestClient, user: User) -> tuple[str, str]:
    """Sign in with the form; the token the sign-in page carried, and the one the page
    after sign-in carries."""
    before = csrf_from(client.get("/login").text)
    signed = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "next": "/", "csrftoken": before},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    after = csrf_from(client.get("/").text)
    return before, after


def _still_signed_in(client: TestClient) -> bool:
    return client.get("/evidence", follow_redirects=False).status_code == 200


def test_a_token_from_before_sign_in_is_refused_after_it(client: TestClient, world) -> None:
    before, _ = given_a_browser_signed_in(client, world.a.lead)
    refused = client.post("/logout", data={"csrftoken": before}, follow_redirects=False)
    assert refused.status_code == 403
    assert "This form has expired" in refused.text
    assert _still_signed_in(client)


def test_a_token_planted_in_the_cookie_before_sign_in_is_refused_after_it(
    client: TestClient, world
) -> None:
    """A token the attacker knows, set as the csrftoken cookie (from a sibling subdomain, or
    on a shared machine), is worth nothing once the victim has signed in."""
    planted = csrf_from(client.get("/login").text)
    given_a_browser_signed_in(client, world.a.lead)
    client.cookies.delete("csrftoken")
    client.cookies.set("csrftoken", planted)
    refused = client.post("/logout", data={"csrftoken": planted}, follow_redirects=False)
    assert refused.status_code == 403
    assert _still_signed_in(client)


def test_sign_in_issues_a_new_token_and_the_page_after_it_carries_it(
    client: TestClient, world
) -> None:
    before = csrf_from(client.get("/login").text)
    signed = client.post(
        "/login",
        data={"email": world.a.lead.email, "password": PASSWORD, "next": "/", "csrftoken": before},
        follow_redirects=False,
    )
    issued = signed.cookies.get("csrftoken")
    after = csrf_from(client.get("/").text)
    assert issued and issued != before and after == issued
    assert client.post(
        "/logout", data={"csrftoken": after}, follow_redirects=False
    ).status_code == (303)
    assert not _still_signed_in(client)


def test_a_token_from_one_users_session_is_refused_with_anothers(client: TestClient, world) -> None:
    _, token_of_a = given_a_browser_signed_in(client, world.a.lead)
    other = TestClient(client.app)
    given_a_browser_signed_in(other, world.b.lead)
    other.cookies.delete("csrftoken")
    other.cookies.set("csrftoken", token_of_a)
    refused = other.post("/stay-signed-in", headers={"X-CSRFToken": token_of_a})
    assert refused.status_code == 403
    refused = other.post("/logout", data={"csrftoken": token_of_a}, follow_redirects=False)
    assert refused.status_code == 403
    assert _still_signed_in(other)


def test_the_htmx_header_carries_the_sessions_token(client: TestClient, world) -> None:
    before, after = given_a_browser_signed_in(client, world.a.lead)
    home = client.get("/").text
    assert f'"X-CSRFToken": "{after}"' in home
    assert client.post("/stay-signed-in", headers={**HX, "X-CSRFToken": before}).status_code == 403
    assert client.post("/stay-signed-in", headers={**HX, "X-CSRFToken": after}).status_code == 204


def test_sign_out_issues_a_new_token(client: TestClient, world) -> None:
    _, signed_in_token = given_a_browser_signed_in(client, world.a.lead)
    out = client.post("/logout", data={"csrftoken": signed_in_token}, follow_redirects=False)
    assert out.status_code == 303
    assert "csrftoken" not in client.cookies or client.cookies["csrftoken"] != signed_in_token
    fresh = csrf_from(client.get("/login").text)
    assert fresh != signed_in_token
    again = client.post(
        "/login",
        data={"email": world.a.lead.email, "password": PASSWORD, "next": "/", "csrftoken": fresh},
        follow_redirects=False,
    )
    assert again.status_code == 303
