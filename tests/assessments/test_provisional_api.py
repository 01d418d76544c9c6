"""SPEC §6.4 through the JSON API: provisional ratings, the PCT's factual-accuracy check,
moderation with reasons, and the final review; the new moves of the workflow table."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments import workflow
from app.assessments.models import AssessmentStatus as S
from app.assessments.workflow import Move
from app.errors import WorkflowError
from tests.api_steps import (
    check_facts,
    ok,
    resubmit_after_return,
    review_all,
    reviewed,
    share_provisional,
    submitted,
)
from tests.factories import auth, make_cycle


def _url(aid: int, tail: str = "") -> str:
    return f"/api/v1/assessments/{aid}{tail}"


def _provisional(client: TestClient, world: Any) -> int:
    aid = reviewed(client, world)
    assert share_provisional(client, world.reviewer, aid)["status"] == "provisional"
    return aid


def test_the_table_moves_provisional_as_the_process_ran() -> None:
    assert workflow.next_status(Move.SHARE_PROVISIONAL, S.IN_REVIEW) is S.PROVISIONAL
    assert workflow.next_status(Move.CHECK_FACTS, S.PROVISIONAL) is S.PROVISIONAL
    assert workflow.next_status(Move.MODERATE, S.PROVISIONAL) is S.PROVISIONAL
    assert workflow.next_status(Move.FINALISE, S.PROVISIONAL) is S.FINALISED
    assert workflow.next_status(Move.RETURN, S.PROVISIONAL) is S.RETURNED
    for status in set(S) - {S.IN_REVIEW}:
        with pytest.raises(WorkflowError, match="Cannot share provisional ratings for"):
            workflow.next_status(Move.SHARE_PROVISIONAL, status)
    for status in set(S) - {S.PROVISIONAL}:
        with pytest.raises(WorkflowError, match="Cannot check the provisional ratings of"):
            workflow.next_status(Move.CHECK_FACTS, status)
    assert workflow.review_move(S.PROVISIONAL) is Move.MODERATE
    assert workflow.review_move(S.IN_REVIEW) is Move.START_REVIEW
    assert S.PROVISIONAL in workflow.FROZEN_STATUSES
    assert S.PROVISIONAL not in workflow.PCT_EDITABLE


def test_provisional_before_every_score_is_409_listing_what_is_missing(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    ok(
        client.put(
            _url(aid, "/review-scores/1"),
            json={"level": 2, "comment": "Agreed."},
            headers=auth(world.reviewer),
        )
    )
    response = client.post(_url(aid, "/provisional"), headers=auth(world.reviewer))
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["detail"].startswith("Cannot share provisional ratings: competencies 2, 3")
    assert "governance (strategy, finance, board) has no SHA rating" in body["detail"]
    assert "Competency 11: no review score" in body["missing"]
    assert "Governance (Finance): no SHA rating" in body["missing"]
    detail = ok(client.get(_url(aid), headers=auth(world.reviewer)))
    assert detail["status"] == "in_review"


def test_provisional_to_final_through_factual_accuracy_and_moderation(
    client: TestClient, world
) -> None:
    aid = _provisional(client, world)
    shared = ok(client.get(_url(aid, "/provisional"), headers=auth(world.a.lead)))
    assert len(shared) == 1
    assert shared[0]["levels"]["competencies"]["4"] == 2
    assert shared[0]["levels"]["governance"]["finance"] == "amber"
    assert shared[0]["accepted"] is None and shared[0]["issued_by_name"]

    # Nothing changes while the PCT checks the ratings.
    early = client.put(
        _url(aid, "/review-scores/4"),
        json={"level": 3, "comment": "Better.", "reason": "Early."},
        headers=auth(world.reviewer),
    )
    assert early.status_code == 409
    assert "has not checked the provisional ratings" in early.json()["detail"]
    premature = client.post(_url(aid, "/finalise"), headers=auth(world.reviewer))
    assert premature.status_code == 409
    assert "not yet checked the provisional ratings" in premature.json()["detail"]

    answer = check_facts(
        client,
        world.a.lead,
        aid,
        [
            {"competency_number": 4, "comment": "The locality survey was in June, not May."},
            {"comment": "The panel met three of our GPs, not two."},
        ],
    )
    assert answer["accepted"] is False and len(answer["comments"]) == 2
    again = client.post(
        _url(aid, "/factual-accuracy"), json={"comments": []}, headers=auth(world.a.lead)
    )
    assert again.status_code == 409
    assert "already answered" in again.json()["detail"]

    no_reason = client.put(
        _url(aid, "/review-scores/4"),
        json={"level": 3, "comment": "Better than we thought."},
        headers=auth(world.reviewer),
    )
    assert no_reason.status_code == 422
    assert "Give a reason" in no_reason.json()["detail"]
    ok(
        client.put(
            _url(aid, "/review-scores/4"),
            json={
                "level": 3,
                "comment": "Better than we thought.",
                "reason": "The PCT showed the June survey reached every practice.",
            },
            headers=auth(world.reviewer),
        )
    )
    ok(
        client.put(
            _url(aid, "/governance-reviews/finance"),
            json={"rating": "green", "comment": "In balance.", "reason": "Month 9 figures."},
            headers=auth(world.reviewer),
        )
    )
    log = ok(client.get(_url(aid, "/moderation"), headers=auth(world.a.board)))
    assert [(c["subject"], c["key"], c["before"], c["after"]) for c in log] == [
        ("competency", "4", "2", "3"),
        ("governance", "finance", "amber", "green"),
    ]
    assert log[0]["reason"] == "The PCT showed the June survey reached every practice."
    assert log[0]["changed_by_name"]
    assert ok(client.get(_url(aid), headers=auth(world.reviewer)))["status"] == "provisional"

    final = ok(client.post(_url(aid, "/finalise"), headers=auth(world.reviewer)))
    assert final["status"] == "finalised"
    late = client.post(
        _url(aid, "/factual-accuracy"),
        json={"comments": [{"comment": "One more thing."}]},
        headers=auth(world.a.lead),
    )
    assert late.status_code == 409
    assert "it is finalised" in late.json()["detail"]


def test_an_empty_list_accepts_the_ratings(client: TestClient, world) -> None:
    aid = _provisional(client, world)
    answer = check_facts(client, world.a.lead, aid, [])
    assert answer["accepted"] is True and answer["comments"] == []
    assert ok(client.post(_url(aid, "/finalise"), headers=auth(world.reviewer)))["finalised_at"]


@pytest.mark.parametrize(
    ("comments", "fault"),
    [
        ([{"competency_number": 12, "comment": "No such competency."}], "does not assess"),
        ([{"comment": "   "}], "at least 1 character"),
        ([{"comment": "x" * 10_001}], "at most 10000 characters"),
        ([{"competency_number": 4}], "Field required"),
    ],
    ids=["unknown-competency", "blank", "too-long", "no-comment"],
)
def test_a_bad_factual_accuracy_comment_is_422_and_changes_nothing(
    client: TestClient, world, comments: list[dict[str, Any]], fault: str
) -> None:
    aid = _provisional(client, world)
    response = client.post(
        _url(aid, "/factual-accuracy"), json={"comments": comments}, headers=auth(world.a.lead)
    )
    assert response.status_code == 422, response.text
    assert fault in response.text
    shared = ok(client.get(_url(aid, "/provisional"), headers=auth(world.a.lead)))
    assert shared[0]["responded_at"] is None


def test_a_cycle_with_the_step_cannot_finalise_straight_from_review(
    client: TestClient, world, session: Session
) -> None:
    world.cycle = make_cycle(session, provisional_step=True)
    aid = reviewed(client, world)
    refused = client.post(_url(aid, "/finalise"), headers=auth(world.reviewer))
    assert refused.status_code == 409
    assert "the SHA shares its ratings as provisional first" in refused.json()["detail"]
    share_provisional(client, world.reviewer, aid)
    check_facts(client, world.a.lead, aid, [])
    assert ok(client.post(_url(aid, "/finalise"), headers=auth(world.reviewer)))["status"] == (
        "finalised"
    )


def test_a_cycle_without_the_step_finalises_straight_from_review(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    final = ok(client.post(_url(aid, "/finalise"), headers=auth(world.reviewer)))
    assert final["status"] == "finalised"


def test_cycles_take_and_give_the_provisional_step(client: TestClient, world) -> None:
    body = {
        "name": "2010/11",
        "opens_on": "2010-09-01",
        "submission_due": "2010-12-01",
        "review_due": "2011-03-01",
    }
    plain = ok(client.post("/api/v1/cycles", json=body, headers=auth(world.admin)), 201)
    assert plain["provisional_step"] is False
    stepped = ok(
        client.post(
            "/api/v1/cycles",
            json=body | {"name": "2011/12", "provisional_step": True},
            headers=auth(world.admin),
        ),
        201,
    )
    assert stepped["provisional_step"] is True


def test_a_return_from_provisional_needs_new_provisional_ratings_for_the_next_round(
    client: TestClient, world, session: Session
) -> None:
    world.cycle = make_cycle(session, provisional_step=True)
    aid = _provisional(client, world)
    check_facts(client, world.a.lead, aid, [{"comment": "We disagree on 4."}])
    returned = ok(
        client.post(
            _url(aid, "/return"),
            json={
                "reason": "Show more on 4.",
                "points": [{"competency_number": 4, "request": "More."}],
            },
            headers=auth(world.reviewer),
        )
    )
    assert returned["status"] == "returned"
    resubmit_after_return(client, world, aid)
    review_all(client, world.reviewer, aid, 3)
    refused = client.post(_url(aid, "/finalise"), headers=auth(world.reviewer))
    assert refused.status_code == 409  # round 2 has not been shared as provisional
    share_provisional(client, world.reviewer, aid)
    shared = ok(client.get(_url(aid, "/provisional"), headers=auth(world.a.lead)))
    assert [s["round"] for s in shared] == [1, 2]
    assert shared[1]["levels"]["competencies"]["4"] == 3


def test_the_pct_reads_moderation_only_of_its_own_and_the_reviewer_of_another_sha_not_at_all(
    client: TestClient, world
) -> None:
    aid = _provisional(client, world)
    for user in (world.b.lead, world.other_reviewer):
        assert client.get(_url(aid, "/moderation"), headers=auth(user)).status_code == 404
        assert client.get(_url(aid, "/provisional"), headers=auth(user)).status_code == 404
    assert (
        client.post(
            _url(aid, "/factual-accuracy"), json={"comments": []}, headers=auth(world.b.lead)
        )
    ).status_code == 404
    assert (
        client.post(_url(aid, "/provisional"), headers=auth(world.other_reviewer))
    ).status_code == 404
