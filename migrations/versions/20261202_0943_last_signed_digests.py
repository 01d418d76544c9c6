"""last signed digests

A hash per competency of what the board last signed, kept when the sign-off is withdrawn, so
that the next sign-off can show what changed since (SPEC 6.1). Empty for assessments signed
before this revision.

Revision ID: 59bd0b07a0d4
Revises: bf78e7f7f915
Create Date: 2026-12-02 09:43:12.948628
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "59bd0b07a0d4"
down_revision: str | None = "bf78e7f7f915"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_signed_digests", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("last_signed_digests")
