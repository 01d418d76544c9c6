"""SPEC §6.4, questions: threads between a PCT and its SHA on an assessment or one
competency, with unread counts; only that PCT and its SHA see them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import ok, open_assessment, open_thread, reviewed, submitted
from tests.factories import auth


def _threads(aid: int, tail: str = "") -> str:
    return f"/api/v1/assessments/{aid}/threads{tail}"


def _submitted(client: TestClient, world) -> int:
    return submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]


def test_a_question_and_its_answer_with_unread_counts_on_each_side(
    client: TestClient, world
) -> None:
    aid = _submitted(client, world)
    asked = open_thread(
        client, world.reviewer, aid, "Which practices took part in the June survey?", 4
    )
    assert asked["competency_number"] == 4
    assert asked["unread"] == 0  # the writer has read what they wrote
    assert asked["messages"][0]["from_sha"] is True

    lead_view = ok(client.get(_threads(aid), headers=auth(world.a.lead)))
    assert [t["unread"] for t in lead_view] == [1]
    board_view = ok(client.get(_threads(aid, "?competency_number=4"), headers=auth(world.a.board)))
    assert board_view[0]["messages"][0]["body"] == "Which practices took part in the June survey?"
    assert ok(client.get(_threads(aid, "?competency_number=5"), headers=auth(world.a.lead))) == []

    tid = asked["id"]
    answered = ok(
        client.post(
            _threads(aid, f"/{tid}/messages"),
            json={"message": "  All 38; the list is in the survey report, page 4.  "},
            headers=auth(world.a.lead),
        ),
        201,
    )
    assert [m["body"] for m in answered["messages"]][-1] == (
        "All 38; the list is in the survey report, page 4."
    )
    assert answered["messages"][-1]["from_sha"] is False
    assert answered["unread"] == 0  # writing reads the thread
    reviewer_view = ok(client.get(_threads(aid, f"/{tid}"), headers=auth(world.reviewer)))
    assert reviewer_view["unread"] == 1
    # The board member still has both unread: the lead's reading is the lead's own.
    assert ok(client.get(_threads(aid), headers=auth(world.a.board)))[0]["unread"] == 2
    ok(client.post(_threads(aid, f"/{tid}/read"), headers=auth(world.reviewer)), 204)
    assert ok(client.get(_threads(aid), headers=auth(world.reviewer)))[0]["unread"] == 0


def test_a_general_thread_opened_by_the_pct(client: TestClient, world) -> None:
    aid = _submitted(client, world)
    opened = open_thread(client, world.a.board, aid, "When will the panel sit?")
    assert opened["competency_number"] is None
    assert ok(client.get(_threads(aid), headers=auth(world.reviewer)))[0]["unread"] == 1


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("", "Write a message"),
        ("   \n ", "Write a message"),
        ("x" * 10_001, "A message can be at most 10,000"),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_an_empty_or_overlong_message_is_422_in_plain_words(
    client: TestClient, world, message: str, words: str
) -> None:
    aid = _submitted(client, world)
    refused = client.post(_threads(aid), json={"message": message}, headers=auth(world.a.lead))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["msg"].startswith(words)
    assert ok(client.get(_threads(aid), headers=auth(world.a.lead))) == []
    thread = open_thread(client, world.a.lead, aid, "A fair question.")
    reply = client.post(
        _threads(aid, f"/{thread['id']}/messages"),
        json={"message": message},
        headers=auth(world.reviewer),
    )
    assert reply.status_code == 422
    assert len(ok(client.get(_threads(aid), headers=auth(world.a.lead)))[0]["messages"]) == 1


def test_a_message_of_exactly_ten_thousand_characters_is_kept(client: TestClient, world) -> None:
    aid = _submitted(client, world)
    kept = open_thread(client, world.a.lead, aid, "y" * 10_000)
    assert len(kept["messages"][0]["body"]) == 10_000


def test_only_that_pct_and_its_sha_see_the_threads(client: TestClient, world) -> None:
    aid = _submitted(client, world)
    thread = open_thread(client, world.reviewer, aid, "A question for PCT a.")
    for stranger in (world.b.lead, world.other_reviewer, world.c.lead):
        assert client.get(_threads(aid), headers=auth(stranger)).status_code == 404
        assert (
            client.post(_threads(aid), json={"message": "Hi"}, headers=auth(stranger)).status_code
            == 404
        )
        assert (
            client.get(_threads(aid, f"/{thread['id']}"), headers=auth(stranger)).status_code == 404
        )
    # A clinician of the PCT is no party to the PCT's questions with its SHA.
    assert client.get(_threads(aid), headers=auth(world.a.clinician)).status_code == 403
    # An administrator reads, and writes nothing.
    assert ok(client.get(_threads(aid), headers=auth(world.admin)))[0]["id"] == thread["id"]
    assert (
        client.post(_threads(aid), json={"message": "Hi"}, headers=auth(world.admin)).status_code
        == 403
    )


def test_a_thread_of_another_assessment_is_not_found(client: TestClient, world) -> None:
    aid = _submitted(client, world)
    other = submitted(client, world.b.lead, world.b.board, world.b.pct.code, world.cycle.id)["id"]
    thread = open_thread(client, world.reviewer, other, "For PCT b.")
    assert (
        client.get(_threads(aid, f"/{thread['id']}"), headers=auth(world.a.lead)).status_code == 404
    )
    assert (
        client.post(
            _threads(aid, f"/{thread['id']}/messages"),
            json={"message": "Not mine"},
            headers=auth(world.a.lead),
        ).status_code
        == 404
    )


def test_no_questions_before_the_first_submission_nor_after_the_final_review(
    client: TestClient, world
) -> None:
    draft = open_assessment(client, world.b.lead, world.b.pct.code, world.cycle.id)["id"]
    early = client.post(_threads(draft), json={"message": "Hello"}, headers=auth(world.b.lead))
    assert early.status_code == 409
    assert "once it is submitted" in early.json()["detail"]

    aid = reviewed(client, world, level=2)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    late = client.post(_threads(aid), json={"message": "Hello"}, headers=auth(world.a.lead))
    assert late.status_code == 409
    assert "questions are closed" in late.json()["detail"]


def test_a_thread_on_a_competency_the_cycle_does_not_assess_is_422(
    client: TestClient, world
) -> None:
    aid = _submitted(client, world)
    refused = client.post(
        _threads(aid),
        json={"message": "Hello", "competency_number": 12},
        headers=auth(world.a.lead),
    )
    assert refused.status_code == 422
    assert "does not assess competency 12" in refused.json()["detail"]
