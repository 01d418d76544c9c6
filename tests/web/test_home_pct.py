"""A PCT user's home says where the current assessment stands, in words that fit its status
and the reader's role, and tells the board (and the lead) when a sign-off was withdrawn.
A reviewer's home keeps returned assessments in view."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import AssessmentStatus
from app.cycles import service as cycle_service
from app.development.models import ActionStatus, DevelopmentAction
from app.users.models import Role
from app.wording import today_in_england
from tests import factories
from tests.api_steps import present_outcome, rate_governance, review_governance
from tests.factories import auth
from tests.web.steps import sign_in

SIGN_OFF = {"meeting_date": "2009-12-01", "minute_reference": "BD/09/1", "declaration": True}
REASON = "The minute named the wrong levels for competency 4; the board meets again on 10 Dec."


# Steps: the moves a PCT and its reviewer make, through the API --------------------------------


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def given_a_draft(client: TestClient, world, *, ready: bool = True) -> int:
    """PCT a's assessment: every competency scored and, when ``ready``, evidence presented."""
    lead = world.a.lead
    assessment = ok(
        client.post(
            "/api/v1/assessments",
            json={"organisation_code": world.a.pct.code, "cycle_id": world.cycle.id},
            headers=auth(lead),
        ),
        201,
    )
    numbers = list(range(1, 12)) if ready else [1]
    item = ok(
        client.post(
            "/api/v1/evidence",
            json={
                "organisation_code": world.a.pct.code,
                "title": "Five-year strategic plan",
                "description": "Agreed with the council.",
                "kind": "plan",
                "occurred_on": "2009-10-14",
                "competency_numbers": numbers,
            },
            headers=auth(lead),
        ),
        201,
    )
    ok(
        client.put(
            f"/api/v1/assessments/{assessment['id']}/evidence/{item['id']}", headers=auth(lead)
        ),
        204,
    )
    for number in range(1, 12):
        ok(
            client.put(
                f"/api/v1/assessments/{assessment['id']}/self-scores/{number}",
                json={"level": 2, "rationale": f"Why competency {number} sits at level 2."},
                headers=auth(lead),
            )
        )
    rate_governance(client, lead, assessment["id"])
    present_outcome(client, lead, world.a.pct.code, assessment["id"])
    return assessment["id"]


def when_the_board_signs_off(client: TestClient, world, assessment_id: int) -> dict:
    return ok(
        client.post(
            f"/api/v1/assessments/{assessment_id}/sign-off",
            json=SIGN_OFF,
            headers=auth(world.a.board),
        )
    )


def when_the_sign_off_is_withdrawn(client: TestClient, by, assessment_id: int) -> dict:
    return ok(
        client.post(
            f"/api/v1/assessments/{assessment_id}/withdraw-sign-off",
            json={"reason": REASON},
            headers=auth(by),
        )
    )


def when_submitted(client: TestClient, world, assessment_id: int) -> dict:
    return ok(
        client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=auth(world.a.lead))
    )


def when_returned(client: TestClient, world, assessment_id: int) -> list[dict]:
    ok(
        client.post(
            f"/api/v1/assessments/{assessment_id}/return",
            json={
                "reason": "More on clinical engagement, please.",
                "points": [
                    {"competency_number": 4, "request": "Show engagement across practices."},
                    {"request": "Name the board's lead for the development plan."},
                ],
            },
            headers=auth(world.reviewer),
        )
    )
    return ok(
        client.get(f"/api/v1/assessments/{assessment_id}/return-points", headers=auth(world.a.lead))
    )


def when_a_point_is_answered(client: TestClient, world, assessment_id: int, point_id: int) -> None:
    ok(
        client.put(
            f"/api/v1/assessments/{assessment_id}/return-points/{point_id}",
            json={"response": "Done: see the practice survey now presented."},
            headers=auth(world.a.lead),
        )
    )


def when_reviewed_and_finalised(client: TestClient, world, assessment_id: int) -> dict:
    for number in range(1, 12):
        ok(
            client.put(
                f"/api/v1/assessments/{assessment_id}/review-scores/{number}",
                json={"level": 2, "comment": "Agreed."},
                headers=auth(world.reviewer),
            )
        )
    review_governance(client, world.reviewer, assessment_id)
    return ok(
        client.post(f"/api/v1/assessments/{assessment_id}/finalise", headers=auth(world.reviewer))
    )


def home_text(client: TestClient, user) -> str:
    """The home page as its reader sees it: text only, entities decoded, spaces closed."""
    client.cookies.clear()
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    main = response.text.split('id="maincontent"', 1)[1]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def long_date(stamp: str) -> str:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%-d %B %Y")


# The withdrawn sign-off -----------------------------------------------------------------------


def test_every_board_member_and_the_lead_are_told_when_a_sign_off_is_withdrawn(
    client: TestClient, session: Session, world
) -> None:
    second_board = factories.make_user(session, role=Role.BOARD_MEMBER, organisation=world.a.pct)
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    withdrawn = when_the_sign_off_is_withdrawn(client, world.a.lead, assessment_id)
    on = long_date(withdrawn["sign_off_withdrawn_at"])

    for board in (world.a.board, second_board):
        page = home_text(client, board)
        assert "The board's sign-off was withdrawn" in page
        assert (
            f"{world.a.lead.full_name} withdrew the board's sign-off of the "
            f"{world.cycle.name} assessment on {on}."
        ) in page
        assert f"Reason given: {REASON}" in page
        assert "The board needs to sign off the assessment again" in page

    lead_page = home_text(client, world.a.lead)
    assert f"You withdrew the board's sign-off of the {world.cycle.name} assessment" in lead_page
    assert REASON in lead_page


def test_the_notice_names_the_board_member_who_withdrew_it(client: TestClient, world) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    when_the_sign_off_is_withdrawn(client, world.a.board, assessment_id)
    assert f"{world.a.board.full_name} withdrew" in home_text(client, world.a.lead)
    assert "You withdrew" in home_text(client, world.a.board)


def test_a_clinician_and_another_pct_are_not_told_of_the_withdrawal(
    client: TestClient, world
) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    when_the_sign_off_is_withdrawn(client, world.a.lead, assessment_id)
    assert "withdrawn" not in home_text(client, world.a.clinician)
    assert REASON not in home_text(client, world.b.board)


def test_the_notice_goes_once_the_board_signs_off_again(client: TestClient, world) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    when_the_sign_off_is_withdrawn(client, world.a.lead, assessment_id)
    when_the_board_signs_off(client, world, assessment_id)
    page = home_text(client, world.a.board)
    assert "withdrawn" not in page and REASON not in page
    assert "Signed off by the board on 1 December 2009, waiting to be submitted" in page


def test_a_sign_off_withdrawn_after_a_return_is_told_on_the_returned_assessment(
    client: TestClient, world
) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    when_submitted(client, world, assessment_id)
    for point in when_returned(client, world, assessment_id):
        when_a_point_is_answered(client, world, assessment_id, point["id"])
    when_the_board_signs_off(client, world, assessment_id)
    withdrawn = when_the_sign_off_is_withdrawn(client, world.a.board, assessment_id)
    assert withdrawn["status"] == "returned"
    page = home_text(client, world.a.lead)
    assert f"{world.a.board.full_name} withdrew the board's sign-off" in page
    assert "Returned by the SHA: every point answered" in page


# Where the assessment stands, per status ------------------------------------------------------


def test_a_draft_shows_its_readiness_to_the_lead_and_the_board(client: TestClient, world) -> None:
    given_a_draft(client, world, ready=False)
    for user in (world.a.lead, world.a.board):
        page = home_text(client, user)
        assert "Where it stands Not ready for the board to sign off: 10 things still missing" in (
            page
        )
    board = home_text(client, world.a.board)
    assert "The self-assessment is not yet complete; the PCT lead is working on it." in board


def test_a_ready_draft_waits_for_the_board(client: TestClient, world) -> None:
    given_a_draft(client, world)
    page = home_text(client, world.a.board)
    assert "Where it stands Ready for the board to sign off" in page
    assert "The self-assessment is complete and waits for the board's sign-off." in page


def test_a_clinician_never_sees_readiness(client: TestClient, world) -> None:
    given_a_draft(client, world, ready=False)
    page = home_text(client, world.a.clinician)
    assert "Where it stands Draft: the PCT is preparing its self-assessment" in page
    for word in ("Readiness", "ready", "still missing", "sign off"):
        assert word not in page, word


def test_a_signed_off_assessment_never_says_ready_for_sign_off(client: TestClient, world) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    for user in (world.a.lead, world.a.board, world.a.clinician):
        page = home_text(client, user)
        assert "Signed off by the board on 1 December 2009, waiting to be submitted" in page
        assert "Ready for" not in page and "Readiness" not in page
        assert "waits for the board" not in page


def test_a_submitted_assessment_is_with_the_sha(client: TestClient, world) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    submitted = when_submitted(client, world, assessment_id)
    for user in (world.a.lead, world.a.board, world.a.clinician):
        page = home_text(client, user)
        assert f"With the SHA since {long_date(submitted['submitted_at'])}" in page
        assert "Ready for" not in page and "Readiness" not in page
        assert "Signed off by the board" not in page


def test_a_returned_assessment_counts_the_points_left_to_answer(client: TestClient, world) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    when_submitted(client, world, assessment_id)
    points = when_returned(client, world, assessment_id)
    assert "Returned by the SHA: 2 points to answer" in home_text(client, world.a.lead)

    when_a_point_is_answered(client, world, assessment_id, points[0]["id"])
    lead = home_text(client, world.a.lead)
    assert "Returned by the SHA: 1 point to answer" in lead
    assert "Readiness for sign-off Not ready for the board to sign off again" in lead
    assert "The PCT lead is revising the self-assessment" in home_text(client, world.a.board)
    assert "Readiness" not in home_text(client, world.a.clinician)

    when_a_point_is_answered(client, world, assessment_id, points[1]["id"])
    board = home_text(client, world.a.board)
    assert "Returned by the SHA: every point answered" in board
    assert "Readiness for sign-off Ready for the board to sign off again" in board
    assert "It waits for the board to sign it off again." in board


def test_a_finalised_assessment_says_so(client: TestClient, world) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    when_submitted(client, world, assessment_id)
    finalised = when_reviewed_and_finalised(client, world, assessment_id)
    page = home_text(client, world.a.board)
    assert f"Finalised by the SHA on {long_date(finalised['finalised_at'])}" in page
    assert "Ready for" not in page and "With the SHA" not in page


# The reviewer's home --------------------------------------------------------------------------


def test_a_returned_assessment_stays_on_the_reviewers_home_until_resubmitted(
    client: TestClient, world
) -> None:
    assessment_id = given_a_draft(client, world)
    when_the_board_signs_off(client, world, assessment_id)
    when_submitted(client, world, assessment_id)
    points = when_returned(client, world, assessment_id)

    def reviewer_home() -> str:
        client.cookies.clear()
        sign_in(client, world.reviewer)
        return client.get("/").text

    def section(html: str, heading: str) -> str:
        start = html.find(f"<h2>{heading}</h2>")
        return html[start : html.find("</ul>", start)] if start >= 0 else ""

    review_link = f'href="/assessments/{assessment_id}/review"'
    page = reviewer_home()
    assert review_link in section(page, "Returned, waiting for the PCT")
    assert review_link not in section(page, "Finalised")

    # Revised and signed off again, not yet resubmitted: still waiting for the PCT.
    for point in points:
        when_a_point_is_answered(client, world, assessment_id, point["id"])
    when_the_board_signs_off(client, world, assessment_id)
    assert review_link in section(reviewer_home(), "Returned, waiting for the PCT")

    # Resubmitted: back in the queue.
    when_submitted(client, world, assessment_id)
    page = reviewer_home()
    assert "Returned, waiting for the PCT" not in page
    queue = page[page.find("<h1>") : page.find("Regional summaries")]
    assert review_link in queue


# Overdue development actions ------------------------------------------------------------------


def given_overdue_actions(session: Session, world) -> tuple[int, int]:
    """PCT a's 2008/09 and 2009/10 assessments, finalised: two actions overdue in the first
    (due 30 September and 31 December 2009), one in the second (due 30 June 2010), and
    actions done or not yet due. Their ids."""
    earlier = cycle_service.create_cycle(
        session,
        SYSTEM,
        name="2008/09",
        opens_on=date(2008, 9, 16),
        submission_due=date(2008, 12, 18),
        review_due=date(2009, 5, 21),
    )
    first = factories.make_assessment(
        session, pct=world.a.pct, cycle=earlier, status=AssessmentStatus.FINALISED
    )
    second = factories.make_assessment(
        session, pct=world.a.pct, cycle=world.cycle, status=AssessmentStatus.FINALISED
    )
    due = today_in_england() + timedelta(days=30)
    for assessment, due_on, status in (
        (first, date(2009, 12, 31), ActionStatus.AT_RISK),
        (first, date(2009, 9, 30), ActionStatus.NOT_STARTED),
        (first, date(2009, 6, 30), ActionStatus.DONE),
        (second, date(2010, 6, 30), ActionStatus.ON_TRACK),
        (second, due, ActionStatus.NOT_STARTED),
    ):
        session.add(
            DevelopmentAction(
                assessment_id=assessment.id or 0,
                competency_number=4,
                action="Hold a stakeholder event with every practice.",
                owner="Director of commissioning",
                due_on=due_on,
                status=status,
            )
        )
    session.commit()
    return first.id or 0, second.id or 0


def overdue_callout(client: TestClient, user) -> str:
    client.cookies.clear()
    sign_in(client, user)
    page = client.get("/").text
    if 'id="overdue-actions"' not in page:
        return ""
    callout = page.split('id="overdue-actions"', 1)[1].split("</ul>", 1)[0]
    return callout


def test_the_lead_and_the_board_are_told_of_overdue_development_actions(
    client: TestClient, session: Session, world
) -> None:
    first, second = given_overdue_actions(session, world)
    for user in (world.a.lead, world.a.board):
        callout = overdue_callout(client, user)
        assert callout, user.role
        text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", callout)).split())
        text = text.replace(" :", ":")
        assert "3 development actions are overdue" in text
        assert "The 2008/09 development plan: 2 overdue, the earliest due 30 September 2009" in text
        assert f"The {world.cycle.name} development plan: 1 overdue, due 30 June 2010" in text
        assert f'href="/assessments/{first}/development-plan"' in callout
        assert f'href="/assessments/{second}/development-plan"' in callout
        # The plan with the longest overdue comes first.
        assert callout.index(f"/assessments/{first}/") < callout.index(f"/assessments/{second}/")
    assert "Report progress on each" in overdue_callout(client, world.a.lead)
    assert "Report progress on each" not in overdue_callout(client, world.a.board)


def test_a_clinician_and_another_pct_are_not_told_of_overdue_actions(
    client: TestClient, session: Session, world
) -> None:
    given_overdue_actions(session, world)
    for user in (world.a.clinician, world.b.lead, world.b.board):
        assert overdue_callout(client, user) == "", user.role
    assert "development plan" not in home_text(client, world.a.clinician)


def test_no_warning_once_nothing_is_overdue_and_the_finalised_card_leads_to_its_plan(
    client: TestClient, session: Session, world
) -> None:
    assessment = factories.make_assessment(
        session, pct=world.a.pct, cycle=world.cycle, status=AssessmentStatus.FINALISED
    )
    session.add(
        DevelopmentAction(
            assessment_id=assessment.id or 0,
            action="Refresh the organisational development plan.",
            owner="Chief executive",
            due_on=today_in_england() - timedelta(days=1),
            status=ActionStatus.DONE,
        )
    )
    session.commit()
    assert overdue_callout(client, world.a.lead) == ""
    page = client.get("/").text
    assert f'href="/assessments/{assessment.id}/development-plan"' in page
    assert f"The {world.cycle.name} development plan" in home_text(client, world.a.board)


def test_only_the_lead_is_offered_to_invite_people(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    assert 'href="/invitations/new"' in client.get("/").text
    for someone in (world.a.board, world.a.clinician):
        sign_in(client, someone)
        assert 'href="/invitations/new"' not in client.get("/").text
    sign_in(client, world.admin)
    assert 'href="/invitations/new"' in client.get("/admin").text
