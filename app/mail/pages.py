"""The outbox, for administrators: every mail written, sent or waiting, and what each says."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import SessionDep
from app.mail import presenters
from app.mail import repository as outbox
from app.mail.models import MailKind, MailStatus
from app.params import PathId
from app.web import PageActor, render

router = APIRouter(prefix="/admin/outbox", include_in_schema=False)


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E], value: str) -> E | None:
    return next((member for member in enum if member.value == value), None)


@router.get("", response_class=HTMLResponse)
def outbox_list(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    status: str = "",
    kind: str = "",
) -> Response:
    # The filters come from two lists of choices: anything else means "any".
    chosen_status = _choice(MailStatus, status)
    chosen_kind = _choice(MailKind, kind)
    found = outbox.latest_mail(session, actor, status=chosen_status, kind=chosen_kind)
    context = {
        "outbox": found,
        "statuses": list(MailStatus),
        "kinds": list(MailKind),
        "chosen_status": chosen_status,
        "chosen_kind": chosen_kind,
        "lines": [presenters.MailLine(mail) for mail in found.mails],
        "sending": presenters.is_sending(),
    }
    return render(request, "admin/outbox.html", context)


@router.get("/{mail_id}", response_class=HTMLResponse)
def outbox_mail(
    request: Request, session: SessionDep, actor: PageActor, mail_id: PathId
) -> Response:
    record = outbox.mail_record(session, actor, mail_id)
    context = {
        "record": record,
        "line": presenters.MailLine(record.mail),
        "attempts": [(a, presenters.moment(a.attempted_at)) for a in record.attempts],
        "sending": presenters.is_sending(),
    }
    return render(request, "admin/outbox_mail.html", context)
