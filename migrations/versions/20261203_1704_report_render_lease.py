"""A lease per report being rendered, so that servers sharing the database render each report
once: the key, the server holding it and when the lease expires.

Revision ID: 676f2017957a
Revises: c4a655a3f26a
Create Date: 2026-12-03 17:04:42.382686
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "676f2017957a"
down_revision: str | None = "c4a655a3f26a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_render",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_render")),
    )


def downgrade() -> None:
    op.drop_table("report_render")
