"""Evidence pages: the library (search as you type), logging evidence, an item and its files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from math import ceil
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from app.config import get_settings
from app.deps import SessionDep
from app.errors import DomainError, Forbidden, InvalidInput, PayloadTooLarge
from app.evidence import downloads, presenters, repository, service
from app.evidence.models import EvidenceItem, EvidenceKind
from app.evidence.schemas import EvidenceCreate, EvidenceRead, EvidenceUpdate, EvidenceVersion
from app.evidence.uploads import ReceivedFile, receive_form
from app.forms import (
    UNREADABLE_FORM,
    FormPost,
    FormProblem,
    blank_to_none,
    posted,
    read_form,
    render_form,
    submit_form,
)
from app.framework import service as framework_service
from app.organisations import service as organisation_service
from app.organisations.models import Organisation
from app.params import PathId
from app.permissions import may_log_for_place
from app.users.models import Role
from app.web import PageActor, hx_redirect, render
from app.wording import today_in_england

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
LABELS = {
    "title": "a title",
    "description": "what happened",
    "kind": "the kind of evidence",
    "occurred_on": "the date it happened",
    "competency_numbers": "at least one competency",
    "url": "the link",
    "practice_code": "the practice or PBC group",
    "clinicians_involved": "the number of clinicians involved",
    "practices_involved": "the number of practices involved",
    "file": "the file",
}
# The most text fields the form sends: each field once, a box per competency, and room.
FORM_FIELDS = 100


def _int(value: str | None) -> int | None:
    """A whole number typed in plain digits (up to nine), or None for anything else."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


@router.get("/evidence", response_class=HTMLResponse)
def library(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    q: str = "",
    competency: str = "",
    kind: str = "",
    practice: str = "",
    page: str = "1",
) -> Response:
    framework = framework_service.current_framework().framework
    number = _int(competency)
    filters = repository.EvidenceFilters(
        competency=number if number in framework.numbers else None,
        kind=EvidenceKind(kind) if kind in set(EvidenceKind) else None,
        q=q[:200] or None,
        practice_code=practice[:12] or None,
    )
    page_number = max(_int(page) or 1, 1)
    items, total = repository.list_evidence(
        session, actor, filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    context = {
        "items": repository.read_models(session, items),
        "total": total,
        "page": page_number,
        "pages": max(ceil(total / PAGE_SIZE), 1),
        "filters": {"q": q, "competency": competency, "kind": kind, "practice": practice},
        "framework": framework,
        "kinds": list(EvidenceKind),
        "practices": _places(session, actor),
    }
    return render(request, "evidence/library.html", context, block="results")


def _places(session: SessionDep, actor: PageActor) -> list[presenters.PlaceChoice]:
    organisations = [
        o
        for o, _parent in organisation_service.list_organisations(session, actor)
        if may_log_for_place(actor, o)
    ]
    return presenters.place_choices(organisations)


def _form_context(
    session: SessionDep,
    actor: PageActor,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    item: EvidenceRead | None = None,
) -> dict[str, Any]:
    framework = framework_service.current_framework().framework
    return {
        "values": values,
        "errors": errors,
        "competencies": presenters.competency_choices(framework),
        "kinds": list(EvidenceKind),
        "practices": _places(session, actor),
        "max_upload_mb": get_settings().max_upload_mb,
        "item": item,
        "action": f"/evidence/{item.id}/edit" if item else "/evidence",
    }


@router.get("/evidence/new", response_class=HTMLResponse)
def new_evidence(
    request: Request, session: SessionDep, actor: PageActor, competency: str = ""
) -> Response:
    if actor.role not in (Role.PCT_LEAD, Role.CLINICIAN):
        raise Forbidden("Only PCT leads and clinicians log evidence")
    preset = _int(competency)
    numbers = framework_service.current_framework().framework.numbers
    ticked = [preset] if preset in numbers else repository.last_choice(session, actor)
    values = {
        "occurred_on": today_in_england().isoformat(),
        "kind": "engagement" if actor.role is Role.CLINICIAN else "",
        "competency_numbers": ticked,
        "practice_code": actor.organisation_code if actor.organisation_id != actor.pct_id else "",
    }
    return render(request, "evidence/new.html", _form_context(session, actor, values, {}))


@dataclass
class _Posted:
    """A form post with its file already received (on the event loop), so that the route
    itself can be a plain ``def`` running in the thread pool."""

    form: FormData
    received: ReceivedFile | None
    file_error: str | None

    def checked_file(self) -> tuple[service.CheckedFile | None, DomainError | None]:
        """The file checked as the service checks every file, or why it is refused."""
        if self.file_error is not None:
            return None, PayloadTooLarge(self.file_error, field="file")
        if self.received is None:
            return None, None
        try:
            return service.check_file(self.received), None
        except DomainError as refusal:
            return None, refusal


async def _posted_with_file(request: Request) -> AsyncIterator[_Posted]:
    """The post, its file received as it arrives (a file too large stops the reading, and the
    fields typed before it are kept); whatever the route does with it (attaches it, refuses
    the form, or is refused before it runs), a file not attached leaves nothing behind."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        yield _Posted(await read_form(request, fields=FORM_FIELDS), None, None)
        return
    try:
        received = await receive_form(
            request,
            field_name="file",
            max_bytes=get_settings().max_upload_bytes,
            max_fields=FORM_FIELDS,
        )
    except InvalidInput:
        raise DomainError(UNREADABLE_FORM) from None
    form = FormData(received.fields)
    if received.file is None:
        yield _Posted(form, None, received.file_error)
        return
    try:
        yield _Posted(form, received.file, None)
    finally:
        received.file.blob.discard()


async def _allowed_first(check: Callable[[], object]) -> bool:
    """Whether the poster may do what the form does, asked before a byte of it is read. Who
    may not (403) or what is not theirs to see (404) is refused at once; a refusal that the
    page explains itself (an item frozen since the form was shown) is left to the route,
    which asks again, and the body is not read."""
    try:
        await run_in_threadpool(check)
    except DomainError as refusal:
        if refusal.status_code in (401, 403, 404):
            raise
        return False
    return True


async def _posted_new_item(request: Request, actor: PageActor) -> AsyncIterator[_Posted]:
    await _allowed_first(lambda: service.check_may_log(actor))
    async for posted_form in _posted_with_file(request):
        yield posted_form


async def _posted_to_item(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId
) -> AsyncIterator[_Posted]:
    if not await _allowed_first(lambda: service.check_may_change(session, actor, evidence_id)):
        yield _Posted(FormData(), None, None)
        return
    async for posted_form in _posted_with_file(request):
        yield posted_form


PostedNewItem = Annotated[_Posted, Depends(_posted_new_item)]
PostedToItem = Annotated[_Posted, Depends(_posted_to_item)]
FIELDS = tuple(name for name in LABELS if name != "file")
OPTIONAL = ("url", "practice_code", "clinicians_involved", "practices_involved")


def _typed(form: FormData) -> dict[str, Any]:
    values = posted(
        form, *(f for f in FIELDS if f != "competency_numbers"), lists=("competency_numbers",)
    )
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _form_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    values: dict[str, Any],
    file_refusal: DomainError | None,
    item: EvidenceRead | None = None,
) -> Callable[[FormProblem], Response]:
    """The form again, with what was typed and every error, the file's among them."""

    def page(problem: FormProblem) -> Response:
        errors = dict(problem.errors)
        if file_refusal is not None:
            errors.setdefault("file", file_refusal.detail)
        shown = {**values, "competency_numbers": [_int(n) for n in values["competency_numbers"]]}
        return render(
            request,
            "evidence/new.html",
            _form_context(session, actor, shown, errors, item=item),
            block="form",
            status_code=problem.status_code,
        )

    return page


def _refuse_file(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


@router.post("/evidence", response_class=HTMLResponse)
def create_evidence(
    request: Request, session: SessionDep, actor: PageActor, post: PostedNewItem
) -> Response:
    values = _typed(post.form)
    checked, refusal = post.checked_file()

    def log(data: EvidenceCreate) -> EvidenceItem:
        _refuse_file(refusal)
        return service.create_evidence(session, actor, data=data, file=checked)

    return submit_form(
        session,
        schema=EvidenceCreate,
        data=blank_to_none(
            {**values, "organisation_code": _pct_code(session, actor)},
            *OPTIONAL,
            "occurred_on",
            "kind",
        ),
        labels=LABELS,
        command=log,
        done=lambda item: hx_redirect(request, f"/evidence/{item.id}/logged"),
        page=_form_page(request, session, actor, values, refusal),
        shown_refusals=frozenset({404, 503}),
    )


def _pct_code(session: SessionDep, actor: PageActor) -> str:
    pct = session.get(Organisation, actor.pct_id) if actor.pct_id else None
    return pct.code if pct else "-"


def _read_item(session: SessionDep, actor: PageActor, evidence_id: int) -> EvidenceRead:
    return repository.read_models(session, [repository.get_evidence(session, actor, evidence_id)])[
        0
    ]


@router.get("/attachments/{attachment_id}", response_class=Response)
def download(session: SessionDep, actor: PageActor, attachment_id: PathId) -> Response:
    """The file, as the API gives it; a refusal or a store that is down gets a page."""
    return downloads.attachment_response(session, actor, attachment_id)


@router.get("/evidence/deleted", response_class=HTMLResponse)
def evidence_deleted(request: Request, actor: PageActor) -> Response:
    return render(request, "evidence/deleted.html", {})


@router.get("/evidence/{evidence_id}/logged", response_class=HTMLResponse)
def evidence_logged(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId
) -> Response:
    item = _read_item(session, actor, evidence_id)
    context = {
        "item": item,
        "titles": _titles(),
        "place": presenters.place_text(item),
        "can_change": repository.may_attach(
            session, actor, repository.get_evidence(session, actor, evidence_id)
        ),
    }
    return render(request, "evidence/logged.html", context)


@router.get("/evidence/{evidence_id}/edit", response_class=HTMLResponse)
def edit_evidence(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId
) -> Response:
    service.check_may_change(session, actor, evidence_id)
    item = _read_item(session, actor, evidence_id)
    context = _form_context(session, actor, presenters.form_values(item), {}, item=item)
    return render(request, "evidence/new.html", context)


@router.post("/evidence/{evidence_id}/edit", response_class=HTMLResponse)
def change_evidence(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    evidence_id: PathId,
    post: PostedToItem,
) -> Response:
    service.check_may_change(session, actor, evidence_id)
    item = _read_item(session, actor, evidence_id)
    values = {**_typed(post.form), "version": _text(post.form.get("version"))}
    checked, refusal = post.checked_file()

    def change(data: EvidenceUpdate) -> EvidenceItem:
        _refuse_file(refusal)
        return service.update_evidence(session, actor, evidence_id, data=data, file=checked)

    return submit_form(
        session,
        schema=EvidenceUpdate,
        data=blank_to_none(values, *OPTIONAL, "version"),
        labels=LABELS,
        command=change,
        done=lambda _: hx_redirect(request, f"/evidence/{evidence_id}", flash="Changes saved."),
        page=_form_page(request, session, actor, values, refusal, item),
        shown_refusals=frozenset({404, 503}),
    )


@router.get("/evidence/{evidence_id}/delete", response_class=HTMLResponse)
def delete_page(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId
) -> Response:
    service.check_may_change(session, actor, evidence_id)
    return _delete_page(request, session, actor, evidence_id, None)


def _delete_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    evidence_id: int,
    problem: FormProblem | None,
) -> Response:
    item = _read_item(session, actor, evidence_id)
    context = {
        "item": item,
        "titles": _titles(),
        "place": presenters.place_text(item),
        "errors": problem.errors if problem else {},
    }
    return render_form(request, "evidence/delete.html", context, problem)


@router.post("/evidence/{evidence_id}/delete", response_class=HTMLResponse)
def delete_evidence(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId, form: FormPost
) -> Response:
    title = repository.get_evidence(session, actor, evidence_id).title
    return submit_form(
        session,
        schema=EvidenceVersion,
        data=blank_to_none({"version": _text(form.get("version"))}, "version"),
        labels={"delete": "the item"},
        command=lambda data: service.delete_evidence(
            session, actor, evidence_id, expected_version=data.version
        ),
        done=lambda _: hx_redirect(
            request, "/evidence/deleted", flash=f"\u201c{title}\u201d has been deleted."
        ),
        page=lambda problem: _delete_page(request, session, actor, evidence_id, problem),
    )


@router.post("/evidence/{evidence_id}/competencies/{number}/unlink", response_class=HTMLResponse)
def unlink_competency(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    evidence_id: PathId,
    number: PathId,
    form: FormPost,
) -> Response:
    return submit_form(
        session,
        schema=EvidenceVersion,
        data=blank_to_none({"version": _text(form.get("version"))}, "version"),
        labels={"competency_numbers": "the competencies"},
        command=lambda data: service.unlink_competency(
            session, actor, evidence_id, number=number, expected_version=data.version
        ),
        done=lambda _: hx_redirect(
            request,
            f"/evidence/{evidence_id}",
            flash=f"This item no longer shows competency {number}.",
        ),
        page=lambda problem: _item_page(
            request, session, actor, evidence_id, problem.errors, problem.status_code
        ),
    )


def _titles() -> dict[int, str]:
    framework = framework_service.current_framework().framework
    return {c.number: c.title for c in framework.competencies}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@router.get("/evidence/{evidence_id}", response_class=HTMLResponse)
def evidence_item(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId
) -> Response:
    return _item_page(request, session, actor, evidence_id, {}, 200)


def _item_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    evidence_id: int,
    errors: dict[str, str],
    status: int,
) -> Response:
    item = repository.get_evidence(session, actor, evidence_id)
    read = repository.read_models(session, [item])[0]
    context = {
        "item": read,
        "titles": _titles(),
        "place": presenters.place_text(read),
        "used_in": repository.where_presented(session, actor, evidence_id),
        "can_attach": repository.may_attach(session, actor, item),
        "kinds": list(EvidenceKind),
        "errors": errors,
        "max_upload_mb": get_settings().max_upload_mb,
    }
    return render(request, "evidence/item.html", context, status_code=status)


@router.post("/evidence/{evidence_id}/attachments", response_class=HTMLResponse)
def upload(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    evidence_id: PathId,
    post: PostedToItem,
) -> Response:
    try:
        service.check_may_attach(session, actor, evidence_id)
        if post.file_error is not None:
            raise PayloadTooLarge(post.file_error, field="file")
        if post.received is None:
            raise InvalidInput("Choose a file to upload", field="file")
        service.add_attachment(session, actor, evidence_id, received=post.received)
    except DomainError as exc:
        session.rollback()
        if exc.status_code in (401, 404):
            raise
        return _item_page(
            request, session, actor, evidence_id, {exc.field or "file": exc.detail}, exc.status_code
        )
    return hx_redirect(request, f"/evidence/{evidence_id}", flash="File attached.")
