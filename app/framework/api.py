"""JSON routes for the competency framework.

Each answer is serialised once per file (keyed by the SHA-256 of the whole file) and served
with that hash as its ETag, so a new hint is seen at once; a client that sends it back in
``If-None-Match`` gets 304 Not Modified.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter

from app.deps import CurrentActor
from app.framework import service
from app.framework.models import LoadedFramework
from app.framework.presenters import competencies_read, roll_up_read
from app.framework.schemas import CompetencyRead, FrameworkRead
from app.openapi_errors import errors

router = APIRouter(prefix="/api/v1", tags=["framework"])

_COMPETENCIES = TypeAdapter(list[CompetencyRead])


@lru_cache(maxsize=16)
def _competencies_json(version: str, file_sha256: str) -> bytes:
    return _COMPETENCIES.dump_json(
        competencies_read(service.get_loaded_framework(version).framework)
    )


@lru_cache(maxsize=16)
def _framework_json(version: str, file_sha256: str) -> bytes:
    loaded = service.get_loaded_framework(version)
    return (
        FrameworkRead(
            version=loaded.framework.version,
            title=loaded.framework.title,
            sha256=loaded.sha256,
            roll_up=roll_up_read(loaded.framework),
            competencies=competencies_read(loaded.framework),
        )
        .model_dump_json()
        .encode()
    )


def _json(request: Request, loaded: LoadedFramework, body: bytes) -> Response:
    etag = f'"{loaded.file_sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/competencies", response_model=list[CompetencyRead], responses=errors(401))
async def list_competencies(request: Request, actor: CurrentActor) -> Response:
    """The eleven competencies of the current framework, each with its four levels."""
    loaded = service.current_framework()
    version = loaded.framework.version
    return _json(request, loaded, _competencies_json(version, loaded.file_sha256))


@router.get("/frameworks/{version}", response_model=FrameworkRead, responses=errors(401, 404))
async def read_framework(request: Request, version: str, actor: CurrentActor) -> Response:
    """One framework version with its file hash."""
    loaded = service.get_loaded_framework(version)
    return _json(request, loaded, _framework_json(version, loaded.file_sha256))
