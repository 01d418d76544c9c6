"""GET /assessments/{id}/comparison: the comparison with the PCT's previous finalised
assessment as a page, for whoever may read the assessment; each movement in words with its
arrow, and a plain note (not an error) when there is nothing earlier."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.models import AssessmentStatus
from tests import factories
from tests.api_steps import submitted
from tests.comparison.steps import assessment_with, cycle_of
from tests.reports.steps import previous_year_cycle, year_one_assessment
from tests.web.steps import sign_in


def _page(client: TestClient, user, aid: int | None):
    client.cookies.clear()
    sign_in(client, user)
    return client.get(f"/assessments/{aid}/comparison")


def _text(body: str) -> str:
    """The page's words, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _row(body: str, label: str) -> str:
    """The words of the table row headed ``label``: its first cell, less the heading a
    responsive table repeats in each cell for a phone, begins with it."""
    for row in re.findall(r"<tr.*?</tr>", body, flags=re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        if not cells:
            continue
        first = re.sub(r'<span class="nhsuk-table__heading"[^>]*>.*?</span>', "", cells[0])
        if _text(first).strip().startswith(label):
            return _text(row)
    raise AssertionError(f"no row for {label!r}")


def _last_year_and_this(session: Session, world) -> tuple[int, int]:
    """PCT a's 2008/09 assessment, finalised, and its 2009/10 one, finalised too: the SHA
    moved competency 1 up a level, 2 down a level and kept 3, and rated finance green after
    amber."""
    before = cycle_of(session, 2008, framework="wcc-2008", assessed=list(range(1, 11)))
    last = assessment_with(
        session,
        pct=world.a.pct,
        cycle=before,
        reviewer=world.reviewer,
        selfs={1: 1, 2: 3, 3: 2},
        reviews={1: 1, 2: 3, 3: 2},
        governance={"finance": "amber"},
        panel={"finance": "amber"},
    )
    now = assessment_with(
        session,
        pct=world.a.pct,
        cycle=world.cycle,
        reviewer=world.reviewer,
        selfs={1: 2, 2: 2, 3: 2},
        reviews={1: 2, 2: 2, 3: 2},
        governance={"finance": "green"},
        panel={"finance": "green"},
    )
    assert last.id is not None and now.id is not None
    return last.id, now.id


def test_the_page_shows_each_movement_in_words_with_its_arrow(
    client: TestClient, session: Session, world
) -> None:
    _last, now = _last_year_and_this(session, world)

    response = _page(client, world.a.lead, now)

    assert response.status_code == 200
    body = response.text
    assert re.search(r"<h1[^>]*>\s*Since 2008/09\s*</h1>", body)
    assert f"{world.a.pct.name}, {world.cycle.name}" in _text(body)
    assert "Since 2008/09: 1 competency up, 1 down and 1 the same." in _text(body)
    assert "\u2191 Up 1 level" in _row(body, "1. ")
    assert "\u2193 Down 1 level" in _row(body, "2. ")
    assert "= Same level" in _row(body, "3. ")
    # Both years' levels, the PCT's own and the SHA's, each labelled (for a phone's screen)
    # before the movement.
    year = world.cycle.name
    assert (
        f"2008/09 PCT 1 2008/09 SHA 1 {year} PCT 2 {year} SHA 2 Movement \u2191 Up 1 level"
    ) in _row(body, "1. ")
    finance = _row(body, "Finance")
    assert f"2008/09 SHA Amber {year} PCT Green" in finance and "\u2191 Up 1 step" in finance
    # A competency neither year gave a level to says why nothing is compared.
    assert f"Not yet given a level in {year}." in _row(body, "4. ")
    assert "Not assessed in 2008/09." in _row(body, "11. ")
    assert f'href="/assessments/{now}"' in body
    assert "Back to the assessment" in body


def test_with_no_previous_finalised_assessment_the_page_says_so_plainly(
    client: TestClient, session: Session, world
) -> None:
    # Last year's assessment was submitted but never finalised: not compared with.
    year_one_assessment(client, world.a, previous_year_cycle(session), reviewer=world.reviewer)
    now = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]

    response = _page(client, world.a.lead, now)

    assert response.status_code == 200
    assert re.search(r"<h1[^>]*>\s*Since last year\s*</h1>", response.text)
    assert (
        f"{world.a.pct.name} has no earlier finalised assessment to compare "
        f"{world.cycle.name} with."
    ) in _text(response.text)
    assert "<table" not in response.text
    assert "nhsuk-error-summary" not in response.text


def test_the_pct_sees_not_yet_shared_until_the_sha_shares_its_levels(
    client: TestClient, session: Session, world
) -> None:
    before = cycle_of(session, 2008, framework="wcc-2008", assessed=list(range(1, 11)))
    assessment_with(
        session,
        pct=world.a.pct,
        cycle=before,
        reviewer=world.reviewer,
        selfs={4: 1},
        reviews={4: 1},
    )
    now = assessment_with(
        session,
        pct=world.a.pct,
        cycle=world.cycle,
        reviewer=world.reviewer,
        status=AssessmentStatus.IN_REVIEW,
        selfs={4: 2},
        reviews={4: 3},
    )

    lead = _row(_page(client, world.a.lead, now.id).text, "4. ")
    reviewer = _row(_page(client, world.reviewer, now.id).text, "4. ")

    assert "Not yet shared" in lead and "\u2191 Up 1 level (PCT's own)" in lead
    assert "Not yet shared" not in reviewer and "\u2191 Up 2 levels" in reviewer


def test_the_shas_reviewer_may_read_it_and_another_pct_finds_nothing(
    client: TestClient, session: Session, world
) -> None:
    _last, now = _last_year_and_this(session, world)

    assert _page(client, world.reviewer, now).status_code == 200
    assert _page(client, world.a.board, now).status_code == 200
    assert _page(client, world.b.lead, now).status_code == 404
    assert _page(client, world.other_reviewer, now).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(
    client: TestClient, session: Session, world
) -> None:
    pct = factories.make_pct(session, sha=world.sha)
    draft = assessment_with(
        session,
        pct=pct,
        cycle=world.cycle,
        reviewer=world.reviewer,
        status=AssessmentStatus.DRAFT,
    )

    response = client.get(f"/assessments/{draft.id}/comparison", follow_redirects=False)

    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")
