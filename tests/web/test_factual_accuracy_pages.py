"""The PCT's factual-accuracy check in pages: the provisional ratings beside its own, the
comments form, check your answer, the confirmation, and the moderation log after."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.api_steps import ok, reviewed, share_provisional
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _shared(client: TestClient, world) -> int:
    aid = reviewed(client, world)
    share_provisional(client, world.reviewer, aid)
    return aid


def test_the_lead_comments_checks_and_sends_then_sees_the_moderation(
    client: TestClient, world
) -> None:
    aid = _shared(client, world)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/factual-accuracy"
    words = _text(client.get(url).text)
    assert "The SHA's provisional ratings" in words
    assert "They are not final" in words
    comments = {
        "comment-4": "The survey ran in June 2009, not May.",
        "comment-general": "Our chair attended the panel, not the vice-chair.",
    }
    check = post_form(client, url, url, {**comments, "step": "check"})
    assert check.status_code == 200
    checked = _text(check.text)
    assert "Check your answer before sending it" in checked
    assert "You are sending 2 factual-accuracy comments" in checked
    assert "The survey ran in June 2009, not May." in checked
    # Change: back to the form with everything typed still there.
    back = post_form(client, url, url, {**comments, "step": "change"})
    assert "The survey ran in June 2009, not May." in back.text
    assert "Our chair attended the panel" in back.text
    sent = post_form(client, url, url, {**comments, "step": "confirm"})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{url}/done"
    assert "Factual-accuracy comments sent" in _text(client.get(f"{url}/done").text)
    shared = ok(client.get(f"/api/v1/assessments/{aid}/provisional", headers=auth(world.a.lead)))
    assert shared[0]["comments"] == [
        {"competency_number": 4, "comment": "The survey ran in June 2009, not May."},
        {"competency_number": None, "comment": "Our chair attended the panel, not the vice-chair."},
    ]
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/review-scores/4",
            json={"level": 3, "comment": "Better.", "reason": "The June survey reached all."},
            headers=auth(world.reviewer),
        )
    )
    after = _text(client.get(url).text)
    assert "What the SHA changed after the provisional ratings" in after
    assert "Competency 4 : from 2 to 3" in after or "Competency 4: from 2 to 3" in after
    assert "The June survey reached all." in after
    assert "Continue" not in after  # answered once


def test_empty_boxes_accept_the_ratings(client: TestClient, world) -> None:
    aid = _shared(client, world)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/factual-accuracy"
    check = post_form(client, url, url, {"step": "check"})
    assert "you accept the SHA's provisional ratings as they stand" in _text(check.text)
    sent = post_form(client, url, url, {"step": "confirm"})
    assert sent.status_code == 303
    assert "Provisional ratings accepted" in _text(client.get(f"{url}/done").text)


def test_an_overlong_comment_comes_back_with_its_text_and_a_linked_error(
    client: TestClient, world
) -> None:
    aid = _shared(client, world)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/factual-accuracy"
    long_text = "A fact. " * 1300
    refused = post_form(client, url, url, {"comment-3": long_text, "step": "check"})
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["comment-3"]
    assert "can be at most 10,000" in links["comment-3"]
    assert "A fact. A fact." in refused.text


def test_a_board_member_reads_the_ratings_but_has_no_form(client: TestClient, world) -> None:
    aid = _shared(client, world)
    sign_in(client, world.a.board)
    page = client.get(f"/assessments/{aid}/factual-accuracy")
    assert page.status_code == 200
    assert "The SHA's provisional ratings" in _text(page.text)
    assert "comment-4" not in page.text
    sign_in(client, world.b.lead)
    assert client.get(f"/assessments/{aid}/factual-accuracy").status_code == 404


def test_homes_say_where_a_provisional_assessment_stands(client: TestClient, world) -> None:
    aid = _shared(client, world)
    sign_in(client, world.a.lead)
    home = _text(client.get("/").text)
    assert "The SHA shared provisional ratings on" in home
    assert "Check the provisional ratings for factual accuracy" in home
    assert "Finalised by the SHA" not in home
    sign_in(client, world.a.board)
    assert "See the SHA's provisional ratings" in _text(client.get("/").text)
    sign_in(client, world.reviewer)
    queue = client.get("/reviews").text
    assert f'href="/assessments/{aid}/review"' in queue.split("Returned, waiting")[0]
