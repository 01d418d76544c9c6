"""An administrator opens a cycle on a chosen framework, assessing chosen competencies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_steps import ok
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in

FORM = {
    "name": "2009/10",
    "opens_on": "2009-09-16",
    "submission_due": "2009-12-18",
    "review_due": "2010-05-21",
}


def test_a_cycle_is_opened_on_the_year_two_framework_without_competency_11(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    page = client.get("/admin/cycles")
    assert 'value="wcc-2009"' in page.text and 'name="assessed_competencies"' in page.text
    created = post_form(
        client,
        "/admin/cycles",
        "/admin/cycles",
        {
            **FORM,
            "framework_version": "wcc-2009",
            "assessed_competencies": [str(n) for n in range(1, 11)],
        },
    )
    assert created.status_code == 303, created.text[:800]
    [cycle] = [
        c
        for c in ok(client.get("/api/v1/cycles", headers=auth(world.admin)))
        if c["name"] == "2009/10"
    ]
    assert cycle["framework_version"] == "wcc-2009"
    assert cycle["assessed_competencies"] == list(range(1, 11))
    assert cycle["provisional_step"] is True  # the form's default: the process as it ran


def test_a_cycle_may_finalise_straight_from_review(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    created = post_form(
        client, "/admin/cycles", "/admin/cycles", {**FORM, "provisional_step": "no"}
    )
    assert created.status_code == 303, created.text[:800]
    [cycle] = [
        c
        for c in ok(client.get("/api/v1/cycles", headers=auth(world.admin)))
        if c["name"] == "2009/10"
    ]
    assert cycle["provisional_step"] is False


def test_a_cycle_on_an_unknown_framework_is_refused_and_the_form_kept(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    refused = post_form(
        client,
        "/admin/cycles",
        "/admin/cycles",
        {**FORM, "framework_version": "wcc-1999", "assessed_competencies": ["1", "2"]},
    )
    assert refused.status_code == 404
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["framework_version"]
    assert "choose one of wcc-2008, wcc-2009" in links["framework_version"]
    assert 'value="2009/10"' in refused.text
