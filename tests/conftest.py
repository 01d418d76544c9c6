"""Fixtures: a migrated database per run, a rolled-back transaction per test, a client."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="wcc-tests-"))

from tests.databases import fresh_database, new_database_url  # noqa: E402

# Settings are read once per process: point them at throwaway places before anything reads them.
TEST_DATABASE_URL = new_database_url(_RUN_DIR, "test")
os.environ["WCC_ENV"] = "test"
os.environ["WCC_DATABASE_URL"] = TEST_DATABASE_URL
os.environ["WCC_DATA_DIR"] = str(_RUN_DIR / "files")
os.environ["WCC_SECRET_KEY"] = "test-secret-key-not-for-production"

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.db import create_db_engine, get_session  # noqa: E402
from app.main import create_app  # noqa: E402
from app.schema_migrations import upgrade  # noqa: E402


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return _RUN_DIR


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    with fresh_database(TEST_DATABASE_URL) as url:
        upgrade(url)
        engine = create_db_engine(url)
        yield engine
        engine.dispose()
        from app.db import get_engine

        get_engine().dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    Commits inside the code under test release savepoints, so nothing persists.
    """
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()

    def request_session() -> Iterator[Session]:
        # As in production, a failed request's uncommitted changes are thrown away.
        try:
            yield session
        except Exception:
            session.rollback()
            raise

    app.dependency_overrides[get_session] = request_session
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def world(session: Session):
    """An SHA with two PCTs (and a practice in the first), another SHA with one PCT, a user of
    every role in each, and a cycle."""
    from tests.world import build_world

    return build_world(session)


@pytest.fixture(scope="session")
def seaweedfs(run_dir: Path) -> Iterator[object]:
    """A real S3 server (SeaweedFS) for the whole run, started on first use."""
    from tests.seaweed import S3_CREDENTIALS, running_seaweedfs

    os.environ.update(S3_CREDENTIALS)
    with running_seaweedfs(run_dir / "seaweedfs") as server:
        yield server


@pytest.fixture
def s3_storage(seaweedfs, monkeypatch: pytest.MonkeyPatch) -> str:
    """Files kept in the test S3 server, under a new, empty prefix; returns the storage URL."""
    from app import storage
    from app.config import get_settings
    from tests.seaweed import new_prefix

    url = seaweedfs.storage_url(prefix=new_prefix())
    monkeypatch.setattr(get_settings(), "storage_url", url)
    storage.current().prepare()  # makes the bucket
    return url
