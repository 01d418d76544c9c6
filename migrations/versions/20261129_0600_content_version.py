"""content version

One row holding a number that every write to a table API reads are built from replaces with a
new random one (see app.content_version). A read answered from the cache is checked against
it in the statement that signs the caller in. SQLite changes it on every row written (a writer
there is alone anyway); PostgreSQL once per transaction, at commit, by a deferred trigger, so
writers queue for the row only at the very end and never while holding it wait for another.

Revision ID: 7d2b5c9e4a16
Revises: 3c8e1f0a7b42
Create Date: 2026-11-29 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d2b5c9e4a16"
down_revision: str | None = "3c8e1f0a7b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.content_version.CONTENT_TABLES at this revision.
CONTENT_TABLES = (
    "assessment",
    "attachment",
    "cycle",
    "evidence_competency",
    "evidence_item",
    "evidence_rating",
    "evidence_snapshot",
    "organisation",
    "review_score",
    "self_score",
    "user_account",
)
OPERATIONS = ("insert", "update", "delete")

SQLITE_CHANGE = "UPDATE content_version SET version = random()"
POSTGRES_FUNCTION = (
    "CREATE FUNCTION content_version_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF current_setting('wcc.content_version_changed', true) IS DISTINCT FROM 'on' THEN "
    "PERFORM set_config('wcc.content_version_changed', 'on', true); "
    "UPDATE content_version "
    "SET version = floor((random() - 0.5) * 18000000000000000000)::bigint; "
    "END IF; "
    "RETURN NULL; "
    "END $$"
)


def _sqlite_up() -> list[str]:
    return [
        f"CREATE TRIGGER content_version_{table}_{operation} AFTER {operation.upper()} "
        f"ON {table} BEGIN {SQLITE_CHANGE}; END"
        for table in CONTENT_TABLES
        for operation in OPERATIONS
    ]


def _sqlite_down() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS content_version_{table}_{operation}"
        for table in CONTENT_TABLES
        for operation in OPERATIONS
    ]


def _postgres_up() -> list[str]:
    return [POSTGRES_FUNCTION] + [
        f"CREATE CONSTRAINT TRIGGER content_version_{table} "
        f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_change()"
        for table in CONTENT_TABLES
    ]


def _postgres_down() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS content_version_{table} ON {table}" for table in CONTENT_TABLES
    ] + ["DROP FUNCTION IF EXISTS content_version_change()"]


def upgrade() -> None:
    op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(
        "INSERT INTO content_version (id, version) VALUES (1, "
        + ("random()" if sqlite else "floor((random() - 0.5) * 18000000000000000000)::bigint")
        + ")"
    )
    for statement in _sqlite_up() if sqlite else _postgres_up():
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite_down() if sqlite else _postgres_down():
        op.execute(statement)
    op.drop_table("content_version")
