"""Criterion scores, governance ratings, outcome measures, the competencies a cycle assesses
(every existing cycle keeps all eleven), and a job title for each person.

Revision ID: a24c925e7230
Revises: 59bd0b07a0d4
Create Date: 2026-12-02 12:37:11.172493
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "a24c925e7230"
down_revision: str | None = "59bd0b07a0d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "national",
                "vital_signs",
                "laa",
                "local",
                name="outcome_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column(
            "better",
            sa.Enum(
                "higher", "lower", name="outcome_better", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("baseline_year", sa.Integer(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("trajectory", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_outcome_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_outcome_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome")),
        sa.UniqueConstraint(
            "organisation_id", "title", name=op.f("uq_outcome_organisation_id_title")
        ),
    )
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "criterion_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competency_number", sa.Integer(), nullable=False),
        sa.Column("criterion", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "criterion LIKE '%.%'", name=op.f("ck_criterion_score_criterion_numbered")
        ),
        sa.CheckConstraint(
            "competency_number BETWEEN 1 AND 11",
            name=op.f("ck_criterion_score_competency_number_range"),
        ),
        sa.CheckConstraint("level BETWEEN 1 AND 4", name=op.f("ck_criterion_score_level_range")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_criterion_score_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_criterion_score_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_score")),
        sa.UniqueConstraint(
            "assessment_id", "criterion", name=op.f("uq_criterion_score_assessment_id_criterion")
        ),
    )
    op.create_table(
        "governance_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column(
            "area",
            sa.Enum(
                "strategy",
                "finance",
                "board",
                name="governance_area",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "rating",
            sa.Enum(
                "red",
                "amber",
                "green",
                name="rag_rating",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_governance_rating_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_governance_rating_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_rating")),
        sa.UniqueConstraint(
            "assessment_id", "area", name=op.f("uq_governance_rating_assessment_id_area")
        ),
    )
    op.create_table(
        "governance_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column(
            "area",
            sa.Enum(
                "strategy",
                "finance",
                "board",
                name="governance_area",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "rating",
            sa.Enum(
                "red",
                "amber",
                "green",
                name="rag_rating",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_governance_review_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user_account.id"],
            name=op.f("fk_governance_review_reviewer_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_review")),
        sa.UniqueConstraint(
            "assessment_id", "area", name=op.f("uq_governance_review_assessment_id_area")
        ),
    )
    op.create_table(
        "outcome_actual",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
            name=op.f("fk_outcome_actual_outcome_id_outcome"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_outcome_actual_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("outcome_id", "year", name=op.f("pk_outcome_actual")),
    )
    op.create_table(
        "presented_outcome",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_presented_outcome_added_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_presented_outcome_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
            name=op.f("fk_presented_outcome_outcome_id_outcome"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "outcome_id", name=op.f("pk_presented_outcome")),
    )
    with op.batch_alter_table("presented_outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_presented_outcome_outcome_id"), ["outcome_id"], unique=False
        )

    op.create_table(
        "review_criterion_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competency_number", sa.Integer(), nullable=False),
        sa.Column("criterion", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("scored_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "criterion LIKE '%.%'", name=op.f("ck_review_criterion_score_criterion_numbered")
        ),
        sa.CheckConstraint(
            "competency_number BETWEEN 1 AND 11",
            name=op.f("ck_review_criterion_score_competency_number_range"),
        ),
        sa.CheckConstraint(
            "level BETWEEN 1 AND 4", name=op.f("ck_review_criterion_score_level_range")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_review_criterion_score_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user_account.id"],
            name=op.f("fk_review_criterion_score_reviewer_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_criterion_score")),
        sa.UniqueConstraint(
            "assessment_id",
            "criterion",
            name=op.f("uq_review_criterion_score_assessment_id_criterion"),
        ),
    )
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessed_competencies", sa.JSON(), nullable=True))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("job_title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
    cycle = sa.table("cycle", sa.column("assessed_competencies", sa.JSON()))
    op.execute(cycle.update().values(assessed_competencies=list(range(1, 12))))
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.alter_column("assessed_competencies", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("job_title")
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_column("assessed_competencies")

    op.drop_table("review_criterion_score")
    with op.batch_alter_table("presented_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presented_outcome_outcome_id"))

    op.drop_table("presented_outcome")
    op.drop_table("outcome_actual")
    op.drop_table("governance_review")
    op.drop_table("governance_rating")
    op.drop_table("criterion_score")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_organisation_id"))

    op.drop_table("outcome")
