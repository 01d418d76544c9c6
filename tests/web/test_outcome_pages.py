"""The outcome measures pages: the PCT's measures with their trajectories and actuals, which
the assessment presents (the lead presents and takes out while the PCT may change it), an
actual recorded from the page, and a new measure added (and presented) from its form; every
refusal in plain words, linked to its field, with what was typed kept; htmx and plain posts."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import OUTCOME, ok, open_assessment, ready_to_sign, sign_off, submitted
from tests.factories import auth
from tests.statements import counting
from tests.web.steps import (
    assert_summary_reaches_fields,
    csrf_from,
    error_summary,
    post_form,
    sign_in,
)

HX = {"HX-Request": "true"}

GOOD = {
    "title": "Under-18 conception rate",
    "indicator": "Conceptions to women aged under 18, per 1,000, from ONS figures",
    "source": "national",
    "unit": "per 1,000 women aged 15 to 17",
    "better": "lower",
    "baseline_year": "2008",
    "baseline_value": "41.2",
    "trajectory-0-year": "2009",
    "trajectory-0-value": "39",
    "trajectory-1-year": "2010",
    "trajectory-1-value": "36.5",
    "trajectory-2-year": "",
    "trajectory-2-value": "",
    "trajectory-3-year": "2012",
    "trajectory-3-value": "31",
    "trajectory-4-year": "",
    "trajectory-4-value": "",
}


# Steps ------------------------------------------------------------------------------------------


def given_a_draft(client: TestClient, world) -> dict:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    aid = assessment["id"]
    return {
        "id": aid,
        "url": f"/assessments/{aid}/outcomes",
        "new": f"/assessments/{aid}/outcomes/new",
    }


def given_a_measure(client: TestClient, world, **changes) -> dict:
    """One of PCT a's measures, kept through the API (not presented anywhere)."""
    return ok(
        client.post(
            f"/api/v1/organisations/{world.a.pct.code}/outcomes",
            json={**OUTCOME, **changes},
            headers=auth(world.a.lead),
        ),
        201,
    )


def given_an_actual(client: TestClient, world, outcome_id: int, year: int, value: float) -> None:
    ok(
        client.put(
            f"/api/v1/organisations/{world.a.pct.code}/outcomes/{outcome_id}/actuals/{year}",
            json={"value": value},
            headers=auth(world.a.lead),
        )
    )


def presented_outcome_ids(client: TestClient, world, assessment_id: int) -> list[int]:
    detail = ok(client.get(f"/api/v1/assessments/{assessment_id}", headers=auth(world.a.lead)))
    return sorted(detail["presented_outcome_ids"])


def measure_part(html: str, outcome_id: int) -> str:
    """The section of one measure on the outcomes page."""
    start = html.rfind("<section", 0, html.index(f'id="outcome-{outcome_id}"'))
    return html[start : html.index("</section>", start)]


def field_value(html: str, field_id: str) -> str | None:
    match = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no input #{field_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def checked(html: str, field_id: str) -> bool:
    match = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no input #{field_id}"
    return "checked" in match.group(0)


def post_new(client: TestClient, scene: dict, changes: dict, **kwargs):
    return post_form(client, scene["new"], scene["new"], {**GOOD, **changes}, **kwargs)


# What the page shows ----------------------------------------------------------------------------


def test_the_page_shows_each_measure_with_its_trajectory_actuals_and_whether_on_trajectory(
    client: TestClient, world
) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)  # 24 in 2008, aiming at 23, 22, … lower is better
    given_an_actual(client, world, smoking["id"], 2009, 22.5)  # better than 23: on trajectory
    given_an_actual(client, world, smoking["id"], 2010, 22.75)  # worse than 22: behind
    sign_in(client, world.a.lead)
    html = client.get(scene["url"]).text
    assert "<h1>Outcome measures</h1>" in html
    assert f'href="/assessments/{scene["id"]}"' in html  # back to the board
    part = measure_part(html, smoking["id"])
    assert "Smoking prevalence in adults" in part
    assert "Vital signs indicator" in part and "Lower is better" in part
    assert "24 % of adults in 2008" in part
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", part, flags=re.S)
    text = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
    assert "2009 23 22.5 On trajectory" in text
    assert "2010 22 22.75 Behind trajectory" in text
    assert "2011 21 Not recorded yet" in text
    assert "Not presented" in part
    assert f'id="outcome-{smoking["id"]}-presence"' in part
    assert "This assessment presents no outcome measure yet" in html


def test_an_actual_for_a_year_without_an_aim_is_listed_without_a_judgement(
    client: TestClient, world
) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    given_an_actual(client, world, smoking["id"], 2008, 24.5)
    sign_in(client, world.a.lead)
    part = measure_part(client.get(scene["url"]).text, smoking["id"])
    row = re.search(r"<th[^>]*>2008</th>(.*?)</tr>", part, flags=re.S)
    assert row and "No aim for this year" in row.group(1) and "24.5" in row.group(1)
    assert "trajectory</strong>" not in row.group(1)


@pytest.mark.parametrize("who", ["board", "reviewer"])
def test_board_members_and_reviewers_read_the_page_without_buttons(
    client: TestClient, world, who: str
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    sign_in(client, world.a.board if who == "board" else world.reviewer)
    response = client.get(f"/assessments/{aid}/outcomes")
    assert response.status_code == 200
    html = response.text
    assert "Smoking prevalence in adults" in html and "Presented" in html
    assert "/presented" not in html and "/actuals" not in html
    assert "Add an outcome measure" not in html
    assert "Nothing in it can be changed now" in html


def test_the_page_of_another_pcts_assessment_is_not_found(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    for user in (world.b.lead, world.reviewer):  # a draft: not yet the SHA's to see
        sign_in(client, user)
        assert client.get(scene["url"]).status_code == 404
        assert client.get(scene["new"]).status_code == 404


# Adding a measure -------------------------------------------------------------------------------


def test_adding_a_measure_without_javascript_lists_it_and_presents_it(
    client: TestClient, world
) -> None:
    scene = given_a_draft(client, world)
    sign_in(client, world.a.lead)
    form = client.get(scene["new"])
    assert form.status_code == 200 and "Add an outcome measure" in form.text
    response = post_new(client, scene, {})
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{scene['url']}#outcome-")
    outcome_id = int(response.headers["location"].rsplit("-", 1)[1])
    assert presented_outcome_ids(client, world, scene["id"]) == [outcome_id]
    html = client.get(scene["url"]).text
    assert "Outcome measure “Under-18 conception rate” added and presented" in html
    part = measure_part(html, outcome_id)
    assert "Presented" in part and "Not presented" not in part
    assert "National outcome" in part and "41.2 per 1,000 women aged 15 to 17 in 2008" in part
    for year, aim in (("2009", "39"), ("2010", "36.5"), ("2012", "31")):
        assert re.search(rf"<th[^>]*>{year}</th>\s*<td[^>]*>{re.escape(aim)}</td>", part)
    assert ">2011</th>" not in part  # the blank row is left out
    assert "This assessment presents <strong>1 of 1</strong>" in html


def test_adding_a_measure_with_htmx_redirects_to_the_outcomes_page(
    client: TestClient, world
) -> None:
    scene = given_a_draft(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["new"]).text)
    response = client.post(
        scene["new"], data={"csrftoken": token, **GOOD}, headers={**HX, "X-CSRFToken": token}
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(f"{scene['url']}#outcome-")
    assert len(presented_outcome_ids(client, world, scene["id"])) == 1


def test_a_measure_added_to_a_signed_off_assessment_is_kept_but_not_presented(
    client: TestClient, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    scene = {
        "id": aid,
        "url": f"/assessments/{aid}/outcomes",
        "new": f"/assessments/{aid}/outcomes/new",
    }
    sign_in(client, world.a.lead)
    assert "without being presented in it" in client.get(scene["new"]).text
    response = post_new(client, scene, {})
    assert response.status_code == 303
    html = unescape(client.get(scene["url"]).text)
    assert "added to the PCT's measures, but not presented in this assessment" in html
    assert "the board signed off the assessment" in html
    assert len(presented_outcome_ids(client, world, aid)) == 1  # the one ready_to_sign added


BAD_INPUTS = [
    ({"title": "  "}, "title", "Enter a title"),
    ({"indicator": ""}, "indicator", "Enter what is measured and how"),
    ({"source": ""}, "source", "Choose where the measure comes from"),
    ({"unit": ""}, "unit", "Enter the unit"),
    ({"better": "sideways"}, "better", "Choose whether higher or lower is better"),
    ({"baseline_year": ""}, "baseline_year", "Enter the baseline year"),
    ({"baseline_year": "08"}, "baseline_year", "Enter the baseline year as 4 digits, like 2010"),
    ({"baseline_year": "1990"}, "baseline_year", "Enter the baseline year from 2000 to 2030"),
    ({"baseline_value": "forty"}, "baseline_value", "Enter the baseline value as a number"),
    ({"baseline_value": "nan"}, "baseline_value", "Enter the baseline value as a number"),
    ({"baseline_value": "1e13"}, "baseline_value", "between -1 trillion and 1 trillion"),
    (
        {"trajectory-1-value": "about 36"},
        "trajectory-1-value",
        "Enter the value for 2010 as a number",
    ),
    ({"trajectory-1-value": ""}, "trajectory-1-value", "Enter the value for 2010"),
    (
        {"trajectory-1-year": ""},
        "trajectory-1-year",
        "Enter the year for the value in row 2 of the trajectory",
    ),
    (
        {"trajectory-1-year": "2009"},
        "trajectory-1-year",
        "Each year can appear only once in the trajectory",
    ),
    (
        {"trajectory-0-year": "2007"},
        "trajectory-0-year",
        "Enter a year after the baseline year 2008",
    ),
    (
        {f"trajectory-{row}-{part}": "" for row in range(5) for part in ("year", "value")},
        "trajectory-0-year",
        "Enter at least one year of the trajectory",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUTS)
def test_a_bad_measure_comes_back_in_words_linked_to_its_field_with_what_was_typed(
    client: TestClient, world, changes: dict, field: str, message: str
) -> None:
    scene = given_a_draft(client, world)
    sign_in(client, world.a.lead)
    response = post_new(client, scene, changes)
    assert response.status_code == 422
    html = response.text
    links = assert_summary_reaches_fields(html)
    assert message in links[field]
    assert "Input should" not in html and "Value error" not in html
    # Everything typed is still in the form.
    typed = {**GOOD, **changes}
    for name in ("title", "unit", "baseline_year", "baseline_value", "trajectory-1-value"):
        assert (field_value(html, name) or "") == typed[name]
    if typed["source"]:
        assert checked(html, "source")  # "national", the first choice
    assert presented_outcome_ids(client, world, scene["id"]) == []


def test_every_fault_is_listed_at_once_in_the_order_of_the_form(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    sign_in(client, world.a.lead)
    response = post_new(
        client,
        scene,
        {"title": "", "better": "", "baseline_value": "x", "trajectory-3-value": "y"},
    )
    assert response.status_code == 422
    links = list(assert_summary_reaches_fields(response.text))
    assert links == ["title", "better", "baseline_value", "trajectory-3-value"]


def test_a_title_the_pct_already_uses_is_refused_on_the_title(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    given_a_measure(client, world, title="Under-18 conception rate")
    sign_in(client, world.a.lead)
    response = post_new(client, scene, {"title": "under-18 CONCEPTION rate"})
    assert response.status_code == 409
    links = assert_summary_reaches_fields(response.text)
    assert "already has an outcome called" in links["title"]
    assert field_value(response.text, "title") == "under-18 CONCEPTION rate"


def test_a_bad_measure_with_htmx_returns_the_form_alone(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["new"]).text)
    response = client.post(
        scene["new"],
        data={"csrftoken": token, **GOOD, "trajectory-0-value": "lots"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="new-outcome"' in response.text
    links = error_summary(response.text)
    assert links == {"trajectory-0-value": "Enter the value for 2009 as a number, like 24.5"}
    assert field_value(response.text, "trajectory-0-value") == "lots"


@pytest.mark.parametrize("who", ["board", "clinician", "admin"])
def test_only_the_lead_adds_measures(client: TestClient, world, who: str) -> None:
    scene = given_a_draft(client, world)
    sign_in(
        client, {"board": world.a.board, "clinician": world.a.clinician, "admin": world.admin}[who]
    )
    assert client.get(scene["new"]).status_code == 403
    token = csrf_from(client.get("/").text)
    response = client.post(scene["new"], data={"csrftoken": token, **GOOD}, follow_redirects=False)
    assert response.status_code == 403
    assert presented_outcome_ids(client, world, scene["id"]) == []


def test_another_pcts_lead_cannot_add_a_measure_through_this_assessment(
    client: TestClient, world
) -> None:
    scene = given_a_draft(client, world)
    sign_in(client, world.b.lead)
    token = csrf_from(client.get("/").text)
    response = client.post(scene["new"], data={"csrftoken": token, **GOOD}, follow_redirects=False)
    assert response.status_code == 404


# Presenting and taking out ----------------------------------------------------------------------


def test_presenting_without_javascript_and_taking_out_with_htmx(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    sign_in(client, world.a.lead)
    base = f"{scene['url']}/{smoking['id']}/presented"
    response = post_form(client, scene["url"], base, {})
    assert response.status_code == 303
    assert response.headers["location"] == f"{scene['url']}#outcome-{smoking['id']}"
    assert presented_outcome_ids(client, world, scene["id"]) == [smoking["id"]]
    html = client.get(scene["url"]).text
    assert "“Smoking prevalence in adults” is presented in this assessment." in html

    token = csrf_from(html)
    response = client.post(
        f"{base}/remove", data={"csrftoken": token}, headers={**HX, "X-CSRFToken": token}
    )
    assert response.status_code == 200
    fragment = response.text
    assert "<html" not in fragment and f'id="outcome-{smoking["id"]}"' in fragment
    assert "Taken out of this assessment. It is still one of the PCT's measures." in unescape(
        fragment
    )
    assert "Not presented" in fragment
    readiness = re.search(r'<div [^>]*id="outcome-readiness"[^>]*>', fragment)
    assert readiness and 'hx-swap-oob="true"' in readiness.group(0)
    assert presented_outcome_ids(client, world, scene["id"]) == []


def test_a_signed_off_assessment_refuses_presenting_with_the_sign_off(
    client: TestClient, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    other = given_a_measure(client, world, title="Emergency admissions", better="lower")
    url = f"/assessments/{aid}/outcomes"
    sign_in(client, world.a.lead)
    html = client.get(url).text
    assert "/presented" not in html  # no buttons while signed off
    assert "The board signed off this assessment" in html
    assert "Withdraw the sign-off" in html

    response = post_form(client, url, f"{url}/{other['id']}/presented", {})
    assert response.status_code == 409
    links = assert_summary_reaches_fields(response.text)
    message = links[f"outcome-{other['id']}-presence"]
    assert message.startswith("Cannot change this assessment: the board signed off")

    token = csrf_from(html)
    response = client.post(
        f"{url}/{other['id']}/presented",
        data={"csrftoken": token},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 409
    assert "<html" not in response.text
    assert "Cannot change this assessment: the board signed off" in response.text
    assert len(presented_outcome_ids(client, world, aid)) == 1


@pytest.mark.parametrize("who", ["board", "clinician"])
def test_only_the_lead_presents_measures(client: TestClient, world, who: str) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    sign_in(client, world.a.board if who == "board" else world.a.clinician)
    response = post_form(client, scene["url"], f"{scene['url']}/{smoking['id']}/presented", {})
    assert response.status_code == 403
    assert "cannot enter self-assessment scores" in "".join(
        assert_summary_reaches_fields(response.text).values()
    )
    assert presented_outcome_ids(client, world, scene["id"]) == []


def test_another_pcts_measure_or_assessment_is_not_found(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    sign_in(client, world.b.lead)
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"{scene['url']}/{smoking['id']}/presented",
        data={"csrftoken": token},
        follow_redirects=False,
    )
    assert response.status_code == 404
    sign_in(client, world.a.lead)
    response = post_form(client, scene["url"], f"{scene['url']}/999999/presented", {})
    assert response.status_code == 404


# Recording an actual ----------------------------------------------------------------------------


def test_recording_an_actual_without_javascript(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    sign_in(client, world.a.lead)
    action = f"{scene['url']}/{smoking['id']}/actuals"
    response = post_form(client, scene["url"], action, {"year": "2009", "value": "22.5"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{scene['url']}#outcome-{smoking['id']}"
    html = client.get(scene["url"]).text
    assert "Actual for 2009 recorded: 22.5 % of adults." in html
    part = measure_part(html, smoking["id"])
    assert re.search(r"<th[^>]*>2009</th>\s*<td[^>]*>23</td>\s*<td[^>]*>22.5</td>", part)


def test_recording_an_actual_with_htmx_returns_the_measure(client: TestClient, world) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["url"]).text)
    response = client.post(
        f"{scene['url']}/{smoking['id']}/actuals",
        data={"csrftoken": token, "year": "2010", "value": "21"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith("<section")
    assert "Actual for 2010 recorded" in response.text
    assert "On trajectory" in response.text


ACTUAL_FAULTS = [
    ({"year": "", "value": "22"}, "year", "Enter the year"),
    ({"year": "twenty ten", "value": "22"}, "year", "Enter the year as 4 digits, like 2010"),
    ({"year": "2010", "value": ""}, "value", "Enter the value for 2010"),
    ({"year": "2010", "value": "22%"}, "value", "Enter the value for 2010 as a number"),
    # The service's own rule: no actual before the baseline year.
    ({"year": "2005", "value": "22"}, "year", "from the baseline year 2008 to 2030"),
]


@pytest.mark.parametrize(("data", "field", "message"), ACTUAL_FAULTS)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_bad_actual_is_shown_beside_its_measure_with_what_was_typed(
    client: TestClient, world, data: dict, field: str, message: str, htmx: bool
) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    sign_in(client, world.a.lead)
    token = csrf_from(client.get(scene["url"]).text)
    response = client.post(
        f"{scene['url']}/{smoking['id']}/actuals",
        data={"csrftoken": token, **data},
        headers={**HX, "X-CSRFToken": token} if htmx else {},
        follow_redirects=False,
    )
    assert response.status_code == 422
    html = response.text
    assert ("<html" in html) is not htmx
    prefix = f"outcome-{smoking['id']}-"
    links = assert_summary_reaches_fields(html)
    assert message in links[prefix + field]
    part = measure_part(html, smoking["id"])
    assert "nhsuk-error-summary" in part  # beside the measure
    assert (field_value(part, prefix + "year") or "") == data["year"]
    assert (field_value(part, prefix + "value") or "") == data["value"]
    assert "Input should" not in html


@pytest.mark.parametrize("who", ["board", "clinician"])
def test_only_the_lead_records_actuals(client: TestClient, world, who: str) -> None:
    scene = given_a_draft(client, world)
    smoking = given_a_measure(client, world)
    sign_in(client, world.a.board if who == "board" else world.a.clinician)
    response = post_form(
        client,
        scene["url"],
        f"{scene['url']}/{smoking['id']}/actuals",
        {"year": "2009", "value": "1"},
    )
    assert response.status_code == 403
    links = assert_summary_reaches_fields(response.text)
    role = "board member" if who == "board" else who
    assert links == {f"outcome-{smoking['id']}-year": f"A {role} cannot manage outcome measures"}
    assert "/actuals" not in client.get(scene["url"]).text


def test_the_outcomes_page_runs_the_same_statements_with_more_measures_and_actuals(
    client: TestClient, session, world
) -> None:
    scene = given_a_draft(client, world)
    given_a_measure(client, world)
    sign_in(client, world.a.lead)

    def statements() -> int:
        with counting(session.connection()) as seen:
            response = client.get(scene["url"])
        assert response.status_code == 200
        return len(seen)

    small = statements()
    for n in range(4):
        grown = given_a_measure(client, world, title=f"Measure {n}", source="national")
        for year in (2009, 2010, 2011):
            given_an_actual(client, world, grown["id"], year, 20.0 + n)
    assert statements() == small
