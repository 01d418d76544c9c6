"""API reads built afresh from the database: any committed write is seen by the next read,
whoever made it, a deactivated account is refused at once, and no answer is kept for anyone.
The content version that a read cache once checked is gone: migration 9463d2f479de drops its
triggers and 5c2e8a41d7b3 its table (their downgrades put both back). Run on committed data
(the per-test transaction never commits)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import create_db_engine
from app.schema_migrations import alembic_config, upgrade
from tests import factories
from tests.api_steps import log_evidence, ok, open_assessment
from tests.databases import app_on, fresh_database, migrated_engine, new_database_url
from tests.factories import auth
from tests.statements import counting
from tests.world import World, build_world

VERSION = sa.text("SELECT version FROM content_version")
# The revision that drops the triggers (revision 7d2b5c9e4a16 made them), and the one that
# drops the table.
DROP_TRIGGERS = "9463d2f479de"
DROP_TABLE = "5c2e8a41d7b3"
# The tables that had a trigger.
TRIGGERED_TABLES = (
    "assessment",
    "attachment",
    "cycle",
    "evidence_competency",
    "evidence_item",
    "evidence_rating",
    "evidence_snapshot",
    "organisation",
    "review_score",
    "self_score",
    "user_account",
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with migrated_engine(tmp_path_factory.mktemp("reads"), "reads") as engine:
        yield engine


@pytest.fixture
def world(engine: Engine) -> World:
    """A world of its own for each test, committed, in the module's database."""
    with Session(engine, expire_on_commit=False) as session:
        return build_world(session)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    """The application as configured by default (which used to keep a 64 MB cache)."""
    app = app_on(engine)
    with TestClient(app) as client:
        yield client


def _version(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(VERSION).scalar_one()


def _reads(client: TestClient, world: World) -> list[tuple[str, dict[str, str]]]:
    """Each read the cache used to answer, with the headers of a caller who may make it."""
    item = log_evidence(client, world.a.lead, world.a.pct.code, [3, 4], title="Diabetes pathway")
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    lead, reviewer = auth(world.a.lead), auth(world.reviewer)
    return [
        (f"/api/v1/evidence/{item['id']}", lead),
        ("/api/v1/evidence?q=diabetes&limit=5", lead),
        (f"/api/v1/assessments/{assessment['id']}", lead),
        (f"/api/v1/cycles/{world.cycle.id}/heatmap?sha_code={world.sha.code}", reviewer),
    ]


def test_a_repeated_read_is_built_again_from_the_database_and_gives_the_same_bytes(
    client: TestClient, engine: Engine, world: World
) -> None:
    for path, headers in _reads(client, world):
        first = client.get(path, headers=headers)
        assert first.status_code == 200, first.text
        with counting(engine) as statements:
            again = client.get(path, headers=headers)
        assert again.status_code == 200
        assert again.content == first.content
        assert again.headers["content-type"] == "application/json"
        assert len(statements) > 1, f"{path}: only the sign-in statement ran"


def test_a_write_through_the_api_is_seen_by_the_next_read(client: TestClient, world: World) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Before")
    path = f"/api/v1/evidence/{item['id']}"
    assert ok(client.get(path, headers=auth(world.a.lead)))["title"] == "Before"
    ok(
        client.patch(
            path,
            json={"title": "After", "version": item["version"]},
            headers=auth(world.a.lead),
        )
    )
    assert ok(client.get(path, headers=auth(world.a.lead)))["title"] == "After"

    assessment = open_assessment(client, world.b.lead, world.b.pct.code, world.cycle.id)
    read = f"/api/v1/assessments/{assessment['id']}"
    assert ok(client.get(read, headers=auth(world.b.lead)))["self_scores"] == []
    ok(
        client.put(
            f"{read}/self-scores/2",
            json={"level": 3, "rationale": "Why.", "improvement_action": "More."},
            headers=auth(world.b.lead),
        )
    )
    scores = ok(client.get(read, headers=auth(world.b.lead)))["self_scores"]
    assert [(s["competency_number"], s["level"]) for s in scores] == [(2, 3)]


def test_a_write_from_elsewhere_is_seen_by_the_next_read(
    client: TestClient, engine: Engine, world: World
) -> None:
    """Another worker, the command line or a restore."""
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Written here")
    path = f"/api/v1/evidence/{item['id']}"
    search = "/api/v1/evidence?q=written&limit=5"
    assert ok(client.get(path, headers=auth(world.a.lead)))["title"] == "Written here"
    assert ok(client.get(search, headers=auth(world.a.lead)))["total"] == 1
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE evidence_item SET title = 'Written elsewhere' WHERE id = :id"),
            {"id": item["id"]},
        )
    assert ok(client.get(path, headers=auth(world.a.lead)))["title"] == "Written elsewhere"
    listed = ok(client.get(search, headers=auth(world.a.lead)))["items"]
    assert [i["title"] for i in listed] == ["Written elsewhere"]


def test_an_answer_is_never_given_to_another_user(client: TestClient, world: World) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Only for PCT A")
    path = f"/api/v1/evidence/{item['id']}"
    ok(client.get(path, headers=auth(world.a.lead)))
    ok(client.get(path, headers=auth(world.a.lead)))
    assert client.get(path, headers=auth(world.b.lead)).status_code == 404
    search = "/api/v1/evidence?q=only"
    mine = ok(client.get(search, headers=auth(world.a.lead)))
    assert item["id"] in [i["id"] for i in mine["items"]]
    theirs = ok(client.get(search, headers=auth(world.b.lead)))
    assert item["id"] not in [i["id"] for i in theirs["items"]]


def test_a_deactivated_user_is_refused_at_once(
    client: TestClient, engine: Engine, world: World
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        user = factories.make_user(session, role=factories.Role.PCT_LEAD, organisation=world.a.pct)
    item = log_evidence(client, user, world.a.pct.code, [4])
    path = f"/api/v1/evidence/{item['id']}"
    ok(client.get(path, headers=auth(user)))
    ok(client.get(path, headers=auth(user)))
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE user_account SET is_active = :no WHERE id = :id"),
            {"no": False, "id": user.id},
        )
    assert client.get(path, headers=auth(user)).status_code == 401


def _triggers(connection: sa.Connection) -> set[str]:
    """The content version's triggers (and, on PostgreSQL, their function) in the database."""
    if connection.dialect.name == "sqlite":
        names = connection.execute(
            sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        ).scalars()
    else:
        names = connection.execute(
            sa.text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal UNION ALL "
                "SELECT proname FROM pg_proc WHERE proname = 'content_version_change'"
            )
        ).scalars()
    return {name for name in names if name.startswith("content_version_")}


def _expected_triggers(dialect: str) -> set[str]:
    if dialect == "sqlite":
        return {
            f"content_version_{table}_{operation}"
            for table in TRIGGERED_TABLES
            for operation in ("insert", "update", "delete")
        }
    return {f"content_version_{table}" for table in TRIGGERED_TABLES} | {"content_version_change"}


def _has_table(engine: Engine) -> bool:
    return "content_version" in sa.inspect(engine).get_table_names()


def test_no_content_version_is_left(engine: Engine) -> None:
    assert not _has_table(engine)
    with engine.connect() as connection:
        assert _triggers(connection) == set()


def test_the_migrations_drop_the_triggers_and_the_table_and_their_downgrades_put_them_back(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with fresh_database(new_database_url(tmp_path_factory.mktemp("triggers"), "triggers")) as url:
        upgrade(url)
        engine = create_db_engine(url)
        with Session(engine) as session:
            factories.make_cycle(session)
        config = alembic_config(url)
        script = ScriptDirectory.from_config(config)
        with_table = script.get_revision(DROP_TABLE).down_revision
        with_triggers = script.get_revision(DROP_TRIGGERS).down_revision
        expected = _expected_triggers(engine.dialect.name)
        try:
            for target, table, triggers in (
                (None, False, set()),
                (with_table, True, set()),
                (with_triggers, True, expected),
                ("head", False, set()),
            ):
                if target is not None:
                    engine.dispose()
                    if target == "head":
                        command.upgrade(config, "head")
                    else:
                        command.downgrade(config, target)
                assert _has_table(engine) == table
                before = _version(engine) if table else None
                with engine.begin() as connection:
                    assert _triggers(connection) == triggers
                    connection.execute(sa.text("UPDATE cycle SET name = name"))
                if table:
                    assert (_version(engine) != before) == bool(triggers)
        finally:
            engine.dispose()
