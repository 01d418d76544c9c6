"""evidence full-text search

SQLite: an FTS5 table over evidence titles and descriptions, kept in step by triggers.
PostgreSQL: a GIN index over the same text as a tsvector. Neither is part of the models'
metadata; `app.schema_migrations.include_object` tells the drift check to leave them be.

Revision ID: 5f1c2b9e7d01
Revises: 17af2f573712
Create Date: 2026-11-22 17:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5f1c2b9e7d01"
down_revision: str | None = "17af2f573712"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE evidence_search USING fts5(title, description, "
    "content='evidence_item', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER evidence_search_insert AFTER INSERT ON evidence_item BEGIN "
    "INSERT INTO evidence_search(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER evidence_search_delete AFTER DELETE ON evidence_item BEGIN "
    "INSERT INTO evidence_search(evidence_search, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER evidence_search_update AFTER UPDATE OF title, description ON evidence_item BEGIN "
    "INSERT INTO evidence_search(evidence_search, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO evidence_search(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "INSERT INTO evidence_search(evidence_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS evidence_search_update",
    "DROP TRIGGER IF EXISTS evidence_search_delete",
    "DROP TRIGGER IF EXISTS evidence_search_insert",
    "DROP TABLE IF EXISTS evidence_search",
]
POSTGRES_UP = [
    "CREATE INDEX ix_evidence_item_search ON evidence_item USING gin "
    "(to_tsvector('simple', title || ' ' || description))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_evidence_item_search"]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_UP)
    else:
        _run(POSTGRES_UP)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_DOWN)
    else:
        _run(POSTGRES_DOWN)
