"""Questions in pages: the block on each side's competency page, the questions page, a
refused message kept with its error linked, and nothing shown to anyone else."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.api_steps import ok, open_thread, submitted
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _submitted(client: TestClient, world) -> int:
    return submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]


def test_the_reviewer_asks_on_a_competency_and_the_lead_answers_on_its_page(
    client: TestClient, world
) -> None:
    aid = _submitted(client, world)
    open_thread(client, world.reviewer, aid, "Which practices took part in the survey?", 4)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/competencies/4"
    page = client.get(url)
    assert page.status_code == 200
    words = _text(page.text)
    assert "Questions on this competency" in words and "1 new" in words
    assert "Which practices took part in the survey?" in words
    # Shown once, it is read: the next visit shows nothing new.
    assert "1 new" not in _text(client.get(url).text)
    thread = ok(client.get(f"/api/v1/assessments/{aid}/threads", headers=auth(world.a.lead)))[0]
    sent = post_form(
        client,
        url,
        f"/assessments/{aid}/questions/{thread['id']}",
        {"message": "All 38 practices; see page 4.", "back": url, "competency_number": "4"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{url}#thread-{thread['id']}"
    assert "All 38 practices; see page 4." in _text(client.get(url).text)
    # Another competency's page does not show it.
    assert "Which practices" not in _text(client.get(f"/assessments/{aid}/competencies/5").text)


def test_a_refused_question_keeps_what_was_typed_and_links_the_error(
    client: TestClient, world
) -> None:
    aid = _submitted(client, world)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/competencies/4"
    too_long = "Our question. " * 800
    refused = post_form(
        client,
        url,
        f"/assessments/{aid}/questions",
        {"message": too_long, "back": url, "competency_number": "4"},
    )
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["message-new"]
    assert "A message can be at most 10,000 characters" in links["message-new"]
    assert "Our question. Our question." in refused.text
    empty = post_form(client, url, f"/assessments/{aid}/questions", {"message": "  ", "back": url})
    assert empty.status_code == 422
    assert "Write a message" in _text(empty.text)
    assert ok(client.get(f"/api/v1/assessments/{aid}/threads", headers=auth(world.a.lead))) == []


def test_a_general_question_from_the_questions_page(client: TestClient, world) -> None:
    aid = _submitted(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/questions"
    sent = post_form(
        client, url, url, {"message": "When can your board chair attend the panel?", "back": url}
    )
    assert sent.status_code == 303
    sign_in(client, world.a.board)
    words = _text(client.get(url).text)
    assert "The SHA asked about the assessment" in words
    assert "When can your board chair attend the panel?" in words


def test_no_block_for_a_clinician_and_no_page_for_another_pct(client: TestClient, world) -> None:
    aid = _submitted(client, world)
    open_thread(client, world.reviewer, aid, "A question for the PCT.", 4)
    sign_in(client, world.a.clinician)
    page = client.get(f"/assessments/{aid}/competencies/4")
    if page.status_code == 200:
        assert "A question for the PCT." not in page.text
    assert client.get(f"/assessments/{aid}/questions").status_code == 403
    sign_in(client, world.b.lead)
    assert client.get(f"/assessments/{aid}/questions").status_code == 404


def test_a_draft_says_questions_open_at_submission(client: TestClient, world) -> None:
    aid = ok(
        client.post(
            "/api/v1/assessments",
            json={"organisation_code": world.a.pct.code, "cycle_id": world.cycle.id},
            headers=auth(world.a.lead),
        ),
        201,
    )["id"]
    sign_in(client, world.a.lead)
    words = _text(client.get(f"/assessments/{aid}/competencies/4").text)
    assert "Questions open once the assessment is submitted to the SHA." in words
