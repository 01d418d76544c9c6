"""The mail outbox: each mail written in the same transaction as the change that causes it,
waiting to be sent or sent (with the worker's claim, the next attempt and the last error), and
each attempt to send it.

Revision ID: b41e7c2d9a53
Revises: f2829861e139
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "b41e7c2d9a53"
down_revision: str | None = "f2829861e139"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("recipient_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "submitted",
                "returned",
                "provisional",
                "sign_off_withdrawn",
                "finalised",
                "message",
                "reminder",
                "invitation",
                "password_reset",
                name="mail_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("dedup_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                name="mail_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("claimed_until", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status <> 'sending' OR (claimed_by IS NOT NULL AND claimed_until IS NOT NULL)",
            name=op.f("ck_outbox_mail_sending_is_claimed"),
        ),
        sa.CheckConstraint(
            "status <> 'sent' OR sent_at IS NOT NULL", name=op.f("ck_outbox_mail_sent_has_sent_at")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_mail_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_outbox_mail_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["user_account.id"],
            name=op.f("fk_outbox_mail_recipient_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mail")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_outbox_mail_dedup_key")),
    )
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_mail_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_mail_recipient_user_id"), ["recipient_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_mail_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "outbox_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "sent", "failed", name="attempt_outcome", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mail_id"],
            ["outbox_mail.id"],
            name=op.f("fk_outbox_attempt_mail_id_outbox_mail"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attempt")),
    )
    with op.batch_alter_table("outbox_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_attempt_mail_id"), ["mail_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_attempt_mail_id"))

    op.drop_table("outbox_attempt")
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_mail_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_outbox_mail_recipient_user_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_mail_organisation_id"))

    op.drop_table("outbox_mail")
