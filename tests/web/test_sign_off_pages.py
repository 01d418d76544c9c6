"""The board's sign-off, its withdrawal and the lead's submission, as pages (SPEC §6.1 and 6.2):
check your answers, then the form, then a confirmation panel; refusals come back with the
error summary linked to the fields and everything typed still there."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.models import Assessment
from tests.api_steps import SIGN_OFF, ok, ready_to_sign, sign_off
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, error_summary, sign_in

HX = {"HX-Request": "true"}
DECLARATION = (
    "I confirm the board has considered this self-assessment and its evidence and agrees it"
)


# Steps ----------------------------------------------------------------------------------------


def given_ready(client: TestClient, world) -> int:
    return ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]


def given_signed_off(client: TestClient, world) -> int:
    assessment_id = given_ready(client, world)
    sign_off(client, world.a.board, assessment_id)
    return assessment_id


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def page_form(client: TestClient, url: str) -> dict[str, str]:
    """What a page's form carries without the user: its token, version and fingerprint."""
    html = client.get(url).text
    fields = {"csrftoken": csrf_from(html), "version": hidden(html, "version")}
    if 'name="fingerprint"' in html:
        fields["fingerprint"] = hidden(html, "fingerprint")
    return fields


def meeting(on: date) -> dict[str, str]:
    return {
        "meeting_date[day]": str(on.day),
        "meeting_date[month]": str(on.month),
        "meeting_date[year]": str(on.year),
    }


GOOD = {**meeting(date(2009, 12, 1)), "minute_reference": "BD/09/147", "declaration": "yes"}


def when_board_signs_off(client: TestClient, assessment_id: int, data: dict, **kwargs):
    url = f"/assessments/{assessment_id}/sign-off"
    return client.post(
        url, data={**page_form(client, url), **data}, follow_redirects=False, **kwargs
    )


def status_of(client: TestClient, world, assessment_id: int) -> str:
    return ok(client.get(f"/api/v1/assessments/{assessment_id}", headers=auth(world.a.lead)))[
        "status"
    ]


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


# The sign-off page ----------------------------------------------------------------------------


def test_board_member_sees_the_whole_self_assessment_then_the_declaration(
    client: TestClient, world, session: Session
) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    page = client.get(f"/assessments/{assessment_id}/sign-off")
    assert page.status_code == 200
    html = page.text
    for number in range(1, 12):
        assert f'id="summary-competency-{number}"' in html
        assert f"Why competency {number} sits at level 2." in html
    assert "Level 2: " in html and "Target level" in html and "Do more, better." in html
    assert html.count("Five-year strategic plan") == 11
    assert DECLARATION in html
    for box in ("meeting_date-day", "meeting_date-month", "meeting_date-year", "declaration"):
        assert f'id="{box}"' in html
    assert 'id="minute_reference"' in html
    # The fingerprint shown is the one a sign-off would record now.
    assert hidden(html, "fingerprint")[:12] in html
    assert "What the fingerprint is" in html


def test_board_page_links_to_the_sign_off_page(client: TestClient, world) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    board = client.get(f"/assessments/{assessment_id}").text
    assert f'href="/assessments/{assessment_id}/sign-off"' in board


@pytest.mark.parametrize("role", ["lead", "clinician"])
def test_only_a_board_member_gets_the_sign_off_form(client: TestClient, world, role) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, getattr(world.a, role))
    page = client.get(f"/assessments/{assessment_id}/sign-off")
    assert page.status_code == 403
    assert "cannot sign off" in page.text and DECLARATION not in page.text


def test_another_pcts_board_member_is_told_it_does_not_exist(client: TestClient, world) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.b.board)
    assert client.get(f"/assessments/{assessment_id}/sign-off").status_code == 404


def test_an_unready_assessment_says_what_is_missing_and_offers_no_form(
    client: TestClient, world
) -> None:
    assessment_id = ok(
        client.post(
            "/api/v1/assessments",
            json={"organisation_code": world.a.pct.code, "cycle_id": world.cycle.id},
            headers=auth(world.a.lead),
        ),
        201,
    )["id"]
    sign_in(client, world.a.board)
    html = client.get(f"/assessments/{assessment_id}/sign-off").text
    assert "Not ready for the board" in html
    assert "Competency 1 (Locally lead the NHS): no self-assessed level" in html
    assert DECLARATION not in html and 'name="minute_reference"' not in html


# Refusals -------------------------------------------------------------------------------------

FUTURE = date.today() + timedelta(days=400)
REFUSALS = [
    (
        "no declaration",
        {**GOOD, "declaration": ""},
        {
            "declaration": "Confirm the declaration: that the board has considered the "
            "self-assessment and its evidence and agrees it"
        },
    ),
    (
        "future meeting",
        {**GOOD, **meeting(FUTURE)},
        {
            "meeting_date-day": "The meeting date must be today or in the past: sign off "
            "after the board has met"
        },
    ),
    (
        "minute too long",
        {**GOOD, "minute_reference": "M" * 101},
        {"minute_reference": "The minute reference must be 100 characters or fewer"},
    ),
    (
        "no month",
        {**GOOD, "meeting_date[month]": ""},
        {"meeting_date-month": "The date of the board meeting must include a month"},
    ),
    (
        "no date",
        {**GOOD, **{f"meeting_date[{p}]": "" for p in ("day", "month", "year")}},
        {"meeting_date-day": "Enter the date of the board meeting"},
    ),
    (
        "impossible date",
        {**GOOD, "meeting_date[day]": "31", "meeting_date[month]": "2"},
        {"meeting_date-day": "The date of the board meeting must be a real date"},
    ),
    (
        "everything wrong at once",
        {
            **meeting(FUTURE),
            "minute_reference": "",
            "declaration": "",
        },
        {
            "meeting_date-day": "The meeting date must be today or in the past: sign off "
            "after the board has met",
            "minute_reference": "Enter the minute reference",
            "declaration": "Confirm the declaration: that the board has considered the "
            "self-assessment and its evidence and agrees it",
        },
    ),
]


@pytest.mark.parametrize(
    ("typed", "expected"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_a_refused_sign_off_lists_each_problem_linked_to_its_field_and_keeps_what_was_typed(
    client: TestClient, world, typed: dict, expected: dict
) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    response = when_board_signs_off(client, assessment_id, typed)
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert links == expected
    assert list(links) == list(expected), "the summary follows the order of the fields"
    for name in ("meeting_date[day]", "meeting_date[month]", "meeting_date[year]"):
        assert input_value(response.text, name) == typed[name]
    assert input_value(response.text, "minute_reference") == typed["minute_reference"]
    checked = re.search(r'<input[^>]*id="declaration"[^>]*>', response.text)
    assert checked and ("checked" in checked.group(0)) == (typed["declaration"] == "yes")
    assert "<title>Error: " in response.text
    assert status_of(client, world, assessment_id) == "draft"


def test_a_refusal_by_htmx_is_the_page_fragment_with_its_summary(client: TestClient, world) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    response = when_board_signs_off(client, assessment_id, {**GOOD, "declaration": ""}, headers=HX)
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="sign-off-page"' in response.text
    assert "declaration" in error_summary(response.text)


def test_a_change_after_the_page_was_opened_is_refused_and_the_page_shows_it(
    client: TestClient, world
) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    url = f"/assessments/{assessment_id}/sign-off"
    opened = page_form(client, url)
    ok(
        client.put(
            f"/api/v1/assessments/{assessment_id}/self-scores/3",
            json={"level": 3, "rationale": "Raised after the board read it."},
            headers=auth(world.a.lead),
        )
    )
    response = client.post(url, data={**opened, **GOOD}, follow_redirects=False)
    assert response.status_code == 409
    links = assert_summary_reaches_fields(response.text)
    assert list(links) == ["sign-off"] and "changed after you opened" in links["sign-off"]
    # The page now shows the change, and what the board typed is still there.
    assert "Raised after the board read it." in response.text
    assert input_value(response.text, "minute_reference") == "BD/09/147"
    assert hidden(response.text, "version") != opened["version"]
    assert status_of(client, world, assessment_id) == "draft"


def test_evidence_changed_after_the_page_was_opened_is_refused(
    client: TestClient, world, session: Session
) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    url = f"/assessments/{assessment_id}/sign-off"
    opened = page_form(client, url)
    response = client.post(
        url, data={**opened, **GOOD, "fingerprint": "0" * 64}, follow_redirects=False
    )
    assert response.status_code == 409
    assert "changed after you opened this page" in error_summary(response.text)["sign-off"]
    assert status_of(client, world, assessment_id) == "draft"


# Success --------------------------------------------------------------------------------------


def test_board_signs_off_and_sees_the_confirmation_panel(
    client: TestClient, world, session: Session
) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    response = when_board_signs_off(client, assessment_id, GOOD)
    assert response.status_code == 303
    assert response.headers["location"] == f"/assessments/{assessment_id}/sign-off/done"
    done = client.get(response.headers["location"]).text
    assert "nhsuk-panel" in done and "Self-assessment signed off" in done
    assert "1 December 2009" in done and "BD/09/147" in done
    signed = session.get(Assessment, assessment_id)
    assert signed is not None and signed.signed_off_fingerprint
    assert signed.signed_off_fingerprint[:12] in done
    assert "What happens next" in done and "PCT lead submits" in done
    assert status_of(client, world, assessment_id) == "signed_off"
    # Signed off, the page says so and offers no second sign-off.
    again = client.get(f"/assessments/{assessment_id}/sign-off").text
    assert "Cannot sign off this assessment" in again and DECLARATION not in again
    assert f"/assessments/{assessment_id}/withdraw-sign-off" in again


def test_an_htmx_sign_off_is_sent_to_the_confirmation(client: TestClient, world) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    response = when_board_signs_off(client, assessment_id, GOOD, headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/assessments/{assessment_id}/sign-off/done"


def test_the_confirmation_of_a_sign_off_not_in_force_goes_back_to_the_board(
    client: TestClient, world
) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.board)
    response = client.get(f"/assessments/{assessment_id}/sign-off/done", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/assessments/{assessment_id}"


# Withdrawing the sign-off ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["board", "lead"])
def test_withdrawing_the_sign_off_needs_a_reason_then_goes_back_to_draft(
    client: TestClient, world, role: str
) -> None:
    assessment_id = given_signed_off(client, world)
    sign_in(client, getattr(world.a, role))
    board = client.get(f"/assessments/{assessment_id}").text
    assert f'href="/assessments/{assessment_id}/withdraw-sign-off"' in board
    url = f"/assessments/{assessment_id}/withdraw-sign-off"
    page = client.get(url).text
    assert "The board must sign it off again" in page and "BD/09/147" in page
    refused = client.post(
        url, data={**page_form(client, url), "reason": "   "}, follow_redirects=False
    )
    assert refused.status_code == 422
    assert assert_summary_reaches_fields(refused.text) == {
        "reason": "Enter why the sign-off is withdrawn"
    }
    assert status_of(client, world, assessment_id) == "signed_off"
    reason = "The finance committee found an error in competency 11."
    response = client.post(
        url, data={**page_form(client, url), "reason": reason}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}/done"
    done = client.get(f"{url}/done").text
    assert "Sign-off withdrawn" in done and "nhsuk-panel" in done
    assert reason in done and "back to draft" in done
    assert status_of(client, world, assessment_id) == "draft"


def test_a_typed_reason_survives_a_refusal(client: TestClient, world) -> None:
    assessment_id = given_signed_off(client, world)
    sign_in(client, world.a.board)
    url = f"/assessments/{assessment_id}/withdraw-sign-off"
    opened = page_form(client, url)
    ok(
        client.post(
            f"{url.replace('/assessments', '/api/v1/assessments')}",
            json={"reason": "Withdrawn meanwhile by the lead."},
            headers=auth(world.a.lead),
        )
    )
    response = client.post(
        url, data={**opened, "reason": "My own reason"}, follow_redirects=False, headers=HX
    )
    assert response.status_code == 409
    assert "reason" in assert_summary_reaches_fields(response.text)


def test_a_clinician_cannot_withdraw_a_sign_off(client: TestClient, world) -> None:
    assessment_id = given_signed_off(client, world)
    sign_in(client, world.a.clinician)
    assert client.get(f"/assessments/{assessment_id}/withdraw-sign-off").status_code == 403


# Submission -----------------------------------------------------------------------------------


def test_lead_checks_what_the_board_signed_then_submits_and_sees_the_round(
    client: TestClient, world
) -> None:
    assessment_id = given_signed_off(client, world)
    sign_in(client, world.a.lead)
    board = client.get(f"/assessments/{assessment_id}").text
    assert f'href="/assessments/{assessment_id}/submit"' in board
    url = f"/assessments/{assessment_id}/submit"
    page = client.get(url).text
    assert "Check the self-assessment before you submit it" in page
    assert "1 December 2009" in page and SIGN_OFF["minute_reference"] in page
    assert "unchanged since the board signed it off" in page
    assert "Why competency 11 sits at level 2." in page
    assert "Ready for sign-off" not in page
    response = client.post(url, data=page_form(client, url), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}/done"
    done = client.get(f"{url}/done").text
    assert "Self-assessment submitted" in done and "nhsuk-panel" in done
    assert "Round 1" in done and "What happens next" in done
    assert status_of(client, world, assessment_id) == "submitted"
    # Afterwards the submit page says what happened, and nothing about readiness.
    after = client.get(url).text
    assert "it has been submitted to the SHA" in after
    assert 'id="submit-to-sha"' in after and "<button" not in after.split("submit-to-sha")[1]
    assert "Ready for board sign-off" not in after and "Ready for sign-off" not in after


def test_an_htmx_submission_is_sent_to_the_confirmation(client: TestClient, world) -> None:
    assessment_id = given_signed_off(client, world)
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment_id}/submit"
    response = client.post(url, data=page_form(client, url), headers=HX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"{url}/done"


def test_a_draft_cannot_be_submitted_and_the_page_says_why(client: TestClient, world) -> None:
    assessment_id = given_ready(client, world)
    sign_in(client, world.a.lead)
    page = client.get(f"/assessments/{assessment_id}/submit").text
    assert "the board must sign it off first" in page
    assert "Submit to the SHA</button>" not in page


def test_a_board_member_does_not_submit(client: TestClient, world) -> None:
    assessment_id = given_signed_off(client, world)
    sign_in(client, world.a.board)
    assert client.get(f"/assessments/{assessment_id}/submit").status_code == 403


def test_after_a_return_the_pages_show_what_changed_since_round_1_and_submit_round_2(
    client: TestClient, world
) -> None:
    assessment_id = given_signed_off(client, world)
    ok(client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=auth(world.a.lead)))
    ok(
        client.post(
            f"/api/v1/assessments/{assessment_id}/return",
            json={
                "reason": "More on clinicians.",
                "points": [{"competency_number": 4, "request": "Show engagement with GPs."}],
            },
            headers=auth(world.reviewer),
        )
    )
    point = ok(
        client.get(f"/api/v1/assessments/{assessment_id}/return-points", headers=auth(world.a.lead))
    )[0]
    ok(
        client.put(
            f"/api/v1/assessments/{assessment_id}/return-points/{point['id']}",
            json={"response": "Added the locality survey."},
            headers=auth(world.a.lead),
        )
    )
    ok(
        client.put(
            f"/api/v1/assessments/{assessment_id}/self-scores/4",
            json={"level": 3, "rationale": "Survey of all practices."},
            headers=auth(world.a.lead),
        )
    )
    sign_in(client, world.a.board)
    page = client.get(f"/assessments/{assessment_id}/sign-off").text
    assert "Since round 1, competency 4 changed." in page
    assert "Show engagement with GPs." in page and "Added the locality survey." in page
    assert when_board_signs_off(client, assessment_id, GOOD).status_code == 303
    client.cookies.clear()
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment_id}/submit"
    assert "as round 2" in client.get(url).text
    client.post(url, data=page_form(client, url))
    assert "Round 2" in client.get(f"{url}/done").text


def test_after_a_withdrawal_the_sign_off_page_says_what_changed_since_the_board_signed(
    client: TestClient, world
) -> None:
    aid = given_signed_off(client, world)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/withdraw-sign-off",
            json={"reason": "Competency 2 needs the pooled budget figures."},
            headers=auth(world.a.board),
        )
    )
    sign_in(client, world.a.board)
    unchanged = client.get(f"/assessments/{aid}/sign-off").text
    assert "Nothing has changed since the board last signed it off." in unchanged
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/2",
            json={"level": 3, "rationale": "Pooled budgets now cover older people's services."},
            headers=auth(world.a.lead),
        )
    )
    changed = client.get(f"/assessments/{aid}/sign-off").text
    assert "Since the board last signed it off, competency 2 changed." in changed
