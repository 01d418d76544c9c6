"""The assurance panel as a page: the reviewer records it (the date in three boxes, people one
per line), a refusal comes back with everything typed and its summary linked to the field,
and everyone else who may see the assessment reads it."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api_steps import ok, reviewed, submitted
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in

MEMBERS = "Dr Ann Hughes, SHA medical director\nPeter Lowe, director of finance\n"
ATTENDEES = "Sue Patel, PCT chief executive"


def _words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, flags=re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def _box(page: str, part: str) -> str:
    match = re.search(rf'name="panel_date\[{part}\]"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def _form(day: str, month: str, year: str, **fields: str) -> dict[str, Any]:
    return {
        "panel_date[day]": day,
        "panel_date[month]": month,
        "panel_date[year]": year,
        "members": MEMBERS,
        "pct_attendees": ATTENDEES,
        "notes": "Challenged the <engagement> evidence.",
        **fields,
    }


def _post(client: TestClient, url: str, data: dict[str, Any]) -> Any:
    token = csrf_from(client.get(url).text)
    return client.post(url, data={"csrftoken": token, **data}, follow_redirects=False)


def test_the_reviewer_records_the_panel_and_the_pct_reads_it(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    sign_in(client, world.reviewer)
    overview = client.get(f"/assessments/{aid}/review").text
    assert f'href="/assessments/{aid}/panel"' in overview
    assert "No panel has been recorded yet." in _words(overview)
    url = f"/assessments/{aid}/panel"
    page = client.get(url)
    assert page.status_code == 200
    assert "One person per line: name, role" in page.text
    saved = _post(client, url, _form("14", "1", "2010"))
    assert saved.status_code == 303, saved.text[:2000]
    assert saved.headers["location"] == url
    again = client.get(url).text
    assert "The panel record is saved." in again
    assert _textarea(again, "members") == MEMBERS.strip()
    assert (_box(again, "day"), _box(again, "month"), _box(again, "year")) == ("14", "1", "2010")
    body = ok(client.get(f"/api/v1/assessments/{aid}/panel", headers=auth(world.reviewer)))
    assert body["date"] == "2010-01-14"
    assert body["members"] == [
        {"name": "Dr Ann Hughes", "role": "SHA medical director"},
        {"name": "Peter Lowe", "role": "director of finance"},
    ]
    assert body["pct_attendees"] == [{"name": "Sue Patel", "role": "PCT chief executive"}]
    assert "14 January 2010" in _words(client.get(f"/assessments/{aid}/review").text)

    client.cookies.clear()
    sign_in(client, world.a.lead)
    assert f'href="/assessments/{aid}/panel"' in client.get(f"/assessments/{aid}").text
    read = client.get(url)
    assert read.status_code == 200
    assert 'name="members"' not in read.text
    words = _words(read.text)
    assert "14 January 2010" in words
    assert "Dr Ann Hughes, SHA medical director" in words
    assert "Challenged the <engagement> evidence." in words
    assert "&lt;engagement&gt;" in read.text
    assert "&lt;span" not in read.text  # only what was typed is shown as text


def test_a_bad_date_and_no_members_are_refused_with_everything_typed_kept(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/panel"
    refused = _post(client, url, _form("31", "2", "2010", members="  \n ", notes="Kept <notes>."))
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert links == {
        "panel_date-day": "The date of the panel must be a real date",
        "members": "Enter the panel&#39;s members, one person per line",
    }
    assert "<title>Error: " in refused.text
    assert (_box(refused.text, "day"), _box(refused.text, "month")) == ("31", "2")
    assert _textarea(refused.text, "pct_attendees") == ATTENDEES
    assert _textarea(refused.text, "notes") == "Kept <notes>."
    missing = _post(client, url, _form("", "3", "2010"))
    assert missing.status_code == 422
    assert assert_summary_reaches_fields(missing.text) == {
        "panel_date-day": "The date of the panel must include a day"
    }
    nameless = _post(client, url, _form("1", "3", "2010", members="Ann Hughes\n, treasurer"))
    assert nameless.status_code == 422
    assert assert_summary_reaches_fields(nameless.text) == {
        "members": "Line 2 of the panel&#39;s members has no name before the comma"
    }
    assert (
        client.get(f"/api/v1/assessments/{aid}/panel", headers=auth(world.reviewer)).status_code
        == 404
    )


def test_a_date_before_the_cycle_opened_is_the_services_refusal_on_the_date(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/panel"
    refused = _post(client, url, _form("1", "1", "2001"))
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["panel_date-day"]
    assert links["panel_date-day"].startswith("The panel date must not be before the cycle opened")
    assert _textarea(refused.text, "members") == MEMBERS.strip()


def test_a_change_from_an_old_page_is_refused_and_keeps_the_text(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/panel"
    assert _post(client, url, _form("14", "1", "2010")).status_code == 303
    assert _post(client, url, _form("15", "1", "2010", version="1")).status_code == 303
    stale = _post(client, url, _form("16", "1", "2010", version="1", notes="Mine."))
    assert stale.status_code == 409
    assert list(assert_summary_reaches_fields(stale.text)) == ["panel-form"]
    assert _textarea(stale.text, "notes") == "Mine."
    assert 'name="version" value="2"' in stale.text


def test_only_the_pcts_reviewers_record_it_and_others_who_may_see_it_read_it(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    url = f"/assessments/{aid}/panel"
    for user in (world.a.lead, world.a.board, world.admin):
        client.cookies.clear()
        sign_in(client, user)
        page = client.get(url)
        assert page.status_code == 200, user.role
        assert 'name="members"' not in page.text
        assert "No panel has been recorded yet." in page.text
    refused = _post(client, url, _form("14", "1", "2010"))
    assert refused.status_code == 403
    assert list(assert_summary_reaches_fields(refused.text)) == ["panel-form"]
    client.cookies.clear()
    sign_in(client, world.other_reviewer)
    assert client.get(url).status_code == 404
    client.cookies.clear()
    sign_in(client, world.b.lead)
    assert client.get(url).status_code == 404
