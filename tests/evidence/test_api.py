"""Evidence through the JSON API: logging, validation, search, changes and deletion."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_steps import log_evidence, ok
from tests.factories import auth


def test_clinician_logs_engagement_evidence_with_practice_and_counts(
    client: TestClient, world
) -> None:
    item = log_evidence(
        client,
        world.practice_clinician,
        world.a.pct.code,
        [4, 3, 4],
        title="PBC locality meeting on the diabetes pathway",
        kind="engagement",
        practice_code=world.practice.code,
        clinicians_involved=14,
        practices_involved=1,
        url="https://intranet.example.nhs.uk/minutes/42",
    )
    assert item["competency_numbers"] == [3, 4]
    assert item["practice_code"] == world.practice.code
    assert (item["clinicians_involved"], item["practices_involved"]) == (14, 1)
    assert item["practice_name"] == world.practice.name and item["pbc_group_name"] is None
    assert item["author_id"] == world.practice_clinician.id
    assert item["organisation_code"] == world.a.pct.code
    assert item["version"] == 1


def test_invalid_evidence_is_422_with_the_field_named(client: TestClient, world) -> None:
    base = {
        "organisation_code": world.a.pct.code,
        "title": "A title",
        "kind": "minutes",
        "occurred_on": "2009-10-01",
        "competency_numbers": [1],
    }
    cases = {
        "kind": {"kind": "rumour"},
        "occurred_on": {"occurred_on": "2009-02-30"},
        "competency_numbers": {"competency_numbers": [12]},
        "title": {"title": "   "},
        "url": {"url": "javascript:alert(1)"},
        "clinicians_involved": {"clinicians_involved": -3},
    }
    for field, change in cases.items():
        response = client.post("/api/v1/evidence", json=base | change, headers=auth(world.a.lead))
        assert response.status_code == 422, field
        body = response.json()
        named = (
            {body["field"]}
            if "field" in body
            else {str(part) for error in body["detail"] for part in error["loc"]}
        )
        assert field in named
    empty = client.post(
        "/api/v1/evidence", json=base | {"competency_numbers": []}, headers=auth(world.a.lead)
    )
    assert empty.status_code == 422


def test_practice_outside_the_pct_is_not_found(client: TestClient, world) -> None:
    response = client.post(
        "/api/v1/evidence",
        json={
            "organisation_code": world.b.pct.code,
            "title": "x",
            "kind": "minutes",
            "occurred_on": "2009-10-01",
            "competency_numbers": [1],
            "practice_code": world.practice.code,
        },
        headers=auth(world.b.lead),
    )
    assert response.status_code == 404
    assert response.json()["detail"] == (
        f"There is no practice or PBC group {world.practice.code} in {world.b.pct.name}"
    )


def test_evidence_for_another_pct_is_404_and_board_members_cannot_log(
    client: TestClient, world
) -> None:
    other = client.post(
        "/api/v1/evidence",
        json={
            "organisation_code": world.b.pct.code,
            "title": "x",
            "kind": "minutes",
            "occurred_on": "2009-10-01",
            "competency_numbers": [1],
        },
        headers=auth(world.a.lead),
    )
    assert other.status_code == 404
    board = client.post(
        "/api/v1/evidence",
        json={
            "organisation_code": world.a.pct.code,
            "title": "x",
            "kind": "minutes",
            "occurred_on": "2009-10-01",
            "competency_numbers": [1],
        },
        headers=auth(world.a.board),
    )
    assert board.status_code == 403


def test_search_filters_and_paging(client: TestClient, world) -> None:
    pct = world.a.pct.code
    log_evidence(client, world.a.lead, pct, [7], title="Market position statement", kind="plan")
    log_evidence(
        client, world.a.lead, pct, [4], title="GP forum on diabetes", description="100% turnout"
    )
    log_evidence(
        client, world.a.clinician, pct, [4, 3], title="Patient panel on COPD", kind="engagement"
    )
    log_evidence(client, world.b.lead, world.b.pct.code, [4], title="Diabetes elsewhere")
    headers = auth(world.a.lead)
    everything = ok(client.get("/api/v1/evidence", headers=headers))
    assert everything["total"] == 3
    by_competency = ok(client.get("/api/v1/evidence", params={"competency": 4}, headers=headers))
    assert {i["title"] for i in by_competency["items"]} == {
        "GP forum on diabetes",
        "Patient panel on COPD",
    }
    by_kind = ok(client.get("/api/v1/evidence", params={"kind": "plan"}, headers=headers))
    assert [i["title"] for i in by_kind["items"]] == ["Market position statement"]
    by_text = ok(client.get("/api/v1/evidence", params={"q": "DIABETES"}, headers=headers))
    assert [i["title"] for i in by_text["items"]] == ["GP forum on diabetes"]
    literal_percent = ok(client.get("/api/v1/evidence", params={"q": "100%"}, headers=headers))
    assert literal_percent["total"] == 1
    wildcard = ok(client.get("/api/v1/evidence", params={"q": "%"}, headers=headers))
    assert wildcard["total"] == 1
    page = ok(client.get("/api/v1/evidence", params={"limit": 2, "offset": 2}, headers=headers))
    assert (page["total"], len(page["items"])) == (3, 1)
    assert client.get("/api/v1/evidence", params={"limit": 0}, headers=headers).status_code == 422
    assert (
        client.get("/api/v1/evidence", params={"competency": 12}, headers=headers).status_code
        == 422
    )


def test_update_with_stale_version_is_409_and_keeps_the_newer_change(
    client: TestClient, world
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [1])
    url = f"/api/v1/evidence/{item['id']}"
    newer = ok(client.patch(url, json={"title": "Newer", "version": 1}, headers=auth(world.a.lead)))
    assert newer["version"] == 2
    stale = client.patch(url, json={"title": "Stale", "version": 1}, headers=auth(world.a.lead))
    assert stale.status_code == 409
    assert ok(client.get(url, headers=auth(world.a.lead)))["title"] == "Newer"


def test_clinicians_change_only_their_own_items_and_leads_any(client: TestClient, world) -> None:
    mine = log_evidence(client, world.a.clinician, world.a.pct.code, [4])
    leads = log_evidence(client, world.a.lead, world.a.pct.code, [4])
    assert (
        client.patch(
            f"/api/v1/evidence/{leads['id']}", json={"title": "x"}, headers=auth(world.a.clinician)
        ).status_code
        == 403
    )
    ok(
        client.patch(
            f"/api/v1/evidence/{mine['id']}",
            json={"competency_numbers": [3, 4]},
            headers=auth(world.a.clinician),
        )
    )
    ok(
        client.patch(
            f"/api/v1/evidence/{mine['id']}",
            json={"kind": "case_study"},
            headers=auth(world.a.lead),
        )
    )
    assert (
        client.patch(
            f"/api/v1/evidence/{mine['id']}", json={"title": None}, headers=auth(world.a.lead)
        ).status_code
        == 422
    )


def test_delete_removes_the_item_and_writes_an_audit_event(client: TestClient, world) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [2])
    response = client.delete(f"/api/v1/evidence/{item['id']}", headers=auth(world.a.lead))
    assert response.status_code == 204
    assert (
        client.get(f"/api/v1/evidence/{item['id']}", headers=auth(world.a.lead)).status_code == 404
    )
    trail = ok(
        client.get(
            "/api/v1/audit",
            params={"entity": "evidence", "entity_id": item["id"]},
            headers=auth(world.a.lead),
        )
    )
    assert [e["action"] for e in trail["items"]] == ["delete", "create"]
    assert trail["items"][0]["before"]["title"] == item["title"]
