"""An attachment as a download, for the API and the pages alike: the stored file streamed
from wherever it is kept (sent straight from disk when that is a local folder)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlmodel import Session

from app.actors import Actor
from app.evidence import filetypes, repository, storage


def content_disposition(filename: str) -> str:
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_response(session: Session, actor: Actor, attachment_id: int) -> Response:
    """The file, with its stored type: 404 if this actor may not see it, 503 if the store
    cannot be reached now."""
    attachment = repository.get_attachment(session, actor, attachment_id)
    headers = {
        # Files recorded before names followed their content are served as they now would be.
        "Content-Disposition": content_disposition(
            filetypes.name_for_type(attachment.filename, attachment.content_type)
        ),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    path = storage.local_path(attachment.sha256)
    if path is not None and path.is_file():  # a folder store: sent straight from the disk
        return FileResponse(path, media_type=attachment.content_type, headers=headers)
    download = storage.open_blob(attachment.sha256)  # 404 if missing, 503 if unreachable
    headers["Content-Length"] = str(download.size)
    return StreamingResponse(download.chunks(), media_type=attachment.content_type, headers=headers)
