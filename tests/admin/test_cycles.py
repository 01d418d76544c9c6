"""An administrator changes a cycle (name, dates, the provisional step) through the API or its
page. Dates out of order are refused naming the field; the provisional step is fixed once an
assessment of the cycle is submitted; the framework and competencies never change."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from tests.api_steps import ok, submitted
from tests.factories import auth, make_cycle
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in


def updates_of(session: Session, cycle_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(
                col(AuditEvent.entity) == "cycle",
                col(AuditEvent.entity_id) == cycle_id,
                col(AuditEvent.action) == "update",
            )
        ).all()
    )


# The API --------------------------------------------------------------------------------------


def test_an_administrator_moves_the_submission_deadline_audited(
    client: TestClient, session: Session, world
) -> None:
    cycle = ok(client.get(f"/api/v1/cycles/{world.cycle.id}", headers=auth(world.a.lead)))
    changed = ok(
        client.patch(
            f"/api/v1/cycles/{world.cycle.id}",
            json={"submission_due": "2010-01-08", "name": "2009/10", "version": cycle["version"]},
            headers=auth(world.admin),
        )
    )
    assert changed["submission_due"] == "2010-01-08" and changed["name"] == "2009/10"
    assert changed["review_due"] == cycle["review_due"]  # left out: unchanged
    assert changed["version"] == cycle["version"] + 1
    [event] = updates_of(session, world.cycle.id)
    assert event.before["submission_due"] == "2009-12-18"
    assert event.after["submission_due"] == "2010-01-08"


def test_dates_out_of_order_are_refused_naming_the_field(client: TestClient, world) -> None:
    path = f"/api/v1/cycles/{world.cycle.id}"
    for body, field_words in (
        (
            {"submission_due": "2009-09-01"},
            "submission deadline must not be before the cycle opens",
        ),
        ({"opens_on": "2010-01-01"}, "The cycle must open by its submission deadline"),
        ({"review_due": "2009-12-01"}, "review deadline must not be before the submission"),
        ({"submission_due": "2010-06-01"}, "must not be after the review deadline"),
        ({"opens_on": None}, "Opens on cannot be empty"),
    ):
        response = client.patch(path, json=body, headers=auth(world.admin))
        assert response.status_code == 422, (body, response.text)
        assert field_words in response.json()["detail"], (body, response.text)
    assert ok(client.get(path, headers=auth(world.admin)))["version"] == 1


def test_the_framework_and_competencies_cannot_be_changed(client: TestClient, world) -> None:
    for body in ({"framework_version": "wcc-2009"}, {"assessed_competencies": [1, 2]}):
        response = client.patch(
            f"/api/v1/cycles/{world.cycle.id}", json=body, headers=auth(world.admin)
        )
        assert response.status_code == 422


def test_a_name_in_use_is_a_conflict(client: TestClient, session: Session, world) -> None:
    other = make_cycle(session, name="2010/11")
    response = client.patch(
        f"/api/v1/cycles/{world.cycle.id}", json={"name": other.name}, headers=auth(world.admin)
    )
    assert response.status_code == 409 and "already exists" in response.json()["detail"]


def test_the_provisional_step_is_fixed_once_an_assessment_is_submitted(
    client: TestClient, world
) -> None:
    path = f"/api/v1/cycles/{world.cycle.id}"
    switched = ok(client.patch(path, json={"provisional_step": True}, headers=auth(world.admin)))
    assert switched["provisional_step"] is True
    submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    refused = client.patch(path, json={"provisional_step": False}, headers=auth(world.admin))
    assert refused.status_code == 409
    assert "1 assessment of" in refused.json()["detail"]
    # Its dates still move.
    ok(client.patch(path, json={"review_due": "2010-06-30"}, headers=auth(world.admin)))


def test_a_stale_version_is_refused(client: TestClient, world) -> None:
    path = f"/api/v1/cycles/{world.cycle.id}"
    ok(client.patch(path, json={"name": "Renamed"}, headers=auth(world.admin)))
    stale = client.patch(path, json={"name": "Again", "version": 1}, headers=auth(world.admin))
    assert stale.status_code == 409


def test_only_administrators_change_cycles(client: TestClient, session: Session, world) -> None:
    for user in (world.a.lead, world.reviewer):
        response = client.patch(
            f"/api/v1/cycles/{world.cycle.id}", json={"name": "Mine"}, headers=auth(user)
        )
        assert response.status_code == 403
    assert updates_of(session, world.cycle.id) == []
    assert (
        client.patch("/api/v1/cycles/999999", json={}, headers=auth(world.admin)).status_code == 404
    )


# The pages ------------------------------------------------------------------------------------


def test_the_list_links_each_cycle_to_its_edit_page(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    assert f'href="/admin/cycles/{world.cycle.id}"' in client.get("/admin/cycles").text


def test_an_administrator_extends_the_deadline_on_the_cycles_page(
    client: TestClient, session: Session, world
) -> None:
    url = f"/admin/cycles/{world.cycle.id}"
    sign_in(client, world.admin)
    page = client.get(url)
    assert 'value="2009-12-18"' in page.text and 'name="provisional_step"' in page.text
    saved = post_form(
        client,
        url,
        url,
        {
            "name": world.cycle.name,
            "opens_on": "2009-09-16",
            "submission_due": "2010-01-08",
            "review_due": "2010-05-21",
            "provisional_step": "yes",
            "version": "1",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}/saved"
    done = client.get(saved.headers["location"])
    assert "Changes saved" in done.text
    for words in (
        "Submission due",
        "18 December 2009",
        "8 January 2010",
        "Provisional ratings first",
    ):
        assert words in done.text
    session.refresh(world.cycle)
    assert world.cycle.provisional_step is True


def test_a_date_moved_out_of_order_is_refused_on_the_field_moved(client: TestClient, world) -> None:
    url = f"/admin/cycles/{world.cycle.id}"
    sign_in(client, world.admin)
    form = {
        "name": "Typed name",
        "opens_on": "2010-01-01",
        "submission_due": "2009-12-18",
        "review_due": "2010-05-21",
        "provisional_step": "no",
    }
    refused = post_form(client, url, url, form)
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["opens_on"]
    assert "must open by its submission deadline, 18 December 2009" in links["opens_on"]
    assert 'value="Typed name"' in refused.text and 'value="2010-01-01"' in refused.text
    blank = post_form(client, url, url, {**form, "opens_on": "", "review_due": "not a date"})
    assert blank.status_code == 422
    assert assert_summary_reaches_fields(blank.text) == {
        "opens_on": "Enter the opening date",
        "review_due": "Enter the review deadline as a real date",
    }


def test_the_page_shows_the_provisional_step_fixed_once_submitted(
    client: TestClient, world
) -> None:
    submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    sign_in(client, world.admin)
    page = client.get(f"/admin/cycles/{world.cycle.id}")
    assert 'name="provisional_step"' not in page.text
    assert "This cannot change now: 1 assessment has been submitted" in page.text


def test_non_administrators_may_not_open_a_cycles_page(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    assert client.get(f"/admin/cycles/{world.cycle.id}").status_code == 403
