"""SPEC §6.5 through the JSON API: after the SHA finalises an assessment, the PCT's lead keeps
a development plan (actions, owners, due dates, the SHA's support, status and dated progress
notes) that the PCT's board and its SHA read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.assessments.models import Assessment
from app.audit import AuditEvent
from app.development.rules import latest_due_on
from app.wording import today_in_england
from tests.api_steps import ok, review_all, reviewed, submitted
from tests.factories import auth, make_cycle
from tests.statements import counting


def _url(aid: int, tail: str = "") -> str:
    return f"/api/v1/assessments/{aid}/development-actions{tail}"


def finalised(client: TestClient, world: Any) -> int:
    """PCT "a"'s assessment, reviewed in full and finalised by its SHA today."""
    aid = reviewed(client, world)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    return aid


def _in_days(days: int) -> str:
    return (today_in_england() + timedelta(days=days)).isoformat()


def action_body(**change: Any) -> dict[str, Any]:
    return {
        "competency_number": 4,
        "action": "Hold a stakeholder event with every practice before the next plan.",
        "owner": "Director of commissioning",
        "due_on": _in_days(90),
        "support": "fesc",
        "support_note": "Lot 3: patient and public engagement.",
    } | change


def add(client: TestClient, world: Any, aid: int, **change: Any) -> dict[str, Any]:
    return ok(client.post(_url(aid), json=action_body(**change), headers=auth(world.a.lead)), 201)


def patch(client: TestClient, world: Any, aid: int, action_id: int, **body: Any) -> dict[str, Any]:
    return ok(client.patch(_url(aid, f"/{action_id}"), json=body, headers=auth(world.a.lead)))


def _backdate_finalisation(session: Session, aid: int, days: int) -> None:
    """The SHA finalised the assessment ``days`` ago."""
    assessment = session.get(Assessment, aid)
    assert assessment is not None
    assessment.finalised_at = datetime.now(UTC) - timedelta(days=days)
    session.add(assessment)
    session.commit()


def test_the_lead_adds_actions_and_the_board_and_the_sha_read_the_plan(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    on_four = add(client, world, aid)
    general = add(
        client,
        world,
        aid,
        competency_number=None,
        action="Train the board in commissioning for outcomes.",
        owner="Board secretary",
        due_on=_in_days(30),
        support=None,
        support_note=None,
    )
    assert on_four["status"] == "not_started" and on_four["version"] == 1
    assert on_four["support"] == "fesc"
    assert on_four["support_note"] == "Lot 3: patient and public engagement."
    assert on_four["overdue"] is False and on_four["progress_notes"] == []
    assert on_four["created_by_name"] == world.a.lead.full_name
    assert general["competency_number"] is None and general["support"] == "none"
    assert general["support_note"] == ""
    for reader in (world.a.lead, world.a.board, world.reviewer, world.admin):
        plan = ok(client.get(_url(aid), headers=auth(reader)))
        # Actions on the whole assessment first, then by competency.
        assert [a["id"] for a in plan] == [general["id"], on_four["id"]]
        assert plan[1]["due_on"] == on_four["due_on"]
    one = ok(client.get(_url(aid, f"/{on_four['id']}"), headers=auth(world.reviewer)))
    assert one["action"] == on_four["action"]


def test_progress_notes_are_kept_in_order_with_who_when_and_the_status_they_set(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = add(client, world, aid)
    first = patch(
        client, world, aid, action["id"], status="on_track", progress_note="Venue booked."
    )
    assert first["status"] == "on_track" and first["version"] == 2
    second = patch(
        client,
        world,
        aid,
        action["id"],
        status="at_risk",
        progress_note="Half the practices cannot come in March.",
        version=2,
    )
    assert second["version"] == 3
    third = patch(client, world, aid, action["id"], progress_note="Second date offered.")
    assert third["status"] == "at_risk" and third["version"] == 3
    status_only = patch(client, world, aid, action["id"], status="on_track")
    assert len(status_only["progress_notes"]) == 3

    plan = ok(client.get(_url(aid), headers=auth(world.reviewer)))
    notes = plan[0]["progress_notes"]
    assert [n["note"] for n in notes] == [
        "Venue booked.",
        "Half the practices cannot come in March.",
        "Second date offered.",
    ]
    assert [n["status"] for n in notes] == ["on_track", "at_risk", "at_risk"]
    assert {n["written_by_name"] for n in notes} == {world.a.lead.full_name}
    moments = [datetime.fromisoformat(n["written_at"]) for n in notes]
    assert moments == sorted(moments)
    assert moments[0].date() >= today_in_england() - timedelta(days=1)


def test_a_change_may_say_the_action_afresh(client: TestClient, world) -> None:
    aid = finalised(client, world)
    action = add(client, world, aid)
    changed = patch(
        client,
        world,
        aid,
        action["id"],
        action="Hold two stakeholder events.",
        owner="Head of engagement",
        due_on=_in_days(120),
        support="peer_support",
        support_note="Paired with a PCT rated 3 on competency 4.",
    )
    assert changed["action"] == "Hold two stakeholder events."
    assert changed["owner"] == "Head of engagement"
    assert changed["due_on"] == _in_days(120)
    assert changed["support"] == "peer_support"
    assert changed["support_note"] == "Paired with a PCT rated 3 on competency 4."
    assert changed["status"] == "not_started" and changed["progress_notes"] == []
    assert changed["version"] == 2


def test_every_write_is_audited_with_the_pct(client: TestClient, world, session: Session) -> None:
    aid = finalised(client, world)
    action = add(client, world, aid)
    patch(client, world, aid, action["id"], status="done", progress_note="Event held.")
    events = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.entity).in_(["development_action", "development_progress_note"]))
        .order_by(col(AuditEvent.id))
    ).all()
    assert [(e.entity, e.action) for e in events] == [
        ("development_action", "create"),
        ("development_action", "update"),
        ("development_progress_note", "create"),
    ]
    assert {e.organisation_id for e in events} == {world.a.pct.id}
    assert {e.actor_id for e in events} == {world.a.lead.id}
    update = events[1]
    assert update.before is not None and update.after is not None
    assert (update.before["status"], update.after["status"]) == ("not_started", "done")
    assert events[2].after is not None and events[2].after["note"] == "Event held."


def test_an_action_is_overdue_once_its_due_date_has_passed_until_it_is_done(
    client: TestClient, world, session: Session
) -> None:
    aid = finalised(client, world)
    _backdate_finalisation(session, aid, days=60)
    late = add(client, world, aid, due_on=_in_days(-1))
    due_today = add(client, world, aid, due_on=_in_days(0))
    assert late["overdue"] is True
    assert due_today["overdue"] is False
    at_risk = patch(client, world, aid, late["id"], status="at_risk")
    assert at_risk["overdue"] is True
    done = patch(client, world, aid, late["id"], status="done", progress_note="Held late.")
    assert done["overdue"] is False
    plan = ok(client.get(_url(aid), headers=auth(world.a.board)))
    assert [a["overdue"] for a in plan] == [False, False]


def test_no_action_before_the_review_is_final(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    refused = client.post(_url(aid), json=action_body(), headers=auth(world.a.lead))
    assert refused.status_code == 409
    assert "once it is finalised" in refused.json()["detail"]
    assert "in review" in refused.json()["detail"]
    assert ok(client.get(_url(aid), headers=auth(world.a.lead))) == []


def test_a_reopened_assessment_keeps_its_plan_but_it_cannot_change(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = add(client, world, aid)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/reopen",
            json={"reason": "Scores were entered against the wrong PCT."},
            headers=auth(world.admin),
        )
    )
    refused = client.patch(
        _url(aid, f"/{action['id']}"), json={"status": "done"}, headers=auth(world.a.lead)
    )
    assert refused.status_code == 409
    assert "once it is finalised" in refused.json()["detail"]
    plan = ok(client.get(_url(aid), headers=auth(world.a.lead)))
    assert [a["status"] for a in plan] == ["not_started"]


@pytest.mark.parametrize(
    ("change", "fault", "field"),
    [
        ({"due_on": _in_days(-1)}, "must not be before", "due_on"),
        ({"due_on": "LATEST+1"}, "within five years", "due_on"),
        ({"due_on": "30/09/2010"}, "Give the due date as a date such as 2010-09-30", "due_on"),
        ({"action": ""}, "Write the action", "action"),
        ({"action": "   "}, "Write the action", "action"),
        ({"action": "x" * 2_001}, "at most 2,000 characters", "action"),
        ({"action": 12}, "Write the action as text", "action"),
        ({"owner": ""}, "Name the owner", "owner"),
        ({"owner": "x" * 201}, "at most 200 characters", "owner"),
        ({"support": "consultants"}, "Choose the support from fesc, sha_facilitation", "support"),
        ({"support_note": "x" * 2_001}, "at most 2,000 characters", "support_note"),
        ({"competency_number": 12}, "does not assess competency 12", "competency_number"),
        ({"competency_number": 0}, "There is no competency 0", "competency_number"),
        ({"competency_number": "four"}, "by its number", "competency_number"),
        ({"colour": "red"}, "colour cannot be given here", "body"),
    ],
    ids=[
        "due-before-finalisation",
        "due-beyond-five-years",
        "due-not-a-date",
        "empty-action",
        "blank-action",
        "long-action",
        "action-not-text",
        "empty-owner",
        "long-owner",
        "unknown-support",
        "long-support-note",
        "competency-beyond-framework",
        "competency-zero",
        "competency-not-a-number",
        "unknown-field",
    ],
)
def test_a_bad_action_is_422_naming_the_field_and_adds_nothing(
    client: TestClient, world, change: dict[str, Any], fault: str, field: str
) -> None:
    if change.get("due_on") == "LATEST+1":
        change = {"due_on": (latest_due_on(today_in_england()) + timedelta(days=1)).isoformat()}
    aid = finalised(client, world)
    refused = client.post(_url(aid), json=action_body(**change), headers=auth(world.a.lead))
    assert refused.status_code == 422, refused.text
    assert fault in refused.text
    assert "Value error" not in refused.text
    body = refused.json()
    named = body.get("field") or body["detail"][0]["loc"][-1]
    assert named == field
    assert ok(client.get(_url(aid), headers=auth(world.a.lead))) == []


def test_the_latest_due_date_is_accepted(client: TestClient, world) -> None:
    aid = finalised(client, world)
    latest = latest_due_on(today_in_england()).isoformat()
    assert add(client, world, aid, due_on=latest)["due_on"] == latest


def test_an_action_without_its_owner_or_due_date_says_what_is_missing(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    body = action_body()
    del body["owner"], body["due_on"]
    refused = client.post(_url(aid), json=body, headers=auth(world.a.lead))
    assert refused.status_code == 422
    assert "Give owner and due_on: they are missing" in refused.text


def test_a_competency_the_cycle_does_not_assess_is_422(
    client: TestClient, world, session: Session
) -> None:
    cycle = make_cycle(session, assessed=list(range(1, 11)))
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    refused = client.post(
        _url(aid), json=action_body(competency_number=11), headers=auth(world.a.lead)
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "competency_number"
    assert "does not assess competency 11; it assesses competencies 1 to 10" in refused.text
    assert add(client, world, aid, competency_number=10)["competency_number"] == 10


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        ({"status": "finished"}, "Choose the status from not_started, on_track, at_risk or done"),
        ({"status": "Done"}, "Choose the status from"),
        ({}, "Nothing to change"),
        ({"version": 1}, "Nothing to change"),
        ({"progress_note": "   "}, "Nothing to change"),
        ({"progress_note": "x" * 2_001}, "at most 2,000 characters"),
        ({"owner": " "}, "Name the owner"),
        ({"action": "x" * 2_001}, "at most 2,000 characters"),
        ({"due_on": "LATEST+1"}, "within five years"),
        ({"due_on": "2000-01-01"}, "must not be before"),
        ({"competency_number": 5}, "competency_number cannot be given here; give only status"),
    ],
    ids=[
        "unknown-status",
        "status-in-capitals",
        "empty",
        "version-only",
        "blank-note",
        "long-note",
        "blank-owner",
        "long-action",
        "due-beyond-five-years",
        "due-before-finalisation",
        "competency-cannot-move",
    ],
)
def test_a_bad_change_is_422_and_changes_nothing(
    client: TestClient, world, body: dict[str, Any], fault: str
) -> None:
    if body.get("due_on") == "LATEST+1":
        body = {"due_on": (latest_due_on(today_in_england()) + timedelta(days=1)).isoformat()}
    aid = finalised(client, world)
    action = add(client, world, aid)
    refused = client.patch(_url(aid, f"/{action['id']}"), json=body, headers=auth(world.a.lead))
    assert refused.status_code == 422, refused.text
    assert fault in refused.text
    assert "Value error" not in refused.text
    [kept] = ok(client.get(_url(aid), headers=auth(world.a.lead)))
    assert kept == action


def test_a_change_from_a_stale_version_is_409_and_keeps_the_newer_change(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = add(client, world, aid)
    patch(client, world, aid, action["id"], status="on_track", version=1)
    stale = client.patch(
        _url(aid, f"/{action['id']}"),
        json={"status": "done", "progress_note": "All done.", "version": 1},
        headers=auth(world.a.lead),
    )
    assert stale.status_code == 409
    detail = stale.json()["detail"]
    assert f"changed by {world.a.lead.full_name}" in detail
    assert "version 2, you had 1" in detail
    [kept] = ok(client.get(_url(aid), headers=auth(world.a.lead)))
    assert kept["status"] == "on_track" and kept["progress_notes"] == []


def test_an_action_of_another_assessment_is_not_found(client: TestClient, world) -> None:
    aid = finalised(client, world)
    action = add(client, world, aid)
    other = submitted(client, world.b.lead, world.b.board, world.b.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, other)
    ok(client.post(f"/api/v1/assessments/{other}/finalise", headers=auth(world.reviewer)))
    elsewhere = _url(other, f"/{action['id']}")
    assert client.get(elsewhere, headers=auth(world.b.lead)).status_code == 404
    moved = client.patch(elsewhere, json={"status": "done"}, headers=auth(world.b.lead))
    assert moved.status_code == 404
    unknown = client.get(_url(aid, "/999999"), headers=auth(world.a.lead))
    assert unknown.status_code == 404
    assert "Development action 999999 not found" in unknown.json()["detail"]


def test_readers_outside_the_pct_and_its_sha_see_nothing(client: TestClient, world) -> None:
    aid = finalised(client, world)
    add(client, world, aid)
    for outsider in (world.b.lead, world.other_reviewer, world.c.board):
        assert client.get(_url(aid), headers=auth(outsider)).status_code == 404
    for clinician in (world.a.clinician, world.practice_clinician):
        refused = client.get(_url(aid), headers=auth(clinician))
        assert refused.status_code == 403
        assert "cannot read a development plan" in refused.json()["detail"]
    for writer in (world.a.board, world.reviewer):
        refused = client.post(_url(aid), json=action_body(), headers=auth(writer))
        assert refused.status_code == 403
        assert "cannot keep a development plan" in refused.json()["detail"]


def test_the_statements_of_a_plan_read_do_not_grow_with_its_actions(
    client: TestClient, world, session: Session
) -> None:
    aid = finalised(client, world)
    add(client, world, aid)

    def statements() -> int:
        with counting(session.connection()) as seen:
            ok(client.get(_url(aid), headers=auth(world.reviewer)))
        return len(seen)

    few = statements()
    for n in range(4):
        action = add(client, world, aid, competency_number=n + 1)
        patch(client, world, aid, action["id"], status="on_track", progress_note=f"Note {n}.")
    assert statements() == few
