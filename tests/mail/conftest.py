"""Fixtures of the mail tests: a real SMTP server on loopback, and a database of their own
where commits are real (the worker works in transactions of its own)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.mail.models import OutboxAttempt, OutboxMail
from tests.databases import migrated_engine
from tests.mail.smtp_server import LoopbackSmtp


@pytest.fixture
def smtp() -> Iterator[LoopbackSmtp]:
    server = LoopbackSmtp()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def mail_engine(run_dir: Path) -> Iterator[Engine]:
    with migrated_engine(run_dir, "mail") as engine:
        yield engine


@pytest.fixture
def sessions(mail_engine: Engine) -> Iterator[Callable[[], Session]]:
    """Sessions on the committed database, emptied of mail after each test."""

    def factory() -> Session:
        return Session(mail_engine, expire_on_commit=False)

    yield factory
    with mail_engine.begin() as connection:
        connection.execute(sa.delete(OutboxAttempt))
        connection.execute(sa.delete(OutboxMail))
