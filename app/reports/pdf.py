"""Rendering report HTML to PDF with WeasyPrint, fetching nothing but our own static files."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from app.config import BASE_DIR

STATIC = (BASE_DIR / "static").resolve()
BASE_URL = STATIC.as_uri() + "/"


class StaticOnlyFetcher(URLFetcher):
    """Serves files under ``static/`` and ``data:`` URLs; refuses the network and every other
    file, so user text in a report can never pull anything in."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url.split("?")[0].split("#")[0].removeprefix("file://")).resolve()
            if path.is_relative_to(STATIC) and path.is_file():
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": media_type}
                )
        raise URLFetchingError(f"not fetched: {url[:80]}")


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
