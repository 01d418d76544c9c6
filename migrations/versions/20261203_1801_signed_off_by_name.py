"""The signer's name as it was when the board signed off, kept whatever it becomes later;
assessments signed off before take the name the signer has now, the best there is.

Revision ID: bee56a3714e7
Revises: e961913e26b3
Create Date: 2026-12-03 18:01:53.466312
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "bee56a3714e7"
down_revision: str | None = "e961913e26b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "signed_off_by_name",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=True,
            )
        )
    op.execute(
        "UPDATE assessment SET signed_off_by_name = (SELECT full_name FROM user_account "
        "WHERE user_account.id = assessment.signed_off_by_id) "
        "WHERE signed_off_by_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("signed_off_by_name")
