"""Receiving one file from a multipart request, streamed straight into a TempBlob."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.errors import InvalidInput, PayloadTooLarge
from app.evidence.storage import TempBlob

# Room for the multipart framing around the file itself.
ENVELOPE_BYTES = 64 * 1024


@dataclass
class _PartState:
    part_name: str | None = None
    filename: str | None = None
    declared_type: str | None = None
    header_name: bytes = b""
    header_value: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)


@dataclass
class ReceivedFile:
    blob: TempBlob
    filename: str
    declared_type: str | None
    fields: dict[str, str] = field(default_factory=dict)
    """The body's other parts that are text, not files, by name (the last of each name)."""


async def receive_file(request: Request, *, field_name: str, max_bytes: int) -> ReceivedFile:
    """Stream the ``field_name`` file part of a multipart body to disk, hashing as it goes.

    Refuses a body that says or turns out to be too large (413) and a body with no such part
    (422); on any failure the partial file is deleted. Other parts that are text (up to
    ``ENVELOPE_BYTES`` in all) are kept in ``fields``.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput(f"Send the file as multipart/form-data in a field named {field_name!r}")
    declared_length = request.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > max_bytes + ENVELOPE_BYTES:
        raise PayloadTooLarge(f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit")

    blob = TempBlob(max_bytes=max_bytes)
    state = _PartState()
    found: dict[str, str | None] = {}
    texts: dict[str, bytearray] = {}

    def on_part_begin() -> None:
        state.headers.clear()
        state.part_name = state.filename = state.declared_type = None

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        state.headers[state.header_name.lower()] = state.header_value
        state.header_name = state.header_value = b""

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(state.headers.get(b"content-disposition", b""))
        name = disposition.get(b"name")
        state.part_name = name.decode("utf-8", "replace") if name else None
        raw_filename = disposition.get(b"filename")
        state.filename = raw_filename.decode("utf-8", "replace") if raw_filename else None
        declared = state.headers.get(b"content-type")
        state.declared_type = declared.decode("latin-1") if declared else None
        if state.part_name is not None and state.filename is None:
            texts[state.part_name] = bytearray()
        if state.part_name == field_name and state.filename is not None:
            if "filename" in found:
                raise InvalidInput(f"Send one file in the field {field_name!r}")
            found["filename"] = state.filename
            found["declared_type"] = state.declared_type

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state.part_name == field_name and state.filename is not None:
            blob.write(data[start:end])
        elif state.part_name in texts and state.filename is None:
            texts[state.part_name] += data[start:end]
            if sum(len(t) for t in texts.values()) > ENVELOPE_BYTES:
                raise PayloadTooLarge("The form's fields are too long")

    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": on_part_begin,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_headers_finished": on_headers_finished,
                "on_part_data": on_part_data,
            },
        )
    except FormParserError:
        blob.discard()
        raise InvalidInput("The upload was not a well-formed multipart body") from None
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if "filename" not in found:
            raise InvalidInput(f"No file was sent in the field {field_name!r}")
        blob.finish()
    except FormParserError:
        blob.discard()
        raise InvalidInput("The upload was not a well-formed multipart body") from None
    except BaseException:
        blob.discard()
        raise
    return ReceivedFile(
        blob=blob,
        filename=found["filename"] or "",
        declared_type=found["declared_type"],
        fields={name: bytes(text).decode("utf-8", "replace") for name, text in texts.items()},
    )
