"""Deciding a file's type from its content (libmagic), against the allow-list."""

from __future__ import annotations

from pathlib import Path

import magic

from app.errors import UnsupportedMediaType

OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"

ALLOWED_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        f"{OOXML}.wordprocessingml.document",
        f"{OOXML}.spreadsheetml.sheet",
        f"{OOXML}.presentationml.presentation",
        f"{ODF}.text",
        f"{ODF}.spreadsheet",
        f"{ODF}.presentation",
        "text/csv",
        "text/plain",
        "image/png",
        "image/jpeg",
    }
)

# Legacy Office files are OLE compound documents; libmagic often names only the container.
_OLE_CONTAINERS = frozenset({"application/cdfv2", "application/x-ole-storage"})
_OLE_BY_SUFFIX = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}

DESCRIPTION = "PDF, Word, Excel, PowerPoint, OpenDocument, CSV, plain text, PNG or JPEG"


def sniff(path: Path, filename: str) -> str:
    """The media type to store for the file at ``path``, by content; 415 if not allowed."""
    detected = magic.from_file(str(path), mime=True).lower()
    suffix = filename.rpartition(".")[2].lower() if "." in filename else ""
    if detected in _OLE_CONTAINERS:
        detected = _OLE_BY_SUFFIX.get(suffix, detected)
    if detected in {"text/plain", "text/csv", "application/csv"}:
        detected = "text/csv" if suffix == "csv" else "text/plain"
    if detected not in ALLOWED_TYPES:
        raise UnsupportedMediaType(
            f"{filename or 'This file'} is not a kind of file the service accepts; "
            f"upload a {DESCRIPTION} file",
            field="file",
        )
    return detected
