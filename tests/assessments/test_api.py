"""The assessment workflow through the JSON API: every rule and every refusal."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_steps import (
    SIGN_OFF,
    log_evidence,
    ok,
    open_assessment,
    present,
    ready_to_sign,
    review_governance,
    score_all,
    sign_off,
    submitted,
)
from tests.factories import auth


def test_opening_twice_for_the_same_cycle_is_409(client: TestClient, world) -> None:
    created = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    assert created["status"] == "draft"
    again = client.post(
        "/api/v1/assessments",
        json={"organisation_code": world.a.pct.code, "cycle_id": world.cycle.id},
        headers=auth(world.a.lead),
    )
    assert again.status_code == 409
    assert f"already has an assessment for {world.cycle.name}" in again.json()["detail"]


def test_open_for_unknown_cycle_is_422_and_for_another_pct_404(client: TestClient, world) -> None:
    unknown = client.post(
        "/api/v1/assessments",
        json={"organisation_code": world.a.pct.code, "cycle_id": 99999},
        headers=auth(world.a.lead),
    )
    assert unknown.status_code == 422
    other = client.post(
        "/api/v1/assessments",
        json={"organisation_code": world.b.pct.code, "cycle_id": world.cycle.id},
        headers=auth(world.a.lead),
    )
    assert other.status_code == 404


def test_sign_off_is_refused_with_the_list_of_what_is_missing(client: TestClient, world) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    item = log_evidence(client, world.a.lead, world.a.pct.code, [1, 2, 3, 4, 5, 6, 8, 9, 10, 11])
    present(client, world.a.lead, assessment["id"], item["id"])
    # Linked to competency 7 in the library, but not presented: it does not count.
    log_evidence(client, world.a.lead, world.a.pct.code, [7])
    score_all(client, world.a.lead, assessment["id"])
    response = client.post(
        f"/api/v1/assessments/{assessment['id']}/sign-off",
        json=SIGN_OFF,
        headers=auth(world.a.board),
    )
    assert response.status_code == 409
    body = response.json()
    assert "Cannot sign off" in body["detail"]
    assert body["missing"] == [
        "Competency 7 (Stimulate the market): no evidence presented",
        "Governance (Strategy): no rating",
        "Governance (Finance): no rating",
        "Governance (Board): no rating",
        "Outcomes: no outcome measure presented",
    ]
    detail = ok(client.get(f"/api/v1/assessments/{assessment['id']}", headers=auth(world.a.lead)))
    assert detail["readiness"] == {"ready": False, "missing": body["missing"]}


def test_board_signs_off_when_ready_and_the_pct_cannot_then_change_it(
    client: TestClient, world
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    signed = sign_off(client, world.a.board, assessment["id"])
    assert signed["status"] == "signed_off"
    assert len(signed["signed_off_fingerprint"]) == 64
    assert signed["signed_off_meeting_date"] == SIGN_OFF["meeting_date"]
    assert signed["signed_off_minute_reference"] == SIGN_OFF["minute_reference"]
    edit = client.put(
        f"/api/v1/assessments/{assessment['id']}/self-scores/3",
        json={"level": 3, "rationale": "On reflection, higher."},
        headers=auth(world.a.lead),
    )
    assert edit.status_code == 409
    assert "the board signed off the assessment" in edit.json()["detail"]
    assert "withdraw the sign-off" in edit.json()["detail"]
    detail = ok(client.get(f"/api/v1/assessments/{assessment['id']}", headers=auth(world.a.lead)))
    assert detail["status"] == "signed_off"
    assert detail["signed_off_fingerprint"] == signed["signed_off_fingerprint"]


def test_new_evidence_after_sign_off_leaves_it_signed_off(client: TestClient, world) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    signed = sign_off(client, world.a.board, assessment["id"])
    log_evidence(client, world.a.clinician, world.a.pct.code, [4], kind="engagement")
    detail = ok(client.get(f"/api/v1/assessments/{assessment['id']}", headers=auth(world.a.lead)))
    assert detail["status"] == "signed_off"
    assert detail["signed_off_fingerprint"] == signed["signed_off_fingerprint"]


def test_submit_needs_sign_off(client: TestClient, world) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    response = client.post(
        f"/api/v1/assessments/{assessment['id']}/submit", headers=auth(world.a.lead)
    )
    assert response.status_code == 409
    assert "the board must sign it off first" in response.json()["detail"]


def test_submission_freezes_the_evidence(client: TestClient, world) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    assert assessment["status"] == "submitted"
    [evidence_id] = assessment["presented_evidence_ids"]
    change = client.patch(
        f"/api/v1/evidence/{evidence_id}", json={"title": "Rewritten"}, headers=auth(world.a.lead)
    )
    assert change.status_code == 409
    assert "cannot be changed" in change.json()["detail"]
    delete = client.delete(f"/api/v1/evidence/{evidence_id}", headers=auth(world.a.lead))
    assert delete.status_code == 409
    edit = client.put(
        f"/api/v1/assessments/{assessment['id']}/self-scores/1",
        json={"level": 4, "rationale": "Sneaky"},
        headers=auth(world.a.lead),
    )
    assert edit.status_code == 409
    assert "submitted" in edit.json()["detail"]


def test_reviewer_moving_a_score_must_say_why(client: TestClient, world) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    url = f"/api/v1/assessments/{assessment['id']}/review-scores/5"
    silent = client.put(url, json={"level": 1}, headers=auth(world.reviewer))
    assert silent.status_code == 422
    assert "level 2" in silent.json()["detail"]
    agreed = ok(client.put(url, json={"level": 2}, headers=auth(world.reviewer)))
    assert agreed["level"] == 2
    detail = ok(client.get(f"/api/v1/assessments/{assessment['id']}", headers=auth(world.reviewer)))
    assert detail["status"] == "in_review"


def test_finalise_needs_all_eleven_review_scores(client: TestClient, world) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    aid = assessment["id"]
    for number in range(1, 11):
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/review-scores/{number}",
                json={"level": 2, "comment": "Agreed."},
                headers=auth(world.reviewer),
            )
        )
    early = client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer))
    assert early.status_code == 409
    assert early.json()["missing"] == [
        "Competency 11: no review score",
        "Governance (Strategy): no SHA rating",
        "Governance (Finance): no SHA rating",
        "Governance (Board): no SHA rating",
    ]
    review_governance(client, world.reviewer, aid)
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/review-scores/11",
            json={"level": 1, "comment": "Savings plan not yet credible."},
            headers=auth(world.reviewer),
        )
    )
    final = ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    assert final["status"] == "finalised"
    late = client.put(
        f"/api/v1/assessments/{aid}/review-scores/1",
        json={"level": 3, "comment": "Changed my mind"},
        headers=auth(world.reviewer),
    )
    assert late.status_code == 409
    assert "finalised" in late.json()["detail"]


def test_only_an_admin_can_reopen_a_finalised_assessment(client: TestClient, world) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    aid = assessment["id"]
    for number in range(1, 12):
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/review-scores/{number}",
                json={"level": 2},
                headers=auth(world.reviewer),
            )
        )
    review_governance(client, world.reviewer, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    assert (
        client.post(f"/api/v1/assessments/{aid}/reopen", headers=auth(world.reviewer)).status_code
        == 403
    )
    reopened = ok(client.post(f"/api/v1/assessments/{aid}/reopen", headers=auth(world.admin)))
    assert reopened["status"] == "in_review"
    trail = ok(
        client.get(
            "/api/v1/audit",
            params={"entity": "assessment", "entity_id": aid},
            headers=auth(world.admin),
        )
    )
    assert trail["items"][0]["action"] == "reopen"


def test_return_needs_a_reason_and_the_pct_can_then_revise_and_resubmit(
    client: TestClient, world
) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    aid = assessment["id"]
    blank = client.post(
        f"/api/v1/assessments/{aid}/return", json={"reason": "  "}, headers=auth(world.reviewer)
    )
    assert blank.status_code == 422
    returned = ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={"reason": "Show PBC engagement for competency 4."},
            headers=auth(world.reviewer),
        )
    )
    assert returned["status"] == "returned"
    assert returned["return_reason"] == "Show PBC engagement for competency 4."
    # Without points, the reason is the one general point.
    [point] = returned["return_points"]
    assert (point["competency_number"], point["request"]) == (None, returned["return_reason"])
    item = log_evidence(client, world.a.clinician, world.a.pct.code, [4], kind="engagement")
    present(client, world.a.lead, aid, item["id"])
    assert ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))["status"] == (
        "returned"
    )
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/return-points/{point['id']}",
            json={"response": "Added the locality engagement log."},
            headers=auth(world.a.lead),
        )
    )
    sign_off(client, world.a.board, aid)
    again = ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    assert again["status"] == "submitted"
    assert again["rounds"] == 2
    assert len(again["presented_evidence_ids"]) == 2


def test_stale_version_gets_409_and_nothing_is_overwritten(client: TestClient, world) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    url = f"/api/v1/assessments/{assessment['id']}/self-scores/2"
    first = ok(client.put(url, json={"level": 2, "rationale": "Mine"}, headers=auth(world.a.lead)))
    ok(
        client.put(
            url,
            json={"level": 3, "rationale": "Theirs", "version": first["version"]},
            headers=auth(world.a.lead),
        )
    )
    stale = client.put(
        url,
        json={"level": 1, "rationale": "Stale", "version": first["version"]},
        headers=auth(world.a.lead),
    )
    assert stale.status_code == 409
    assert "was changed by Test pct lead" in stale.json()["detail"]
    scores = ok(client.get(f"/api/v1/assessments/{assessment['id']}", headers=auth(world.a.lead)))[
        "self_scores"
    ]
    assert [(s["level"], s["rationale"]) for s in scores] == [(3, "Theirs")]


def test_bad_levels_and_unknown_competencies_are_refused(client: TestClient, world) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    base = f"/api/v1/assessments/{assessment['id']}/self-scores"
    for level in (0, 5, "two", None):
        response = client.put(
            f"{base}/1", json={"level": level, "rationale": "x"}, headers=auth(world.a.lead)
        )
        assert response.status_code == 422, level
    assert (
        client.put(
            f"{base}/1", json={"level": 2, "rationale": ""}, headers=auth(world.a.lead)
        ).status_code
        == 422
    )
    assert (
        client.put(
            f"{base}/12", json={"level": 2, "rationale": "x"}, headers=auth(world.a.lead)
        ).status_code
        == 404
    )
    assert (
        client.put(
            f"{base}/0", json={"level": 2, "rationale": "x"}, headers=auth(world.a.lead)
        ).status_code
        == 404
    )
    extra = client.put(
        f"{base}/1", json={"level": 2, "rationale": "x", "colour": 1}, headers=auth(world.a.lead)
    )
    assert extra.status_code == 422


def test_reviewer_cannot_see_drafts_or_other_shas_submissions(client: TestClient, world) -> None:
    draft = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    assert (
        client.get(f"/api/v1/assessments/{draft['id']}", headers=auth(world.reviewer)).status_code
        == 404
    )
    other = submitted(client, world.c.lead, world.c.board, world.c.pct.code, world.cycle.id)
    assert (
        client.get(f"/api/v1/assessments/{other['id']}", headers=auth(world.reviewer)).status_code
        == 404
    )
    listed = ok(client.get("/api/v1/assessments", headers=auth(world.reviewer)))
    assert listed == []
    visible = ok(client.get("/api/v1/assessments", headers=auth(world.other_reviewer)))
    assert [a["id"] for a in visible] == [other["id"]]


def test_assessment_list_filters(client: TestClient, world) -> None:
    a = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    open_assessment(client, world.b.lead, world.b.pct.code, world.cycle.id)
    listed = ok(
        client.get(
            "/api/v1/assessments",
            params={
                "organisation_code": world.a.pct.code,
                "status": "draft",
                "cycle_id": world.cycle.id,
            },
            headers=auth(world.admin),
        )
    )
    assert [x["id"] for x in listed] == [a["id"]]
    bad = client.get("/api/v1/assessments", params={"status": "lost"}, headers=auth(world.admin))
    assert bad.status_code == 422
