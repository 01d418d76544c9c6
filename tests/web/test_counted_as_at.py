"""A copy whose story is set in the past (the demonstration) counts deadlines and overdue
actions from its own date (``WCC_TODAY``), says so on every page, and still stamps what it
records with the real time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from app.clock import frozen_at
from app.config import get_settings
from app.wording import today_in_england
from tests.development.test_development_api import add, finalised
from tests.factories import auth

AS_AT = date(2010, 5, 21)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(get_settings(), "today", AS_AT)
    return AS_AT


def test_without_the_setting_today_is_today_and_no_page_says_otherwise(
    client: TestClient,
) -> None:
    assert get_settings().today is None
    assert abs(today_in_england() - datetime.now(UTC).date()) <= timedelta(days=1)
    assert 'id="counted-as-at"' not in client.get("/login").text


def test_with_the_setting_dates_are_counted_from_it_and_every_page_says_so(
    client: TestClient, pinned: date
) -> None:
    assert today_in_england() == pinned
    page = client.get("/login").text
    assert 'id="counted-as-at"' in page
    assert "counted as at <strong>21 May 2010</strong>" in page
    # The demo's history is replayed on a frozen clock, which wins.
    with frozen_at(datetime(2009, 3, 2, 12, tzinfo=UTC)):
        assert today_in_england() == date(2009, 3, 2)


def test_an_action_is_overdue_from_the_day_after_its_due_date_as_counted(
    client: TestClient, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = finalised(client, world)
    due = today_in_england() + timedelta(days=10)
    action = add(client, world, aid, due_on=due.isoformat())
    url = f"/api/v1/assessments/{aid}/development-actions/{action['id']}"
    for counted_from, overdue in ((due, False), (due + timedelta(days=1), True)):
        monkeypatch.setattr(get_settings(), "today", counted_from)
        read = client.get(url, headers=auth(world.a.lead)).json()
        assert read["overdue"] is overdue, counted_from
        assert read["created_at"][:4] == str(datetime.now(UTC).year)
