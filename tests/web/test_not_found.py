"""An address with no page gets "Page not found" inside the site's layout (with the signed-in
user's navigation), in the NHS service manual's words; the API keeps its JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import open_assessment
from tests.factories import auth
from tests.web.steps import sign_in
from tests.web.test_navigation import navigation, signed_in_line

TYPED = "If you typed the web address, check it is correct."
PASTED = "If you pasted the web address, check you copied the entire address."


def then_page_not_found(response) -> str:
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<title>Page not found \u2013 WCC Assurance Tracker</title>" in html
    assert "<h1>Page not found</h1>" in html
    assert TYPED in html and PASTED in html
    # Inside the layout: the NHS header, the skip link, the footer.
    assert 'class="nhsuk-header' in html and 'href="#maincontent"' in html
    assert 'class="nhsuk-footer' in html
    # Plain words only: never the technical detail behind the 404.
    assert "Not Found" not in html and "not found" not in html.replace("Page not found", "")
    return html


@pytest.mark.parametrize("path", ["/nope", "/a/b/c", "/static/no-such-file.css"])
def test_a_visitor_at_an_unknown_address_gets_page_not_found(client: TestClient, path: str) -> None:
    html = then_page_not_found(client.get(path, headers={"Accept": "text/html"}))
    assert navigation(html) == {}
    assert "Signed in as" not in html


@pytest.mark.parametrize(
    "path", ["/nope", "/assessments/999999", "/assessments/abc", "/evidence/999999", "/a/b/c"]
)
def test_a_signed_in_user_at_an_unknown_address_keeps_their_navigation(
    client: TestClient, world, path: str
) -> None:
    sign_in(client, world.a.board)
    html = then_page_not_found(client.get(path))
    assert navigation(html) == {"Home": "/", "Evidence": "/evidence"}
    assert signed_in_line(html) == (
        f"Signed in as {world.a.board.full_name} (board member, {world.a.pct.name})"
    )


def test_another_pcts_assessment_is_page_not_found_without_a_hint(
    client: TestClient, world
) -> None:
    theirs = open_assessment(client, world.b.lead, world.b.pct.code, world.cycle.id)
    sign_in(client, world.a.lead)
    html = then_page_not_found(client.get(f"/assessments/{theirs['id']}"))
    assert f"Assessment {theirs['id']}" not in html
    assert "Log evidence" in navigation(html)


def test_an_ended_session_at_an_unknown_address_is_page_not_found_for_a_visitor(
    client: TestClient,
) -> None:
    client.cookies.set("wcc_session", "not-a-live-session")
    html = then_page_not_found(client.get("/nope"))
    assert navigation(html) == {}


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/assessments/999999"])
def test_the_api_keeps_its_json_404(client: TestClient, world, path: str) -> None:
    response = client.get(path, headers={**auth(world.a.lead), "Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_an_unknown_api_path_says_not_found_in_json_even_to_a_signed_in_browser(
    client: TestClient, world
) -> None:
    sign_in(client, world.a.lead)
    response = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_htmx_asking_for_a_missing_fragment_gets_a_message_not_a_page(
    client: TestClient, world
) -> None:
    sign_in(client, world.a.lead)
    response = client.get("/assessments/999999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.text
    assert response.headers["HX-Retarget"] == "#flash"
