"""Threads: either side of an assessment (its PCT, its SHA's reviewers) asks a question, on
the assessment or one of its competencies, and the other answers. Nobody else sees them.

A thread may be opened and answered once the SHA can see the assessment (its first
submission) and until the review is final.
"""

from __future__ import annotations

from sqlmodel import Session

from app import audit
from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import Assessment, AssessmentStatus
from app.db import begin_write, utcnow
from app.errors import InvalidInput, NotFound, WorkflowError
from app.framework import service as framework_service
from app.mail import notices
from app.permissions import Action, may_read_threads, require_on_assessment
from app.threads import repository
from app.threads.models import Thread, ThreadMessage, ThreadRead
from app.threads.repository import Conversation


def _open_for_talk(assessment: Assessment) -> None:
    if assessment.submitted_at is None:
        raise WorkflowError(
            "The SHA sees this assessment once it is submitted: ask your question then"
        )
    if assessment.status is AssessmentStatus.FINALISED:
        raise WorkflowError("The review is final: its questions are closed")


def _party(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment, locked, once the actor is on one side of it and may write now."""
    begin_write(session)
    assessment = assessments.get_assessment(session, actor, assessment_id, for_update=True)
    pct = assessments.pct_of(session, assessment)
    require_on_assessment(actor, Action.DISCUSS, pct, assessment_id)
    _open_for_talk(assessment)
    return assessment


def _write(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    thread: Thread,
    text: str,
    *,
    first: bool = False,
) -> ThreadMessage:
    now = utcnow()
    message = ThreadMessage(
        thread_id=thread.id or 0,
        author_id=actor.user_id,
        from_sha=not actor.is_pct_side,
        body=text,
        sent_at=now,
    )
    session.add(message)
    thread.last_message_at = now
    session.add(thread)
    session.flush()
    audit.record(
        session,
        actor,
        entity="thread_message",
        entity_id=message.id or 0,
        action="create",
        before=None,
        after={
            "thread_id": thread.id,
            "competency_number": thread.competency_number,
            "body": text,
        },
        organisation_id=assessment.organisation_id,
    )
    _mark_read(session, actor, thread.id or 0, message.id or 0)
    notices.after_message(
        session,
        actor,
        assessment,
        competency_number=thread.competency_number,
        text=text,
        first=first,
    )
    return message


def _mark_read(session: Session, actor: Actor, thread_id: int, message_id: int) -> None:
    if actor.user_id is None:
        return
    seen = session.get(ThreadRead, (thread_id, actor.user_id))
    if seen is None:
        seen = ThreadRead(thread_id=thread_id, user_id=actor.user_id)
    seen.last_read_message_id = max(seen.last_read_message_id, message_id)
    session.add(seen)
    session.flush()


def open_thread(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    message: str,
    competency_number: int | None = None,
) -> Thread:
    """Open a thread with its first message, on the assessment or one competency."""
    assessment = _party(session, actor, assessment_id)
    if competency_number is not None:
        framework = framework_service.for_cycle(assessments.cycle_of(session, assessment))
        if framework.competency(competency_number) is None:
            raise InvalidInput(
                f"This cycle does not assess competency {competency_number}; it assesses "
                f"competencies {framework.numbers_text()}",
                field="competency_number",
            )
    now = utcnow()
    thread = Thread(
        assessment_id=assessment_id,
        competency_number=competency_number,
        opened_by_id=actor.user_id,
        opened_at=now,
        last_message_at=now,
    )
    session.add(thread)
    session.flush()
    _write(session, actor, assessment, thread, message, first=True)
    session.commit()
    return thread


def _thread(session: Session, assessment_id: int, thread_id: int) -> Thread:
    thread = session.get(Thread, thread_id)
    if thread is None or thread.assessment_id != assessment_id:
        raise NotFound(f"Thread {thread_id} not found in assessment {assessment_id}")
    return thread


def reply(
    session: Session, actor: Actor, assessment_id: int, thread_id: int, *, message: str
) -> ThreadMessage:
    """Add a message to a thread."""
    assessment = _party(session, actor, assessment_id)
    thread = _thread(session, assessment_id, thread_id)
    written = _write(session, actor, assessment, thread, message)
    session.commit()
    return written


def _reader(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment, once the actor may read its threads: either side of it, or an
    administrator (404 for anyone who may not see the assessment; 403 for a role that may
    see it but is no party to its threads)."""
    assessment = assessments.get_assessment(session, actor, assessment_id)
    if not actor.is_admin:
        pct = assessments.pct_of(session, assessment)
        if not may_read_threads(actor, pct):
            require_on_assessment(actor, Action.DISCUSS, pct, assessment_id)
    return assessment


def threads_of(
    session: Session, actor: Actor, assessment_id: int, *, competency: int | None = None
) -> list[Conversation]:
    """The assessment's threads (only one competency's, given one), with what the caller has
    not read yet."""
    _reader(session, actor, assessment_id)
    return repository.conversations(session, assessment_id, actor.user_id, competency=competency)


def thread_of(session: Session, actor: Actor, assessment_id: int, thread_id: int) -> Conversation:
    _reader(session, actor, assessment_id)
    _thread(session, assessment_id, thread_id)
    found = [
        c
        for c in repository.conversations(session, assessment_id, actor.user_id)
        if c.id == thread_id
    ]
    return found[0]


def unread_counts(session: Session, actor: Actor, assessment: Assessment) -> dict[int | None, int]:
    """Unread messages by competency (None: general) for a party to the threads; nothing for
    anyone else."""
    if actor.is_admin:
        return {}
    if not may_read_threads(actor, assessments.pct_of(session, assessment)):
        return {}
    return repository.unread_counts(session, assessment.id or 0, actor.user_id)


def mark_shown_read(session: Session, actor: Actor, shown: list[Conversation]) -> None:
    """Everything shown to the reader counts as read by them (one commit; a write only for
    threads that had something unread)."""
    unread = [c for c in shown if c.unread and c.messages]
    if not unread or actor.user_id is None:
        return
    begin_write(session)
    for conversation in unread:
        _mark_read(session, actor, conversation.id, conversation.messages[-1].id or 0)
    session.commit()


def mark_read(session: Session, actor: Actor, assessment_id: int, thread_id: int) -> None:
    """The caller has read the thread up to its last message (not audited: it changes no
    record, only what counts as unread for them)."""
    _reader(session, actor, assessment_id)
    begin_write(session)
    thread = _thread(session, assessment_id, thread_id)
    latest = repository.latest_message_id(session, thread_id)
    if latest:
        _mark_read(session, actor, thread.id or 0, latest)
    session.commit()
