"""The full assurance record through the API: criterion scores rolled up into a competency's
level, governance rated by the PCT and by the SHA, outcome measures with trajectories and
actuals, and cycles that assess only some competencies."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api_steps import (
    OUTCOME,
    log_evidence,
    ok,
    open_assessment,
    present,
    present_outcome,
    rate_governance,
    review_governance,
    sign_off,
)
from tests.factories import auth


def _year_two(session: Session, world) -> int:
    """A cycle scored against the Year 2 framework (criteria on competencies 1 and 11)."""
    cycle = factories.make_cycle(session, framework_version="wcc-2009")
    assert cycle.id is not None
    return cycle.id


def _put(client: TestClient, user, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, json=body, headers=auth(user))


def test_criteria_roll_up_into_the_competency_level_by_the_lowest_rule(
    client: TestClient, session: Session, world
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, _year_two(session, world))["id"]
    base = f"/api/v1/assessments/{aid}/self-scores/1"
    first = ok(_put(client, world.a.lead, f"{base}/criteria/1.1", {"level": 3}))
    assert first["criterion"] == "1.1" and first["competency_level"] is None
    # Until every criterion has a level, the competency has none, and cannot be given one.
    early = _put(client, world.a.lead, base, {"level": 3, "rationale": "Why."})
    assert early.status_code == 422
    assert "give 1.2, 1.3 a level first" in early.json()["detail"]
    ok(_put(client, world.a.lead, f"{base}/criteria/1.2", {"level": 2, "rationale": "Partners."}))
    last = ok(_put(client, world.a.lead, f"{base}/criteria/1.3", {"level": 4}))
    assert last["competency_level"] == 2
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    assert [s["level"] for s in detail["self_scores"] if s["competency_number"] == 1] == [2]
    assert {c["criterion"]: c["level"] for c in detail["criterion_scores"]} == {
        "1.1": 3,
        "1.2": 2,
        "1.3": 4,
    }
    # A level other than the rolled-up one is refused; the rolled-up one takes a rationale.
    wrong = _put(client, world.a.lead, base, {"level": 3, "rationale": "Why."})
    assert wrong.status_code == 422
    assert "it is 2, not 3" in wrong.json()["detail"]
    ok(_put(client, world.a.lead, base, {"level": 2, "rationale": "Partners lag the vision."}))
    # Raising the weakest criterion raises the competency.
    again = ok(_put(client, world.a.lead, f"{base}/criteria/1.2", {"level": 3}))
    assert again["competency_level"] == 3
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    [score] = [s for s in detail["self_scores"] if s["competency_number"] == 1]
    assert score["level"] == 3 and score["rationale"] == "Partners lag the vision."


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("self-scores/1/criteria/2.1", 404, "Competency 1 has no criterion 2.1"),
        ("self-scores/1/criteria/1.4", 404, "its criteria are 1.1 to 1.3"),
        ("self-scores/2/criteria/2.1", 404, "Competency 2 has no criteria"),
        ("self-scores/12/criteria/12.1", 404, "Competency 12 is not assessed"),
        ("self-scores/1/criteria/one", 404, "no criterion one"),
    ],
)
def test_a_criterion_of_another_competency_or_framework_is_not_found(
    client: TestClient, session: Session, world, path: str, status: int, words: str
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, _year_two(session, world))["id"]
    response = _put(client, world.a.lead, f"/api/v1/assessments/{aid}/{path}", {"level": 2})
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_a_year_one_framework_has_no_criteria(client: TestClient, world) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    response = _put(
        client, world.a.lead, f"/api/v1/assessments/{aid}/self-scores/1/criteria/1.1", {"level": 2}
    )
    assert response.status_code == 404


def test_the_reviewer_scores_criteria_and_the_review_level_follows(
    client: TestClient, session: Session, world
) -> None:
    cycle_id = _year_two(session, world)
    aid = open_assessment(client, world.a.lead, world.a.pct.code, cycle_id)["id"]
    item = log_evidence(client, world.a.lead, world.a.pct.code, list(range(1, 12)))
    present(client, world.a.lead, aid, item["id"])
    for number in (1, 11):
        for part in (1, 2, 3):
            ok(
                _put(
                    client,
                    world.a.lead,
                    f"/api/v1/assessments/{aid}/self-scores/{number}/criteria/{number}.{part}",
                    {"level": 2},
                )
            )
    for number in range(1, 12):
        ok(
            _put(
                client,
                world.a.lead,
                f"/api/v1/assessments/{aid}/self-scores/{number}",
                {"level": 2, "rationale": f"Why {number} is at 2."},
            )
        )
    rate_governance(client, world.a.lead, aid)
    present_outcome(client, world.a.lead, world.a.pct.code, aid)
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    base = f"/api/v1/assessments/{aid}/review-scores/11"
    ok(_put(client, world.reviewer, f"{base}/criteria/11.1", {"level": 2}))
    ok(_put(client, world.reviewer, f"{base}/criteria/11.2", {"level": 1, "comment": "Thin."}))
    last = ok(_put(client, world.reviewer, f"{base}/criteria/11.3", {"level": 2}))
    assert last["competency_level"] == 1
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.reviewer)))
    assert detail["status"] == "in_review"
    assert [s["level"] for s in detail["review_scores"] if s["competency_number"] == 11] == [1]
    # The PCT may not score the SHA's criteria.
    refused = _put(client, world.a.lead, f"{base}/criteria/11.1", {"level": 4})
    assert refused.status_code == 403


def test_governance_is_rated_by_the_pct_and_then_by_the_panel(client: TestClient, world) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    url = f"/api/v1/assessments/{aid}/governance/finance"
    rated = ok(_put(client, world.a.lead, url, {"rating": "green", "narrative": "In balance."}))
    assert rated["area"] == "finance" and rated["rating"] == "green" and rated["version"] == 1
    stale = _put(client, world.a.lead, url, {"rating": "amber", "narrative": "x", "version": 7})
    assert stale.status_code == 409
    for body, field in [
        ({"rating": "blue", "narrative": "x"}, "rating"),
        ({"rating": "red", "narrative": "  "}, "narrative"),
        ({"rating": "red"}, "narrative"),
    ]:
        bad = _put(client, world.a.lead, url, body)
        assert bad.status_code == 422, body
        assert field in bad.text
    unknown = _put(
        client, world.a.lead, f"/api/v1/assessments/{aid}/governance/estates", {"rating": "red"}
    )
    assert unknown.status_code == 422
    # The panel cannot rate before the assessment reaches it.
    early = _put(
        client,
        world.reviewer,
        f"/api/v1/assessments/{aid}/governance-reviews/finance",
        {"rating": "amber", "comment": "x"},
    )
    assert early.status_code == 404


def test_the_panel_must_say_why_it_rates_governance_differently(client: TestClient, world) -> None:
    from tests.api_steps import submitted

    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    url = f"/api/v1/assessments/{aid}/governance-reviews/board"
    silent = _put(client, world.reviewer, url, {"rating": "red"})
    assert silent.status_code == 422
    assert "The PCT rated board amber" in silent.json()["detail"]
    ok(_put(client, world.reviewer, url, {"rating": "red", "comment": "No risk register."}))
    review_governance(client, world.reviewer, aid)
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.reviewer)))
    assert detail["status"] == "in_review"
    assert {g["area"] for g in detail["governance_reviews"]} == {"strategy", "finance", "board"}


def test_governance_is_locked_once_the_board_signs(client: TestClient, world) -> None:
    from tests.api_steps import ready_to_sign

    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    locked = _put(
        client,
        world.a.lead,
        f"/api/v1/assessments/{aid}/governance/strategy",
        {"rating": "green", "narrative": "Better now."},
    )
    assert locked.status_code == 409
    assert "withdraw the sign-off" in locked.json()["detail"]


def _outcome(**changes: Any) -> dict[str, Any]:
    return {**OUTCOME, **changes}


def test_outcomes_keep_a_trajectory_and_actuals(client: TestClient, world) -> None:
    base = f"/api/v1/organisations/{world.a.pct.code}/outcomes"
    created = ok(
        client.post(
            base,
            json=_outcome(trajectory=[{"year": 2011, "value": 21}, {"year": 2009, "value": 23}]),
            headers=auth(world.a.lead),
        ),
        201,
    )
    assert [p["year"] for p in created["trajectory"]] == [2009, 2011]
    oid = created["id"]
    ok(_put(client, world.a.lead, f"{base}/{oid}/actuals/2009", {"value": 23.4}))
    updated = ok(_put(client, world.a.lead, f"{base}/{oid}/actuals/2009", {"value": 22.9}))
    assert updated["actuals"] == [{"year": 2009, "value": 22.9}]
    listed = ok(client.get(base, headers=auth(world.reviewer)))
    assert [o["title"] for o in listed] == [OUTCOME["title"]]
    assert listed[0]["actuals"] == [{"year": 2009, "value": 22.9}]
    # Others' PCTs are not found; clinicians and reviewers do not manage outcomes.
    assert (
        client.get(
            f"/api/v1/organisations/{world.b.pct.code}/outcomes", headers=auth(world.a.lead)
        ).status_code
        == 404
    )
    assert client.post(
        base, json=_outcome(title="X"), headers=auth(world.reviewer)
    ).status_code in (
        403,
        404,
    )
    assert (
        client.post(base, json=_outcome(title="Y"), headers=auth(world.a.clinician)).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"trajectory": [{"year": 2010, "value": 1}, {"year": 2010, "value": 2}]},
            "gives 2010 more than once",
        ),
        ({"trajectory": [{"year": 2010, "value": "lots"}]}, "valid number"),
        ({"trajectory": [{"year": 2007, "value": 1}]}, "2007 is not after it"),
        ({"trajectory": []}, "at least 1 item"),
        ({"better": "sideways"}, "'higher' or 'lower'"),
        ({"source": "rumour"}, "'national'"),
        ({"baseline_value": "n/a"}, "valid number"),
        ({"title": ""}, "at least 1 character"),
    ],
)
def test_a_bad_outcome_is_refused_with_the_fault(
    client: TestClient, world, changes: dict[str, Any], words: str
) -> None:
    response = client.post(
        f"/api/v1/organisations/{world.a.pct.code}/outcomes",
        json=_outcome(**changes),
        headers=auth(world.a.lead),
    )
    assert response.status_code == 422, response.text
    assert words in response.text


def test_a_pct_keeps_up_to_ten_local_outcomes_and_unique_titles(client: TestClient, world) -> None:
    base = f"/api/v1/organisations/{world.a.pct.code}/outcomes"
    for n in range(10):
        ok(client.post(base, json=_outcome(title=f"Local {n}"), headers=auth(world.a.lead)), 201)
    national = _outcome(title="Infant mortality", source="national")
    ok(client.post(base, json=national, headers=auth(world.a.lead)), 201)
    eleventh = client.post(base, json=_outcome(title="Local 10"), headers=auth(world.a.lead))
    assert eleventh.status_code == 409
    assert "10 local outcome measures" in eleventh.json()["detail"]
    twice = client.post(base, json=national, headers=auth(world.a.lead))
    assert twice.status_code == 409


def test_an_actual_needs_a_number_for_a_year_from_the_baseline(client: TestClient, world) -> None:
    base = f"/api/v1/organisations/{world.a.pct.code}/outcomes"
    oid = ok(client.post(base, json=_outcome(), headers=auth(world.a.lead)), 201)["id"]
    assert (
        _put(client, world.a.lead, f"{base}/{oid}/actuals/2010", {"value": "x"}).status_code == 422
    )
    assert _put(client, world.a.lead, f"{base}/{oid}/actuals/2005", {"value": 1}).status_code == 422
    assert _put(client, world.a.lead, f"{base}/{oid}/actuals/3000", {"value": 1}).status_code == 422
    assert (
        _put(client, world.a.lead, f"{base}/999999/actuals/2010", {"value": 1}).status_code == 404
    )


def test_an_outcome_of_another_pct_cannot_be_presented(client: TestClient, world) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    theirs = ok(
        client.post(
            f"/api/v1/organisations/{world.b.pct.code}/outcomes",
            json=OUTCOME,
            headers=auth(world.b.lead),
        ),
        201,
    )
    response = client.put(
        f"/api/v1/assessments/{aid}/outcomes/{theirs['id']}", headers=auth(world.a.lead)
    )
    assert response.status_code == 404


def test_a_cycle_that_does_not_assess_competency_11_never_asks_for_it(
    client: TestClient, session: Session, world
) -> None:
    cycle = factories.make_cycle(session, assessed=list(range(1, 11)))
    aid = open_assessment(client, world.a.lead, world.a.pct.code, cycle.id)["id"]
    item = log_evidence(client, world.a.lead, world.a.pct.code, list(range(1, 11)))
    present(client, world.a.lead, aid, item["id"])
    for number in range(1, 11):
        ok(
            _put(
                client,
                world.a.lead,
                f"/api/v1/assessments/{aid}/self-scores/{number}",
                {"level": 2, "rationale": "Why."},
            )
        )
    eleven = _put(
        client,
        world.a.lead,
        f"/api/v1/assessments/{aid}/self-scores/11",
        {"level": 2, "rationale": "Why."},
    )
    assert eleven.status_code == 404
    assert "not assessed in this cycle" in eleven.json()["detail"]
    rate_governance(client, world.a.lead, aid)
    present_outcome(client, world.a.lead, world.a.pct.code, aid)
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    assert detail["assessed_competencies"] == list(range(1, 11))
    assert detail["readiness"] == {"ready": True, "missing": []}
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    for number in range(1, 11):
        ok(
            _put(
                client,
                world.reviewer,
                f"/api/v1/assessments/{aid}/review-scores/{number}",
                {"level": 2},
            )
        )
    review_governance(client, world.reviewer, aid)
    final = ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    assert final["status"] == "finalised"


def test_a_cycle_names_only_competencies_its_framework_has(client: TestClient, world) -> None:
    body = {
        "name": "2011/12",
        "opens_on": "2011-09-01",
        "submission_due": "2011-12-01",
        "review_due": "2012-03-01",
        "assessed_competencies": [1, 12],
    }
    refused = client.post("/api/v1/cycles", json=body, headers=auth(world.admin))
    assert refused.status_code == 422
    assert "Competency 12 is not in" in refused.json()["detail"]
    created = ok(
        client.post(
            "/api/v1/cycles",
            json={**body, "assessed_competencies": [3, 1, 1]},
            headers=auth(world.admin),
        ),
        201,
    )
    assert created["assessed_competencies"] == [1, 3]


def test_a_level_may_be_left_out_only_where_it_follows_from_criteria(
    client: TestClient, session: Session, world
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, _year_two(session, world))["id"]
    whole = _put(
        client, world.a.lead, f"/api/v1/assessments/{aid}/self-scores/2", {"rationale": "x"}
    )
    assert whole.status_code == 422
    assert whole.json()["detail"] == "Choose a level from 1 to 4"
    for part, level in (("11.1", 1), ("11.2", 2), ("11.3", 2)):
        ok(
            _put(
                client,
                world.a.lead,
                f"/api/v1/assessments/{aid}/self-scores/11/criteria/{part}",
                {"level": level},
            )
        )
    derived = ok(
        _put(
            client,
            world.a.lead,
            f"/api/v1/assessments/{aid}/self-scores/11",
            {"rationale": "Spend is known by programme but not yet by outcome."},
        )
    )
    assert derived["level"] == 1
