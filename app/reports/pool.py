"""PDF rendering in processes of its own, never on a web worker's thread, shared fairly.

A report can take seconds of CPU; rendered in a request it would stall every other request on
that worker. So reports render in a few renderer processes (``WCC_REPORT_WORKERS``) at a lower
priority, and so that one organisation's large reports cannot starve everyone else's:

- the queue is bounded (``WCC_REPORT_QUEUE`` renders waiting or at work): when it is full the
  caller hears so (503) at once instead of piling up work, and one organisation may hold at
  most half of it, so it cannot fill it alone;
- waiting renders are served in turn by organisation, the one served longest ago first: one
  organisation asking for many reports delays another's by one render, not by all of its own;
- with more than one renderer, one organisation's reports never hold them all: there is always
  one to start another organisation's report at once;
- a render has ``WCC_REPORT_RENDER_SECONDS``: past that its renderer process is stopped, so it
  uses no more processor, and replaced; its caller hears so (503), and the renders waiting
  behind it carry on.

Each renderer is a pool of one process, so that one render can be stopped without the others.
The organisation is the report's own (the PCT of an assurance report, the SHA of a summary).
"""

from __future__ import annotations

import asyncio
import itertools
import math
import multiprocessing
import os
import threading
from collections import Counter, deque
from concurrent.futures import Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from app.config import get_settings
from app.errors import ServiceUnavailable
from app.reports.pdf import render_pdf

QUEUE_FULL = "Too many reports are being prepared; try again in a minute"
SHARE_FULL = (
    "Too many of this organisation's reports are being prepared at once; try again when "
    "one of them is ready"
)
TOO_LONG = (
    "This report took too long to prepare (over {seconds:g} seconds), so it was stopped to "
    "keep other reports moving. Try again in a few minutes."
)
RENDERER_FAILED = "This report could not be prepared: its renderer stopped. Try again."
STOPPING = "The server is stopping; try again in a minute"


def _lower_priority() -> None:
    """Renderers yield the processor to web workers: a report may wait, a page should not."""
    os.nice(10)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stops a renderer's process, at work or not."""
    # The pool's processes, read before shutting it down forgets them.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


def _settle(result: Future[bytes], body: bytes | None, error: BaseException | None) -> None:
    try:
        if error is None:
            result.set_result(body or b"")
        else:
            result.set_exception(error)
    except InvalidStateError:
        pass  # its caller has gone


@dataclass(eq=False)
class _Job:
    organisation: str
    html: str
    result: Future[bytes] = field(default_factory=Future)


@dataclass(eq=False)
class _Renderer:
    """One renderer process: started for its first render, replaced once stopped."""

    executor: ProcessPoolExecutor | None = None
    job: _Job | None = None
    timer: threading.Timer | None = None

    def release(self) -> ProcessPoolExecutor | None:
        """Frees the renderer of its job; returns its process's pool, to stop, if the job
        still runs there (a new process takes the next job)."""
        if self.timer is not None:
            self.timer.cancel()
        self.job, self.timer = None, None
        executor, self.executor = self.executor, None
        return executor


class _Renderers:
    def __init__(self, workers: int, places: int) -> None:
        self._lock = threading.RLock()
        self._renderers = [_Renderer() for _ in range(max(1, workers))]
        self._places = max(1, places)
        self._share = math.ceil(self._places / 2)
        self._most_at_once = max(1, len(self._renderers) - 1)
        self._waiting: dict[str, deque[_Job]] = {}
        self._running: Counter[str] = Counter()
        self._served: dict[str, int] = {}
        self._turns = itertools.count(1)
        self._closed = False

    def submit(self, organisation: str, html: str) -> Future[bytes]:
        """Queues a render of ``html`` for ``organisation``; refuses at once (503) when the
        queue, or the organisation's share of it, is full."""
        job = _Job(organisation, html)
        with self._lock:
            if self._closed:
                raise ServiceUnavailable(STOPPING)
            waiting = sum(len(jobs) for jobs in self._waiting.values())
            if waiting + sum(self._running.values()) >= self._places:
                raise ServiceUnavailable(QUEUE_FULL)
            held = self._running[organisation] + len(self._waiting.get(organisation, ()))
            if held >= self._share:
                raise ServiceUnavailable(SHARE_FULL)
            self._waiting.setdefault(organisation, deque()).append(job)
            self._dispatch()
        return job.result

    def withdraw(self, result: Future[bytes]) -> None:
        """Drops a render still waiting whose caller has gone."""
        with self._lock:
            for organisation, jobs in list(self._waiting.items()):
                for job in jobs:
                    if job.result is result:
                        jobs.remove(job)
                        self._forget(organisation)
                        return

    def close(self) -> None:
        """Drops the waiting renders and stops every renderer process, at work or not."""
        with self._lock:
            self._closed = True
            jobs = [job for waiting in self._waiting.values() for job in waiting]
            self._waiting.clear()
            executors = []
            for renderer in self._renderers:
                if renderer.job is not None:
                    jobs.append(renderer.job)
                executor = renderer.release()
                if executor is not None:
                    executors.append(executor)
            self._running.clear()
        for job in jobs:
            _settle(job.result, None, ServiceUnavailable(STOPPING))
        for executor in executors:
            _stop(executor)

    # Under the lock --------------------------------------------------------------------------

    def _dispatch(self) -> None:
        for renderer in self._renderers:
            if renderer.job is None:
                job = self._next()
                if job is None:
                    return
                self._start(renderer, job)

    def _next(self) -> _Job | None:
        """The first waiting render of the organisation served longest ago (never, first) that
        holds fewer renderers than all of them."""
        while True:
            ready = [
                organisation
                for organisation, jobs in self._waiting.items()
                if jobs and self._running[organisation] < self._most_at_once
            ]
            if not ready:
                return None
            organisation = min(ready, key=lambda o: self._served.get(o, 0))
            jobs = self._waiting[organisation]
            job = jobs.popleft()
            if not jobs:
                del self._waiting[organisation]
            if job.result.set_running_or_notify_cancel():
                self._served[organisation] = next(self._turns)
                return job
            self._forget(organisation)  # its caller has gone

    def _start(self, renderer: _Renderer, job: _Job) -> None:
        # render_pdf is looked up now, so that tests may stand a slow render in for it.
        try:
            future = self._executor(renderer).submit(render_pdf, job.html)
        except BrokenProcessPool:  # its process died between renders: start a new one
            _stop(self._executor(renderer))
            renderer.executor = None
            future = self._executor(renderer).submit(render_pdf, job.html)
        renderer.job = job
        self._running[job.organisation] += 1
        seconds = get_settings().report_render_seconds
        renderer.timer = threading.Timer(seconds, self._time_out, (renderer, job, seconds))
        renderer.timer.daemon = True
        renderer.timer.start()
        future.add_done_callback(lambda done: self._finished(renderer, job, done))

    @staticmethod
    def _executor(renderer: _Renderer) -> ProcessPoolExecutor:
        if renderer.executor is None:
            renderer.executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority,
            )
        return renderer.executor

    def _forget(self, organisation: str) -> None:
        """An organisation with nothing waiting or at work starts afresh."""
        if self._running[organisation] <= 0 and organisation not in self._waiting:
            self._running.pop(organisation, None)
            self._served.pop(organisation, None)

    def _end(self, renderer: _Renderer, job: _Job, *, stop: bool) -> ProcessPoolExecutor | None:
        executor = renderer.release()
        if not stop:
            renderer.executor = executor
        self._running[job.organisation] -= 1
        self._forget(job.organisation)
        self._dispatch()
        return executor if stop else None

    # From the renderers' threads -------------------------------------------------------------

    def _finished(self, renderer: _Renderer, job: _Job, done: Future[bytes]) -> None:
        error = done.exception() if not done.cancelled() else BrokenProcessPool()
        with self._lock:
            if renderer.job is not job:
                return  # stopped already: its time ran out, or the server is stopping
            broken = isinstance(error, BrokenProcessPool)
            to_stop = self._end(renderer, job, stop=broken)
        if broken:
            error = ServiceUnavailable(RENDERER_FAILED)
        _settle(job.result, None if error else done.result(), error)
        if to_stop is not None:
            _stop(to_stop)

    def _time_out(self, renderer: _Renderer, job: _Job, seconds: float) -> None:
        with self._lock:
            if renderer.job is not job:
                return
            to_stop = self._end(renderer, job, stop=True)
        _settle(job.result, None, ServiceUnavailable(TOO_LONG.format(seconds=seconds)))
        if to_stop is not None:
            _stop(to_stop)


_lock = threading.Lock()
_renderers: _Renderers | None = None


def _pool() -> _Renderers:
    global _renderers
    with _lock:
        if _renderers is None:
            settings = get_settings()
            _renderers = _Renderers(settings.report_workers, settings.report_queue)
        return _renderers


async def render_pdf_in_pool(html: str, organisation: str = "") -> bytes:
    """The PDF of ``html``, rendered for ``organisation`` (whose turn it waits for)."""
    renderers = _pool()
    result = renderers.submit(organisation, html)
    try:
        return await asyncio.wrap_future(result)
    except asyncio.CancelledError:
        renderers.withdraw(result)
        raise


def shutdown() -> None:
    """Stop the renderers with the server: waiting reports are dropped and every renderer
    process is stopped, at work or not (no one is left to receive its report), so that none
    outlives the server; a large report's process can hold hundreds of MB."""
    global _renderers
    with _lock:
        renderers, _renderers = _renderers, None
    if renderers is not None:
        renderers.close()
