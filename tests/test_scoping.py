"""Lists, searches and downloads never show another organisation's rows."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_steps import log_evidence, ok, submitted
from tests.factories import auth


def test_evidence_lists_hold_only_the_callers_pct(client: TestClient, world) -> None:
    mine = log_evidence(client, world.a.lead, world.a.pct.code, [1], title="Shared word alpha")
    log_evidence(client, world.b.lead, world.b.pct.code, [1], title="Shared word beta")
    for user in (world.a.lead, world.a.board, world.a.clinician, world.practice_clinician):
        listed = ok(client.get("/api/v1/evidence", params={"q": "shared"}, headers=auth(user)))
        assert [i["id"] for i in listed["items"]] == [mine["id"]]
    other = ok(
        client.get(
            "/api/v1/evidence",
            params={"organisation_code": world.a.pct.code},
            headers=auth(world.b.lead),
        )
    )
    assert other == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_reviewers_see_only_evidence_presented_to_them(client: TestClient, world) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    log_evidence(client, world.a.lead, world.a.pct.code, [2], title="Logged after submission")
    seen = ok(client.get("/api/v1/evidence", headers=auth(world.reviewer)))
    assert [i["id"] for i in seen["items"]] == assessment["presented_evidence_ids"]
    assert ok(client.get("/api/v1/evidence", headers=auth(world.other_reviewer)))["total"] == 0


def test_audit_for_a_lead_holds_only_their_pcts_events(client: TestClient, world) -> None:
    log_evidence(client, world.a.lead, world.a.pct.code, [1])
    theirs = log_evidence(client, world.b.lead, world.b.pct.code, [1])
    events = ok(client.get("/api/v1/audit", params={"limit": 500}, headers=auth(world.b.lead)))[
        "items"
    ]
    assert events and {e["organisation_id"] for e in events} == {world.b.pct.id}
    assert theirs["id"] in {e["entity_id"] for e in events if e["entity"] == "evidence"}


def test_organisation_list_is_scoped(client: TestClient, world) -> None:
    codes = {
        o["code"]
        for o in ok(client.get("/api/v1/organisations", headers=auth(world.practice_clinician)))
    }
    assert codes == {world.sha.code, world.a.pct.code, world.practice.code}
    reviewer_codes = {
        o["code"] for o in ok(client.get("/api/v1/organisations", headers=auth(world.reviewer)))
    }
    assert reviewer_codes == {world.sha.code, world.a.pct.code, world.b.pct.code}
    assert world.c.pct.code not in reviewer_codes


def test_guessed_ids_across_organisations_are_404(client: TestClient, world) -> None:
    theirs = log_evidence(client, world.c.lead, world.c.pct.code, [1])
    for user in (world.a.lead, world.reviewer, world.b.lead):
        assert client.get(f"/api/v1/evidence/{theirs['id']}", headers=auth(user)).status_code == 404
        assert (
            client.patch(
                f"/api/v1/evidence/{theirs['id']}", json={"title": "x"}, headers=auth(user)
            ).status_code
            == 404
        )
