"""The development plan after assurance: a finalised assessment's actions (competency, owner,
due date, the SHA's support, status) and the dated progress notes kept on each.

Revision ID: 2f14608b3f65
Revises: 73d3b0c6da92
Create Date: 2026-12-02 23:22:22.358670
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "2f14608b3f65"
down_revision: str | None = "73d3b0c6da92"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "development_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competency_number", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "support",
            sa.Enum(
                "fesc",
                "sha_facilitation",
                "peer_support",
                "national_programme",
                "none",
                name="development_support",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("support_note", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "on_track",
                "at_risk",
                "done",
                name="development_action_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "competency_number IS NULL OR competency_number BETWEEN 1 AND 11",
            name=op.f("ck_development_action_competency_number_range"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_development_action_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_development_action_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_development_action_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_action")),
    )
    with op.batch_alter_table("development_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_development_action_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            "ix_development_action_status_due_on", ["status", "due_on"], unique=False
        )

    op.create_table(
        "development_progress_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "on_track",
                "at_risk",
                "done",
                name="progress_note_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("written_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["development_action.id"],
            name=op.f("fk_development_progress_note_action_id_development_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"],
            ["user_account.id"],
            name=op.f("fk_development_progress_note_written_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_progress_note")),
    )
    with op.batch_alter_table("development_progress_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_development_progress_note_action_id"), ["action_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("development_progress_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_progress_note_action_id"))

    op.drop_table("development_progress_note")
    with op.batch_alter_table("development_action", schema=None) as batch_op:
        batch_op.drop_index("ix_development_action_status_due_on")
        batch_op.drop_index(batch_op.f("ix_development_action_assessment_id"))

    op.drop_table("development_action")
