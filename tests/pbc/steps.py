"""Shared steps for the PBC register's tests: a group in a PCT, with member practices."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.organisations.models import Organisation, OrganisationKind
from app.users.models import User
from tests import factories
from tests.api_steps import ok
from tests.factories import auth


def make_group(
    session: Session, pct: Organisation, *, practices: int = 2, name: str | None = None
) -> Organisation:
    group = factories.make_organisation(
        session, kind=OrganisationKind.PBC_GROUP, parent=pct, name=name
    )
    for n in range(practices):
        factories.make_practice(session, parent=group, population=5_000 + n, name=f"Practice {n}")
    return group


def register_body(**change: Any) -> dict[str, Any]:
    return {
        "practice_count": 30,
        "gp_count": 126,
        "list_size": 203_000,
        "indicative_budget": 9_500_000_000,
        "budget_shared_on": "2009-04-01",
        "earned_autonomy": "level_2",
    } | change


def case_body(**change: Any) -> dict[str, Any]:
    return {
        "title": "Community dermatology clinic",
        "submitted_on": "2009-03-02",
        "decided_on": "2009-04-20",
        "decision": "approved",
        "implemented_on": "2009-07-01",
        "freed_up_resources": 25_000_000,
    } | change


def put_register(client: TestClient, user: User, code: str, **change: Any) -> dict[str, Any]:
    return ok(
        client.put(
            f"/api/v1/organisations/{code}/pbc-register",
            json=register_body(**change),
            headers=auth(user),
        )
    )


def add_case(client: TestClient, user: User, code: str, **change: Any) -> dict[str, Any]:
    return ok(
        client.post(
            f"/api/v1/organisations/{code}/business-cases",
            json=case_body(**change),
            headers=auth(user),
        ),
        201,
    )
