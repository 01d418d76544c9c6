"""Fresh, throwaway databases for the suite: a SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import normalise_database_url


def server_url() -> str | None:
    """The PostgreSQL server the suite runs on, from WCC_TEST_DATABASE_URL, if any."""
    import os

    url = os.environ.get("WCC_TEST_DATABASE_URL", "").strip()
    return normalise_database_url(url) if url else None


def new_database_url(tmp_dir: Path, label: str) -> str:
    base = server_url()
    name = f"wcc_{label}_{secrets.token_hex(4)}"
    if base is None:
        return f"sqlite:///{tmp_dir / (name + '.db')}"
    return sa.make_url(base).set(database=name).render_as_string(hide_password=False)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """Create the database ``url`` names (PostgreSQL), yield it, and drop it afterwards."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        yield url
        Path(parsed.database or "").unlink(missing_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = parsed.database
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def migrated_engine(tmp_dir: Path, label: str) -> Iterator[Engine]:
    """An engine on a fresh database of its own, migrated to head, for tests that need
    committed data (the per-test transaction of ``conftest.session`` never commits)."""
    from app.db import create_db_engine
    from app.schema_migrations import upgrade

    with fresh_database(new_database_url(tmp_dir, label)) as url:
        upgrade(url)
        engine = create_db_engine(url)
        yield engine
        engine.dispose()


def app_on(engine: Engine) -> FastAPI:
    """The application, each request's session on ``engine`` (commits are real)."""
    from app.db import get_session
    from app.main import create_app

    app = create_app()

    def request_session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session

    app.dependency_overrides[get_session] = request_session
    return app
