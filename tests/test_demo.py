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
from app.actors import Actor
from app.assessments import service as assessment_service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    CriterionScore,
    EvidenceRating,
    EvidenceSnapshot,
    ModerationChange,
    PresentedEvidence,
    ProvisionalRating,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
)
from app.assessments.provisional_pages import facts_page
from app.assessments.repository import current_provisional, load_assessment, moderation_of
from app.audit import AuditEvent
from app.auth.service import actor_for_user
from app.cycles.models import Cycle
from app.db import create_db_engine, utcnow
from app.demo import DemoResult, load_demo, timeline
from app.demo.data import (
    ASSESSED,
    ASSESSMENTS,
    FACT_CHECKS,
    JOB_TITLES,
    PANEL_PEERS,
    PCT_POSTS,
    QUESTIONS,
    SCHEDULES,
    SHA_POST,
    STORY_DATE,
)
from app.development import service as development_service
from app.development.models import ActionStatus, DevelopmentAction, ProgressNote, SupportKind
from app.development.rules import is_overdue, latest_due_on
from app.errors import Forbidden, NotFound
from app.evidence.models import EvidenceItem
from app.governance.models import GovernanceRating, GovernanceReview
from app.organisations.models import Organisation, OrganisationKind
from app.outcomes.models import Outcome
from app.panel import service as panel_service
from app.panel.models import Panel
from app.pbc.models import BusinessCase, Decision, PbcRegister
from app.pbc.rules import is_slow
from app.reports.context import assessment_report
from app.reports.documents import assessment_html
from app.schema_migrations import upgrade
from app.tables import metadata
from app.threads import service as thread_service
from app.threads.models import Thread, ThreadMessage
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
    "thread_message": ThreadMessage,
    "moderation_change": ModerationChange,
    "development_action": DevelopmentAction,
    "development_progress_note": ProgressNote,
    "pbc_register": PbcRegister,
    "business_case": BusinessCase,
}
S = AssessmentStatus
# The panel has sat once the reviewer has scored at it.
PANEL_SAT = {S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED}


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
    # The review as the SHAs ran it: a panel for each of the eight assessments whose panel
    # has sat, six sharings of provisional ratings (five finalised, Somerset's still open),
    # one moderation, and three threads (two on Leeds, one on Waltham Forest) of five
    # messages.
    assert {
        table: first.created.get(table)
        for table in (
            "panel",
            "provisional_rating",
            "moderation_change",
            "thread",
            "thread_message",
        )
    } == {
        "panel": 8,
        "provisional_rating": 6,
        "moderation_change": 1,
        "thread": 3,
        "thread_message": 5,
    }
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


def test_every_demo_pbc_group_has_a_register_and_a_mix_of_business_cases(demo: Session) -> None:
    groups = demo.exec(
        select(Organisation).where(Organisation.kind == OrganisationKind.PBC_GROUP)
    ).all()
    entries = {e.group_id: e for e in demo.exec(select(PbcRegister)).all()}
    cases = demo.exec(select(BusinessCase)).all()
    for group in groups:
        assert group.id in entries, group.code
        theirs = [c for c in cases if c.group_id == group.id]
        assert 2 <= len(theirs) <= 5, group.code
        assert all(date(2008, 1, 1) <= c.submitted_on <= date(2010, 5, 26) for c in theirs)
    leodis = next(g for g in groups if g.code == "5N1-LEO")
    entry = entries[leodis.id]
    assert (entry.practice_count, entry.gp_count, entry.list_size) == (30, 126, 203_000)
    wyvern = next(g for g in groups if g.code == "5QL-WYV")
    assert entries[wyvern.id].practice_count == 71
    decisions = {c.decision for c in cases}
    assert decisions == {Decision.APPROVED, Decision.REJECTED, Decision.DEFERRED, None}
    assert any(is_slow(c, date(2010, 5, 26)) for c in cases)
    assert any(not is_slow(c, date(2010, 5, 26)) for c in cases)


def test_every_demo_row_was_made_by_a_command_that_audited_it(demo: Session) -> None:
    events = demo.exec(select(AuditEvent)).all()
    for entity, model in AUDITED.items():
        ids = set(demo.exec(select(model.id)).all())
        created = {e.entity_id for e in events if e.entity == entity and e.action == "create"}
        assert created == ids, entity
    panels = set(demo.exec(select(Panel.assessment_id)).all())
    assert panels == {e.entity_id for e in events if e.entity == "panel" and e.action == "create"}
    # Each sharing of provisional ratings, and each answer to one, is a move of its assessment.
    for shared in demo.exec(select(ProvisionalRating)).all():
        moves = [
            e.action
            for e in events
            if e.entity == "assessment"
            and e.entity_id == shared.assessment_id
            and (e.after or {}).get("provisional_id") == shared.id
        ]
        assert moves == ["share_provisional"] + ["check_facts"] * (shared.responded_at is not None)
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
    # The SHA's reviewer records the panel and shares the ratings; the PCT's lead checks them.
    for panel, assessment in demo.exec(
        select(Panel, Assessment).join(Assessment, col(Assessment.id) == Panel.assessment_id)
    ).all():
        reviewer = users[panel.updated_by_id]
        assert (reviewer.role, reviewer.organisation_id) == (
            Role.SHA_REVIEWER,
            parents[assessment.organisation_id],
        )
    for shared, assessment in demo.exec(
        select(ProvisionalRating, Assessment).join(
            Assessment, col(Assessment.id) == ProvisionalRating.assessment_id
        )
    ).all():
        reviewer = users[shared.issued_by_id]
        assert (reviewer.role, reviewer.organisation_id) == (
            Role.SHA_REVIEWER,
            parents[assessment.organisation_id],
        )
        assert assessment.provisional_by_id == shared.issued_by_id
        if shared.responded_by_id is not None:
            lead = users[shared.responded_by_id]
            assert (lead.role, lead.organisation_id) == (Role.PCT_LEAD, assessment.organisation_id)


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


# The SHA's review as it was run: panel, questions, provisional ratings -------------------------


def _actor(session: Session, email: str) -> Actor:
    user = session.exec(select(User).where(col(User.email) == f"{email}@demo.wcc.nhs.test")).one()
    actor = actor_for_user(session, user.id or 0)
    assert actor is not None
    return actor


def _assessment(session: Session, code: str, cycle_name: str) -> Assessment:
    return session.exec(
        select(Assessment)
        .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .where(col(Organisation.code) == code, col(Cycle.name) == cycle_name)
    ).one()


def _schedule(session: Session, code: str, cycle: Cycle) -> timeline.Schedule:
    """The PCT's dates in the cycle, as the demo keeps them."""
    pct = session.exec(select(Organisation).where(col(Organisation.code) == code)).one()
    sha = session.get(Organisation, pct.parent_id)
    assert sha is not None
    submission_day, panel_day = SCHEDULES[cycle.name][code]
    return timeline.Schedule(
        cycle, submission_day, panel_day, timeline.results_day(cycle, sha.code)
    )


def test_both_years_share_ratings_as_provisional_and_the_pct_checks_them_before_final(
    demo: Session,
) -> None:
    """Both cycles have the provisional step; every finalised assessment was shared after its
    panel, accepted (or, once, commented on) by its lead within days, and finalised on its
    SHA's results day; Somerset's 2009/10 ratings are shared and not yet checked."""
    cycles = demo.exec(select(Cycle)).all()
    assert len(cycles) == 2 and all(c.provisional_step for c in cycles)
    codes = _codes(demo)
    finalised = 0
    for assessment, cycle in demo.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all():
        code = codes[assessment.organisation_id]
        shared = current_provisional(demo, assessment.id or 0)
        if assessment.status not in (S.PROVISIONAL, S.FINALISED):
            assert shared is None and assessment.provisional_at is None, (code, cycle.name)
            continue
        assert shared is not None and shared.round == 1
        plan = _schedule(demo, code, cycle)
        assert assessment.provisional_at == shared.issued_at == plan.shared()
        panel_day = demo.exec(
            select(sa.func.max(ReviewScore.scored_at)).where(
                col(ReviewScore.assessment_id) == assessment.id,
                col(ReviewScore.scored_at) < shared.issued_at,
            )
        ).one()
        assert panel_day is not None and panel_day.date() == plan.panel_day
        if assessment.status is S.PROVISIONAL:
            assert (code, cycle.name) == ("5QL", "2009/10")
            assert (shared.responded_at, shared.responded_by_id, shared.comments) == (
                None,
                None,
                [],
            )
            continue
        finalised += 1
        assert assessment.finalised_at is not None and shared.responded_at is not None
        assert shared.issued_at < shared.responded_at < assessment.finalised_at
        assert shared.responded_at - shared.issued_at <= timedelta(days=5)
        assert assessment.finalised_at.date() == plan.results_day < cycle.review_due
        check = FACT_CHECKS.get((code, cycle.name))
        expected = (
            [{"competency_number": check.competency, "comment": check.comment}] if check else []
        )
        assert shared.comments == expected, (code, cycle.name)
    assert finalised == 5


def test_tower_hamlets_2009_10_comments_on_competency_4_and_the_sha_moderates_it(
    demo: Session,
) -> None:
    """The panel shared competency 4 one level below the board's; the PCT's factual-accuracy
    comment pointed to its networks' incentive scheme; the reviewer moved it up one level,
    with the reason, before finalising; the report and the factual-accuracy page show the
    moderation log."""
    assessment = _assessment(demo, "5C4", "2009/10")
    aid = assessment.id or 0
    assert assessment.status is S.FINALISED
    check = FACT_CHECKS[("5C4", "2009/10")]
    shared = current_provisional(demo, aid)
    assert shared is not None and shared.responded_at is not None
    assert shared.levels["competencies"]["4"] == 2
    assert [c["competency_number"] for c in shared.comments] == [4]
    assert "incentive scheme for networks of practices" in shared.comments[0]["comment"]
    (change,) = moderation_of(demo, aid)
    assert (change.subject, change.key, change.competency_number) == ("competency", "4", 4)
    assert (change.before, change.after, change.reason) == ("2", "3", check.reason)
    assert change.provisional_id == shared.id
    assert assessment.finalised_at is not None
    assert shared.responded_at < change.changed_at < assessment.finalised_at
    reviewer = _actor(demo, "reviewer.q36")
    assert change.changed_by_id == reviewer.user_id
    final = demo.exec(
        select(ReviewScore).where(
            col(ReviewScore.assessment_id) == aid, col(ReviewScore.competency_number) == 4
        )
    ).one()
    own = demo.exec(
        select(SelfScore).where(
            col(SelfScore.assessment_id) == aid, col(SelfScore.competency_number) == 4
        )
    ).one()
    assert (final.level, own.level, final.comment) == (3, 3, check.final_comment)
    # No other assessment was moderated.
    assert demo.exec(select(sa.func.count()).select_from(ModerationChange)).one() == 1
    lead = _actor(demo, "lead.5c4")
    page = facts_page(demo, lead, aid)
    assert [line.change.reason for line in page.changes] == [check.reason]
    html = assessment_html(assessment_report(demo, lead, aid))
    assert "moderation log" in html
    assert "points to the incentive scheme for networks of practices" in html
    assert "Nicola Brathwaite, Director of commissioning development" in html


def test_a_panel_is_recorded_for_every_assessment_whose_panel_has_sat(demo: Session) -> None:
    """Dated on the PCT's panel day, recorded by its reviewer at the end of it: the SHA's
    director of commissioning development and two peers; the PCT's chief executive, PEC
    chair, director of commissioning and WCC programme lead, by name and title; and what
    the panel explored. The PCT reads it too."""
    codes = _codes(demo)
    users = demo.exec(select(User)).all()
    by_email = {u.email.split("@")[0]: u for u in users}
    panels = {p.assessment_id: p for p in demo.exec(select(Panel)).all()}
    seen = 0
    for assessment, cycle in demo.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all():
        code = codes[assessment.organisation_id]
        panel = panels.get(assessment.id or 0)
        if assessment.status not in PANEL_SAT:
            assert panel is None, (code, cycle.name)
            continue
        assert panel is not None, (code, cycle.name)
        seen += 1
        plan = _schedule(demo, code, cycle)
        assert panel.panel_date == plan.panel_day
        assert panel.updated_at == plan.panel_recorded()
        first_score = demo.exec(
            select(sa.func.min(ReviewScore.scored_at)).where(
                col(ReviewScore.assessment_id) == assessment.id
            )
        ).one()
        assert first_score.date() == panel.panel_date
        sha = codes[demo.get(Organisation, assessment.organisation_id).parent_id]
        reviewer = by_email[f"reviewer.{sha.lower()}"]
        assert panel.members == [
            {"name": reviewer.full_name, "role": reviewer.job_title},
            *({"name": name, "role": role} for name, role in PANEL_PEERS[sha]),
        ]
        assert reviewer.job_title == "Director of commissioning development"
        came = [
            by_email[f"{post}.{code.lower()}"]
            for post in ("board", "clinician", "director", "lead")
        ]
        assert panel.pct_attendees == [{"name": u.full_name, "role": u.job_title} for u in came]
        assert [p["role"] for p in panel.pct_attendees] == [
            "Chief executive",
            "Chair of the Professional Executive Committee (PEC)",
            "Director of commissioning",
            "WCC programme lead",
        ]
        assert panel.notes.startswith("Key lines of enquiry") and len(panel.notes) > 200
        lead = _actor(demo, f"lead.{code.lower()}")
        assert panel_service.require_panel(demo, lead, assessment.id or 0) == panel
    assert seen == 8
    # The peers are invented: no one with an account, and not the same two in every SHA.
    names = {u.full_name for u in users}
    peers = {name for pair in PANEL_PEERS.values() for name, _role in pair}
    assert not peers & names and len(peers) == 2 * len(PANEL_PEERS)
    notes = [p.notes for p in panels.values()]
    assert len(set(notes)) == len(notes)


def test_leeds_questions_are_seen_by_leeds_and_its_sha_only(demo: Session) -> None:
    """Before its panel Yorkshire and the Humber's reviewer put a key line of enquiry on
    competency 4, which Leeds's lead answered and the reviewer read; after it, Leeds asked a
    general question the SHA has yet to answer. Nobody outside Leeds and its SHA sees them."""
    assessment = _assessment(demo, "5N1", "2009/10")
    aid = assessment.id or 0
    assert assessment.status is S.IN_REVIEW
    cycle = demo.get(Cycle, assessment.cycle_id)
    assert cycle is not None
    plan = _schedule(demo, "5N1", cycle)
    reviewer, lead = _actor(demo, "reviewer.q32"), _actor(demo, "lead.5n1")
    seeds = {q.competency: q for q in QUESTIONS[("5N1", "2009/10")]}
    threads = {
        c.thread.competency_number: c for c in thread_service.threads_of(demo, reviewer, aid)
    }
    assert set(threads) == {4, None}
    enquiry, general = threads[4], threads[None]
    assert [(m.from_sha, m.author_id, m.body) for m in enquiry.messages] == [
        (True, reviewer.user_id, seeds[4].question),
        (False, lead.user_id, seeds[4].answer),
    ]
    assert assessment.submitted_at is not None
    asked, answered = (m.sent_at for m in enquiry.messages)
    assert assessment.submitted_at < asked < answered < timeline.at(plan.panel_day, 0)
    assert [(m.from_sha, m.author_id, m.body) for m in general.messages] == [
        (False, lead.user_id, seeds[None].question)
    ]
    assert general.messages[0].sent_at.date() > plan.panel_day
    # The reviewer read the answer before the panel; the open question waits for them.
    assert (enquiry.unread, general.unread) == (0, 1)
    assert thread_service.unread_counts(demo, reviewer, assessment) == {None: 1}
    assert thread_service.unread_counts(demo, lead, assessment) == {}
    # Leeds's board reads them too; another SHA's reviewer, another PCT's lead and a
    # clinician do not.
    board = _actor(demo, "board.5n1")
    assert {c.id for c in thread_service.threads_of(demo, board, aid)} == {
        enquiry.id,
        general.id,
    }
    for outsider in ("reviewer.q36", "lead.5a4", "board.5c4"):
        with pytest.raises(NotFound):
            thread_service.threads_of(demo, _actor(demo, outsider), aid)
    with pytest.raises(Forbidden):
        thread_service.threads_of(demo, _actor(demo, "clinician.5n1"), aid)


def test_waltham_forest_asks_about_its_return_and_the_sha_answers(demo: Session) -> None:
    assessment = _assessment(demo, "5NC", "2009/10")
    aid = assessment.id or 0
    assert assessment.status is S.RETURNED and assessment.returned_at is not None
    reviewer, lead = _actor(demo, "reviewer.q36"), _actor(demo, "lead.5nc")
    (seed,) = QUESTIONS[("5NC", "2009/10")]
    (conversation,) = thread_service.threads_of(demo, lead, aid)
    assert conversation.thread.competency_number == 4
    assert [(m.author_id, m.body) for m in conversation.messages] == [
        (lead.user_id, seed.question),
        (reviewer.user_id, seed.answer),
    ]
    assert assessment.returned_at < conversation.messages[0].sent_at
    assert conversation.messages[0].sent_at < conversation.messages[1].sent_at
    # The lead has yet to read the SHA's answer.
    assert conversation.unread == 1
    with pytest.raises(NotFound):
        thread_service.threads_of(demo, _actor(demo, "reviewer.q32"), aid)
    # Leeds and Waltham Forest, both in 2009/10, are the only assessments with questions.
    held = set(demo.exec(select(Thread.assessment_id)).all())
    assert held == {aid, _assessment(demo, "5N1", "2009/10").id}


def _plan(session: Session, assessment_id: int) -> list[DevelopmentAction]:
    return list(
        session.exec(
            select(DevelopmentAction)
            .where(col(DevelopmentAction.assessment_id) == assessment_id)
            .order_by(col(DevelopmentAction.id))
        ).all()
    )


def test_each_finalised_assessment_has_a_development_plan_on_its_weakest_competencies(
    demo: Session,
) -> None:
    """Recorded by the PCT's lead after the results: two to four actions, one on the whole
    assessment and the rest on the competencies the SHA rated lowest, due after the
    finalisation and within five years, with the SHA's support (FESC among it)."""
    supports: set[SupportKind] = set()
    for cycle_name, statuses in ASSESSMENTS.items():
        for code, status in statuses.items():
            assessment = _assessment(demo, code, cycle_name)
            actions = _plan(demo, assessment.id or 0)
            if status != "finalised":
                assert actions == [], (code, cycle_name)
                continue
            assert 2 <= len(actions) <= 4, (code, cycle_name)
            assert [a.competency_number for a in actions].count(None) == 1
            levels = dict(
                demo.exec(
                    select(ReviewScore.competency_number, ReviewScore.level).where(
                        col(ReviewScore.assessment_id) == assessment.id,
                        col(ReviewScore.competency_number).in_(ASSESSED[cycle_name]),
                    )
                ).all()
            )
            on = [a.competency_number for a in actions if a.competency_number is not None]
            assert max(levels[n] for n in on) <= min(
                level for n, level in levels.items() if n not in on
            ), (code, cycle_name)
            lead = _actor(demo, f"lead.{code.lower()}")
            finalised = assessment.finalised_at
            assert finalised is not None
            for action in actions:
                assert action.created_by_id == lead.user_id
                assert finalised < action.created_at
                assert finalised.date() <= action.due_on <= latest_due_on(action.created_at.date())
                supports.add(action.support)
    assert SupportKind.FESC in supports and len(supports) >= 3


def test_the_2008_09_plans_are_reported_on_through_2009_and_carried_into_2009_10(
    demo: Session,
) -> None:
    """Progress notes written by each PCT's lead in 2009: most actions on track, one at risk
    (Kirklees), some done; opening a 2009/10 assessment shows the open actions carried
    forward; at the end of the demo's history (the 2009/10 review deadline) only the action
    at risk is overdue."""
    last_year = [_assessment(demo, code, "2008/09") for code in ASSESSMENTS["2008/09"]]
    actions = [a for assessment in last_year for a in _plan(demo, assessment.id or 0)]
    notes = demo.exec(
        select(ProgressNote).where(col(ProgressNote.action_id).in_([a.id for a in actions]))
    ).all()
    assert notes and {note.written_at.year for note in notes} == {2009}
    leads = {a.id: a.created_by_id for a in actions}
    assert all(note.written_by_id == leads[note.action_id] for note in notes)
    for action in actions:
        own = sorted((n for n in notes if n.action_id == action.id), key=lambda n: n.written_at)
        assert own and own[-1].status is action.status
        assert action.created_at < own[0].written_at
    statuses = Counter(a.status for a in actions)
    assert statuses[ActionStatus.ON_TRACK] > statuses[ActionStatus.DONE] >= 1
    at_risk = [a for a in actions if a.status is ActionStatus.AT_RISK]
    assert len(at_risk) == 1
    kirklees = _assessment(demo, "5N2", "2008/09")
    assert at_risk[0].assessment_id == kirklees.id
    assert [a.id for a in actions if is_overdue(a, STORY_DATE)] == [at_risk[0].id]

    # The two years connect: each 2009/10 assessment of a PCT with a 2008/09 plan carries
    # its open actions forward, by competency.
    for code in ("5N1", "5N2", "5C4", "5QL"):
        now = _assessment(demo, code, "2009/10")
        carried = development_service.carried_forward(
            demo, _actor(demo, f"lead.{code.lower()}"), now.id or 0
        )
        before = _assessment(demo, code, "2008/09")
        still_open = {
            a.id for a in _plan(demo, before.id or 0) if a.status is not ActionStatus.DONE
        }
        assert carried and {a.id for group in carried.values() for a in group} == still_open
        assert None in carried  # the action on the assessment as a whole
    reviewer = _actor(demo, "reviewer.q36")
    tower_hamlets = _assessment(demo, "5C4", "2009/10")
    assert development_service.carried_forward(demo, reviewer, tower_hamlets.id or 0)
    this_year = development_service.plan_of(demo, reviewer, tower_hamlets.id or 0)
    assert len(this_year) >= 2
    assert all(p.action.status is ActionStatus.NOT_STARTED and not p.notes for p in this_year)
    # Opening a PCT's first assessment carries nothing.
    havering = _assessment(demo, "5A4", "2009/10")
    assert (
        development_service.carried_forward(demo, _actor(demo, "lead.5a4"), havering.id or 0) == {}
    )


def test_the_story_date_follows_the_demos_last_event_and_make_run_counts_from_it(
    demo: Session,
) -> None:
    """`make run` serves the demo as at its story date: after everything the demo records,
    before the 2009/10 review deadline."""
    last = demo.exec(select(sa.func.max(AuditEvent.occurred_at))).one()
    end = demo.exec(select(sa.func.max(Cycle.review_due))).one()
    assert last.date() <= STORY_DATE < end
    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    assert f"WCC_TODAY ?= {STORY_DATE.isoformat()}" in makefile
    assert "WCC_TODAY=$(WCC_TODAY) $(BIN)/wcc serve" in makefile


def test_each_demo_pct_records_practices_and_its_engagement_tells_a_story(demo: Session) -> None:
    """Every PCT records 8 to 20 practices by name and declares its number of practices; no
    item involves more practices than that; Leeds reaches about half its recorded practices
    in 2009/10, with some not yet engaged."""
    from app.engagement import service as engagement_service
    from app.organisations import service as organisation_service

    admin = _actor(demo, "admin")
    cycle = demo.exec(select(Cycle).where(Cycle.name == "2009/10")).one()
    pcts = demo.exec(select(Organisation).where(Organisation.kind == OrganisationKind.PCT)).all()
    for pct in pcts:
        reach = engagement_service.engagement(demo, admin, pct.code, cycle_id=cycle.id)
        assert 8 <= reach.recorded <= 20, pct.code
        assert pct.practice_count is not None and pct.practice_count >= reach.recorded
        assert reach.engaged and reach.not_engaged, pct.code
        total = organisation_service.practice_total(demo, pct)
        most = demo.exec(
            select(sa.func.max(EvidenceItem.practices_involved)).where(
                EvidenceItem.organisation_id == pct.id
            )
        ).one()
        assert most is None or most <= (total or 0), pct.code
    leeds = engagement_service.engagement(demo, admin, "5N1", cycle_id=cycle.id)
    assert (leeds.engaged, leeds.recorded) == (7, 14)
    assert [g.name for g in leeds.groups] == [
        "Leeds South and East Practice Alliance",
        "Leodis Healthcare",
        "Not in a PBC group",
    ]
    assert leeds.practice_total == 112 and leeds.not_recorded == 98
    somerset = demo.exec(select(Organisation).where(Organisation.code == "5QL")).one()
    assert somerset.practice_count == 75  # real: 75 practices in 2008
