"""The PBC register: each PBC group's practices, GPs, registered list, indicative budget (in
pence) and the date it was shared, and earned autonomy; and the business cases each group
put to its PCT, with the decision and its date, when it was put into effect and the resources
it freed up (in pence).

Revision ID: f2829861e139
Revises: 6d0c3a1f9b27
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "f2829861e139"
down_revision: str | None = "6d0c3a1f9b27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pbc_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("practice_count", sa.Integer(), nullable=True),
        sa.Column("gp_count", sa.Integer(), nullable=False),
        sa.Column("list_size", sa.Integer(), nullable=False),
        sa.Column("indicative_budget", sa.BigInteger(), nullable=True),
        sa.Column("budget_shared_on", sa.Date(), nullable=True),
        sa.Column(
            "earned_autonomy",
            sa.Enum(
                "none",
                "level_1",
                "level_2",
                "level_3",
                name="earned_autonomy",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "practice_count IS NULL OR practice_count BETWEEN 0 AND 500",
            name=op.f("ck_pbc_register_practice_count_range"),
        ),
        sa.CheckConstraint(
            "gp_count BETWEEN 0 AND 2000", name=op.f("ck_pbc_register_gp_count_range")
        ),
        sa.CheckConstraint(
            "list_size BETWEEN 0 AND 5000000", name=op.f("ck_pbc_register_list_size_range")
        ),
        sa.CheckConstraint(
            "indicative_budget IS NULL OR indicative_budget BETWEEN 0 AND 200000000000",
            name=op.f("ck_pbc_register_indicative_budget_range"),
        ),
        sa.CheckConstraint(
            "budget_shared_on IS NULL OR indicative_budget IS NOT NULL",
            name=op.f("ck_pbc_register_budget_shared_needs_budget"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["organisation.id"],
            name=op.f("fk_pbc_register_group_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_pbc_register_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbc_register")),
        sa.UniqueConstraint("group_id", name=op.f("uq_pbc_register_group_id")),
    )
    op.create_table(
        "business_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column(
            "decision",
            sa.Enum(
                "approved",
                "rejected",
                "deferred",
                name="business_case_decision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("implemented_on", sa.Date(), nullable=True),
        sa.Column("freed_up_resources", sa.BigInteger(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "decided_on IS NULL OR decided_on >= submitted_on",
            name=op.f("ck_business_case_decided_after_submitted"),
        ),
        sa.CheckConstraint(
            "implemented_on IS NULL OR (decided_on IS NOT NULL AND implemented_on >= decided_on)",
            name=op.f("ck_business_case_implemented_after_decided"),
        ),
        sa.CheckConstraint(
            "(decided_on IS NULL) = (decision IS NULL)",
            name=op.f("ck_business_case_decision_with_its_date"),
        ),
        sa.CheckConstraint(
            "freed_up_resources IS NULL OR freed_up_resources BETWEEN 0 AND 50000000000",
            name=op.f("ck_business_case_freed_up_resources_range"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["organisation.id"],
            name=op.f("fk_business_case_group_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_business_case_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_business_case_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_case")),
    )
    with op.batch_alter_table("business_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_business_case_group_id_submitted_on", ["group_id", "submitted_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("business_case", schema=None) as batch_op:
        batch_op.drop_index("ix_business_case_group_id_submitted_on")
    op.drop_table("business_case")
    op.drop_table("pbc_register")
