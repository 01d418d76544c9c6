"""CSRF protection for browser requests (asgi-csrf, double-submit cookie).

Forms carry the token in a hidden ``csrftoken`` field; htmx sends it in the ``X-CSRFToken``
header (set once on ``<body>``). API calls with a bearer token carry no ambient credential
and are not checked. The sign-in form is always checked, even before any cookie exists.

asgi-csrf reads the token from a multipart body with a python-multipart API that current
releases no longer have, so multipart posts are bridged here: the token must be the form's
first field (as asgi-csrf also requires); it is read from the leading bytes of the stream,
which are then replayed, and handed on in the header asgi-csrf checks.
"""

from __future__ import annotations

from typing import Any

from asgi_csrf import asgi_csrf
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings

FIELD = b"csrftoken"
HEADER = b"x-csrftoken"
ALWAYS_PROTECT = {"/login"}
# Answers with a bearer token in its body and sets no cookie: nothing for a forged request to gain.
NO_AMBIENT_CREDENTIAL = {"/api/v1/auth/token"}
READS_WITHOUT_PAGE = ("/api/", "/healthz", "/readyz")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_PREAMBLE = 64 * 1024
REFUSED = (
    b"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Form expired</title>"
    b"<h1>This form has expired</h1><p>Your request was refused because it did not carry this "
    b"service's security token. Go back, reload the page and try again.</p></html>"
)


async def _send_refusal(scope: Scope, send: Send, message_id: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": REFUSED})


class _Found(Exception):
    pass


async def _leading_token(boundary: bytes, receive: Receive) -> tuple[str | None, list[Message]]:
    """The value of a leading ``csrftoken`` field, and the messages read to find it."""
    state: dict[str, Any] = {"name": b"", "value": b"", "headers": b"", "is_token": False}
    consumed: list[Message] = []

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["headers"] += data[start:end]

    def on_headers_finished() -> None:
        _, params = parse_options_header(state["headers"])
        state["is_token"] = params.get(b"name") == FIELD and b"filename" not in params
        if not state["is_token"]:
            raise _Found  # the first field is something else: no token in the body

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_part_end() -> None:
        raise _Found

    parser = MultipartParser(
        boundary,
        {
            "on_header_value": on_header_value,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    size = 0
    try:
        while size <= MAX_PREAMBLE:
            message = await receive()
            consumed.append(message)
            body = message.get("body", b"")
            size += len(body)
            parser.write(body)
            if not message.get("more_body", False):
                break
    except _Found:
        pass
    except MultipartParseError:
        return None, consumed
    token = state["value"].decode("latin-1") if state["is_token"] else None
    return token, consumed


def skip(scope: Scope) -> bool:
    """Whether the request is a safe read of data: no page, so no form token to hand out, and
    nothing to check (asgi-csrf would still sign a fresh token for it)."""
    return scope["method"] in SAFE_METHODS and scope["path"].startswith(READS_WITHOUT_PAGE)


def _checked(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    """Whether asgi-csrf checks this post: it carries a cookie (or is the sign-in form), is
    not exempt, and is not sent with a bearer token."""
    if not headers.get(b"cookie") and scope["path"] not in ALWAYS_PROTECT:
        return False
    if scope["path"] in NO_AMBIENT_CREDENTIAL:
        return False
    return not headers.get(b"authorization", b"").decode("latin-1").startswith("Bearer ")


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        settings = get_settings()
        self.app = app
        self.protected = asgi_csrf(
            app,
            signing_secret=settings.signing_key(),
            always_protect=ALWAYS_PROTECT,
            cookie_secure=settings.cookie_secure,
            cookie_samesite="Lax",
            send_csrf_failed=_send_refusal,
            skip_if_scope=lambda scope: scope["path"] in NO_AMBIENT_CREDENTIAL,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or skip(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type, params = parse_options_header(headers.get(b"content-type", b""))
        if (
            scope["method"] == "POST"
            and content_type == b"multipart/form-data"
            and HEADER not in headers
        ):
            boundary = params.get(b"boundary")
            token, consumed = await _leading_token(boundary, receive) if boundary else (None, [])
            if token is None and _checked(scope, headers):
                # No token where asgi-csrf would look for one with a parser it no longer has.
                await _send_refusal(scope, send, None)
                return

            async def replay() -> Message:
                return consumed.pop(0) if consumed else await receive()

            if token is not None:
                scope = {**scope, "headers": [*scope["headers"], (HEADER, token.encode("latin-1"))]}
            await self.protected(scope, replay, send)
            return
        await self.protected(scope, receive, send)
