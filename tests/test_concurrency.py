"""Users acting at once, with real threads and connections: nothing overwritten, exactly one
winner for a workflow move, every upload kept. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import criteria, provisional
from app.assessments import repository as assessment_repository
from app.assessments import service as assessment_service
from app.assessments.models import Assessment, AssessmentStatus
from app.assessments.schemas import CriterionReviewWrite, ReviewScoreWrite, SelfScoreWrite
from app.auth.service import actor_for_user
from app.config import get_settings
from app.db import create_db_engine
from app.demo import load_demo
from app.errors import Conflict
from app.evidence import service as evidence_service
from app.evidence import storage
from app.evidence.models import Attachment, EvidenceItem
from app.evidence.uploads import ReceivedFile
from app.governance import service as governance_service
from app.governance.models import AREAS, Rag
from app.governance.schemas import GovernanceReviewWrite
from app.organisations.models import Organisation
from app.schema_migrations import upgrade
from app.users.models import User
from tests.databases import fresh_database, new_database_url, server_url


@pytest.fixture
def engine(run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sa.Engine]:
    monkeypatch.setattr(get_settings(), "data_dir", tmp_path / "files")
    url = (
        new_database_url(run_dir, "concurrency")
        if server_url()
        else f"sqlite:///{run_dir / f'concurrency-{secrets.token_hex(4)}.db'}"
    )
    with fresh_database(url) as made:
        upgrade(made)
        engine = create_db_engine(made)
        with Session(engine) as session:
            load_demo(session)
        yield engine
        engine.dispose()


def _actor(engine: sa.Engine, email: str) -> Actor:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        actor = actor_for_user(session, user.id or 0)
    assert actor is not None
    return actor


def _assessment(engine: sa.Engine, pct_code: str, status: AssessmentStatus) -> int:
    with Session(engine) as session:
        return session.exec(
            select(Assessment.id)
            .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
            .where(col(Organisation.code) == pct_code, col(Assessment.status) == status)
        ).one()


def _race(engine: sa.Engine, actions: list[Callable[[Session], Any]]) -> list[Any]:
    """Run each action in its own thread and session, all released at the same moment;
    returns each one's result or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[Session], Any]) -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                outcomes[index] = action(session)
            except Exception as exc:
                outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_concurrent_submits_exactly_one_succeeds(engine: sa.Engine) -> None:
    aid = _assessment(engine, "5NX", AssessmentStatus.SIGNED_OFF)
    lead = _actor(engine, "lead.5nx@demo.wcc.nhs.test")
    outcomes = _race(engine, [lambda s: assessment_service.submit(s, lead, aid)] * 2)
    successes = [o for o in outcomes if isinstance(o, Assessment)]
    refusals = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(successes) == 1 and len(refusals) == 1, outcomes
    with Session(engine) as session:
        assert session.get(Assessment, aid).status is AssessmentStatus.SUBMITTED


def test_two_concurrent_finalises_exactly_one_succeeds(engine: sa.Engine) -> None:
    aid = _assessment(engine, "5N1", AssessmentStatus.IN_REVIEW)
    reviewer = _actor(engine, "reviewer.q32@demo.wcc.nhs.test")
    with Session(engine) as session:
        for number in (1, 11):  # scored through criteria in Year 2
            for part in (1, 2, 3):
                criteria.put_criterion_review(
                    session,
                    reviewer,
                    aid,
                    number,
                    f"{number}.{part}",
                    data=CriterionReviewWrite(level=2, comment="Agreed."),
                )
        for number in range(2, 11):
            assessment_service.put_review_score(
                session, reviewer, aid, number, data=ReviewScoreWrite(level=2, comment="Agreed.")
            )
        for area in AREAS:
            governance_service.put_review(
                session,
                reviewer,
                aid,
                area,
                data=GovernanceReviewWrite(rating=Rag.AMBER, comment="Some concerns."),
            )
        # 2009/10 shares the ratings as provisional first, for the PCT to check.
        provisional.share_provisional(session, reviewer, aid)
        provisional.check_facts(session, _actor(engine, "lead.5n1@demo.wcc.nhs.test"), aid, [])
    outcomes = _race(engine, [lambda s: assessment_service.finalise(s, reviewer, aid)] * 2)
    assert sum(isinstance(o, Assessment) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes


def test_two_users_saving_the_same_self_score_one_gets_409_and_nothing_is_overwritten(
    engine: sa.Engine,
) -> None:
    aid = _assessment(engine, "5A4", AssessmentStatus.DRAFT)
    lead = _actor(engine, "lead.5a4@demo.wcc.nhs.test")
    with Session(engine) as session:
        version = next(
            s.version
            for s in assessment_repository.self_scores_of(session, aid)
            if s.competency_number == 2
        )
    writes = [
        lambda s, text=text: assessment_service.put_self_score(
            s, lead, aid, 2, data=SelfScoreWrite(level=3, rationale=text, version=version)
        )
        for text in ("Written by the first lead", "Written by the second lead")
    ]
    outcomes = _race(engine, writes)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1 and sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    with Session(engine) as session:
        saved = next(
            s
            for s in assessment_repository.self_scores_of(session, aid)
            if s.competency_number == 2
        )
    assert saved.rationale == winners[0].rationale
    assert saved.version == version + 1


def test_twenty_concurrent_uploads_are_all_kept(engine: sa.Engine) -> None:
    lead = _actor(engine, "lead.5a4@demo.wcc.nhs.test")
    with Session(engine) as session:
        item_id = session.exec(
            select(EvidenceItem.id).where(col(EvidenceItem.organisation_id) == lead.pct_id)
        ).first()

    def upload(index: int) -> Callable[[Session], Any]:
        def action(session: Session) -> Attachment:
            blob = storage.TempBlob(max_bytes=10_000)
            blob.write(f"Upload number {index}\n".encode())
            blob.finish()
            received = ReceivedFile(blob, f"note-{index}.txt", "text/plain")
            return evidence_service.add_attachment(session, lead, item_id, received=received)

        return action

    outcomes = _race(engine, [upload(i) for i in range(20)])
    assert all(isinstance(o, Attachment) for o in outcomes), [
        o for o in outcomes if isinstance(o, Exception)
    ]
    with Session(engine) as session:
        stored = session.exec(
            select(Attachment).where(col(Attachment.evidence_id) == item_id)
        ).all()
    assert len(stored) == 20
    assert all(storage.read_blob(a.sha256) for a in stored)
    assert list(storage.temp_dir().glob("*")) == []
