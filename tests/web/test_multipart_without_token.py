"""A multipart post the CSRF check cannot read a token from is refused plainly (403), never a
500: no boundary, a file before the token, or no token at all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.evidence.models import EvidenceItem
from tests.web.steps import sign_in

BOUNDARY = "wcc-boundary"


def _part(name: str, value: bytes, filename: str | None = None) -> bytes:
    file = f'; filename="{filename}"' if filename else ""
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"{file}\r\n\r\n'.encode()
        + value
        + b"\r\n"
    )


BODIES = {
    "no boundary": (
        "multipart/form-data",
        _part("title", b"Minutes") + f"--{BOUNDARY}--\r\n".encode(),
    ),
    "no token": (
        f"multipart/form-data; boundary={BOUNDARY}",
        _part("title", b"Minutes") + f"--{BOUNDARY}--\r\n".encode(),
    ),
    "a file before the token": (
        f"multipart/form-data; boundary={BOUNDARY}",
        _part("file", b"words", "a.txt")
        + _part("csrftoken", b"x")
        + f"--{BOUNDARY}--\r\n".encode(),
    ),
    "empty": (f"multipart/form-data; boundary={BOUNDARY}", b""),
}


@pytest.mark.parametrize("case", list(BODIES))
@pytest.mark.parametrize("path", ["/evidence", "/login"])
def test_a_multipart_post_without_a_readable_token_is_refused_plainly(
    client: TestClient, world, session: Session, case: str, path: str
) -> None:
    sign_in(client, world.practice_clinician)
    content_type, body = BODIES[case]
    answer = client.post(path, content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 403
    assert "This form has expired" in answer.text
    assert answer.headers["content-security-policy"]
    assert session.exec(select(EvidenceItem).where(EvidenceItem.title == "Minutes")).all() == []
