"""An organisation's name is words: blank or spaces only is refused, and spaces around a name
are dropped."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import ok
from tests.factories import auth


@pytest.mark.parametrize("name", ["", " ", "   \t  "])
def test_a_blank_name_is_refused_on_creating_and_on_changing(
    client: TestClient, world, name: str
) -> None:
    made = client.post(
        "/api/v1/organisations",
        json={"code": "5ZZ", "name": name, "kind": "pct", "parent_code": world.sha.code},
        headers=auth(world.admin),
    )
    assert made.status_code == 422
    changed = client.patch(
        f"/api/v1/organisations/{world.a.pct.code}", json={"name": name}, headers=auth(world.admin)
    )
    assert changed.status_code == 422
    assert (
        ok(client.get(f"/api/v1/organisations/{world.a.pct.code}", headers=auth(world.admin)))[
            "name"
        ]
        == world.a.pct.name
    )


def test_spaces_around_a_name_are_dropped(client: TestClient, world) -> None:
    made = client.post(
        "/api/v1/organisations",
        json={
            "code": "5ZZ",
            "name": "  Sunnyside PCT ",
            "kind": "pct",
            "parent_code": world.sha.code,
        },
        headers=auth(world.admin),
    )
    assert ok(made, 201)["name"] == "Sunnyside PCT"
