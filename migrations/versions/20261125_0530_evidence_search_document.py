"""evidence search document stored on PostgreSQL

PostgreSQL: the tsvector of an item's title and description becomes a stored generated
column (`search_document`) with its own GIN index, replacing the expression index. A search
within one PCT's items then filters on the stored vector instead of re-parsing each row's
text. SQLite keeps its FTS5 table; nothing changes there.

Revision ID: 9a3d4e6f2b10
Revises: 5f1c2b9e7d01
Create Date: 2026-11-25 05:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9a3d4e6f2b10"
down_revision: str | None = "5f1c2b9e7d01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_UP = [
    "ALTER TABLE evidence_item ADD COLUMN search_document tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', title || ' ' || description)) STORED",
    "CREATE INDEX ix_evidence_item_search_document ON evidence_item USING gin (search_document)",
    "DROP INDEX IF EXISTS ix_evidence_item_search",
]
POSTGRES_DOWN = [
    "CREATE INDEX ix_evidence_item_search ON evidence_item USING gin "
    "(to_tsvector('simple', title || ' ' || description))",
    "DROP INDEX IF EXISTS ix_evidence_item_search_document",
    "ALTER TABLE evidence_item DROP COLUMN IF EXISTS search_document",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
