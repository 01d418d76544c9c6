"""The development plan as pages (SPEC §6.5): once the SHA has finalised an assessment, the
PCT's lead adds actions (the form, check your answers, a confirmation) and reports progress
on each (status and a dated note, checked then saved); the board, the SHA's reviewers and
administrators read the plan with no forms; a refusal comes back as the form with everything
typed and the service's plain message linked to its field."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.models import Assessment
from app.development.models import ActionStatus, DevelopmentAction, ProgressNote
from app.development.rules import latest_due_on
from app.wording import long_date, today_in_england
from tests.api_steps import ok, reviewed
from tests.factories import auth
from tests.statements import counting
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in

ACTION = "Hold a stakeholder event with every practice before the next <plan>."
OWNER = "Director of commissioning"
FESC = "External support procured through FESC"


# Given ---------------------------------------------------------------------------------------


def finalised(client: TestClient, world: Any) -> int:
    """PCT a's assessment, reviewed in full and finalised by its SHA today."""
    aid = reviewed(client, world)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    return aid


def finalised_days_ago(client: TestClient, session: Session, world: Any, days: int) -> int:
    aid = finalised(client, world)
    assessment = session.get(Assessment, aid)
    assert assessment is not None
    assessment.finalised_at = datetime.now(UTC) - timedelta(days=days)
    session.add(assessment)
    session.commit()
    return aid


def added_by_api(client: TestClient, world: Any, aid: int, **change: Any) -> dict[str, Any]:
    body = {
        "competency_number": 4,
        "action": ACTION,
        "owner": OWNER,
        "due_on": (today_in_england() + timedelta(days=90)).isoformat(),
        "support": "fesc",
        "support_note": "Lot 3: engagement.",
    } | change
    return ok(
        client.post(
            f"/api/v1/assessments/{aid}/development-actions", json=body, headers=auth(world.a.lead)
        ),
        201,
    )


def plan_url(aid: int) -> str:
    return f"/assessments/{aid}/development-plan"


# Reading pages -------------------------------------------------------------------------------


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, flags=re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def field_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def checked(page: str, name: str) -> str | None:
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if "checked" in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else None
    return None


def selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, flags=re.S)
    assert select, f"no select {name}"
    chosen = re.search(r'<option value="([^"]*)"\s*selected', select.group(1))
    return chosen.group(1) if chosen else None


def post(client: TestClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    token = csrf_from(client.get(plan_url_of(url)).text)
    return client.post(url, data={"csrftoken": token, **data}, follow_redirects=False, **kwargs)


def plan_url_of(url: str) -> str:
    """The plan's own page: every reader of the plan can load it (for its form token)."""
    return re.sub(r"(/development-plan).*", r"\1", url)


def action_form(when: datetime | None = None, **change: str) -> dict[str, str]:
    due = (when or datetime.now(UTC) + timedelta(days=120)).date()
    return {
        "competency_number": "4",
        "action": ACTION,
        "owner": OWNER,
        "due_on[day]": str(due.day),
        "due_on[month]": str(due.month),
        "due_on[year]": str(due.year),
        "support": "fesc",
        "support_note": "Lot 3: patient and public engagement.",
        "step": "check",
    } | change


# Adding an action ----------------------------------------------------------------------------


def test_the_lead_adds_an_action_through_check_answers_to_the_confirmation(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    sign_in(client, world.a.lead)
    plan = client.get(plan_url(aid))
    assert plan.status_code == 200
    assert f'href="{plan_url(aid)}/new"' in plan.text
    assert "No actions have been added yet." in words(plan.text)

    form = client.get(f"{plan_url(aid)}/new")
    assert form.status_code == 200
    assert "The assessment as a whole" in form.text
    assert FESC in form.text  # the support's label, from the model
    due = today_in_england() + timedelta(days=120)
    check = post(client, f"{plan_url(aid)}/new", action_form())
    assert check.status_code == 200, check.text[:2000]
    shown = words(check.text)
    assert "Check the action before adding it" in shown
    assert f"Due date {long_date(due)}" in shown
    assert ACTION in shown and "&lt;plan&gt;" in check.text
    assert f"Support the SHA offers {FESC}" in shown
    assert field_value(check.text, "due_on[year]") == str(due.year)
    assert "Change the due date" in shown

    again = post(client, f"{plan_url(aid)}/new", action_form(step="change"))
    assert again.status_code == 200
    assert textarea(again.text, "action") == ACTION
    assert field_value(again.text, "owner") == OWNER
    assert selected(again.text, "competency_number") == "4"
    assert checked(again.text, "support") == "fesc"
    assert field_value(again.text, "due_on[day]") == str(due.day)

    added = post(client, f"{plan_url(aid)}/new", action_form(step="confirm"))
    assert added.status_code == 303, added.text[:2000]
    actions = ok(
        client.get(f"/api/v1/assessments/{aid}/development-actions", headers=auth(world.a.lead))
    )
    assert len(actions) == 1 and actions[0]["support"] == "fesc"
    assert actions[0]["due_on"] == due.isoformat()
    assert added.headers["location"] == f"{plan_url(aid)}/{actions[0]['id']}/added"
    confirmation = client.get(added.headers["location"])
    assert confirmation.status_code == 200
    assert "Action added to the development plan" in words(confirmation.text)

    plan_now = words(client.get(plan_url(aid)).text)
    assert "Competency 4:" in plan_now and OWNER in plan_now
    assert "Not started" in plan_now and "No progress reported yet" in plan_now
    assert f"Due {long_date(due)}" in plan_now and "Overdue" not in plan_now


def test_an_action_on_the_assessment_as_a_whole(client: TestClient, world) -> None:
    aid = finalised(client, world)
    sign_in(client, world.a.lead)
    data = action_form(competency_number="whole", support="none", support_note="")
    check = post(client, f"{plan_url(aid)}/new", data)
    assert "Competency The assessment as a whole" in words(check.text)
    assert "None given" in words(check.text)
    assert post(client, f"{plan_url(aid)}/new", data | {"step": "confirm"}).status_code == 303
    action = ok(
        client.get(f"/api/v1/assessments/{aid}/development-actions", headers=auth(world.a.lead))
    )[0]
    assert action["competency_number"] is None and action["support"] == "none"


def test_an_htmx_confirm_is_answered_with_a_redirect(client: TestClient, world) -> None:
    aid = finalised(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(plan_url(aid)).text)
    response = client.post(
        f"{plan_url(aid)}/new",
        data={"csrftoken": token, **action_form(step="confirm")},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].endswith("/added")


def test_missing_answers_are_refused_with_everything_typed_kept(client: TestClient, world) -> None:
    aid = finalised(client, world)
    sign_in(client, world.a.lead)
    refused = post(
        client,
        f"{plan_url(aid)}/new",
        action_form(competency_number="", owner="  ", support="", action="Kept <words>.")
        | {"due_on[day]": "31", "due_on[month]": "2"},
    )
    assert refused.status_code == 422
    assert "<title>Error: " in refused.text
    assert assert_summary_reaches_fields(refused.text) == {
        "competency_number": "Choose the competency the action develops, or the assessment as "
        "a whole",
        "owner": "Name the owner: who answers for the action",
        "due_on-day": "The due date must be a real date",
        "support": "Choose the support the SHA offers, or No support offered",
    }
    assert textarea(refused.text, "action") == "Kept <words>."
    assert field_value(refused.text, "due_on[day]") == "31"
    assert textarea(refused.text, "support_note") == "Lot 3: patient and public engagement."


def test_a_due_date_before_the_finalisation_comes_back_with_the_services_words(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    sign_in(client, world.a.lead)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    refused = post(client, f"{plan_url(aid)}/new", action_form(yesterday))
    assert refused.status_code == 422
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["due_on-day"]
    assert links["due_on-day"].startswith("The due date must not be before ")
    assert links["due_on-day"].endswith("when the assessment was finalised")
    assert textarea(refused.text, "action") == ACTION
    assert checked(refused.text, "support") == "fesc"
    assert selected(refused.text, "competency_number") == "4"


def test_a_due_date_over_five_years_ahead_is_refused_even_at_the_last_step(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    sign_in(client, world.a.lead)
    latest = latest_due_on(today_in_england())
    too_late = datetime(latest.year + 1, 1, 1, tzinfo=UTC)
    for step in ("check", "confirm"):
        refused = post(client, f"{plan_url(aid)}/new", action_form(too_late, step=step))
        assert refused.status_code == 422
        assert assert_summary_reaches_fields(refused.text) == {
            "due_on-day": f"The due date must be within five years: {long_date(latest)} at the "
            "latest"
        }
        assert field_value(refused.text, "owner") == OWNER
    assert (
        ok(client.get(f"/api/v1/assessments/{aid}/development-actions", headers=auth(world.a.lead)))
        == []
    )


# Reporting progress --------------------------------------------------------------------------


def test_the_lead_reports_progress_with_a_note_through_check_to_confirmation(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = added_by_api(client, world, aid)
    url = f"{plan_url(aid)}/{action['id']}"
    sign_in(client, world.a.lead)
    page = client.get(url)
    assert page.status_code == 200
    assert checked(page.text, "status") == "not_started"
    assert field_value(page.text, "version") == "1"
    assert "No progress reported yet." in words(page.text)

    update = {"status": "on_track", "progress_note": "Venue <booked>.", "version": "1"}
    check = post(client, url, update | {"step": "check"})
    assert check.status_code == 200
    shown = words(check.text)
    assert "Check your progress report before saving it" in shown
    assert "Status On track (was Not started)" in shown
    assert "Progress note Venue <booked>." in shown
    back = post(client, url, update | {"step": "change"})
    assert checked(back.text, "status") == "on_track"
    assert textarea(back.text, "progress_note") == "Venue <booked>."

    saved = post(client, url, update | {"step": "confirm"})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}/updated"
    done = words(client.get(saved.headers["location"]).text)
    assert "Progress saved" in done and "Status: On track" in done

    notes = words(client.get(url).text).replace(" ,", ",")
    today = long_date(today_in_england())
    assert f"{today}, {world.a.lead.full_name}: status set to On track Venue <booked>." in notes

    note_only = {"status": "on_track", "progress_note": "Invitations sent.", "version": "2"}
    assert "Status On track (unchanged)" in words(post(client, url, note_only).text)
    assert post(client, url, note_only | {"step": "confirm"}).status_code == 303
    body = ok(
        client.get(
            f"/api/v1/assessments/{aid}/development-actions/{action['id']}",
            headers=auth(world.reviewer),
        )
    )
    assert [(n["status"], n["note"]) for n in body["progress_notes"]] == [
        ("on_track", "Venue <booked>."),
        ("on_track", "Invitations sent."),
    ]
    plan = words(client.get(plan_url(aid)).text)
    assert "Latest progress Invitations sent." in plan


def test_nothing_to_save_and_a_status_outside_the_list_are_refused(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = added_by_api(client, world, aid)
    url = f"{plan_url(aid)}/{action['id']}"
    sign_in(client, world.a.lead)
    nothing = post(client, url, {"status": "not_started", "progress_note": " ", "version": "1"})
    assert nothing.status_code == 422
    assert assert_summary_reaches_fields(nothing.text) == {
        "progress_note": "Choose a new status or write a progress note"
    }
    odd = post(client, url, {"status": "abandoned", "progress_note": "Kept.", "version": "1"})
    assert odd.status_code == 422
    assert assert_summary_reaches_fields(odd.text) == {
        "status": "Choose the status: not started, on track, at risk or done"
    }
    assert textarea(odd.text, "progress_note") == "Kept."


def test_a_stale_version_gives_the_plain_message_and_keeps_what_was_typed(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = added_by_api(client, world, aid)
    url = f"{plan_url(aid)}/{action['id']}"
    sign_in(client, world.a.lead)
    assert field_value(client.get(url).text, "version") == "1"
    ok(
        client.patch(
            f"/api/v1/assessments/{aid}/development-actions/{action['id']}",
            json={"status": "at_risk", "progress_note": "Half the practices cannot come."},
            headers=auth(world.a.lead),
        )
    )
    mine = {"status": "done", "progress_note": "Event held.", "version": "1", "step": "confirm"}
    stale = post(client, url, mine)
    assert stale.status_code == 409
    links = assert_summary_reaches_fields(stale.text)
    assert list(links) == ["update-form"]
    assert links["update-form"] == (
        f"Development action {action['id']} was changed by {world.a.lead.full_name} since you "
        "read it (version 2, you had 1); reload and try again"
    )
    assert 'id="stale-edit"' in stale.text
    assert textarea(stale.text, "progress_note") == "Event held."
    assert checked(stale.text, "status") == "done"
    assert field_value(stale.text, "version") == "2"
    assert "Half the practices cannot come." in words(stale.text)  # what is saved now
    again = post(client, url, mine | {"version": "2"})
    assert again.status_code == 303


# Who reads, who keeps ----------------------------------------------------------------------


def test_the_board_the_sha_and_an_administrator_read_the_plan_but_see_no_forms(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = added_by_api(client, world, aid)
    url = f"{plan_url(aid)}/{action['id']}"
    for reader in (world.a.board, world.reviewer, world.admin):
        client.cookies.clear()
        sign_in(client, reader)
        plan = client.get(plan_url(aid))
        assert plan.status_code == 200, reader.role
        assert ACTION in words(plan.text)
        assert f'href="{plan_url(aid)}/new"' not in plan.text
        assert "The PCT's lead keeps the plan" in words(plan.text)
        one = client.get(url)
        assert one.status_code == 200
        assert 'name="progress_note"' not in one.text and f'action="{url}"' not in one.text
        assert client.get(f"{plan_url(aid)}/new").status_code == 403
        refused = post(client, url, {"status": "done", "progress_note": "Not mine to write."})
        assert refused.status_code == 403
    client.cookies.clear()
    sign_in(client, world.reviewer)
    assert f'href="/assessments/{aid}/review"' in client.get(plan_url(aid)).text


def test_a_clinician_is_refused_and_another_pct_or_sha_finds_nothing(
    client: TestClient, world
) -> None:
    aid = finalised(client, world)
    action = added_by_api(client, world, aid)
    for user, status in (
        (world.a.clinician, 403),
        (world.b.lead, 404),
        (world.b.board, 404),
        (world.other_reviewer, 404),
    ):
        client.cookies.clear()
        sign_in(client, user)
        assert client.get(plan_url(aid)).status_code == status, user.role
        assert client.get(f"{plan_url(aid)}/{action['id']}").status_code == status
    client.cookies.clear()
    sign_in(client, world.a.lead)
    assert client.get(f"{plan_url(aid)}/{action['id'] + 1000}").status_code == 404


def test_before_the_sha_finalises_the_plan_follows_the_final_ratings(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    sign_in(client, world.a.lead)
    plan = client.get(plan_url(aid))
    assert plan.status_code == 200
    assert "A development plan follows the SHA's final ratings" in words(plan.text)
    assert f'href="{plan_url(aid)}/new"' not in plan.text
    form = client.get(f"{plan_url(aid)}/new")
    assert form.status_code == 200
    assert 'name="action"' not in form.text
    refused = post(client, f"{plan_url(aid)}/new", action_form(step="confirm"))
    assert refused.status_code == 409
    links = assert_summary_reaches_fields(refused.text)
    assert list(links) == ["action-form"]
    assert html.unescape(links["action-form"]).startswith(
        "A development plan follows the SHA's final ratings"
    )


# Overdue ---------------------------------------------------------------------------------------


def test_an_overdue_action_is_flagged_in_words(client: TestClient, session: Session, world) -> None:
    aid = finalised_days_ago(client, session, world, 60)
    due = today_in_england() - timedelta(days=10)
    late = added_by_api(client, world, aid, due_on=due.isoformat())
    added_by_api(client, world, aid, due_on=due.isoformat(), competency_number=5)
    ok(
        client.patch(
            f"/api/v1/assessments/{aid}/development-actions/{late['id']}",
            json={"status": "done"},
            headers=auth(world.a.lead),
        )
    )
    sign_in(client, world.a.board)
    plan = words(client.get(plan_url(aid)).text)
    assert "1 action is overdue" in plan
    assert plan.count(f"Overdue: due {long_date(due)}") == 1
    assert f"Due {long_date(due)} Support" in plan  # the one done is not overdue
    one = words(client.get(f"{plan_url(aid)}/{late['id']}").text)
    assert "Overdue" not in one


def test_the_plan_page_runs_the_same_statements_for_one_action_and_for_many(
    client: TestClient, session: Session, world
) -> None:
    aid = finalised(client, world)
    added_by_api(client, world, aid)
    sign_in(client, world.reviewer)

    def measure() -> int:
        with counting(session.connection()) as statements:
            response = client.get(plan_url(aid))
        assert response.status_code == 200
        return len(statements)

    small = measure()
    for n in range(6):
        action = DevelopmentAction(
            assessment_id=aid,
            competency_number=1 + n,
            action=f"Action {n}",
            owner="Chief executive",
            due_on=today_in_england() + timedelta(days=30 + n),
            status=ActionStatus.ON_TRACK,
            created_by_id=world.a.lead.id,
        )
        session.add(action)
        session.flush()
        for k in range(2):
            session.add(
                ProgressNote(
                    action_id=action.id or 0,
                    status=ActionStatus.ON_TRACK,
                    note=f"Note {k}",
                    written_by_id=world.a.lead.id,
                )
            )
    session.commit()
    assert measure() == small
