"""`wcc export` / `wcc import` carry development plans: every action and progress note, across
databases (SQLite to PostgreSQL when the suite has a server)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from app.assessments.models import AssessmentStatus
from app.backup import export_database, import_database
from app.db import create_db_engine
from app.development.models import ActionStatus, DevelopmentAction, ProgressNote, SupportKind
from app.schema_migrations import upgrade
from app.tables import metadata
from app.users.models import Role
from tests import factories
from tests.databases import fresh_database, migrated_engine

PLAN_TABLES = ("development_action", "development_progress_note")


@contextmanager
def _sqlite(run_dir: Path) -> Iterator[sa.Engine]:
    """A fresh SQLite database, migrated, whatever database the suite runs on."""
    with fresh_database(f"sqlite:///{run_dir / f'plan-{secrets.token_hex(4)}.db'}") as url:
        upgrade(url)
        engine = create_db_engine(url)
        yield engine
        engine.dispose()


def _rows(engine: sa.Engine) -> dict[str, list[dict[str, object]]]:
    with engine.connect() as connection:
        return {
            name: [
                dict(row._mapping)
                for row in connection.execute(
                    sa.select(metadata.tables[name]).order_by(metadata.tables[name].c.id)
                )
            ]
            for name in PLAN_TABLES
        }


def test_a_backup_carries_every_action_and_progress_note(run_dir: Path, tmp_path: Path) -> None:
    with _sqlite(run_dir) as source:
        with Session(source) as session:
            pct = factories.make_pct(session, sha=factories.make_sha(session))
            lead = factories.make_user(session, role=Role.PCT_LEAD, organisation=pct)
            assessment = factories.make_assessment(
                session, pct=pct, status=AssessmentStatus.FINALISED
            )
            action = DevelopmentAction(
                assessment_id=assessment.id or 0,
                competency_number=4,
                action="Hold a stakeholder event with every practice.",
                owner="Director of commissioning",
                due_on=date(2010, 9, 30),
                support=SupportKind.FESC,
                support_note="Lot 3.",
                status=ActionStatus.AT_RISK,
                created_by_id=lead.id,
            )
            session.add(action)
            session.flush()
            for status, note in (
                (ActionStatus.ON_TRACK, "Booked."),
                (ActionStatus.AT_RISK, "Moved."),
            ):
                session.add(
                    ProgressNote(
                        action_id=action.id or 0,
                        status=status,
                        note=note,
                        written_by_id=lead.id,
                        written_at=datetime(2010, 6, 1, 9, 30, tzinfo=UTC),
                    )
                )
            session.commit()
        before = _rows(source)
        assert [len(before[name]) for name in PLAN_TABLES] == [1, 2]
        backup = tmp_path / "plan.json"
        counts = export_database(source, backup)
        assert counts["development_action"] == 1 and counts["development_progress_note"] == 2

    with migrated_engine(run_dir, "plan-target") as target:
        import_database(target, backup)
        assert _rows(target) == before
