"""The governance page: the PCT rates strategy, finance and board with a narrative; the SHA's
panel rates each again, with a comment where it differs; and the board shows both."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.api_steps import (
    check_facts,
    ok,
    open_assessment,
    ready_to_sign,
    reviewed,
    share_provisional,
    sign_off,
)
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in


def _text(page: str) -> str:
    """The page's words, without tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_lead_rates_an_area_and_the_board_shows_it_in_words(client: TestClient, world) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/governance"
    page = client.get(url)
    assert page.status_code == 200
    assert "Strategy" in page.text and "Finance" in page.text and "Board" in page.text
    saved = post_form(
        client,
        url,
        f"{url.replace('/governance', '')}/governance/finance",
        {"rating": "amber", "narrative": "Balanced this year; the savings plan is not yet firm."},
    )
    assert saved.status_code in (303, 200), saved.text[:500]
    board = _text(client.get(f"/assessments/{aid}").text)
    assert "Amber some concerns" in board
    assert "Governance (Strategy): no rating" in board
    assert "Governance (Finance)" not in board


def test_a_rating_without_a_colour_or_a_narrative_is_refused_and_nothing_typed_is_lost(
    client: TestClient, world
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/governance"
    no_colour = post_form(
        client, url, f"/assessments/{aid}/governance/board", {"narrative": "Papers seen monthly."}
    )
    assert no_colour.status_code == 422
    links = assert_summary_reaches_fields(no_colour.text)
    assert links == {"board-rating": "Choose a rating"}
    assert "Papers seen monthly." in no_colour.text
    no_words = post_form(client, url, f"/assessments/{aid}/governance/board", {"rating": "green"})
    assert no_words.status_code == 422
    assert assert_summary_reaches_fields(no_words.text) == {
        "board-narrative": "Enter why the board rates it so"
    }
    assert 'value="green" checked' in no_words.text
    odd = post_form(
        client, url, f"/assessments/{aid}/governance/board", {"rating": "purple", "narrative": "x"}
    )
    assert odd.status_code == 422
    assert "Choose a rating" in odd.text


def test_a_signed_off_assessment_shows_the_ratings_without_forms(client: TestClient, world) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    sign_in(client, world.a.lead)
    page = client.get(f"/assessments/{aid}/governance")
    assert page.status_code == 200
    assert f'action="/assessments/{aid}/governance/' not in page.text
    assert "The board reviewed this area" in page.text


def test_the_panel_rates_each_area_and_must_say_why_it_differs(client: TestClient, world) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/governance"
    page = client.get(url)
    assert f'action="/assessments/{aid}/governance-reviews/strategy"' in page.text
    silent = post_form(
        client, url, f"/assessments/{aid}/governance-reviews/strategy", {"rating": "red"}
    )
    assert silent.status_code == 422
    links = assert_summary_reaches_fields(silent.text)
    assert links == {
        "strategy-comment": "The PCT rated strategy amber: say why the panel rates it red in a "
        "comment"
    }
    saved = post_form(
        client,
        url,
        f"/assessments/{aid}/governance-reviews/strategy",
        {"rating": "red", "comment": "No link from the plan to the money."},
    )
    assert saved.status_code in (303, 200)
    review = _text(client.get(f"/assessments/{aid}/review").text)
    assert "Red serious concerns differs from the PCT" in review
    # The PCT cannot post the panel's form, nor a clinician the PCT's.
    sign_in(client, world.a.lead)
    refused = post_form(
        client,
        f"/assessments/{aid}",
        f"/assessments/{aid}/governance-reviews/board",
        {"rating": "green", "comment": "x"},
    )
    assert refused.status_code in (403, 404)


def test_provisional_ratings_are_fixed_until_checked_then_change_only_with_a_reason(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    share_provisional(client, world.reviewer, aid)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/governance"
    waiting = client.get(url)
    assert f'action="/assessments/{aid}/governance-reviews/' not in waiting.text
    assert "fixed until the PCT has checked" in _text(waiting.text)
    # The PCT sees the panel's provisional ratings beside its own.
    sign_in(client, world.a.lead)
    assert "The SHA's rating" in _text(client.get(url).text)

    check_facts(client, world.a.lead, aid, [])
    sign_in(client, world.reviewer)
    page = client.get(url)
    assert f'action="/assessments/{aid}/governance-reviews/finance"' in page.text
    assert 'name="reason"' in page.text
    target = f"/assessments/{aid}/governance-reviews/finance"
    change = {"rating": "red", "comment": "The recovery plan has slipped a quarter."}
    silent = post_form(client, url, target, change)
    assert silent.status_code == 422
    assert assert_summary_reaches_fields(silent.text) == {
        "finance-reason": "Give a reason for changing a rating shared as provisional: it is "
        "kept in the moderation log the PCT sees"
    }
    assert "The recovery plan has slipped a quarter." in silent.text
    reason = "Moderated at the regional meeting against the other PCTs' finance plans."
    saved = post_form(client, url, target, {**change, "reason": reason})
    assert saved.status_code in (303, 200), saved.text[:500]
    log = ok(client.get(f"/api/v1/assessments/{aid}/moderation", headers=auth(world.a.lead)))
    assert [(c["subject"], c["reason"]) for c in log] == [("governance", reason)]
