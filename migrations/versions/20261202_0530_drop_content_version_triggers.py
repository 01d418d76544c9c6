"""drop content version triggers

The read cache is gone (bench/README.md, "The read cache on real traffic"): under a mixed
workload of reads and writes from many PCTs nearly every kept answer was out of date before
it was asked for again, and the content version's single row was a point every writing
transaction queued at, to its commit. This drops the triggers that replaced the version on
every write to a content table (PostgreSQL: one deferred constraint trigger per table and
their function; SQLite: one trigger per table and operation). The content_version table and
its row stay, unchanged from now on: the sign-in statement still reads it
(app.content_version). The downgrade puts the triggers back as revision 7d2b5c9e4a16 made
them.

Revision ID: 9463d2f479de
Revises: 1f03b71b5169
Create Date: 2026-12-02 05:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9463d2f479de"
down_revision: str | None = "1f03b71b5169"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables revision 7d2b5c9e4a16 gave a trigger.
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


def _sqlite_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER content_version_{table}_{operation} AFTER {operation.upper()} "
        f"ON {table} BEGIN {SQLITE_CHANGE}; END"
        for table in CONTENT_TABLES
        for operation in OPERATIONS
    ]


def _postgres_triggers() -> list[str]:
    return [POSTGRES_FUNCTION] + [
        f"CREATE CONSTRAINT TRIGGER content_version_{table} "
        f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_change()"
        for table in CONTENT_TABLES
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in CONTENT_TABLES:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS content_version_{table}_{operation}")
        return
    for table in CONTENT_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS content_version_{table} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS content_version_change()")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite_triggers() if sqlite else _postgres_triggers():
        op.execute(statement)
