"""The engagement API and page run a fixed number of SQL statements whatever the number of
PBC groups, practices and evidence items: measured small, then with many more, and on the
national data set."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.demo import load_national
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import User
from tests import factories
from tests.engagement.setting import build, item
from tests.statements import counting
from tests.web.steps import sign_in

PATHS = ["/api/v1/organisations/{code}/engagement", "/organisations/{code}/engagement"]


def _grow(session: Session, world, *, groups: int, items: int) -> None:
    pct = world.a.pct
    units = []
    for _ in range(groups):
        group = factories.make_organisation(session, kind=OrganisationKind.PBC_GROUP, parent=pct)
        units += [group, *(factories.make_practice(session, parent=group) for _ in range(4))]
    units += [factories.make_practice(session, parent=pct) for _ in range(3)]
    for n in range(items):
        unit = units[n % len(units)] if n % 4 else None
        item(
            session,
            world,
            on=date(2009, 1, 1) + timedelta(days=n % 400),
            unit=unit,
            clinicians=n % 7,
        )


def _measure(client: TestClient, session: Session, url: str, headers: dict | None = None) -> int:
    with counting(session.connection()) as statements:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.text[:300]
    return len(statements)


@pytest.mark.parametrize("declared", [None, 120], ids=["counted", "declared"])
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", ["lead", "reviewer"])
def test_engagement_runs_the_same_statements_for_a_few_units_and_for_many(
    client: TestClient, session: Session, world, path: str, who: str, declared: int | None
) -> None:
    s = build(session, world)
    s.pct.practice_count = declared
    session.add(s.pct)
    session.commit()
    item(session, world, on=date(2009, 6, 1), unit=s.in_group[0], clinicians=3)
    user = world.a.lead if who == "lead" else world.reviewer
    sign_in(client, user)
    url = path.format(code=s.pct.code)
    headers = factories.auth(user) if path.startswith("/api") else None
    small = _measure(client, session, url, headers)
    _grow(session, world, groups=6, items=120)
    sign_in(client, user)
    large = _measure(client, session, url, headers)
    assert large == small, f"{url}: {small} statements small, {large} with more"


def test_engagement_at_national_scale_runs_the_statements_of_a_small_pct(
    client: TestClient, session: Session
) -> None:
    """The national data set (every PCT declares its practices): Leeds among 152 PCTs and
    thousands of items reads in the statements of a national PCT with almost nothing."""
    load_national(session, evidence_items=5_000)
    lead = session.exec(select(User).where(col(User.email) == "lead.5n1@demo.wcc.nhs.test")).one()
    sign_in(client, lead, password="world-class-2008")
    leeds = _measure(client, session, "/organisations/5N1/engagement")
    api = _measure(client, session, "/api/v1/organisations/5N1/engagement", factories.auth(lead))
    pct = session.exec(select(Organisation).where(col(Organisation.code) == "5N1")).one()
    assert pct.practice_count is not None
    tiny = factories.make_pct(
        session, sha=session.get(Organisation, pct.parent_id), practice_count=3
    )
    tiny_lead = factories.make_user(session, role=factories.Role.PCT_LEAD, organisation=tiny)
    sign_in(client, tiny_lead)
    assert _measure(client, session, f"/organisations/{tiny.code}/engagement") == leeds
    assert (
        _measure(
            client,
            session,
            f"/api/v1/organisations/{tiny.code}/engagement",
            factories.auth(tiny_lead),
        )
        == api
    )
