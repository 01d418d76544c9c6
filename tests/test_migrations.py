"""The migrations build the schema from empty, match the models, and run down and up again."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session

from app.schema_migrations import alembic_config, head_revision, include_object
from app.tables import metadata
from tests import factories
from tests.databases import fresh_database, new_database_url


def _differences(engine: sa.Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_object": include_object,
            },
        )
        return compare_metadata(context, metadata)


def test_upgrade_from_empty_matches_the_models_then_downgrades_and_upgrades_again(
    run_dir: Path,
) -> None:
    with fresh_database(new_database_url(run_dir, "migrations")) as url:
        config = alembic_config(url)
        engine = sa.create_engine(url)
        try:
            command.upgrade(config, "head")
            assert _differences(engine) == []
            with engine.connect() as connection:
                assert MigrationContext.configure(connection).get_current_revision() == (
                    head_revision()
                )
            tables = set(sa.inspect(engine).get_table_names())
            assert set(metadata.tables) <= tables
            if engine.dialect.name == "sqlite":
                assert "evidence_search" in tables

            command.downgrade(config, "base")
            engine.dispose()
            assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}, sa.inspect(
                engine
            ).get_table_names()

            command.upgrade(config, "head")
            assert _differences(engine) == []
        finally:
            engine.dispose()


def test_suite_runs_on_the_requested_database(engine: sa.Engine) -> None:
    """CI names the dialect it expects, so a suite that fell back to SQLite fails."""
    expected = os.environ.get("WCC_TEST_REQUIRE_DIALECT")
    if expected:
        assert engine.dialect.name == expected
    else:
        assert engine.dialect.name in {"sqlite", "postgresql"}


def _old_pct(session: Session) -> int:
    """A PCT under an SHA, inserted with the organisation columns of the first schema."""
    organisations = metadata.tables["organisation"]
    ids = []
    for code, kind, parent in (("QT1", "sha", None), ("5T1", "pct", "sha")):
        ids.append(
            session.execute(
                organisations.insert()
                .values(
                    code=code,
                    name=f"Tally {kind}",
                    kind=kind,
                    parent_id=ids[0] if parent else None,
                    created_at=datetime(2009, 1, 1, tzinfo=UTC),
                    version=1,
                )
                .returning(organisations.c.id)
            ).scalar_one()
        )
    session.commit()
    return ids[1]


def test_the_evidence_tally_counts_links_already_there(run_dir: Path) -> None:
    with fresh_database(new_database_url(run_dir, "tally")) as url:
        config = alembic_config(url)
        engine = sa.create_engine(url)
        try:
            command.upgrade(config, "9a3d4e6f2b10")  # the revision before the tally
            with Session(engine) as session:
                # The rows as the tables stood then (the models have columns added since).
                pct: Any = SimpleNamespace(id=_old_pct(session))
                columns = ("id", "email", "full_name", "role", "is_active")
                columns += ("organisation_id", "password_hash", "created_at", "version")
                users = sa.table("user_account", *(sa.column(name) for name in columns))
                lead_id = session.execute(
                    users.insert()
                    .values(
                        email="lead@tally.test",
                        full_name="Tally lead",
                        role="pct_lead",
                        is_active=True,
                        organisation_id=pct.id,
                        password_hash="x",
                        created_at="2009-01-01 00:00:00.000000",
                        version=1,
                    )
                    .returning(users.c.id)
                ).scalar_one()
                session.commit()
                lead: Any = SimpleNamespace(id=lead_id)  # only its id is needed
                factories.make_evidence(session, pct=pct, author=lead, competencies=[1, 4])
                factories.make_evidence(session, pct=pct, author=lead, competencies=[4])
                pct_id = pct.id
            command.upgrade(config, "head")
            with engine.connect() as connection:
                tally = connection.execute(
                    sa.text(
                        "SELECT organisation_id, competency_number, items "
                        "FROM competency_evidence_count ORDER BY competency_number"
                    )
                ).all()
            assert [tuple(row) for row in tally] == [(pct_id, 1, 1), (pct_id, 4, 2)]
        finally:
            engine.dispose()


def test_cycles_already_there_keep_all_eleven_competencies(run_dir: Path) -> None:
    with fresh_database(new_database_url(run_dir, "assessed")) as url:
        config = alembic_config(url)
        engine = sa.create_engine(url)
        try:
            command.upgrade(config, "59bd0b07a0d4")  # the revision before criteria
            with engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO cycle (name, opens_on, submission_due, review_due, "
                        "framework_version, framework_sha256, created_at, version) VALUES "
                        "('2008/09', '2008-10-01', '2009-01-30', '2009-03-31', 'wcc-2008', "
                        ":sha, '2008-09-01 00:00:00', 1)"
                    ),
                    {"sha": "a" * 64},
                )
            command.upgrade(config, "head")
            with engine.connect() as connection:
                assessed = connection.execute(
                    sa.select(metadata.tables["cycle"].c.assessed_competencies)
                ).scalar_one()
            assert assessed == list(range(1, 12))
            command.downgrade(config, "59bd0b07a0d4")
            with engine.connect() as connection:
                names = connection.execute(sa.text("SELECT name FROM cycle")).scalars().all()
            assert names == ["2008/09"]
        finally:
            engine.dispose()
