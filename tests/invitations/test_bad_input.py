"""The invitation and password forms, posted with bad values field by field (blank, huge,
control characters, invalid UTF-8, left out), plain and as htmx, and their links with odd
tokens: never a 500, never a framework message, never a mail to an address not meant."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.mail.models import MailKind
from tests.invitations.steps import invite, latest_link, mails
from tests.web.steps import csrf_from, sign_in

HUGE = "Lorem ipsum " * 2_500
CONTROL = "a\x00b\x01c\x08d\x0be\x1b[31mf\x7fg\u202eh\ufeff\r\ni"
BAD_UTF8 = b"caf\xe9 \xff\xfe"
JARGON = re.compile(
    r"Value error|String should have|Input should be|type_error|\bloc\b|Traceback|pydantic"
    r"|validation error"
)
VALUES: list[str | bytes | None] = ["", " ", HUGE, "x" * 1_000_000, CONTROL, BAD_UTF8, None]
EMAIL = "new.clinician@pct.nhs.test"


def _body(fields: dict[str, str | bytes | None]) -> bytes:
    pairs = []
    for name, value in fields.items():
        if value is None:
            continue
        raw = value if isinstance(value, bytes) else value.encode()
        pairs.append(f"{quote(name)}={quote(raw, safe='')}")
    return "&".join(pairs).encode()


def _attempts(fields: dict[str, str]) -> Iterator[tuple[str, dict[str, str | bytes | None]]]:
    for name in fields:
        for value in VALUES:
            shown = repr(value)[:30]
            yield f"{name}={shown}", fields | {name: value}


def _check(client: TestClient, action: str, fields: dict[str, str], token: str) -> list[str]:
    failures = []
    for what, values in _attempts(fields):
        for headers in ({}, {"HX-Request": "true", "X-CSRFToken": token}):
            response = client.post(
                action,
                content=_body({"csrftoken": token} | values),
                headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
                follow_redirects=False,
            )
            if response.status_code >= 500 or JARGON.search(response.text):
                failures.append(f"{action} {what} {headers}: {response.status_code}")
            elif response.status_code >= 400 and "text/html" not in response.headers.get(
                "content-type", ""
            ):
                failures.append(f"{action} {what}: {response.status_code} not a page")
    return failures


@pytest.mark.parametrize("who", ["admin", "lead"])
def test_the_invitation_form_survives_bad_values(
    client: TestClient, session: Session, world, who: str
) -> None:
    user = {"admin": world.admin, "lead": world.a.lead}[who]
    sign_in(client, user)
    token = csrf_from(client.get("/invitations/new").text)
    fields = {
        "full_name": "Dr Nia Evans",
        "email": EMAIL,
        "job_title": "GP",
        "role": "clinician",
        "organisation_code": world.a.pct.code,
        "step": "check",
    }
    assert _check(client, "/invitations/new", fields, token) == []
    assert {m.recipient for m in mails(session)} <= {EMAIL}


def test_the_password_forms_survive_bad_values(client: TestClient, session: Session, world) -> None:
    invite(client, world.admin, organisation_code=world.a.pct.code)
    client.post("/api/v1/password-resets", json={"email": world.a.board.email})
    invitation = latest_link(session, EMAIL, MailKind.INVITATION)
    reset = latest_link(session, world.a.board.email, MailKind.PASSWORD_RESET)
    token = csrf_from(client.get("/forgot-password").text)
    fields = {"password": "long-enough-password", "password_confirm": "long-enough-passwore"}
    failures = _check(client, invitation, fields, token) + _check(client, reset, fields, token)
    failures += _check(client, "/forgot-password", {"email": world.a.board.email}, token)
    assert failures == []
    assert {m.recipient for m in mails(session)} == {EMAIL, world.a.board.email}


@pytest.mark.parametrize(
    "token", ["x" * 10_000, "%00", "%0D%0ALocation:%20/evil", "%E2%80%AE", "..%2F..%2Flogin", "0"]
)
@pytest.mark.parametrize("base", ["/invitations/", "/reset-password/"])
def test_odd_tokens_get_the_plain_not_valid_page(client: TestClient, base: str, token: str) -> None:
    form = csrf_from(client.get("/forgot-password").text)
    for response in (
        client.get(base + token, follow_redirects=False),
        client.post(
            base + token,
            content=urlencode({"csrftoken": form, "password": "p" * 12, "password_confirm": "q"}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        ),
    ):
        assert response.status_code == 404, response.text[:200]
        assert "This link is not valid" in response.text or "Page not found" in response.text
        assert "location" not in response.headers
