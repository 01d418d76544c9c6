"""A PCT's number of GP practices: declared, else recorded by name, else not known."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.organisations.models import OrganisationKind
from app.organisations.service import practice_total
from tests import factories
from tests.api_steps import ok
from tests.factories import auth


def test_recorded_practices_under_the_pct_and_its_groups_are_counted(session: Session) -> None:
    pct = factories.make_pct(session)
    assert practice_total(session, pct) is None
    group = factories.make_organisation(session, kind=OrganisationKind.PBC_GROUP, parent=pct)
    factories.make_practice(session, parent=pct)
    factories.make_practice(session, parent=group)
    factories.make_practice(session, parent=group)
    elsewhere = factories.make_pct(session)
    factories.make_practice(session, parent=elsewhere)
    assert practice_total(session, pct) == 3
    assert practice_total(session, elsewhere) == 1


def test_a_declared_number_wins_over_the_practices_recorded(session: Session) -> None:
    pct = factories.make_pct(session, practice_count=75)
    factories.make_practice(session, parent=pct)
    assert practice_total(session, pct) == 75
    none_yet = factories.make_pct(session, practice_count=0)
    assert practice_total(session, none_yet) == 0


def test_an_administrator_records_a_pcts_practices(client: TestClient, world) -> None:
    created = client.post(
        "/api/v1/organisations",
        json={
            "code": "5ZZ",
            "name": "Practice Count PCT",
            "kind": "pct",
            "parent_code": world.sha.code,
            "practice_count": 48,
        },
        headers=auth(world.admin),
    )
    assert created.status_code == 201, created.text
    assert created.json()["practice_count"] == 48
    listed = ok(client.get("/api/v1/organisations", headers=auth(world.admin)))
    assert {o["code"]: o["practice_count"] for o in listed}["5ZZ"] == 48


def test_only_a_pct_records_a_number_of_practices(client: TestClient, world) -> None:
    refused = client.post(
        "/api/v1/organisations",
        json={
            "code": "PZZ1",
            "name": "A practice",
            "kind": "practice",
            "parent_code": world.a.pct.code,
            "practice_count": 3,
        },
        headers=auth(world.admin),
    )
    assert refused.status_code == 422
    assert "Only a PCT" in refused.text


def test_a_negative_or_absurd_number_of_practices_is_refused(client: TestClient, world) -> None:
    for count in (-1, 2_001):
        refused = client.post(
            "/api/v1/organisations",
            json={
                "code": "5ZY",
                "name": "Typing error PCT",
                "kind": "pct",
                "parent_code": world.sha.code,
                "practice_count": count,
            },
            headers=auth(world.admin),
        )
        assert refused.status_code == 422, count
        assert "practice_count" in refused.text
