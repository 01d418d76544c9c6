"""Rendered PDF reports kept on disk, keyed by what they say.

A report is a pure function of its HTML, the print stylesheet and the renderer. The key is
the SHA-256 of those three, leaving out only the "generated" time stamp, so a report whose
content has not changed since it was last rendered is served byte for byte as it was then (a
board pack downloaded twice is the same file) and any change to a score, an evidence item, a
status or a name makes a new key. Every worker shares the folder; files are written under a
temporary name and moved into place, so a reader never sees half a file. The folder is kept
under ``WCC_REPORT_CACHE_MB`` by dropping the least recently used files.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path

import weasyprint

from app.config import get_settings
from app.reports.pdf import STATIC

# The time stamps a template prints. Jinja escapes quotes and angle brackets in user text, so
# these can only be the template's own.
GENERATED = re.compile(rb' data-generated="[^"]*"|<td class="generated">[^<]*</td>')
_rendering: dict[str, asyncio.Future[bytes]] = {}


def folder() -> Path:
    return get_settings().data_dir / "report-cache"


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


def _read(path: Path) -> bytes | None:
    try:
        body = path.read_bytes()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: the last to be dropped
    return body


def _write(path: Path, body: bytes, limit_bytes: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{secrets.token_hex(8)}.part")
    try:
        temporary.write_bytes(body)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return  # a cache that cannot be written only costs a render next time
    _trim(path.parent, limit_bytes)


def _trim(directory: Path, limit_bytes: int) -> None:
    entries: list[tuple[float, int, Path]] = []
    for path in directory.glob("*.pdf"):
        try:
            status = path.stat()
        except OSError:
            continue
        entries.append((status.st_mtime, status.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size


async def cached_pdf(html: str, render: Callable[[str], Awaitable[bytes]]) -> bytes:
    """The PDF for ``html``: from the cache, from a render of the same content already under
    way in this worker, or rendered now with ``render`` and kept."""
    limit_bytes = get_settings().report_cache_mb * 1024 * 1024
    if limit_bytes == 0:
        return await render(html)
    digest = key(html)
    path = folder() / f"{digest}.pdf"
    body = await asyncio.to_thread(_read, path)
    if body is not None:
        return body
    running = _rendering.get(digest)
    if running is not None:
        await asyncio.wait([running])  # the same content is being rendered: share it
        if not running.cancelled() and running.exception() is None:
            return running.result()
        return await cached_pdf(html, render)  # that render failed: try afresh
    future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    _rendering[digest] = future
    try:
        body = await render(html)
    except BaseException:
        future.cancel()
        raise
    finally:
        _rendering.pop(digest, None)
    future.set_result(body)
    await asyncio.to_thread(_write, path, body, limit_bytes)
    return body
