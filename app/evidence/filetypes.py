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

# The name endings each kept type is saved under; the first is the one added to a name that
# has none of them. A file's name may say anything (minutes.hta, page.html): the name it is
# recorded and served under always ends as its content is, so no program or browser opens a
# plain text file as a script or a web page.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "application/msword": ("doc", "dot"),
    "application/vnd.ms-excel": ("xls", "xlt"),
    "application/vnd.ms-powerpoint": ("ppt", "pps", "pot"),
    f"{OOXML}.wordprocessingml.document": ("docx",),
    f"{OOXML}.spreadsheetml.sheet": ("xlsx",),
    f"{OOXML}.presentationml.presentation": ("pptx",),
    f"{ODF}.text": ("odt",),
    f"{ODF}.spreadsheet": ("ods",),
    f"{ODF}.presentation": ("odp",),
    "text/csv": ("csv",),
    "text/plain": ("txt", "text", "log", "md"),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
}


def name_for_type(filename: str, content_type: str) -> str:
    """``filename`` ending as its content is: unchanged if its ending belongs to the type,
    else with the type's own ending added (``minutes.hta`` as text: ``minutes.hta.txt``)."""
    endings = EXTENSIONS.get(content_type)
    if not endings:
        return filename
    suffix = filename.rpartition(".")[2].lower() if "." in filename else ""
    return filename if suffix in endings else f"{filename}.{endings[0]}"


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
