"""The reviewer's decision as a choice (return, share provisional ratings, finalise), with the
options not open now shown disabled and the reason in words; sharing provisional ratings
through a check page and a confirmation panel."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api_steps import check_facts, ok, review_all, reviewed, share_provisional, submitted
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in


def _words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _radio(page: str, value: str) -> str:
    match = re.search(rf'<input[^>]*name="decision"[^>]*value="{value}"[^>]*>', page)
    assert match, f"no option {value}"
    return match.group(0)


def _post(client: TestClient, page: str, action: str, data: dict[str, Any]) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(action, data={"csrftoken": token, **data}, follow_redirects=False)


def _status(client: TestClient, user, aid: int) -> str:
    return ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(user)))["status"]


def _in_review_with_two_unscored(client: TestClient, world) -> int:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    for number in range(1, 10):
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/review-scores/{number}",
                json={"level": 2, "comment": "Agreed."},
                headers=auth(world.reviewer),
            )
        )
    return aid


def test_the_choice_shows_what_cannot_be_done_yet_disabled_with_the_reason(
    client: TestClient, world
) -> None:
    aid = _in_review_with_two_unscored(client, world)
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{aid}/decision")
    assert page.status_code == 200
    assert "What do you want to do with this review?" in page.text
    assert "disabled" not in _radio(page.text, "return")
    assert "disabled" in _radio(page.text, "provisional")
    assert "disabled" in _radio(page.text, "finalise")
    words = _words(page.text)
    assert (
        "Share provisional ratings with the PCT Not available now. Competencies 10, 11 have no "
        "review score yet; governance (strategy, finance, board) has no SHA rating yet." in words
    )
    assert "Finalise the review Not available now. Competencies 10, 11" in words


def test_choosing_nothing_or_what_is_not_open_is_refused_plainly(client: TestClient, world) -> None:
    aid = _in_review_with_two_unscored(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/decision"
    nothing = _post(client, url, url, {})
    assert nothing.status_code == 422
    assert assert_summary_reaches_fields(nothing.text) == {
        "decision-return": "Choose what you want to do"
    }
    closed = _post(client, url, url, {"decision": "finalise"})
    assert closed.status_code == 409
    links = assert_summary_reaches_fields(closed.text)
    assert list(links) == ["decision-return"]
    assert html.unescape(links["decision-return"]).startswith(
        "You cannot finalise the review now. Competencies 10, 11 have no review score yet"
    )
    chosen = _post(client, url, url, {"decision": "return"})
    assert chosen.status_code == 303
    assert chosen.headers["location"] == f"/assessments/{aid}/return"
    assert client.get(f"/assessments/{aid}/return").status_code == 200


def test_share_provisional_ratings_through_the_check_page_and_the_panel(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world, level=3)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/decision"
    chosen = _post(client, url, url, {"decision": "provisional"})
    assert chosen.status_code == 303
    assert chosen.headers["location"] == f"/assessments/{aid}/provisional"
    check = client.get(chosen.headers["location"])
    assert check.status_code == 200
    words = _words(check.text)
    assert "Check your ratings before you share them with the PCT" in words
    assert words.count("Level 3") >= 11
    assert "1 level higher than the PCT's" in words
    assert "Share provisional ratings" in words
    assert _status(client, world.reviewer, aid) == "in_review"
    version = re.search(r'name="version" value="(\d+)"', check.text)
    assert version
    shared = _post(
        client, chosen.headers["location"], chosen.headers["location"], {"version": version[1]}
    )
    assert shared.status_code == 303
    assert shared.headers["location"] == f"/assessments/{aid}/provisional/done"
    done = client.get(shared.headers["location"])
    assert done.status_code == 200
    assert "nhsuk-panel" in done.text and "Provisional ratings shared" in done.text
    assert _status(client, world.reviewer, aid) == "provisional"
    # Now the ratings wait for the PCT: finalising and sharing again are closed, with why.
    words = _words(client.get(url).text)
    assert (
        "Finalise the review Not available now. The PCT has not yet checked the provisional "
        "ratings for factual accuracy" in words
    )
    assert (
        "Share provisional ratings with the PCT Not available now. Cannot share provisional "
        "ratings for this assessment: the SHA has shared provisional ratings." in words
    )
    overview = _words(client.get(f"/assessments/{aid}/review").text)
    assert "Provisional ratings shared" in overview
    assert "The PCT has not checked them yet" in overview


def test_once_the_pct_has_answered_the_review_can_be_finalised(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    share_provisional(client, world.reviewer, aid)
    check_facts(
        client, world.a.lead, aid, [{"competency_number": 4, "comment": "We ran 12 events."}]
    )
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/decision"
    assert "disabled" not in _radio(client.get(url).text, "finalise")
    overview = _words(client.get(f"/assessments/{aid}/review").text)
    assert "We ran 12 events." in overview
    chosen = _post(client, url, url, {"decision": "finalise"})
    assert chosen.headers["location"] == f"/assessments/{aid}/finalise"
    finalise = client.get(chosen.headers["location"]).text
    assert f'action="/assessments/{aid}/finalise"' in finalise


def test_a_cycle_with_the_provisional_step_cannot_be_finalised_straight_from_review(
    client: TestClient, session: Session, world
) -> None:
    cycle = factories.make_cycle(session, provisional_step=True)
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    sign_in(client, world.reviewer)
    words = _words(client.get(f"/assessments/{aid}/decision").text)
    assert (
        f"Finalise the review Not available now. In {cycle.name} the SHA shares its ratings as "
        "provisional first" in words
    )
    assert f"{cycle.name} needs this step before the review is final." in words
    finalise = client.get(f"/assessments/{aid}/finalise").text
    assert f'action="/assessments/{aid}/finalise"' not in finalise
    assert "share them, and finalise once the PCT has checked them" in _words(finalise)


def test_the_check_page_lists_what_is_missing_and_a_post_anyway_is_refused(
    client: TestClient, world
) -> None:
    aid = _in_review_with_two_unscored(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/provisional"
    page = client.get(url)
    assert page.status_code == 200
    assert "You cannot share provisional ratings yet" in page.text
    assert f'href="/assessments/{aid}/review/10"' in page.text
    assert f'action="/assessments/{aid}/provisional"' not in page.text
    refused = _post(client, url, url, {})
    assert refused.status_code == 409
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["share"]
    assert links["share"].startswith("Cannot share provisional ratings: competencies 10, 11")
    assert _status(client, world.reviewer, aid) == "in_review"


def test_sharing_from_an_old_page_is_refused_and_says_so(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/provisional"
    refused = _post(client, url, url, {"version": "1"})
    assert refused.status_code == 409
    assert list(assert_summary_reaches_fields(refused.text)) == ["share"]
    assert _status(client, world.reviewer, aid) == "in_review"


def test_only_the_pcts_reviewers_may_open_the_decision_pages(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    for user, expected in ((world.a.lead, 403), (world.admin, 403), (world.other_reviewer, 404)):
        client.cookies.clear()
        sign_in(client, user)
        for page in ("decision", "provisional"):
            response = client.get(f"/assessments/{aid}/{page}")
            assert response.status_code == expected, (user.role, page)


def test_after_the_review_is_final_nothing_is_open_and_the_page_says_why(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{aid}/decision")
    assert page.status_code == 200
    assert 'name="decision"' not in page.text
    assert "There is no decision to make now. The SHA finalised its review on" in _words(page.text)
    assert "&lt;p&gt;" not in page.text
    url = f"/assessments/{aid}/decision"
    refused = _post(client, url, url, {"decision": "return"})
    assert refused.status_code == 409
    assert list(assert_summary_reaches_fields(refused.text)) == ["decision"]
