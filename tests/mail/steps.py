"""Mail written the way the application writes it: enqueued in a transaction, committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.mail.models import MailKind, OutboxAttempt, OutboxMail
from app.mail.outbox import enqueue


def notice(**overrides: Any) -> dict[str, Any]:
    """The arguments of ``enqueue`` for a notice mail, with ``overrides``."""
    return {
        "to": "jane.lead@pct.nhs.test",
        "subject": "Your assessment was returned",
        "template": "notice",
        "context": {
            "heading": "Your assessment was returned",
            "paragraphs": ["The SHA asks for more on competency 4."],
            "action_path": "/assessments/7",
            "action_label": "Open the assessment",
        },
        "kind": MailKind.RETURNED,
    } | overrides


def write_mail(sessions: Callable[[], Session], count: int = 1, **overrides: Any) -> list[int]:
    """Enqueue ``count`` notices and commit them; their ids."""
    with sessions() as session:
        mails = [
            enqueue(session, **notice(**({"subject": f"Notice {n}"} | overrides)))
            for n in range(count)
        ]
        session.commit()
        return [mail.id or 0 for mail in mails if mail is not None]


def all_mail(sessions: Callable[[], Session]) -> list[OutboxMail]:
    with sessions() as session:
        return list(session.exec(select(OutboxMail).order_by(col(OutboxMail.id))).all())


def attempts_of(sessions: Callable[[], Session], mail_id: int) -> list[OutboxAttempt]:
    with sessions() as session:
        statement = (
            select(OutboxAttempt)
            .where(col(OutboxAttempt.mail_id) == mail_id)
            .order_by(col(OutboxAttempt.id))
        )
        return list(session.exec(statement).all())


def mail_count(sessions: Callable[[], Session]) -> int:
    with sessions() as session:
        return session.exec(select(sa.func.count()).select_from(OutboxMail)).one()
