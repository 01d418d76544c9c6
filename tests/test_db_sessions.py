"""The request session: a worker's slots bound how many are open at once, and closing one
always returns its connection."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace

import anyio
import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from app.config import Settings
from app.db import SESSION_SLOTS, get_session


def _run(main: Callable[[], Awaitable[None]]) -> None:
    """Runs ``main`` on an event loop of its own thread: a browser test's driver may hold
    a loop open in the test thread."""
    failures: list[BaseException] = []

    def target() -> None:
        try:
            anyio.run(main)
        except BaseException as error:  # re-raised in the test thread
            failures.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def _request(slots: anyio.Semaphore | None) -> object:
    state = SimpleNamespace(**({SESSION_SLOTS: slots} if slots is not None else {}))
    return SimpleNamespace(app=SimpleNamespace(state=state))


class _WatchedSlots:
    """The worker's slots, telling the test when a request finds none free and must wait."""

    def __init__(self, slots: int) -> None:
        self.semaphore = anyio.Semaphore(slots)
        self.someone_waits = anyio.Event()

    async def __aenter__(self) -> None:
        if self.semaphore.value == 0:
            self.someone_waits.set()
        await self.semaphore.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        self.semaphore.release()


def test_a_request_waits_for_a_free_slot_and_gets_it_when_one_closes() -> None:
    events: list[str] = []

    async def request(
        name: str, slots: _WatchedSlots, opened: anyio.Event, hold: anyio.Event
    ) -> None:
        sessions = get_session(_request(slots))  # type: ignore[arg-type]
        session = await sessions.__anext__()
        events.append(f"{name} open")
        opened.set()
        session.exec(sa.select(sa.literal(1))).one()
        await hold.wait()
        events.append(f"{name} closing")
        await sessions.aclose()

    async def main() -> None:
        slots = _WatchedSlots(1)
        first_open, second_open = anyio.Event(), anyio.Event()
        first_may_finish, second_may_finish = anyio.Event(), anyio.Event()
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(request, "first", slots, first_open, first_may_finish)
                await first_open.wait()
                tasks.start_soon(request, "second", slots, second_open, second_may_finish)
                await slots.someone_waits.wait()
                assert events == ["first open"]  # the second waits for the only slot
                first_may_finish.set()
                await second_open.wait()
                assert events == ["first open", "first closing", "second open"]
                second_may_finish.set()

    _run(main)


def test_closing_a_session_with_an_open_transaction_returns_its_connection() -> None:
    from app.db import get_engine

    async def main() -> None:
        pool = get_engine().pool
        before = pool.checkedout()
        sessions = get_session(_request(None))  # type: ignore[arg-type]
        session = await sessions.__anext__()
        session.exec(sa.select(sa.literal(1))).one()
        assert session.in_transaction() and pool.checkedout() == before + 1
        await sessions.aclose()
        assert pool.checkedout() == before

    _run(main)


def test_the_pool_must_hold_at_least_the_sessions_allowed_at_once(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="WCC_DATABASE_POOL_SIZE must be at least"):
        Settings(database_pool_size=2, database_concurrency=4)
    assert Settings(database_pool_size=4, database_concurrency=4).database_concurrency == 4
