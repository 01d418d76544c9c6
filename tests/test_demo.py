"""The demo world: realistic, complete, made through the service commands at the moments of
its story, and idempotent; and the clock it runs on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app import clock
from app.assessments import service as assessment_service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceSnapshot,
    ReviewScore,
    SelfScore,
)
from app.audit import AuditEvent
from app.auth.service import actor_for_user
from app.cycles.models import Cycle
from app.db import create_db_engine, utcnow
from app.demo import DemoResult, load_demo, timeline
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind
from app.schema_migrations import upgrade
from app.tables import metadata
from app.users.models import Role, User
from tests.databases import fresh_database, new_database_url

# Each entity the demo makes, with the table its audit events name.
AUDITED = {
    "organisation": Organisation,
    "user": User,
    "cycle": Cycle,
    "evidence": EvidenceItem,
    "assessment": Assessment,
    "self_score": SelfScore,
    "review_score": ReviewScore,
    "evidence_rating": EvidenceRating,
}


@pytest.fixture(scope="module")
def demo_world(run_dir: Path) -> Iterator[tuple[Engine, DemoResult]]:
    """A database of its own with the demo loaded once (its accounts' passwords are hashed
    as the users service hashes them, which takes a while), shared by this module."""
    with fresh_database(new_database_url(run_dir, "demo")) as url:
        upgrade(url)
        engine = create_db_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            result = load_demo(session)
        yield engine, result
        engine.dispose()


@pytest.fixture
def demo(demo_world: tuple[Engine, DemoResult]) -> Iterator[Session]:
    """A session on the demo database whose changes are rolled back after the test."""
    engine, _result = demo_world
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


def _counts(session: Session) -> dict[str, int]:
    return {
        name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for name, table in metadata.tables.items()
    }


def test_demo_twice_leaves_the_same_row_counts(
    demo_world: tuple[Engine, DemoResult], demo: Session
) -> None:
    _engine, first = demo_world
    before = _counts(demo)
    second = load_demo(demo)
    assert _counts(demo) == before
    assert second.created == {}
    assert sum(first.created.values()) > 300
    assert first.created["audit_event"] > first.created["evidence_item"]
    assert [email for *_rest, email, _password in second.sign_ins] == [
        email for *_rest, email, _password in first.sign_ins
    ]


def test_demo_covers_every_status_role_and_the_real_organisations(
    demo_world: tuple[Engine, DemoResult], demo: Session
) -> None:
    _engine, result = demo_world
    statuses = set(demo.exec(select(Assessment.status)).all())
    assert statuses == set(AssessmentStatus)
    organisations = {o.code: o for o in demo.exec(select(Organisation)).all()}
    kinds = [o.kind for o in organisations.values()]
    assert kinds.count(OrganisationKind.SHA) >= 3
    assert kinds.count(OrganisationKind.PCT) >= 8
    assert {"Q32", "Q36", "Q39", "5N1", "5N2", "5QL", "5A4", "5NC", "5C4"} <= set(organisations)
    assert organisations["5N1"].name == "Leeds PCT"
    assert demo.exec(select(sa.func.count()).select_from(EvidenceItem)).one() >= 60
    assert set(demo.exec(select(User.role)).all()) == set(Role)
    leodis = demo.exec(select(Organisation).where(Organisation.code == "5N1-LEO")).one()
    assert (leodis.name, leodis.population) == ("Leodis Healthcare", 203_000)
    assert {role for role, *_ in result.sign_ins} == {r.value for r in Role}
    emails = {email for *_rest, email, _password in result.sign_ins}
    for readme_example in ("lead.5a4", "board.5nc", "clinician.b86901", "reviewer.q32", "admin"):
        assert f"{readme_example}@demo.wcc.nhs.test" in emails


def test_every_demo_row_was_made_by_a_command_that_audited_it(demo: Session) -> None:
    events = demo.exec(select(AuditEvent)).all()
    for entity, model in AUDITED.items():
        ids = set(demo.exec(select(model.id)).all())
        created = {e.entity_id for e in events if e.entity == entity and e.action == "create"}
        assert created == ids, entity
    # Only the first administrator is made by the system; the rest by the people of the story.
    by_system = [e for e in events if e.actor_id is None]
    assert [(e.entity, e.after["email"]) for e in by_system] == [
        ("user", "admin@demo.wcc.nhs.test")
    ]
    # Each assessment's last workflow event leaves it in the status it has.
    for assessment in demo.exec(select(Assessment)).all():
        moves = sorted(
            (
                e
                for e in events
                if e.entity == "assessment"
                and e.entity_id == assessment.id
                and "status" in (e.after or {})
            ),
            key=lambda e: e.id or 0,
        )
        assert moves[-1].after["status"] == assessment.status.value, assessment.id


def test_each_step_was_taken_by_the_right_person(demo: Session) -> None:
    users = {u.id: u for u in demo.exec(select(User)).all()}
    parents = dict(demo.exec(select(Organisation.id, Organisation.parent_id)).all())
    for assessment in demo.exec(select(Assessment)).all():
        pct = assessment.organisation_id
        if assessment.signed_off_by_id is not None:
            board = users[assessment.signed_off_by_id]
            assert (board.role, board.organisation_id) == (Role.BOARD_MEMBER, pct)
        if assessment.submitted_by_id is not None:
            lead = users[assessment.submitted_by_id]
            assert (lead.role, lead.organisation_id) == (Role.PCT_LEAD, pct)
        if assessment.finalised_by_id is not None:
            reviewer = users[assessment.finalised_by_id]
            assert (reviewer.role, reviewer.organisation_id) == (Role.SHA_REVIEWER, parents[pct])
    for score in demo.exec(select(ReviewScore)).all():
        assessment = demo.get(Assessment, score.assessment_id)
        assert assessment is not None
        assert users[score.reviewer_id].organisation_id == parents[assessment.organisation_id]


def test_demo_history_is_dated_from_2008_and_before_each_cycles_deadlines(demo: Session) -> None:
    latest = max(c.review_due for c in demo.exec(select(Cycle)).all())
    first, last = demo.exec(
        select(sa.func.min(AuditEvent.occurred_at), sa.func.max(AuditEvent.occurred_at))
    ).one()
    assert first >= timeline.GO_LIVE and last.date() <= latest
    for item in demo.exec(select(EvidenceItem)).all():
        assert item.created_at == timeline.logged(item.occurred_on), item.title
    for assessment, cycle in demo.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all():
        assert assessment.created_at.date() == cycle.opens_on
        scored = demo.exec(
            select(sa.func.max(SelfScore.updated_at)).where(
                col(SelfScore.assessment_id) == assessment.id
            )
        ).one()
        assert scored.date() < cycle.submission_due
        if assessment.signed_off_at is not None:
            assert scored < assessment.signed_off_at
            assert assessment.signed_off_at.date() < cycle.submission_due
        if assessment.submitted_at is not None:
            assert assessment.signed_off_at is not None
            assert assessment.signed_off_at < assessment.submitted_at
            assert assessment.submitted_at.date() < cycle.submission_due
        for moment in (assessment.returned_at, assessment.finalised_at):
            if moment is not None:
                assert cycle.submission_due < moment.date() < cycle.review_due


def test_demo_signed_off_assessment_can_be_submitted_by_its_lead(demo: Session) -> None:
    signed = demo.exec(
        select(Assessment).where(col(Assessment.status) == AssessmentStatus.SIGNED_OFF)
    ).one()
    lead = demo.exec(
        select(User).where(
            col(User.organisation_id) == signed.organisation_id, col(User.role) == Role.PCT_LEAD
        )
    ).one()
    actor = actor_for_user(demo, lead.id or 0)
    assert actor is not None
    submitted = assessment_service.submit(demo, actor, signed.id or 0)
    assert submitted.status is AssessmentStatus.SUBMITTED


def test_demo_submissions_froze_evidence_for_every_competency_dated_before_the_deadline(
    demo: Session,
) -> None:
    submitted = demo.exec(
        select(Assessment, Cycle)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .where(col(Assessment.submitted_at).is_not(None))
    ).all()
    assert len(submitted) >= 5
    for assessment, cycle in submitted:
        frozen = demo.exec(
            select(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == assessment.id)
        ).all()
        numbers = {n for snapshot in frozen for n in snapshot.content["competency_numbers"]}
        assert numbers == set(range(1, 12)), (assessment.id, numbers)
        latest = max(snapshot.content["occurred_on"] for snapshot in frozen)
        assert latest <= cycle.submission_due.isoformat()
        assert {snapshot.frozen_at for snapshot in frozen} == {assessment.submitted_at}


# The clock ----------------------------------------------------------------------------------


def test_the_clock_is_the_real_time_unless_set() -> None:
    before = datetime.now(UTC)
    now = utcnow()
    assert before <= now <= datetime.now(UTC)
    assert now.tzinfo is not None


def test_frozen_at_sets_the_time_commands_read_within_the_block_only() -> None:
    moment = datetime(2009, 1, 27, 18, tzinfo=UTC)
    with clock.frozen_at(moment):
        assert utcnow() == moment
        with clock.frozen_at(moment + timedelta(days=2)):
            assert utcnow() == moment + timedelta(days=2)
        assert utcnow() == moment
    assert utcnow().year > 2009


def test_frozen_at_holds_only_in_its_own_context_and_refuses_a_naive_time() -> None:
    seen: list[datetime] = []
    with clock.frozen_at(datetime(2008, 4, 1, tzinfo=UTC)):
        elsewhere = threading.Thread(target=lambda: seen.append(utcnow()))
        elsewhere.start()
        elsewhere.join()
    assert seen[0].year > 2008
    with pytest.raises(ValueError, match="timezone-aware"), clock.frozen_at(datetime(2008, 4, 1)):
        pass
