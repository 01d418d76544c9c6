"""Evidence pages: the library (search as you type), logging evidence, an item and its files."""

from __future__ import annotations

from datetime import date
from math import ceil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from app.config import get_settings
from app.deps import SessionDep
from app.errors import DomainError, Forbidden, InvalidInput
from app.evidence import queries, service, storage
from app.evidence.models import KIND_LABELS, EvidenceKind
from app.evidence.schemas import EvidenceCreate
from app.evidence.uploads import ReceivedFile
from app.forms import blank_to_none, parse_form
from app.framework import service as framework_service
from app.organisations import service as organisation_service
from app.organisations.models import Organisation
from app.params import PathId
from app.users.models import Role
from app.web import PageActor, hx_redirect, render

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
    return int(value) if value and value.isdigit() else None


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
    number = _int(competency)
    filters = service.EvidenceFilters(
        competency=number if number and 1 <= number <= 11 else None,
        kind=EvidenceKind(kind) if kind in KIND_LABELS else None,
        q=q[:200] or None,
        practice_code=practice[:12] or None,
    )
    page_number = max(_int(page) or 1, 1)
    items, total = service.list_evidence(
        session, actor, filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    context = {
        "items": queries.read_models(session, items),
        "total": total,
        "page": page_number,
        "pages": max(ceil(total / PAGE_SIZE), 1),
        "filters": {"q": q, "competency": competency, "kind": kind, "practice": practice},
        "framework": framework_service.current_framework().framework,
        "kinds": KIND_LABELS,
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
    if actor.role is Role.CLINICIAN:
        competencies.sort(key=lambda c: (c.number != 4, c.number))
    return {
        "values": values,
        "errors": errors,
        "competencies": competencies,
        "kinds": KIND_LABELS,
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
        "occurred_on": date.today().isoformat(),
        "kind": "engagement" if actor.role is Role.CLINICIAN else "",
        "competency_numbers": [preset] if preset else ([4] if actor.role is Role.CLINICIAN else []),
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


@router.post("/evidence", response_class=HTMLResponse)
async def create_evidence(request: Request, session: SessionDep, actor: PageActor) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        key: str(form.get(key, "")).strip()
        for key in (
            "title",
            "description",
            "kind",
            "occurred_on",
            "url",
            "practice_code",
            "clinicians_involved",
            "practices_involved",
        )
    }
    values["competency_numbers"] = [
        int(n) for n in form.getlist("competency_numbers") if str(n).isdigit()
    ]
    data = blank_to_none(
        {**values, "organisation_code": _pct_code(session, actor)},
        "url",
        "practice_code",
        "clinicians_involved",
        "practices_involved",
        "occurred_on",
        "kind",
    )
    parsed, errors = parse_form(EvidenceCreate, data, LABELS)
    upload = form.get("file")
    if parsed is not None:
        try:
            item = await run_in_threadpool(service.create_evidence, session, actor, data=parsed)
        except InvalidInput as exc:
            errors = {"practice_code": exc.detail}
        else:
            message = "Evidence logged."
            if isinstance(upload, UploadFile) and upload.filename:
                try:
                    received = await _store_upload(upload)
                    await run_in_threadpool(
                        lambda: service.add_attachment(
                            session, actor, item.id or 0, received=received
                        )
                    )
                    message = "Evidence logged with its file."
                except DomainError as exc:
                    message = f"Evidence logged, but the file was not attached: {exc.detail}"
            return hx_redirect(request, f"/evidence/{item.id}", flash=message)
    return render(
        request,
        "evidence/new.html",
        _form_context(session, actor, values, errors),
        block="form",
        status_code=422,
    )


def _pct_code(session: SessionDep, actor: PageActor) -> str:
    pct = session.get(Organisation, actor.pct_id) if actor.pct_id else None
    return pct.code if pct else "-"


@router.get("/evidence/{evidence_id}", response_class=HTMLResponse)
def evidence_item(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId
) -> Response:
    item = service.get_evidence(session, actor, evidence_id)
    read = queries.read_models(session, [item])[0]
    framework = framework_service.current_framework().framework
    context = {
        "item": read,
        "titles": {c.number: c.title for c in framework.competencies},
        "used_in": service.where_presented(session, actor, evidence_id),
        "can_attach": service.may_attach(session, actor, item),
        "kinds": KIND_LABELS,
        "errors": {},
        "max_upload_mb": get_settings().max_upload_mb,
    }
    return render(request, "evidence/item.html", context)


@router.post("/evidence/{evidence_id}/attachments", response_class=HTMLResponse)
async def upload(
    request: Request, session: SessionDep, actor: PageActor, evidence_id: PathId
) -> Response:
    await run_in_threadpool(service.check_may_attach, session, actor, evidence_id)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("Choose a file to upload")
    received = await _store_upload(upload)
    await run_in_threadpool(
        lambda: service.add_attachment(session, actor, evidence_id, received=received)
    )
    return hx_redirect(request, f"/evidence/{evidence_id}", flash="File attached.")
