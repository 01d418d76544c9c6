"""JSON routes for threads between a PCT and its SHA, under the assessment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import PathId
from app.threads import service
from app.threads.repository import Conversation
from app.threads.schemas import MessageRead, MessageWrite, ThreadRead, ThreadWrite

router = APIRouter(prefix="/api/v1/assessments", tags=["threads"])


def thread_read(conversation: Conversation) -> ThreadRead:
    thread = conversation.thread
    return ThreadRead(
        id=thread.id or 0,
        assessment_id=thread.assessment_id,
        competency_number=thread.competency_number,
        opened_by_id=thread.opened_by_id,
        opened_at=thread.opened_at,
        last_message_at=thread.last_message_at,
        unread=conversation.unread,
        messages=[
            MessageRead(
                id=m.id or 0,
                author_id=m.author_id,
                author_name=conversation.names.get(m.author_id or 0),
                from_sha=m.from_sha,
                body=m.body,
                sent_at=m.sent_at,
            )
            for m in conversation.messages
        ],
    )


@router.get(
    "/{assessment_id}/threads",
    response_model=list[ThreadRead],
    responses=errors(401, 403, 404, 422),
)
def list_threads(
    assessment_id: PathId,
    session: SessionDep,
    actor: CurrentActor,
    competency_number: Annotated[int | None, Query(ge=1, le=99)] = None,
) -> list[ThreadRead]:
    """The questions between the PCT and its SHA on this assessment, newest activity first,
    each with its messages and how many you have not read; only that PCT and its SHA (and
    administrators) see them."""
    found = service.threads_of(session, actor, assessment_id, competency=competency_number)
    return [thread_read(c) for c in found]


@router.post(
    "/{assessment_id}/threads",
    status_code=201,
    response_model=ThreadRead,
    responses=errors(401, 403, 404, 409, 422),
)
def open_thread(
    assessment_id: PathId, body: ThreadWrite, session: SessionDep, actor: CurrentActor
) -> ThreadRead:
    """Open a thread, on the assessment or one competency, with its first message (up to
    10,000 characters). Once the assessment is submitted, until the review is final."""
    thread = service.open_thread(
        session,
        actor,
        assessment_id,
        message=body.message,
        competency_number=body.competency_number,
    )
    return thread_read(service.thread_of(session, actor, assessment_id, thread.id or 0))


@router.get(
    "/{assessment_id}/threads/{thread_id}",
    response_model=ThreadRead,
    responses=errors(401, 403, 404, 422),
)
def read_thread(
    assessment_id: PathId, thread_id: PathId, session: SessionDep, actor: CurrentActor
) -> ThreadRead:
    """One thread with its messages (reading it does not mark it read: POST .../read)."""
    return thread_read(service.thread_of(session, actor, assessment_id, thread_id))


@router.post(
    "/{assessment_id}/threads/{thread_id}/messages",
    status_code=201,
    response_model=ThreadRead,
    responses=errors(401, 403, 404, 409, 422),
)
def reply(
    assessment_id: PathId,
    thread_id: PathId,
    body: MessageWrite,
    session: SessionDep,
    actor: CurrentActor,
) -> ThreadRead:
    """Answer in a thread (up to 10,000 characters); the thread comes back with it."""
    service.reply(session, actor, assessment_id, thread_id, message=body.message)
    return thread_read(service.thread_of(session, actor, assessment_id, thread_id))


@router.post(
    "/{assessment_id}/threads/{thread_id}/read",
    status_code=204,
    responses=errors(401, 403, 404, 422),
)
def mark_read(
    assessment_id: PathId, thread_id: PathId, session: SessionDep, actor: CurrentActor
) -> Response:
    """Count every message of the thread as read by you."""
    service.mark_read(session, actor, assessment_id, thread_id)
    return Response(status_code=204)
