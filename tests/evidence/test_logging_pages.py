"""Logging evidence in a clinician's language: the form, the confirmation, refused files,
changing, deleting and unlinking through the pages, and bad input through the API."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.config import get_settings
from app.evidence import storage
from app.evidence.models import Attachment, EvidenceItem
from tests.api_steps import log_evidence, ok, submitted
from tests.evidence.test_attachments import EXE, PNG
from tests.factories import auth, make_practice
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in

FORM = {
    "title": "Locality meeting on the diabetes pathway",
    "description": "Eight GPs and two practice nurses agreed the referral criteria.",
    "occurred_on": "2010-05-20",
    "competency_numbers": ["4"],
    "kind": "engagement",
    "clinicians_involved": "10",
    "practices_involved": "1",
}


def _ticked(html: str) -> list[int]:
    boxes = re.findall(r"<input[^>]*name=\"competency_numbers\"[^>]*>", html)
    return [int(re.search(r'value="(\d+)"', b).group(1)) for b in boxes if " checked" in b]


def _items_titled(session: Session, title: str) -> list[EvidenceItem]:
    session.expire_all()
    return list(session.exec(select(EvidenceItem).where(EvidenceItem.title == title)).all())


def _post(client: TestClient, page: str, action: str, data: dict, files: dict | None = None):
    token = csrf_from(client.get(page).text)
    return client.post(
        action, data={"csrftoken": token, **data}, files=files, follow_redirects=False
    )


def _temp_files() -> list:
    return list(storage.temp_dir().glob("*")) if storage.temp_dir().exists() else []


def test_form_lists_competencies_in_number_order_each_with_its_hint(
    client: TestClient, world
) -> None:
    sign_in(client, world.practice_clinician)
    form = client.get("/evidence/new").text
    positions = [form.index(f'id="competency-{n}"') for n in range(1, 12)]
    assert positions == sorted(positions)
    assert "Working with GPs and other clinicians so they shape what is commissioned" in form
    assert form.count('class="nhsuk-hint nhsuk-checkboxes__hint"') == 11
    assert _ticked(form) == []
    # The clinician's practice is offered and chosen by its name, not its code.
    assert f">{world.practice.name}</option>" in form.replace(" selected", "")


def test_form_ticks_the_clinicians_own_last_choice_or_the_competency_linked_from(
    client: TestClient, world
) -> None:
    log_evidence(client, world.a.lead, world.a.pct.code, [7, 9])
    log_evidence(client, world.practice_clinician, world.a.pct.code, [2, 4])
    sign_in(client, world.practice_clinician)
    assert _ticked(client.get("/evidence/new").text) == [2, 4]
    assert _ticked(client.get("/evidence/new?competency=6").text) == [6]
    assert _ticked(client.get("/evidence/new?competency=12").text) == [2, 4]
    client.cookies.clear()
    sign_in(client, world.a.clinician)  # has logged nothing: nothing ticked
    assert _ticked(client.get("/evidence/new").text) == []


def test_logging_leads_to_the_logged_page_with_log_another_and_view(
    client: TestClient, world
) -> None:
    sign_in(client, world.practice_clinician)
    data = {**FORM, "practice_code": world.practice.code}
    response = _post(
        client,
        "/evidence/new",
        "/evidence",
        data,
        files={"file": ("photo.png", PNG, "image/png")},
    )
    assert response.status_code == 303, response.text
    item_id = int(response.headers["location"].split("/")[2])
    assert response.headers["location"] == f"/evidence/{item_id}/logged"
    logged = client.get(response.headers["location"]).text
    assert "Evidence logged" in logged and "nhsuk-panel" in logged
    assert FORM["title"] in logged and "photo.png" in logged
    assert '<a href="/evidence/new">Log another</a>' in logged
    assert f'<a href="/evidence/{item_id}">View the item</a>' in logged
    item = client.get(f"/evidence/{item_id}").text
    assert world.practice.name in item and "SHA-256" not in item


def test_a_refused_file_logs_nothing_and_keeps_the_typed_text(
    client: TestClient, world, session: Session
) -> None:
    sign_in(client, world.practice_clinician)
    response = _post(
        client, "/evidence/new", "/evidence", FORM, files={"file": ("minutes.pdf", EXE, "x")}
    )
    assert response.status_code == 415
    assert _items_titled(session, FORM["title"]) == []
    assert FORM["title"] in response.text and FORM["description"] in response.text
    assert _ticked(response.text) == [4]
    links = assert_summary_reaches_fields(response.text)
    assert list(links) == ["file"]
    assert "minutes.pdf is not a kind of file the service accepts" in links["file"]
    assert "application/" not in response.text and "415" not in response.text
    assert _temp_files() == []


def test_a_file_too_large_logs_nothing_and_says_the_limit(
    client: TestClient, world, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, world.practice_clinician)
    monkeypatch.setattr(get_settings(), "max_upload_mb", 1)
    big = PNG + b"\0" * (1024 * 1024 + 1)
    response = _post(
        client, "/evidence/new", "/evidence", FORM, files={"file": ("scan.png", big, "image/png")}
    )
    assert response.status_code == 413
    assert _items_titled(session, FORM["title"]) == []
    assert assert_summary_reaches_fields(response.text) == {
        "file": "The file is larger than the 1 MB limit"
    }
    assert FORM["description"] in response.text


def _api_with_file(client: TestClient, user, item: dict, name: str, content: bytes):
    return client.post(
        "/api/v1/evidence/with-file",
        data={"item": json.dumps(item)},
        files={"file": (name, content, "application/octet-stream")},
        headers=auth(user),
    )


def test_api_logs_an_item_with_its_file_at_once_or_not_at_all(
    client: TestClient, world, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {
        "organisation_code": world.a.pct.code,
        "title": "Practice visit",
        "kind": "engagement",
        "occurred_on": "2010-05-20",
        "competency_numbers": [4],
    }
    events = session.exec(select(AuditEvent)).all().__len__()
    refused = _api_with_file(client, world.a.clinician, body, "visit.pdf", EXE)
    assert refused.status_code == 415
    assert "visit.pdf is not a kind of file the service accepts" in refused.json()["detail"]
    monkeypatch.setattr(get_settings(), "max_upload_mb", 1)
    too_big = _api_with_file(client, world.a.clinician, body, "v.png", PNG + b"\0" * 2**20)
    assert too_big.status_code == 413
    assert "larger than the 1 MB limit" in too_big.json()["detail"]
    assert _items_titled(session, "Practice visit") == []
    assert session.exec(select(AuditEvent)).all().__len__() == events
    assert _temp_files() == []
    bad_item = _api_with_file(client, world.a.clinician, {**body, "kind": "rumour"}, "v.png", PNG)
    assert bad_item.status_code == 422
    assert _api_with_file(client, world.a.board, body, "v.png", PNG).status_code == 403
    logged = ok(_api_with_file(client, world.a.clinician, body, "visit.png", PNG), 201)
    assert [a["content_type"] for a in logged["attachments"]] == ["image/png"]
    assert len(_items_titled(session, "Practice visit")) == 1


def test_item_read_names_the_practice_and_its_pbc_group(
    client: TestClient, world, session: Session
) -> None:
    group = make_practice(session, parent=world.a.pct)
    from app.organisations.models import OrganisationKind

    group.kind = OrganisationKind.PBC_GROUP
    group.name = "Leodis PBC group"
    session.add(group)
    session.commit()
    inside = make_practice(session, parent=group, name="Oakwood Surgery")
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], practice_code=inside.code)
    assert (item["practice_name"], item["pbc_group_name"]) == ("Oakwood Surgery", group.name)
    for_group = log_evidence(client, world.a.lead, world.a.pct.code, [4], practice_code=group.code)
    assert (for_group["practice_name"], for_group["pbc_group_name"]) == (None, group.name)
    whole = log_evidence(client, world.a.lead, world.a.pct.code, [4])
    assert (whole["practice_name"], whole["pbc_group_name"]) == (None, None)
    sign_in(client, world.a.lead)
    page = client.get(f"/evidence/{item['id']}").text
    assert "Oakwood Surgery, in PBC group Leodis PBC group" in page
    assert inside.code not in page
    form = client.get("/evidence/new").text
    assert ">Oakwood Surgery, Leodis PBC group</option>" in form
    assert ">Leodis PBC group (PBC group)</option>" in form


def test_edit_through_the_same_form_saves_the_changes(
    client: TestClient, world, session: Session
) -> None:
    item = log_evidence(client, world.practice_clinician, world.a.pct.code, [3, 4], title="Old")
    sign_in(client, world.practice_clinician)
    page = client.get(f"/evidence/{item['id']}").text
    assert f'href="/evidence/{item["id"]}/edit"' in page
    form = client.get(f"/evidence/{item['id']}/edit").text
    assert 'value="Old"' in form and _ticked(form) == [3, 4]
    assert "Save changes" in form and 'name="version" value="1"' in form
    response = _post(
        client,
        f"/evidence/{item['id']}/edit",
        f"/evidence/{item['id']}/edit",
        {**FORM, "title": "New title", "competency_numbers": ["4", "8"], "version": "1"},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/evidence/{item['id']}"
    changed = ok(client.get(f"/api/v1/evidence/{item['id']}", headers=auth(world.a.lead)))
    assert (changed["title"], changed["competency_numbers"]) == ("New title", [4, 8])
    assert changed["clinicians_involved"] == 10
    stale = _post(
        client,
        f"/evidence/{item['id']}/edit",
        f"/evidence/{item['id']}/edit",
        {**FORM, "title": "Stale", "version": "1"},
    )
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text and 'value="Stale"' in stale.text


def test_edit_refuses_bad_input_with_the_typed_text(client: TestClient, world) -> None:
    item = log_evidence(client, world.practice_clinician, world.a.pct.code, [4])
    sign_in(client, world.practice_clinician)
    url = f"/evidence/{item['id']}/edit"
    negative = _post(client, url, url, {**FORM, "clinicians_involved": "-3", "version": "1"})
    assert negative.status_code == 422
    assert assert_summary_reaches_fields(negative.text) == {
        "clinicians_involved": "The number of clinicians involved cannot be less than 0"
    }
    assert FORM["description"] in negative.text


def test_delete_asks_first_then_says_it_is_deleted(
    client: TestClient, world, session: Session
) -> None:
    item = log_evidence(client, world.practice_clinician, world.a.pct.code, [4], title="Gone")
    sign_in(client, world.practice_clinician)
    page = client.get(f"/evidence/{item['id']}/delete").text
    assert "Are you sure you want to delete this evidence?" in page and "Gone" in page
    response = _post(
        client,
        f"/evidence/{item['id']}/delete",
        f"/evidence/{item['id']}/delete",
        {"version": "1"},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/evidence/deleted"
    done = client.get("/evidence/deleted").text
    assert "Evidence deleted" in done and "nhsuk-panel" in done
    assert "\u201cGone\u201d has been deleted." in done
    assert _items_titled(session, "Gone") == []
    assert client.get(f"/evidence/{item['id']}").status_code == 404


def test_unlink_a_competency_keeps_the_others_and_never_the_last(client: TestClient, world) -> None:
    item = log_evidence(client, world.practice_clinician, world.a.pct.code, [3, 4])
    sign_in(client, world.practice_clinician)
    page_url = f"/evidence/{item['id']}"
    assert f'action="/evidence/{item["id"]}/competencies/3/unlink"' in client.get(page_url).text
    response = _post(client, page_url, f"{page_url}/competencies/3/unlink", {"version": "1"})
    assert response.status_code == 303, response.text
    read = ok(client.get(f"/api/v1/evidence/{item['id']}", headers=auth(world.a.lead)))
    assert read["competency_numbers"] == [4]
    page = client.get(page_url).text
    assert "/competencies/4/unlink" not in page  # the last one has no button
    last = _post(client, page_url, f"{page_url}/competencies/4/unlink", {"version": "2"})
    assert last.status_code == 422
    assert (
        "the only one this item shows"
        in assert_summary_reaches_fields(last.text)["competency_numbers"]
    )
    not_linked = _post(client, page_url, f"{page_url}/competencies/9/unlink", {"version": "2"})
    assert not_linked.status_code == 404


def test_another_clinicians_item_cannot_be_changed_through_the_pages(
    client: TestClient, world
) -> None:
    item = log_evidence(client, world.a.clinician, world.a.pct.code, [4])
    sign_in(client, world.practice_clinician)
    assert "/edit" not in client.get(f"/evidence/{item['id']}").text
    for path in ("edit", "delete"):
        assert client.get(f"/evidence/{item['id']}/{path}").status_code == 403
    refused = _post(
        client,
        f"/evidence/{item['id']}",
        f"/evidence/{item['id']}/delete",
        {"version": "1"},
    )
    assert refused.status_code == 403


def test_a_frozen_item_cannot_be_changed_deleted_or_unlinked(
    client: TestClient, world, session: Session
) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    assert assessment["status"] == "submitted"
    frozen = session.exec(
        select(EvidenceItem).where(col(EvidenceItem.title) == "Five-year strategic plan")
    ).one()
    sign_in(client, world.a.lead)
    page = client.get(f"/evidence/{frozen.id}").text
    assert "/edit" not in page and "/unlink" not in page and "/delete" not in page
    assert "can no longer be changed" in page
    for path in ("edit", "delete"):
        refused = client.get(f"/evidence/{frozen.id}/{path}")
        assert refused.status_code == 409
        assert "part of a submitted or finalised assessment" in refused.text
    token = csrf_from(client.get("/evidence").text)
    for action in ("delete", "competencies/4/unlink"):
        response = client.post(
            f"/evidence/{frozen.id}/{action}",
            data={"csrftoken": token, "version": "1"},
            follow_redirects=False,
        )
        assert response.status_code == 409, action
    assert session.get(EvidenceItem, frozen.id) is not None


def test_a_practice_of_another_pct_is_not_found(client: TestClient, world, session) -> None:
    elsewhere = make_practice(session, parent=world.b.pct)
    body = {
        "organisation_code": world.a.pct.code,
        "title": "Elsewhere",
        "kind": "engagement",
        "occurred_on": "2010-05-20",
        "competency_numbers": [4],
        "practice_code": elsewhere.code,
    }
    created = client.post("/api/v1/evidence", json=body, headers=auth(world.a.lead))
    assert created.status_code == 404
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4])
    patched = client.patch(
        f"/api/v1/evidence/{item['id']}",
        json={"practice_code": elsewhere.code},
        headers=auth(world.a.lead),
    )
    assert patched.status_code == 404
    sign_in(client, world.a.lead)
    page = _post(client, "/evidence/new", "/evidence", {**FORM, "practice_code": elsewhere.code})
    assert page.status_code == 404
    assert assert_summary_reaches_fields(page.text) == {
        "practice_code": f"There is no practice or PBC group {elsewhere.code} in {world.a.pct.name}"
    }
    assert _items_titled(session, FORM["title"]) == []


def test_negative_counts_are_refused(client: TestClient, world) -> None:
    body = {
        "organisation_code": world.a.pct.code,
        "title": "Counts",
        "kind": "engagement",
        "occurred_on": "2010-05-20",
        "competency_numbers": [4],
    }
    for field in ("clinicians_involved", "practices_involved"):
        response = client.post(
            "/api/v1/evidence", json={**body, field: -1}, headers=auth(world.a.lead)
        )
        assert response.status_code == 422, field
        assert "cannot be less than 0" in response.text


def test_more_practices_than_the_pct_has_are_refused_naming_the_limit(
    client: TestClient, world, session: Session
) -> None:
    world.a.pct.practice_count = 75
    session.add(world.a.pct)
    session.commit()
    body = {
        "organisation_code": world.a.pct.code,
        "title": "Every practice",
        "kind": "engagement",
        "occurred_on": "2010-05-20",
        "competency_numbers": [4],
    }
    message = "The PCT has 75 practices; practices involved cannot be more than that"
    refused = client.post(
        "/api/v1/evidence", json={**body, "practices_involved": 76}, headers=auth(world.a.lead)
    )
    assert refused.status_code == 422 and refused.json()["detail"] == message
    item = ok(
        client.post(
            "/api/v1/evidence", json={**body, "practices_involved": 75}, headers=auth(world.a.lead)
        ),
        201,
    )
    patched = client.patch(
        f"/api/v1/evidence/{item['id']}",
        json={"practices_involved": 80},
        headers=auth(world.a.lead),
    )
    assert patched.status_code == 422 and patched.json()["detail"] == message
    sign_in(client, world.a.lead)
    url = f"/evidence/{item['id']}/edit"
    page = _post(client, url, url, {**FORM, "practices_involved": "76", "version": "1"})
    assert page.status_code == 422
    assert assert_summary_reaches_fields(page.text) == {"practices_involved": message}


def test_the_recorded_practices_are_the_limit_when_none_is_declared(
    client: TestClient, world, session: Session
) -> None:
    # PCT a records one practice and declares no number.
    refused = client.post(
        "/api/v1/evidence",
        json={
            "organisation_code": world.a.pct.code,
            "title": "Two practices",
            "kind": "engagement",
            "occurred_on": "2010-05-20",
            "competency_numbers": [4],
            "practices_involved": 2,
        },
        headers=auth(world.a.lead),
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "The PCT has 1 practice; practices involved cannot be more than that"
    )
    assert session.exec(select(Attachment)).all() == []
