"""The points of a return as the PCT meets them: each on its competency as "Needs
attention" with the SHA's request and the lead's response form, general ones on the board;
answered with and without JavaScript; refused plainly when empty, stale or locked."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import log_evidence, ok, present, ready_to_sign, sign_off, submitted
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, post_form, sign_in

HX = {"HX-Request": "true"}
ON_FOUR = "Show engagement across the borough's practices, not only locality meetings."
GENERAL = "Date each item of evidence."


# Steps ------------------------------------------------------------------------------------------


def given_a_returned_assessment(client: TestClient, world) -> dict:
    """Submitted, then returned by the reviewer with a point on competency 4 and a general
    one. Gives the assessment id, its pages and the two points' ids."""
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    aid = assessment["id"]
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={
                "reason": "Some evidence is thin.",
                "points": [{"competency_number": 4, "request": ON_FOUR}, {"request": GENERAL}],
            },
            headers=auth(world.reviewer),
        )
    )
    points = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    on_four = next(p["id"] for p in points if p["competency_number"] == 4)
    general = next(p["id"] for p in points if p["competency_number"] is None)
    return {
        "id": aid,
        "board": f"/assessments/{aid}",
        "four": f"/assessments/{aid}/competencies/4",
        "on_four": on_four,
        "general": general,
    }


def answer(client: TestClient, world, aid: int, point_id: int, text: str) -> dict:
    return ok(
        client.put(
            f"/api/v1/assessments/{aid}/return-points/{point_id}",
            json={"response": text},
            headers=auth(world.a.lead),
        )
    )


def point_block(html: str, point_id: int) -> str:
    """One point as the page shows it, up to the next point or the end of the section."""
    start = html.index(f'id="point-{point_id}"')
    rest = html[start + 1 :]
    following = re.search(r'id="point-\d+"', rest)
    ends = [i for i in (following.start() if following else -1, rest.find("</section>")) if i >= 0]
    return html[start : start + 1 + min(ends)]


def tags(html: str) -> list[str]:
    """The words of each NHS.UK tag in ``html``."""
    found = re.findall(r'<strong class="nhsuk-tag[^"]*">(.*?)</strong>', html, flags=re.S)
    return [" ".join(text.split()) for text in found]


def board_row(html: str, number: int) -> str:
    at = html.index(f'id="competency-{number}-row"')
    return html[html.rfind("<tr", 0, at) : html.index("</tr>", at)]


def response_of(client: TestClient, world, aid: int, point_id: int) -> str | None:
    points = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    return next(p["response"] for p in points if p["id"] == point_id)


# What the pages show ----------------------------------------------------------------------------


def test_a_point_on_a_competency_shows_there_as_needing_attention_with_a_response_form(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    html = client.get(scene["four"]).text
    assert "What the SHA asked about this competency" in html
    point = point_block(html, scene["on_four"])
    assert tags(point) == ["Needs attention"]
    assert "Show engagement across the borough&#39;s practices" in point
    assert f'action="/assessments/{scene["id"]}/return-points/{scene["on_four"]}"' in point
    assert f'id="point-{scene["on_four"]}-response"' in point
    assert "Your response" in point
    # The general point belongs on the board, and competency 5 has none.
    assert GENERAL not in html
    assert 'id="return-points"' not in client.get(f"/assessments/{scene['id']}/competencies/5").text


def test_the_board_lists_the_points_and_answers_the_general_ones_in_place(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    html = client.get(scene["board"]).text
    assert "Points the SHA raised" in html
    assert "0 of 2 answered." in html
    assert f'href="{scene["four"]}#return-points">Competency 4:' in html
    general = point_block(html, scene["general"])
    assert GENERAL in general and tags(general) == ["Needs attention"]
    assert f'id="point-{scene["general"]}-response"' in general
    assert ON_FOUR not in html
    assert "Needs attention" in tags(board_row(html, 4))
    assert tags(board_row(html, 5)) == ["Ready"]


def test_a_returned_board_never_says_it_is_ready_while_points_are_open(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    html = client.get(scene["board"]).text
    assert "Ready for board sign-off" not in html
    assert "2 things missing before sign-off." in html
    assert "Returned by the SHA" in html


def test_a_board_member_reads_the_points_without_forms(client: TestClient, world) -> None:
    scene = given_a_returned_assessment(client, world)
    answer(client, world, scene["id"], scene["on_four"], "We added the practice survey.")
    sign_in(client, world.a.board)
    point = point_block(client.get(scene["four"]).text, scene["on_four"])
    assert tags(point) == ["Answered"]
    assert "We added the practice survey." in point
    assert "<form" not in point and "<textarea" not in point


# Answering --------------------------------------------------------------------------------------


def test_answering_without_javascript_saves_and_goes_back_to_the_point(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    action = f"/assessments/{scene['id']}/return-points/{scene['on_four']}"
    response = post_form(client, scene["four"], action, {"response": "Survey of all 41 practices."})
    assert response.status_code == 303
    assert response.headers["location"] == f"{scene['four']}#point-{scene['on_four']}"
    html = client.get(scene["four"]).text
    assert "Your response is saved." in html
    point = point_block(html, scene["on_four"])
    assert tags(point) == ["Answered"] and "Survey of all 41 practices." in point
    assert "Test pct lead" in point
    assert response_of(client, world, scene["id"], scene["on_four"]) == (
        "Survey of all 41 practices."
    )


def test_answering_with_htmx_returns_the_points_and_the_new_readiness(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["four"]).text)
    response = client.post(
        f"/assessments/{scene['id']}/return-points/{scene['on_four']}",
        data={"csrftoken": token, "response": "Survey of all 41 practices.", "version": "1"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert html.count('id="return-points"') == 1
    assert "Your response is saved." in html
    assert tags(point_block(html, scene["on_four"])) == ["Answered"]
    readiness = re.search(r'<div [^>]*id="assessment-readiness"[^>]*>', html)
    assert readiness and 'hx-swap-oob="true"' in readiness.group(0)
    assert "1 thing missing before sign-off." in html
    # The tags under the title follow: the point no longer needs attention.
    shown = html[html.index('<div id="competency-tags" hx-swap-oob="true">') :]
    assert "Needs attention" not in shown[: shown.index("</div>")]


def test_answering_a_general_point_with_htmx_returns_the_whole_board(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["board"]).text)
    response = client.post(
        f"/assessments/{scene['id']}/return-points/{scene['general']}",
        data={"csrftoken": token, "response": "Every item is now dated."},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="assessment-board"' in response.text
    assert "1 of 2 answered." in response.text
    assert "Your response is saved." in point_block(response.text, scene["general"])


def test_a_general_point_answered_without_javascript_goes_back_to_the_board(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    action = f"/assessments/{scene['id']}/return-points/{scene['general']}"
    response = post_form(client, scene["board"], action, {"response": "Every item is dated."})
    assert response.status_code == 303
    assert response.headers["location"] == f"{scene['board']}#point-{scene['general']}"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_empty_response_is_422_with_the_summary_leading_to_its_box(
    client: TestClient, world, htmx: bool
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["four"]).text)
    response = client.post(
        f"/assessments/{scene['id']}/return-points/{scene['on_four']}",
        data={"csrftoken": token, "response": "   ", "version": "1"},
        headers={**HX, "X-CSRFToken": token} if htmx else {},
        follow_redirects=False,
    )
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert links == {f"point-{scene['on_four']}-response": "Enter your response"}
    assert ("<html" in response.text) is not htmx
    assert response_of(client, world, scene["id"], scene["on_four"]) is None


def test_an_empty_general_response_comes_back_on_the_board(client: TestClient, world) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    action = f"/assessments/{scene['id']}/return-points/{scene['general']}"
    response = post_form(client, scene["board"], action, {"response": ""})
    assert response.status_code == 422
    assert "Points the SHA raised" in response.text
    links = assert_summary_reaches_fields(response.text)
    assert links == {f"point-{scene['general']}-response": "Enter your response"}


def test_a_response_changed_meanwhile_is_409_showing_theirs_and_keeping_mine(
    client: TestClient, world
) -> None:
    scene = given_a_returned_assessment(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["four"]).text)
    answer(client, world, scene["id"], scene["on_four"], "Theirs, saved meanwhile")
    action = f"/assessments/{scene['id']}/return-points/{scene['on_four']}"
    response = client.post(
        action,
        data={"csrftoken": token, "response": "Mine", "version": "1"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 409
    assert "changed this after you opened it" in response.text
    assert "Theirs, saved meanwhile" in response.text
    assert ">Mine</textarea>" in response.text
    assert 'name="version" value="2"' in response.text
    again = client.post(
        action,
        data={"csrftoken": token, "response": "Mine", "version": "2"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert again.status_code == 200
    assert response_of(client, world, scene["id"], scene["on_four"]) == "Mine"


def test_a_point_of_another_assessment_is_not_found(client: TestClient, world) -> None:
    scene = given_a_returned_assessment(client, world)
    theirs = submitted(client, world.b.lead, world.b.board, world.b.pct.code, world.cycle.id)
    sign_in(client, world.b.lead)
    response = post_form(
        client,
        "/",
        f"/assessments/{theirs['id']}/return-points/{scene['on_four']}",
        {"response": "Not ours to answer."},
    )
    assert response.status_code == 404
    client.cookies.clear()
    sign_in(client, world.a.lead)
    assert response_of(client, world, scene["id"], scene["on_four"]) is None


# Signed off again -------------------------------------------------------------------------------


def given_every_point_answered_and_signed_off_again(client: TestClient, world) -> dict:
    scene = given_a_returned_assessment(client, world)
    answer(client, world, scene["id"], scene["on_four"], "Survey of all 41 practices.")
    answer(client, world, scene["id"], scene["general"], "Every item is now dated.")
    sign_off(client, world.a.board, scene["id"])
    return scene


def without_questions(html: str) -> str:
    """The page without its questions to the SHA (which stay open while the points do not)."""
    return html.split('<section class="app-threads"')[0]


def test_once_signed_off_the_points_show_their_answers_and_the_way_to_withdraw(
    client: TestClient, world
) -> None:
    scene = given_every_point_answered_and_signed_off_again(client, world)
    sign_in(client, world.a.lead)
    html = client.get(scene["four"]).text
    point = point_block(html, scene["on_four"])
    assert "Survey of all 41 practices." in point
    # Nothing of the self-assessment can be typed into; questions to the SHA still can.
    assert "<textarea" not in without_questions(html)
    assert "so it cannot be changed" in html
    assert f'href="/assessments/{scene["id"]}/withdraw-sign-off"' in html
    board = client.get(scene["board"]).text
    assert "<textarea" not in board
    assert "it cannot be changed unless the sign-off is withdrawn" in board
    assert "2 of 2 answered." in board


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_answering_from_a_tab_opened_before_the_sign_off_is_409_naming_it(
    client: TestClient, world, htmx: bool
) -> None:
    scene = given_a_returned_assessment(client, world)
    answer(client, world, scene["id"], scene["general"], "Every item is now dated.")
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["four"]).text)
    answer(client, world, scene["id"], scene["on_four"], "Survey of all 41 practices.")
    sign_off(client, world.a.board, scene["id"])
    response = client.post(
        f"/assessments/{scene['id']}/return-points/{scene['on_four']}",
        data={"csrftoken": token, "response": "A better answer.", "version": "2"},
        headers={**HX, "X-CSRFToken": token} if htmx else {},
        follow_redirects=False,
    )
    assert response.status_code == 409
    links = assert_summary_reaches_fields(response.text)
    message = links[f"point-{scene['on_four']}-response"]
    assert "signed off" in message and "withdraw the sign-off" in message
    assert "<textarea" not in without_questions(response.text)
    assert response_of(client, world, scene["id"], scene["on_four"]) == (
        "Survey of all 41 practices."
    )


# Rounds -----------------------------------------------------------------------------------------


def test_a_competency_changed_since_the_last_round_says_so(client: TestClient, world) -> None:
    scene = given_a_returned_assessment(client, world)
    ok(
        client.put(
            f"/api/v1/assessments/{scene['id']}/self-scores/4",
            json={"level": 3, "rationale": "The survey shows it."},
            headers=auth(world.a.lead),
        )
    )
    sign_in(client, world.a.lead)
    board = client.get(scene["board"]).text
    assert "Changed since round 1" in board_row(board, 4)
    assert "Changed since round" not in board_row(board, 5)
    assert "Changed since round 1" in client.get(scene["four"]).text


def test_a_competency_nobody_changed_is_not_marked_whatever_the_order_of_its_items(
    client: TestClient, world
) -> None:
    lead, code = world.a.lead, world.a.pct.code
    assessment = ready_to_sign(client, lead, code, world.cycle.id)
    aid = assessment["id"]
    # Logged in one order, dated in another.
    for title, day in (("Newer minutes", "2009-11-20"), ("Older minutes", "2009-09-20")):
        present(
            client,
            lead,
            aid,
            log_evidence(client, lead, code, [2], title=title, occurred_on=day)["id"],
        )
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(lead)))
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={"reason": "One thing.", "points": [{"competency_number": 4, "request": "More."}]},
            headers=auth(world.reviewer),
        )
    )
    sign_in(client, lead)
    board = client.get(f"/assessments/{aid}").text
    assert "Changed since round" not in board_row(board, 2)
