"""SPEC §6.1: logging an item to the PCT's library never changes an assessment. Tried by
every role, through the API and through the page, against a signed-off assessment, a draft
and a returned one: their status, fingerprint, presented evidence, readiness and version stay
as they were, whether the item is accepted or refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api_steps import (
    log_evidence,
    ok,
    open_assessment,
    present,
    ready_to_sign,
    sign_off,
    submitted,
)
from tests.factories import auth
from tests.web.steps import post_form, sign_in

ROLES = ("admin", "lead", "board", "clinician", "practice_clinician", "reviewer")
MAY_LOG = {"lead", "clinician", "practice_clinician"}


def _user(world, role: str):
    if role in ("admin", "reviewer", "practice_clinician"):
        return getattr(world, role)
    return getattr(world.a, role)


def _assessments(client: TestClient, session: Session, world) -> list[int]:
    """PCT a's assessments: signed off (this cycle), a draft with some evidence presented
    (a second cycle), and returned (a third)."""
    signed = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, signed)
    draft_cycle = factories.make_cycle(session)
    draft = open_assessment(client, world.a.lead, world.a.pct.code, draft_cycle.id)["id"]
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Locality minutes")
    present(client, world.a.lead, draft, item["id"])
    returned_cycle = factories.make_cycle(session)
    returned = submitted(client, world.a.lead, world.a.board, world.a.pct.code, returned_cycle.id)
    ok(
        client.post(
            f"/api/v1/assessments/{returned['id']}/return",
            json={"reason": "More on competency 4."},
            headers=auth(world.reviewer),
        )
    )
    return [signed, draft, returned["id"]]


def _state(client: TestClient, world, ids: list[int]) -> list[dict[str, Any]]:
    keys = (
        "status",
        "version",
        "updated_at",
        "signed_off_fingerprint",
        "presented_evidence",
        "readiness",
        "return_points",
    )
    return [
        {
            key: ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.admin)))[key]
            for key in keys
        }
        for aid in ids
    ]


@pytest.mark.parametrize("role", ROLES)
def test_logging_through_the_api_never_changes_an_assessment(
    client: TestClient, session: Session, world, role: str
) -> None:
    ids = _assessments(client, session, world)
    before = _state(client, world, ids)
    response = client.post(
        "/api/v1/evidence",
        json={
            "organisation_code": world.a.pct.code,
            "title": "Practice meeting on falls",
            "description": "Logged from a phone after the meeting.",
            "kind": "engagement",
            "occurred_on": "2009-11-03",
            "competency_numbers": list(range(1, 12)),
        },
        headers=auth(_user(world, role)),
    )
    assert response.status_code == (201 if role in MAY_LOG else 403), response.text
    assert _state(client, world, ids) == before


@pytest.mark.parametrize("role", ROLES)
def test_logging_through_the_page_never_changes_an_assessment(
    client: TestClient, session: Session, world, role: str
) -> None:
    ids = _assessments(client, session, world)
    before = _state(client, world, ids)
    client.headers.pop("Authorization", None)
    assert sign_in(client, _user(world, role)).status_code == 303
    response = post_form(
        client,
        "/evidence",
        "/evidence",
        {
            "title": "Practice meeting on falls",
            "description": "Logged from a phone after the meeting.",
            "kind": "engagement",
            "occurred_on": "2009-11-03",
            "competency_numbers": [str(n) for n in range(1, 12)],
        },
    )
    if role in MAY_LOG:
        assert response.status_code == 303, response.text
        assert response.headers["location"].startswith("/evidence/")
    else:
        assert response.status_code in (403, 404), response.status_code
    assert _state(client, world, ids) == before
