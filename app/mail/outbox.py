"""Writing a mail into the outbox, in the caller's transaction: the mail is sent only if the
change that causes it commits, and never twice for the same ``dedup_key``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.mail import compose
from app.mail.models import MailKind, OutboxMail


def enqueue(
    session: Session,
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    kind: MailKind,
    organisation_id: int | None = None,
    dedup_key: str | None = None,
    user_id: int | None = None,
    to_name: str | None = None,
) -> OutboxMail | None:
    """Add a mail to the session; the caller's command commits it with its change.

    With a ``dedup_key`` already in the outbox nothing is added and None is returned; the
    caller's transaction goes on unharmed (an insert that does nothing on conflict, on SQLite
    and PostgreSQL alike). An address that is not exactly one address is refused
    (``InvalidInput``); line breaks in the name or subject become spaces.
    """
    to_whom = compose.recipient(to, to_name)
    rendered = compose.render(template, context)
    mail = OutboxMail(
        recipient=to_whom.address,
        recipient_name=to_whom.name,
        recipient_user_id=user_id,
        subject=compose.subject_line(subject),
        body_text=rendered.text,
        body_html=rendered.html,
        kind=kind,
        organisation_id=organisation_id,
        dedup_key=dedup_key,
    )
    if dedup_key is None:
        session.add(mail)
        return mail
    return _add_once(session, mail)


def _add_once(session: Session, mail: OutboxMail) -> OutboxMail | None:
    table = OutboxMail.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**mail.model_dump(exclude={"id"}))
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(table.c.id)
    )
    new_id = session.execute(statement).scalar_one_or_none()
    return None if new_id is None else session.get(OutboxMail, new_id)
