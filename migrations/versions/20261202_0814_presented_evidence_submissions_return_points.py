"""presented evidence, sign-off, return points, submissions

Version 2's assessment (SPEC 6.1, 6.2): the curated set of evidence an assessment presents,
the board's meeting and minute at sign-off and a withdrawn sign-off, the points of a return
with the PCT's responses, and every submission kept as a round.

Existing data is carried over as version 1 left it: an assessment presents what its last
submission froze, or, never submitted, every item of its PCT's library linked to a
competency (what version 1 counted, so a signed-off fingerprint still matches). A submitted
assessment gets round 1 from its frozen evidence and its self-scores as they stand; a
returned one gets its reason as a single general point.

Revision ID: bf78e7f7f915
Revises: 5c2e8a41d7b3
Create Date: 2026-12-02 08:14:19.978348
"""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

_assessment = sa.table(
    "assessment",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("submitted_at", app.db.UTCDateTime(timezone=True)),
    sa.column("submitted_by_id", sa.Integer),
    sa.column("signed_off_fingerprint", sa.String),
    sa.column("returned_at", app.db.UTCDateTime(timezone=True)),
    sa.column("return_reason", sa.Text),
    sa.column("created_at", app.db.UTCDateTime(timezone=True)),
)
_snapshot = sa.table(
    "evidence_snapshot",
    sa.column("assessment_id", sa.Integer),
    sa.column("evidence_id", sa.Integer),
    sa.column("content", sa.JSON),
    sa.column("frozen_at", app.db.UTCDateTime(timezone=True)),
)
_item = sa.table(
    "evidence_item", sa.column("id", sa.Integer), sa.column("organisation_id", sa.Integer)
)
_link = sa.table("evidence_competency", sa.column("evidence_id", sa.Integer))
_score = sa.table(
    "self_score",
    sa.column("assessment_id", sa.Integer),
    sa.column("competency_number", sa.Integer),
    sa.column("level", sa.Integer),
    sa.column("rationale", sa.Text),
    sa.column("improvement_action", sa.Text),
    sa.column("target_level", sa.Integer),
)
_presented = sa.table(
    "presented_evidence",
    sa.column("assessment_id", sa.Integer),
    sa.column("evidence_id", sa.Integer),
    sa.column("added_at", app.db.UTCDateTime(timezone=True)),
)
_submission = sa.table(
    "submission",
    sa.column("assessment_id", sa.Integer),
    sa.column("round", sa.Integer),
    sa.column("submitted_at", app.db.UTCDateTime(timezone=True)),
    sa.column("submitted_by_id", sa.Integer),
    sa.column("fingerprint", sa.String),
    sa.column("content", sa.JSON),
    sa.column("digests", sa.JSON),
)
_point = sa.table(
    "return_point",
    sa.column("assessment_id", sa.Integer),
    sa.column("round", sa.Integer),
    sa.column("competency_number", sa.Integer),
    sa.column("request", sa.Text),
    sa.column("raised_at", app.db.UTCDateTime(timezone=True)),
    sa.column("version", sa.Integer),
)


def _hash(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _carry_over() -> None:
    bind = op.get_bind()
    assessments = bind.execute(sa.select(_assessment)).mappings().all()
    for a in assessments:
        frozen = (
            bind.execute(
                sa.select(_snapshot)
                .where(_snapshot.c.assessment_id == a["id"])
                .order_by(_snapshot.c.evidence_id)
            )
            .mappings()
            .all()
        )
        if frozen:
            rows = [
                {
                    "assessment_id": a["id"],
                    "evidence_id": s["evidence_id"],
                    "added_at": s["frozen_at"],
                }
                for s in frozen
            ]
        else:
            ids = bind.execute(
                sa.select(_item.c.id).where(
                    _item.c.organisation_id == a["organisation_id"],
                    _item.c.id.in_(sa.select(_link.c.evidence_id)),
                )
            ).scalars()
            rows = [
                {"assessment_id": a["id"], "evidence_id": i, "added_at": a["created_at"]}
                for i in ids
            ]
        if rows:
            bind.execute(_presented.insert(), rows)
        if a["submitted_at"] is not None:
            scores = [
                dict(s)
                for s in bind.execute(
                    sa.select(
                        _score.c.competency_number,
                        _score.c.level,
                        _score.c.rationale,
                        _score.c.improvement_action,
                        _score.c.target_level,
                    )
                    .where(_score.c.assessment_id == a["id"])
                    .order_by(_score.c.competency_number)
                ).mappings()
            ]
            content = {"self_scores": scores, "evidence": [s["content"] for s in frozen]}
            bind.execute(
                _submission.insert(),
                {
                    "assessment_id": a["id"],
                    "round": 1,
                    "submitted_at": a["submitted_at"],
                    "submitted_by_id": a["submitted_by_id"],
                    "fingerprint": a["signed_off_fingerprint"] or _hash(content),
                    "content": content,
                    "digests": {},
                },
            )
        if a["return_reason"]:
            bind.execute(
                _point.insert(),
                {
                    "assessment_id": a["id"],
                    "round": 1,
                    "competency_number": None,
                    "request": a["return_reason"],
                    "raised_at": a["returned_at"] or a["created_at"],
                    "version": 1,
                },
            )


revision: str = "bf78e7f7f915"
down_revision: str | None = "5c2e8a41d7b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "presented_evidence",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_presented_evidence_added_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_presented_evidence_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_item.id"],
            name=op.f("fk_presented_evidence_evidence_id_evidence_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "evidence_id", name=op.f("pk_presented_evidence")),
    )
    with op.batch_alter_table("presented_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_presented_evidence_evidence_id"), ["evidence_id"], unique=False
        )

    op.create_table(
        "return_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("competency_number", sa.Integer(), nullable=True),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "competency_number IS NULL OR competency_number BETWEEN 1 AND 11",
            name=op.f("ck_return_point_competency_number_range"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_return_point_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["user_account.id"],
            name=op.f("fk_return_point_raised_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["user_account.id"],
            name=op.f("fk_return_point_responded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_point")),
    )
    with op.batch_alter_table("return_point", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_point_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("submitted_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("digests", sa.JSON(), nullable=False),
        sa.CheckConstraint("round >= 1", name=op.f("ck_submission_round_from_one")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_submission_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_submission_submitted_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint(
            "assessment_id", "round", name=op.f("uq_submission_assessment_id_round")
        ),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_off_meeting_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "signed_off_minute_reference",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("sign_off_withdrawn_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("sign_off_withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sign_off_withdrawn_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assessment_sign_off_withdrawn_by_id_user_account"),
            "user_account",
            ["sign_off_withdrawn_by_id"],
            ["id"],
        )
    _carry_over()


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assessment_sign_off_withdrawn_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("sign_off_withdrawn_reason")
        batch_op.drop_column("sign_off_withdrawn_by_id")
        batch_op.drop_column("sign_off_withdrawn_at")
        batch_op.drop_column("signed_off_minute_reference")
        batch_op.drop_column("signed_off_meeting_date")

    op.drop_table("submission")
    with op.batch_alter_table("return_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_point_assessment_id"))

    op.drop_table("return_point")
    with op.batch_alter_table("presented_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presented_evidence_evidence_id"))

    op.drop_table("presented_evidence")
