"""The pages each role works in: full pages, htmx fragments, forms without JavaScript."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import log_evidence, ok, open_assessment, ready_to_sign, submitted
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, post_form, sign_in

HX = {"HX-Request": "true"}


def test_each_role_gets_its_own_home(client: TestClient, world) -> None:
    open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    expectations = [
        (world.a.lead, "Your assessment"),
        (world.a.board, "Board sign-off"),
        (world.a.clinician, "Log your engagement evidence"),
        (world.reviewer, "Assessments to review"),
        (world.admin, "Set-up"),
    ]
    for user, heading in expectations:
        client.cookies.clear()
        sign_in(client, user)
        assert heading in client.get("/").text, user.role


def test_lead_starts_the_cycles_assessment_from_home(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    home = client.get("/")
    assert f"Start the {world.cycle.name} assessment" in home.text
    response = post_form(client, "/", "/assessments", {"cycle_id": world.cycle.id})
    assert response.status_code == 303
    board = client.get(response.headers["location"])
    assert "0 of 11" in board.text


def test_scoring_with_htmx_returns_the_form_and_the_new_readiness(
    client: TestClient, world
) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/2"
    page = client.get(url)
    assert "0 of 11" in page.text
    response = client.post(
        url,
        data={
            "level": "2",
            "rationale": "Joint commissioning with the council.",
            "csrftoken": csrf_from(page.text),
        },
        headers={**HX, "X-CSRFToken": csrf_from(page.text)},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="competency-2-self-score"' in response.text
    readiness = re.search(r'<div [^>]*id="assessment-readiness"[^>]*>', response.text)
    assert readiness, "no readiness panel in the fragment"
    assert 'hx-swap-oob="true"' in readiness.group(0)
    assert "nhsuk-inset-text" in readiness.group(0)
    assert "1 of 11" in response.text


def test_an_invalid_score_is_422_with_the_error_summary_linked_to_fields(
    client: TestClient, world
) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/2"
    token = csrf_from(client.get(url).text)
    response = client.post(url, data={"rationale": "", "csrftoken": token}, headers=HX)
    assert response.status_code == 422
    assert "There is a problem" in response.text
    links = assert_summary_reaches_fields(response.text)
    assert links["level"] == "Choose a level"
    assert "rationale" in links
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>' in response.text


def test_a_stale_edit_says_someone_else_changed_it_and_shows_theirs(
    client: TestClient, world
) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    api_url = f"/api/v1/assessments/{assessment['id']}/self-scores/2"
    ok(client.put(api_url, json={"level": 2, "rationale": "First"}, headers=auth(world.a.lead)))
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/2"
    token = csrf_from(client.get(url).text)
    ok(
        client.put(
            api_url,
            json={"level": 3, "rationale": "Theirs, saved meanwhile"},
            headers=auth(world.a.lead),
        )
    )
    response = client.post(
        url,
        data={"level": "1", "rationale": "Mine", "version": "1", "csrftoken": token},
        headers=HX,
    )
    assert response.status_code == 409
    assert "Test pct lead changed this after you opened it" in response.text
    assert "Theirs, saved meanwhile" in response.text
    # What the user typed is still in the form, and saving again now replaces the other change.
    assert ">Mine</textarea>" in response.text
    again = client.post(
        url,
        data={"level": "1", "rationale": "Mine", "version": "2", "csrftoken": token},
        headers=HX,
    )
    assert again.status_code == 200
    saved = client.get(api_url.rsplit("/self-scores", 1)[0], headers=auth(world.a.lead)).json()
    assert [s["rationale"] for s in saved["self_scores"]] == ["Mine"]


def test_without_javascript_a_save_redirects_back_with_a_message(client: TestClient, world) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/5"
    response = post_form(client, url, url, {"level": "2", "rationale": "JSNA refreshed."})
    assert response.status_code == 303
    assert response.headers["location"] == url
    assert "Competency 5 saved." in client.get(url).text


# The board's decision as the sign-off page posts it.
DECISION = {
    "meeting_date[day]": "1",
    "meeting_date[month]": "12",
    "meeting_date[year]": "2009",
    "minute_reference": "BD/09/147",
    "declaration": "yes",
}


def test_board_sign_off_is_disabled_with_the_reason_until_ready(client: TestClient, world) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_in(client, world.a.board)
    page = client.get(f"/assessments/{assessment['id']}").text
    assert 'disabled aria-disabled="true"' in page
    assert "missing; see the list below" in page
    url = f"/assessments/{assessment['id']}/sign-off"
    refused = post_form(client, url, url, DECISION)
    assert refused.status_code == 409
    assert "Competency 1 (Locally lead the NHS): no self-assessed level" in refused.text


def test_board_signs_off_and_lead_submits_through_the_pages(client: TestClient, world) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    board_url = f"/assessments/{assessment['id']}"
    sign_in(client, world.a.board)
    signed = post_form(client, f"{board_url}/sign-off", f"{board_url}/sign-off", DECISION)
    assert signed.status_code == 303
    assert "Self-assessment signed off" in client.get(signed.headers["location"]).text
    client.cookies.clear()
    sign_in(client, world.a.lead)
    sent = post_form(client, f"{board_url}/submit", f"{board_url}/submit", {})
    assert sent.status_code == 303
    assert "Self-assessment submitted" in client.get(sent.headers["location"]).text
    assert "Ready for board sign-off" not in client.get(board_url).text


def test_reviewer_scores_and_finalises_through_the_pages(client: TestClient, world) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    sign_in(client, world.reviewer)
    base = f"/assessments/{assessment['id']}/review"
    for number in range(1, 12):
        response = post_form(
            client, f"{base}/{number}", f"{base}/{number}", {"level": "2", "comment": "Agreed."}
        )
        assert response.status_code == 303
    moved = post_form(client, f"{base}/1", f"{base}/1", {"level": "4", "comment": ""})
    assert moved.status_code == 422 and "say why" in moved.text
    governance = f"/assessments/{assessment['id']}/governance"
    for area in ("strategy", "finance", "board"):
        rated = post_form(
            client,
            governance,
            f"/assessments/{assessment['id']}/governance-reviews/{area}",
            {"rating": "amber"},
        )
        assert rated.status_code == 303
    final = post_form(
        client, base, f"{assessment and '/assessments/' + str(assessment['id'])}/finalise", {}
    )
    assert final.status_code == 303
    assert "Review finalised." in client.get(base).text


def test_evidence_search_as_you_type_returns_only_the_results(client: TestClient, world) -> None:
    log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Diabetes pathway workshop")
    log_evidence(client, world.a.lead, world.a.pct.code, [7], title="Market statement")
    sign_in(client, world.a.lead)
    fragment = client.get("/evidence?q=diabetes", headers=HX)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith("{#") is False
    assert "<html" not in fragment.text and 'id="evidence-results"' in fragment.text
    assert "Diabetes pathway workshop" in fragment.text and "Market statement" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    full = client.get("/evidence?q=diabetes")
    assert "<html" in full.text and 'name="q" type="search" value="diabetes"' in full.text


def test_user_text_with_markup_is_shown_as_text(client: TestClient, world) -> None:
    item = log_evidence(
        client,
        world.a.lead,
        world.a.pct.code,
        [3],
        title='<script>alert("x")</script> panel',
        description="<img src=x onerror=alert(1)>",
    )
    sign_in(client, world.a.lead)
    page = client.get(f"/evidence/{item['id']}").text
    assert (
        "<script>alert" not in page
        and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; panel" in page
    )
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_clinician_logs_evidence_with_a_file_without_javascript(client: TestClient, world) -> None:
    sign_in(client, world.practice_clinician)
    form = client.get("/evidence/new").text
    # Competencies in number order, none chosen for the clinician in advance.
    assert form.index("1. Locally lead the NHS") < form.index("4. Collaborate with clinicians")
    assert " checked" not in form
    response = client.post(
        "/evidence",
        data={
            "csrftoken": csrf_from(form),
            "title": "Practice meeting on referrals",
            "description": "Six GPs.",
            "occurred_on": "2009-11-03",
            "competency_numbers": ["4"],
            "kind": "engagement",
            "practice_code": world.practice.code,
            "clinicians_involved": "6",
            "practices_involved": "1",
        },
        files={"file": ("notes.txt", b"Minutes of the meeting.\n", "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    item = client.get(response.headers["location"]).text
    assert response.headers["location"].endswith("/logged")
    assert "Evidence logged" in item and "with its file" in item and "notes.txt" in item


def test_invalid_evidence_form_is_422_with_messages(client: TestClient, world) -> None:
    sign_in(client, world.a.clinician)
    response = post_form(
        client, "/evidence/new", "/evidence", {"title": "", "occurred_on": "2009-02-30"}
    )
    assert response.status_code == 422
    for message in (
        "Enter a title",
        "Enter the date it happened as a real date",
        "at least one competency",
    ):
        assert message in response.text
    # Each message links to its field (the group's first box for the competencies), and each
    # field's own message starts with a visually hidden "Error:".
    links = assert_summary_reaches_fields(response.text)
    assert links["title"] == "Enter a title"
    assert any(target.startswith("competency-") for target in links)
    assert response.text.count('<span class="nhsuk-u-visually-hidden">Error: </span>') == len(links)


def test_a_refused_password_reset_opens_its_row_with_the_message(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    field = f"password-{world.b.lead.id}"
    response = post_form(
        client,
        "/admin/users",
        f"/admin/users/{world.b.lead.id}",
        {"action": "reset_password", "password": "short"},
    )
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert list(links) == [field]
    assert f'id="{field}-error"' in response.text
    opened = re.findall(r"<details [^>]*\bopen\b[^>]*>(.*?)</details>", response.text, flags=re.S)
    assert len(opened) == 1 and f'id="{field}"' in opened[0]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("clinician", "/admin", 403),
        ("reviewer", "/admin/users", 403),
        ("lead", "/admin/cycles", 403),
        ("admin", "/admin/organisations", 200),
        ("admin", "/admin/users", 200),
        ("admin", "/admin/cycles", 200),
        ("board", "/evidence/new", 403),
        ("reviewer", "/evidence/new", 403),
    ],
)
def test_pages_refuse_the_wrong_role(
    client: TestClient, world, who: str, path: str, status: int
) -> None:
    user = {
        "clinician": world.a.clinician,
        "reviewer": world.reviewer,
        "lead": world.a.lead,
        "admin": world.admin,
        "board": world.a.board,
    }[who]
    sign_in(client, user)
    assert client.get(path).status_code == status


def test_other_organisations_pages_are_not_found(client: TestClient, world) -> None:
    theirs = open_assessment(client, world.b.lead, world.b.pct.code, world.cycle.id)
    item = log_evidence(client, world.b.lead, world.b.pct.code, [1])
    sign_in(client, world.a.lead)
    for path in (
        f"/assessments/{theirs['id']}",
        f"/assessments/{theirs['id']}/competencies/1",
        f"/evidence/{item['id']}",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page not found" in response.text


def test_admin_adds_a_user_and_deactivates_another(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    created = post_form(
        client,
        "/admin/users",
        "/admin/users",
        {
            "email": "new.gp@test.nhs.test",
            "full_name": "New GP",
            "password": "long-enough-pw",
            "role": "clinician",
            "organisation_code": world.a.pct.code,
        },
    )
    assert created.status_code == 303
    short = post_form(
        client,
        "/admin/users",
        "/admin/users",
        {
            "email": "x@test.nhs.test",
            "full_name": "X",
            "password": "short",
            "role": "clinician",
            "organisation_code": world.a.pct.code,
        },
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text
    off = post_form(
        client, "/admin/users", f"/admin/users/{world.b.lead.id}", {"action": "deactivate"}
    )
    assert off.status_code == 303
    assert (
        client.post(
            "/api/v1/auth/token",
            data={"username": world.b.lead.email, "password": "correct-horse-battery"},
        ).status_code
        == 401
    )


def test_the_signed_out_home_page_shows_nothing_of_anyones_data(client: TestClient, world) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Sign in" in page.text and "The eleven competencies" in page.text
    for counted in ("This service today", "Evidence items", "Assessments:", "app-overview"):
        assert counted not in page.text
