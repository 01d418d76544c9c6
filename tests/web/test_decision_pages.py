"""The reviewer's decisions as pages: return point by point (form, check, panel), finalise
(check, panel) and an administrator's reopen with a reason."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from app.users.models import User
from tests import factories
from tests.api_steps import present_outcome, rate_governance, review_governance
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, error_summary, sign_in

# Steps (kept here: the shared helpers are changing under other work) ---------------------------

SIGN_OFF = {"meeting_date": "2009-12-01", "minute_reference": "BD/09/147", "declaration": True}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:2000]
    return response.json() if response.content else None


def submitted_assessment(client: TestClient, world, cycle_id: int | None = None) -> int:
    """PCT a's assessment: all eleven scored, one item presented for all, signed off by the
    board and submitted by the lead (round 1)."""
    lead = world.a.lead
    assessment = ok(
        client.post(
            "/api/v1/assessments",
            json={"organisation_code": world.a.pct.code, "cycle_id": cycle_id or world.cycle.id},
            headers=auth(lead),
        ),
        201,
    )
    aid = assessment["id"]
    plan = ok(
        client.post(
            "/api/v1/evidence",
            json={
                "organisation_code": world.a.pct.code,
                "title": "Five-year strategic plan",
                "description": "Agreed by the board.",
                "kind": "minutes",
                "occurred_on": "2009-10-14",
                "competency_numbers": list(range(1, 12)),
            },
            headers=auth(lead),
        ),
        201,
    )
    ok(client.put(f"/api/v1/assessments/{aid}/evidence/{plan['id']}", headers=auth(lead)), 204)
    for number in range(1, 12):
        score(client, lead, aid, number, f"Why competency {number} sits at level 2.")
    rate_governance(client, lead, aid)
    present_outcome(client, lead, world.a.pct.code, aid)
    resubmit(client, world, aid)
    return aid


def score(client: TestClient, lead: User, aid: int, number: int, rationale: str) -> None:
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/{number}",
            json={"level": 2, "rationale": rationale, "target_level": 3},
            headers=auth(lead),
        )
    )


def resubmit(client: TestClient, world, aid: int) -> None:
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/sign-off", json=SIGN_OFF, headers=auth(world.a.board)
        )
    )
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))


def review_all(client: TestClient, reviewer: User, aid: int, numbers=range(1, 12)) -> None:
    for number in numbers:
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/review-scores/{number}",
                json={"level": 2, "comment": "Agreed."},
                headers=auth(reviewer),
            )
        )
    review_governance(client, reviewer, aid)


def status_of(client: TestClient, user: User, aid: int) -> str:
    return ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(user)))["status"]


def post_page(client: TestClient, page: str, action: str, data: dict, **kwargs) -> Any:
    """Post ``data`` to ``action`` with the token of ``page``, as its form would."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={"csrftoken": token, **data}, follow_redirects=False, **kwargs)


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, flags=re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def hidden(page: str, name: str) -> str | None:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


# Return, point by point --------------------------------------------------------------------------


def test_review_page_offers_one_way_to_the_decisions_and_no_form(client: TestClient, world) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{aid}/review").text
    decision = page[page.index('id="decision-heading"') :].split("</section>")[0]
    assert f'href="/assessments/{aid}/decision"' in decision
    assert "Make a decision" in decision
    assert f'href="/assessments/{aid}/finalise"' not in decision
    assert "<form" not in decision


def test_return_form_has_a_box_per_competency_and_a_general_one(client: TestClient, world) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{aid}/return")
    assert page.status_code == 200
    for number in range(1, 12):
        assert f"What must the PCT address on competency {number}?" in page.text
        assert f'name="point-{number}"' in page.text
    assert 'name="point-general"' in page.text
    assert 'name="reason"' in page.text


def test_return_with_no_point_is_refused_with_the_summary_at_the_first_point(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/return"
    response = post_page(client, url, url, {"reason": "Evidence is thin on engagement."})
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert links == {"point-1": "Enter at least one point for the PCT to address"}
    assert textarea(response.text, "reason") == "Evidence is thin on engagement."
    assert response.text.lstrip().startswith("<!DOCTYPE html>")
    assert "<title>Error: " in response.text
    assert status_of(client, world.reviewer, aid) == "submitted"


def test_return_with_nothing_typed_names_the_reason_and_the_points_together(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/return"
    response = post_page(client, url, url, {"reason": "  ", "point-3": "   "})
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert links == {
        "reason": "Enter the reason for returning the assessment",
        "point-1": "Enter at least one point for the PCT to address",
    }


def test_a_point_too_long_is_refused_on_its_own_box(client: TestClient, world) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/return"
    response = post_page(client, url, url, {"reason": "See points.", "point-7": "x" * 20_001})
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert links == {"point-7": "The point on competency 7 must be 20,000 characters or fewer"}


def test_return_check_page_lists_everything_and_change_brings_it_all_back(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/return"
    typed = {
        "reason": "Engagement <evidence> is thin.",
        "point-4": "Show engagement across the borough's practices.\nWith numbers.",
        "point-general": "Date each item of evidence.",
    }
    check = post_page(client, url, url, typed)
    assert check.status_code == 200
    assert "Check your return before sending it" in check.text
    assert "Engagement &lt;evidence&gt; is thin." in check.text
    assert "4. Collaborate with clinicians" in check.text
    assert "General point" in check.text
    assert "Points for the PCT to address (2)" in check.text
    for name, value in typed.items():
        assert hidden(check.text, name) == value
    assert 'value="confirm"' in check.text and "Return to the PCT" in check.text
    assert status_of(client, world.reviewer, aid) == "submitted"

    # "Change" posts the hidden copy back: the form again, with everything as typed.
    token = csrf_from(check.text)
    again = client.post(
        url,
        data={
            "csrftoken": token,
            "step": "change",
            **typed,
            "version": hidden(check.text, "version"),
        },
    )
    assert again.status_code == 200
    assert error_summary(again.text) == {}
    for name, value in typed.items():
        assert textarea(again.text, name) == value
    assert textarea(again.text, "point-5") == ""


def test_confirming_the_return_creates_the_points_and_shows_the_panel(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/return"
    version = hidden(client.get(url).text, "version")
    response = post_page(
        client,
        url,
        url,
        {
            "step": "confirm",
            "version": version,
            "reason": "Engagement is thin.",
            "point-4": "Show engagement across the borough's practices.",
            "point-general": "Date each item of evidence.",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/assessments/{aid}/return/done"
    assert status_of(client, world.reviewer, aid) == "returned"
    points = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    points = points["items"] if isinstance(points, dict) else points
    assert [(p["competency_number"], p["request"]) for p in points] == [
        (4, "Show engagement across the borough's practices."),
        (None, "Date each item of evidence."),
    ]
    done = client.get(response.headers["location"])
    assert done.status_code == 200
    assert "nhsuk-panel" in done.text
    assert "Assessment returned to the PCT" in done.text
    assert "2 points to address" in done.text
    assert "round 2" in done.text


def test_a_confirmed_return_with_an_old_version_keeps_what_was_typed(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/return"
    version = int(hidden(client.get(url).text, "version") or 0)
    # Meanwhile another reviewer's first score moves it into review.
    review_all(client, world.reviewer, aid, numbers=[1])
    response = post_page(
        client,
        url,
        url,
        {"step": "confirm", "version": str(version), "reason": "Thin.", "point-2": "More."},
    )
    assert response.status_code == 409
    assert_summary_reaches_fields(response.text)
    assert textarea(response.text, "point-2") == "More."
    assert int(hidden(response.text, "version") or 0) > version
    assert status_of(client, world.reviewer, aid) == "in_review"


def test_only_the_pcts_reviewers_may_open_the_return_form(client: TestClient, world) -> None:
    aid = submitted_assessment(client, world)
    for user, expected in ((world.a.lead, 403), (world.admin, 403), (world.other_reviewer, 404)):
        client.cookies.clear()
        sign_in(client, user)
        assert client.get(f"/assessments/{aid}/return").status_code == expected, user.role


def test_a_returned_assessment_stays_readable_on_the_review_pages(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={
                "reason": "Engagement is thin.",
                "points": [
                    {"competency_number": 4, "request": "Show the practices involved."},
                    {"request": "Date each item."},
                ],
            },
            headers=auth(world.reviewer),
        )
    )
    points = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    points = points["items"] if isinstance(points, dict) else points
    general = next(p for p in points if p["competency_number"] is None)
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/return-points/{general['id']}",
            json={"response": "Every item now carries its date."},
            headers=auth(world.a.lead),
        )
    )
    sign_in(client, world.reviewer)
    review = client.get(f"/assessments/{aid}/review")
    assert review.status_code == 200
    assert "Returned to the PCT" in review.text
    assert "Show the practices involved." in review.text
    assert "Every item now carries its date." in review.text
    assert "Needs attention" in review.text
    assert "1 of 2 points not answered yet." in review.text
    assert 'id="decision-heading"' not in review.text
    competency = client.get(f"/assessments/{aid}/review/4")
    assert competency.status_code == 200
    assert "Points the SHA raised" in competency.text
    assert "Show the practices involved." in competency.text
    assert "The PCT has not answered this point yet." in competency.text
    assert f'action="/assessments/{aid}/review/4"' not in competency.text
    # And the return form says plainly why it cannot be used now.
    again = client.get(f"/assessments/{aid}/return")
    assert again.status_code == 200
    assert "Cannot return this assessment: the SHA has returned it to the PCT." in again.text
    assert 'name="reason"' not in again.text


# Finalise ---------------------------------------------------------------------------------------


def test_finalise_check_with_unscored_competencies_says_which_and_offers_no_button(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    review_all(client, world.reviewer, aid, numbers=range(1, 10))
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{aid}/finalise")
    assert page.status_code == 200
    assert "You cannot finalise the review yet" in page.text
    assert "2 competencies have no review score yet" in page.text
    assert f'href="/assessments/{aid}/review/10"' in page.text
    assert f'action="/assessments/{aid}/finalise"' not in page.text
    # A post anyway (an old page, another tab) is refused plainly, and nothing changes.
    refused = post_page(client, f"/assessments/{aid}/finalise", f"/assessments/{aid}/finalise", {})
    assert refused.status_code == 409
    links = assert_summary_reaches_fields(refused.text)
    assert links == {"finalise": "Cannot finalise: competencies 10, 11 have no review score"}
    assert status_of(client, world.reviewer, aid) == "in_review"


def test_finalise_check_lists_the_levels_then_the_panel(client: TestClient, world) -> None:
    aid = submitted_assessment(client, world)
    review_all(client, world.reviewer, aid)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/finalise"
    page = client.get(url)
    assert page.status_code == 200
    assert "Check the review before you finalise it" in page.text
    assert page.text.count("Level 2") >= 22
    response = post_page(client, url, url, {"version": hidden(page.text, "version")})
    assert response.status_code == 303
    assert response.headers["location"] == f"/assessments/{aid}/finalise/done"
    done = client.get(response.headers["location"])
    assert "nhsuk-panel" in done.text and "Review finalised" in done.text
    assert status_of(client, world.reviewer, aid) == "finalised"
    assert "Review finalised." in client.get(f"/assessments/{aid}/review").text


# Reopen -----------------------------------------------------------------------------------------


def _finalised(client: TestClient, world) -> int:
    aid = submitted_assessment(client, world)
    review_all(client, world.reviewer, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    return aid


def test_reopen_needs_a_reason_then_shows_the_panel(client: TestClient, world) -> None:
    aid = _finalised(client, world)
    sign_in(client, world.admin)
    review = client.get(f"/assessments/{aid}/review").text
    assert f'href="/assessments/{aid}/reopen"' in review
    url = f"/assessments/{aid}/reopen"
    page = client.get(url)
    assert page.status_code == 200 and "Why are you reopening it?" in page.text
    blank = post_page(client, url, url, {"reason": "   ", "version": hidden(page.text, "version")})
    assert blank.status_code == 422
    assert assert_summary_reaches_fields(blank.text) == {
        "reason": "Enter why you are reopening the review"
    }
    assert status_of(client, world.admin, aid) == "finalised"
    response = post_page(
        client,
        url,
        url,
        {
            "reason": "The SHA moderated competency 4 again.",
            "version": hidden(page.text, "version"),
        },
    )
    assert response.status_code == 303
    done = client.get(response.headers["location"])
    assert "nhsuk-panel" in done.text and "Review reopened" in done.text
    assert status_of(client, world.admin, aid) == "in_review"
    events = ok(
        client.get(f"/api/v1/audit?entity=assessment&entity_id={aid}", headers=auth(world.admin))
    )
    events = events["items"] if isinstance(events, dict) else events
    assert any(
        e.get("action") == "reopen"
        and (e.get("after") or {}).get("reason") == "The SHA moderated competency 4 again."
        for e in events
    )


def test_only_an_administrator_may_reopen(client: TestClient, world) -> None:
    aid = _finalised(client, world)
    sign_in(client, world.reviewer)
    assert client.get(f"/assessments/{aid}/reopen").status_code == 403
    assert f'href="/assessments/{aid}/reopen"' not in client.get(f"/assessments/{aid}/review").text


# Bad input --------------------------------------------------------------------------------------

BAD_VALUES = [
    "x" * 30_000,
    "a\x00b\x01c\x1b[31md\u202ee\ufeff\r\nf",
    "2147483648",
    "-1",
    "",
]


def test_bad_values_in_the_decision_forms_are_refused_plainly_never_a_500(
    client: TestClient, session, world
) -> None:
    aid = _finalised(client, world)
    other = submitted_assessment(client, world, cycle_id=factories.make_cycle(session).id)
    forms = [
        (world.reviewer, f"/assessments/{other}/return", ["reason", "point-4", "version", "step"]),
        (world.reviewer, f"/assessments/{other}/finalise", ["version"]),
        (world.admin, f"/assessments/{aid}/reopen", ["reason", "version"]),
    ]
    for user, url, fields in forms:
        client.cookies.clear()
        sign_in(client, user)
        token = csrf_from(client.get(url).text)
        for field in fields:
            for value in BAD_VALUES:
                for headers in ({}, {"HX-Request": "true"}):
                    data = {
                        "csrftoken": token,
                        "reason": "Because.",
                        "point-4": "More.",
                        field: value,
                    }
                    response = client.post(url, data=data, headers=headers, follow_redirects=False)
                    assert response.status_code in (200, 303, 409, 422), (url, field, value[:20])
                    if response.status_code == 303:
                        continue
                    assert response.headers["content-type"].startswith("text/html")
                    if response.status_code in (409, 422):
                        assert_summary_reaches_fields(response.text)
                        assert "Value error" not in response.text
                        assert "String should have" not in response.text
