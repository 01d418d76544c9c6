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


def criteria_of(client: TestClient, user: User, assessment_id: int) -> dict[int, list[str]]:
    """The criteria of each competency the assessment's framework scores through criteria."""
    detail = ok(client.get(f"/api/v1/assessments/{assessment_id}", headers=auth(user)))
    framework = ok(
        client.get(f"/api/v1/frameworks/{detail['framework_version']}", headers=auth(user))
    )
    return {
        c["number"]: [k["number"] for k in c["criteria"]]
        for c in framework["competencies"]
        if c["criteria"] and c["number"] in detail["assessed_competencies"]
    }


def score_all(client: TestClient, lead: User, assessment_id: int, level: int = 2) -> None:
    """Every competency the cycle assesses at ``level`` (through its criteria, where it has
    them)."""
    detail = ok(client.get(f"/api/v1/assessments/{assessment_id}", headers=auth(lead)))
    for number, criteria in criteria_of(client, lead, assessment_id).items():
        for criterion in criteria:
            ok(
                client.put(
                    f"/api/v1/assessments/{assessment_id}/self-scores/{number}/criteria/{criterion}",
                    json={"level": level},
                    headers=auth(lead),
                )
            )
    for number in detail["assessed_competencies"]:
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
    rate_governance(client, lead, assessment["id"])
    present_outcome(client, lead, pct_code, assessment["id"])
    return assessment


GOVERNANCE = {"rating": "amber", "narrative": "The board reviewed this area and has plans."}
OUTCOME = {
    "title": "Smoking prevalence in adults",
    "indicator": "Adults who smoke, from the integrated household survey",
    "source": "vital_signs",
    "unit": "% of adults",
    "better": "lower",
    "baseline_year": 2008,
    "baseline_value": 24.0,
    "trajectory": [{"year": y, "value": 24.0 - (y - 2008)} for y in range(2009, 2014)],
}


def rate_governance(client: TestClient, lead: User, assessment_id: int, **body: Any) -> None:
    """The PCT rates strategy, finance and board (amber, with a narrative, by default)."""
    for area in ("strategy", "finance", "board"):
        ok(
            client.put(
                f"/api/v1/assessments/{assessment_id}/governance/{area}",
                json={**GOVERNANCE, **body},
                headers=auth(lead),
            )
        )


def present_outcome(client: TestClient, lead: User, pct_code: str, assessment_id: int) -> dict:
    """The PCT adds an outcome measure (unless it has it already) and presents it in the
    assessment."""
    url = f"/api/v1/organisations/{pct_code}/outcomes"
    kept = [o for o in ok(client.get(url, headers=auth(lead))) if o["title"] == OUTCOME["title"]]
    outcome = kept[0] if kept else ok(client.post(url, json=OUTCOME, headers=auth(lead)), 201)
    ok(
        client.put(
            f"/api/v1/assessments/{assessment_id}/outcomes/{outcome['id']}", headers=auth(lead)
        ),
        204,
    )
    return outcome


def review_all(client: TestClient, reviewer: User, assessment_id: int, level: int = 2) -> None:
    """The panel's level for every competency the cycle assesses (through criteria where there
    are any), and its rating of each governance area."""
    detail = ok(client.get(f"/api/v1/assessments/{assessment_id}", headers=auth(reviewer)))
    base = f"/api/v1/assessments/{assessment_id}/review-scores"
    for number, criteria in criteria_of(client, reviewer, assessment_id).items():
        for criterion in criteria:
            ok(
                client.put(
                    f"{base}/{number}/criteria/{criterion}",
                    json={"level": level, "comment": "Agreed."},
                    headers=auth(reviewer),
                )
            )
    for number in detail["assessed_competencies"]:
        review_score(client, reviewer, assessment_id, number, level=level)
    review_governance(client, reviewer, assessment_id)


def review_score(
    client: TestClient, reviewer: User, assessment_id: int, number: int, **body: Any
) -> None:
    """The panel's level for one competency (2, agreed, unless ``body`` says otherwise)."""
    url = f"/api/v1/assessments/{assessment_id}/review-scores/{number}"
    ok(client.put(url, json={"level": 2, "comment": "Agreed.", **body}, headers=auth(reviewer)))


def review_governance(
    client: TestClient,
    reviewer: User,
    assessment_id: int,
    areas: tuple[str, ...] = ("strategy", "finance", "board"),
    **body: Any,
) -> None:
    """The SHA's panel rates each governance area (amber, as the PCT did, unless ``body``
    says otherwise)."""
    for area in areas:
        ok(
            client.put(
                f"/api/v1/assessments/{assessment_id}/governance-reviews/{area}",
                json={"rating": "amber", "comment": "The panel agrees.", **body},
                headers=auth(reviewer),
            )
        )


def submitted(client: TestClient, lead: User, board: User, pct_code: str, cycle_id: int) -> dict:
    assessment = ready_to_sign(client, lead, pct_code, cycle_id)
    sign_off(client, board, assessment["id"])
    return ok(client.post(f"/api/v1/assessments/{assessment['id']}/submit", headers=auth(lead)))


def reviewed(client: TestClient, world: Any, level: int = 2) -> int:
    """PCT "a"'s assessment, submitted, with every review score and governance rating in."""
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, aid, level)
    return aid


def share_provisional(client: TestClient, reviewer: User, assessment_id: int) -> dict:
    return ok(
        client.post(f"/api/v1/assessments/{assessment_id}/provisional", headers=auth(reviewer))
    )


def check_facts(
    client: TestClient, lead: User, assessment_id: int, comments: list[dict[str, Any]]
) -> dict:
    return ok(
        client.post(
            f"/api/v1/assessments/{assessment_id}/factual-accuracy",
            json={"comments": comments},
            headers=auth(lead),
        )
    )


def open_thread(
    client: TestClient, user: User, assessment_id: int, message: str, number: int | None = None
) -> dict:
    body: dict[str, Any] = {"message": message}
    if number is not None:
        body["competency_number"] = number
    return ok(
        client.post(f"/api/v1/assessments/{assessment_id}/threads", json=body, headers=auth(user)),
        201,
    )


def resubmit_after_return(client: TestClient, world: Any, assessment_id: int) -> dict:
    """PCT "a" answers every open point of the return, signs off again and resubmits."""
    points = ok(
        client.get(f"/api/v1/assessments/{assessment_id}/return-points", headers=auth(world.a.lead))
    )
    for point in points:
        if point["response"] is None:
            ok(
                client.put(
                    f"/api/v1/assessments/{assessment_id}/return-points/{point['id']}",
                    json={"response": "Addressed."},
                    headers=auth(world.a.lead),
                )
            )
    sign_off(client, world.a.board, assessment_id)
    return ok(
        client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=auth(world.a.lead))
    )
