"""Invitations and password-reset requests through the JSON API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.tokens import issue_token
from app.clock import frozen_at
from app.config import get_settings
from app.db import utcnow
from app.invitations.repository import token_hash
from app.mail.models import MailKind
from tests.factories import PASSWORD, make_user
from tests.invitations.steps import (
    NEW_PASSWORD,
    choose_password,
    events,
    invite,
    latest_link,
    links_of,
    mails,
    sign_in_token,
    user_by_email,
)

EMAIL = "new.clinician@pct.nhs.test"


# Invitations ---------------------------------------------------------------------------------


def test_an_administrator_invites_a_clinician_who_cannot_sign_in_until_the_link_is_used(
    client: TestClient, session: Session, world
) -> None:
    response = invite(client, world.admin, organisation_code=world.a.pct.code)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == EMAIL and body["is_active"] is False
    assert body["role"] == "clinician" and body["organisation_code"] == world.a.pct.code
    assert "token" not in response.text.lower()
    [mail] = mails(session, MailKind.INVITATION)
    assert (mail.recipient, mail.recipient_name) == (EMAIL, "Dr Nia Evans")
    assert mail.organisation_id == world.a.pct.id and mail.recipient_user_id == body["id"]
    assert "has invited you to join as clinician at" in mail.body_text
    path = latest_link(session, EMAIL, MailKind.INVITATION)
    token = path.rsplit("/", 1)[1]
    [link] = links_of(session, body["id"])
    assert link.token_sha256 == token_hash(token) and token not in link.token_sha256
    assert link.expires_at - link.created_at == timedelta(days=7)
    assert sign_in_token(client, EMAIL, NEW_PASSWORD).status_code == 401

    assert choose_password(client, path).status_code == 303

    assert sign_in_token(client, EMAIL, NEW_PASSWORD).status_code == 200
    user = user_by_email(session, EMAIL)
    assert user.is_active and user.job_title == "GP, PEC member"
    [sent] = events(session, "invitation_sent", user.id)
    assert sent.actor_id == world.admin.id and sent.organisation_id == world.a.pct.id
    [accepted] = events(session, "invitation_accepted", user.id)
    assert accepted.actor_id == user.id
    assert "password_hash" not in str(sent.after) and "password_hash" not in str(accepted.after)


def test_an_administrator_invites_any_role_to_any_organisation(client: TestClient, world) -> None:
    reviewer = invite(
        client,
        world.admin,
        email="rev@sha.nhs.test",
        role="sha_reviewer",
        organisation_code=world.other_sha.code,
    )
    admin = invite(client, world.admin, email="admin2@nhs.test", role="admin")
    assert (reviewer.status_code, admin.status_code) == (201, 201), admin.text
    assert admin.json()["organisation_code"] is None


def test_a_pct_lead_invites_a_board_member_and_a_clinician_of_its_practice(
    client: TestClient, session: Session, world
) -> None:
    board = invite(
        client,
        world.a.lead,
        email="nxd@pct.nhs.test",
        role="board_member",
        organisation_code=world.a.pct.code,
    )
    clinician = invite(client, world.a.lead, organisation_code=world.practice.code)

    assert (board.status_code, clinician.status_code) == (201, 201), clinician.text
    assert clinician.json()["organisation_code"] == world.practice.code
    practice_mail = mails(session, MailKind.INVITATION, EMAIL)[-1]
    assert practice_mail.organisation_id == world.practice.id
    [event] = events(session, "invitation_sent", clinician.json()["id"])
    assert event.organisation_id == world.a.pct.id  # in the lead's own audit trail


@pytest.mark.parametrize(
    ("role", "organisation", "field"),
    [
        ("sha_reviewer", "sha", "role"),
        ("pct_lead", "pct", "role"),
        ("admin", None, "role"),
        ("clinician", "other_pct", "organisation_code"),
        ("board_member", "other_pct", "organisation_code"),
    ],
)
def test_a_pct_lead_is_refused_other_roles_and_other_pcts(
    client: TestClient, session: Session, world, role: str, organisation: str | None, field: str
) -> None:
    code = {"sha": world.sha.code, "pct": world.a.pct.code, "other_pct": world.b.pct.code}
    response = invite(
        client,
        world.a.lead,
        role=role,
        organisation_code=code[organisation] if organisation else None,
    )
    assert response.status_code == 403, response.text
    assert response.json()["field"] == field
    assert mails(session, MailKind.INVITATION) == []


@pytest.mark.parametrize("who", ["board", "clinician", "reviewer"])
def test_only_administrators_and_pct_leads_invite(client: TestClient, world, who: str) -> None:
    user = {"board": world.a.board, "clinician": world.a.clinician, "reviewer": world.reviewer}
    response = invite(client, user[who], organisation_code=world.a.pct.code)
    assert response.status_code == 403
    assert response.json()["detail"].endswith("cannot invite people")


def test_inviting_the_address_of_an_active_user_is_a_conflict(
    client: TestClient, session: Session, world
) -> None:
    response = invite(
        client, world.admin, email=world.a.board.email.upper(), organisation_code=world.a.pct.code
    )
    assert response.status_code == 409
    assert response.json()["field"] == "email"
    assert "already has an account" in response.json()["detail"]
    assert mails(session) == []


def test_inviting_a_deactivated_account_is_a_conflict(
    client: TestClient, session: Session, world
) -> None:
    gone = make_user(
        session, role=world.a.clinician.role, organisation=world.a.pct, is_active=False
    )
    response = invite(client, world.admin, email=gone.email, organisation_code=world.a.pct.code)
    assert response.status_code == 409 and "deactivated" in response.json()["detail"]


def test_inviting_again_sends_a_new_link_and_the_old_one_stops_working(
    client: TestClient, session: Session, world
) -> None:
    first = invite(client, world.a.lead, organisation_code=world.a.pct.code)
    old = latest_link(session, EMAIL, MailKind.INVITATION)
    again = invite(
        client, world.a.lead, full_name="Dr Nia Evans-Price", organisation_code=world.practice.code
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["full_name"] == "Dr Nia Evans-Price"
    assert again.json()["organisation_code"] == world.practice.code
    new = latest_link(session, EMAIL, MailKind.INVITATION)
    assert new != old
    replaced = client.get(old)
    assert replaced.status_code == 410 and "has been replaced" in replaced.text
    assert choose_password(client, old).status_code == 410
    assert choose_password(client, new).status_code == 303
    assert [link.used_at is not None for link in links_of(session, first.json()["id"])] == [
        False,
        True,
    ]


def test_a_lead_cannot_resend_an_invitation_waiting_at_another_pct(
    client: TestClient, session: Session, world
) -> None:
    assert invite(client, world.b.lead, organisation_code=world.b.pct.code).status_code == 201
    response = invite(client, world.a.lead, organisation_code=world.a.pct.code)
    assert response.status_code == 409
    assert "another organisation" in response.json()["detail"]
    assert len(mails(session, MailKind.INVITATION)) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "new.clinician@pct.nhs.test\r\nBcc: everyone@nhs.test"}, "email"),
        ({"email": "new.clinician@pct.nhs.test\nTo: x@evil.test"}, "email"),
        ({"email": "Eve <eve@evil.test>"}, "email"),
        ({"email": "a@pct.nhs.test, b@evil.test"}, "email"),
        ({"email": "no-at-sign.nhs.test"}, "email"),
        ({"full_name": "Dr Nia\r\nBcc: everyone@nhs.test"}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"job_title": "GP\nBcc: x@evil.test"}, "job_title"),
        ({"organisation_code": "NOPE"}, "organisation_code"),
    ],
)
def test_header_injection_and_bad_addresses_are_refused_naming_the_field(
    client: TestClient, session: Session, world, overrides: dict, field: str
) -> None:
    response = invite(client, world.admin, **({"organisation_code": world.a.pct.code} | overrides))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert mails(session) == []


# Password reset ------------------------------------------------------------------------------


def _reset(client: TestClient, email: str):
    return client.post("/api/v1/password-resets", json={"email": email})


def test_a_reset_is_answered_the_same_whether_or_not_the_address_has_an_account(
    client: TestClient, session: Session, world
) -> None:
    asleep = make_user(session, role=world.a.board.role, organisation=world.a.pct, is_active=False)
    answers = [
        _reset(client, email)
        for email in (world.a.board.email, "nobody@nowhere.nhs.test", asleep.email)
    ]

    assert {r.status_code for r in answers} == {202}
    assert len({r.text for r in answers}) == 1
    [mail] = mails(session, MailKind.PASSWORD_RESET)
    assert mail.recipient == world.a.board.email and mail.recipient_user_id == world.a.board.id
    assert "/reset-password/" in mail.body_text and "works once, for 1 hour" in mail.body_text
    [event] = events(session, "password_reset_requested")
    assert event.entity_id == world.a.board.id


def test_a_reset_request_that_is_not_an_address_is_refused_naming_the_field(
    client: TestClient, session: Session
) -> None:
    for email in (" ", "someone", "a@b.test\r\nBcc: c@d.test"):
        response = _reset(client, email)
        assert response.status_code == 422, email
    assert mails(session) == []


def test_reset_requests_are_throttled_per_address_typed_without_saying_so(
    client: TestClient, session: Session, world
) -> None:
    limit = get_settings().password_resets_per_account
    answers = {_reset(client, world.a.board.email).status_code for _ in range(limit + 2)}
    assert answers == {202}
    assert len(mails(session, MailKind.PASSWORD_RESET)) == limit


def test_reset_requests_are_throttled_per_client_with_a_429(
    client: TestClient, session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "password_resets_per_address", 3)
    statuses = [_reset(client, f"person{n}@nhs.test").status_code for n in range(3)]
    refused = _reset(client, world.a.board.email)
    assert statuses == [202, 202, 202]
    assert refused.status_code == 429 and "Wait 60 minutes" in refused.json()["detail"]
    assert mails(session) == []


def test_the_throttle_window_passes(
    client: TestClient, session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "password_resets_per_address", 1)
    assert _reset(client, world.a.board.email).status_code == 202
    assert _reset(client, world.a.board.email).status_code == 429
    with frozen_at(utcnow() + timedelta(minutes=61)):
        assert _reset(client, world.a.board.email).status_code == 202
    assert len(mails(session, MailKind.PASSWORD_RESET)) == 2


def test_a_reset_ends_the_api_tokens_issued_before_it(
    client: TestClient, session: Session, world
) -> None:
    user = world.a.board
    with frozen_at(utcnow() - timedelta(minutes=5)):
        old_token = issue_token(user.id, generation=user.credential_generation)
    old = {"Authorization": f"Bearer {old_token}"}
    assert client.get("/api/v1/users/me", headers=old).status_code == 200
    _reset(client, user.email)

    assert (
        choose_password(
            client, latest_link(session, user.email, MailKind.PASSWORD_RESET)
        ).status_code
        == 303
    )

    assert client.get("/api/v1/users/me", headers=old).status_code == 401
    assert sign_in_token(client, user.email, PASSWORD).status_code == 401
    fresh = sign_in_token(client, user.email, NEW_PASSWORD)
    assert fresh.status_code == 200
    headers = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
