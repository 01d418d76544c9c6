"""Questions between a PCT and its SHA, in pages: a block on each competency page (both
sides), and a page of all of an assessment's questions where a refused message comes back
with what was typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import Assessment, AssessmentStatus
from app.deps import SessionDep
from app.errors import DomainError
from app.forms import FormPost, FormProblem, posted, render_form, submit_form
from app.framework import service as framework_service
from app.params import PathId
from app.permissions import Action, may_on_assessment
from app.threads import service
from app.threads.models import MESSAGE_MAX
from app.threads.repository import Conversation
from app.threads.schemas import MessageWrite, ThreadWrite
from app.web import PageActor, hx_redirect

router = APIRouter(include_in_schema=False)

LABELS = {"message": "your message"}


@dataclass
class ThreadsBlock:
    """What the questions block shows for one competency (or the whole assessment)."""

    assessment: Assessment
    number: int | None
    conversations: list[Conversation]
    may_write: bool
    closed_reason: str | None
    back: str
    typed: dict[str, str] = field(default_factory=dict)
    """What was typed in a refused form, by form id (``new`` or a thread id as text)."""
    errors: dict[str, str] = field(default_factory=dict)
    """The refusal, by form id."""
    max_length: int = MESSAGE_MAX

    @property
    def unread(self) -> int:
        return sum(c.unread for c in self.conversations)

    @property
    def heading(self) -> str:
        return "Questions on this competency" if self.number else "Questions"


def _closed_reason(assessment: Assessment) -> str | None:
    if assessment.submitted_at is None:
        return "Questions open once the assessment is submitted to the SHA."
    if assessment.status is AssessmentStatus.FINALISED:
        return "The review is final: its questions are closed."
    return None


def threads_block(
    session: Session,
    actor: Actor,
    assessment_id: int,
    number: int | None,
    *,
    back: str,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> ThreadsBlock | None:
    """The questions on one competency (``number``) or all of them (None), for a party to
    them; None for anyone else (a clinician, say), who sees no block. Shown messages then
    count as read for this reader."""
    assessment = assessments.get_assessment(session, actor, assessment_id)
    try:
        found = service.threads_of(session, actor, assessment_id, competency=number)
    except DomainError:
        return None
    pct = assessments.pct_of(session, assessment)
    service.mark_shown_read(session, actor, found)
    return ThreadsBlock(
        assessment=assessment,
        number=number,
        conversations=found,
        may_write=may_on_assessment(actor, Action.DISCUSS, pct),
        closed_reason=_closed_reason(assessment),
        back=back,
        typed=typed or {},
        errors=errors or {},
    )


def _questions_page(
    request: Request,
    session: Session,
    actor: Actor,
    assessment_id: int,
    number: int | None,
    *,
    form_id: str | None = None,
    typed: str = "",
    problem: FormProblem | None = None,
) -> Response:
    base = f"/assessments/{assessment_id}/questions"
    back = f"{base}?competency={number}" if number else base
    refused: dict[str, str] = {}
    if problem and form_id:
        refused[form_id] = next(iter(problem.errors.values()), "Check your message")
    block = threads_block(
        session,
        actor,
        assessment_id,
        number,
        back=back,
        typed={form_id: typed} if form_id else {},
        errors=refused,
    )
    if block is None:
        service.threads_of(session, actor, assessment_id)  # says why: 403
    assessment = assessments.get_assessment(session, actor, assessment_id)
    framework = framework_service.for_cycle(assessments.cycle_of(session, assessment))
    context: dict[str, Any] = {
        "threads": block,
        "organisation": assessments.pct_of(session, assessment),
        "competency": framework.competency(number) if number else None,
        # The error summary links to the message box of the refused form.
        "errors": {f"message-{key}": text for key, text in refused.items()},
    }
    return render_form(request, "threads/questions.html", context, problem)


@router.get("/assessments/{assessment_id}/questions", response_class=HTMLResponse)
def questions(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    competency: int | None = None,
) -> Response:
    return _questions_page(request, session, actor, assessment_id, competency)


def _back(assessment_id: int, given: str) -> str:
    """Where to go after a message: the page it was sent from, if it is one of this
    assessment's pages; else the assessment's questions."""
    own = f"/assessments/{assessment_id}"
    ours = given == own or given.startswith(own + "/")
    if ours and "//" not in given and "\\" not in given:
        return given
    return f"{own}/questions"


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 3 else None


@router.post("/assessments/{assessment_id}/questions", response_class=HTMLResponse)
def ask(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    typed = posted(form, "message", "competency_number", "back")
    number = _number(typed["competency_number"])
    back = _back(assessment_id, typed["back"])
    return submit_form(
        session,
        schema=ThreadWrite,
        data={"message": typed["message"], "competency_number": number},
        labels=LABELS,
        command=lambda data: service.open_thread(
            session,
            actor,
            assessment_id,
            message=data.message,
            competency_number=data.competency_number,
        ),
        done=lambda thread: hx_redirect(
            request, f"{back}#thread-{thread.id}", flash="Your question has been sent."
        ),
        page=lambda problem: _questions_page(
            request,
            session,
            actor,
            assessment_id,
            number,
            form_id="new",
            typed=typed["message"],
            problem=problem,
        ),
    )


@router.post("/assessments/{assessment_id}/questions/{thread_id}", response_class=HTMLResponse)
def answer(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    thread_id: PathId,
    form: FormPost,
) -> Response:
    typed = posted(form, "message", "back", "competency_number")
    back = _back(assessment_id, typed["back"])
    return submit_form(
        session,
        schema=MessageWrite,
        data={"message": typed["message"]},
        labels=LABELS,
        command=lambda data: service.reply(
            session, actor, assessment_id, thread_id, message=data.message
        ),
        done=lambda _: hx_redirect(
            request, f"{back}#thread-{thread_id}", flash="Your message has been sent."
        ),
        page=lambda problem: _questions_page(
            request,
            session,
            actor,
            assessment_id,
            _number(typed["competency_number"]),
            form_id=str(thread_id),
            typed=typed["message"],
            problem=problem,
        ),
    )
