"""The render lease: one server at a time holds a report's render, until it lets go or its
lease runs out."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy.engine import Engine

from app.reports import render_lease


def test_one_holder_at_a_time_until_released_or_expired(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = secrets.token_hex(32)
    monkeypatch.setattr(render_lease, "HOLDER", "machine-a:1:aa")
    assert render_lease.claim(engine, key, seconds=60)
    assert render_lease.held(engine, key)

    monkeypatch.setattr(render_lease, "HOLDER", "machine-b:2:bb")
    assert not render_lease.claim(engine, key, seconds=60)
    render_lease.release(engine, key)  # B cannot let go of A's lease
    assert render_lease.held(engine, key)

    monkeypatch.setattr(render_lease, "HOLDER", "machine-a:1:aa")
    render_lease.release(engine, key)
    assert not render_lease.held(engine, key)

    monkeypatch.setattr(render_lease, "HOLDER", "machine-b:2:bb")
    assert render_lease.claim(engine, key, seconds=-1)  # B takes it, and dies at once
    assert not render_lease.held(engine, key)
    monkeypatch.setattr(render_lease, "HOLDER", "machine-c:3:cc")
    assert render_lease.claim(engine, key, seconds=60)  # an expired lease is taken over
    render_lease.release(engine, key)
