"""The one rule for what an assessment carries forward, as the PCT's and the reviewer's pages
read it: a fixed number of statements (one without a previous finalised assessment, two more
with one, a third for the actions when the actor reads development plans)."""

from __future__ import annotations

from sqlmodel import Session

from app.assessments.carry_forward import carry_forward
from app.assessments.models import AssessmentStatus
from app.assessments.repository import load_assessment
from app.development.models import ActionStatus
from tests.assessment_moves import actor
from tests.factories import make_assessment
from tests.statements import counting
from tests.web.test_carry_forward_pages import action, finalised_last_year


def test_carry_forward_reads_in_a_fixed_number_of_statements(session: Session, world) -> None:
    current = make_assessment(session, pct=world.a.pct, cycle=world.cycle)
    lead = actor(session, world.a.lead)
    record = load_assessment(session, lead, current.id or 0)
    with counting(session.connection()) as statements:
        assert carry_forward(session, lead, record) is None
    assert len(statements) == 1

    previous = finalised_last_year(session, world)
    open_one = action(session, previous, "Open")
    action(session, previous, "Done", status=ActionStatus.DONE)
    general = action(session, previous, "On the whole", competency=None)
    with counting(session.connection()) as statements:
        carried = carry_forward(session, lead, record)
    assert len(statements) == 3
    assert carried is not None and carried.previous.id == previous.id
    assert carried.shows_actions
    assert [a.id for a in carried.line(4).actions] == [open_one.id]
    assert [a.id for a in carried.general_actions] == [general.id]
    assert carried.open_actions == 2
    assert (carried.line(4).self_level, carried.line(4).review_level) == (2, 2)
    assert carried.line(4).target_level == 3
    assert carried.summary(4) == (
        "Last year (2008/09): self 2, SHA 2; target for this year 3; 1 open action"
    )
    assert carried.summary(7) == "Last year (2008/09): not scored"
    assert carried.summary(11) == "Last year (2008/09): not assessed"
    assert carried.action_url(open_one) == (
        f"/assessments/{previous.id}/development-plan/{open_one.id}"
    )

    clinician = actor(session, world.a.clinician)
    with counting(session.connection()) as statements:
        seen = carry_forward(session, clinician, record)
    assert len(statements) == 2
    assert seen is not None and not seen.shows_actions
    assert seen.line(4).actions == () and seen.general_actions == ()
    assert seen.summary(4) == "Last year (2008/09): self 2, SHA 2; target for this year 3"


def test_an_assessment_not_yet_finalised_last_year_carries_nothing(session: Session, world) -> None:
    finalised_last_year(session, world, status=AssessmentStatus.PROVISIONAL)
    current = make_assessment(session, pct=world.a.pct, cycle=world.cycle)
    lead = actor(session, world.a.lead)
    assert carry_forward(session, lead, load_assessment(session, lead, current.id or 0)) is None
