"""A request body is limited as it arrives: the bytes past the limit are never read, whoever
sends them, so nobody can make the server hold or write hundreds of megabytes; a form may
hold no more parts than it has; and a role that may not log evidence is refused before its
form is read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import get_settings
from app.evidence.models import Attachment, EvidenceItem
from tests import factories
from tests.web.steps import csrf_from, sign_in

CHUNK = 1024 * 1024
BOUNDARY = "wcc-limit-boundary"


class Sender:
    """A client body of ``chunks`` megabytes, counting how many the server pulled."""

    def __init__(self, chunks: int, head: bytes = b"", tail: bytes = b"") -> None:
        self.chunks = chunks
        self.head = head
        self.tail = tail
        self.pulled = 0

    async def body(self) -> AsyncIterator[bytes]:
        if self.head:
            self.pulled += 1
            yield self.head
        for _ in range(self.chunks):
            self.pulled += 1
            yield b"x" * CHUNK
        if self.tail:
            self.pulled += 1
            yield self.tail


def _send(
    client: TestClient, method: str, path: str, content: bytes | Sender, headers: dict[str, str]
) -> httpx.Response:
    """The request sent to the application as a stream (no length given, so only counting
    the bytes as they arrive can stop it), with the test client's cookies."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=client.cookies
        ) as streaming:
            body = content.body() if isinstance(content, Sender) else content
            return await streaming.request(method, path, content=body, headers=headers)

    # In a thread of its own: the suite's browser tests may leave an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, go()).result()


def _part_head(name: str, filename: str | None = None) -> bytes:
    file = f'; filename="{filename}"' if filename else ""
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"{file}\r\n\r\n'.encode()


def _field(name: str, value: str) -> bytes:
    return _part_head(name) + value.encode() + b"\r\n"


MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_a_huge_json_body_signed_out_is_refused_once_past_the_limit(client: TestClient) -> None:
    sender = Sender(200)
    answer = _send(client, "POST", "/api/v1/evidence", sender, {"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json() == {
        "detail": f"The request is larger than the {get_settings().max_body_mb} MB this "
        "service accepts"
    }
    assert sender.pulled <= get_settings().max_body_mb + 1


def test_a_declared_length_over_the_limit_is_refused_before_any_byte_is_read(
    client: TestClient,
) -> None:
    sender = Sender(200)
    length = str(200 * CHUNK)
    answer = _send(
        client,
        "POST",
        "/api/v1/evidence",
        sender,
        {"Content-Type": "application/json", "Content-Length": length},
    )
    assert answer.status_code == 413
    assert sender.pulled == 0


def test_a_plain_form_over_the_limit_is_refused_with_a_page(client: TestClient) -> None:
    """The CSRF check reads a plain form's body before any route: it is limited all the same
    and answered with a page carrying the security headers."""
    page = client.get("/login")
    head = f"csrftoken={csrf_from(page.text)}&email=".encode()
    sender = Sender(200, head=head)
    answer = _send(
        client, "POST", "/login", sender, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 413
    assert "too large" in answer.text
    assert answer.headers["content-security-policy"]
    assert sender.pulled <= get_settings().max_body_mb + 2


def test_an_upload_past_the_limit_stops_being_read(
    client: TestClient, world, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "max_upload_mb", 1)
    sign_in(client, world.practice_clinician)
    token = csrf_from(client.get("/evidence/new").text)
    head = (
        _field("csrftoken", token)
        + _field("title", "A very large file")
        + _field("competency_numbers", "4")
        + _field("kind", "document")
        + _field("occurred_on", "2009-11-17")
        + _part_head("file", "large.txt")
    )
    sender = Sender(300, head=head, tail=f"\r\n--{BOUNDARY}--\r\n".encode())
    answer = _send(client, "POST", "/evidence", sender, MULTIPART)
    assert answer.status_code == 413
    # Reading stopped once the file passed its limit; the form comes back with what was typed.
    assert sender.pulled <= get_settings().max_upload_mb + 2
    assert "The file is larger than the 1 MB limit" in answer.text
    assert 'value="A very large file"' in answer.text
    assert (
        session.exec(select(EvidenceItem).where(EvidenceItem.title == "A very large file")).all()
        == []
    )


def test_a_form_whose_file_is_too_large_comes_back_with_what_was_typed(
    client: TestClient, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a browser sends it: the whole length said up front, far past the limit, the file
    after the words. The page reads up to the file, stops once it passes the limit, and shows
    the form again with the words typed."""
    monkeypatch.setattr(get_settings(), "max_upload_mb", 1)
    sign_in(client, world.practice_clinician)
    token = csrf_from(client.get("/evidence/new").text)
    head = (
        _field("csrftoken", token)
        + _field("title", "Minutes with every appendix")
        + _field("description", "Typed at length before choosing the file.")
        + _part_head("file", "minutes.pdf")
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    sender = Sender(40, head=head, tail=tail)
    length = str(len(head) + 40 * CHUNK + len(tail))
    answer = _send(client, "POST", "/evidence", sender, {**MULTIPART, "Content-Length": length})
    assert answer.status_code in (413, 422)
    assert "The file is larger than the 1 MB limit" in answer.text
    assert 'value="Minutes with every appendix"' in answer.text
    assert "Typed at length before choosing the file." in answer.text


def test_a_role_that_may_not_log_evidence_is_refused_before_its_form_is_read(
    client: TestClient, world, session: Session
) -> None:
    sign_in(client, world.reviewer)
    token = csrf_from(client.get("/").text)
    head = _field("csrftoken", token) + _field("title", "Not theirs") + _part_head("file", "a.txt")
    sender = Sender(20, head=head, tail=f"\r\n--{BOUNDARY}--\r\n".encode())
    answer = _send(client, "POST", "/evidence", sender, MULTIPART)
    assert answer.status_code == 403
    # The CSRF check reads up to the end of the leading token; not a megabyte of the file.
    assert sender.pulled <= 2
    assert session.exec(select(EvidenceItem).where(EvidenceItem.title == "Not theirs")).all() == []


def test_an_item_not_theirs_to_change_is_refused_before_the_file_is_read(
    client: TestClient, world, session: Session
) -> None:
    item = factories.make_evidence(session, pct=world.a.pct, author=world.a.lead)
    sign_in(client, world.practice_clinician)
    token = csrf_from(client.get("/").text)
    head = _field("csrftoken", token) + _part_head("file", "a.txt")
    sender = Sender(20, head=head, tail=f"\r\n--{BOUNDARY}--\r\n".encode())
    answer = _send(client, "POST", f"/evidence/{item.id}/attachments", sender, MULTIPART)
    assert answer.status_code == 403
    assert sender.pulled <= 2
    assert session.exec(select(Attachment).where(Attachment.evidence_id == item.id)).all() == []


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(
            _part_head("file", "one.txt") + b"one\r\n" + _part_head("file", "two.txt") + b"two\r\n",
            id="two files",
        ),
        pytest.param(b"".join(_field(f"field{n}", "x") for n in range(150)), id="150 fields"),
    ],
)
def test_an_evidence_form_with_more_parts_than_it_has_is_refused_plainly(
    client: TestClient, world, session: Session, extra: bytes
) -> None:
    sign_in(client, world.practice_clinician)
    token = csrf_from(client.get("/evidence/new").text)
    body = (
        _field("csrftoken", token)
        + _field("title", "Too many parts")
        + extra
        + f"--{BOUNDARY}--\r\n".encode()
    )
    answer = client.post("/evidence", content=body, headers=MULTIPART)
    assert answer.status_code == 400
    assert "The form could not be read" in answer.text
    assert (
        session.exec(select(EvidenceItem).where(EvidenceItem.title == "Too many parts")).all() == []
    )


def test_a_page_form_with_a_file_or_thousands_of_fields_is_refused_plainly(
    client: TestClient,
) -> None:
    token = csrf_from(client.get("/login").text)
    many = {"csrftoken": token, **{f"field{n}": "x" for n in range(1200)}}
    answer = client.post("/login", data=many)
    assert answer.status_code == 400
    assert "The form could not be read" in answer.text
    body = _field("csrftoken", token) + _part_head("file", "a.txt") + b"a\r\n"
    answer = client.post("/login", content=body + f"--{BOUNDARY}--\r\n".encode(), headers=MULTIPART)
    assert answer.status_code == 400
    assert "The form could not be read" in answer.text
