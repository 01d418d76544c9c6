"""The JSON API's decisions sent with the version they read: a review changed since is a
409 and nothing is decided; the same decision with the version now goes through. A decision
without a version works as before."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx2 import Response

from app.users.models import User
from tests.api_steps import ok, review_governance, review_score, reviewed, share_provisional
from tests.factories import auth
from tests.world import World


def _detail(client: TestClient, user: User, aid: int) -> dict:
    return ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(user)))


def _version(client: TestClient, user: User, aid: int) -> int:
    return int(_detail(client, user, aid)["version"])


def _decide(
    client: TestClient, world: World, aid: int, decision: str, version: int | None = None
) -> Response:
    """The reviewer's ``decision`` (with the version read, where there is one)."""
    return client.post(
        f"/api/v1/assessments/{aid}/{decision}",
        json=None if version is None else {"version": version},
        headers=auth(world.reviewer),
    )


def _answer(client: TestClient, world: World, aid: int, provisional_id: int) -> Response:
    """The PCT's answer to the provisional ratings it names: no comments."""
    return client.post(
        f"/api/v1/assessments/{aid}/factual-accuracy",
        json={"comments": [], "provisional_id": provisional_id},
        headers=auth(world.a.lead),
    )


def _change_review_of_competency_3(client: TestClient, world: World, aid: int) -> None:
    review_score(client, world.reviewer, aid, 3, level=3, comment="Raised by a second reviewer.")


def test_finalise_with_the_version_read_before_a_review_change_is_refused(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    read = _version(client, world.reviewer, aid)
    _change_review_of_competency_3(client, world, aid)

    refused = _decide(client, world, aid, "finalise", read)

    assert refused.status_code == 409
    assert "reload" in refused.json()["detail"]
    assert _detail(client, world.reviewer, aid)["status"] == "in_review"
    now = _version(client, world.reviewer, aid)
    finalised = _decide(client, world, aid, "finalise", now)
    assert ok(finalised)["status"] == "finalised"


def test_sharing_provisional_ratings_with_the_version_read_before_a_change_is_refused(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    read = _version(client, world.reviewer, aid)
    review_governance(
        client,
        world.reviewer,
        aid,
        ("finance",),
        rating="red",
        comment="Changed by a second reviewer.",
    )

    refused = _decide(client, world, aid, "provisional", read)

    assert refused.status_code == 409
    assert _detail(client, world.reviewer, aid)["status"] == "in_review"


def test_a_decision_without_a_version_works_as_before(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    _change_review_of_competency_3(client, world, aid)
    finalised = _decide(client, world, aid, "finalise")
    assert ok(finalised)["status"] == "finalised"


def test_an_answer_naming_ratings_shared_before_is_refused(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    share_provisional(client, world.reviewer, aid)
    shared = ok(client.get(f"/api/v1/assessments/{aid}/provisional", headers=auth(world.a.lead)))
    first = shared[-1]["id"]

    stale = _answer(client, world, aid, first + 1)
    assert stale.status_code == 409
    assert "shared other provisional ratings" in stale.json()["detail"]

    answered = _answer(client, world, aid, first)
    assert ok(answered)["accepted"] is True
