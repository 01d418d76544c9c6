"""The reviewer's pages (SPEC §6.4, on screen): an overview of the competencies, and for each
competency the PCT's self-assessment with every presented item's content in place, then one
form holding the level (or each criterion's), the comment and each item's rating, saved with
"Save and go to the next competency" or "Save"."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api_steps import (
    check_facts,
    log_evidence,
    ok,
    open_assessment,
    present,
    present_outcome,
    rate_governance,
    review_all,
    score_all,
    share_provisional,
    sign_off,
)
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in

SURVEY = "Locality engagement survey"
PLAN = "Five-year strategic plan"


@dataclass(frozen=True)
class Submitted:
    aid: int
    survey: int
    plan: int


def _words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _submitted(
    client: TestClient, session: Session, world, *, assessed: list[int] | None = None
) -> Submitted:
    """PCT a's Year 2 assessment (competencies 1 and 11 scored through criteria), every
    competency at level 2, submitted: the plan presented for every competency, and a survey
    (with a practice, counts and a file) for competency 1 and 4."""
    cycle = factories.make_cycle(session, framework_version="wcc-2009", assessed=assessed)
    lead = world.a.lead
    aid = open_assessment(client, lead, world.a.pct.code, cycle.id)["id"]
    numbers = assessed or list(range(1, 12))
    plan = log_evidence(client, lead, world.a.pct.code, numbers, title=PLAN)
    world.a.pct.practice_count = 75  # more practices than the one the test world records
    session.add(world.a.pct)
    session.commit()
    survey = log_evidence(
        client,
        lead,
        world.a.pct.code,
        [n for n in (1, 4) if n in numbers],
        title=SURVEY,
        kind="engagement",
        description="Forty-one practices answered.\nMost want earlier referral data.",
        practice_code=world.practice.code,
        clinicians_involved=58,
        practices_involved=41,
    )
    ok(
        client.post(
            f"/api/v1/evidence/{survey['id']}/attachments",
            files={"file": ("survey.txt", b"Question 1: ...\n", "text/plain")},
            headers=auth(lead),
        ),
        201,
    )
    for item in (plan, survey):
        present(client, lead, aid, item["id"])
    score_all(client, lead, aid)
    rate_governance(client, lead, aid)
    present_outcome(client, lead, world.a.pct.code, aid)
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(lead)))
    return Submitted(aid, survey["id"], plan["id"])


def _post(client: TestClient, url: str, data: dict[str, Any], then: str = "next") -> Any:
    """Post the review form of ``url`` as the browser would: every field as the page holds
    it (hidden versions included), with ``data`` typed over it."""
    page = client.get(url).text
    form = page[page.index('id="review-form"') :]
    form = form[: form.index("</form>")]
    fields: dict[str, Any] = {}
    for match in re.finditer(r"<input([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        name = attrs.get("name")
        if not name or (
            attrs.get("type") in ("radio", "checkbox") and "checked" not in match.group(1)
        ):
            continue
        fields[name] = html.unescape(attrs.get("value", ""))
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[match.group(1)] = html.unescape(match.group(2)).strip()
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(2))
        fields[match.group(1)] = chosen.group(1) if chosen else ""
    body = {**fields, **data, "then": then, "csrftoken": csrf_from(page)}
    return client.post(url, data=body, follow_redirects=False)


def _summary(page: str) -> dict[str, str]:
    """The error summary's links (only its own: the page has other in-page links), each
    reaching an element of the page, with their text unescaped."""
    start = page.find("nhsuk-error-summary")
    if start < 0:
        return {}
    links = assert_summary_reaches_fields(page)
    block = page[start : page.index("</ul>", start)]
    found = dict(re.findall(r'<a href="#([^"]+)"[^>]*>\s*(.*?)\s*</a>', block, flags=re.S))
    assert set(found) <= set(links)
    return {target: html.unescape(" ".join(text.split())) for target, text in found.items()}


def _detail(client: TestClient, user, aid: int) -> dict[str, Any]:
    return ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(user)))


def _checked(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="(\w+)"[^>]*checked', page)
    return match.group(1) if match else None


def _selected(page: str, name: str) -> str:
    block = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert block, f"no select {name}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', block.group(1))
    return chosen.group(1) if chosen else ""


def _value(page: str, name: str) -> str:
    textarea = re.search(
        rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S
    )
    if textarea:
        return html.unescape(textarea.group(1)).strip()
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    assert match, f"no field {name}"
    return html.unescape(match.group(1))


# The overview -----------------------------------------------------------------------------------


def test_the_overview_lists_each_assessed_competency_with_one_way_to_decide(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world, assessed=[1, 2, 3, 4, 5])
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{case.aid}/review")
    assert page.status_code == 200
    words = _words(page.text)
    assert "1. Locally lead the NHS" in words
    assert "6. Prioritise investment" not in words
    assert "does not assess competencies 6, 7, 8, 9, 10, 11" in words
    assert words.count("Not yet scored") == 5
    assert "0 of 2 rated" in words  # competency 1: the plan and the survey
    assert words.count("Make a decision") == 1
    assert f'href="/assessments/{case.aid}/panel"' in page.text
    assert f'href="/assessments/{case.aid}/governance"' in page.text
    assert 'action="' not in page.text.split('id="decision-heading"')[1].split("</section>")[0]


# One form per competency ---------------------------------------------------------------------


def test_the_competency_page_shows_the_self_assessment_and_each_item_in_place(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{case.aid}/review/1")
    assert page.status_code == 200
    words = _words(page.text)
    assert "The PCT's self-assessment" in words
    assert "Why competency 1 sits at level 2." in words
    assert "Do more, better." in words
    assert "1.1" in words and "1.3" in words
    assert "Forty-one practices answered." in words
    assert f"for {world.practice.name}" in words
    assert "58 clinicians involved, 41 practices" in words
    assert re.search(r'href="/attachments/\d+" download>Download survey.txt', page.text)
    assert f"Your rating of “{SURVEY}”" in html.unescape(page.text)
    # The form starts with the levels: the first control after its hidden fields.
    form = page.text[page.text.index('id="review-form"') :]
    first = re.search(r'<(input|select|textarea)(?![^>]*type="hidden")[^>]*>', form)
    assert first and 'name="c1-1-level"' in first.group(0)
    assert form.index('name="c1-1-level"') < form.index(f'name="item-{case.survey}-rating"')
    assert "Save and go to the next competency" in page.text and ">Save<" in page.text.replace(
        "\n", ""
    ).replace(" ", "")


def test_one_post_saves_the_criteria_the_comment_and_each_rating_then_goes_on(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{case.aid}/review/1"
    saved = _post(
        client,
        url,
        {
            "c1-1-level": "3",
            "c1-2-level": "2",
            "c1-2-comment": "Partners follow the plan only in part.",
            "c1-3-level": "2",
            "comment": "Level 2: leadership is accepted but not yet followed.",
            f"item-{case.survey}-rating": "strong",
            f"item-{case.survey}-comment": "Wide reach.",
            f"item-{case.plan}-rating": "adequate",
        },
    )
    assert saved.status_code == 303, _words(saved.text)[:800]
    assert saved.headers["location"] == f"/assessments/{case.aid}/review/2"
    assert "Your review of competency 1 is saved." in client.get(saved.headers["location"]).text
    detail = _detail(client, world.reviewer, case.aid)
    [score] = [s for s in detail["review_scores"] if s["competency_number"] == 1]
    assert score["level"] == 2
    assert score["comment"] == "Level 2: leadership is accepted but not yet followed."
    criteria = {
        c["criterion"]: (c["level"], c["comment"]) for c in detail["review_criterion_scores"]
    }
    assert criteria == {
        "1.1": (3, ""),
        "1.2": (2, "Partners follow the plan only in part."),
        "1.3": (2, ""),
    }
    ratings = {r["evidence_id"]: (r["rating"], r["comment"]) for r in detail["evidence_ratings"]}
    assert ratings == {case.survey: ("strong", "Wide reach."), case.plan: ("adequate", "")}
    assert detail["status"] == "in_review"
    # Saving again with nothing changed writes nothing, and says so.
    same = _post(client, url, {}, then="stay")
    assert same.status_code == 303
    assert same.headers["location"] == f"{url}#review-form"
    assert "You have not changed anything on competency 1." in client.get(url).text
    assert _detail(client, world.reviewer, case.aid)["review_scores"] == detail["review_scores"]


def test_a_competency_without_criteria_is_scored_by_its_own_level(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{case.aid}/review/4"
    saved = _post(client, url, {"level": "2", "comment": "Agreed."}, then="stay")
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}#review-form"
    page = client.get(url).text
    assert "Your review of competency 4 is saved." in page
    assert _checked(page, "level") == "2"
    assert _value(page, "comment") == "Agreed."


def test_save_and_next_goes_to_the_next_competency_the_cycle_assesses(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world, assessed=[1, 2, 3, 5])
    sign_in(client, world.reviewer)
    onward = _post(client, f"/assessments/{case.aid}/review/3", {"level": "2", "comment": "Ok."})
    assert onward.headers["location"] == f"/assessments/{case.aid}/review/5"
    last = _post(client, f"/assessments/{case.aid}/review/5", {"level": "2"})
    assert last.headers["location"] == f"/assessments/{case.aid}/review#decision"
    assert "That was the last competency." in client.get(last.headers["location"]).text
    assert client.get(f"/assessments/{case.aid}/review/4").status_code == 404


def test_a_refused_save_keeps_everything_typed_and_links_the_error(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{case.aid}/review/4"
    typed = {
        "level": "4",
        "comment": "",
        f"item-{case.survey}-rating": "weak",
        f"item-{case.survey}-comment": "Only one locality <answered>.",
    }
    refused = _post(client, url, typed)
    assert refused.status_code == 422
    assert _summary(refused.text) == {
        "comment": "The PCT assessed competency 4 at level 2: say why you score it 4 in a comment"
    }
    assert "<title>Error: " in refused.text
    assert _checked(refused.text, "level") == "4"
    assert _selected(refused.text, f"item-{case.survey}-rating") == "weak"
    assert _value(refused.text, f"item-{case.survey}-comment") == "Only one locality <answered>."
    assert "Some of your changes were saved" not in refused.text
    detail = _detail(client, world.reviewer, case.aid)
    assert detail["review_scores"] == [] and detail["evidence_ratings"] == []

    # A comment without a rating is refused before anything is saved, the level included.
    unrated = _post(
        client, url, {"level": "2", f"item-{case.plan}-comment": "Read it twice."}, then="stay"
    )
    assert unrated.status_code == 422
    assert _summary(unrated.text) == {f"item-{case.plan}-rating": f"Choose your rating of “{PLAN}”"}
    assert _value(unrated.text, f"item-{case.plan}-comment") == "Read it twice."
    assert _detail(client, world.reviewer, case.aid)["review_scores"] == []


def test_a_save_refused_part_way_says_what_was_saved_and_saving_again_finishes_it(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{case.aid}/review/1"
    typed = {
        "c1-1-level": "3",
        "c1-2-level": "3",
        "c1-3-level": "3",
        f"item-{case.survey}-rating": "strong",
    }
    partly = _post(client, url, typed)
    assert partly.status_code == 422
    assert _summary(partly.text) == {
        "comment": "The PCT assessed competency 1 at level 2: say why you score it 3 in a comment"
    }
    words = _words(partly.text)
    assert "Some of your changes were saved" in words
    assert "Saved: criterion 1.1, criterion 1.2, criterion 1.3." in words
    assert f"Not saved: your level and comment on competency 1, your rating of “{SURVEY}”." in words
    assert _selected(partly.text, f"item-{case.survey}-rating") == "strong"
    detail = _detail(client, world.reviewer, case.aid)
    assert len(detail["review_criterion_scores"]) == 3
    assert detail["evidence_ratings"] == []
    # The form as it came back, with a comment now, saves the rest.
    token = csrf_from(partly.text)
    body = {
        name: _value(partly.text, name)
        for name in ("version", "c1-1-version", "c1-2-version", "c1-3-version")
        if f'name="{name}"' in partly.text
    }
    finished = client.post(
        url,
        data={
            **body,
            **typed,
            "comment": "Stronger than the PCT says: partners follow it.",
            "csrftoken": token,
            "then": "stay",
        },
        follow_redirects=False,
    )
    assert finished.status_code == 303, _words(finished.text)[:600]
    detail = _detail(client, world.reviewer, case.aid)
    [score] = [s for s in detail["review_scores"] if s["competency_number"] == 1]
    assert (score["level"], score["comment"]) == (
        3,
        "Stronger than the PCT says: partners follow it.",
    )
    assert [r["rating"] for r in detail["evidence_ratings"]] == ["strong"]


def test_a_change_made_meanwhile_by_someone_else_is_shown_beside_what_was_typed(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{case.aid}/review/4"
    assert _post(client, url, {"level": "2", "comment": "First."}).status_code == 303
    page = client.get(url).text
    ok(
        client.put(
            f"/api/v1/assessments/{case.aid}/review-scores/4",
            json={"level": 2, "comment": "Another reviewer's comment."},
            headers=auth(world.reviewer),
        )
    )
    token = csrf_from(page)
    stale = client.post(
        url,
        data={
            "csrftoken": token,
            "version": _value(page, "version"),
            "level": "2",
            "comment": "Mine.",
            "then": "stay",
        },
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert list(_summary(stale.text)) == ["level"]
    assert "Another reviewer&#39;s comment." in stale.text
    assert _value(stale.text, "comment") == "Mine."


def test_a_comment_changed_meanwhile_is_not_overwritten_when_criteria_are_saved_with_it(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    url = f"/assessments/{case.aid}/review/1"
    first = {"c1-1-level": "2", "c1-2-level": "2", "c1-3-level": "2", "comment": "First."}
    assert _post(client, url, first).status_code == 303
    page = client.get(url).text
    ok(
        client.put(
            f"/api/v1/assessments/{case.aid}/review-scores/1",
            json={"comment": "Another reviewer's comment."},
            headers=auth(world.reviewer),
        )
    )
    fields = {
        name: _value(page, name)
        for name in ("version", "c1-1-version", "c1-2-version", "c1-3-version")
    }
    stale = client.post(
        url,
        data={
            **fields,
            "csrftoken": csrf_from(page),
            "c1-1-level": "3",
            "c1-2-level": "2",
            "c1-3-level": "2",
            "comment": "Mine.",
            "then": "stay",
        },
        follow_redirects=False,
    )
    assert stale.status_code == 409, _words(stale.text)[:600]
    assert "Another reviewer&#39;s comment." in stale.text
    assert _value(stale.text, "comment") == "Mine."
    [score] = [
        s
        for s in _detail(client, world.reviewer, case.aid)["review_scores"]
        if s["competency_number"] == 1
    ]
    assert score["comment"] == "Another reviewer's comment."


# Provisional ratings and moderation ------------------------------------------------------------


def test_in_provisional_ratings_wait_for_the_pct_then_each_change_needs_a_reason(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    review_all(client, world.reviewer, case.aid)
    share_provisional(client, world.reviewer, case.aid)
    sign_in(client, world.reviewer)
    url = f"/assessments/{case.aid}/review/4"
    waiting = client.get(url).text
    assert (
        'id="review-form"' in waiting and "<form" not in waiting.split('id="review-form"')[1][:400]
    )
    assert "Your ratings are fixed until the PCT has checked them for factual accuracy" in waiting
    token = csrf_from(waiting)
    early = client.post(
        url,
        data={"csrftoken": token, "level": "3", "comment": "Moved.", "then": "stay"},
        follow_redirects=False,
    )
    assert early.status_code == 409
    assert list(_summary(early.text)) == ["review-form"]

    check_facts(client, world.a.lead, case.aid, [])
    page = client.get(url).text
    assert "Reason for the change (shown to the PCT in the moderation log)" in page
    unreasoned = _post(client, url, {"level": "3", "comment": "Moved after the panel."})
    assert unreasoned.status_code == 422
    assert list(_summary(unreasoned.text)) == ["reason"]
    assert _checked(unreasoned.text, "level") == "3"
    assert _value(unreasoned.text, "comment") == "Moved after the panel."
    reasoned = _post(
        client,
        url,
        {"level": "3", "comment": "Moved after the panel.", "reason": "New survey results."},
        then="stay",
    )
    assert reasoned.status_code == 303, _words(reasoned.text)[:600]
    assert "in the moderation log" in client.get(url).text
    log = ok(client.get(f"/api/v1/assessments/{case.aid}/moderation", headers=auth(world.a.lead)))
    log = log["items"] if isinstance(log, dict) else log
    assert [(c["subject"], c["key"], c["before"], c["after"], c["reason"]) for c in log] == [
        ("competency", "4", "2", "3", "New survey results.")
    ]
    overview = _words(client.get(f"/assessments/{case.aid}/review").text)
    assert "New survey results." in overview


# Who sees what ---------------------------------------------------------------------------------


def test_the_pct_reads_the_page_without_the_form_or_the_reviewers_draft(
    client: TestClient, session: Session, world
) -> None:
    case = _submitted(client, session, world)
    sign_in(client, world.reviewer)
    draft = _post(client, f"/assessments/{case.aid}/review/4", {"level": "3", "comment": "Draft."})
    assert draft.status_code == 303
    client.cookies.clear()
    sign_in(client, world.a.lead)
    page = client.get(f"/assessments/{case.aid}/review/4")
    assert page.status_code == 200
    assert "<form" not in page.text.split('id="review-form"')[1].split("</section>")[0]
    assert "Draft." not in page.text
    refused = client.post(
        f"/assessments/{case.aid}/review/4",
        data={"csrftoken": csrf_from(page.text), "level": "2"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
