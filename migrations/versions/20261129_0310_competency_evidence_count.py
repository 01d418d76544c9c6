"""competency evidence count

A tally of each PCT's evidence items per competency, kept by triggers: one more link adds one,
one fewer takes one away. Readiness (the board view, the assessment read, sign-off) then reads
eleven rows instead of counting all of a PCT's links. An item's links are removed before the
item itself, so the tally is taken down while the item still says whose it is, whichever way
the item is deleted. Existing links are counted once here.

Revision ID: 3c8e1f0a7b42
Revises: 9a3d4e6f2b10
Create Date: 2026-11-29 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c8e1f0a7b42"
down_revision: str | None = "9a3d4e6f2b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNT_EXISTING = (
    "INSERT INTO competency_evidence_count (organisation_id, competency_number, items) "
    "SELECT evidence_item.organisation_id, evidence_competency.competency_number, count(*) "
    "FROM evidence_competency JOIN evidence_item ON evidence_item.id = evidence_competency.evidence_id "
    "GROUP BY evidence_item.organisation_id, evidence_competency.competency_number"
)
ADD_ONE = (
    "INSERT INTO competency_evidence_count (organisation_id, competency_number, items) "
    "SELECT organisation_id, {new}.competency_number, 1 FROM evidence_item "
    "WHERE id = {new}.evidence_id "
    "ON CONFLICT (organisation_id, competency_number) "
    "DO UPDATE SET items = competency_evidence_count.items + 1"
)
TAKE_ONE = (
    "UPDATE competency_evidence_count SET items = items - 1 "
    "WHERE competency_number = {old}.competency_number AND organisation_id = "
    "(SELECT organisation_id FROM evidence_item WHERE id = {old}.evidence_id)"
)
UNLINK_FIRST = "DELETE FROM evidence_competency WHERE evidence_id = {old}.id"

SQLITE_UP = [
    "CREATE TRIGGER competency_evidence_count_add AFTER INSERT ON evidence_competency "
    f"BEGIN {ADD_ONE.format(new='new')}; END",
    "CREATE TRIGGER competency_evidence_count_take AFTER DELETE ON evidence_competency "
    f"BEGIN {TAKE_ONE.format(old='old')}; END",
    "CREATE TRIGGER evidence_item_unlink_first BEFORE DELETE ON evidence_item "
    f"BEGIN {UNLINK_FIRST.format(old='old')}; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS evidence_item_unlink_first",
    "DROP TRIGGER IF EXISTS competency_evidence_count_take",
    "DROP TRIGGER IF EXISTS competency_evidence_count_add",
]
POSTGRES_UP = [
    "CREATE FUNCTION competency_evidence_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF TG_OP = 'INSERT' THEN "
    f"{ADD_ONE.format(new='NEW')}; RETURN NEW; "
    f"ELSE {TAKE_ONE.format(old='OLD')}; RETURN OLD; END IF; END $$",
    "CREATE TRIGGER competency_evidence_count_keep AFTER INSERT OR DELETE ON evidence_competency "
    "FOR EACH ROW EXECUTE FUNCTION competency_evidence_count_keep()",
    "CREATE FUNCTION evidence_item_unlink_first() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN {UNLINK_FIRST.format(old='OLD')}; RETURN OLD; END $$",
    "CREATE TRIGGER evidence_item_unlink_first BEFORE DELETE ON evidence_item "
    "FOR EACH ROW EXECUTE FUNCTION evidence_item_unlink_first()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS evidence_item_unlink_first ON evidence_item",
    "DROP FUNCTION IF EXISTS evidence_item_unlink_first()",
    "DROP TRIGGER IF EXISTS competency_evidence_count_keep ON evidence_competency",
    "DROP FUNCTION IF EXISTS competency_evidence_count_keep()",
]


def upgrade() -> None:
    op.create_table(
        "competency_evidence_count",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("competency_number", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_competency_evidence_count_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "competency_number", name=op.f("pk_competency_evidence_count")
        ),
    )
    op.execute(COUNT_EXISTING)
    for statement in SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN:
        op.execute(statement)
    op.drop_table("competency_evidence_count")
