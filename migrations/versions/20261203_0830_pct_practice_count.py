"""A PCT's number of GP practices: the limit for practices involved in an evidence item and
the share of practices engaged.

Revision ID: 6d0c3a1f9b27
Revises: 2f14608b3f65
Create Date: 2026-12-03 08:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "6d0c3a1f9b27"
down_revision: str | None = "2f14608b3f65"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The column and its check in one ALTER TABLE, which SQLite and PostgreSQL both take; a batch
# alteration would rebuild the organisation table, which every other table refers to.
def upgrade() -> None:
    op.execute(
        "ALTER TABLE organisation ADD COLUMN practice_count INTEGER "
        "CONSTRAINT ck_organisation_practice_count_not_negative "
        "CHECK (practice_count IS NULL OR practice_count >= 0)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE organisation DROP COLUMN practice_count")
