"""An administrator finds users by name, email, organisation, role and state, changes one on
its own page, and deactivates one only after saying yes to "Are you sure?"."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.actors import SYSTEM
from app.audit import AuditEvent
from app.users import service as user_service
from app.users.models import Role, User
from tests import factories
from tests.api_steps import ok
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in

# Steps ----------------------------------------------------------------------------------------


def given_a_named_user(session: Session, world, *, name: str, email: str, **kwargs) -> User:
    user = factories.make_user(
        session, role=kwargs.pop("role", Role.CLINICIAN), email=email, **kwargs
    )
    user.full_name = name
    session.add(user)
    session.commit()
    return user


def emails_listed(html: str) -> list[str]:
    """The email column of the users found, in order."""
    section = html[html.index('id="user-results"') :]
    return re.findall(r'aria-hidden="true">Email </span>\s*([^<\s]+)', section)


def last_event(session: Session, entity: str, entity_id: int) -> AuditEvent:
    return session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.entity) == entity, col(AuditEvent.entity_id) == entity_id)
        .order_by(col(AuditEvent.id).desc())
    ).first()


# Finding users --------------------------------------------------------------------------------


def test_the_list_finds_users_by_any_part_of_their_name_or_email_in_any_case(
    client: TestClient, session: Session, world
) -> None:
    jane = given_a_named_user(
        session,
        world,
        name="Jane Lead",
        email="jane.lead@camden.nhs.test",
        organisation=world.a.pct,
    )
    given_a_named_user(
        session, world, name="Dr Bob Hart", email="bob@islington.nhs.test", organisation=world.b.pct
    )
    sign_in(client, world.admin)
    by_name = client.get("/admin/users", params={"q": "JANE"})
    assert emails_listed(by_name.text) == [jane.email]
    by_email = client.get("/admin/users", params={"q": "camden"})
    assert emails_listed(by_email.text) == [jane.email]
    assert 'value="camden"' in by_email.text  # the filter stays filled in
    assert "1 user</h2>" in by_email.text


def test_a_percent_sign_in_the_search_is_a_letter_not_a_wildcard(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    assert emails_listed(client.get("/admin/users", params={"q": "%"}).text) == []
    assert "No users match" in client.get("/admin/users", params={"q": "_"}).text


def test_the_organisation_filter_takes_in_the_organisations_within_it(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    pct_a = emails_listed(
        client.get("/admin/users", params={"organisation": world.a.pct.code.lower()}).text
    )
    assert set(pct_a) == {
        world.a.lead.email,
        world.a.board.email,
        world.a.clinician.email,
        world.practice_clinician.email,  # at a practice inside the PCT
    }
    region = emails_listed(client.get("/admin/users", params={"organisation": world.sha.code}).text)
    assert world.reviewer.email in region and world.b.lead.email in region
    assert world.c.lead.email not in region and world.admin.email not in region


def test_role_and_state_filter_and_combine(client: TestClient, session: Session, world) -> None:
    gone = given_a_named_user(
        session,
        world,
        name="Gone Away",
        email="gone@x.nhs.test",
        organisation=world.a.pct,
        is_active=False,
    )
    sign_in(client, world.admin)
    leads = emails_listed(client.get("/admin/users", params={"role": "pct_lead"}).text)
    assert set(leads) == {world.a.lead.email, world.b.lead.email, world.c.lead.email}
    inactive = client.get(
        "/admin/users", params={"status": "inactive", "organisation": world.a.pct.code}
    )
    assert emails_listed(inactive.text) == [gone.email]
    assert '<option value="inactive" selected' in inactive.text


def test_more_than_fifty_users_come_in_pages_whose_links_keep_the_filters(
    client: TestClient, session: Session, world
) -> None:
    for n in range(55):
        factories.make_user(
            session, role=Role.CLINICIAN, organisation=world.b.pct, email=f"gp{n:02}@paged.nhs.test"
        )
    sign_in(client, world.admin)
    first = client.get("/admin/users", params={"q": "paged"})
    assert len(emails_listed(first.text)) == 50
    assert "55 users: page 1 of 2" in first.text
    assert 'href="/admin/users?q=paged&amp;page=2"' in first.text
    second = client.get("/admin/users", params={"q": "paged", "page": "2"})
    assert emails_listed(second.text) == [f"gp{n:02}@paged.nhs.test" for n in range(50, 55)]


def test_the_search_answers_htmx_with_the_results_only(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    response = client.get("/admin/users", params={"role": "admin"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text and 'id="user-results"' in response.text
    assert "HX-Request" in response.headers["Vary"]
    assert emails_listed(response.text) == [world.admin.email]


def test_the_api_takes_the_same_filters_and_answers_as_before_without_them(
    client: TestClient, session: Session, world
) -> None:
    everyone = ok(client.get("/api/v1/users", headers=auth(world.admin)))
    as_before = [(user.email, code) for user, code in user_service.list_users(session, SYSTEM)]
    assert [(u["email"], u["organisation_code"]) for u in everyone] == as_before
    found = ok(
        client.get(
            "/api/v1/users",
            params={"q": "LEAD", "organisation_code": world.sha.code, "is_active": "true"},
            headers=auth(world.admin),
        )
    )
    assert {u["email"] for u in found} == {world.a.lead.email, world.b.lead.email}
    paged = ok(client.get("/api/v1/users?limit=2&offset=1", headers=auth(world.admin)))
    assert [u["email"] for u in paged] == [u["email"] for u in everyone[1:3]]
    assert client.get("/api/v1/users?role=king", headers=auth(world.admin)).status_code == 422
    assert client.get("/api/v1/users?q=x", headers=auth(world.a.lead)).status_code == 403


# Changing a user ------------------------------------------------------------------------------


def test_an_administrator_changes_name_title_role_and_organisation_on_the_users_page(
    client: TestClient, session: Session, world
) -> None:
    user = world.a.clinician
    sign_in(client, world.admin)
    page = client.get(f"/admin/users/{user.id}")
    assert page.status_code == 200 and f'value="{world.a.pct.code}"' in page.text
    saved = post_form(
        client,
        f"/admin/users/{user.id}",
        f"/admin/users/{user.id}",
        {
            "full_name": "Dr Ann Hughes",
            "job_title": "PEC chair",
            "role": "board_member",
            "organisation_code": world.a.pct.code,
            "version": str(user.version),
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/admin/users/{user.id}/saved"
    done = client.get(saved.headers["location"])
    assert "Changes saved" in done.text and "nhsuk-panel" in done.text
    for words in ("Dr Ann Hughes", "PEC chair", "board member", "clinician"):
        assert words in done.text
    session.refresh(user)
    assert (user.full_name, user.job_title, user.role) == (
        "Dr Ann Hughes",
        "PEC chair",
        Role.BOARD_MEMBER,
    )
    event = last_event(session, "user", user.id)
    assert event.before["role"] == "clinician" and event.after["role"] == "board_member"


def test_a_user_moves_to_an_organisation_of_the_right_kind_only(
    client: TestClient, session: Session, world
) -> None:
    user = world.a.lead
    sign_in(client, world.admin)
    typed = {
        "full_name": "Typed Name",
        "job_title": "Typed title",
        "role": "pct_lead",
        "organisation_code": world.sha.code,
    }
    refused = post_form(client, f"/admin/users/{user.id}", f"/admin/users/{user.id}", typed)
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["organisation_code"]
    assert "must belong to a pct, not a sha" in links["organisation_code"]
    for value in typed.values():  # nothing typed is lost
        assert (
            f'value="{value}"' in refused.text
            or f'<option value="{value}" selected' in refused.text
        )
    session.refresh(user)
    assert user.full_name != "Typed Name"
    moved = post_form(
        client,
        f"/admin/users/{user.id}",
        f"/admin/users/{user.id}",
        {**typed, "organisation_code": world.b.pct.code},
    )
    assert moved.status_code == 303
    session.refresh(user)
    assert user.organisation_id == world.b.pct.id


def test_an_empty_name_is_refused_with_the_summary_linked_to_its_field(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    user = world.b.board
    refused = post_form(
        client,
        f"/admin/users/{user.id}",
        f"/admin/users/{user.id}",
        {"full_name": "", "role": "", "organisation_code": world.b.pct.code, "job_title": "Chair"},
    )
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert links == {"full_name": "Enter a full name", "role": "Choose a role"}
    assert 'value="Chair"' in refused.text


def test_an_administrator_cannot_take_away_their_own_role(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    refused = post_form(
        client,
        f"/admin/users/{world.admin.id}",
        f"/admin/users/{world.admin.id}",
        {"full_name": "Admin", "role": "pct_lead", "organisation_code": world.a.pct.code},
    )
    assert refused.status_code == 422
    assert assert_summary_reaches_fields(refused.text) == {
        "role": "You cannot take away your own administrator role"
    }


def test_a_stale_edit_is_refused_and_what_was_typed_kept(
    client: TestClient, session: Session, world
) -> None:
    user = world.b.clinician
    sign_in(client, world.admin)
    old_version = user.version
    ok(
        client.patch(
            f"/api/v1/users/{user.id}", json={"full_name": "Renamed"}, headers=auth(world.admin)
        )
    )
    refused = post_form(
        client,
        f"/admin/users/{user.id}",
        f"/admin/users/{user.id}",
        {
            "full_name": "Mine",
            "role": "clinician",
            "organisation_code": world.b.pct.code,
            "version": str(old_version),
        },
    )
    assert refused.status_code == 409
    assert "changed by someone else" in refused.text and 'value="Mine"' in refused.text


def test_non_administrators_may_not_open_or_post_a_users_page(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    assert client.get(f"/admin/users/{world.a.clinician.id}").status_code == 403
    assert client.get(f"/admin/users/{world.a.clinician.id}/deactivate").status_code == 403
    sign_in(client, world.admin)
    assert client.get("/admin/users/999999").status_code == 404


# Deactivation -----------------------------------------------------------------------------------


def test_deactivation_asks_first_then_signs_them_out_and_confirms(
    client: TestClient, session: Session, world
) -> None:
    jane = world.b.lead
    jane.full_name = "Jane Lead"
    session.add(jane)
    session.commit()
    sign_in(client, world.admin)
    edit = client.get(f"/admin/users/{jane.id}")
    assert f'href="/admin/users/{jane.id}/deactivate"' in edit.text
    listed = client.get("/admin/users", params={"q": jane.email})
    assert f'href="/admin/users/{jane.id}/deactivate"' in listed.text
    question = client.get(f"/admin/users/{jane.id}/deactivate")
    assert "Are you sure you want to deactivate Jane Lead?" in question.text
    assert "They will be signed out" in question.text
    session.refresh(jane)
    assert jane.is_active  # asking changes nothing
    done = post_form(
        client,
        f"/admin/users/{jane.id}/deactivate",
        f"/admin/users/{jane.id}",
        {"action": "deactivate"},
    )
    assert (
        done.status_code == 303
        and done.headers["location"] == f"/admin/users/{jane.id}/deactivated"
    )
    panel = client.get(done.headers["location"])
    assert "nhsuk-panel" in panel.text and "Jane Lead is deactivated" in panel.text
    session.refresh(jane)
    assert not jane.is_active
    assert (
        client.post(
            "/api/v1/auth/token",
            data={"username": jane.email, "password": factories.PASSWORD},
        ).status_code
        == 401
    )
    # Asked again for someone already deactivated: their page, where they can be reactivated.
    again = client.get(f"/admin/users/{jane.id}/deactivate", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/admin/users/{jane.id}"
    back = post_form(
        client,
        f"/admin/users/{jane.id}",
        f"/admin/users/{jane.id}",
        {"action": "reactivate", "from": "edit"},
    )
    assert back.status_code == 303 and back.headers["location"] == f"/admin/users/{jane.id}"
    session.refresh(jane)
    assert jane.is_active


def test_an_administrator_is_not_offered_to_deactivate_themselves(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    own = client.get(f"/admin/users/{world.admin.id}")
    assert f"/admin/users/{world.admin.id}/deactivate" not in own.text
    refused = post_form(
        client,
        f"/admin/users/{world.admin.id}/deactivate",
        f"/admin/users/{world.admin.id}",
        {"action": "deactivate"},
    )
    assert refused.status_code == 422
    assert assert_summary_reaches_fields(refused.text) == {
        "deactivate": "You cannot deactivate your own account"
    }


def test_a_short_password_from_the_users_page_is_refused_on_that_page(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    user = world.c.board
    refused = post_form(
        client,
        f"/admin/users/{user.id}",
        f"/admin/users/{user.id}",
        {"action": "reset_password", "password": "short", "from": "edit"},
    )
    assert refused.status_code == 422
    assert list(assert_summary_reaches_fields(refused.text)) == ["password"]
    assert "<h1>" + user.full_name + "</h1>" in refused.text


def test_a_refused_new_user_sent_by_htmx_comes_back_as_the_whole_form_with_its_errors(
    client: TestClient, world
) -> None:
    sign_in(client, world.admin)
    refused = post_form(
        client,
        "/admin/users",
        "/admin/users",
        {"email": "", "full_name": "New GP", "password": "long-enough-pw", "role": "clinician"},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 422
    assert assert_summary_reaches_fields(refused.text)["email"] == "Enter an email address"
    assert 'value="New GP"' in refused.text
