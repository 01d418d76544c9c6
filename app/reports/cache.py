"""Rendered PDF reports kept in the file store, keyed by what they say.

A report is a pure function of its HTML, the print stylesheet and the renderer. The key is
the SHA-256 of those three, leaving out only the "generated" time stamp, so a report whose
content has not changed since it was last rendered is served byte for byte as it was then (a
board pack downloaded twice is the same file) and any change to a score, an evidence item, a
status or a name makes a new key.

Every server shares the store (a folder, or the S3 bucket that several machines use), so a
report rendered by one is served by all. The same content asked for twice at once is rendered
once: within a process by sharing the render under way, and between servers sharing a
PostgreSQL database by a lease on the key (``app.reports.render_lease``), the others waiting
for the PDF to appear in the store. The cache is kept under ``WCC_REPORT_CACHE_MB`` by dropping
the least recently used reports (least recently written, in S3). A store that cannot be reached
only costs a render: the report is still served.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import weasyprint
from sqlalchemy.exc import SQLAlchemyError

from app import storage
from app.config import get_settings
from app.reports import render_lease
from app.reports.pdf import STATIC

log = logging.getLogger(__name__)
PREFIX = "report-cache/"
# How long one server may hold a report's render before another takes it over, and how often
# a waiting server looks for the PDF.
LEASE_SECONDS = 180.0
POLL_SECONDS = 0.25

# The time stamps a template prints. Jinja escapes quotes and angle brackets in user text, so
# these can only be the template's own.
GENERATED = re.compile(rb' data-generated="[^"]*"|<td class="generated">[^<]*</td>')
_rendering: dict[str, asyncio.Future[bytes]] = {}

Source = Literal["cache", "render", "shared"]


@dataclass(frozen=True)
class CachedPdf:
    body: bytes
    source: Source
    """cache: read from the store; render: rendered by this request; shared: rendered for
    another request of this process, or by another server, at the same time."""


@cache
def _renderer_fingerprint() -> bytes:
    stylesheets = sorted((STATIC / "css").glob("report*.css"))
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for path in stylesheets:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key(html: str) -> str:
    content = GENERATED.sub(b"", html.encode())
    return hashlib.sha256(_renderer_fingerprint() + content).hexdigest()


def _object_key(digest: str) -> str:
    return f"{PREFIX}{digest}.pdf"


def _read(digest: str) -> bytes | None:
    store = storage.current()
    try:
        body = store.read_bytes(_object_key(digest))
    except storage.ObjectMissing:
        return None
    except storage.StorageUnavailable:
        log.warning("report cache: %s cannot be reached; rendering instead", store.describe())
        return None
    store.mark_used(_object_key(digest))  # recently used: the last to be dropped
    return body


def _write(digest: str, body: bytes, limit_bytes: int) -> None:
    store = storage.current()
    try:
        store.put_bytes(_object_key(digest), body)
        _trim(store, limit_bytes)
    except (storage.StorageUnavailable, OSError):
        log.warning("report cache: %s cannot be written; rendered again next time", store)


def _trim(store: storage.ObjectStore, limit_bytes: int) -> None:
    entries = sorted(store.list(PREFIX), key=lambda entry: (entry.modified, entry.key))
    total = sum(entry.size for entry in entries)
    for entry in entries:
        if total <= limit_bytes:
            break
        store.delete(entry.key)
        total -= entry.size


def _coordinated() -> bool:
    """Servers coordinate through the database only on PostgreSQL: SQLite is one machine."""
    return get_settings().sqlalchemy_url.startswith("postgresql")


def _claim(digest: str) -> bool | None:
    """True: this server renders; False: another does; None: no coordination (render)."""
    if not _coordinated():
        return None
    from app.db import get_engine

    try:
        return render_lease.claim(get_engine(), digest, LEASE_SECONDS)
    except SQLAlchemyError:
        log.warning("report cache: no render lease (database); rendering here")
        return None


def _release(digest: str) -> None:
    from app.db import get_engine

    try:
        render_lease.release(get_engine(), digest)
    except SQLAlchemyError:
        log.warning("report cache: a render lease could not be released; it expires anyway")


def _wait_for_other_server(digest: str) -> bytes | None:
    """The PDF another server is rendering, once it is in the store; None if that server
    gave up (its lease released or expired without a PDF)."""
    from app.db import get_engine

    deadline = time.monotonic() + LEASE_SECONDS
    while time.monotonic() < deadline:
        body = _read(digest)
        if body is not None:
            return body
        try:
            if not render_lease.held(get_engine(), digest):
                return _read(digest)
        except SQLAlchemyError:
            return None
        time.sleep(POLL_SECONDS)
    return None


async def cached_pdf(html: str, render: Callable[[str], Awaitable[bytes]]) -> CachedPdf:
    """The PDF for ``html``: from the store, from a render of the same content already under
    way here or on another server, or rendered now with ``render`` and kept."""
    limit_bytes = get_settings().report_cache_mb * 1024 * 1024
    if limit_bytes == 0:
        return CachedPdf(await render(html), "render")
    digest = key(html)
    body = await asyncio.to_thread(_read, digest)
    if body is not None:
        return CachedPdf(body, "cache")
    running = _rendering.get(digest)
    if running is not None:
        await asyncio.wait([running])  # the same content is being rendered: share it
        if not running.cancelled() and running.exception() is None:
            return CachedPdf(running.result(), "shared")
        return await cached_pdf(html, render)  # that render failed: try afresh
    future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    _rendering[digest] = future
    try:
        result = await _render_once(digest, html, render, limit_bytes)
    except BaseException:
        future.cancel()
        raise
    finally:
        _rendering.pop(digest, None)
    future.set_result(result.body)
    return result


async def _render_once(
    digest: str, html: str, render: Callable[[str], Awaitable[bytes]], limit_bytes: int
) -> CachedPdf:
    while True:
        claimed = await asyncio.to_thread(_claim, digest)
        if claimed is False:
            body = await asyncio.to_thread(_wait_for_other_server, digest)
            if body is not None:
                return CachedPdf(body, "shared")
            continue  # the other server gave up: take the lease
        try:
            body = await render(html)
            await asyncio.to_thread(_write, digest, body, limit_bytes)
        finally:
            if claimed:
                await asyncio.to_thread(_release, digest)
        return CachedPdf(body, "render")
