"""Security headers on every response, as plain ASGI middleware (no per-request task or
response wrapping): the fixed headers below; ``Cache-Control: no-store`` on everything but the
static assets (pages and answers carry people's data, and a shared machine's browser or a
proxy must not keep them); and redirects to this site given as paths, so that a forged
``Host`` header can never send a browser elsewhere."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "Content-Security-Policy"
SECURITY_HEADERS = {
    CONTENT_SECURITY_POLICY: (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Swagger UI (/docs) sets style attributes on what it draws; its scripts are files like any.
DOCS_PATH = "/docs"
DOCS_CONTENT_SECURITY_POLICY = SECURITY_HEADERS[CONTENT_SECURITY_POLICY].replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
# Files that are the same for everyone and may be kept by browsers.
CACHEABLE_PREFIXES = ("/static/", "/assets/")
NO_STORE = "no-store"
FAULT = b"Sorry, something went wrong on our side. Try again later."


def _relative(location: str, host: str) -> str:
    """A redirect to this site (the host the request named) as a path; others unchanged."""
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc.lower() != host.lower():
        return location
    path = parts.path or "/"
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return path + (f"?{parts.query}" if parts.query else "")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        policies = (
            {CONTENT_SECURITY_POLICY: DOCS_CONTENT_SECURITY_POLICY} if path == DOCS_PATH else {}
        )
        cacheable = path.startswith(CACHEABLE_PREFIXES)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers.append(name, policies.get(name, value))
                if not cacheable and "cache-control" not in headers:
                    headers.append("Cache-Control", NO_STORE)
                if "location" in headers:
                    host = Headers(scope=scope).get("host", "")
                    headers["Location"] = _relative(headers["location"], host)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # A fault of ours: answered here, with the headers, before the server logs it.
            if not started:
                await send_with_headers(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send_with_headers({"type": "http.response.body", "body": FAULT})
            raise
