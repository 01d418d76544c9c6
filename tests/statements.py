"""Counting the SQL statements a piece of work runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

# Statements that read or write data; transaction control (BEGIN, SAVEPOINT, RELEASE,
# ROLLBACK) is left out.
QUERY_WORDS = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")


@contextmanager
def counting(target: sa.Engine | sa.Connection) -> Iterator[list[str]]:
    """The data statements ``target`` runs inside the block, in order."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(QUERY_WORDS):
            statements.append(statement)

    sa.event.listen(target, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(target, "before_cursor_execute", record)
