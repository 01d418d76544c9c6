"""An administrator corrects an organisation (name, parent, population, number of GP
practices) through the API or its page; the rules of where each kind belongs hold, every
change is audited with before and after, and a stale change is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from tests import factories
from tests.api_steps import ok
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in


def audit_of(session: Session, organisation_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(
                col(AuditEvent.entity) == "organisation",
                col(AuditEvent.entity_id) == organisation_id,
                col(AuditEvent.action) == "update",
            )
        ).all()
    )


# The API --------------------------------------------------------------------------------------


def test_an_administrator_renames_a_pct_and_sets_its_practices_audited(
    client: TestClient, session: Session, world
) -> None:
    code = world.a.pct.code
    read = ok(client.get(f"/api/v1/organisations/{code.lower()}", headers=auth(world.admin)))
    changed = ok(
        client.patch(
            f"/api/v1/organisations/{code}",
            json={"name": "NHS Camden", "practice_count": 37, "version": read["version"]},
            headers=auth(world.admin),
        )
    )
    assert changed["name"] == "NHS Camden" and changed["practice_count"] == 37
    assert changed["parent_code"] == world.sha.code  # left out: unchanged
    assert changed["version"] == read["version"] + 1
    [event] = audit_of(session, world.a.pct.id)
    assert event.before["name"] == read["name"] and event.after["name"] == "NHS Camden"
    assert event.before["practice_count"] is None and event.after["practice_count"] == 37
    assert event.actor_id == world.admin.id


def test_a_stale_version_is_refused_with_409_naming_who_changed_it(
    client: TestClient, world
) -> None:
    code = world.b.pct.code
    ok(
        client.patch(
            f"/api/v1/organisations/{code}", json={"name": "First"}, headers=auth(world.admin)
        )
    )
    stale = client.patch(
        f"/api/v1/organisations/{code}",
        json={"name": "Second", "version": 1},
        headers=auth(world.admin),
    )
    assert stale.status_code == 409
    assert "Test admin" in stale.json()["detail"]


def test_a_pct_moves_to_another_sha_but_not_under_a_pct(client: TestClient, world) -> None:
    code = world.a.pct.code
    moved = ok(
        client.patch(
            f"/api/v1/organisations/{code}",
            json={"parent_code": world.other_sha.code},
            headers=auth(world.admin),
        )
    )
    assert moved["parent_code"] == world.other_sha.code
    refused = client.patch(
        f"/api/v1/organisations/{code}",
        json={"parent_code": world.b.pct.code},
        headers=auth(world.admin),
    )
    assert refused.status_code == 422
    assert "cannot belong to a pct" in refused.json()["detail"]
    unparented = client.patch(
        f"/api/v1/organisations/{code}", json={"parent_code": None}, headers=auth(world.admin)
    )
    assert unparented.status_code == 422 and "needs a parent" in unparented.json()["detail"]


def test_a_practice_joins_a_pbc_group_of_its_pct_but_never_leaves_its_pct(
    client: TestClient, session: Session, world
) -> None:
    group = factories.make_organisation(
        session, kind=factories.OrganisationKind.PBC_GROUP, parent=world.a.pct
    )
    practice = world.practice.code
    joined = ok(
        client.patch(
            f"/api/v1/organisations/{practice}",
            json={"parent_code": group.code},
            headers=auth(world.admin),
        )
    )
    assert joined["parent_code"] == group.code
    refused = client.patch(
        f"/api/v1/organisations/{practice}",
        json={"parent_code": world.b.pct.code},
        headers=auth(world.admin),
    )
    assert refused.status_code == 422
    assert "stays within its PCT" in refused.json()["detail"]


def test_bad_input_is_refused_with_422(client: TestClient, world) -> None:
    sha, pct = world.sha.code, world.a.pct.code
    for path, body, words in (
        (sha, {"parent_code": world.other_sha.code}, "belongs to no other organisation"),
        (sha, {"practice_count": 3}, "Only a PCT records its number of GP practices"),
        (pct, {"name": ""}, "at least 1 character"),
        (pct, {"population": -1}, "greater than or equal to 0"),
        (pct, {"code": "NEW"}, "Extra inputs are not permitted"),
        (pct, {"kind": "sha"}, "Extra inputs are not permitted"),
        (pct, {"parent_code": "NOPE"}, "'NOPE' not found"),
    ):
        response = client.patch(
            f"/api/v1/organisations/{path}", json=body, headers=auth(world.admin)
        )
        assert response.status_code == 422, (body, response.text)
        assert words in response.text, (body, response.text)


def test_only_administrators_change_organisations(
    client: TestClient, session: Session, world
) -> None:
    for user in (world.a.lead, world.reviewer, world.a.board):
        response = client.patch(
            f"/api/v1/organisations/{world.a.pct.code}",
            json={"name": "Mine now"},
            headers=auth(user),
        )
        assert response.status_code == 403
    assert audit_of(session, world.a.pct.id) == []
    assert (
        client.patch(
            "/api/v1/organisations/ZZZZ", json={"name": "X"}, headers=auth(world.admin)
        ).status_code
        == 404
    )


def test_reading_one_organisation_is_scoped_like_the_list(client: TestClient, world) -> None:
    assert (
        client.get(
            f"/api/v1/organisations/{world.a.pct.code}", headers=auth(world.a.lead)
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/api/v1/organisations/{world.c.pct.code}", headers=auth(world.a.lead)
        ).status_code
        == 404
    )


# The pages ------------------------------------------------------------------------------------


def test_the_list_links_each_organisation_to_its_edit_page(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    listed = client.get("/admin/organisations")
    assert f'href="/admin/organisations/{world.a.pct.code}"' in listed.text


def test_an_administrator_changes_a_pct_on_its_page_and_sees_what_changed(
    client: TestClient, session: Session, world
) -> None:
    code = world.a.pct.code
    sign_in(client, world.admin)
    page = client.get(f"/admin/organisations/{code}")
    assert page.status_code == 200
    assert 'name="practice_count"' in page.text and 'name="parent_code"' in page.text
    saved = post_form(
        client,
        f"/admin/organisations/{code}",
        f"/admin/organisations/{code}",
        {
            "name": "NHS Camden",
            "parent_code": world.sha.code,
            "population": "227,000".replace(",", ""),
            "practice_count": "37",
            "version": "1",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/admin/organisations/{code}/saved"
    done = client.get(saved.headers["location"])
    assert "Changes saved" in done.text and "nhsuk-panel" in done.text
    for words in ("NHS Camden", "227,000", "37", "Number of GP practices"):
        assert words in done.text
    session.refresh(world.a.pct)
    assert (world.a.pct.name, world.a.pct.population, world.a.pct.practice_count) == (
        "NHS Camden",
        227000,
        37,
    )


def test_an_sha_page_has_no_parent_and_a_practice_page_no_practice_count(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    sha = client.get(f"/admin/organisations/{world.sha.code}")
    assert 'name="parent_code"' not in sha.text and 'name="practice_count"' not in sha.text
    practice = client.get(f"/admin/organisations/{world.practice.code}")
    assert 'name="parent_code"' in practice.text and 'name="practice_count"' not in practice.text


def test_a_refused_change_keeps_what_was_typed_and_links_the_field(
    client: TestClient, session: Session, world
) -> None:
    code = world.practice.code
    sign_in(client, world.admin)
    refused = post_form(
        client,
        f"/admin/organisations/{code}",
        f"/admin/organisations/{code}",
        {"name": "Renamed surgery", "parent_code": world.b.pct.code, "population": "abc"},
    )
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["population"]
    assert 'value="Renamed surgery"' in refused.text and 'value="abc"' in refused.text
    moved = post_form(
        client,
        f"/admin/organisations/{code}",
        f"/admin/organisations/{code}",
        {"name": "Renamed surgery", "parent_code": world.b.pct.code, "population": ""},
    )
    assert moved.status_code == 422
    assert list(assert_summary_reaches_fields(moved.text)) == ["parent_code"]
    assert 'value="Renamed surgery"' in moved.text
    session.refresh(world.practice)
    assert world.practice.name != "Renamed surgery"


def test_a_stale_page_is_refused_showing_what_is_saved_now(client: TestClient, world) -> None:
    code = world.b.pct.code
    sign_in(client, world.admin)
    ok(
        client.patch(
            f"/api/v1/organisations/{code}", json={"name": "Theirs"}, headers=auth(world.admin)
        )
    )
    refused = post_form(
        client,
        f"/admin/organisations/{code}",
        f"/admin/organisations/{code}",
        {"name": "Mine", "parent_code": world.sha.code, "version": "1"},
    )
    assert refused.status_code == 409
    assert 'id="stale-edit"' in refused.text and "Theirs" in refused.text
    assert 'value="Mine"' in refused.text and 'name="version" value="2"' in refused.text


def test_non_administrators_may_not_open_an_organisation_page(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    assert client.get(f"/admin/organisations/{world.a.pct.code}").status_code == 403
