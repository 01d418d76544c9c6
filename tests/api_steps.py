"""Steps the API tests share: the moves a PCT makes on the way to a submission."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.users.models import User
from tests.factories import auth


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def open_assessment(client: TestClient, lead: User, pct_code: str, cycle_id: int) -> dict:
    return ok(
        client.post(
            "/api/v1/assessments",
            json={"organisation_code": pct_code, "cycle_id": cycle_id},
            headers=auth(lead),
        ),
        201,
    )


def log_evidence(
    client: TestClient, user: User, pct_code: str, competencies: list[int], **fields: Any
) -> dict:
    body = {
        "organisation_code": pct_code,
        "title": fields.pop("title", f"Evidence for {competencies}"),
        "description": fields.pop("description", "What happened, in a sentence."),
        "kind": fields.pop("kind", "minutes"),
        "occurred_on": fields.pop("occurred_on", "2009-10-14"),
        "competency_numbers": competencies,
        **fields,
    }
    return ok(client.post("/api/v1/evidence", json=body, headers=auth(user)), 201)


def score_all(client: TestClient, lead: User, assessment_id: int, level: int = 2) -> None:
    for number in range(1, 12):
        ok(
            client.put(
                f"/api/v1/assessments/{assessment_id}/self-scores/{number}",
                json={
                    "level": level,
                    "rationale": f"Why competency {number} sits at level {level}.",
                    "improvement_action": "Do more, better.",
                    "target_level": min(level + 1, 4),
                },
                headers=auth(lead),
            )
        )


# What a board's sign-off sends: the meeting that ratified it, its minute, the declaration.
SIGN_OFF = {"meeting_date": "2009-12-01", "minute_reference": "BD/09/147", "declaration": True}


def present(client: TestClient, lead: User, assessment_id: int, evidence_id: int) -> None:
    """Add a library item to what the assessment presents."""
    ok(
        client.put(
            f"/api/v1/assessments/{assessment_id}/evidence/{evidence_id}", headers=auth(lead)
        ),
        204,
    )


def sign_off(client: TestClient, board: User, assessment_id: int, **body: Any) -> dict:
    return ok(
        client.post(
            f"/api/v1/assessments/{assessment_id}/sign-off",
            json={**SIGN_OFF, **body},
            headers=auth(board),
        )
    )


def ready_to_sign(client: TestClient, lead: User, pct_code: str, cycle_id: int) -> dict:
    """An assessment with all eleven scored and one item presented for all of them: ready for
    the board."""
    assessment = open_assessment(client, lead, pct_code, cycle_id)
    plan = log_evidence(
        client, lead, pct_code, list(range(1, 12)), title="Five-year strategic plan"
    )
    present(client, lead, assessment["id"], plan["id"])
    score_all(client, lead, assessment["id"])
    return assessment


def submitted(client: TestClient, lead: User, board: User, pct_code: str, cycle_id: int) -> dict:
    assessment = ready_to_sign(client, lead, pct_code, cycle_id)
    sign_off(client, board, assessment["id"])
    return ok(client.post(f"/api/v1/assessments/{assessment['id']}/submit", headers=auth(lead)))
