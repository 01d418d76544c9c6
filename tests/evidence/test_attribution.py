"""Whom a clinician may attribute evidence to: a clinician of a practice, that practice (or
the whole PCT); a lead, or a clinician of the PCT itself, any practice or group of the PCT."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api_steps import log_evidence
from tests.factories import auth, make_practice
from tests.web.steps import sign_in


def _log(client: TestClient, user, pct_code: str, practice_code: str | None):
    body = {
        "organisation_code": pct_code,
        "title": "Locality meeting",
        "description": "What happened, in a sentence.",
        "kind": "engagement",
        "occurred_on": "2009-10-14",
        "competency_numbers": [4],
        "practice_code": practice_code,
    }
    return client.post("/api/v1/evidence", json=body, headers=auth(user))


def test_a_practice_clinician_logs_for_their_own_practice_only(
    client: TestClient, session: Session, world
) -> None:
    other = make_practice(session, parent=world.a.pct)
    pct = world.a.pct.code
    assert _log(client, world.practice_clinician, pct, world.practice.code).status_code == 201
    assert _log(client, world.practice_clinician, pct, None).status_code == 201
    refused = _log(client, world.practice_clinician, pct, other.code)
    assert refused.status_code == 403
    assert "not for another practice or group" in refused.json()["detail"]
    mine = log_evidence(client, world.practice_clinician, pct, [4])
    moved = client.patch(
        f"/api/v1/evidence/{mine['id']}",
        json={"practice_code": other.code, "version": mine["version"]},
        headers=auth(world.practice_clinician),
    )
    assert moved.status_code == 403


def test_a_lead_and_a_clinician_of_the_pct_log_for_any_practice(
    client: TestClient, session: Session, world
) -> None:
    other = make_practice(session, parent=world.a.pct)
    for user in (world.a.lead, world.a.clinician):
        assert _log(client, user, world.a.pct.code, other.code).status_code == 201


def test_the_form_offers_a_practice_clinician_only_their_own_practice(
    client: TestClient, session: Session, world
) -> None:
    other = make_practice(session, parent=world.a.pct)
    sign_in(client, world.practice_clinician)
    form = client.get("/evidence/new").text
    assert f'value="{world.practice.code}"' in form
    assert f'value="{other.code}"' not in form
