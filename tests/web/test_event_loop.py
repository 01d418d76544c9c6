"""A page save that waits on the database never stalls the worker's other requests: page
routes run their database work in the thread pool, not on the event loop.

A real server (uvicorn, in this process) serves a PCT lead's save of a competency while
another connection holds the write lock the save needs (SQLite: BEGIN IMMEDIATE; PostgreSQL:
the assessment row FOR UPDATE). While the save waits, the same worker must answer /healthz.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx2 as httpx
import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.assessments import service
from tests.databases import app_on, migrated_engine
from tests.factories import auth
from tests.web.steps import csrf_from, sign_in
from tests.world import World, build_world


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with migrated_engine(tmp_path_factory.mktemp("loop"), "loop") as engine:
        yield engine


@pytest.fixture
def world(engine: Engine) -> World:
    with Session(engine, expire_on_commit=False) as session:
        return build_world(session)


@pytest.fixture
def base_url(engine: Engine) -> Iterator[str]:
    """One uvicorn worker serving the app on a free loopback port."""
    app = app_on(engine)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        assert server.started, "the server did not start"
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def write_lock_held(engine: Engine, assessment_id: int) -> Iterator[Callable[[], None]]:
    """Take the lock a self-score save needs, from another connection; yields a release."""
    connection = engine.raw_connection()
    cursor = connection.cursor()
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            connection.rollback()
            released = True

    try:
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("SELECT id FROM assessment WHERE id = %s FOR UPDATE", (assessment_id,))
        yield release
    finally:
        release()
        connection.close()


def test_a_save_waiting_on_a_held_write_lock_does_not_stall_other_requests(
    engine: Engine, world: World, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = httpx.Client(base_url=base_url, timeout=60)
    sign_in(lead, world.a.lead)  # type: ignore[arg-type]
    opened = lead.post(
        "/api/v1/assessments",
        json={"organisation_code": world.a.pct.code, "cycle_id": world.cycle.id},
        headers=auth(world.a.lead),
    )
    assert opened.status_code == 201, opened.text
    assessment_id = opened.json()["id"]
    page = f"/assessments/{assessment_id}/competencies/3"
    token = csrf_from(lead.get(page).text)

    entered = threading.Event()
    real_save = service.put_self_score

    def save(*args: Any, **kwargs: Any) -> Any:
        entered.set()  # the next step waits on the lock
        return real_save(*args, **kwargs)

    monkeypatch.setattr(service, "put_self_score", save)
    outcome: dict[str, httpx.Response] = {}

    with write_lock_held(engine, assessment_id) as release:
        saving = threading.Thread(
            target=lambda: outcome.setdefault(
                "save",
                lead.post(
                    page,
                    data={"level": "2", "rationale": "Waited its turn.", "csrftoken": token},
                    follow_redirects=False,
                ),
            )
        )
        saving.start()
        assert entered.wait(timeout=30), "the save never reached the database"
        try:
            health = httpx.get(f"{base_url}/healthz", timeout=3)
        except httpx.TimeoutException:
            pytest.fail("/healthz was not answered while a save waited on the write lock")
        assert health.status_code == 200
        assert saving.is_alive(), "the save should still be waiting on the lock"
        release()
        saving.join(timeout=30)

    assert outcome["save"].status_code == 303, outcome["save"].text[:300]
    with engine.connect() as connection:
        saved = connection.execute(
            sa.text(
                "SELECT rationale FROM self_score"
                " WHERE assessment_id = :a AND competency_number = 3"
            ),
            {"a": assessment_id},
        ).scalar_one()
    assert saved == "Waited its turn."
