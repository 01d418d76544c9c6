"""The demo world: realistic, complete, made through the service commands at the moments of
its story, and idempotent; and the clock it runs on."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
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
    CriterionScore,
    EvidenceRating,
    EvidenceSnapshot,
    PresentedEvidence,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
)
from app.assessments.repository import load_assessment
from app.audit import AuditEvent
from app.auth.service import actor_for_user
from app.cycles.models import Cycle
from app.db import create_db_engine, utcnow
from app.demo import DemoResult, load_demo, timeline
from app.demo.data import ASSESSED, JOB_TITLES, PCT_POSTS, SHA_POST
from app.evidence.models import EvidenceItem
from app.governance.models import GovernanceRating, GovernanceReview
from app.organisations.models import Organisation, OrganisationKind
from app.outcomes.models import Outcome
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
    "criterion_score": CriterionScore,
    "review_criterion_score": ReviewCriterionScore,
    "governance_rating": GovernanceRating,
    "governance_review": GovernanceReview,
    "outcome": Outcome,
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
        start, _end = cycle.period
        assert assessment.signed_off_meeting_date is not None
        for snapshot in frozen:
            dated = date.fromisoformat(snapshot.content["occurred_on"])
            assert start <= dated <= assessment.signed_off_meeting_date, snapshot.content
        assert {snapshot.frozen_at for snapshot in frozen} == {assessment.submitted_at}


# True to the period ------------------------------------------------------------------------


def _codes(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Organisation.id, Organisation.code)).all())


def test_demo_has_the_two_assurance_years_on_their_real_calendar_and_no_2010_11(
    demo: Session,
) -> None:
    cycles = {c.name: c for c in demo.exec(select(Cycle)).all()}
    assert sorted(cycles) == ["2008/09", "2009/10"]
    for cycle in cycles.values():
        assert cycle.opens_on <= cycle.submission_due <= cycle.review_due
    first, second = cycles["2008/09"], cycles["2009/10"]
    assert date(2008, 9, 1) <= first.opens_on <= date(2008, 10, 31)
    assert date(2008, 11, 1) <= first.submission_due <= date(2008, 12, 31)
    assert date(2009, 1, 20) <= first.review_due <= date(2009, 1, 31)
    assert second.opens_on == date(2009, 9, 16)  # Year 2 launched with the revised handbook
    assert date(2010, 5, 21) <= second.review_due <= date(2010, 5, 31)


def test_each_pct_submits_before_its_own_panel_and_panels_sit_in_their_season(
    demo: Session,
) -> None:
    """Year 1 panels from October 2008 to January 2009 (early ones before the last
    submission deadline), Year 2 in spring 2010 up to the third week of May; results after
    the panel."""
    panels = dict(
        demo.exec(
            select(ReviewScore.assessment_id, sa.func.min(ReviewScore.scored_at)).group_by(
                ReviewScore.assessment_id
            )
        ).all()
    )
    seasons = {
        "2008/09": (date(2008, 10, 1), date(2009, 1, 31)),
        "2009/10": (date(2010, 3, 1), date(2010, 5, 21)),
    }
    early = 0
    for assessment, cycle in demo.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all():
        if assessment.submitted_at is not None:
            assert assessment.signed_off_meeting_date is not None
            assert assessment.signed_off_meeting_date < assessment.submitted_at.date()
            if cycle.name == "2008/09":
                assert date(2008, 9, 1) <= assessment.submitted_at.date() <= date(2008, 12, 12)
        panel = panels.get(assessment.id)
        if panel is None:
            assert assessment.status in (
                AssessmentStatus.DRAFT,
                AssessmentStatus.SIGNED_OFF,
                AssessmentStatus.SUBMITTED,
            )
            continue
        assert assessment.submitted_at is not None and assessment.submitted_at < panel
        low, high = seasons[cycle.name]
        assert low <= panel.date() <= high, (cycle.name, panel)
        early += panel.date() < cycle.submission_due
        for moment in (assessment.returned_at, assessment.finalised_at):
            assert moment is None or panel < moment
    assert early >= 2


def test_each_assessment_presents_evidence_of_its_own_assurance_year_up_to_its_board(
    demo: Session,
) -> None:
    rows = demo.exec(
        select(Assessment, Cycle, PresentedEvidence, EvidenceItem)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .join(PresentedEvidence, col(PresentedEvidence.assessment_id) == Assessment.id)
        .join(EvidenceItem, col(EvidenceItem.id) == PresentedEvidence.evidence_id)
    ).all()
    assert len(rows) > 150
    for _assessment, cycle, presented, item in rows:
        start, end = cycle.period
        board_day = presented.added_at.date()  # the morning of the board's meeting
        assert start <= item.occurred_on <= min(board_day, end), (cycle.name, item.title)


def test_every_post_holder_has_a_title_and_no_one_is_in_two_organisations(demo: Session) -> None:
    users = demo.exec(select(User)).all()
    for user in users:
        assert user.email.split("@")[0] in JOB_TITLES, user.email
    held: dict[str, set[tuple[int | None, str]]] = defaultdict(set)
    for user in users:
        held[user.full_name.removeprefix("Dr ")].add((user.organisation_id, user.email))
    assert all(len(posts) == 1 for posts in held.values()), {
        name: posts for name, posts in held.items() if len(posts) > 1
    }
    emails = {u.email.split("@")[0] for u in users}
    for organisation in demo.exec(select(Organisation)).all():
        code = organisation.code
        if organisation.kind is OrganisationKind.PCT:
            wanted = {f"{prefix}.{code.lower()}" for prefix, _role, _title in PCT_POSTS}
            assert wanted <= emails, code
        if organisation.kind is OrganisationKind.SHA:
            assert f"{SHA_POST[0]}.{code.lower()}" in emails
            assert JOB_TITLES[f"reviewer.{code.lower()}"] == "Director of commissioning development"
    # The real people the sources name, in the posts the sources give them, and nowhere else.
    real = {
        "Matt Walsh": ("director.5n1", "Director of commissioning"),
        "Alwen Williams": ("board.5c4", "Chief executive"),
        "Ian Tipney": ("board.5ql", "Chief executive"),
        "Dr Andy Harris": ("clinician.5n1-leo", "Chair"),
        "Dr David Rooke": ("clinician.5ql-wyv", "Chair"),
    }
    by_name = {u.full_name: u.email.split("@")[0] for u in users}
    for name, (account, title) in real.items():
        assert by_name[name] == account and JOB_TITLES[account] == title
    assert "Sophia Christie" not in by_name  # her PCT is not in the small demo
    assert JOB_TITLES["clinician.5n1"].startswith("Chair of the Professional Executive Committee")


def _texts(demo: Session) -> list[str]:
    texts = [f"{e.title} {e.description}" for e in demo.exec(select(EvidenceItem)).all()]
    texts += [f"{s.rationale} {s.improvement_action}" for s in demo.exec(select(SelfScore)).all()]
    texts += [r.comment or "" for r in demo.exec(select(ReviewScore)).all()]
    return texts


def test_the_demo_speaks_of_the_professional_executive_committee(demo: Session) -> None:
    texts = _texts(demo)
    assert not [t for t in texts if "clinical executive" in t.lower()]
    assert any("Professional Executive Committee" in t for t in texts)


def test_each_pct_names_its_own_programmes_and_the_documents_of_the_time(demo: Session) -> None:
    codes = _codes(demo)
    said: dict[tuple[str, str], list[str]] = defaultdict(list)
    for score, assessment, cycle in demo.exec(
        select(SelfScore, Assessment, Cycle)
        .join(Assessment, col(Assessment.id) == SelfScore.assessment_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .order_by(SelfScore.competency_number)
    ).all():
        said[(codes[assessment.organisation_id], cycle.name)].append(score.rationale)
    for (code, cycle_name), rationales in said.items():
        others = [r for (c, n), r in said.items() if n == cycle_name and c != code]
        assert rationales not in others, (code, cycle_name)
    leeds = " ".join(said[("5N1", "2008/09")])
    for programme in ("Leodis Healthcare", "dermatology", "ENT", "nursing homes", "diabetes"):
        assert programme in leeds
    somerset = " ".join(said[("5QL", "2008/09")])
    for programme in ("WyvernHealth.Com", "COPD", "Yeovil Breathability Support Group"):
        assert programme in somerset
    for code in ("5A4", "5NC"):
        assert "PBC simulations" in " ".join(said[(code, "2009/10")])
    titles = {
        (codes[organisation_id], title)
        for organisation_id, title in demo.exec(
            select(EvidenceItem.organisation_id, EvidenceItem.title)
        ).all()
    }
    for code in ("5N1", "5N2", "5NX", "5A4", "5NC", "5C4", "5QL", "5QJ"):
        held = " ".join(title for c, title in titles if c == code)
        for document in (
            "Strategic Plan 2008/09\N{EN DASH}2012/13",
            "Annual Public Health Report",
            "Operational Plan 2009/10",
            "Organisational Development Plan",
            "Communications and Engagement Strategy",
            "Joint Strategic Needs Assessment",
        ):
            assert document in held, (code, document)


def test_panels_mostly_confirm_the_boards_levels_and_move_a_few_by_one(demo: Session) -> None:
    codes = _codes(demo)
    pairs = demo.exec(
        select(SelfScore, ReviewScore, Assessment, Cycle)
        .join(
            ReviewScore,
            sa.and_(
                col(ReviewScore.assessment_id) == SelfScore.assessment_id,
                col(ReviewScore.competency_number) == SelfScore.competency_number,
            ),
        )
        .join(Assessment, col(Assessment.id) == SelfScore.assessment_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all()
    moves: Counter[int] = Counter()
    altered: Counter[tuple[str, str]] = Counter()
    for own, panel, assessment, cycle in pairs:
        if own.competency_number not in ASSESSED[cycle.name]:
            assert (panel.level, panel.comment[:9]) == (own.level, "Not rated")
            continue
        moves[panel.level - own.level] += 1
        altered[(codes[assessment.organisation_id], cycle.name)] += panel.level != own.level
        assert (panel.level == own.level) == panel.comment.startswith("Agreed")
    assert set(moves) <= {-1, 0, 1}
    assert moves[0] >= 0.7 * moves.total()
    assert moves[-1] > moves[1]
    assert altered[("5N2", "2008/09")] == 2  # "the panel only felt it appropriate to alter two"
    kirklees_c1 = demo.exec(
        select(SelfScore.level)
        .join(Assessment, col(Assessment.id) == SelfScore.assessment_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
        .where(col(Organisation.code) == "5N2", col(SelfScore.competency_number) == 1)
        .order_by(Cycle.opens_on)
    ).all()
    assert kirklees_c1 == [2, 3]  # Kirklees' own levels for competency 1, 2008 then 2009
    assert max(p.level for _s, p, _a, c in pairs if c.name == "2008/09") <= 3


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


def test_each_year_holds_the_record_its_framework_asks_for(demo: Session) -> None:
    """2008/09 on the Year 1 framework, rating competencies 1 to 10; 2009/10 on Year 2, with
    competencies 1 and 11 scored through their criteria; every assessment the board signed has
    governance rated and outcome measures presented, and every finalised one the panel's
    governance ratings; and each is as ready as its status says."""
    admin = demo.exec(select(User).where(col(User.role) == Role.ADMIN)).first()
    assert admin is not None and admin.id is not None
    actor = actor_for_user(demo, admin.id)
    assert actor is not None
    cycles = {c.name: c for c in demo.exec(select(Cycle)).all()}
    assert (cycles["2008/09"].framework_version, cycles["2008/09"].assessed) == (
        "wcc-2008",
        tuple(range(1, 11)),
    )
    assert (cycles["2009/10"].framework_version, cycles["2009/10"].assessed) == (
        "wcc-2009",
        tuple(range(1, 12)),
    )
    seen = 0
    for assessment in demo.exec(select(Assessment)).all():
        assert assessment.id is not None
        record = load_assessment(demo, actor, assessment.id)
        year_two = record.cycle.name == "2009/10"
        assert 11 not in record.self_scores or year_two
        if assessment.signed_off_at is None and assessment.status is not AssessmentStatus.RETURNED:
            continue
        seen += 1
        assert len(record.governance) == 3 and record.outcomes, assessment.id
        if assessment.status is not AssessmentStatus.RETURNED:
            assert record.readiness.ready, (assessment.id, record.readiness.missing)
        if year_two:
            scored = {c.criterion for c in record.criterion_scores.values()}
            assert {"1.1", "1.2", "1.3", "11.1", "11.2", "11.3"} <= scored
        if assessment.status is AssessmentStatus.FINALISED:
            assert len(record.governance_reviews) == 3
    assert seen >= 8
