"""Rendered reports are kept by content: the same content is served as first rendered, any
change renders anew, and the folder stays under its size limit."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from app.reports import api, cache, context
from app.storage.local import LocalStore
from tests.api_steps import ok
from tests.factories import auth
from tests.reports.steps import put, year_one


def _run(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    # In a thread of its own: another test's browser may own this thread's event loop.
    with ThreadPoolExecutor(1) as runner:
        return runner.submit(lambda: asyncio.run(main())).result()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Counts the renders the API asks of the pool; the cache gets a folder of its own."""
    _keep_in(monkeypatch, tmp_path)
    seen: list[str] = []
    real = api.render_pdf_in_pool

    async def counting(html: str, organisation: str = "") -> bytes:
        seen.append(html)
        return await real(html, organisation)

    monkeypatch.setattr(api, "render_pdf_in_pool", counting)
    return seen


def _keep_in(monkeypatch: pytest.MonkeyPatch, root: Path) -> Path:
    """Reports kept in a folder store of their own; returns the cache's folder in it."""
    monkeypatch.setattr(cache.get_settings(), "storage_url", f"file://{root}")
    return root / "report-cache"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_same_report_is_served_as_rendered_and_a_change_renders_anew(
    client: TestClient,
    world,
    renders: list[str],
    reviewed: dict,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"/api/v1/assessments/{reviewed['id']}/report.pdf"
    first = client.get(url, headers=auth(world.a.board))
    later = context.utcnow() + timedelta(hours=1, minutes=7)
    monkeypatch.setattr(context, "utcnow", lambda: later)
    again = client.get(url, headers=auth(world.reviewer))
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert len(renders) == 1
    ok(
        client.put(
            f"/api/v1/assessments/{reviewed['id']}/review-scores/4",
            json={"level": 3, "comment": "Moderated upwards after the locality visit."},
            headers=auth(world.reviewer),
        )
    )
    changed = client.get(url, headers=auth(world.a.board))
    assert len(renders) == 2
    assert "Moderated upwards after the locality visit." in _text(changed.content)
    assert "Moderated upwards" not in _text(first.content)


def test_a_new_governance_rating_or_outcome_actual_renders_anew(
    client: TestClient, session: Session, world, renders: list[str]
) -> None:
    """The key is the report's HTML, which shows the governance ratings and every outcome
    measure's actuals: a change to either is a new report, not the one kept."""
    aid = year_one(client, session, world)
    url = f"/api/v1/assessments/{aid}/report.pdf"
    first = _text(client.get(url, headers=auth(world.reviewer)).content)
    assert _text(client.get(url, headers=auth(world.reviewer)).content) == first
    assert len(renders) == 1
    put(
        client,
        world.reviewer,
        f"/api/v1/assessments/{aid}/governance-reviews/strategy",
        {"rating": "amber", "comment": "Moderated after the panel."},
    )
    rated = _text(client.get(url, headers=auth(world.reviewer)).content)
    assert len(renders) == 2
    [measure] = ok(
        client.get(f"/api/v1/organisations/{world.a.pct.code}/outcomes", headers=auth(world.a.lead))
    )
    put(
        client,
        world.a.lead,
        f"/api/v1/organisations/{world.a.pct.code}/outcomes/{measure['id']}/actuals/2010",
        {"value": 22.6},
    )
    measured = _text(client.get(url, headers=auth(world.reviewer)).content)
    assert len(renders) == 3
    assert "Red — serious concerns" in first and "Red — serious concerns" not in rated
    assert "Behind trajectory in 2010 (22.6 against 22.0 aimed)" in measured
    assert "22.6" not in rated


def test_a_report_the_reader_may_not_see_is_refused_before_the_cache(
    client: TestClient, world, renders: list[str], reviewed: dict
) -> None:
    url = f"/api/v1/assessments/{reviewed['id']}/report.pdf"
    assert client.get(url, headers=auth(world.a.board)).status_code == 200
    assert client.get(url, headers=auth(world.b.lead)).status_code == 404


def test_the_key_leaves_out_only_the_generated_stamp() -> None:
    page = (
        '<div class="running" data-generated="{0}"></div>'
        '<table><tr><th>Report generated</th><td class="generated">{0}</td></tr></table><p>{1}</p>'
    )
    assert cache.key(page.format("1 May 2009 10:00 UTC", "Level 2")) == cache.key(
        page.format("2 May 2009 11:30 UTC", "Level 2")
    )
    assert cache.key(page.format("1 May 2009 10:00 UTC", "Level 2")) != cache.key(
        page.format("1 May 2009 10:00 UTC", "Level 3")
    )
    # User text is escaped, so it cannot pose as the stamp and hide a difference.
    assert cache.key("<p>data-generated=&#34;x&#34;</p>") != cache.key("<p></p>")


class _Lookups(dict):
    """The cache's table of renders under way, counting the callers that have looked in it:
    once ``expected`` have, every one of them has either started the render or joined it."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.expected = expected
        self.seen = 0
        self.all_looked = asyncio.Event()

    def get(self, key: str, default: Any = None) -> Any:
        self.seen += 1
        if self.seen >= self.expected:
            self.all_looked.set()
        return super().get(key, default)


def _watch_lookups(monkeypatch: pytest.MonkeyPatch, expected: int) -> _Lookups:
    lookups = _Lookups(expected)
    monkeypatch.setattr(cache, "_rendering", lookups)
    return lookups


async def _until(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), timeout=10)


def test_renders_of_the_same_content_at_once_share_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tmp_path = _keep_in(monkeypatch, tmp_path)
    calls: list[str] = []

    async def main() -> list[bytes]:
        lookups = _watch_lookups(monkeypatch, expected=5)

        async def render(html: str) -> bytes:
            calls.append(html)
            await _until(lookups.all_looked)  # the other four have found this render under way
            return b"%PDF " + html.encode()

        return await asyncio.gather(*(cache.cached_pdf("<p>same</p>", render) for _ in range(5)))

    assert [pdf.body for pdf in _run(main)] == [b"%PDF <p>same</p>"] * 5
    assert calls == ["<p>same</p>"]
    assert [p.name for p in tmp_path.glob("*.pdf")] == [f"{cache.key('<p>same</p>')}.pdf"]


def test_a_failed_render_keeps_nothing_and_others_waiting_try_for_themselves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tmp_path = _keep_in(monkeypatch, tmp_path)
    calls: list[int] = []

    async def main() -> list[object]:
        lookups = _watch_lookups(monkeypatch, expected=2)

        async def render(html: str) -> bytes:
            calls.append(len(calls))
            await _until(lookups.all_looked)  # the other caller is waiting on this render
            if len(calls) == 1:
                raise RuntimeError("renderer died")
            return b"%PDF fine"

        return await asyncio.gather(
            cache.cached_pdf("<p>x</p>", render),
            cache.cached_pdf("<p>x</p>", render),
            return_exceptions=True,
        )

    outcomes = _run(main)
    assert sorted(type(o).__name__ for o in outcomes) == ["CachedPdf", "RuntimeError"]
    assert b"%PDF fine" in [o.body for o in outcomes if isinstance(o, cache.CachedPdf)]
    assert len(calls) == 2
    assert len(list(tmp_path.glob("*.pdf"))) == 1
    assert not list(tmp_path.glob("*.part"))


def test_the_folder_is_trimmed_least_recently_used_first(tmp_path: Path) -> None:
    folder = tmp_path / "report-cache"
    folder.mkdir()
    for age, name in enumerate(("newest", "middle", "oldest")):
        path = folder / f"{name}.pdf"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
    cache._trim(LocalStore(tmp_path), limit_bytes=2500)
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["middle.pdf", "newest.pdf"]


def test_a_zero_limit_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    tmp_path = _keep_in(monkeypatch, tmp_path)
    monkeypatch.setattr(cache.get_settings(), "report_cache_mb", 0)
    calls: list[str] = []

    async def render(html: str) -> bytes:
        calls.append(html)
        return b"%PDF"

    async def main() -> None:
        for _ in range(2):
            await cache.cached_pdf("<p>x</p>", render)

    _run(main)
    assert len(calls) == 2 and not tmp_path.exists()
