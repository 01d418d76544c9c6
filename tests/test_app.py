"""The running service: probes, the competency API, the home page and its headers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.framework import service as framework_service
from app.schema_migrations import head_revision
from tests.factories import auth


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_database_runs_one_query(client: TestClient) -> None:
    response = client.get("/healthz/database")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readyz_checks_the_database_and_schema(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "schema": "current"}
    assert head_revision() not in response.text  # anyone may ask: no revision is named


def test_competency_list_carries_the_framework_hash_as_etag_and_answers_304(
    client: TestClient, world
) -> None:
    first = client.get("/api/v1/competencies", headers=auth(world.a.lead))
    etag = first.headers["ETag"]
    assert etag == f'"{framework_service.current_framework().file_sha256}"'
    again = client.get(
        "/api/v1/competencies", headers={**auth(world.a.lead), "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    changed = client.get(
        "/api/v1/competencies", headers={**auth(world.a.lead), "If-None-Match": '"other"'}
    )
    assert changed.status_code == 200 and changed.json() == first.json()
    # The ETag never stands in for signing in.
    assert client.get("/api/v1/competencies", headers={"If-None-Match": etag}).status_code == 401


def test_competencies_api_lists_eleven_with_four_levels_each(client: TestClient, world) -> None:
    response = client.get("/api/v1/competencies", headers=auth(world.a.lead))
    assert response.status_code == 200
    competencies = response.json()
    assert [c["number"] for c in competencies] == list(range(1, 12))
    for competency in competencies:
        assert {"number", "key", "title", "summary", "levels"} <= competency.keys()
        assert [level["level"] for level in competency["levels"]] == [1, 2, 3, 4]
        assert all(level["descriptor"] for level in competency["levels"])
    assert competencies[3]["title"] == "Collaborate with clinicians"


def test_unknown_framework_version_is_404_json(client: TestClient, world) -> None:
    response = client.get("/api/v1/frameworks/wcc-1999", headers=auth(world.admin))
    assert response.status_code == 404
    assert "wcc-1999" in response.json()["detail"]


def test_home_page_renders_the_framework_through_the_base_template(client: TestClient) -> None:
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    assert "WCC Assurance Tracker" in html
    assert "Make sound financial investments" in html
    assert "/static/vendor/nhsuk-frontend-" in html
    assert "/static/vendor/htmx-2." in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_pages_carry_security_headers(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_an_nhs_style_404_and_unknown_api_path_is_json(
    client: TestClient,
) -> None:
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Page not found" in page.text
    api = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}


def test_vendored_assets_are_served(client: TestClient) -> None:
    html = client.get("/").text
    for marker in ('href="/static/vendor/nhsuk-frontend-', 'src="/static/vendor/htmx-'):
        start = html.index(marker) + len(marker.split('"')[0]) + 1
        path = html[start : html.index('"', start)]
        assert client.get(path).status_code == 200, path


def test_a_nul_character_in_input_is_422_on_every_database(client: TestClient, world) -> None:
    response = client.post(
        "/api/v1/cycles",
        json={
            "name": "\u0000",
            "opens_on": "2000-01-01",
            "submission_due": "2000-01-01",
            "review_due": "2000-01-01",
        },
        headers=auth(world.admin),
    )
    assert response.status_code in (201, 422)
    search = client.get("/api/v1/evidence", params={"q": "a\u0000b"}, headers=auth(world.a.lead))
    assert search.status_code in (200, 422)
