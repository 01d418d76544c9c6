"""Deadline reminders: 14 and 3 days before submission, to the leads of PCTs that have not
submitted, each written once however often reminders run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.assessments.models import AssessmentStatus
from app.cli import app
from app.mail.models import MailKind, OutboxMail
from app.mail.reminders import send_reminders, threshold_for
from app.users.models import Role
from tests.assessment_moves import walk_to
from tests.factories import make_user

DUE = date(2009, 12, 18)  # tests.factories.make_cycle's submission_due


def _reminders(session: Session) -> list[OutboxMail]:
    statement = (
        select(OutboxMail)
        .where(col(OutboxMail.kind) == MailKind.REMINDER)
        .order_by(col(OutboxMail.id))
    )
    return list(session.exec(statement).all())


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(30, None), (15, None), (14, 14), (9, 14), (4, 14), (3, 3), (1, 3), (0, 3), (-1, None)],
)
def test_the_reminder_due_is_the_nearest_threshold_within_reach(
    days_left: int, threshold: int | None
) -> None:
    assert threshold_for(days_left) == threshold


def test_leads_of_pcts_not_yet_submitted_are_reminded_once_per_threshold(
    session: Session,
) -> None:
    cast = walk_to(session, AssessmentStatus.SUBMITTED)  # PCT a has submitted
    world = cast.world
    second_lead = make_user(session, role=Role.PCT_LEAD, organisation=world.b.pct)

    assert send_reminders(session, DUE - timedelta(days=15)).written == 0

    first = send_reminders(session, DUE - timedelta(days=14))
    told = _reminders(session)
    assert {m.recipient for m in told} == {
        world.b.lead.email,
        second_lead.email,
        world.c.lead.email,
    }
    assert first.written == 3 and first.pcts == 2
    # Only leads: no board member, clinician or reviewer, and nobody of PCT a.
    by_pct = {m.recipient: m.organisation_id for m in told}
    assert by_pct[world.b.lead.email] == world.b.pct.id
    assert by_pct[world.c.lead.email] == world.c.pct.id
    mail = next(m for m in told if m.recipient == world.b.lead.email)
    assert mail.subject == f"{world.cycle.name} self-assessment due in 14 days: {world.b.pct.name}"
    assert "has not started its self-assessment" in mail.body_text
    assert "18 December 2009" in mail.body_text

    # Run again that day, and on the days after: nothing new until the 3-day threshold.
    for days in (14, 13, 4):
        assert send_reminders(session, DUE - timedelta(days=days)).written == 0
    assert send_reminders(session, DUE - timedelta(days=3)).written == 3
    assert send_reminders(session, DUE - timedelta(days=2)).written == 0
    assert send_reminders(session, DUE + timedelta(days=1)).written == 0
    assert len(_reminders(session)) == 6


def test_a_run_that_missed_the_first_threshold_sends_only_the_nearer_one(
    session: Session,
) -> None:
    cast = walk_to(session, AssessmentStatus.SIGNED_OFF)
    world = cast.world
    assert send_reminders(session, DUE - timedelta(days=2)).written == 3
    mail = next(m for m in _reminders(session) if m.recipient == world.a.lead.email)
    assert "due in 2 days" in mail.subject
    assert "board has signed the self-assessment off: it is ready to submit" in mail.body_text
    assert f"/assessments/{cast.assessment_id}" in mail.body_text
    assert send_reminders(session, DUE - timedelta(days=1)).written == 0


def test_on_the_day_it_says_today(session: Session) -> None:
    walk_to(session, AssessmentStatus.DRAFT)
    send_reminders(session, DUE)
    mail = _reminders(session)[0]
    assert "due today" in mail.subject
    assert "by the end of today" in mail.body_text


def test_the_command_refuses_a_date_it_cannot_read() -> None:
    result = CliRunner().invoke(app, ["reminders", "--today", "18/12/2009"])
    assert result.exit_code == 1
    assert "--today: '18/12/2009' is not a date written as YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output
