"""GET /api/v1/assessments/{id}/comparison: an assessment against the PCT's previous finalised
assessment, per competency, criterion and governance area, with the SHA's levels of this year
only for those who may see them yet."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.models import AssessmentStatus
from tests import factories
from tests.api_steps import ok, review_all, share_provisional, submitted
from tests.comparison.steps import assessment_with, cycle_of
from tests.factories import auth
from tests.reports.steps import finalise, previous_year_cycle, put, year_one_assessment

UP, DOWN, SAME = "up", "down", "same"


def _comparison(client: TestClient, user: Any, aid: int) -> dict:
    return ok(client.get(f"/api/v1/assessments/{aid}/comparison", headers=auth(user)))


def _by(items: list[dict], key: str) -> dict[Any, dict]:
    return {item[key]: item for item in items}


def _last_year_and_this(client: TestClient, session: Session, world) -> tuple[int, int]:
    """PCT a's 2008/09 assessment (wcc-2008, competencies 1 to 10), finalised: the SHA (like
    the PCT) gave 2 on odd competencies and 1 on even ones, and rated strategy red, finance
    and board green. This year's (2009/10, wcc-2009, in review): the PCT gives itself 2
    everywhere (criteria too) and rates every area amber; the SHA agrees on levels except 3
    (1) and 4 (3), and rates every area amber."""
    before = previous_year_cycle(session)
    last = year_one_assessment(
        client,
        world.a,
        before,
        reviewer=world.reviewer,
        panel={"strategy": "red", "finance": "green", "board": "green"},
    )
    finalise(client, world.reviewer, last)
    cycle = factories.make_cycle(session, name="2009/10", framework_version="wcc-2009")
    assert cycle.id is not None
    now = submitted(client, world.a.lead, world.a.board, world.a.pct.code, cycle.id)["id"]
    review_all(client, world.reviewer, now, level=2)
    for number, level in {3: 1, 4: 3}.items():
        put(
            client,
            world.reviewer,
            f"/api/v1/assessments/{now}/review-scores/{number}",
            {"level": level, "comment": "The panel's view."},
        )
    return last, now


def test_the_reviewer_sees_each_competencys_movement_of_the_shas_level(
    client: TestClient, session: Session, world
) -> None:
    last, now = _last_year_and_this(client, session, world)

    body = _comparison(client, world.reviewer, now)

    assert set(body) == {
        "assessment_id",
        "organisation_code",
        "cycle_id",
        "cycle_name",
        "previous",
        "current_review_shown",
        "note",
        "competencies",
        "criteria",
        "governance",
    }
    assert (body["assessment_id"], body["organisation_code"]) == (now, world.a.pct.code)
    assert body["previous"]["id"] == last
    assert body["previous"]["cycle_name"] == "2008/09"
    assert body["previous"]["finalised_at"] is not None
    assert body["current_review_shown"] is True
    assert body["note"].startswith(f"Compared with {world.a.pct.name}'s assessment of 2008/09")

    competencies = _by(body["competencies"], "competency_number")
    assert list(competencies) == list(range(1, 12))
    assert competencies[4] == {
        "competency_number": 4,
        "title": "Collaborate with clinicians",
        "previous_self_level": 1,
        "previous_review_level": 1,
        "current_self_level": 2,
        "current_review_level": 3,
        "movement": {"direction": UP, "by": 2, "compared": "review"},
        "note": "",
    }
    moves = {
        n: (c["movement"]["direction"], c["movement"]["by"])
        for n, c in competencies.items()
        if c["movement"]
    }
    assert moves == {
        1: (SAME, 0),
        2: (UP, 1),
        3: (DOWN, 1),
        4: (UP, 2),
        5: (SAME, 0),
        6: (UP, 1),
        7: (SAME, 0),
        8: (UP, 1),
        9: (SAME, 0),
        10: (UP, 1),
    }
    # 2008/09 did not assess competency 11: listed, with this year's levels and a plain note.
    assert competencies[11]["movement"] is None
    assert competencies[11]["note"] == "Not assessed in 2008/09."
    assert (competencies[11]["previous_self_level"], competencies[11]["current_review_level"]) == (
        None,
        2,
    )

    governance = _by(body["governance"], "area")
    assert list(governance) == ["strategy", "finance", "board"]
    assert governance["strategy"] == {
        "area": "strategy",
        "previous_self_rating": "amber",
        "previous_review_rating": "red",
        "current_self_rating": "amber",
        "current_review_rating": "amber",
        "movement": {"direction": UP, "by": 1, "compared": "review"},
        "note": "",
    }
    assert governance["finance"]["movement"] == {"direction": DOWN, "by": 1, "compared": "review"}


def test_criteria_are_listed_with_why_the_first_year_cannot_be_compared(
    client: TestClient, session: Session, world
) -> None:
    _last, now = _last_year_and_this(client, session, world)

    criteria = _by(_comparison(client, world.reviewer, now)["criteria"], "criterion")

    assert list(criteria) == ["1.1", "1.2", "1.3", "11.1", "11.2", "11.3"]
    assert criteria["1.2"]["note"] == (
        "2008/09 scored competency 1 as a whole, not through criteria."
    )
    assert criteria["1.2"]["current_review_level"] == 2
    assert criteria["11.1"]["note"] == "Competency 11 is not assessed in 2008/09."
    assert all(c["movement"] is None for c in criteria.values())


def test_the_pct_sees_this_years_sha_levels_only_once_shared(
    client: TestClient, session: Session, world
) -> None:
    _last, now = _last_year_and_this(client, session, world)

    # In review: last year's final levels, this year's own levels, and movement on those.
    body = _comparison(client, world.a.lead, now)
    assert body["current_review_shown"] is False
    assert "The SHA's levels for" in body["note"]
    competencies = _by(body["competencies"], "competency_number")
    assert all(c["current_review_level"] is None for c in competencies.values())
    assert competencies[4]["previous_review_level"] == 1  # final, so shown
    assert competencies[4]["movement"] == {"direction": UP, "by": 1, "compared": "self"}
    assert competencies[3]["movement"] == {"direction": SAME, "by": 0, "compared": "self"}
    governance = _by(body["governance"], "area")
    assert governance["finance"]["current_review_rating"] is None
    assert governance["finance"]["movement"] == {"direction": DOWN, "by": 1, "compared": "self"}
    board = _comparison(client, world.a.board, now)
    assert board["current_review_shown"] is False

    # Shared as provisional: the SHA's levels are the PCT's to see, and movement is on them.
    share_provisional(client, world.reviewer, now)
    body = _comparison(client, world.a.lead, now)
    assert body["current_review_shown"] is True
    competencies = _by(body["competencies"], "competency_number")
    assert competencies[4]["current_review_level"] == 3
    assert competencies[4]["movement"] == {"direction": UP, "by": 2, "compared": "review"}


def test_with_no_previous_finalised_assessment_the_list_is_empty_with_a_note(
    client: TestClient, session: Session, world
) -> None:
    # Last year's assessment was submitted but never finalised: not compared with.
    year_one_assessment(client, world.a, previous_year_cycle(session), reviewer=world.reviewer)
    now = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]

    body = _comparison(client, world.a.lead, now)

    assert body["previous"] is None
    assert (body["competencies"], body["criteria"], body["governance"]) == ([], [], [])
    assert body["note"] == (
        f"{world.a.pct.name} has no earlier finalised assessment to compare "
        f"{world.cycle.name} with."
    )


def test_the_previous_is_the_latest_finalised_assessment_of_an_earlier_cycle(
    client: TestClient, session: Session, world
) -> None:
    cycles = {year: cycle_of(session, year) for year in (2006, 2007, 2008, 2010)}
    made = {
        year: assessment_with(
            session,
            pct=world.a.pct,
            cycle=cycle,
            reviewer=world.reviewer,
            status=AssessmentStatus.IN_REVIEW if year == 2008 else AssessmentStatus.FINALISED,
            selfs={4: {2006: 1, 2007: 2, 2008: 3, 2010: 4}[year]},
            reviews={4: 1},
        )
        for year, cycle in cycles.items()
    }
    # Another PCT's finalised assessment of 2008/09 is not this PCT's previous one.
    assessment_with(session, pct=world.b.pct, cycle=cycles[2008], reviewer=world.reviewer)
    now = assessment_with(
        session,
        pct=world.a.pct,
        cycle=world.cycle,
        reviewer=world.reviewer,
        status=AssessmentStatus.DRAFT,
        selfs={4: 3},
    )

    body = _comparison(client, world.a.lead, now.id)

    # 2008/09 was never finalised and 2010/11 is later: 2007/08 is the one compared with.
    assert (body["previous"]["id"], body["previous"]["cycle_name"]) == (made[2007].id, "2007/08")
    four = _by(body["competencies"], "competency_number")[4]
    assert (four["previous_self_level"], four["current_self_level"]) == (2, 3)
    assert four["movement"] == {"direction": UP, "by": 1, "compared": "self"}
    assert _by(body["competencies"], "competency_number")[5]["note"] == (
        f"Not yet given a level in {world.cycle.name}."
    )


def test_criteria_scored_in_both_years_are_compared(
    client: TestClient, session: Session, world
) -> None:
    last_cycle = cycle_of(session, 2008)
    assessment_with(
        session,
        pct=world.a.pct,
        cycle=last_cycle,
        reviewer=world.reviewer,
        self_criteria={"1.1": 2, "1.2": 2, "1.3": 3},
        review_criteria={"1.1": 1, "1.2": 2, "1.3": 3},
    )
    now = assessment_with(
        session,
        pct=world.a.pct,
        cycle=cycle_of(session, 2009),
        reviewer=world.reviewer,
        status=AssessmentStatus.IN_REVIEW,
        self_criteria={"1.1": 3, "1.2": 2, "1.3": 3},
        review_criteria={"1.1": 3, "1.3": 2},
    )

    criteria = _by(_comparison(client, world.reviewer, now.id)["criteria"], "criterion")

    assert criteria["1.1"]["movement"] == {"direction": UP, "by": 2, "compared": "review"}
    assert criteria["1.2"]["movement"] == {"direction": SAME, "by": 0, "compared": "self"}
    assert criteria["1.3"]["movement"] == {"direction": DOWN, "by": 1, "compared": "review"}
    assert (criteria["1.3"]["previous_review_level"], criteria["1.3"]["current_review_level"]) == (
        3,
        2,
    )
    assert criteria["11.1"]["movement"] is None
    assert criteria["11.1"]["note"] == "Not yet given a level in 2009/10."


def test_whoever_may_read_the_assessment_may_read_its_comparison_and_no_one_else(
    client: TestClient, session: Session, world
) -> None:
    draft = assessment_with(
        session,
        pct=world.a.pct,
        cycle=world.cycle,
        reviewer=world.reviewer,
        status=AssessmentStatus.DRAFT,
    )
    sent = assessment_with(
        session,
        pct=world.a.pct,
        cycle=cycle_of(session, 2010),
        reviewer=world.reviewer,
        status=AssessmentStatus.SUBMITTED,
    )
    readers = {
        "admin": (world.admin, 200, 200),
        "lead": (world.a.lead, 200, 200),
        "board member": (world.a.board, 200, 200),
        "clinician": (world.a.clinician, 200, 200),
        "practice clinician": (world.practice_clinician, 200, 200),
        "the SHA's reviewer": (world.reviewer, 404, 200),  # from its first submission on
        "another SHA's reviewer": (world.other_reviewer, 404, 404),
        "another PCT's lead": (world.b.lead, 404, 404),
    }
    for who, (user, on_draft, on_submitted) in readers.items():
        for aid, expected in ((draft.id, on_draft), (sent.id, on_submitted)):
            response = client.get(f"/api/v1/assessments/{aid}/comparison", headers=auth(user))
            assert response.status_code == expected, (who, aid, response.text)
    assert client.get(f"/api/v1/assessments/{draft.id}/comparison").status_code == 401
    response = client.get("/api/v1/assessments/999999/comparison", headers=auth(world.admin))
    assert response.status_code == 404
    assert response.json() == {"detail": "Assessment 999999 not found"}
