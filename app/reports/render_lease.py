"""A lease in the shared database on rendering one report: the first server to ask renders
it, the others wait for its PDF in the shared store. A server that dies holding a lease holds
it only until it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.processes import process_name
from app.reports.models import HOLDER_MAX, ReportRender

HOLDER = process_name()[:HOLDER_MAX]
_table = ReportRender.__table__  # type: ignore[attr-defined]


def _now() -> datetime:
    # Wall-clock time, shared by every server: never the application's settable clock.
    return datetime.now(UTC)


def claim(engine: Engine, key: str, seconds: float) -> bool:
    """Take the lease on ``key`` for ``seconds`` unless another server holds a live one."""
    now = _now()
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(_table).values(
        key=key, holder=HOLDER, expires_at=now + timedelta(seconds=seconds)
    )
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
        where=_table.c.expires_at < now,
    ).returning(_table.c.holder)
    with engine.begin() as connection:
        holder = connection.execute(statement).scalar_one_or_none()
    return holder == HOLDER


def held(engine: Engine, key: str) -> bool:
    """Whether some server holds a live lease on ``key``."""
    with engine.connect() as connection:
        expires = connection.execute(
            sa.select(_table.c.expires_at).where(_table.c.key == key)
        ).scalar_one_or_none()
    return expires is not None and expires > _now()  # UTCDateTime gives it with its zone


def release(engine: Engine, key: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.delete(_table).where(_table.c.key == key, _table.c.holder == HOLDER))
