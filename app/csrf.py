"""CSRF protection for browser requests (asgi-csrf, double-submit cookie).

Forms carry the token in a hidden ``csrftoken`` field; htmx sends it in the ``X-CSRFToken``
header (set once on ``<body>``). API calls with a bearer token carry no ambient credential
and are not checked. The sign-in form is always checked, even before any cookie exists.

Signed out, the token is asgi-csrf's own: a random value signed with the service's key, held
in the ``csrftoken`` cookie. Signed in, the token belongs to the browser session: it is a keyed
hash of the session cookie (``token_for_session``), signed as asgi-csrf signs its tokens, and
stands in for whatever ``csrftoken`` cookie the browser sent. So a token read or planted
before sign-in (a shared machine, a cookie set from a sibling domain) is refused once the
browser has signed in, and one session's token is refused with another session's cookie.
Signing in issues the new session's token as the cookie, and signing out forgets it.

asgi-csrf reads the token from a multipart body with a python-multipart API that current
releases no longer have, so multipart posts are bridged here: the token must be the form's
first field (as asgi-csrf also requires); it is read from the leading bytes of the stream,
which are then replayed, and handed on in the header asgi-csrf checks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from asgi_csrf import DEFAULT_SIGNING_NAMESPACE, asgi_csrf, cookies_from_scope
from itsdangerous import BadSignature
from itsdangerous.url_safe import URLSafeSerializer
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings
from app.deps import SESSION_COOKIE

COOKIE = "csrftoken"
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
    """The value of a leading ``csrftoken`` field, and the messages read to find it; None when
    the body does not begin with a whole one (another field first, a body cut short or not
    multipart at all, a boundary the parser refuses)."""
    state: dict[str, Any] = {"value": b"", "headers": b"", "is_token": False, "ended": False}
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
        state["ended"] = True
        raise _Found

    try:
        parser = MultipartParser(
            boundary,
            {
                "on_header_value": on_header_value,
                "on_headers_finished": on_headers_finished,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
            },
        )
    except FormParserError:
        return None, consumed
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
    except FormParserError:
        return None, consumed
    whole = state["is_token"] and state["ended"]
    return (state["value"].decode("latin-1") if whole else None), consumed


def _token_for_session(signing_key: str, session_cookie: str) -> str:
    digest = hmac.new(
        signing_key.encode("utf-8"),
        b"csrf-token-of-session\0" + session_cookie.encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()
    return URLSafeSerializer(signing_key).dumps(digest, salt=DEFAULT_SIGNING_NAMESPACE)


def token_for_session(session_cookie: str) -> str:
    """The form token of the browser session whose cookie holds ``session_cookie``."""
    return _token_for_session(get_settings().signing_key(), session_cookie)


def issue_for_session(response: Response, session_cookie: str) -> None:
    """Give the browser the form token of the session it has just begun (at sign-in)."""
    response.set_cookie(
        COOKIE,
        token_for_session(session_cookie),
        path="/",
        samesite="lax",
        secure=get_settings().cookie_secure,
    )


def forget(response: Response) -> None:
    """Drop the browser's form token (at sign-out): the next page issues a fresh one."""
    response.delete_cookie(COOKIE, path="/")


def _bound_to_session(scope: Scope, signing_key: str) -> Scope:
    """The request as asgi-csrf is to see it: when it carries a session cookie, with the
    session's own token as its ``csrftoken`` cookie in place of any the browser sent. The
    cookie headers are joined into one, so that this check and the application read the same
    session cookie."""
    headers: list[tuple[bytes, bytes]] = list(scope.get("headers") or [])
    sent = [value.decode("latin-1") for name, value in headers if name == b"cookie"]
    if not sent:
        return scope
    joined = "; ".join(sent)
    session_cookie = cookie_parser(joined).get(SESSION_COOKIE)
    if not session_cookie:
        return scope
    others = [
        chunk.strip()
        for chunk in joined.split(";")
        if chunk.strip() and chunk.split("=", 1)[0].strip() != COOKIE
    ]
    # First, so that asgi-csrf's stricter parser reads it whatever follows.
    cookie = "; ".join([f"{COOKIE}={_token_for_session(signing_key, session_cookie)}", *others])
    kept = [(name, value) for name, value in headers if name != b"cookie"]
    return {**scope, "headers": [*kept, (b"cookie", cookie.encode("latin-1"))]}


def _without_unreadable_token_header(scope: Scope) -> Scope:
    """The request without an ``X-CSRFToken`` header that is not plain ASCII (no token is):
    asgi-csrf's comparison cannot take one, so it is treated as no token at all."""
    headers = scope.get("headers") or []
    if all(name != HEADER or value.isascii() for name, value in headers):
        return scope
    return {**scope, "headers": [(n, v) for n, v in headers if n != HEADER or v.isascii()]}


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
        self.signing_key = settings.signing_key()
        self.protected = asgi_csrf(
            app,
            signing_secret=self.signing_key,
            always_protect=ALWAYS_PROTECT,
            cookie_secure=settings.cookie_secure,
            cookie_samesite="Lax",
            send_csrf_failed=_send_refusal,
            skip_if_scope=lambda scope: scope["path"] in NO_AMBIENT_CREDENTIAL,
        )

    def _cookie_token(self, scope: Scope) -> str | None:
        """The browser's token as asgi-csrf reads it: its ``csrftoken`` cookie, if signed by
        this service."""
        token = cookies_from_scope(scope).get(COOKIE)
        if not token:
            return None
        try:
            URLSafeSerializer(self.signing_key).loads(token, salt=DEFAULT_SIGNING_NAMESPACE)
        except BadSignature:
            return None
        return token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or skip(scope):
            await self.app(scope, receive, send)
            return
        scope = _without_unreadable_token_header(_bound_to_session(scope, self.signing_key))
        headers = dict(scope.get("headers") or [])
        content_type, params = parse_options_header(headers.get(b"content-type", b""))
        if (
            scope["method"] not in SAFE_METHODS
            and content_type == b"multipart/form-data"
            and _checked(scope, headers)
        ):
            # Checked here in full: asgi-csrf's own multipart path needs a python-multipart
            # API that current releases no longer have.
            token: str | None = headers.get(HEADER, b"").decode("latin-1") or None
            consumed: list[Message] = []
            if token is None:
                boundary = params.get(b"boundary")
                if boundary:
                    token, consumed = await _leading_token(boundary, receive)
            expected = self._cookie_token(scope)
            if (
                token is None
                or expected is None
                or not secrets.compare_digest(token.encode("latin-1"), expected.encode("latin-1"))
            ):
                await _send_refusal(scope, send, None)
                return

            async def replay() -> Message:
                return consumed.pop(0) if consumed else await receive()

            kept = [(name, value) for name, value in scope["headers"] if name != HEADER]
            scope = {**scope, "headers": [*kept, (HEADER, token.encode("latin-1"))]}
            await self.protected(scope, replay, send)
            return
        await self.protected(scope, receive, send)
