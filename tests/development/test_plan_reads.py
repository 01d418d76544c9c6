"""The reads other pages build on: the overdue actions (and their counts) of a PCT and of
every PCT of an SHA, and the open actions a PCT carries forward from its previous finalised
assessment; each in one statement, and only for those who may read the plans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import Assessment, AssessmentStatus
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.development import repository, service
from app.development.models import ActionStatus, DevelopmentAction
from app.errors import Forbidden, NotFound
from app.organisations.models import Organisation
from app.wording import today_in_england
from tests.assessment_moves import actor
from tests.factories import make_assessment
from tests.statements import counting

TODAY = today_in_england()


def _assessment(
    session: Session,
    pct: Organisation,
    cycle: Cycle,
    status: AssessmentStatus = AssessmentStatus.FINALISED,
) -> Assessment:
    assessment = make_assessment(session, pct=pct, cycle=cycle, status=status)
    assessment.submitted_at = datetime(2009, 12, 18, tzinfo=UTC)
    if status is AssessmentStatus.FINALISED:
        assessment.finalised_at = datetime(2010, 5, 21, tzinfo=UTC)
    session.add(assessment)
    session.commit()
    return assessment


def _action(
    session: Session,
    assessment: Assessment,
    *,
    due: int | date,
    status: ActionStatus = ActionStatus.NOT_STARTED,
    competency: int | None = 4,
) -> DevelopmentAction:
    """An action due ``due`` days from today (or on that date)."""
    due_on = due if isinstance(due, date) else TODAY + timedelta(days=due)
    action = DevelopmentAction(
        assessment_id=assessment.id or 0,
        competency_number=competency,
        action=f"Action due {due_on}",
        owner="Director of commissioning",
        due_on=due_on,
        status=status,
    )
    session.add(action)
    session.commit()
    return action


def _cycle(session: Session, year: int) -> Cycle:
    return cycle_service.create_cycle(
        session,
        SYSTEM,
        name=f"{year}/{str(year + 1)[2:]} plan test",
        opens_on=date(year, 9, 16),
        submission_due=date(year, 12, 18),
        review_due=date(year + 1, 5, 21),
    )


@pytest.fixture
def overdue(session: Session, world) -> dict[str, DevelopmentAction]:
    """Overdue actions in PCTs a (two, across two cycles) and b of the SHA, and c of another
    SHA; and in PCT a, actions that are not overdue."""
    a_now = _assessment(session, world.a.pct, world.cycle)
    a_before = _assessment(session, world.a.pct, _cycle(session, 2008))
    b_now = _assessment(session, world.b.pct, world.cycle)
    c_now = _assessment(session, world.c.pct, world.cycle)
    found = {
        "a": _action(session, a_now, due=-3, status=ActionStatus.ON_TRACK),
        "a_before": _action(session, a_before, due=-400, status=ActionStatus.AT_RISK),
        "b": _action(session, b_now, due=-1),
        "c": _action(session, c_now, due=-10),
    }
    _action(session, a_now, due=-30, status=ActionStatus.DONE)
    _action(session, a_now, due=0)
    _action(session, a_now, due=30, status=ActionStatus.AT_RISK)
    return found


def test_overdue_counts_for_every_pct_of_an_sha_in_one_statement(
    session: Session, world, overdue: dict[str, DevelopmentAction]
) -> None:
    reviewer = actor(session, world.reviewer)
    with counting(session.connection()) as statements:
        counts = service.overdue_counts(session, reviewer, sha_id=world.sha.id)
    assert len(statements) == 1
    assert counts == {world.a.pct.id: 2, world.b.pct.id: 1}
    assert service.overdue_counts(session, reviewer, pct_id=world.a.pct.id) == {world.a.pct.id: 2}


def test_overdue_actions_of_a_pct_and_of_an_sha_longest_overdue_first(
    session: Session, world, overdue: dict[str, DevelopmentAction]
) -> None:
    lead = actor(session, world.a.lead)
    with counting(session.connection()) as statements:
        found = service.overdue_actions(session, lead, pct_id=world.a.pct.id)
    assert len(statements) == 1
    assert [a.id for a in found] == [overdue["a_before"].id, overdue["a"].id]
    reviewer = actor(session, world.reviewer)
    region = service.overdue_actions(session, reviewer, sha_id=world.sha.id)
    assert [a.id for a in region] == [overdue["a_before"].id, overdue["a"].id, overdue["b"].id]


def test_overdue_reads_stay_inside_what_the_reader_may_see(
    session: Session, world, overdue: dict[str, DevelopmentAction]
) -> None:
    a_only = {world.a.pct.id: 2}
    for user in (world.a.lead, world.a.board):
        reader = actor(session, user)
        assert service.overdue_counts(session, reader, sha_id=world.sha.id) == a_only
        assert service.overdue_counts(session, reader, pct_id=world.b.pct.id) == {}
    other = actor(session, world.other_reviewer)
    assert service.overdue_counts(session, other, sha_id=world.sha.id) == {}
    assert service.overdue_counts(session, other, sha_id=world.other_sha.id) == {world.c.pct.id: 1}
    for clinician in (world.a.clinician, world.practice_clinician):
        reader = actor(session, clinician)
        assert service.overdue_counts(session, reader, pct_id=world.a.pct.id) == {}
        assert service.overdue_actions(session, reader, pct_id=world.a.pct.id) == []
    admin = actor(session, world.admin)
    assert service.overdue_counts(session, admin) == {
        world.a.pct.id: 2,
        world.b.pct.id: 1,
        world.c.pct.id: 1,
    }


@pytest.fixture
def cycles(session: Session, world) -> tuple[Cycle, Cycle, Cycle]:
    """2008/09, the world's 2009/10, and 2010/11."""
    return _cycle(session, 2008), world.cycle, _cycle(session, 2010)


def test_the_open_actions_of_the_previous_finalised_assessment_carry_forward(
    session: Session, world, cycles: tuple[Cycle, Cycle, Cycle]
) -> None:
    first, second, third = cycles
    older = _assessment(session, world.a.pct, first)
    _action(session, older, due=date(2009, 6, 1), competency=3)
    previous = _assessment(session, world.a.pct, second)
    later = _action(session, previous, due=date(2011, 3, 1))
    sooner = _action(session, previous, due=date(2010, 9, 1), status=ActionStatus.AT_RISK)
    general = _action(session, previous, due=date(2010, 12, 1), competency=None)
    _action(session, previous, due=date(2010, 8, 1), status=ActionStatus.DONE)
    _action(session, previous, due=date(2010, 8, 1), competency=7, status=ActionStatus.DONE)
    elsewhere = _assessment(session, world.b.pct, second)
    _action(session, elsewhere, due=date(2010, 9, 1))
    opened = make_assessment(session, pct=world.a.pct, cycle=third)

    with counting(session.connection()) as statements:
        carried = repository.open_actions_of(session, previous.id or 0)
    assert len(statements) == 1
    assert {n: [a.id for a in found] for n, found in carried.items()} == {
        None: [general.id],
        4: [sooner.id, later.id],
    }
    by_lead = service.carried_forward(session, actor(session, world.a.lead), opened.id or 0)
    assert {n: [a.id for a in found] for n, found in by_lead.items()} == {
        n: [a.id for a in found] for n, found in carried.items()
    }


def test_a_cycle_not_yet_finalised_is_passed_over_for_the_last_finalised_one(
    session: Session, world, cycles: tuple[Cycle, Cycle, Cycle]
) -> None:
    first, second, third = cycles
    older = _assessment(session, world.a.pct, first)
    kept = _action(session, older, due=date(2009, 6, 1), competency=3)
    in_review = _assessment(session, world.a.pct, second, AssessmentStatus.IN_REVIEW)
    _action(session, in_review, due=date(2010, 9, 1))
    lead = actor(session, world.a.lead)
    opened = make_assessment(session, pct=world.a.pct, cycle=third)
    carried = service.carried_forward(session, lead, opened.id or 0)
    assert {n: [a.id for a in found] for n, found in carried.items()} == {3: [kept.id]}
    assert service.carried_forward(session, lead, older.id or 0) == {}


def test_carried_forward_actions_are_read_only_by_the_plans_readers(
    session: Session, world, cycles: tuple[Cycle, Cycle, Cycle]
) -> None:
    _, second, third = cycles
    previous = _assessment(session, world.a.pct, second)
    _action(session, previous, due=date(2010, 9, 1))
    opened = make_assessment(session, pct=world.a.pct, cycle=third)
    board = actor(session, world.a.board)
    assert list(service.carried_forward(session, board, opened.id or 0)) == [4]
    with pytest.raises(Forbidden):
        service.carried_forward(session, actor(session, world.a.clinician), opened.id or 0)
    for outsider in (world.b.lead, world.reviewer):
        # A reviewer sees a new cycle's assessment once it is submitted, not while drafted.
        with pytest.raises(NotFound):
            service.carried_forward(session, actor(session, outsider), opened.id or 0)
