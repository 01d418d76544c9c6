"""PDF rendering in a separate pool of processes, never on a web worker's thread.

A report can take seconds of CPU; rendered in a request it would stall every other request on
that worker. The pool has a bounded queue: when it is full the caller hears so (503) at once
instead of piling up work.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from app.config import get_settings
from app.errors import ServiceUnavailable
from app.reports.pdf import render_pdf

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_slots: threading.BoundedSemaphore | None = None


def _lower_priority() -> None:
    """Renderers yield the processor to web workers: a report may wait, a page should not."""
    os.nice(10)


def _pool() -> tuple[ProcessPoolExecutor, threading.BoundedSemaphore]:
    global _executor, _slots
    with _lock:
        if _executor is None or _slots is None:
            settings = get_settings()
            _executor = ProcessPoolExecutor(
                max_workers=settings.report_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority,
            )
            _slots = threading.BoundedSemaphore(settings.report_queue)
        return _executor, _slots


async def render_pdf_in_pool(html: str) -> bytes:
    executor, slots = _pool()
    if not slots.acquire(blocking=False):
        raise ServiceUnavailable("Too many reports are being prepared; try again in a minute")
    try:
        return await asyncio.get_running_loop().run_in_executor(executor, render_pdf, html)
    finally:
        slots.release()


def shutdown() -> None:
    """Stop the renderers with the server: waiting reports are dropped and every renderer
    process is stopped, at work or not (no one is left to receive its report), so that none
    outlives the server; a large report's process can hold hundreds of MB."""
    global _executor, _slots
    with _lock:
        executor, _executor, _slots = _executor, None, None
    if executor is None:
        return
    # The pool's processes, read before shutting it down forgets them.
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
