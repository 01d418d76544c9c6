"""Stopping the server stops its renderers: none is left running, even one at work."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.reports import pool


def _work_for_minutes(marker: str) -> None:
    """Stands for a report taking minutes: says it has begun, then works on."""
    Path(marker).write_text(str(os.getpid()))
    time.sleep(120)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:  # a zombie (Z) has stopped already
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


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
    assert _alive(worker)
    pool.shutdown()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)
