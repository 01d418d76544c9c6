"""SPEC §6.1 through the JSON API: the evidence an assessment presents, the board's sign-off
as a minuted decision, the lock it puts on the PCT, and its withdrawal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import (
    SIGN_OFF,
    log_evidence,
    ok,
    open_assessment,
    ready_to_sign,
    sign_off,
)
from tests.factories import auth


def _detail(client: TestClient, user, aid: int) -> dict[str, Any]:
    return ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(user)))


def _trail(client: TestClient, world, aid: int) -> list[dict[str, Any]]:
    return ok(
        client.get(
            "/api/v1/audit",
            params={"entity": "assessment", "entity_id": aid},
            headers=auth(world.admin),
        )
    )["items"]


# What the assessment presents --------------------------------------------------------------


def test_adding_and_taking_out_an_item_is_idempotent_and_readiness_follows(
    client: TestClient, world
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    item = log_evidence(client, world.a.clinician, world.a.pct.code, [4, 7], title="Survey")
    url = f"/api/v1/assessments/{aid}/evidence/{item['id']}"
    assert _detail(client, world.a.lead, aid)["presented_evidence"] == []
    for _ in range(2):
        response = client.put(url, headers=auth(world.a.lead))
        assert response.status_code == 204 and response.content == b""
    detail = _detail(client, world.a.lead, aid)
    assert detail["presented_evidence"] == [
        {"evidence_id": item["id"], "competency_numbers": [4, 7]}
    ]
    unevidenced = [m for m in detail["readiness"]["missing"] if "no evidence presented" in m]
    assert [m.split(" (")[0] for m in unevidenced] == [
        f"Competency {n}" for n in range(1, 12) if n not in (4, 7)
    ]
    events = [e["action"] for e in _trail(client, world, aid)]
    assert events.count("present_evidence") == 1
    for _ in range(2):
        assert client.delete(url, headers=auth(world.a.lead)).status_code == 204
    detail = _detail(client, world.a.lead, aid)
    assert detail["presented_evidence"] == []
    assert (
        "Competency 4 (Collaborate with clinicians): no evidence presented"
        in (detail["readiness"]["missing"])
    )
    # Taken out of the assessment, the item stays in the library.
    assert ok(client.get(f"/api/v1/evidence/{item['id']}", headers=auth(world.a.lead)))


def test_only_the_pcts_own_lead_presents_its_own_library(client: TestClient, world) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    mine = log_evidence(client, world.a.lead, world.a.pct.code, [4])
    theirs = log_evidence(client, world.b.lead, world.b.pct.code, [4])
    url = f"/api/v1/assessments/{aid}/evidence/"
    assert client.put(url + str(theirs["id"]), headers=auth(world.a.lead)).status_code == 404
    assert client.put(url + "999999", headers=auth(world.a.lead)).status_code == 404
    assert client.put(url + str(mine["id"]), headers=auth(world.a.clinician)).status_code == 403
    assert client.put(url + str(mine["id"]), headers=auth(world.a.board)).status_code == 403
    assert client.put(url + str(mine["id"]), headers=auth(world.b.lead)).status_code == 404
    assert _detail(client, world.a.lead, aid)["presented_evidence"] == []


# The sign-off ----------------------------------------------------------------------------------


TOMORROW = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({**SIGN_OFF, "declaration": False}, "declaration", "Confirm the declaration"),
        ({k: v for k, v in SIGN_OFF.items() if k != "declaration"}, "declaration", "Confirm"),
        ({**SIGN_OFF, "meeting_date": TOMORROW}, "meeting_date", "today or in the past"),
        ({**SIGN_OFF, "minute_reference": "M" * 101}, "minute_reference", "100 characters"),
        ({**SIGN_OFF, "minute_reference": "  "}, "minute_reference", ""),
        ({**SIGN_OFF, "meeting_date": "2009-02-30"}, "meeting_date", ""),
        ({}, "meeting_date", ""),
    ],
    ids=[
        "declaration-false",
        "no-declaration",
        "future",
        "long-minute",
        "blank-minute",
        "bad-date",
        "nothing",
    ],
)
def test_a_sign_off_without_a_proper_decision_is_422_and_changes_nothing(
    client: TestClient, world, body: dict[str, Any], field: str, says: str
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    before = _detail(client, world.a.lead, aid)
    response = client.post(
        f"/api/v1/assessments/{aid}/sign-off", json=body, headers=auth(world.a.board)
    )
    assert response.status_code == 422, response.text
    assert field in response.text
    assert says in response.text
    assert "Value error" not in response.text
    assert _detail(client, world.a.lead, aid) == before


def test_the_sign_off_records_the_meeting_the_minute_who_and_what_was_signed(
    client: TestClient, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    signed = sign_off(client, world.a.board, aid, minute_reference="  BD/09/147 ")
    assert signed["signed_off_by_id"] == world.a.board.id
    assert signed["signed_off_meeting_date"] == "2009-12-01"
    assert signed["signed_off_minute_reference"] == "BD/09/147"
    [event] = [e for e in _trail(client, world, aid) if e["action"] == "sign_off"]
    assert event["after"]["fingerprint"] == signed["signed_off_fingerprint"]
    assert event["after"]["minute_reference"] == "BD/09/147"


def test_a_signed_off_assessment_is_locked_for_every_pct_change(client: TestClient, world) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    spare = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Spare")
    signed = sign_off(client, world.a.board, aid)
    [presented_id] = signed["presented_evidence_ids"]
    lead = auth(world.a.lead)
    refusals = [
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/2",
            json={"level": 4, "rationale": "Higher."},
            headers=lead,
        ),
        client.put(f"/api/v1/assessments/{aid}/evidence/{spare['id']}", headers=lead),
        client.delete(f"/api/v1/assessments/{aid}/evidence/{presented_id}", headers=lead),
        client.patch(f"/api/v1/evidence/{presented_id}", json={"title": "Rewritten"}, headers=lead),
        client.delete(f"/api/v1/evidence/{presented_id}", headers=lead),
        client.post(
            f"/api/v1/evidence/{presented_id}/attachments",
            files={"file": ("minutes.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
            headers=lead,
        ),
    ]
    for refusal in refusals:
        assert refusal.status_code == 409, refusal.text
        detail = refusal.json()["detail"]
        assert "the board signed off the assessment" in detail
        assert "1 December 2009 (minute BD/09/147)" in detail
        assert "withdraw the sign-off" in detail
    after = _detail(client, world.a.lead, aid)
    assert after["status"] == "signed_off"
    assert after["signed_off_fingerprint"] == signed["signed_off_fingerprint"]
    # An item the assessment does not present is the library's own business.
    ok(client.patch(f"/api/v1/evidence/{spare['id']}", json={"title": "Renamed"}, headers=lead))
    assert _detail(client, world.a.lead, aid)["status"] == "signed_off"


@pytest.mark.parametrize("who", ["board", "lead"])
def test_a_withdrawn_sign_off_is_audited_with_its_reason_and_unlocks_the_assessment(
    client: TestClient, world, who: str
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    signed = sign_off(client, world.a.board, aid)
    url = f"/api/v1/assessments/{aid}/withdraw-sign-off"
    user = getattr(world.a, who)
    assert client.post(url, json={"reason": " "}, headers=auth(user)).status_code == 422
    assert client.post(url, json={}, headers=auth(user)).status_code == 422
    for stranger in (world.a.clinician, world.reviewer, world.b.lead):
        refused = client.post(url, json={"reason": "No."}, headers=auth(stranger))
        assert refused.status_code in (403, 404)
    assert _detail(client, world.a.lead, aid)["status"] == "signed_off"
    withdrawn = ok(client.post(url, json={"reason": "Minute was wrong."}, headers=auth(user)))
    assert withdrawn["status"] == "draft"
    assert withdrawn["signed_off_at"] is None
    assert withdrawn["sign_off_withdrawn_reason"] == "Minute was wrong."
    [event] = [e for e in _trail(client, world, aid) if e["action"] == "withdraw_sign_off"]
    assert event["actor_id"] == user.id
    assert event["after"]["reason"] == "Minute was wrong."
    assert event["after"]["withdrawn"]["fingerprint"] == signed["signed_off_fingerprint"]
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/2",
            json={"level": 3, "rationale": "Raised after the withdrawal."},
            headers=auth(world.a.lead),
        )
    )
    again = sign_off(client, world.a.board, aid)
    assert again["signed_off_fingerprint"] != signed["signed_off_fingerprint"]
    assert again["sign_off_withdrawn_at"] is None
    # Nothing to withdraw once it is a draft again.
    assert client.post(url, json={"reason": "Twice."}, headers=auth(user)).status_code == 200
    assert client.post(url, json={"reason": "Twice."}, headers=auth(user)).status_code == 409


def test_the_submission_is_what_the_board_signed(client: TestClient, world) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    signed = sign_off(client, world.a.board, aid)
    sent = ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    [kept] = ok(client.get(f"/api/v1/assessments/{aid}/submissions", headers=auth(world.a.lead)))
    assert kept["round"] == 1
    assert kept["fingerprint"] == signed["signed_off_fingerprint"]
    assert kept["submitted_by_id"] == world.a.lead.id
    assert kept["submitted_by_name"] == world.a.lead.full_name
    assert sent["rounds"] == 1
