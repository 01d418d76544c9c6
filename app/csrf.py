"""CSRF protection for browser requests (asgi-csrf, double-submit cookie).

Forms carry the token in a hidden ``csrftoken`` field; htmx sends it in the ``X-CSRFToken``
header (set once on ``<body>``). API calls with a bearer token carry no ambient credential
and are not checked. The sign-in form is always checked, even before any cookie exists.
"""

from __future__ import annotations

from typing import Any

from asgi_csrf import asgi_csrf
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import get_settings

ALWAYS_PROTECT = {"/login"}
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
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.protected(scope, receive, send)
