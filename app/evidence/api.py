"""JSON routes for evidence items and their attachments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError

from app.config import get_settings
from app.deps import CurrentActor, SessionDep
from app.evidence import downloads, repository, service
from app.evidence.models import EvidenceKind
from app.evidence.schemas import (
    AttachmentRead,
    EvidenceCreate,
    EvidencePage,
    EvidenceRead,
    EvidenceUpdate,
)
from app.evidence.uploads import ReceivedFile, receive_file
from app.openapi_errors import errors
from app.params import MAX_ID, PathId, QueryId

router = APIRouter(prefix="/api/v1", tags=["evidence"])


def _read(session: SessionDep, item: object) -> EvidenceRead:
    return repository.read_models(session, [item])[0]  # type: ignore[list-item]


@router.post(
    "/evidence",
    status_code=201,
    response_model=EvidenceRead,
    responses=errors(401, 403, 404, 422),
)
def create_evidence(body: EvidenceCreate, session: SessionDep, actor: CurrentActor) -> EvidenceRead:
    """Log an evidence item for your PCT, linked to one or more competencies."""
    return _read(session, service.create_evidence(session, actor, data=body))


def _item_part(received: ReceivedFile) -> EvidenceCreate:
    """The ``item`` part of a multipart body, read as the body of ``POST /evidence``."""
    try:
        return EvidenceCreate.model_validate_json(received.fields.get("item") or "")
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", "item", *error["loc"])} for error in exc.errors()]
        ) from None


@router.post(
    "/evidence/with-file",
    status_code=201,
    response_model=EvidenceRead,
    responses=errors(401, 403, 404, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["item", "file"],
                        "properties": {
                            "item": {
                                "type": "string",
                                "description": "The item as JSON, as for POST /evidence",
                            },
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                }
            },
        }
    },
)
async def create_evidence_with_file(
    request: Request, session: SessionDep, actor: CurrentActor
) -> EvidenceRead:
    """Log an item and attach its file at once. The file is checked first (size, and type by
    content): a refused file is answered 413 or 415 and no item is logged."""
    await run_in_threadpool(service.check_may_log, actor)
    received = await receive_file(
        request, field_name="file", max_bytes=get_settings().max_upload_bytes
    )
    try:
        checked = await run_in_threadpool(service.check_file, received)
        data = _item_part(received)
        item = await run_in_threadpool(
            lambda: service.create_evidence(session, actor, data=data, file=checked)
        )
        return await run_in_threadpool(_read, session, item)
    finally:
        received.blob.discard()


@router.get("/evidence", response_model=EvidencePage, responses=errors(401, 422))
def list_evidence(
    session: SessionDep,
    actor: CurrentActor,
    organisation_code: Annotated[str | None, Query(max_length=12)] = None,
    competency: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: EvidenceKind | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    practice_code: Annotated[str | None, Query(max_length=12)] = None,
    limit: Annotated[int, Query(ge=1, le=repository.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """Visible evidence, newest first, filtered, a page at a time, with the total."""
    filters = repository.EvidenceFilters(
        organisation_code=organisation_code,
        competency=competency,
        kind=kind,
        q=q,
        practice_code=practice_code,
    )

    items, total = repository.list_evidence(session, actor, filters, limit=limit, offset=offset)
    return EvidencePage(
        items=repository.read_models(session, items), total=total, limit=limit, offset=offset
    )


@router.get("/evidence/{evidence_id}", response_model=EvidenceRead, responses=errors(401, 404))
def read_evidence(evidence_id: PathId, session: SessionDep, actor: CurrentActor) -> EvidenceRead:
    return _read(session, repository.get_evidence(session, actor, evidence_id))


@router.patch(
    "/evidence/{evidence_id}",
    response_model=EvidenceRead,
    responses=errors(401, 403, 404, 409, 422),
)
def update_evidence(
    evidence_id: PathId, body: EvidenceUpdate, session: SessionDep, actor: CurrentActor
) -> EvidenceRead:
    """Change an item; pass the ``version`` you read to refuse overwriting another change."""
    return _read(session, service.update_evidence(session, actor, evidence_id, data=body))


@router.delete("/evidence/{evidence_id}", status_code=204, responses=errors(401, 403, 404, 409))
def delete_evidence(
    evidence_id: PathId,
    session: SessionDep,
    actor: CurrentActor,
    version: QueryId = None,
) -> Response:
    """Delete an item that no submission has presented."""
    service.delete_evidence(session, actor, evidence_id, expected_version=version)
    return Response(status_code=204)


@router.post(
    "/evidence/{evidence_id}/attachments",
    status_code=201,
    response_model=AttachmentRead,
    responses=errors(401, 403, 404, 409, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
async def upload_attachment(
    evidence_id: PathId, request: Request, session: SessionDep, actor: CurrentActor
) -> AttachmentRead:
    """Attach a file (multipart field ``file``); its type is decided by its content.

    The caller's right to attach is checked before a byte of the file is read.
    """
    await run_in_threadpool(service.check_may_attach, session, actor, evidence_id)
    received = await receive_file(
        request, field_name="file", max_bytes=get_settings().max_upload_bytes
    )
    attachment = await run_in_threadpool(
        lambda: service.add_attachment(session, actor, evidence_id, received=received)
    )
    return AttachmentRead.model_validate(attachment, from_attributes=True)


@router.get(
    "/attachments/{attachment_id}", response_class=FileResponse, responses=errors(401, 404, 503)
)
def download_attachment(
    attachment_id: PathId, session: SessionDep, actor: CurrentActor
) -> Response:
    """The file, with its stored type, as a download (streamed from wherever it is stored)."""
    return downloads.attachment_response(session, actor, attachment_id)
