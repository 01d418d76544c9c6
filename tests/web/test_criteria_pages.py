"""Competencies scored through criteria, as pages: the lead gives each criterion a level, the
competency's level follows, and the reviewer does the same for the SHA."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api_steps import (
    log_evidence,
    ok,
    open_assessment,
    present,
    present_outcome,
    rate_governance,
    sign_off,
)
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, post_form, sign_in


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _year_two(client: TestClient, session: Session, world) -> int:
    cycle = factories.make_cycle(session, framework_version="wcc-2009")
    return open_assessment(client, world.a.lead, world.a.pct.code, cycle.id)["id"]


def test_the_competency_level_follows_from_the_criteria_on_the_page(
    client: TestClient, session: Session, world
) -> None:
    aid = _year_two(client, session, world)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/competencies/1"
    page = client.get(url)
    assert page.status_code == 200
    words = _text(page.text)
    assert "Criteria 1.1 to 1.3" in words
    assert "Give each of criteria 1.1 to 1.3 a level above" in words
    for criterion, level in (("1.1", "3"), ("1.2", "2")):
        saved = post_form(client, url, f"{url}/criteria/{criterion}", {"level": level})
        assert saved.status_code == 303, saved.text[:500]
    # The competency's own form cannot be saved until every criterion has a level.
    early = post_form(client, url, url, {"rationale": "Partners follow our plan."})
    assert early.status_code == 422
    assert {k: html.unescape(v) for k, v in assert_summary_reaches_fields(early.text).items()} == {
        "level": "Competency 1 is scored through its criteria 1.1 to 1.3: give 1.3 a level "
        "first; the competency's level then follows from them"
    }
    assert "Partners follow our plan." in early.text
    last = post_form(
        client, url, f"{url}/criteria/1.3", {"level": "4", "rationale": "System change led."}
    )
    assert last.status_code == 303
    words = _text(client.get(url).text)
    assert "Criterion 1.3 saved. Competency 1 is at level 2, following from its criteria." in words
    assert "Level 2 : Developing, following from criteria 1.1 to 1.3" in words
    saved = post_form(client, url, url, {"rationale": "Partners follow our plan."})
    assert saved.status_code == 303
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    [score] = [s for s in detail["self_scores"] if s["competency_number"] == 1]
    assert score["level"] == 2 and score["rationale"] == "Partners follow our plan."


def test_a_criterion_without_a_level_is_refused_with_its_own_error(
    client: TestClient, session: Session, world
) -> None:
    aid = _year_two(client, session, world)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/competencies/11"
    refused = post_form(
        client, url, f"{url}/criteria/11.2", {"rationale": "We know where the money goes."}
    )
    assert refused.status_code == 422
    assert assert_summary_reaches_fields(refused.text) == {"c11-2-level": "Choose a level"}
    assert "We know where the money goes." in refused.text
    missing = post_form(client, url, f"{url}/criteria/11.9", {"level": "2"})
    assert missing.status_code == 404
    whole = post_form(
        client,
        f"/assessments/{aid}/competencies/2",
        f"/assessments/{aid}/competencies/2/criteria/2.1",
        {"level": "2"},
    )
    assert whole.status_code == 404


def test_the_reviewer_scores_the_criteria_of_competency_11(
    client: TestClient, session: Session, world
) -> None:
    aid = _year_two(client, session, world)
    item = log_evidence(client, world.a.lead, world.a.pct.code, list(range(1, 12)))
    present(client, world.a.lead, aid, item["id"])
    for number in (1, 11):
        for part in (1, 2, 3):
            ok(
                client.put(
                    f"/api/v1/assessments/{aid}/self-scores/{number}/criteria/{number}.{part}",
                    json={"level": 2},
                    headers=auth(world.a.lead),
                )
            )
    for number in range(1, 12):
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/self-scores/{number}",
                json={"rationale": "Why."} | ({} if number in (1, 11) else {"level": 2}),
                headers=auth(world.a.lead),
            )
        )
    rate_governance(client, world.a.lead, aid)
    present_outcome(client, world.a.lead, world.a.pct.code, aid)
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/review/11"
    page = _text(client.get(url).text)
    assert "11.1" in page and "Your level for 11.3" in page
    # One form holds the three criteria: the competency's level follows from them.
    saved = post_form(
        client,
        url,
        url,
        {
            "c11-1-level": "2",
            "c11-2-level": "1",
            "c11-3-level": "2",
            "c11-2-comment": "Seen.",
            "comment": "Weakest on value for money.",
            "then": "stay",
        },
    )
    assert saved.status_code == 303, saved.text[:500]
    words = _text(client.get(url).text)
    assert "Your level for competency 11: Level 1 , following from criteria 11.1 to 11.3" in words
