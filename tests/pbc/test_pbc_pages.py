"""The PBC register's pages: every group, one group, and each form through check answers to
its confirmation; a refusal comes back to the form with what was typed and the summary."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.pbc.models import BusinessCase, PbcRegister
from tests.pbc.steps import add_case, make_group, put_register
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in


@pytest.fixture
def group(session: Session, world: Any):
    return make_group(session, world.a.pct, name="Leodis Healthcare")


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def value_of(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def register_form(**change: str) -> dict[str, str]:
    return {
        "version": "",
        "practice_count": "30",
        "gp_count": "126",
        "list_size": "203,000",
        "indicative_budget": "£95,000,000",
        "budget_shared_on[day]": "1",
        "budget_shared_on[month]": "4",
        "budget_shared_on[year]": "2009",
        "earned_autonomy": "level_2",
        "step": "check",
    } | change


def case_form(**change: str) -> dict[str, str]:
    return {
        "title": "Community dermatology clinic",
        "submitted_on[day]": "2",
        "submitted_on[month]": "3",
        "submitted_on[year]": "2009",
        "decision": "approved",
        "decided_on[day]": "20",
        "decided_on[month]": "4",
        "decided_on[year]": "2009",
        "implemented_on[day]": "",
        "implemented_on[month]": "",
        "implemented_on[year]": "",
        "freed_up_resources": "250,000",
        "step": "check",
    } | change


def test_the_overview_lists_the_pcts_groups_with_their_figures(
    client: TestClient, world: Any, group
) -> None:
    put_register(client, world.a.lead, group.code)
    add_case(client, world.a.lead, group.code)
    sign_in(client, world.a.board)
    page = client.get("/pbc")
    assert page.status_code == 200
    text = words(page.text)
    assert "Leodis Healthcare" in text and "£95,000,000" in text and "203,000" in text
    assert "Level 2: agrees small schemes itself" in text and "49 days" in text
    assert f'href="/organisations/{group.code}/pbc"' in page.text


def test_a_reviewer_sees_their_shas_groups_and_not_others(
    client: TestClient, world: Any, session: Session, group
) -> None:
    theirs = make_group(session, world.c.pct, name="Elsewhere Consortium")
    sign_in(client, world.reviewer)
    text = words(client.get("/pbc").text)
    assert "Leodis Healthcare" in text and "Elsewhere Consortium" not in text
    assert client.get(f"/organisations/{theirs.code}/pbc").status_code == 404


def test_the_group_page_shows_practices_cases_days_and_slow(
    client: TestClient, world: Any, group
) -> None:
    put_register(client, world.a.lead, group.code)
    add_case(client, world.a.lead, group.code)
    add_case(
        client,
        world.a.lead,
        group.code,
        title="Physiotherapy",
        submitted_on="2009-05-01",
        decided_on="2009-10-01",
        decision="rejected",
        implemented_on=None,
    )
    sign_in(client, world.a.clinician)
    page = client.get(f"/organisations/{group.code}/pbc")
    text = words(page.text)
    assert "Practice 0" in text and "Practice 1" in text
    assert "153 days Slow" in text and "49 days" in text
    assert "Median days to decision 101 days" in text
    assert "Add a business case" not in text  # only the lead keeps the register


def test_the_lead_records_the_register_through_check_answers(
    client: TestClient, world: Any, group, session: Session
) -> None:
    sign_in(client, world.a.lead)
    url = f"/organisations/{group.code}/pbc/register"
    assert f'href="{url}"' in client.get(f"/organisations/{group.code}/pbc").text
    check = post_form(client, url, url, register_form())
    assert check.status_code == 200
    assert "Check the register before saving it" in check.text
    assert "£95,000,000" in words(check.text)
    assert value_of(check.text, "indicative_budget") == "£95,000,000"
    change = post_form(client, url, url, register_form(step="change"))
    assert value_of(change.text, "list_size") == "203,000"
    saved = post_form(client, url, url, register_form(step="confirm"))
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}/saved"
    done = client.get(saved.headers["location"])
    assert "Register saved" in done.text
    entry = session.exec(select(PbcRegister).where(PbcRegister.group_id == group.id)).one()
    assert entry.indicative_budget == 9_500_000_000 and entry.list_size == 203_000


def test_a_bad_register_comes_back_with_the_summary_and_what_was_typed(
    client: TestClient, world: Any, group
) -> None:
    sign_in(client, world.a.lead)
    url = f"/organisations/{group.code}/pbc/register"
    page = post_form(client, url, url, register_form(gp_count="-4", indicative_budget="lots"))
    assert page.status_code == 422
    links = assert_summary_reaches_fields(page.text)
    assert links["gp_count"] == "The number of GPs cannot be negative"
    assert "in pounds" in links["indicative_budget"]
    assert value_of(page.text, "list_size") == "203,000"


def test_the_lead_adds_a_business_case_through_check_answers(
    client: TestClient, world: Any, group, session: Session
) -> None:
    sign_in(client, world.a.lead)
    url = f"/organisations/{group.code}/pbc/business-cases/new"
    assert f'href="{url}"' in client.get(f"/organisations/{group.code}/pbc").text
    check = post_form(client, url, url, case_form())
    assert "Check the business case before adding it" in check.text
    assert "20 April 2009" in words(check.text) and "£250,000" in words(check.text)
    added = post_form(client, url, url, case_form(step="confirm"))
    assert added.status_code == 303
    done = client.get(added.headers["location"])
    assert "Business case added" in done.text and "49 days" in words(done.text)
    case = session.exec(select(BusinessCase).where(BusinessCase.group_id == group.id)).one()
    assert case.freed_up_resources == 25_000_000


def test_a_decision_before_the_submission_comes_back_to_the_form(
    client: TestClient, world: Any, group
) -> None:
    sign_in(client, world.a.lead)
    url = f"/organisations/{group.code}/pbc/business-cases/new"
    page = post_form(client, url, url, case_form(**{"decided_on[year]": "2008"}))
    assert page.status_code == 422
    links = assert_summary_reaches_fields(page.text)
    assert "before the business case was submitted" in links["decided_on-day"]
    assert value_of(page.text, "title") == "Community dermatology clinic"


def test_the_lead_records_a_decision_on_a_case(client: TestClient, world: Any, group) -> None:
    case = add_case(
        client,
        world.a.lead,
        group.code,
        decided_on=None,
        decision=None,
        implemented_on=None,
        freed_up_resources=None,
    )
    sign_in(client, world.a.lead)
    url = f"/organisations/{group.code}/pbc/business-cases/{case['id']}"
    page = client.get(url)
    assert "Waiting" in words(page.text) and "Slow" in words(page.text)
    form = {
        "version": "1",
        "decision": "approved",
        "decided_on[day]": "1",
        "decided_on[month]": "6",
        "decided_on[year]": "2009",
        "implemented_on[day]": "",
        "implemented_on[month]": "",
        "implemented_on[year]": "",
        "freed_up_resources": "",
        "step": "check",
    }
    check = post_form(client, url, url, form)
    assert "Check the decision before saving it" in check.text
    saved = post_form(client, url, url, form | {"step": "confirm"})
    assert saved.status_code == 303
    done = client.get(saved.headers["location"])
    assert "Business case saved" in done.text and "91 days" in words(done.text)
    stale = post_form(client, url, url, form | {"step": "confirm", "decision": "rejected"})
    assert stale.status_code == 409
    assert "changed this business case after you opened it" in stale.text


def test_a_reader_who_does_not_keep_the_register_gets_no_form(
    client: TestClient, world: Any, group
) -> None:
    sign_in(client, world.reviewer)
    assert client.get(f"/organisations/{group.code}/pbc/register").status_code == 403
    assert client.get(f"/organisations/{group.code}/pbc").status_code == 200
