"""kept forms

What was typed into a form that arrived after its sender's session had ended, kept for a day
so that it can be put back after they sign in again (app.auth.kept_forms).

Revision ID: 1f03b71b5169
Revises: 7d2b5c9e4a16
Create Date: 2026-12-02 05:07:31.989633
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "1f03b71b5169"
down_revision: str | None = "7d2b5c9e4a16"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("field_values", sa.JSON(), nullable=False),
        sa.Column("files_left_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_kept_form_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_form")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_kept_form_token_sha256")),
    )
    with op.batch_alter_table("kept_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_form_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_kept_form_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kept_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_form_user_id"))
        batch_op.drop_index(batch_op.f("ix_kept_form_created_at"))

    op.drop_table("kept_form")
