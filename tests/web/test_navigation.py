"""The header fits each role: only the links the role uses, and who is signed in by name and
organisation (not an email address)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.steps import sign_in

NAV = re.compile(r'<nav class="nhsuk-header__navigation[^"]*"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a class="nhsuk-header__navigation-link" href="([^"]+)"([^>]*)>(.*?)</a>', re.S)


def navigation(html: str) -> dict[str, str]:
    """The header's links: text to address (empty when the page has no navigation)."""
    match = NAV.search(html)
    if match is None:
        return {}
    return {re.sub(r"<[^>]+>", "", text).strip(): href for href, _, text in LINK.findall(match[1])}


def current_link(html: str) -> str | None:
    match = NAV.search(html)
    assert match is not None
    for _, attributes, text in LINK.findall(match[1]):
        if 'aria-current="page"' in attributes:
            return re.sub(r"<[^>]+>", "", text).strip()
    return None


def signed_in_line(html: str) -> str:
    match = re.search(r'<p class="nhsuk-body-s app-account-bar__who">(.*?)</p>', html, re.S)
    assert match, "no 'Signed in as' line"
    return " ".join(re.sub(r"<[^>]+>", "", match[1]).split())


HOME = {"Home": "/"}
LIBRARY = {"Evidence": "/evidence"}
LOG = {"Log evidence": "/evidence/new"}


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("lead", HOME | LIBRARY | LOG),
        ("board", HOME | LIBRARY),
        ("clinician", HOME | LIBRARY | LOG),
        ("practice_clinician", HOME | LIBRARY | LOG),
        ("reviewer", HOME | {"Review queue": "/reviews"} | LIBRARY),
        ("admin", HOME | {"Administration": "/admin"}),
    ],
)
def test_each_role_sees_only_the_links_it_uses(
    client: TestClient, world, who: str, links: dict[str, str]
) -> None:
    user = {
        "lead": world.a.lead,
        "board": world.a.board,
        "clinician": world.a.clinician,
        "practice_clinician": world.practice_clinician,
        "reviewer": world.reviewer,
        "admin": world.admin,
    }[who]
    sign_in(client, user)
    assert navigation(client.get("/").text) == links
    # Every link leads to a page this role may open.
    for href in links.values():
        assert client.get(href).status_code == 200, href


def test_a_board_member_reads_the_library_but_is_never_offered_log_evidence(
    client: TestClient, world
) -> None:
    sign_in(client, world.a.board)
    for page in ("/", "/evidence"):
        html = client.get(page).text
        assert "Evidence" in navigation(html)
        assert "/evidence/new" not in html, page
        assert "Log evidence" not in html, page


def test_the_header_marks_the_page_the_user_is_on(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    assert current_link(client.get("/").text) == "Home"
    assert current_link(client.get("/evidence").text) == "Evidence"
    assert current_link(client.get("/evidence/new").text) == "Log evidence"


@pytest.mark.parametrize(
    ("who", "role_words"),
    [
        ("lead", "PCT assurance lead"),
        ("board", "board member"),
        ("clinician", "clinician"),
    ],
)
def test_signed_in_as_names_the_person_and_their_pct(
    client: TestClient, world, who: str, role_words: str
) -> None:
    user = getattr(world.a, who)
    sign_in(client, user)
    for page in ("/", "/evidence"):
        line = signed_in_line(client.get(page).text)
        assert line == f"Signed in as {user.full_name} ({role_words}, {world.a.pct.name})"
        assert user.email not in line


def test_signed_in_as_names_a_practice_clinicians_practice(client: TestClient, world) -> None:
    sign_in(client, world.practice_clinician)
    line = signed_in_line(client.get("/").text)
    assert line == (
        f"Signed in as {world.practice_clinician.full_name} (clinician, {world.practice.name})"
    )


def test_signed_in_as_names_a_reviewers_sha_and_an_administrator(client: TestClient, world) -> None:
    sign_in(client, world.reviewer)
    assert signed_in_line(client.get("/reviews").text) == (
        f"Signed in as {world.reviewer.full_name} (SHA reviewer, {world.sha.name})"
    )
    client.cookies.clear()
    sign_in(client, world.admin)
    assert signed_in_line(client.get("/admin").text) == (
        f"Signed in as {world.admin.full_name} (administrator)"
    )


def test_a_visitor_sees_no_navigation_and_no_signed_in_line(client: TestClient) -> None:
    html = client.get("/").text
    assert navigation(html) == {}
    assert "Signed in as" not in html
