"""Receiving one file from a multipart request, streamed straight into a TempBlob."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.config import get_settings
from app.errors import InvalidInput, PayloadTooLarge
from app.evidence.storage import TempBlob

# Room for the multipart framing around the file itself.
ENVELOPE_BYTES = 64 * 1024
# The most parts an upload through the API may have: the file and a few fields.
MAX_PARTS = 20


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


@dataclass
class ReceivedForm:
    """A form with at most one file, as far as it was read."""

    fields: list[tuple[str, str]]
    """The parts that are text, in the order sent."""
    file: ReceivedFile | None
    file_error: str | None = None
    """Why the file was refused as it arrived (too large): reading stopped there, and only
    the fields sent before it are in ``fields``."""


class _TooLarge(Exception):
    pass


async def _receive_parts(
    request: Request, *, field_name: str, max_bytes: int, max_parts: int
) -> ReceivedForm:
    """Stream a multipart body: the ``field_name`` file part to disk, hashed as it goes, and
    the text parts into memory (``WCC_MAX_BODY_MB`` in all, ``max_parts`` parts at most).

    A malformed body, a second file or too many parts are refused (422); a file past
    ``max_bytes`` stops the reading, deleted, with what was read so far. On any failure the
    partial file is deleted.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput(f"Send the file as multipart/form-data in a field named {field_name!r}")
    text_limit = get_settings().max_body_bytes
    blob = TempBlob(max_bytes=max_bytes)
    state = _PartState()
    found: dict[str, str | None] = {}
    texts: list[tuple[str, bytearray]] = []
    counts = {"parts": 0, "text": 0}

    def on_part_begin() -> None:
        state.headers.clear()
        state.part_name = state.filename = state.declared_type = None
        counts["parts"] += 1
        if counts["parts"] > max_parts:
            raise InvalidInput("The form sent more parts than it has")

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
            texts.append((state.part_name, bytearray()))
        if state.part_name == field_name and state.filename is not None:
            if "filename" in found:
                raise InvalidInput(f"Send one file in the field {field_name!r}")
            found["filename"] = state.filename
            found["declared_type"] = state.declared_type

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state.part_name == field_name and state.filename is not None:
            try:
                blob.write(data[start:end])
            except PayloadTooLarge as refusal:
                found["too_large"] = refusal.detail
                raise _TooLarge from None
        elif state.part_name is not None and state.filename is None:
            texts[-1][1].extend(data[start:end])
            counts["text"] += end - start
            if counts["text"] > text_limit:
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
        if "filename" in found:
            blob.finish()
        else:
            blob.discard()
    except _TooLarge:
        blob.discard()
    except FormParserError:
        blob.discard()
        raise InvalidInput("The upload was not a well-formed multipart body") from None
    except BaseException:
        blob.discard()
        raise
    fields = [(name, bytes(text).decode("utf-8", "replace")) for name, text in texts]
    if "too_large" in found:
        return ReceivedForm(fields=fields, file=None, file_error=found["too_large"])
    if "filename" not in found:
        return ReceivedForm(fields=fields, file=None)
    received = ReceivedFile(
        blob=blob,
        filename=found["filename"] or "",
        declared_type=found["declared_type"],
        fields=dict(fields),
    )
    return ReceivedForm(fields=fields, file=received)


async def receive_file(request: Request, *, field_name: str, max_bytes: int) -> ReceivedFile:
    """Stream the ``field_name`` file part of a multipart body to disk, hashing as it goes.

    Refuses a body that says or turns out to be too large (413) and a body with no such part
    (422); on any failure the partial file is deleted. Other parts that are text are kept in
    ``fields``.
    """
    declared_length = request.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > max_bytes + ENVELOPE_BYTES:
        raise PayloadTooLarge(f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit")
    received = await _receive_parts(
        request, field_name=field_name, max_bytes=max_bytes, max_parts=MAX_PARTS
    )
    if received.file_error is not None:
        raise PayloadTooLarge(received.file_error)
    if received.file is None:
        raise InvalidInput(f"No file was sent in the field {field_name!r}")
    return received.file


async def receive_form(
    request: Request, *, field_name: str, max_bytes: int, max_fields: int
) -> ReceivedForm:
    """A page's form with an optional file: its fields, and the file received as
    ``receive_file`` receives one. A file too large is not an error here but a
    ``file_error``, so that the page can show the form again with what was typed before it."""
    return await _receive_parts(
        request, field_name=field_name, max_bytes=max_bytes, max_parts=max_fields + 1
    )
