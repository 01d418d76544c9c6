"""Every round kept and shown: the list of submissions with what the SHA asked after each and
the PCT's responses, each round's frozen content, and "changed since round N" on the review."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import auth
from tests.web.steps import sign_in
from tests.web.test_decision_pages import ok, resubmit, score, submitted_assessment


def returned_and_resubmitted(client: TestClient, world) -> int:
    """Round 1 returned with a point on competency 4 and a general one; the PCT answers both,
    rewrites competency 4's rationale, and resubmits as round 2."""
    aid = submitted_assessment(client, world)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={
                "reason": "Engagement is thin.",
                "points": [
                    {"competency_number": 4, "request": "Show the practices involved."},
                    {"request": "Date each item."},
                ],
            },
            headers=auth(world.reviewer),
        )
    )
    points = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    points = points["items"] if isinstance(points, dict) else points
    for point in points:
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/return-points/{point['id']}",
                json={"response": f"Answered: {point['request']}"},
                headers=auth(world.a.lead),
            )
        )
    score(client, world.a.lead, aid, 4, "Twelve of fourteen practices took part in 2009.")
    resubmit(client, world, aid)
    return aid


def test_rounds_page_lists_each_submission_and_what_was_asked_after_it(
    client: TestClient, world
) -> None:
    aid = returned_and_resubmitted(client, world)
    sign_in(client, world.reviewer)
    page = client.get(f"/assessments/{aid}/rounds")
    assert page.status_code == 200
    submissions = ok(
        client.get(f"/api/v1/assessments/{aid}/submissions", headers=auth(world.reviewer))
    )
    submissions = submissions["items"] if isinstance(submissions, dict) else submissions
    assert [s["round"] for s in submissions] == [1, 2]
    for kept in submissions:
        assert f'href="/assessments/{aid}/rounds/{kept["round"]}"' in page.text
        assert kept["fingerprint"][:12] in page.text
    assert world.a.lead.full_name in page.text
    assert "What the SHA asked after round 1" in page.text
    assert "Show the practices involved." in page.text
    assert "Answered: Show the practices involved." in page.text
    assert "What the SHA asked after round 2" not in page.text


def test_a_round_shows_its_frozen_self_scores_and_evidence(client: TestClient, world) -> None:
    aid = returned_and_resubmitted(client, world)
    sign_in(client, world.a.lead)
    first = client.get(f"/assessments/{aid}/rounds/1")
    assert first.status_code == 200
    assert "Round 1, as submitted" in first.text
    assert "Why competency 4 sits at level 2." in first.text
    assert "Twelve of fourteen practices" not in first.text
    assert "Five-year strategic plan" in first.text
    assert "BD/09/147" in first.text
    second = client.get(f"/assessments/{aid}/rounds/2")
    assert "Twelve of fourteen practices took part in 2009." in second.text
    assert client.get(f"/assessments/{aid}/rounds/3").status_code == 404


def test_rounds_are_not_shown_to_those_who_cannot_see_the_assessment(
    client: TestClient, world
) -> None:
    aid = submitted_assessment(client, world)
    for user in (world.other_reviewer, world.c.lead):
        client.cookies.clear()
        sign_in(client, user)
        assert client.get(f"/assessments/{aid}/rounds").status_code == 404
        assert client.get(f"/assessments/{aid}/rounds/1").status_code == 404


def test_the_review_marks_the_competency_changed_since_the_last_round(
    client: TestClient, world
) -> None:
    aid = returned_and_resubmitted(client, world)
    sign_in(client, world.reviewer)
    review = client.get(f"/assessments/{aid}/review").text
    row_4 = review[review.index('id="competency-4"') : review.index('id="competency-5"')]
    assert "Changed since round 1" in row_4
    assert review.count("Changed since round 1") == 1
    assert "(round 2)" in review
    competency = client.get(f"/assessments/{aid}/review/4").text
    assert "Changed since round 1" in competency
    assert "Answered: Show the practices involved." in competency
    assert "Changed since round" not in client.get(f"/assessments/{aid}/review/5").text


def test_nothing_shows_as_changed_right_after_a_return(client: TestClient, world) -> None:
    aid = submitted_assessment(client, world)
    lead = world.a.lead
    # Back to the PCT, then a second item for competency 2, logged after but dated before the
    # first; the board signs again and the lead resubmits, then the SHA returns it again.
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={"reason": "More on 2.", "points": [{"competency_number": 2, "request": "More."}]},
            headers=auth(world.reviewer),
        )
    )
    points = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(lead)))
    points = points["items"] if isinstance(points, dict) else points
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/return-points/{points[0]['id']}",
            json={"response": "Added the partnership minutes."},
            headers=auth(lead),
        )
    )
    earlier = ok(
        client.post(
            "/api/v1/evidence",
            json={
                "organisation_code": world.a.pct.code,
                "title": "Partnership board minutes",
                "description": "Joint commissioning agreed.",
                "kind": "minutes",
                "occurred_on": "2009-06-01",
                "competency_numbers": [2],
            },
            headers=auth(lead),
        ),
        201,
    )
    ok(client.put(f"/api/v1/assessments/{aid}/evidence/{earlier['id']}", headers=auth(lead)), 204)
    resubmit(client, world, aid)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={"reason": "One more.", "points": [{"request": "Date the plan."}]},
            headers=auth(world.reviewer),
        )
    )
    sign_in(client, world.reviewer)
    assert "Changed since round" not in client.get(f"/assessments/{aid}/review").text
