"""Browser sign-in: the form, sessions, throttling, CSRF, and where visitors are sent."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.csrf import skip as skips_csrf
from app.users import service as user_service
from tests.web.steps import csrf_from, sign_in


def test_a_signed_out_visitor_is_sent_to_sign_in_and_brought_back(
    client: TestClient, world
) -> None:
    response = client.get("/evidence?q=diabetes", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/evidence%3Fq%3Ddiabetes"
    page = client.get(response.headers["location"])
    assert 'name="next" value="/evidence?q=diabetes"' in page.text
    signed = client.post(
        "/login",
        data={
            "email": world.a.lead.email,
            "password": "correct-horse-battery",
            "next": "/evidence?q=diabetes",
            "csrftoken": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/evidence?q=diabetes"
    cookie = signed.headers["set-cookie"]
    assert "wcc_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_sign_in_page_has_the_labelled_fields(client: TestClient) -> None:
    html = client.get("/login").text
    assert '<label class="nhsuk-label" for="email">' in html and "Email address" in html
    assert 'for="password"' in html and "Password" in html
    assert ">\n    Sign in\n" in html or ">Sign in<" in html or "Sign in</button>" in html


def test_next_cannot_send_the_user_to_another_site(client: TestClient, world) -> None:
    page = client.get("/login?next=//evil.example/")
    assert 'name="next" value="/"' in page.text


def test_wrong_password_shows_the_error_summary(client: TestClient, world) -> None:
    response = sign_in(client, world.a.lead, password="not-the-password")
    assert response.status_code == 401
    assert "There is a problem" in response.text
    assert "Incorrect email address or password" in response.text


def test_sign_in_without_the_csrf_token_is_refused(client: TestClient, world) -> None:
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": world.a.lead.email, "password": "correct-horse-battery"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "This form has expired" in response.text


def test_reads_of_data_hand_out_no_form_token_and_a_cookie_post_is_still_checked(
    client: TestClient, world
) -> None:
    """Data reads skip the CSRF machinery (they show no form); writes with the session cookie
    are refused without the token, whatever the address."""
    assert skips_csrf({"path": "/api/v1/evidence", "method": "GET"})
    assert skips_csrf({"path": "/healthz/database", "method": "HEAD"})
    assert not skips_csrf({"path": "/api/v1/evidence", "method": "POST"})
    assert not skips_csrf({"path": "/evidence", "method": "GET"})
    sign_in(client, world.a.lead)
    refused = client.post(
        "/api/v1/evidence",
        json={"organisation_code": world.a.pct.code, "title": "Forged"},
        headers={"X-CSRFToken": "not-the-token"},
    )
    assert refused.status_code == 403


def test_repeated_failures_lock_the_account_with_a_clear_message(client: TestClient, world) -> None:
    for _ in range(5):
        assert sign_in(client, world.a.lead, password="guess-guess-guess").status_code == 401
    locked = sign_in(client, world.a.lead)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts from here. Wait 15 minutes" in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    api = client.post(
        "/api/v1/auth/token",
        data={"username": world.a.lead.email, "password": "correct-horse-battery"},
    )
    assert api.status_code == 429
    assert api.json()["detail"] in locked.text
    assert 0 < int(api.headers["Retry-After"]) <= 15 * 60


def test_an_account_locked_from_one_address_signs_in_from_another(
    client: TestClient, world
) -> None:
    for _ in range(5):
        assert sign_in(client, world.a.lead, password="guess-guess-guess").status_code == 401
    elsewhere = TestClient(client.app, client=("203.0.113.20", 50000))
    signed = sign_in(elsewhere, world.a.lead)
    assert signed.status_code == 303
    assert "wcc_session=" in signed.headers["set-cookie"]


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client: TestClient, world) -> None:
    signed = sign_in(client, world.a.lead)
    cookie = signed.cookies["wcc_session"]
    assert client.get("/", follow_redirects=False).status_code == 200
    home = client.get("/")
    response = client.post(
        "/logout", data={"csrftoken": csrf_from(home.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    client.cookies.set("wcc_session", cookie)
    again = client.get("/evidence", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")


def test_deactivation_ends_the_users_sessions(client: TestClient, session: Session, world) -> None:
    sign_in(client, world.a.lead)
    assert client.get("/evidence", follow_redirects=False).status_code == 200
    user_service.update_user(session, SYSTEM, world.a.lead.id, is_active=False)
    assert client.get("/evidence", follow_redirects=False).status_code == 303
