"""Cached API reads: a repeated read costs the sign-in statement alone, gives the same bytes as
a fresh one, is never shared between users, and any committed write is seen by the next read,
whoever made it. Run on committed data (the per-test transaction never commits)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.content_version import CONTENT_TABLES, OTHER_TABLES
from app.db import create_db_engine, get_session
from app.main import create_app
from app.read_cache import READ_CACHE, ReadCache
from app.schema_migrations import upgrade
from app.tables import metadata
from tests import factories
from tests.api_steps import log_evidence, ok, open_assessment, submitted
from tests.databases import fresh_database, new_database_url
from tests.factories import auth
from tests.statements import counting
from tests.world import World, build_world

VERSION = sa.text("SELECT version FROM content_version")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with fresh_database(new_database_url(tmp_path_factory.mktemp("cache"), "cache")) as url:
        upgrade(url)
        engine = create_db_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def world(engine: Engine) -> World:
    """A world of its own for each test, committed, in the module's database."""
    with Session(engine, expire_on_commit=False) as session:
        return build_world(session)


def _client(engine: Engine, *, cache: bool) -> Iterator[TestClient]:
    app = create_app()

    def request_session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session

    app.dependency_overrides[get_session] = request_session
    with TestClient(app) as client:
        setattr(app.state, READ_CACHE, ReadCache(2**20) if cache else None)
        yield client


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    yield from _client(engine, cache=True)


@pytest.fixture
def uncached(engine: Engine) -> Iterator[TestClient]:
    yield from _client(engine, cache=False)


def _version(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(VERSION).scalar_one()


def _reads(client: TestClient, world: World) -> list[tuple[str, dict[str, str]]]:
    """Each cached read, with the headers of a caller who may make it."""
    item = log_evidence(client, world.a.lead, world.a.pct.code, [3, 4], title="Diabetes pathway")
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    lead, reviewer = auth(world.a.lead), auth(world.reviewer)
    return [
        (f"/api/v1/evidence/{item['id']}", lead),
        ("/api/v1/evidence?q=diabetes&limit=5", lead),
        (f"/api/v1/assessments/{assessment['id']}", lead),
        (f"/api/v1/cycles/{world.cycle.id}/heatmap?sha_code={world.sha.code}", reviewer),
    ]


def test_a_repeated_read_runs_only_the_sign_in_statement_and_gives_the_same_bytes(
    client: TestClient, engine: Engine, world: World
) -> None:
    for path, headers in _reads(client, world):
        first = client.get(path, headers=headers)
        assert first.status_code == 200, first.text
        with counting(engine) as statements:
            again = client.get(path, headers=headers)
        assert again.status_code == 200
        assert again.content == first.content
        assert len(statements) == 1, statements
        assert again.headers["content-type"] == "application/json"


def test_a_cached_answer_is_the_answer_built_without_the_cache(
    client: TestClient, uncached: TestClient, world: World
) -> None:
    for path, headers in _reads(client, world):
        client.get(path, headers=headers)
        cached = client.get(path, headers=headers)
        assert cached.json() == ok(uncached.get(path, headers=headers))


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
    """Another worker, the command line or a restore: the database itself changes the version."""
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Written here")
    path = f"/api/v1/evidence/{item['id']}"
    assert ok(client.get(path, headers=auth(world.a.lead)))["title"] == "Written here"
    before = _version(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE evidence_item SET title = 'Written elsewhere' WHERE id = :id"),
            {"id": item["id"]},
        )
    assert _version(engine) != before
    assert ok(client.get(path, headers=auth(world.a.lead)))["title"] == "Written elsewhere"


def test_an_answer_is_never_given_to_another_user(client: TestClient, world: World) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Only for PCT A")
    path = f"/api/v1/evidence/{item['id']}"
    ok(client.get(path, headers=auth(world.a.lead)))
    ok(client.get(path, headers=auth(world.a.lead)))
    assert client.get(path, headers=auth(world.b.lead)).status_code == 404
    listed = ok(client.get("/api/v1/evidence?q=only", headers=auth(world.b.lead)))
    assert item["id"] not in [i["id"] for i in listed["items"]]


def test_a_deactivated_user_is_refused_though_their_answer_is_kept(
    client: TestClient, engine: Engine, world: World
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        user = factories.make_user(session, role=factories.Role.PCT_LEAD, organisation=world.a.pct)
    item = log_evidence(client, user, world.a.pct.code, [4])
    path = f"/api/v1/evidence/{item['id']}"
    ok(client.get(path, headers=auth(user)))
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE user_account SET is_active = :no WHERE id = :id"),
            {"no": False, "id": user.id},
        )
    assert client.get(path, headers=auth(user)).status_code == 401


def test_errors_are_not_kept(client: TestClient, engine: Engine, world: World) -> None:
    assert client.get("/api/v1/evidence/999999", headers=auth(world.a.lead)).status_code == 404
    assert len(getattr(client.app.state, READ_CACHE)) == 0  # type: ignore[attr-defined]


def test_a_write_that_is_rolled_back_leaves_the_version(engine: Engine, world: World) -> None:
    before = _version(engine)
    with engine.connect() as connection:
        connection.execute(sa.text("UPDATE cycle SET name = name"))
        connection.rollback()
    assert _version(engine) == before


def test_writes_to_sign_in_tables_leave_the_version(
    client: TestClient, engine: Engine, world: World
) -> None:
    before = _version(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM sign_in_attempt"))
        connection.execute(sa.text("UPDATE browser_session SET address = address"))
    assert _version(engine) == before


def test_every_table_is_named_as_content_or_not() -> None:
    assert CONTENT_TABLES.isdisjoint(OTHER_TABLES)
    assert set(metadata.tables) == CONTENT_TABLES | OTHER_TABLES


def test_every_content_table_has_its_trigger(engine: Engine) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            names = connection.execute(
                sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            expected = {
                f"content_version_{table}_{operation}"
                for table in CONTENT_TABLES
                for operation in ("insert", "update", "delete")
            }
        else:
            names = connection.execute(
                sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            ).scalars()
            expected = {f"content_version_{table}" for table in CONTENT_TABLES}
    found = {name for name in names if name.startswith("content_version_")}
    assert found == expected


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _fill_every_table(client: TestClient, world: World) -> None:
    """A submitted, reviewed assessment with rated evidence and an attachment: a row in
    every content table."""
    done = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    evidence_id = done["presented_evidence_ids"][0]
    later = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="After submission")
    ok(
        client.post(
            f"/api/v1/evidence/{later['id']}/attachments",
            files={"file": ("minutes.pdf", PDF, "application/pdf")},
            headers=auth(world.a.lead),
        ),
        201,
    )
    reviewer = auth(world.reviewer)
    path = f"/api/v1/assessments/{done['id']}"
    ok(
        client.put(
            f"{path}/review-scores/4", json={"level": 2, "comment": "Agreed."}, headers=reviewer
        )
    )
    ok(
        client.put(
            f"{path}/evidence-ratings/{evidence_id}",
            json={"rating": "adequate", "comment": "One locality."},
            headers=reviewer,
        )
    )


def test_a_committed_write_to_each_content_table_changes_the_version(
    engine: Engine, world: World, client: TestClient
) -> None:
    """Each table's trigger fires: every row of it rewritten unchanged, committed."""
    _fill_every_table(client, world)
    for table in sorted(CONTENT_TABLES):
        assert _row_count(engine, table) > 0, table
        key = metadata.tables[table].primary_key.columns.values()[0].name
        before = _version(engine)
        with engine.begin() as connection:
            connection.execute(sa.text(f"UPDATE {table} SET {key} = {key} WHERE 1 = 0"))
        assert _version(engine) == before, f"{table}: no row written, yet the version changed"
        with engine.begin() as connection:
            connection.execute(sa.text(f"UPDATE {table} SET {key} = {key}"))
        assert _version(engine) != before, f"{table}: a write left the version"


def _row_count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


class TestReadCache:
    def test_a_different_version_is_a_miss_and_drops_the_entry(self) -> None:
        cache = ReadCache(10_000)
        cache.put((1, "/a", b""), 7, b"seven")
        assert cache.get((1, "/a", b""), 7) == b"seven"
        assert cache.get((1, "/a", b""), 8) is None
        assert len(cache) == 0 and cache.size == 0

    def test_the_least_recently_used_go_beyond_the_limit(self) -> None:
        cache = ReadCache(3 * (256 + 100))
        for n in range(3):
            cache.put((n, "/x", b""), 1, b"x" * 100)
        cache.get((0, "/x", b""), 1)
        cache.put((3, "/x", b""), 1, b"x" * 100)
        assert cache.get((1, "/x", b""), 1) is None
        assert cache.get((0, "/x", b""), 1) is not None
        assert len(cache) == 3 and cache.size <= cache.max_bytes

    def test_a_body_larger_than_the_cache_is_not_kept(self) -> None:
        cache = ReadCache(1000)
        cache.put((1, "/big", b""), 1, b"x" * 1000)
        assert len(cache) == 0

    def test_putting_a_key_again_replaces_it(self) -> None:
        cache = ReadCache(10_000)
        cache.put((1, "/a", b""), 1, b"one")
        cache.put((1, "/a", b""), 2, b"two!")
        assert len(cache) == 1 and cache.size == 256 + 4
        assert cache.get((1, "/a", b""), 2) == b"two!"


def test_the_cache_size_setting() -> None:
    from app.config import Settings

    assert Settings(read_cache_mb=0).read_cache_mb == 0
    with pytest.raises(ValueError, match="read_cache_mb"):
        Settings(read_cache_mb=-1)
