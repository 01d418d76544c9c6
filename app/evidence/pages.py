"""Evidence pages: the library (search as you type), logging evidence, an item and its files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from math import ceil
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from app.config import get_settings
from app.deps import SessionDep
from app.errors import DomainError, Forbidden, InvalidInput, PayloadTooLarge
from app.evidence import repository, service, storage
from app.evidence.models import EvidenceKind
from app.evidence.schemas import EvidenceCreate
from app.evidence.uploads import ReceivedFile
from app.forms import FormProblem, blank_to_none, posted, submit_form
from app.framework import service as framework_service
from app.organisations import service as organisation_service
from app.organisations.models import Organisation
from app.params import PathId
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
}


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
        "practices": _practices(session, actor),
    }
    return render(request, "evidence/library.html", context, block="results")


def _practices(session: SessionDep, actor: PageActor) -> list[Any]:
    return [
        organisation
        for organisation, _parent in organisation_service.list_organisations(session, actor)
        if organisation.kind.value in ("practice", "pbc_group")
    ]


def _form_context(
    session: SessionDep, actor: PageActor, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    framework = framework_service.current_framework().framework
    competencies = list(framework.competencies)
    return {
        "values": values,
        "errors": errors,
        "competencies": competencies,
        "kinds": list(EvidenceKind),
        "practices": _practices(session, actor),
        "max_upload_mb": get_settings().max_upload_mb,
    }


@router.get("/evidence/new", response_class=HTMLResponse)
def new_evidence(
    request: Request, session: SessionDep, actor: PageActor, competency: str = ""
) -> Response:
    if actor.role not in (Role.PCT_LEAD, Role.CLINICIAN):
        raise Forbidden("Only PCT leads and clinicians log evidence")
    preset = _int(competency)
    values = {
        "occurred_on": today_in_england().isoformat(),
        "kind": "engagement" if actor.role is Role.CLINICIAN else "",
        "competency_numbers": [preset] if preset else [],
        "practice_code": actor.organisation_code if actor.organisation_id != actor.pct_id else "",
    }
    return render(request, "evidence/new.html", _form_context(session, actor, values, {}))


async def _store_upload(upload: UploadFile) -> ReceivedFile:
    blob = storage.TempBlob(max_bytes=get_settings().max_upload_bytes)
    try:
        while chunk := await upload.read(64 * 1024):
            blob.write(chunk)
        blob.finish()
    except BaseException:
        blob.discard()
        raise
    return ReceivedFile(
        blob=blob, filename=upload.filename or "", declared_type=upload.content_type
    )


@dataclass
class _Posted:
    """A form post with its file already received (on the event loop), so that the route
    itself can be a plain ``def`` running in the thread pool."""

    form: FormData
    received: ReceivedFile | None
    file_error: str | None


async def _posted_with_file(request: Request) -> AsyncIterator[_Posted]:
    """The post, its file received; whatever the route does with it (attaches it, refuses the
    form, or is refused before it runs), a file not attached leaves nothing behind."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        yield _Posted(form, None, None)
        return
    try:
        received = await _store_upload(upload)
    except DomainError as exc:
        yield _Posted(form, None, exc.detail)
        return
    try:
        yield _Posted(form, received, None)
    finally:
        received.blob.discard()


PostedWithFile = Annotated[_Posted, Depends(_posted_with_file)]
FIELDS = tuple(LABELS)


def _log(
    session: SessionDep, actor: PageActor, data: EvidenceCreate, received: ReceivedFile | None
) -> tuple[int, str]:
    """Log the item, then attach its file; says how it went."""
    item = service.create_evidence(session, actor, data=data)
    if received is None:
        return item.id or 0, "Evidence logged."
    try:
        service.add_attachment(session, actor, item.id or 0, received=received)
    except DomainError as exc:
        session.rollback()
        return item.id or 0, f"Evidence logged, but the file was not attached: {exc.detail}"
    return item.id or 0, "Evidence logged with its file."


@router.post("/evidence", response_class=HTMLResponse)
def create_evidence(
    request: Request, session: SessionDep, actor: PageActor, post: PostedWithFile
) -> Response:
    values = posted(
        post.form, *(f for f in FIELDS if f != "competency_numbers"), lists=("competency_numbers",)
    )
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}

    def page(problem: FormProblem) -> Response:
        shown = {**values, "competency_numbers": [_int(n) for n in values["competency_numbers"]]}
        return render(
            request,
            "evidence/new.html",
            _form_context(session, actor, shown, problem.errors),
            block="form",
            status_code=problem.status_code,
        )

    if post.file_error is not None:
        return page(FormProblem(errors={"file": post.file_error}, status_code=413))
    return submit_form(
        session,
        schema=EvidenceCreate,
        data=blank_to_none(
            {**values, "organisation_code": _pct_code(session, actor)},
            "url",
            "practice_code",
            "clinicians_involved",
            "practices_involved",
            "occurred_on",
            "kind",
        ),
        labels=LABELS,
        command=lambda data: _log(session, actor, data, post.received),
        done=lambda logged: hx_redirect(request, f"/evidence/{logged[0]}", flash=logged[1]),
        page=page,
    )


def _pct_code(session: SessionDep, actor: PageActor) -> str:
    pct = session.get(Organisation, actor.pct_id) if actor.pct_id else None
    return pct.code if pct else "-"


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
    framework = framework_service.current_framework().framework
    context = {
        "item": read,
        "titles": {c.number: c.title for c in framework.competencies},
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
    post: PostedWithFile,
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
