"""Each user's credential generation, counted up when their password, role or organisation
changes or they are deactivated; API tokens of an earlier generation are refused.

Revision ID: e961913e26b3
Revises: 676f2017957a
Create Date: 2026-12-03 17:51:33.545996
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e961913e26b3"
down_revision: str | None = "676f2017957a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credential_generation", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("credential_generation")
