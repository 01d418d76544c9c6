"""The invitation and password-reset pages: the NHS form pattern (error summary linked to the
fields, check before sending, confirmation panel), links that work once, and the same answer
for every address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.clock import frozen_at
from app.config import get_settings
from app.db import utcnow
from app.mail.models import MailKind
from tests.factories import PASSWORD
from tests.invitations.steps import (
    NEW_PASSWORD,
    choose_password,
    events,
    invite,
    latest_link,
    mails,
    user_by_email,
)
from tests.web.steps import assert_summary_reaches_fields, csrf_from, post_form, sign_in

EMAIL = "new.clinician@pct.nhs.test"
TYPED = {
    "full_name": "Dr Nia Evans",
    "email": EMAIL,
    "job_title": "GP, PEC member",
    "role": "clinician",
}


def _post_invitation(client: TestClient, data: dict, step: str = "check"):
    return post_form(client, "/invitations/new", "/invitations/new", data | {"step": step})


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Inviting ------------------------------------------------------------------------------------


def test_an_administrator_checks_the_invitation_then_sends_it_and_sees_the_panel(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.admin)
    form = client.get("/invitations/new")
    assert form.status_code == 200
    assert 'value="sha_reviewer"' in form.text and 'id="organisation_code"' in form.text
    typed = TYPED | {"organisation_code": world.practice.code.lower()}

    check = _post_invitation(client, typed)
    assert check.status_code == 200
    shown = _text(check.text)
    assert "Check the invitation before sending it" in shown
    assert "Dr Nia Evans" in shown and EMAIL in shown and world.practice.name in shown
    assert mails(session) == []

    change = _post_invitation(client, typed, "change")
    assert change.status_code == 200 and 'value="GP, PEC member"' in change.text

    sent = _post_invitation(client, typed, "confirm")
    assert sent.status_code == 303
    panel = client.get(sent.headers["location"])
    assert panel.status_code == 200
    assert "nhsuk-panel" in panel.text and "Invitation sent" in panel.text
    assert EMAIL in panel.text
    [mail] = mails(session, MailKind.INVITATION)
    assert mail.organisation_id == world.practice.id


def test_a_blank_invitation_is_refused_with_an_error_summary_linked_to_its_fields(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    response = _post_invitation(client, {"job_title": "Kept as typed"})
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert list(links) == ["full_name", "email", "role"]
    assert links["role"] == "Choose their role"
    assert 'value="Kept as typed"' in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", f"{EMAIL}\r\nBcc: everyone@nhs.test", "cannot contain a line break"),
        ("email", "Eve <eve@evil.test>", "in the correct format"),
        ("full_name", "Dr Nia\nBcc: everyone@nhs.test", "on one line"),
    ],
)
def test_header_injection_in_the_form_is_an_error_on_its_field(
    client: TestClient, session: Session, world, field: str, value: str, message: str
) -> None:
    sign_in(client, world.admin)
    typed = TYPED | {"organisation_code": world.a.pct.code, field: value}
    for step in ("check", "confirm"):
        response = _post_invitation(client, typed, step)
        assert response.status_code == 422
        links = assert_summary_reaches_fields(response.text)
        assert list(links) == [field] and message in links[field]
    assert mails(session) == []


def test_the_active_user_conflict_is_shown_on_the_email_field(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    typed = TYPED | {"email": world.a.lead.email, "organisation_code": world.a.pct.code}
    response = _post_invitation(client, typed)
    assert response.status_code == 409
    assert "already has an account" in assert_summary_reaches_fields(response.text)["email"]


def test_a_lead_chooses_among_its_roles_and_organisations(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    form = client.get("/invitations/new")
    assert form.status_code == 200
    assert 'value="clinician"' in form.text and 'value="board_member"' in form.text
    assert 'value="sha_reviewer"' not in form.text and 'value="pct_lead"' not in form.text
    assert f'value="{world.practice.code}"' in form.text
    assert f'value="{world.a.pct.code}"' in form.text
    assert f'value="{world.b.pct.code}"' not in form.text

    sent = _post_invitation(client, TYPED | {"organisation_code": world.practice.code}, "confirm")
    assert sent.status_code == 303
    assert client.get(sent.headers["location"]).status_code == 200


def test_a_lead_posting_another_role_or_pct_is_refused_on_that_field(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.a.lead)
    reviewer = TYPED | {"role": "sha_reviewer", "organisation_code": world.sha.code}
    other = TYPED | {"organisation_code": world.b.pct.code}
    for typed, field in ((reviewer, "role"), (other, "organisation_code")):
        response = _post_invitation(client, typed, "confirm")
        assert response.status_code == 403
        assert list(assert_summary_reaches_fields(response.text)) == [field]
    assert mails(session) == []


@pytest.mark.parametrize("who", ["board", "clinician", "reviewer"])
def test_people_who_do_not_invite_are_refused_the_form(client: TestClient, world, who) -> None:
    user = {"board": world.a.board, "clinician": world.a.clinician, "reviewer": world.reviewer}
    sign_in(client, user[who])
    assert client.get("/invitations/new").status_code == 403


def test_the_sent_page_is_not_found_for_a_lead_of_another_pct(client: TestClient, world) -> None:
    user_id = invite(client, world.admin, organisation_code=world.a.pct.code).json()["id"]
    sign_in(client, world.b.lead)
    assert client.get(f"/invitations/sent/{user_id}").status_code == 404


# Accepting -----------------------------------------------------------------------------------


def test_the_invited_person_chooses_a_password_and_can_sign_in(
    client: TestClient, session: Session, world
) -> None:
    invite(client, world.admin, organisation_code=world.a.pct.code)
    path = latest_link(session, EMAIL, MailKind.INVITATION)

    page = client.get(path)
    assert page.status_code == 200
    assert "Choose your password" in page.text and "Dr Nia Evans" in page.text
    assert page.headers["cache-control"] == "no-store"

    short = choose_password(client, path, "short")
    assert short.status_code == 422
    assert "at least 10 characters" in assert_summary_reaches_fields(short.text)["password"]
    different = choose_password(client, path, NEW_PASSWORD, "something-else-entirely")
    assert different.status_code == 422
    assert list(assert_summary_reaches_fields(different.text)) == ["password_confirm"]
    assert NEW_PASSWORD not in different.text

    done = choose_password(client, path)
    assert (done.status_code, done.headers["location"]) == (303, "/invitations/accepted")
    panel = client.get("/invitations/accepted")
    assert "Your account is ready" in panel.text and 'href="/login"' in panel.text
    user = user_by_email(session, EMAIL)
    assert sign_in(client, user, NEW_PASSWORD).status_code == 303

    again = client.get(path)
    assert again.status_code == 410 and "already been used" in again.text
    assert choose_password(client, path, "another-long-password").status_code == 410
    assert len(events(session, "invitation_accepted", user.id)) == 1


def test_an_invitation_expires_after_seven_days(
    client: TestClient, session: Session, world
) -> None:
    invite(client, world.admin, organisation_code=world.a.pct.code)
    path = latest_link(session, EMAIL, MailKind.INVITATION)
    with frozen_at(utcnow() + timedelta(days=6, hours=23)):
        assert client.get(path).status_code == 200
    with frozen_at(utcnow() + timedelta(days=7, minutes=1)):
        expired = client.get(path)
        refused = choose_password(client, path)
    assert expired.status_code == 410
    assert "This invitation has expired" in expired.text and "invite you again" in expired.text
    assert refused.status_code == 410
    assert not user_by_email(session, EMAIL).is_active


def test_the_invitation_lifetime_is_a_setting(
    client: TestClient, session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "invitation_days", 2)
    invite(client, world.admin, organisation_code=world.a.pct.code)
    path = latest_link(session, EMAIL, MailKind.INVITATION)
    with frozen_at(utcnow() + timedelta(days=2, minutes=1)):
        assert client.get(path).status_code == 410


@pytest.mark.parametrize(
    "path", ["/invitations/not-a-token", "/reset-password/x", "/invitations/%0A"]
)
def test_an_unknown_link_is_a_plain_not_found_page(client: TestClient, path: str) -> None:
    for response in (client.get(path), choose_password(client, path)):
        assert response.status_code == 404
        assert "This link is not valid" in response.text


# Forgotten passwords -------------------------------------------------------------------------


def test_the_sign_in_page_links_to_reset_a_forgotten_password(client: TestClient) -> None:
    page = client.get("/login")
    assert 'href="/forgot-password">Forgotten your password?' in page.text


def _ask(client: TestClient, email: str):
    return post_form(client, "/forgot-password", "/forgot-password", {"email": email})


def test_every_address_gets_the_same_answer(client: TestClient, session: Session, world) -> None:
    answers = [_ask(client, email) for email in (world.a.lead.email, "nobody@nowhere.nhs.test")]
    assert [(a.status_code, a.headers["location"]) for a in answers] == [
        (303, "/forgot-password/sent")
    ] * 2
    page = client.get("/forgot-password/sent")
    assert "If an account exists for that address, we have sent a link" in page.text
    assert [m.recipient for m in mails(session, MailKind.PASSWORD_RESET)] == [world.a.lead.email]


def test_a_reset_request_with_no_address_says_so_on_the_field(
    client: TestClient, session: Session
) -> None:
    for typed, message in (("", "Enter your email address"), ("nobody", "correct format")):
        response = _ask(client, typed)
        assert response.status_code == 422
        assert message in assert_summary_reaches_fields(response.text)["email"]
    assert mails(session) == []


def test_too_many_reset_requests_from_one_client_get_a_plain_429_page(
    client: TestClient, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "password_resets_per_address", 2)
    assert [_ask(client, f"p{n}@nhs.test").status_code for n in range(2)] == [303, 303]
    for email in (world.a.lead.email, "nobody@nhs.test"):
        refused = _ask(client, email)
        assert refused.status_code == 429
        assert "Too many requests to reset a password" in refused.text


def test_a_reset_signs_out_every_browser_and_the_link_works_once(
    client: TestClient, session: Session, world
) -> None:
    user = world.a.lead
    sign_in(client, user)
    assert client.get("/", follow_redirects=False).status_code == 200
    session_cookie = client.cookies.get("wcc_session")
    client.cookies.clear()
    _ask(client, user.email)
    path = latest_link(session, user.email, MailKind.PASSWORD_RESET)

    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.text
    done = choose_password(client, path)
    assert (done.status_code, done.headers["location"]) == (303, "/reset-password/done")
    assert "Your password has been changed" in client.get("/reset-password/done").text

    client.cookies.set("wcc_session", session_cookie or "")
    assert client.get("/evidence", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert sign_in(client, user, PASSWORD).status_code == 401  # the form again, refused
    assert sign_in(client, user, NEW_PASSWORD).status_code == 303
    used = client.get(path)
    assert used.status_code == 410 and "already been used" in used.text
    assert [e.entity_id for e in events(session, "password_reset")] == [user.id]


def test_a_reset_link_expires_after_an_hour_and_a_newer_one_replaces_it(
    client: TestClient, session: Session, world
) -> None:
    _ask(client, world.a.board.email)
    first = latest_link(session, world.a.board.email, MailKind.PASSWORD_RESET)
    with frozen_at(utcnow() + timedelta(minutes=61)):
        expired = client.get(first)
    assert expired.status_code == 410 and "This link has expired" in expired.text
    _ask(client, world.a.board.email)
    second = latest_link(session, world.a.board.email, MailKind.PASSWORD_RESET)
    replaced = client.get(first)
    assert replaced.status_code == 410 and "has been replaced" in replaced.text
    assert client.get(second).status_code == 200


def test_a_reset_link_stops_working_when_the_account_is_deactivated(
    client: TestClient, session: Session, world
) -> None:
    _ask(client, world.a.board.email)
    path = latest_link(session, world.a.board.email, MailKind.PASSWORD_RESET)
    world.a.board.is_active = False
    session.add(world.a.board)
    session.commit()
    assert client.get(path).status_code == 410
    assert choose_password(client, path).status_code == 410


def test_csrf_token_is_needed_to_choose_a_password(
    client: TestClient, session: Session, world
) -> None:
    invite(client, world.admin, organisation_code=world.a.pct.code)
    path = latest_link(session, EMAIL, MailKind.INVITATION)
    csrf_from(client.get(path).text)  # the browser now holds the form's cookie
    forged = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert forged.status_code == 403
    assert not user_by_email(session, EMAIL).is_active


def test_the_users_list_shows_a_waiting_invitee_as_invited_not_deactivated(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.admin)
    sent = _post_invitation(client, TYPED | {"organisation_code": world.a.pct.code}, "confirm")
    assert sent.status_code == 303
    listed = _text(client.get("/admin/users", params={"q": EMAIL}).text)
    assert "Invited, not yet joined" in listed
    assert "Reactivate" not in listed  # they join by their link, not by an administrator

    chosen = choose_password(client, latest_link(session, EMAIL, MailKind.INVITATION))
    assert chosen.status_code == 303
    sign_in(client, world.admin)
    listed = _text(client.get("/admin/users", params={"q": EMAIL}).text)
    assert "Invited, not yet joined" not in listed
