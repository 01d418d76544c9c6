"""The database engine, metadata conventions, shared column types and the session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import nullcontext
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import anyio
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, SQLModel
from starlette.requests import Request

from app import clock
from app.config import get_settings
from app.errors import InvalidInput
from app.plain_text import unstorable, unstorable_message

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    """Now, in UTC, as the application's clock tells it (``app.clock``)."""
    return clock.now()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Tables that copy text from other rows as it stands (the audit trail, what a submission
# froze, mail composed from it) or keep a post that is checked when it is sent again (a kept
# form): a control character an older release stored is copied too, so that no change is
# refused for text its user did not type now.
TEXT_COPIES = frozenset(
    {"audit_event", "evidence_snapshot", "submission", "kept_form", "outbox_mail", "outbox_attempt"}
)


def _unstorable_field(session: OrmSession) -> str | None:
    """The first changed attribute, of any row about to be written, whose new value breaks
    the stored-text rule (``app.plain_text``); text columns before JSON ones."""
    changed = [
        state
        for state in (sa.inspect(row) for row in (*session.new, *session.dirty))
        if getattr(state.mapper.local_table, "name", None) not in TEXT_COPIES
    ]
    in_json: str | None = None
    for state in changed:
        for attribute in state.mapper.column_attrs:
            for value in state.attrs[attribute.key].history.added:
                if isinstance(value, str):
                    if unstorable(value):
                        return attribute.key
                elif in_json is None and isinstance(value, dict | list) and unstorable(value):
                    in_json = attribute.key
    return in_json


@event.listens_for(OrmSession, "before_flush")
def _refuse_unstorable_text(
    session: OrmSession, flush_context: UOWTransaction, instances: object
) -> None:
    """Every row written through a session, on every database, is held to the stored-text
    rule: a control character is refused (422, naming the field) before the database sees
    it, whichever API route, page form or command sent it."""
    name = _unstorable_field(session)
    if name is not None:
        raise InvalidInput(unstorable_message(name), field=name)


def version_column() -> sa.Column[int]:
    """The optimistic-concurrency counter: give the same object to ``version_id_col``.

    SQLAlchemy then adds ``WHERE version = :expected`` to every UPDATE, so a stale write
    matches no row and raises StaleDataError instead of overwriting.
    """
    return sa.Column("version", sa.Integer, nullable=False)


def enum_column(enum: type[StrEnum], name: str) -> sa.Enum:
    """A portable enum: VARCHAR with a named CHECK constraint (no native PostgreSQL type)."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and transactions SQLAlchemy controls.

    pysqlite's own transaction handling breaks SAVEPOINT; the documented recipe turns it
    off and emits BEGIN from SQLAlchemy instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITE_OPTION = "wcc_write"


def begin_write(session: Session) -> None:
    """Start the transaction of a command that will write.

    On SQLite a transaction that begins as a reader cannot become a writer once another
    writer has committed (it fails at once instead of waiting), so commands take the write
    lock up front with BEGIN IMMEDIATE and wait their turn (busy timeout). A read-only
    transaction already open (signing the caller in) is ended first. PostgreSQL needs
    nothing here: commands lock the rows they change with SELECT ... FOR UPDATE.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            return
        if session.in_nested_transaction():
            return
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


def create_db_engine(url: str) -> Engine:
    settings = get_settings()
    if url.startswith("sqlite"):
        database = sa.make_url(url).database
        in_file = bool(database) and database != ":memory:"
        if in_file:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # An in-memory database lives in one connection (SQLAlchemy's own pool for it).
        pool = (
            {"pool_size": settings.database_pool_size, "max_overflow": settings.database_pool_size}
            if in_file
            else {}
        )
        engine = sa.create_engine(
            url,
            **pool,
            connect_args={
                "check_same_thread": False,
                "timeout": settings.sqlite_busy_timeout_ms / 1000,
            },
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    # psycopg prepares a statement after a few runs; PostgreSQL's generic plan for it cannot
    # see how selective a PCT's id is against a text search, so plan each run for its values.
    # The working set is in memory or on SSD: a random read costs about what a sequential one
    # does, so the planner should prefer an index over scanning a whole table.
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        connect_args={"options": "-c plan_cache_mode=force_custom_plan -c random_page_cost=1.1"},
    )


@lru_cache
def get_engine() -> Engine:
    return create_db_engine(get_settings().sqlalchemy_url)


SESSION_SLOTS = "session_slots"


def session_slots() -> anyio.Semaphore:
    """How many requests of one worker may hold a database session at once
    (`WCC_DATABASE_CONCURRENCY`). Made at start-up, inside the worker's event loop."""
    return anyio.Semaphore(get_settings().database_concurrency)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session, once one of the worker's session slots is free.

    Python runs one thread at a time: a few requests working on the database at once keep the
    processors busy, and more only contend for the interpreter. Requests beyond the slots wait
    their turn on the event loop, where waiting costs nothing, and no thread ever waits for a
    pooled connection (the pool is larger than the slots). Making a session does no I/O, so it
    is made on the event loop; closing one that still holds a connection returns it to the pool
    (a rollback on the database), on a worker thread, shielded so that a client going away
    mid-request cannot leak the connection."""
    slots: anyio.Semaphore | None = getattr(request.app.state, SESSION_SLOTS, None)
    async with slots if slots is not None else nullcontext():
        session = Session(get_engine(), expire_on_commit=False)
        try:
            yield session
        finally:
            if session.in_transaction():
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(session.close)
            else:
                session.close()
