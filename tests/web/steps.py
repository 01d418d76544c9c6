"""Browser-like steps for page tests: sign in with the form, post forms with their token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.users.models import User
from tests.factories import PASSWORD

TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, user: User, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": user.email,
            "password": password,
            "next": "/",
            "csrftoken": csrf_from(page.text),
        },
        follow_redirects=False,
    )


def post_form(client: TestClient, page_url: str, action: str, data: dict, **kwargs):
    """Load ``page_url`` for its token, then post ``data`` to ``action`` as its form would."""
    token = csrf_from(client.get(page_url).text)
    return client.post(action, data={"csrftoken": token, **data}, follow_redirects=False, **kwargs)


def error_summary(html: str) -> dict[str, str]:
    """The error summary's links: the id each one reaches, and its text (whitespace closed)."""
    start = html.find("nhsuk-error-summary")
    if start < 0:
        return {}
    links = re.findall(r'<a href="#([^"]+)"[^>]*>\s*(.*?)\s*</a>', html[start:], flags=re.S)
    return {target: " ".join(text.split()) for target, text in links}


def assert_summary_reaches_fields(html: str) -> dict[str, str]:
    """Every error-summary link leads to an element on the page; returns the links."""
    links = error_summary(html)
    assert links, "no error summary"
    for target in links:
        assert f'id="{target}"' in html, f"the error summary links to #{target}, not on the page"
    return links
