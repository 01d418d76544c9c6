"""Stopping the server stops its renderers: none is left running, even one at work."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.reports import pool
from tests.reports.steps import alive, wait_for_exit


def _work_for_minutes(marker: str) -> None:
    """Stands for a report taking minutes: says it has begun, then works on."""
    Path(marker).write_text(str(os.getpid()))
    time.sleep(120)


def test_a_renderer_at_work_is_stopped_with_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool.shutdown()
    monkeypatch.setattr(pool, "render_pdf", _work_for_minutes)
    marker = tmp_path / "working"
    pool._pool().submit("5QV", str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    worker = int(marker.read_text())
    assert alive(worker)
    pool.shutdown()
    wait_for_exit(worker)
    assert not alive(worker)
