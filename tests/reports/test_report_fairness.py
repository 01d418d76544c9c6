"""One organisation's large reports cannot starve another's: real renderer processes, a render
over its time limit stopped, waiting renders served in turn by organisation."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from app.config import Settings
from app.errors import ServiceUnavailable
from app.reports import documents, pool
from app.reports.pdf import render_pdf
from tests.api_steps import log_evidence, present, ready_to_sign
from tests.factories import auth
from tests.reports.steps import alive, wait_for_exit
from tests.world import World

SLOW = re.compile(r"SLOW-RENDER (\d+) ([^<\s]+)")
# How long the "large" report works for: far longer than any small report takes.
LARGE_SECONDS = 40


def _render_slowly_when_asked(html: str) -> bytes:
    """Renders as the pool does; a report naming an item "SLOW-RENDER <seconds> <folder>"
    first leaves its renderer's process id in the folder and works that long, standing for a
    report that takes minutes."""
    found = SLOW.search(html)
    if found:
        Path(found[2], str(os.getpid())).touch()
        time.sleep(int(found[1]))
    return render_pdf(html)


def _note_start(html: str) -> bytes:
    """``html`` is "<folder> <label> <seconds>": notes the label in the folder's order file
    as the render begins, then works for that many seconds."""
    folder, label, seconds = html.split()
    with Path(folder, "order").open("a") as order:
        order.write(label + "\n")
    time.sleep(float(seconds))
    return b""


def _renderer_pid(folder: Path) -> int:
    """The process that began the slow render, once it has."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [p for p in folder.iterdir() if p.name.isdigit()]
        if found:
            return int(found[0].name)
        time.sleep(0.05)
    raise AssertionError("the slow render never began")


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A pool of its own, rendering with ``_render_slowly_when_asked``, without the cache
    (every request renders); stopped afterwards."""
    pool.shutdown()
    settings = pool.get_settings()
    monkeypatch.setattr(settings, "report_cache_mb", 0)
    monkeypatch.setattr(pool, "render_pdf", _render_slowly_when_asked)
    yield settings
    pool.shutdown()


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> queue.Queue[str]:
    """The organisation code of each report whose HTML the API has built: its data is read
    and only the render remains."""
    seen: queue.Queue[str] = queue.Queue()
    real = documents.assessment_html

    def signalling(report: object) -> str:
        html = real(report)  # type: ignore[arg-type]
        seen.put(report.organisation.code)  # type: ignore[attr-defined]
        return html

    monkeypatch.setattr(documents, "assessment_html", signalling)
    return seen


@dataclass
class Reports:
    """Reports to ask for: PCT b's lead's, made to render slowly (the renderer noting its
    process id in ``folder``), and the SHA reviewer's of PCT a's reviewed assessment, quick
    to render."""

    client: TestClient
    world: World
    folder: Path
    small: str

    def large(self, seconds: int) -> str:
        """PCT b's assessment, with an item whose title makes its report render for
        ``seconds``: the URL of its report."""
        lead, code = self.world.b.lead, self.world.b.pct.code
        assessment = ready_to_sign(self.client, lead, code, self.world.cycle.id)
        title = f"SLOW-RENDER {seconds} {self.folder}"
        item = log_evidence(self.client, lead, code, [4], title=title)
        present(self.client, lead, assessment["id"], item["id"])
        return f"/api/v1/assessments/{assessment['id']}/report.pdf"

    def get_large(self, url: str) -> Response:
        return self.client.get(url, headers=auth(self.world.b.lead))

    def get_small(self) -> Response:
        return self.client.get(self.small, headers=auth(self.world.reviewer))


@pytest.fixture
def reports(client: TestClient, world: World, reviewed: dict, tmp_path: Path) -> Reports:
    return Reports(client, world, tmp_path, f"/api/v1/assessments/{reviewed['id']}/report.pdf")


def _run_in_thread(work: object) -> object:
    # In a thread of its own: another test's browser may own this thread's event loop.
    with ThreadPoolExecutor(1) as runner:
        return runner.submit(lambda: asyncio.run(work)).result()  # type: ignore[arg-type]


def test_another_organisations_report_is_not_kept_waiting_behind_one_pct_holding_every_renderer(
    reports: Reports, settings: Settings, built: queue.Queue[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "report_workers", 2)
    large = reports.large(LARGE_SECONDS)
    with ThreadPoolExecutor(2) as threads:
        larges = []
        for _ in range(2):  # as many large reports as there are renderers
            larges.append(threads.submit(reports.get_large, large))
            assert built.get(timeout=60) == reports.world.b.pct.code
        _renderer_pid(reports.folder)
        started = time.monotonic()
        small = reports.get_small()
        small_seconds = time.monotonic() - started
        large_ones_still_at_work = not any(f.done() for f in larges)
        pool.shutdown()  # the large reports are not waited for
    assert small.status_code == 200
    assert small.content.startswith(b"%PDF")
    assert small_seconds < LARGE_SECONDS / 2, small_seconds
    assert large_ones_still_at_work


@pytest.mark.usefixtures("built")
def test_a_report_over_its_time_limit_is_stopped_and_the_report_waiting_behind_it_is_served(
    reports: Reports, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "report_workers", 1)
    large = reports.large(30)
    _run_in_thread(pool.render_pdf_in_pool("<p>The renderer is started.</p>"))
    monkeypatch.setattr(settings, "report_render_seconds", 5)
    with ThreadPoolExecutor(2) as threads:
        started = time.monotonic()
        large_reply = threads.submit(reports.get_large, large)
        renderer = _renderer_pid(reports.folder)
        # The large render keeps the limit it began with; the small one, which may have to
        # start a renderer process afresh, is given room.
        monkeypatch.setattr(settings, "report_render_seconds", 60)
        small_reply = threads.submit(reports.get_small)
        stopped = large_reply.result(timeout=60)
        large_seconds = time.monotonic() - started
        small = small_reply.result(timeout=60)
    assert stopped.status_code == 503
    assert stopped.json()["detail"].startswith("This report took too long to prepare")
    assert large_seconds < 25, large_seconds
    wait_for_exit(renderer)
    assert not alive(renderer), "the renderer of the stopped report still runs"
    assert small.status_code == 200
    assert small.content.startswith(b"%PDF")


def test_waiting_renders_are_served_in_turn_by_organisation(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "report_workers", 1)
    monkeypatch.setattr(pool, "render_pdf", _note_start)
    renderers = pool._pool()
    futures = [
        renderers.submit(organisation, f"{tmp_path} {organisation}-{n} 0.2")
        for organisation, n in (("P1", 1), ("P1", 2), ("P1", 3), ("P2", 1), ("P2", 2))
    ]
    for future in futures:
        future.result(timeout=60)
    order = (tmp_path / "order").read_text().split()
    assert order == ["P1-1", "P2-1", "P1-2", "P2-2", "P1-3"]


def test_one_organisation_cannot_take_every_place_in_the_queue(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "report_workers", 1)
    monkeypatch.setattr(settings, "report_queue", 4)
    monkeypatch.setattr(pool, "render_pdf", _note_start)
    renderers = pool._pool()
    renderers.submit("P1", f"{tmp_path} P1-1 60")
    renderers.submit("P1", f"{tmp_path} P1-2 60")
    with pytest.raises(ServiceUnavailable, match="this organisation"):
        renderers.submit("P1", f"{tmp_path} P1-3 60")
    renderers.submit("P2", f"{tmp_path} P2-1 60")
    renderers.submit("P3", f"{tmp_path} P3-1 60")
    with pytest.raises(ServiceUnavailable, match="Too many reports"):
        renderers.submit("P4", f"{tmp_path} P4-1 60")
