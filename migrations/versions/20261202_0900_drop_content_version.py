"""drop content version

The content version's single row, left by revision 9463d2f479de when it dropped the triggers
that changed it, is read by nothing now: the sign-in statement no longer selects it. The
downgrade makes the table again with one row, as revision 7d2b5c9e4a16 did.

Revision ID: 5c2e8a41d7b3
Revises: 9463d2f479de
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c2e8a41d7b3"
down_revision: str | None = "9463d2f479de"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("content_version")


def downgrade() -> None:
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
