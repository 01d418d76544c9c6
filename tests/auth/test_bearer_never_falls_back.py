"""A request that sends an Authorization header is judged by it alone: an empty or unusable
bearer token is 401, never a fallback to the browser's session cookie (which the CSRF check,
skipped for bearer requests, would then not have protected)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.evidence.models import EvidenceItem
from tests.evidence.test_logging_pages import FORM
from tests.web.steps import sign_in


@pytest.mark.parametrize(
    "authorization", ["Bearer ", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-token", ""]
)
def test_a_form_with_the_cookie_and_an_unusable_bearer_is_refused(
    client: TestClient, world, session: Session, authorization: str
) -> None:
    sign_in(client, world.practice_clinician)
    answer = client.post(
        "/evidence", data=FORM, headers={"Authorization": authorization}, follow_redirects=False
    )
    # Refused: 401 (or to sign in, for a page), or 403 where the CSRF check did run.
    assert answer.status_code in (401, 303, 403), answer.text
    assert session.exec(select(EvidenceItem).where(EvidenceItem.title == FORM["title"])).all() == []
    api = client.get("/api/v1/users/me", headers={"Authorization": authorization})
    assert api.status_code == 401
    assert client.get("/api/v1/users/me").status_code == 200  # the cookie alone still works
