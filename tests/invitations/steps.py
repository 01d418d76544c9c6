"""Steps of the invitation and password-reset tests: the link a mail carries, the mails and
audit events written, and inviting through the API."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.invitations.models import OneTimeLink
from app.mail.models import MailKind, OutboxMail
from app.users.models import User
from tests.factories import auth
from tests.web.steps import csrf_from

NEW_PASSWORD = "a-long-new-passphrase"
LINK = re.compile(r"https?://[^/\s]+(/(?:invitations|reset-password)/[A-Za-z0-9_\-]+)")


def mails(
    session: Session, kind: MailKind | None = None, to: str | None = None
) -> list[OutboxMail]:
    statement = select(OutboxMail).order_by(col(OutboxMail.id))
    if kind is not None:
        statement = statement.where(col(OutboxMail.kind) == kind)
    if to is not None:
        statement = statement.where(col(OutboxMail.recipient) == to)
    return list(session.exec(statement).all())


def link_in(mail: OutboxMail) -> str:
    """The path of the one link a mail carries (the same in its text and HTML bodies)."""
    [path] = set(LINK.findall(mail.body_text))
    assert path in mail.body_html
    return path


def latest_link(session: Session, email: str, kind: MailKind) -> str:
    return link_in(mails(session, kind, email)[-1])


def events(session: Session, action: str, user_id: int | None = None) -> list[AuditEvent]:
    statement = select(AuditEvent).where(col(AuditEvent.action) == action)
    if user_id is not None:
        statement = statement.where(col(AuditEvent.entity_id) == user_id)
    return list(session.exec(statement.order_by(col(AuditEvent.id))).all())


def links_of(session: Session, user_id: int) -> list[OneTimeLink]:
    return list(
        session.exec(
            select(OneTimeLink)
            .where(col(OneTimeLink.user_id) == user_id)
            .order_by(col(OneTimeLink.id))
        ).all()
    )


def user_by_email(session: Session, email: str) -> User:
    user = session.exec(select(User).where(col(User.email) == email)).one()
    session.refresh(user)
    return user


def invitation(**overrides: Any) -> dict[str, Any]:
    return {
        "email": "new.clinician@pct.nhs.test",
        "full_name": "Dr Nia Evans",
        "role": "clinician",
        "job_title": "GP, PEC member",
    } | overrides


def invite(client: TestClient, by: User, **overrides: Any):
    return client.post("/api/v1/invitations", json=invitation(**overrides), headers=auth(by))


def sign_in_token(client: TestClient, email: str, password: str):
    return client.post("/api/v1/auth/token", data={"username": email, "password": password})


def choose_password(
    client: TestClient, path: str, password: str = NEW_PASSWORD, confirm: str | None = None
):
    """Post the password form of a mailed link, as its page would (the token of the form is
    read from a page that always has one: the link's own page may be an error page)."""
    token = csrf_from(client.get("/forgot-password").text)
    return client.post(
        path,
        data={
            "csrftoken": token,
            "password": password,
            "password_confirm": password if confirm is None else confirm,
        },
        follow_redirects=False,
    )
