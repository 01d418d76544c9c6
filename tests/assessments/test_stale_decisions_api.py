"""The JSON API's decisions sent with the version they read: a review changed since is a
409 and nothing is decided; the same decision with the version now goes through. A decision
without a version works as before."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_steps import ok, reviewed, share_provisional
from tests.factories import auth


def _version(client: TestClient, user, aid: int) -> int:
    return int(ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(user)))["version"])


def _change_review_of_competency_3(client: TestClient, world, aid: int) -> None:
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/review-scores/3",
            json={"level": 3, "comment": "Raised by a second reviewer."},
            headers=auth(world.reviewer),
        )
    )


def test_finalise_with_the_version_read_before_a_review_change_is_refused(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    read = _version(client, world.reviewer, aid)
    _change_review_of_competency_3(client, world, aid)

    refused = client.post(
        f"/api/v1/assessments/{aid}/finalise", json={"version": read}, headers=auth(world.reviewer)
    )

    assert refused.status_code == 409
    assert "reload" in refused.json()["detail"]
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.reviewer)))
    assert detail["status"] == "in_review"
    now = _version(client, world.reviewer, aid)
    finalised = client.post(
        f"/api/v1/assessments/{aid}/finalise", json={"version": now}, headers=auth(world.reviewer)
    )
    assert ok(finalised)["status"] == "finalised"


def test_sharing_provisional_ratings_with_the_version_read_before_a_change_is_refused(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    read = _version(client, world.reviewer, aid)
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/governance-reviews/finance",
            json={"rating": "red", "comment": "Changed by a second reviewer."},
            headers=auth(world.reviewer),
        )
    )

    refused = client.post(
        f"/api/v1/assessments/{aid}/provisional",
        json={"version": read},
        headers=auth(world.reviewer),
    )

    assert refused.status_code == 409
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.reviewer)))
    assert detail["status"] == "in_review"


def test_a_decision_without_a_version_works_as_before(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    _change_review_of_competency_3(client, world, aid)
    finalised = client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer))
    assert ok(finalised)["status"] == "finalised"


def test_an_answer_naming_ratings_shared_before_is_refused(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    share_provisional(client, world.reviewer, aid)
    shared = ok(client.get(f"/api/v1/assessments/{aid}/provisional", headers=auth(world.a.lead)))
    first = shared[-1]["id"]

    stale = client.post(
        f"/api/v1/assessments/{aid}/factual-accuracy",
        json={"comments": [], "provisional_id": first + 1},
        headers=auth(world.a.lead),
    )
    assert stale.status_code == 409
    assert "shared other provisional ratings" in stale.json()["detail"]

    answered = client.post(
        f"/api/v1/assessments/{aid}/factual-accuracy",
        json={"comments": [], "provisional_id": first},
        headers=auth(world.a.lead),
    )
    assert ok(answered)["accepted"] is True
