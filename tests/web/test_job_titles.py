"""A person's job title: kept with their account, given by the API, and shown in the account
bar beside their name."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_steps import ok
from tests.factories import PASSWORD, auth
from tests.web.steps import sign_in


def test_a_job_title_is_kept_given_and_shown(client: TestClient, world) -> None:
    created = ok(
        client.post(
            "/api/v1/users",
            json={
                "email": "pec.chair@test.nhs.test",
                "full_name": "Dr Ann Example",
                "job_title": "  PEC chair ",
                "password": PASSWORD,
                "role": "board_member",
                "organisation_code": world.a.pct.code,
            },
            headers=auth(world.admin),
        ),
        201,
    )
    assert created["job_title"] == "PEC chair"
    retitled = ok(
        client.patch(
            f"/api/v1/users/{created['id']}",
            json={"job_title": "Chair of the Professional Executive Committee"},
            headers=auth(world.admin),
        )
    )
    assert retitled["job_title"] == "Chair of the Professional Executive Committee"
    too_long = client.post(
        "/api/v1/users",
        json={
            "email": "someone@test.nhs.test",
            "full_name": "Someone",
            "job_title": "x" * 101,
            "password": PASSWORD,
            "role": "board_member",
            "organisation_code": world.a.pct.code,
        },
        headers=auth(world.admin),
    )
    assert too_long.status_code == 422

    class _Person:
        email = "pec.chair@test.nhs.test"

    sign_in(client, _Person())  # type: ignore[arg-type]
    page = client.get("/").text
    assert (
        "Signed in as <strong>Dr Ann Example</strong>, Chair of the Professional Executive "
        "Committee" in page
    )
