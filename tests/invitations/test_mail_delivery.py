"""Invitations and reset links really go out: committed, delivered by the worker through a
real SMTP server on loopback, and the link in the mail as received opens the account."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from email.message import EmailMessage

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.auth.service import actor_for_user
from app.invitations import service
from app.mail.worker import deliver_due
from app.users.models import Role
from tests import factories
from tests.databases import app_on
from tests.invitations.steps import LINK, NEW_PASSWORD, choose_password, sign_in_token
from tests.mail.smtp_server import LoopbackSmtp


def _link(message: EmailMessage) -> str:
    """The path of the one absolute link (``WCC_BASE_URL`` + path) in both bodies."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    [path] = set(LINK.findall(text.get_content()))
    assert path in html.get_content()
    return path


def _address() -> str:
    return f"invited.{secrets.token_hex(4)}@pct.nhs.test"


def test_an_invitation_is_delivered_and_its_link_opens_the_account(
    sessions: Callable[[], Session], smtp: LoopbackSmtp, mail_engine: Engine
) -> None:
    email = _address()
    with sessions() as session:
        pct = factories.make_pct(session)
        admin = factories.make_user(session, role=Role.ADMIN)
        actor = actor_for_user(session, admin.id or 0)
        assert actor is not None
        service.invite(
            session,
            actor,
            email=email,
            full_name="Dr Nia Evans",
            role=Role.CLINICIAN,
            organisation_code=pct.code,
        )

    assert deliver_due(sessions, smtp_url=smtp.url) == 1

    [received] = smtp.received
    assert received.rcpt_tos == (email,)
    assert received.message["To"] == f"Dr Nia Evans <{email}>"
    assert received.message["Subject"] == "You are invited to the WCC Assurance Tracker"
    path = _link(received.message)
    with TestClient(app_on(mail_engine)) as client:
        assert client.get(path).status_code == 200
        assert choose_password(client, path).status_code == 303
        assert sign_in_token(client, email, NEW_PASSWORD).status_code == 200


def test_a_reset_link_is_delivered_only_to_the_account_address(
    sessions: Callable[[], Session], smtp: LoopbackSmtp, mail_engine: Engine
) -> None:
    with sessions() as session:
        lead = factories.make_user(
            session, role=Role.PCT_LEAD, organisation=factories.make_pct(session)
        )
    with TestClient(app_on(mail_engine)) as client:
        for email in (lead.email.upper(), _address()):
            response = client.post("/api/v1/password-resets", json={"email": email})
            assert response.status_code == 202

        assert deliver_due(sessions, smtp_url=smtp.url) == 1

        [received] = smtp.received
        assert received.rcpt_tos == (lead.email,)
        path = _link(received.message)
        assert path.startswith("/reset-password/")
        assert choose_password(client, path).status_code == 303
        assert sign_in_token(client, lead.email, NEW_PASSWORD).status_code == 200
        assert client.get(path).status_code == 410
