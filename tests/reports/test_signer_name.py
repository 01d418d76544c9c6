"""The report records the board's sign-off under the name the signer had when they signed,
whatever their name becomes later."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from app.auth.service import actor_for_user
from app.users import service as users_service
from tests.factories import auth


def _words(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_the_signer_is_named_as_they_were_when_they_signed(
    client: TestClient, session: Session, world, reviewed: dict
) -> None:
    signed_as = world.a.board.full_name
    admin = actor_for_user(session, world.admin.id)
    assert admin is not None
    users_service.update_user(session, admin, world.a.board.id, full_name="Mrs N. Married-Name")
    pdf = client.get(
        f"/api/v1/assessments/{reviewed['id']}/report.pdf", headers=auth(world.reviewer)
    ).content
    words = _words(pdf)
    assert f"Sign-off recorded by {signed_as}," in words
    assert "Married-Name" not in words
