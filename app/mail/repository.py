"""Every read of the outbox, for administrators: the latest mails with a count of each
status, and one mail with its attempts. Each in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.errors import NotFound
from app.mail.models import MailKind, MailStatus, OutboxAttempt, OutboxMail
from app.permissions import Action, require

PAGE_SIZE = 100


@dataclass(frozen=True)
class OutboxList:
    mails: tuple[OutboxMail, ...]
    counts: dict[MailStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MailRecord:
    mail: OutboxMail
    attempts: tuple[OutboxAttempt, ...]


def latest_mail(
    session: Session,
    actor: Actor,
    *,
    status: MailStatus | None = None,
    kind: MailKind | None = None,
    limit: int = PAGE_SIZE,
) -> OutboxList:
    """The newest ``limit`` mails of a status and kind (any, when None), newest first, and
    how many there are of each status (of that kind)."""
    require(actor, Action.READ_OUTBOX)
    of_kind = [] if kind is None else [col(OutboxMail.kind) == kind]
    of_status = [] if status is None else [col(OutboxMail.status) == status]
    mails = session.exec(
        select(OutboxMail)
        .where(*of_kind, *of_status)
        .order_by(col(OutboxMail.created_at).desc(), col(OutboxMail.id).desc())
        .limit(limit)
    ).all()
    counted = session.exec(
        select(OutboxMail.status, sa.func.count()).where(*of_kind).group_by(col(OutboxMail.status))
    ).all()
    counts = dict.fromkeys(MailStatus, 0) | {MailStatus(status): n for status, n in counted}
    return OutboxList(mails=tuple(mails), counts=counts)


def mail_record(session: Session, actor: Actor, mail_id: int) -> MailRecord:
    """One mail and its attempts, oldest first (404 if there is no such mail)."""
    require(actor, Action.READ_OUTBOX)
    mail = session.get(OutboxMail, mail_id)
    if mail is None:
        raise NotFound(f"Mail {mail_id} not found")
    attempts = session.exec(
        select(OutboxAttempt)
        .where(col(OutboxAttempt.mail_id) == mail_id)
        .order_by(col(OutboxAttempt.attempted_at), col(OutboxAttempt.id))
    ).all()
    return MailRecord(mail=mail, attempts=tuple(attempts))
