"""The whole assurance story, through HTTP only, from an empty system to a finalised review."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.users import service as user_service
from app.users.models import Role
from tests.api_steps import ok

PASSWORD = "a-strong-password-2009"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class Person:
    def __init__(self, client: TestClient, email: str) -> None:
        token = ok(
            client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        )
        self.headers = {"Authorization": f"Bearer {token['access_token']}"}
        self.client = client

    def get(self, path: str, **kwargs) -> dict:
        return ok(self.client.get(path, headers=self.headers, **kwargs))

    def send(self, method: str, path: str, status: int = 200, **kwargs) -> dict:
        return ok(self.client.request(method, path, headers=self.headers, **kwargs), status)


def test_the_assurance_story_from_set_up_to_finalised_review(
    client: TestClient, session: Session
) -> None:
    # Given an administrator (the one account made on the command line)
    user_service.create_user(
        session,
        SYSTEM,
        email="admin@sha.test",
        full_name="Ada Admin",
        password=PASSWORD,
        role=Role.ADMIN,
    )
    admin = Person(client, "admin@sha.test")

    # When the administrator sets up an SHA, two PCTs, a practice, a cycle and users of every role
    admin.send(
        "POST",
        "/api/v1/organisations",
        201,
        json={"code": "Q32", "name": "Yorkshire and the Humber SHA", "kind": "sha"},
    )
    for code, name in (("5N1", "Leeds PCT"), ("5N2", "Kirklees PCT")):
        admin.send(
            "POST",
            "/api/v1/organisations",
            201,
            json={
                "code": code,
                "name": name,
                "kind": "pct",
                "parent_code": "Q32",
                "population": 750000,
                "practice_count": 110,
            },
        )
    admin.send(
        "POST",
        "/api/v1/organisations",
        201,
        json={
            "code": "B86001",
            "name": "Meanwood Group Practice",
            "kind": "practice",
            "parent_code": "5N1",
        },
    )
    cycle = admin.send(
        "POST",
        "/api/v1/cycles",
        201,
        json={
            "name": "2009/10",
            "opens_on": "2009-09-16",
            "submission_due": "2009-12-18",
            "review_due": "2010-05-21",
        },
    )
    people = {
        "lead@leeds.test": ("pct_lead", "5N1"),
        "board@leeds.test": ("board_member", "5N1"),
        "gp@leeds.test": ("clinician", "B86001"),
        "lead@kirklees.test": ("pct_lead", "5N2"),
        "reviewer@sha.test": ("sha_reviewer", "Q32"),
    }
    for email, (role, org) in people.items():
        admin.send(
            "POST",
            "/api/v1/users",
            201,
            json={
                "email": email,
                "full_name": email.split("@")[0].title(),
                "password": PASSWORD,
                "role": role,
                "organisation_code": org,
            },
        )
    lead, board, gp = (
        Person(client, "lead@leeds.test"),
        Person(client, "board@leeds.test"),
        Person(client, "gp@leeds.test"),
    )
    reviewer, kirklees = Person(client, "reviewer@sha.test"), Person(client, "lead@kirklees.test")

    # And the Leeds lead opens the assessment; the clinician and the lead log evidence with files
    assessment = lead.send(
        "POST",
        "/api/v1/assessments",
        201,
        json={"organisation_code": "5N1", "cycle_id": cycle["id"]},
    )
    aid = assessment["id"]
    engagement = gp.send(
        "POST",
        "/api/v1/evidence",
        201,
        json={
            "organisation_code": "5N1",
            "title": "Leodis locality meeting: dermatology business case",
            "description": "GPs agreed a community dermatology service.",
            "kind": "engagement",
            "occurred_on": "2009-10-07",
            "competency_numbers": [4],
            "practice_code": "B86001",
            "clinicians_involved": 23,
            "practices_involved": 11,
        },
    )
    gp.send(
        "POST",
        f"/api/v1/evidence/{engagement['id']}/attachments",
        201,
        files={"file": ("minutes.pdf", PDF, "application/pdf")},
    )
    plan = lead.send(
        "POST",
        "/api/v1/evidence",
        201,
        json={
            "organisation_code": "5N1",
            "title": "Five-year strategic plan 2009-2014",
            "kind": "plan",
            "occurred_on": "2009-11-02",
            "competency_numbers": list(range(1, 12)),
        },
    )
    lead.send(
        "POST",
        f"/api/v1/evidence/{plan['id']}/attachments",
        201,
        files={"file": ("plan.csv", b"year,target\n2010,1\n", "text/csv")},
    )

    # And scores all eleven competencies
    for number in range(1, 12):
        lead.send(
            "PUT",
            f"/api/v1/assessments/{aid}/self-scores/{number}",
            json={
                "level": 3 if number == 4 else 2,
                "rationale": f"Rationale for {number}.",
                "improvement_action": "Extend to all localities.",
                "target_level": 3,
            },
        )
    # And presents both items in the assessment
    assert lead.get(f"/api/v1/assessments/{aid}")["readiness"]["ready"] is False
    for item in (engagement, plan):
        lead.send("PUT", f"/api/v1/assessments/{aid}/evidence/{item['id']}", 204)
    assert lead.get(f"/api/v1/assessments/{aid}")["readiness"]["missing"] == [
        "Governance (Strategy): no rating",
        "Governance (Finance): no rating",
        "Governance (Board): no rating",
        "Outcomes: no outcome measure presented",
    ]

    # And rates governance, and chooses an outcome measure with its five-year trajectory
    for area, rating in (("strategy", "amber"), ("finance", "green"), ("board", "green")):
        lead.send(
            "PUT",
            f"/api/v1/assessments/{aid}/governance/{area}",
            json={"rating": rating, "narrative": f"What the board has seen on {area}."},
        )
    alcohol = lead.send(
        "POST",
        "/api/v1/organisations/5N1/outcomes",
        201,
        json={
            "title": "Alcohol-related hospital admissions",
            "indicator": "Admissions per 100,000 population, directly standardised",
            "source": "vital_signs",
            "unit": "per 100,000",
            "better": "lower",
            "baseline_year": 2008,
            "baseline_value": 1620,
            "trajectory": [{"year": y, "value": 1620 - 40 * (y - 2008)} for y in range(2009, 2014)],
        },
    )
    lead.send(
        "PUT",
        f"/api/v1/organisations/5N1/outcomes/{alcohol['id']}/actuals/2009",
        json={"value": 1575},
    )
    lead.send("PUT", f"/api/v1/assessments/{aid}/outcomes/{alcohol['id']}", 204)
    assert lead.get(f"/api/v1/assessments/{aid}")["readiness"] == {"ready": True, "missing": []}

    # Then the board signs off at its meeting and the lead submits; the reviewer can now see
    # it, Kirklees cannot
    decision = {"meeting_date": "2009-11-26", "minute_reference": "09/143", "declaration": True}
    board.send("POST", f"/api/v1/assessments/{aid}/sign-off", json=decision)
    first = lead.send("POST", f"/api/v1/assessments/{aid}/submit")
    assert first["status"] == "submitted"
    assert sorted(first["presented_evidence_ids"]) == sorted([engagement["id"], plan["id"]])
    assert reviewer.get(f"/api/v1/assessments/{aid}")["status"] == "submitted"
    assert client.get(f"/api/v1/assessments/{aid}", headers=kirklees.headers).status_code == 404

    # When the reviewer scores, rates evidence and returns it once with a reason
    reviewer.send(
        "PUT",
        f"/api/v1/assessments/{aid}/review-scores/4",
        json={"level": 2, "comment": "Engagement is real but in one locality only."},
    )
    reviewer.send(
        "PUT",
        f"/api/v1/assessments/{aid}/evidence-ratings/{engagement['id']}",
        json={"rating": "adequate", "comment": "One locality."},
    )
    returned = reviewer.send(
        "POST",
        f"/api/v1/assessments/{aid}/return",
        json={
            "reason": "Show engagement beyond Leodis.",
            "points": [{"competency_number": 4, "request": "Engagement across the city?"}],
        },
    )
    assert returned["status"] == "returned"
    [point] = returned["return_points"]

    # And the PCT adds evidence, presents it, answers the point, the board signs again, and the
    # lead resubmits
    workshop = gp.send(
        "POST",
        "/api/v1/evidence",
        201,
        json={
            "organisation_code": "5N1",
            "title": "City-wide diabetes pathway workshop",
            "kind": "engagement",
            "occurred_on": "2009-12-01",
            "competency_numbers": [4, 8],
            "clinicians_involved": 61,
            "practices_involved": 40,
        },
    )
    assert lead.get(f"/api/v1/assessments/{aid}")["status"] == "returned"
    lead.send("PUT", f"/api/v1/assessments/{aid}/evidence/{workshop['id']}", 204)
    lead.send(
        "PUT",
        f"/api/v1/assessments/{aid}/return-points/{point['id']}",
        json={"response": "The city-wide diabetes workshop drew 40 practices."},
    )
    board.send(
        "POST",
        f"/api/v1/assessments/{aid}/sign-off",
        json={**decision, "meeting_date": "2009-12-17"},
    )
    again = lead.send("POST", f"/api/v1/assessments/{aid}/submit")
    assert len(again["presented_evidence_ids"]) == 3
    assert [r["round"] for r in lead.get(f"/api/v1/assessments/{aid}/submissions")] == [1, 2]

    # Then the reviewer scores all eleven and finalises
    for number in range(1, 12):
        reviewer.send(
            "PUT",
            f"/api/v1/assessments/{aid}/review-scores/{number}",
            json={"level": 2, "comment": "Moderated."},
        )
    for area in ("strategy", "finance", "board"):
        reviewer.send(
            "PUT",
            f"/api/v1/assessments/{aid}/governance-reviews/{area}",
            json={"rating": "amber", "comment": "The panel sees some concerns."},
        )
    final = reviewer.send("POST", f"/api/v1/assessments/{aid}/finalise")
    assert final["status"] == "finalised"
    assert [g["rating"] for g in final["governance_reviews"]] == ["amber"] * 3
    assert [s["level"] for s in final["review_scores"]] == [2] * 11
    assert (
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/1",
            json={"level": 4, "rationale": "x"},
            headers=lead.headers,
        ).status_code
        == 409
    )

    # And the audit trail tells the story in order
    trail = admin.get("/api/v1/audit", params={"entity": "assessment", "entity_id": aid})["items"]
    assert [e["action"] for e in reversed(trail)] == [
        "create",
        "present_evidence",
        "present_evidence",
        "present_outcome",
        "sign_off",
        "submit",
        "start_review",
        "return",
        "present_evidence",
        "sign_off",
        "submit",
        "start_review",
        "finalise",
    ]
    return_event = next(e for e in trail if e["action"] == "return")
    assert return_event["actor_label"] == "reviewer@sha.test"
    assert return_event["after"]["reason"] == "Show engagement beyond Leodis."
    leeds_view = lead.get("/api/v1/audit", params={"limit": 500})
    assert leeds_view["total"] > 30
    assert client.get("/api/v1/audit", headers=gp.headers).status_code == 403
