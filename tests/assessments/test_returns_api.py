"""SPEC §6.2 through the JSON API: a return point by point, the PCT's answers, resubmission
as a new round, every round kept, and the reviewer's view of a returned assessment."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import log_evidence, ok, present, sign_off, submitted
from tests.factories import auth

POINTS = [
    {"competency_number": 4, "request": "Show engagement beyond the locality meetings."},
    {"competency_number": 7, "request": "Date the market review."},
    {"request": "Say who owns each improvement action."},
]


def _returned(client: TestClient, world, points: list[dict[str, Any]] = POINTS) -> dict:
    done = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    return ok(
        client.post(
            f"/api/v1/assessments/{done['id']}/return",
            json={"reason": "Three things to address.", "points": points},
            headers=auth(world.reviewer),
        )
    )


def _answer(client: TestClient, world, aid: int, point_id: int, text: str = "Done.") -> Any:
    return client.put(
        f"/api/v1/assessments/{aid}/return-points/{point_id}",
        json={"response": text},
        headers=auth(world.a.lead),
    )


@pytest.mark.parametrize(
    ("points", "status"),
    [
        ([], 422),
        ([{"competency_number": 12, "request": "No such competency."}], 422),
        ([{"competency_number": 4, "request": " "}], 422),
        ([{"competency_number": 4}], 422),
        ([{"competency_number": 4, "request": "Fine", "extra": 1}], 422),
    ],
    ids=["none", "unknown-competency", "blank-request", "no-request", "unknown-field"],
)
def test_a_return_without_a_proper_point_is_422_and_changes_nothing(
    client: TestClient, world, points: list[dict[str, Any]], status: int
) -> None:
    done = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    response = client.post(
        f"/api/v1/assessments/{done['id']}/return",
        json={"reason": "Why.", "points": points},
        headers=auth(world.reviewer),
    )
    assert response.status_code == status, response.text
    after = ok(client.get(f"/api/v1/assessments/{done['id']}", headers=auth(world.a.lead)))
    assert after["status"] == "submitted"
    assert after["return_points"] == []


def test_each_point_stands_on_its_competency_until_the_pct_answers_it(
    client: TestClient, world
) -> None:
    returned = _returned(client, world)
    aid = returned["id"]
    listed = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    assert [(p["round"], p["competency_number"], p["request"]) for p in listed] == [
        (1, 4, POINTS[0]["request"]),
        (1, 7, POINTS[1]["request"]),
        (1, None, POINTS[2]["request"]),
    ]
    assert listed == returned["return_points"]
    missing = returned["readiness"]["missing"]
    assert (
        "Competency 4 (Collaborate with clinicians): a point the SHA raised is not yet "
        "answered" in missing
    )
    assert "1 general point(s) the SHA raised: not yet answered" in missing
    # The board cannot sign off again until every point is answered.
    refused = client.post(
        f"/api/v1/assessments/{aid}/sign-off",
        json={"meeting_date": "2010-01-12", "minute_reference": "BD/10/3", "declaration": True},
        headers=auth(world.a.board),
    )
    assert refused.status_code == 409
    assert len(refused.json()["missing"]) == 3
    # Nor can the lead submit a returned assessment without a fresh sign-off.
    assert (
        client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)).status_code
        == 409
    )
    assert _answer(client, world, aid, listed[0]["id"], " ").status_code == 422
    for point in listed:
        answered = ok(_answer(client, world, aid, point["id"], f"Answer to {point['id']}."))
        assert answered["response"] == f"Answer to {point['id']}."
        assert answered["responded_by_id"] == world.a.lead.id
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    assert detail["status"] == "returned"
    assert detail["readiness"] == {"ready": True, "missing": []}


def test_only_the_pcts_lead_answers_and_only_points_of_that_assessment(
    client: TestClient, world
) -> None:
    returned = _returned(client, world)
    aid, point = returned["id"], returned["return_points"][0]
    url = f"/api/v1/assessments/{aid}/return-points/{point['id']}"
    for user, status in (
        (world.a.board, 403),
        (world.a.clinician, 403),
        (world.reviewer, 403),
        (world.b.lead, 404),
    ):
        response = client.put(url, json={"response": "Mine."}, headers=auth(user))
        assert response.status_code == status, (user.email, response.text)
    other = submitted(client, world.b.lead, world.b.board, world.b.pct.code, world.cycle.id)
    assert (
        client.put(
            f"/api/v1/assessments/{other['id']}/return-points/{point['id']}",
            json={"response": "Wrong assessment."},
            headers=auth(world.b.lead),
        ).status_code
        == 404
    )
    listed = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    assert all(p["response"] is None for p in listed)


def test_the_reviewer_keeps_seeing_a_returned_assessment_as_the_pct_revises_it(
    client: TestClient, world
) -> None:
    returned = _returned(client, world)
    aid = returned["id"]
    item = log_evidence(client, world.a.clinician, world.a.pct.code, [4], title="Practice survey")
    present(client, world.a.lead, aid, item["id"])
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/4",
            json={"level": 3, "rationale": "Every practice now takes part."},
            headers=auth(world.a.lead),
        )
    )
    seen = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.reviewer)))
    assert seen["status"] == "returned"
    assert item["id"] in seen["presented_evidence_ids"]
    assert ok(client.get(f"/api/v1/evidence/{item['id']}", headers=auth(world.reviewer)))
    listed = ok(client.get("/api/v1/assessments", headers=auth(world.reviewer)))
    assert [a["status"] for a in listed if a["id"] == aid] == ["returned"]
    assert (
        client.get(f"/api/v1/assessments/{aid}", headers=auth(world.other_reviewer)).status_code
        == 404
    )


def test_a_second_round_is_kept_beside_the_first(client: TestClient, world) -> None:
    returned = _returned(client, world, points=[POINTS[0]])
    aid = returned["id"]
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/4",
            json={"level": 3, "rationale": "Every practice now takes part."},
            headers=auth(world.a.lead),
        )
    )
    ok(_answer(client, world, aid, returned["return_points"][0]["id"]))
    signed = sign_off(client, world.a.board, aid, minute_reference="BD/10/3")
    again = ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    assert again["rounds"] == 2
    rounds = ok(client.get(f"/api/v1/assessments/{aid}/submissions", headers=auth(world.reviewer)))
    assert [r["round"] for r in rounds] == [1, 2]
    assert rounds[1]["fingerprint"] == signed["signed_off_fingerprint"]
    assert rounds[0]["fingerprint"] != rounds[1]["fingerprint"]
    first, second = (
        ok(client.get(f"/api/v1/assessments/{aid}/submissions/{n}", headers=auth(world.reviewer)))
        for n in (1, 2)
    )
    level_4 = [
        [s["level"] for s in kept["content"]["self_scores"] if s["competency_number"] == 4]
        for kept in (first, second)
    ]
    assert level_4 == [[2], [3]]
    assert second["content"]["sign_off"]["minute_reference"] == "BD/10/3"
    assert first["content"]["evidence"][0]["title"] == "Five-year strategic plan"
    missing = client.get(f"/api/v1/assessments/{aid}/submissions/3", headers=auth(world.reviewer))
    assert missing.status_code == 404
    stranger = client.get(
        f"/api/v1/assessments/{aid}/submissions/1", headers=auth(world.other_reviewer)
    )
    assert stranger.status_code == 404
    # Answered points cannot be changed once the assessment is with the SHA again.
    late = _answer(client, world, aid, returned["return_points"][0]["id"], "Later.")
    assert late.status_code == 409
