"""Reads of threads: an assessment's conversations with their messages, and what the
reader has not yet read, in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.assessments import repository as assessments
from app.threads.models import Thread, ThreadMessage, ThreadRead


@dataclass(frozen=True)
class Conversation:
    thread: Thread
    messages: tuple[ThreadMessage, ...]
    unread: int
    names: dict[int, str]

    @property
    def id(self) -> int:
        return self.thread.id or 0

    @property
    def question(self) -> ThreadMessage | None:
        return self.messages[0] if self.messages else None

    def author(self, message: ThreadMessage) -> str:
        return self.names.get(message.author_id or 0, "A former user")


def _last_read(session: Session, user_id: int | None, thread_ids: list[int]) -> dict[int, int]:
    if user_id is None or not thread_ids:
        return {}
    rows = session.exec(
        select(ThreadRead.thread_id, ThreadRead.last_read_message_id).where(
            col(ThreadRead.user_id) == user_id, col(ThreadRead.thread_id).in_(thread_ids)
        )
    ).all()
    return dict(rows)


def conversations(
    session: Session, assessment_id: int, user_id: int | None, *, competency: int | None = None
) -> list[Conversation]:
    """The assessment's threads, newest activity first (only one competency's, given one),
    each with its messages and how many of them, written by others, ``user_id`` has not
    read. Four statements whatever the number of threads."""
    query = select(Thread).where(col(Thread.assessment_id) == assessment_id)
    if competency is not None:
        query = query.where(col(Thread.competency_number) == competency)
    threads = list(session.exec(query.order_by(col(Thread.last_message_at).desc())).all())
    ids = [t.id for t in threads if t.id is not None]
    if not ids:
        return []
    messages: dict[int, list[ThreadMessage]] = defaultdict(list)
    for message in session.exec(
        select(ThreadMessage)
        .where(col(ThreadMessage.thread_id).in_(ids))
        .order_by(col(ThreadMessage.id))
    ).all():
        messages[message.thread_id].append(message)
    read = _last_read(session, user_id, ids)
    names = assessments.names(session, [m.author_id for found in messages.values() for m in found])
    return [
        Conversation(
            thread,
            tuple(messages[thread.id or 0]),
            sum(
                1
                for m in messages[thread.id or 0]
                if m.author_id != user_id and (m.id or 0) > read.get(thread.id or 0, 0)
            ),
            names,
        )
        for thread in threads
    ]


def unread_counts(
    session: Session, assessment_id: int, user_id: int | None
) -> dict[int | None, int]:
    """Unread messages by competency number (None: general threads), for one reader, in one
    statement."""
    if user_id is None:
        return {}
    last_read = (
        select(ThreadRead.last_read_message_id)
        .where(
            col(ThreadRead.thread_id) == Thread.id,
            col(ThreadRead.user_id) == user_id,
        )
        .scalar_subquery()
    )
    rows = session.exec(
        select(Thread.competency_number, sa.func.count(col(ThreadMessage.id)))
        .join(ThreadMessage, col(ThreadMessage.thread_id) == Thread.id)
        .where(
            col(Thread.assessment_id) == assessment_id,
            sa.or_(col(ThreadMessage.author_id).is_(None), col(ThreadMessage.author_id) != user_id),
            col(ThreadMessage.id) > sa.func.coalesce(last_read, 0),
        )
        .group_by(col(Thread.competency_number))
    ).all()
    return {number: total for number, total in rows}


def latest_message_id(session: Session, thread_id: int) -> int:
    return (
        session.exec(
            select(sa.func.max(ThreadMessage.id)).where(col(ThreadMessage.thread_id) == thread_id)
        ).one()
        or 0
    )
