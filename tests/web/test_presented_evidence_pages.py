"""The competency page as the lead curates what the assessment presents: the items it
presents, with "Take out"; the library items it could add, those dated in the cycle's
assurance year first; readiness over presented items only; and the locks of a sign-off."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import (
    log_evidence,
    ok,
    open_assessment,
    present,
    ready_to_sign,
    sign_off,
    submitted,
)
from tests.factories import auth
from tests.web.steps import (
    assert_summary_reaches_fields,
    csrf_from,
    error_summary,
    post_form,
    sign_in,
)

HX = {"HX-Request": "true"}


# Steps ------------------------------------------------------------------------------------------


def given_a_draft_with_three_library_items_for_competency_4(client: TestClient, world) -> dict:
    """A draft presenting one item for competency 4; the library holds two more for it, one
    dated before the assurance year (from 18 December 2008, a year before the deadline)."""
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    pcode = world.a.pct.code
    presented = log_evidence(
        client,
        world.a.lead,
        pcode,
        [4],
        title="Locality meeting on falls",
        occurred_on="2009-10-14",
    )
    newer = log_evidence(
        client, world.a.lead, pcode, [4], title="Practice survey results", occurred_on="2010-01-20"
    )
    older = log_evidence(
        client, world.a.lead, pcode, [4], title="Old PBC minutes", occurred_on="2008-06-03"
    )
    present(client, world.a.lead, assessment["id"], presented["id"])
    return {
        "id": assessment["id"],
        "url": f"/assessments/{assessment['id']}/competencies/4",
        "presented": presented["id"],
        "newer": newer["id"],
        "older": older["id"],
    }


def section(html: str, element_id: str) -> str:
    """The element with ``element_id`` (a section or div), up to the end of its own tag."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)  # type: ignore[union-attr]
    depth, at = 0, tag
    for match in re.finditer(rf"<(/?){name}\b", html[tag:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            at = tag + match.end()
            break
    return html[tag : html.index(">", at) + 1]


def board_row(html: str, number: int) -> str:
    """The board's table row for a competency."""
    at = html.index(f'id="competency-{number}-row"')
    return html[html.rfind("<tr", 0, at) : html.index("</tr>", at)]


def presents_part(html: str) -> str:
    """The list of what the assessment presents (before "Add from your library")."""
    evidence = section(html, "competency-evidence")
    return evidence.split("Add from your library")[0]


def library_part(html: str) -> str:
    evidence = section(html, "competency-evidence")
    return evidence.split("Add from your library", 1)[1]


def presented_ids(client: TestClient, world, assessment_id: int) -> list[int]:
    detail = ok(client.get(f"/api/v1/assessments/{assessment_id}", headers=auth(world.a.lead)))
    return sorted(int(i) for i in detail["presented_evidence_ids"])


# What the page shows ----------------------------------------------------------------------------


def test_the_page_lists_what_the_assessment_presents_apart_from_the_rest_of_the_library(
    client: TestClient, world
) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.lead)
    html = client.get(scene["url"]).text
    presents = presents_part(html)
    assert "Evidence this assessment presents for competency 4" in presents
    assert "Locality meeting on falls" in presents
    assert "Minutes, dated 14 October 2009" in presents
    assert f'id="take-out-{scene["presented"]}"' in presents
    assert "Practice survey results" not in presents
    library = library_part(html)
    assert "Locality meeting on falls" not in library
    assert f'id="add-{scene["newer"]}"' in library and f'id="add-{scene["older"]}"' in library
    assert 'href="/evidence/new?competency=4">Log new evidence for this competency</a>' in html


def test_library_items_dated_in_the_assurance_year_come_first_and_older_ones_are_marked(
    client: TestClient, world
) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.lead)
    library = library_part(client.get(scene["url"]).text)
    assert library.index("Practice survey results") < library.index("Old PBC minutes")
    marks = re.findall(r"Dated before this assurance year", library)
    assert len(marks) == 1
    older = library[library.index("Old PBC minutes") :]
    assert older.index("Dated before this assurance year") < older.index(
        f'id="add-{scene["older"]}"'
    )
    assert "from 18 December 2008" in library


def test_logging_evidence_for_a_competency_does_not_present_it(client: TestClient, world) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    log_evidence(client, world.a.clinician, world.a.pct.code, [6], title="Falls pathway event")
    sign_in(client, world.a.lead)
    html = client.get(f"/assessments/{assessment['id']}/competencies/6").text
    assert "This assessment presents no evidence for competency 6 yet" in presents_part(html)
    assert "Falls pathway event" in library_part(html)
    board = client.get(f"/assessments/{assessment['id']}").text
    assert "0 items" in board_row(board, 6)
    assert presented_ids(client, world, assessment["id"]) == []


# Adding and taking out --------------------------------------------------------------------------


def test_adding_an_item_without_javascript_presents_it_and_counts_it_for_readiness(
    client: TestClient, world
) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.lead)
    action = f"{scene['url']}/presented/{scene['older']}"
    response = post_form(client, scene["url"], action, {})
    assert response.status_code == 303
    assert response.headers["location"] == f"{scene['url']}#competency-evidence"
    html = client.get(scene["url"]).text
    assert "Evidence added to this assessment." in html
    assert "Old PBC minutes" in presents_part(html)
    assert presented_ids(client, world, scene["id"]) == sorted([scene["presented"], scene["older"]])
    board = client.get(f"/assessments/{scene['id']}").text
    assert "2 items" in board


def test_adding_the_same_item_twice_presents_it_once(client: TestClient, world) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.lead)
    action = f"{scene['url']}/presented/{scene['newer']}"
    assert post_form(client, scene["url"], action, {}).status_code == 303
    assert post_form(client, scene["url"], action, {}).status_code == 303
    assert presented_ids(client, world, scene["id"]).count(scene["newer"]) == 1


def test_taking_out_with_htmx_returns_the_evidence_and_the_new_readiness(
    client: TestClient, world
) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["url"]).text)
    response = client.post(
        f"{scene['url']}/presented/{scene['presented']}/remove",
        data={"csrftoken": token},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert 'id="competency-evidence"' in html
    assert "Taken out of this assessment. It is still in your library." in html
    assert "This assessment presents no evidence for competency 4 yet" in presents_part(html)
    assert "Locality meeting on falls" in library_part(html)
    readiness = re.search(r'<div [^>]*id="assessment-readiness"[^>]*>', html)
    assert readiness and 'hx-swap-oob="true"' in readiness.group(0)
    assert presented_ids(client, world, scene["id"]) == []


def test_readiness_counts_only_what_the_assessment_presents(client: TestClient, world) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    plan = ok(client.get("/api/v1/evidence", headers=auth(world.a.lead)))["items"][0]
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/3"
    assert "Ready for board sign-off." in client.get(url).text
    assert post_form(client, url, f"{url}/presented/{plan['id']}/remove", {}).status_code == 303
    board = client.get(f"/assessments/{assessment['id']}").text
    assert "Ready for board sign-off." not in board
    assert "11 things missing before sign-off." in board
    assert "Missing: no evidence presented" in board_row(board, 3)


def test_another_pcts_item_cannot_be_added(client: TestClient, world) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    theirs = log_evidence(client, world.b.lead, world.b.pct.code, [4])
    sign_in(client, world.a.lead)
    response = post_form(client, scene["url"], f"{scene['url']}/presented/{theirs['id']}", {})
    assert response.status_code == 404
    assert presented_ids(client, world, scene["id"]) == [scene["presented"]]


def test_a_competency_that_does_not_exist_changes_nothing(client: TestClient, world) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.lead)
    action = f"/assessments/{scene['id']}/competencies/12/presented/{scene['newer']}"
    assert post_form(client, scene["url"], action, {}).status_code == 404
    assert presented_ids(client, world, scene["id"]) == [scene["presented"]]


def test_a_board_member_sees_the_evidence_without_buttons_and_cannot_change_it(
    client: TestClient, world
) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.board)
    html = client.get(scene["url"]).text
    assert "Locality meeting on falls" in section(html, "competency-evidence")
    assert "Take out" not in html and "Add from your library" not in html
    refused = post_form(client, scene["url"], f"{scene['url']}/presented/{scene['newer']}", {})
    assert refused.status_code == 403
    assert_summary_reaches_fields(refused.text)
    assert presented_ids(client, world, scene["id"]) == [scene["presented"]]


# Locked by the board ----------------------------------------------------------------------------


def names_the_sign_off(message: str) -> bool:
    """The refusal names the board's sign-off (its meeting and minute) and the way out."""
    return (
        "signed off" in message
        and "1 December 2009 (minute BD/09/147)" in message
        and "withdraw the sign-off" in message
    )


def given_a_signed_off_assessment(client: TestClient, world) -> dict:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_off(client, world.a.board, assessment["id"])
    return assessment


def test_a_signed_off_assessment_shows_no_edit_forms_and_says_how_to_withdraw(
    client: TestClient, world
) -> None:
    assessment = given_a_signed_off_assessment(client, world)
    sign_in(client, world.a.lead)
    html = client.get(f"/assessments/{assessment['id']}/competencies/1").text
    assert "Five-year strategic plan" in presents_part(html)
    assert "Take out" not in html
    assert "Add from your library" not in html
    assert 'name="level"' not in html and 'name="rationale"' not in html
    assert (
        "The board signed off this assessment at its meeting of 1 December 2009 "
        "(minute BD/09/147), so it cannot be changed." in html
    )
    assert f'<a href="/assessments/{assessment["id"]}/withdraw-sign-off">' in html


def test_a_clinician_is_told_it_is_signed_off_without_the_withdraw_link(
    client: TestClient, world
) -> None:
    assessment = given_a_signed_off_assessment(client, world)
    sign_in(client, world.a.clinician)
    html = client.get(f"/assessments/{assessment['id']}/competencies/1").text
    assert "so it cannot be changed" in html
    assert "/withdraw-sign-off" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_adding_from_a_tab_opened_before_the_sign_off_is_409_naming_it(
    client: TestClient, world, htmx: bool
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    extra = log_evidence(client, world.a.lead, world.a.pct.code, [2], title="Joint plan")
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/2"
    page = client.get(url).text
    assert f'id="add-{extra["id"]}"' in page
    token = csrf_from(page)
    sign_off(client, world.a.board, assessment["id"])
    response = client.post(
        f"{url}/presented/{extra['id']}",
        data={"csrftoken": token},
        headers={**HX, "X-CSRFToken": token} if htmx else {},
        follow_redirects=False,
    )
    assert response.status_code == 409
    links = assert_summary_reaches_fields(response.text)
    assert list(links) == [f"add-{extra['id']}"]
    assert names_the_sign_off(links[f"add-{extra['id']}"])
    assert ("<html" in response.text) is not htmx


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_saving_a_score_from_a_tab_opened_before_the_sign_off_is_409_naming_it(
    client: TestClient, world, htmx: bool
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/5"
    token = csrf_from(client.get(url).text)
    sign_off(client, world.a.board, assessment["id"])
    response = client.post(
        url,
        data={"csrftoken": token, "level": "3", "rationale": "Better than we said."},
        headers={**HX, "X-CSRFToken": token} if htmx else {},
        follow_redirects=False,
    )
    assert response.status_code == 409
    links = assert_summary_reaches_fields(response.text)
    (message,) = links.values()
    assert names_the_sign_off(message)
    assert 'name="rationale"' not in response.text


# The board's rows and wording -------------------------------------------------------------------


def test_the_board_wording_follows_the_status(client: TestClient, world) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    url = f"/assessments/{assessment['id']}"
    sign_in(client, world.a.lead)
    assert "Ready for board sign-off." in client.get(url).text
    sign_off(client, world.a.board, assessment["id"])
    signed = client.get(url).text
    assert "Ready for board sign-off" not in signed
    assert "Signed off by the board at its meeting of 1 December 2009 (minute BD/09/147)" in signed
    assert "Ready for sign-off</th>" not in signed
    ok(
        client.post(
            f"{url.replace('/assessments', '/api/v1/assessments')}/submit",
            headers=auth(world.a.lead),
        )
    )
    sent = client.get(url).text
    assert "Ready for board sign-off" not in sent
    assert "Submitted to the SHA (round 1, submitted" in sent
    assert "missing before sign-off" not in sent


def test_the_submitted_competency_page_says_nothing_can_change(client: TestClient, world) -> None:
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    sign_in(client, world.a.lead)
    html = client.get(f"/assessments/{assessment['id']}/competencies/7").text
    assert "Nothing in it can be changed now." in html
    assert "Five-year strategic plan" in presents_part(html)
    assert "Take out" not in html and "Ready for board sign-off" not in html


def test_the_board_asked_for_by_htmx_is_only_the_board(client: TestClient, world) -> None:
    scene = given_a_draft_with_three_library_items_for_competency_4(client, world)
    sign_in(client, world.a.lead)
    fragment = client.get(f"/assessments/{scene['id']}", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="assessment-board"' in fragment.text
    assert error_summary(fragment.text) == {}
