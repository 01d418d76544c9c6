"""SPEC §6.6 through the JSON API: each PBC group's register (practices, GPs, list size,
indicative budget and when it was shared, earned autonomy) and its business cases, kept by
the PCT's lead and read by the PCT's people and its SHA's reviewers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.pbc.models import BusinessCase
from app.users.models import Role
from tests import factories
from tests.api_steps import ok
from tests.factories import auth
from tests.pbc.steps import add_case, case_body, make_group, put_register, register_body


@pytest.fixture
def group(session: Session, world: Any):
    return make_group(session, world.a.pct)


def _register(code: str) -> str:
    return f"/api/v1/organisations/{code}/pbc-register"


def _cases(code: str, tail: str = "") -> str:
    return f"/api/v1/organisations/{code}/business-cases{tail}"


def test_a_group_without_a_register_reads_as_empty_with_its_practices(
    client: TestClient, world: Any, group
) -> None:
    read = ok(client.get(_register(group.code), headers=auth(world.a.board)))
    assert read["entry"] is None
    assert read["pct_code"] == world.a.pct.code
    assert [p["name"] for p in read["practices"]] == ["Practice 0", "Practice 1"]
    assert read["practices"][0]["list_size"] == 5_000
    assert read["business_cases"] == [] and read["median_days_to_decision"] is None


def test_the_lead_records_and_changes_the_register_with_its_version(
    client: TestClient, world: Any, group, session: Session
) -> None:
    read = put_register(client, world.a.lead, group.code)
    entry = read["entry"]
    assert entry["gp_count"] == 126 and entry["indicative_budget"] == 9_500_000_000
    assert entry["indicative_budget_text"] == "£95,000,000"
    assert entry["earned_autonomy"] == "level_2" and entry["version"] == 1
    changed = put_register(client, world.a.lead, group.code, gp_count=130, version=1)
    assert changed["entry"]["gp_count"] == 130 and changed["entry"]["version"] == 2
    stale = client.put(
        _register(group.code), json=register_body(version=1), headers=auth(world.a.lead)
    )
    assert stale.status_code == 409
    assert "Test pct lead" in stale.json()["detail"]
    events = session.exec(select(AuditEvent).where(col(AuditEvent.entity) == "pbc_register")).all()
    assert [e.action for e in events] == ["create", "update"]


def test_business_cases_are_added_read_and_decided(client: TestClient, world: Any, group) -> None:
    case = add_case(client, world.a.lead, group.code)
    assert case["days_to_decision"] == 49 and case["slow"] is False
    assert case["freed_up_resources_text"] == "£250,000"
    waiting = add_case(
        client,
        world.a.lead,
        group.code,
        title="Practice-based physiotherapy",
        submitted_on="2009-05-01",
        decided_on=None,
        decision=None,
        implemented_on=None,
    )
    assert waiting["days_to_decision"] is None and waiting["days_waiting"] > 90
    assert waiting["slow"] is True
    listed = ok(client.get(_cases(group.code), headers=auth(world.reviewer)))
    assert [c["id"] for c in listed] == [waiting["id"], case["id"]]
    decided = ok(
        client.patch(
            _cases(group.code, f"/{waiting['id']}"),
            json={"decision": "rejected", "decided_on": "2009-10-01", "version": 1},
            headers=auth(world.a.lead),
        )
    )
    assert decided["days_to_decision"] == 153 and decided["slow"] is True
    assert decided["version"] == 2
    read = ok(client.get(_cases(group.code, f"/{case['id']}"), headers=auth(world.a.clinician)))
    assert read["title"] == "Community dermatology clinic"
    register = ok(client.get(_register(group.code), headers=auth(world.a.lead)))
    assert register["median_days_to_decision"] == 101.0


def test_the_median_leaves_deferred_cases_out(client: TestClient, world: Any, group) -> None:
    add_case(client, world.a.lead, group.code, decided_on="2009-03-12", implemented_on=None)
    add_case(
        client,
        world.a.lead,
        group.code,
        decision="deferred",
        decided_on="2009-12-01",
        implemented_on=None,
    )
    register = ok(client.get(_register(group.code), headers=auth(world.a.lead)))
    assert register["median_days_to_decision"] == 10.0


def test_a_stale_business_case_change_is_refused_naming_who_changed_it(
    client: TestClient, world: Any, group
) -> None:
    case = add_case(
        client, world.a.lead, group.code, decided_on=None, decision=None, implemented_on=None
    )
    path = _cases(group.code, f"/{case['id']}")
    body = {"decision": "approved", "decided_on": "2009-04-01", "version": 1}
    ok(client.patch(path, json=body, headers=auth(world.admin)))
    stale = client.patch(path, json=body | {"decision": "rejected"}, headers=auth(world.a.lead))
    assert stale.status_code == 409
    assert "Test admin" in stale.json()["detail"]


def test_a_decision_can_be_cleared_with_nulls(client: TestClient, world: Any, group) -> None:
    case = add_case(client, world.a.lead, group.code, implemented_on=None)
    cleared = ok(
        client.patch(
            _cases(group.code, f"/{case['id']}"),
            json={"decision": None, "decided_on": None},
            headers=auth(world.a.lead),
        )
    )
    assert cleared["decision"] is None and cleared["days_waiting"] is not None


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"decided_on": "2009-02-01"}, "decided_on", "before the business case was submitted"),
        ({"implemented_on": "2009-04-01"}, "implemented_on", "before the decision"),
        ({"decision": None, "implemented_on": None}, "decision", "Give the decision"),
        ({"decided_on": None, "implemented_on": None}, "decided_on", "date of the decision"),
        ({"decision": "rejected"}, "implemented_on", "Only an approved"),
        (
            {
                "submitted_on": "2999-01-01",
                "decided_on": None,
                "decision": None,
                "implemented_on": None,
            },
            "submitted_on",
            "after today",
        ),
    ],
)
def test_business_case_dates_that_cannot_be_are_refused_naming_the_field(
    client: TestClient, world: Any, group, change: dict, field: str, words: str
) -> None:
    response = client.post(_cases(group.code), json=case_body(**change), headers=auth(world.a.lead))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"freed_up_resources": -1}, "cannot be negative"),
        ({"freed_up_resources": 10**12}, "at most £500,000,000"),
        ({"freed_up_resources": 10.5}, "whole number"),
        ({"title": "  "}, "Give the business case a title"),
        ({"decision": "maybe"}, "approved, rejected or deferred"),
        ({"submitted_on": "yesterday"}, "as a date"),
    ],
)
def test_bad_business_case_values_are_refused_in_words(
    client: TestClient, world: Any, group, change: dict, words: str
) -> None:
    response = client.post(_cases(group.code), json=case_body(**change), headers=auth(world.a.lead))
    assert response.status_code == 422
    assert words in response.text


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"gp_count": -3}, "cannot be negative"),
        ({"gp_count": 50_000}, "at most 2,000"),
        ({"list_size": 90_000_000}, "at most 5,000,000"),
        ({"indicative_budget": -100}, "cannot be negative"),
        ({"indicative_budget": 10**13}, "at most £2,000,000,000"),
        ({"practice_count": 9_999}, "at most 500"),
        ({"earned_autonomy": "level_9"}, "level_1"),
        ({"indicative_budget": None}, "indicative budget"),
        ({"budget_shared_on": "2999-01-01"}, "after today"),
    ],
)
def test_bad_register_values_are_refused_naming_the_limit(
    client: TestClient, world: Any, group, change: dict, words: str
) -> None:
    response = client.put(
        _register(group.code), json=register_body(**change), headers=auth(world.a.lead)
    )
    assert response.status_code == 422, response.text
    assert words in response.text


def test_a_pct_or_practice_code_is_not_a_group(client: TestClient, world: Any) -> None:
    for code in (world.a.pct.code, world.practice.code):
        response = client.get(_register(code), headers=auth(world.a.lead))
        assert response.status_code == 404
        assert "not a PBC group" in response.json()["detail"]
    response = client.post(_cases(world.a.pct.code), json=case_body(), headers=auth(world.a.lead))
    assert response.status_code == 404


def test_an_unknown_group_or_another_pcts_group_is_not_found(
    client: TestClient, world: Any, session: Session, group
) -> None:
    assert client.get(_register("NOPE"), headers=auth(world.a.lead)).status_code == 404
    theirs = make_group(session, world.c.pct)
    response = client.get(_register(theirs.code), headers=auth(world.a.lead))
    assert response.status_code == 404
    assert theirs.name not in response.text


def test_a_clinician_at_a_group_practice_reads_only_their_own_group(
    client: TestClient, world: Any, session: Session, group
) -> None:
    other = make_group(session, world.a.pct, practices=0)
    practice = factories.make_practice(session, parent=group)
    clinician = factories.make_user(session, role=Role.CLINICIAN, organisation=practice)
    at_group = factories.make_user(session, role=Role.CLINICIAN, organisation=group)
    for user in (clinician, at_group):
        ok(client.get(_register(group.code), headers=auth(user)))
        assert client.get(_register(other.code), headers=auth(user)).status_code == 404


def test_only_the_lead_or_an_admin_keeps_the_register(
    client: TestClient, world: Any, group, session: Session
) -> None:
    case = add_case(client, world.admin, group.code)
    assert session.get(BusinessCase, case["id"]) is not None
    for user in (world.a.board, world.a.clinician, world.reviewer):
        response = client.put(_register(group.code), json=register_body(), headers=auth(user))
        assert response.status_code == 403
    assert (
        client.put(
            _register(group.code), json=register_body(), headers=auth(world.b.lead)
        ).status_code
        == 404
    )
