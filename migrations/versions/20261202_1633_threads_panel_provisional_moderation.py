"""Threads between a PCT and its SHA, the assurance panel, provisional ratings with the PCT's
factual-accuracy check, the moderation log, and the status ``provisional`` (every existing
cycle keeps finalising straight from review).

Revision ID: 73d3b0c6da92
Revises: a24c925e7230
Create Date: 2026-12-02 16:33:55.302966
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "73d3b0c6da92"
down_revision: str | None = "a24c925e7230"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WITHOUT_PROVISIONAL = ("draft", "signed_off", "submitted", "in_review", "returned", "finalised")
WITH_PROVISIONAL = (*WITHOUT_PROVISIONAL[:5], "provisional", "finalised")


def upgrade() -> None:
    op.create_table(
        "panel",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("panel_date", sa.Date(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("pct_attendees", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_panel_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"], name=op.f("fk_panel_updated_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_panel")),
    )
    op.create_table(
        "provisional_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("issued_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("responded_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_provisional_rating_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["user_account.id"],
            name=op.f("fk_provisional_rating_issued_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["user_account.id"],
            name=op.f("fk_provisional_rating_responded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisional_rating")),
    )
    with op.batch_alter_table("provisional_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provisional_rating_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competency_number", sa.Integer(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "competency_number IS NULL OR competency_number BETWEEN 1 AND 11",
            name=op.f("ck_thread_competency_number_range"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_thread_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["user_account.id"], name=op.f("fk_thread_opened_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread")),
    )
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_thread_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "moderation_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("provisional_id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("competency_number", sa.Integer(), nullable=True),
        sa.Column("before", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
        sa.Column("after", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "competency_number IS NULL OR competency_number BETWEEN 1 AND 11",
            name=op.f("ck_moderation_change_competency_number_range"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_moderation_change_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_moderation_change_changed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["provisional_id"],
            ["provisional_rating.id"],
            name=op.f("fk_moderation_change_provisional_id_provisional_rating"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_change")),
    )
    with op.batch_alter_table("moderation_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_change_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "thread_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("from_sha", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_thread_message_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_thread_message_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_message")),
    )
    with op.batch_alter_table("thread_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_thread_message_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "thread_read",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_read_message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_thread_read_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_thread_read_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", "user_id", name=op.f("pk_thread_read")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("provisional_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("provisional_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assessment_provisional_by_id_user_account"),
            "user_account",
            ["provisional_by_id"],
            ["id"],
        )
        batch_op.drop_constraint("assessment_status", type_="check")
        batch_op.alter_column(
            "status",
            existing_type=sa.VARCHAR(length=10),
            type_=sa.VARCHAR(length=11),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            "assessment_status", sa.column("status").in_(WITH_PROVISIONAL)
        )

    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("provisional_step", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_column("provisional_step")

    op.execute("UPDATE assessment SET status = 'in_review' WHERE status = 'provisional'")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assessment_provisional_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint("assessment_status", type_="check")
        batch_op.alter_column(
            "status",
            existing_type=sa.VARCHAR(length=11),
            type_=sa.VARCHAR(length=10),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            "assessment_status", sa.column("status").in_(WITHOUT_PROVISIONAL)
        )
        batch_op.drop_column("provisional_by_id")
        batch_op.drop_column("provisional_at")

    op.drop_table("thread_read")
    with op.batch_alter_table("thread_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_message_thread_id"))

    op.drop_table("thread_message")
    with op.batch_alter_table("moderation_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_change_assessment_id"))

    op.drop_table("moderation_change")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_assessment_id"))

    op.drop_table("thread")
    with op.batch_alter_table("provisional_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provisional_rating_assessment_id"))

    op.drop_table("provisional_rating")
    op.drop_table("panel")
