"""SPEC §6.4, the panel: the SHA's reviewers record its date, members, the PCT's attendees
and notes; whoever sees the assessment reads it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import ok, reviewed, submitted
from tests.factories import auth

PANEL = {
    "date": "2010-03-11",
    "members": [
        {"name": "Dr Ruth Adeyemi", "role": "Chair, SHA director of commissioning"},
        {"name": "Mark Oduya", "role": "Finance lead"},
    ],
    "pct_attendees": [{"name": "Sarah Lin", "role": "Chief executive"}],
    "notes": "Strong on engagement; challenge on procurement skills.",
}


def _panel(aid: int) -> str:
    return f"/api/v1/assessments/{aid}/panel"


def test_the_reviewer_records_the_panel_and_the_pct_reads_it(client: TestClient, world) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    missing = client.get(_panel(aid), headers=auth(world.a.lead))
    assert missing.status_code == 404
    assert "No panel has been recorded" in missing.json()["detail"]
    saved = ok(client.put(_panel(aid), json=PANEL, headers=auth(world.reviewer)))
    assert saved["version"] == 1 and saved["updated_by_name"]
    read = ok(client.get(_panel(aid), headers=auth(world.a.board)))
    assert read["date"] == "2010-03-11"
    assert read["members"][0] == PANEL["members"][0]
    assert read["pct_attendees"] == PANEL["pct_attendees"]
    corrected = ok(
        client.put(
            _panel(aid),
            json=PANEL | {"notes": "Corrected.", "version": 1},
            headers=auth(world.reviewer),
        )
    )
    assert corrected["version"] == 2 and corrected["notes"] == "Corrected."
    stale = client.put(_panel(aid), json=PANEL | {"version": 1}, headers=auth(world.reviewer))
    assert stale.status_code == 409
    assert ok(client.get(_panel(aid), headers=auth(world.a.lead)))["notes"] == "Corrected."


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        ({"members": []}, "at least 1 item"),
        ({"members": [{"name": " ", "role": "Chair"}]}, "at least 1 character"),
        ({"date": "2008-01-01"}, "must not be before the cycle opened"),
        ({"date": "2013-01-01"}, "a year after the review deadline"),
        ({"date": "11/03/2010"}, "valid date"),
    ],
    ids=["no-members", "blank-name", "before-cycle", "years-late", "not-a-date"],
)
def test_a_bad_panel_is_422_and_keeps_what_was_there(
    client: TestClient, world, change: dict[str, Any], fault: str
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    ok(client.put(_panel(aid), json=PANEL, headers=auth(world.reviewer)))
    refused = client.put(_panel(aid), json=PANEL | change, headers=auth(world.reviewer))
    assert refused.status_code == 422, refused.text
    assert fault in refused.text
    assert ok(client.get(_panel(aid), headers=auth(world.reviewer)))["notes"] == PANEL["notes"]


def test_the_panel_record_is_fixed_once_the_review_is_final(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    ok(client.put(_panel(aid), json=PANEL, headers=auth(world.reviewer)))
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    refused = client.put(_panel(aid), json=PANEL, headers=auth(world.reviewer))
    assert refused.status_code == 409
    assert "review is final" in refused.json()["detail"]
