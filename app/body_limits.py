"""The size of a request body, limited as it arrives.

A body is refused (413) as soon as it says (a form with a file: as soon as it turns out) to be
larger than its kind may be: a file upload (multipart) up to the upload limit and room for
the form around it, anything else (JSON, a plain form) up to ``WCC_MAX_BODY_MB``. The bytes
beyond the limit are never read, so a client streaming hundreds of megabytes costs the
server no more than the limit, whoever it is and wherever it sends them.

Whatever reads the body past the limit (the route's parser, the CSRF check) hears it as a 413
``HTTPException``: inside the application it is answered like any other refusal (a page or a
JSON ``detail``); a reader outside it is answered here.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings, get_settings


class BodyTooLarge(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(status_code=413, detail=detail)


def _is_multipart(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"multipart/form-data"
    return False


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def limit_for(scope: Scope, settings: Settings) -> tuple[int, str]:
    """The most bytes this request's body may hold, and the sentence refusing more."""
    if _is_multipart(scope):
        return (
            settings.max_upload_bytes + settings.max_body_bytes,
            f"The file is larger than the {settings.max_upload_mb} MB limit",
        )
    return (
        settings.max_body_bytes,
        f"The request is larger than the {settings.max_body_mb} MB this service accepts",
    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, refusal = limit_for(scope, get_settings())
        # A form with a file is read up to the limit even when it says it is larger: the page
        # stops at the file and shows the form again with what was typed before it.
        declared = None if _is_multipart(scope) else _declared_length(scope)
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(refusal)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(refusal)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge as exc:
            # Read outside the application (the CSRF check reads a form's token first).
            if started:
                raise
            await _refuse(scope, send, exc.detail)


async def _refuse(scope: Scope, send: Send, detail: str) -> None:
    if scope["path"].startswith("/api/"):
        body = json.dumps({"detail": detail}).encode()
        content_type = b"application/json"
    else:
        body = (
            "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Too large</title>"
            f"<h1>What you sent is too large</h1><p>{detail}.</p></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
